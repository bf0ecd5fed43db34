/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's UDP sockets: IKE on port 500 over IPv4 and IPv6. */

#ifndef KESP_IKED_NET_H
#define KESP_IKED_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/addr.h"

#define IKED_IKE_PORT		500
/* strongSwan's and RFC 7296's floor is 1280; a datagram is at most this. */
#define IKED_MSG_MAX		65535

struct iked_net {
	int fd4, fd6;		/* -1 when that family is not available */
	uint16_t port;
};

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

/* One datagram from @fd: its length, or -errno (-EAGAIN when none). */
ssize_t iked_net_recv(const struct iked_net *n, int fd, uint8_t *buf,
		      size_t cap, struct iked_path *path);
/* Send from path->local (if set) to path->remote:rport. 0 or -errno. */
int iked_net_send(const struct iked_net *n, const struct iked_path *path,
		  const void *buf, size_t len);

/* The source address the routing table picks to reach @remote. */
int iked_net_source(const struct kesp_addr *remote, struct kesp_addr *local);
/* 1 if @a is an address of this host (in this namespace). */
int iked_net_is_local(const struct kesp_addr *a);

/* "192.0.2.1[500]" for logs. */
const char *iked_net_format(const struct kesp_addr *a, uint16_t port,
			    char *buf, size_t len);

#endif /* KESP_IKED_NET_H */
