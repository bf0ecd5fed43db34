// SPDX-License-Identifier: GPL-2.0
/* kesp-iked's UDP sockets: IKE on port 500 and NAT-T's 4500 over IPv4 and IPv6. */

#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "log.h"

/* One datagram that waits for the kernel, and the FIFO of them. */
struct held_dgram {
	struct held_dgram *next;
	struct iked_path path;
	size_t len;
	uint8_t buf[];
};

struct iked_net_held {
	struct held_dgram *head, **tail;
	size_t n;
	unsigned long dropped;
};

static void held_free(struct iked_net_held *h)
{
	struct held_dgram *g, *next;

	if (!h)
		return;
	for (g = h->head; g; g = next) {
		next = g->next;
		free(g);
	}
	free(h);
}

static int sockaddr_from(const struct kesp_addr *a, uint16_t port,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		*len = sizeof(*sin);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static void addr_from(const struct sockaddr_storage *ss, struct kesp_addr *a,
		      uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		a->family = AF_INET;
		memcpy(a->bytes, &sin->sin_addr, 4);
		if (port)
			*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		a->family = AF_INET6;
		memcpy(a->bytes, &sin6->sin6_addr, 16);
		if (port)
			*port = ntohs(sin6->sin6_port);
	}
}

static int bind_one(int family, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct kesp_addr any = { .family = (uint16_t)family };
	socklen_t len = 0;
	int fd, on = 1;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)))
			goto fail;
	} else {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			       sizeof(on)))
			goto fail;
	}
	sockaddr_from(&any, port, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len))
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "UDP port %u over %s: %s", port,
		 kesp_family_label(family), strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int iked_net_open(struct iked_net *n, uint16_t port, char *err,
		  size_t errlen)
{
	char err6[256];

	n->port = port;
	n->fd4 = bind_one(AF_INET, port, err, errlen);
	n->fd6 = bind_one(AF_INET6, port, err6, sizeof(err6));
	if (n->fd4 < 0 && n->fd6 < 0)
		return -EADDRINUSE;
	return 0;
}

int iked_net_open_natt(struct iked_net *n, uint16_t port, char *err,
		       size_t errlen)
{
	char err6[256];

	n->nat4 = bind_one(AF_INET, port, err, errlen);
	n->nat6 = bind_one(AF_INET6, port, err6, sizeof(err6));
	if (n->nat4 < 0 && n->nat6 < 0)
		return -EADDRINUSE;
	n->nat_port = port;
	return 0;
}

void iked_net_close(struct iked_net *n)
{
	if (n->fd4 >= 0)
		close(n->fd4);
	if (n->fd6 >= 0)
		close(n->fd6);
	if (n->nat4 >= 0)
		close(n->nat4);
	if (n->nat6 >= 0)
		close(n->nat6);
	n->fd4 = n->fd6 = n->nat4 = n->nat6 = -1;
	n->nat_port = 0;
	/* Nothing can go out any more: what is held is dropped. */
	held_free(n->held);
	n->held = NULL;
	n->hold_while = NULL;
}

/* The IKE header: SPIs, next payload, version, exchange, flags, ID, length. */
#define IKE_HDR_LEN	28

enum iked_natt_rx iked_net_natt_classify(const uint8_t *buf, size_t len,
					 size_t *skip)
{
	static const uint8_t marker[IKED_NON_ESP_MARKER_LEN];

	*skip = 0;
	if (len == 1)
		return buf[0] == 0xff ? IKED_NATT_RX_KEEPALIVE :
					IKED_NATT_RX_MALFORMED;
	if (len < IKED_NON_ESP_MARKER_LEN)
		return IKED_NATT_RX_MALFORMED;
	if (!memcmp(buf, marker, sizeof(marker))) {
		if (len < IKED_NON_ESP_MARKER_LEN + IKE_HDR_LEN)
			return IKED_NATT_RX_MALFORMED;
		*skip = IKED_NON_ESP_MARKER_LEN;
		return IKED_NATT_RX_IKE;
	}
	/* SPI and sequence number at least (RFC 3948 2.2: > 8 bytes). */
	return len > 8 ? IKED_NATT_RX_ESP : IKED_NATT_RX_MALFORMED;
}

ssize_t iked_net_recv(struct iked_net *n, int fd, uint8_t *buf,
		      size_t cap, struct iked_path *path)
{
	struct sockaddr_storage from;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	ssize_t r;

	r = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (r < 0)
		return -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	memset(path, 0, sizeof(*path));
	addr_from(&from, &path->remote, &path->rport);
	path->lport = n->port;
	if (n->nat_port && (fd == n->nat4 || fd == n->nat6)) {
		size_t skip;

		path->lport = n->nat_port;
		switch (iked_net_natt_classify(buf, (size_t)r, &skip)) {
		case IKED_NATT_RX_IKE:
			memmove(buf, buf + skip, (size_t)r - skip);
			r -= (ssize_t)skip;
			break;
		case IKED_NATT_RX_KEEPALIVE:
			n->rx_keepalive++;
			return 0;
		case IKED_NATT_RX_ESP:
			/* Only without the kernel's encapsulation socket. */
			n->rx_esp++;
			return 0;
		default:
			n->rx_malformed++;
			return 0;
		}
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			path->local.family = AF_INET;
			memcpy(path->local.bytes, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			path->local.family = AF_INET6;
			memcpy(path->local.bytes, &pi.ipi6_addr, 16);
		}
	}
	return r;
}

