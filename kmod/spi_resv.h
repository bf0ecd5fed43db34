/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inbound SPIs reserved by SPI_ALLOC, and the ESP that arrives for them
 * before their SA does.
 */

#ifndef _KESP_SPI_RESV_H
#define _KESP_SPI_RESV_H

#include <linux/skbuff.h>
#include "sa.h"

/* How long an SPI reserved by SPI_ALLOC is held for its SA. */
#define KESP_SPI_RESV_SECS 60
/*
 * How many SPIs a namespace may hold reserved at once: an IKE daemon
 * needs one per CHILD SA in negotiation, and anyone who can make a user
 * namespace may ask.
 */
#define KESP_SPI_RESV_MAX 4096
/*
 * ESP held per reservation, per namespace, and for how long. A peer that
 * answered a CREATE_CHILD_SA may send on the new SA before the daemon
 * has read that answer's twin and added the inbound SA (RFC 7296 2.8
 * leaves the gap to implementations): a few packets, milliseconds apart.
 */
#define KESP_SPI_HOLD_MAX 16
#define KESP_SPI_HOLD_NET_MAX 128
#define KESP_SPI_HOLD_MS 2000	/* default of the spi_hold_ms parameter */
#define KESP_SPI_HOLD_MS_MAX 60000

int kesp_spi_resv_init(struct kesp_net *kn);
/* The namespace is going: drop every reservation and what it holds. */
void kesp_spi_resv_exit(struct kesp_net *kn);

/*
 * Reserve a random SPI in [@min, @max] for inbound SAs to @dst; the
 * caller holds kn->lock.
 */
int kesp_spi_alloc(struct kesp_net *kn, u16 family,
		   const union kesp_addr *dst, u32 min, u32 max, u32 *spi,
		   struct netlink_ext_ack *extack);

/*
 * ESP for @key, which has no SA: keep @skb on @key's reservation, if
 * there is one with room (counted as in-held), and return true; else
 * false and the caller drops it. From the packet path, BH disabled.
 */
bool kesp_spi_resv_hold(struct kesp_net *kn, const struct kesp_sa_key *key,
			struct sk_buff *skb);
/*
 * The inbound SA for @key is in the SAD: end the reservation and put
 * what it held through the inbound path. The caller holds kn->lock.
 */
void kesp_spi_resv_consume(struct kesp_net *kn, const struct kesp_sa_key *key);
/*
 * From the namespace's timer: drop reservations past their time and ESP
 * held longer than spi_hold_ms (as in-no-sa). Holds kn->lock.
 * Whether packets are still held (the timer must come back).
 */
bool kesp_spi_resv_expire(struct kesp_net *kn);

/* Held ESP must not outlive the device it came in on. */
int kesp_spi_resv_notifier_init(void);
void kesp_spi_resv_notifier_exit(void);

#endif /* _KESP_SPI_RESV_H */
