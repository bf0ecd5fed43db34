/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's UDP sockets: IKE on port 500 and NAT-T's 4500 over IPv4 and IPv6. */

#ifndef KESP_IKED_NET_H
#define KESP_IKED_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/addr.h"

#define IKED_IKE_PORT		500
/* NAT traversal (RFC 7296 2.23, RFC 3948): IKE behind a marker, ESP in UDP. */
#define IKED_NATT_PORT		4500
#define IKED_NON_ESP_MARKER_LEN	4
/* strongSwan's and RFC 7296's floor is 1280; a datagram is at most this. */
#define IKED_MSG_MAX		65535

struct iked_net_held;

struct iked_net {
	int fd4, fd6;		/* -1 when that family is not available */
	uint16_t port;
	/* The NAT-T sockets (-1: none) and their port (0: not open). */
	int nat4, nat6;
	uint16_t nat_port;
	/* Datagrams on the NAT-T port that were not IKE, by kind. */
	unsigned long rx_keepalive, rx_esp, rx_malformed;
	/*
	 * Set by iked_net_hold_init(): while ->hold_while(->hold_arg) says
	 * so (kernel requests are queued, SA installs among them), IKE
	 * datagrams wait in ->held, in order, for iked_net_release(), so
	 * that no peer learns of an SA before it is in. NULL: never held.
	 */
	bool (*hold_while)(void *arg);
	void *hold_arg;
	struct iked_net_held *held;
};
/* At most this many datagrams are held; more are dropped (said in the log). */
#define IKED_NET_HELD_MAX	256

/* What a datagram that arrived on the NAT-T port is. */
enum iked_natt_rx {
	IKED_NATT_RX_IKE,	/* a non-ESP marker, then IKE */
	IKED_NATT_RX_KEEPALIVE,	/* the one byte 0xff (RFC 3948 2.3) */
	IKED_NATT_RX_ESP,	/* ESP in UDP: the kernel's, not ours */
	IKED_NATT_RX_MALFORMED,
};

/*
 * Classify @len bytes received on the NAT-T port (RFC 3948 2.2): IKE is
 * behind four zero bytes (the non-ESP marker, which *@skip then counts)
 * and at least an IKE header long.
 */
enum iked_natt_rx iked_net_natt_classify(const uint8_t *buf, size_t len,
					 size_t *skip);

/* Where a datagram came from and went to. */
struct iked_path {
	struct kesp_addr local, remote;
	uint16_t lport, rport;
};

/*
 * Bind UDP @port on every address of both families (one socket each;
 * IPv6 only on the IPv6 one), receiving each datagram's local address.
 * Fails only if neither family can be bound; @err says why.
 */
int iked_net_open(struct iked_net *n, uint16_t port, char *err,
		  size_t errlen);
void iked_net_close(struct iked_net *n);
/*
 * Bind the NAT-T sockets (UDP @port, usually 4500) next to the IKE ones;
 * from then on a path whose lport is @port sends from them, behind the
 * non-ESP marker. Fails only if neither family can be bound.
 */
int iked_net_open_natt(struct iked_net *n, uint16_t port, char *err,
		       size_t errlen);

/*
 * One datagram from @fd: its length, or -errno (-EAGAIN when none). On a
 * NAT-T socket the non-ESP marker is removed; a keepalive, ESP or a
 * malformed datagram there reads as length 0 (nothing for IKE).
 */
ssize_t iked_net_recv(struct iked_net *n, int fd, uint8_t *buf,
		      size_t cap, struct iked_path *path);
/*
 * Send from path->local (if set) to path->remote:rport, from the NAT-T
 * socket with the marker in front when path->lport is the NAT-T port.
 * 0 or -errno.
 */
int iked_net_send(const struct iked_net *n, const struct iked_path *path,
		  const void *buf, size_t len);
/*
 * The same for a kept message that may be the fragments of one (RFC
 * 7383): datagrams back to back in @buf, each as long as its IKE
 * header's Length field (ISAKMP and IKEv2 keep it at byte 24) says.
 * Every one is sent; the first error is returned.
 */
int iked_net_send_msgs(const struct iked_net *n, const struct iked_path *path,
		       const uint8_t *buf, size_t len);
/*
 * Hold IKE datagrams (iked_net_send(), _send_msgs()) while @fn(@arg) is
 * true, or while earlier ones are still held. 0 or -ENOMEM.
 */
int iked_net_hold_init(struct iked_net *n, bool (*fn)(void *arg), void *arg);
/* Datagrams held now. */
size_t iked_net_held(const struct iked_net *n);
/*
 * Unless ->hold_while() still says hold: send the held datagrams in the
 * order they were given. Returns how many were sent (or tried).
 */
size_t iked_net_release(struct iked_net *n);

/* A NAT keepalive (one byte 0xff) from the NAT-T port along @path. */
int iked_net_send_keepalive(const struct iked_net *n,
			    const struct iked_path *path);

/* The source address the routing table picks to reach @remote. */
int iked_net_source(const struct kesp_addr *remote, struct kesp_addr *local);
/* 1 if @a is an address of this host (in this namespace). */
int iked_net_is_local(const struct kesp_addr *a);

/* "192.0.2.1[500]" for logs. */
const char *iked_net_format(const struct kesp_addr *a, uint16_t port,
			    char *buf, size_t len);

#endif /* KESP_IKED_NET_H */