/* @marker: the non-ESP marker goes first (IKE on the NAT-T port). */
static int send_one(const struct iked_net *n, const struct iked_path *path,
		    const void *buf, size_t len, bool marker)
{
	static const uint8_t zero[IKED_NON_ESP_MARKER_LEN];
	struct sockaddr_storage to;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov[2] = {
		{ .iov_base = (void *)zero, .iov_len = sizeof(zero) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = marker ? iov : iov + 1,
			     .msg_iovlen = marker ? 2 : 1 };
	struct cmsghdr *c;
	socklen_t tolen;
	bool natt = n->nat_port && path->lport == n->nat_port;
	int fd;

	if (sockaddr_from(&path->remote, path->rport, &to, &tolen))
		return -EAFNOSUPPORT;
	if (natt)
		fd = path->remote.family == AF_INET ? n->nat4 : n->nat6;
	else
		fd = path->remote.family == AF_INET ? n->fd4 : n->fd6;
	if (fd < 0)
		return -EAFNOSUPPORT;
	mh.msg_name = &to;
	mh.msg_namelen = tolen;
	memset(&cbuf, 0, sizeof(cbuf));
	/* Answer from the address the peer talks to, not the route's pick. */
	if (path->local.family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		memcpy(&pi.ipi_spec_dst, path->local.bytes, 4);
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else if (path->local.family == AF_INET6) {
		struct in6_pktinfo pi = { 0 };

		memcpy(&pi.ipi6_addr, path->local.bytes, 16);
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/* Keep a copy of the datagram at the end of the FIFO. */
static int hold(const struct iked_net *n, const struct iked_path *path,
		const void *buf, size_t len)
{
	struct iked_net_held *h = n->held;
	struct held_dgram *g;

	if (h->n >= IKED_NET_HELD_MAX) {
		/* The peer retransmits; an answer lost here is sent again. */
		if (!h->dropped++)
			iked_log(IKED_LOG_WARN, NULL, 0,
				 "%d IKE datagrams wait for the kernel already: dropping more until it catches up",
				 IKED_NET_HELD_MAX);
		return -ENOBUFS;
	}
	g = malloc(sizeof(*g) + len);
	if (!g)
		return -ENOMEM;
	g->next = NULL;
	g->path = *path;
	g->len = len;
	memcpy(g->buf, buf, len);
	*h->tail = g;
	h->tail = &g->next;
	h->n++;
	return 0;
}

int iked_net_send(const struct iked_net *n, const struct iked_path *path,
		  const void *buf, size_t len)
{
	/* Behind what is held already, so that the order stays. */
	if (n->held && (n->held->n || n->hold_while(n->hold_arg)))
		return hold(n, path, buf, len);
	return send_one(n, path, buf, len,
			n->nat_port && path->lport == n->nat_port);
}

int iked_net_hold_init(struct iked_net *n, bool (*fn)(void *arg), void *arg)
{
	if (!n->held) {
		n->held = calloc(1, sizeof(*n->held));
		if (!n->held)
			return -ENOMEM;
		n->held->tail = &n->held->head;
	}
	n->hold_while = fn;
	n->hold_arg = arg;
	return 0;
}

size_t iked_net_held(const struct iked_net *n)
{
	return n->held ? n->held->n : 0;
}

size_t iked_net_release(struct iked_net *n)
{
	struct iked_net_held *h = n->held;
	struct held_dgram *g;
	size_t sent = 0;

	if (!h || !h->n || n->hold_while(n->hold_arg))
		return 0;
	while ((g = h->head)) {
		h->head = g->next;
		h->n--;
		send_one(n, &g->path, g->buf, g->len,
			 n->nat_port && g->path.lport == n->nat_port);
		free(g);
		sent++;
	}
	h->tail = &h->head;
	if (h->dropped)
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "the kernel caught up: %lu IKE datagrams had been dropped meanwhile",
			 h->dropped);
	h->dropped = 0;
	return sent;
}

int iked_net_send_msgs(const struct iked_net *n, const struct iked_path *path,
		       const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int r = 0, e;

	while (off < len) {
		size_t one = len - off;

		/* A length that does not add up sends the rest as one. */
		if (one >= 28) {
			const uint8_t *l = buf + off + 24;
			uint32_t hl = (uint32_t)l[0] << 24 | (uint32_t)l[1] << 16 |
				      (uint32_t)l[2] << 8 | l[3];

			if (hl >= 28 && hl <= one)
				one = hl;
		}
		e = iked_net_send(n, path, buf + off, one);
		if (e && !r)
			r = e;
		off += one;
	}
	return r;
}

int iked_net_send_keepalive(const struct iked_net *n,
			    const struct iked_path *path)
{
	static const uint8_t ka = 0xff;

	if (!n->nat_port || path->lport != n->nat_port)
		return -EINVAL;
	return send_one(n, path, &ka, 1, false);
}

int iked_net_source(const struct kesp_addr *remote, struct kesp_addr *local)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, r = 0;

	if (sockaddr_from(remote, IKED_IKE_PORT, &ss, &len))
		return -EAFNOSUPPORT;
	/* A connected UDP socket sends nothing but learns its route. */
	fd = socket(remote->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		r = -errno;
	} else {
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len))
			r = -errno;
		else
			addr_from(&ss, local, NULL);
	}
	close(fd);
	return r;
}

int iked_net_is_local(const struct kesp_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, ok;

	if (sockaddr_from(a, 0, &ss, &len))
		return 0;
	fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

const char *iked_net_format(const struct kesp_addr *a, uint16_t port,
			    char *buf, size_t len)
{
	char s[KESP_ADDR_STRLEN];

	snprintf(buf, len, "%s[%u]", kesp_addr_format(a, s, sizeof(s)), port);
	return buf;
}
