/* SPDX-License-Identifier: GPL-2.0 */
/* CHILD SAs as the core keeps them. */

#ifndef KESP_IKED_SA_CHILD_SA_H
#define KESP_IKED_SA_CHILD_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../daemon.h"

/* What a version negotiated for a CHILD SA, to install. */
struct child_sa_spec {
	const struct iked_chosen *prop;
	uint32_t spi_in, spi_out;	/* host order */
	uint8_t mode;			/* enum kesp_mode */
	const struct iked_ts_list *tsl, *tsr;	/* local, remote */
	/*
	 * The outbound SA waits in ch->deferred_out (a rekey's responder:
	 * RFC 7296 2.8) until child_install_deferred().
	 */
	bool defer_out;
	/* Hard lifetime in seconds, 0: the conn's (IKEv2 never negotiates it). */
	uint32_t life;
};

/* Its keys, each direction's encryption (salt included) and integrity. */
struct child_sa_keys {
	const uint8_t *ek_in, *ak_in, *ek_out, *ak_out;
	size_t enc_len, integ_len;
};

/* The kernel facade's last error, for a log line (a static buffer). */
const char *child_sa_kerr(struct ike_sa *sa);
/* ESP key lengths kesp.ko wants for @c: 0 or -EOPNOTSUPP. */
int child_sa_key_lens(const struct iked_chosen *c, size_t *enc,
		      size_t *integ);
/*
 * Install a CHILD SA of @sa: inbound SA, outbound SA, policies; linked
 * into sa->children, into *@out, with when its inbound SA went in
 * (iked_now_us()) into *@in_us. 0 or -errno (logged, nothing left).
 */
int child_sa_install(struct ike_sa *sa, const struct child_sa_spec *s,
		     const struct child_sa_keys *keys, struct child_sa **out,
		     uint64_t *in_us);
/* Install @ch's deferred outbound SA, if it has one waiting. */
void child_install_deferred(struct ike_sa *sa, struct child_sa *ch);

/*
 * Remove @ch from the kernel (and the list) of @sa; the deferred
 * outbound SAs of the others go in first.
 */
void child_remove(struct ike_sa *sa, struct child_sa *ch, const char *why);

/* Its outbound SA goes (it is being deleted); it still receives. */
void child_stop_sending(struct ike_sa *sa, struct child_sa *ch);
/* Forget @ch's deferred outbound SA: it will never be installed. */
void child_sa_drop_deferred_out(struct child_sa *ch);

/*
 * @ch was replaced by a new CHILD SA: its version deletes it at @at
 * (proto->delete_child, from sa/timers.c), not before.
 */
void child_retire(struct child_sa *ch, iked_ms at);
/*
 * Stop sending on @ch now (a replacement's deferred outbound SA goes in
 * first) but receive on it for @ms more: packets the peer sent before it
 * switched still arrive. Then it is removed (sa/timers.c).
 */
void child_linger(struct ike_sa *sa, struct child_sa *ch, iked_ms ms);
/*
 * Due retirements and lingering CHILD SAs of @sa, done; the next such
 * deadline (0: none).
 */
iked_ms child_retire_run(struct ike_sa *sa, iked_ms now);

/* The CHILD SA of @sa with our outbound (inbound) SPI, or NULL. */
struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out);
struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in);

#endif /* KESP_IKED_SA_CHILD_SA_H */
