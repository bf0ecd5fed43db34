// SPDX-License-Identifier: GPL-2.0
/*
 * kespctl encap listen: a UDP socket made kesp's encapsulation socket
 * (KESP_CMD_ENCAP_SOCK), as kesp-iked makes its port 4500 socket. ESP in
 * UDP and NAT keepalives stay in the kernel; what reaches the socket (IKE
 * behind the non-ESP marker) is printed, one line per datagram, until the
 * process is killed. Tests use it to stand in for the daemon.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "kespctl.h"

static int put_fd(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, KESP_A_ENCAP_FD, *(uint32_t *)arg) < 0 ?
	       -EMSGSIZE : 0;
}

static void print_datagram(const struct kespctl *c, const uint8_t *buf,
			   ssize_t len, const struct sockaddr_storage *from)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;
	int marker = len >= 4 && !buf[0] && !buf[1] && !buf[2] && !buf[3];
	struct json j;

	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)from;

		inet_ntop(AF_INET, &s->sin_addr, addr, sizeof(addr));
		port = ntohs(s->sin_port);
	} else if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)from;

		inet_ntop(AF_INET6, &s->sin6_addr, addr, sizeof(addr));
		port = ntohs(s->sin6_port);
	}
	if (!c->json) {
		printf("%s %zd bytes from %s port %u\n",
		       marker ? "ike" : "datagram", len, addr, port);
	} else {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "event", marker ? "ike" : "datagram");
		json_u64(&j, "length", (uint64_t)len);
		json_str(&j, "from", addr);
		json_u64(&j, "port", port);
		json_obj_end(&j);
		json_finish(&j);
	}
	fflush(stdout);
}

/* The words of encap listen, [-6] [addr ADDR] PORT, as what to bind. */
struct listen_args {
	struct sockaddr_storage ss;
	socklen_t ss_len;
	uint32_t port;
	int v6;
};

static int parse_listen(int argc, char **argv, struct listen_args *a)
{
	struct sockaddr_in6 *s6 = (void *)&a->ss;
	struct sockaddr_in *s4 = (void *)&a->ss;
	const char *addr = NULL, *port = NULL;
	char err[128];
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-6")) {
			a->v6 = 1;
		} else if (!strcmp(argv[i], "addr") && i + 1 < argc) {
			addr = argv[++i];
		} else if (!port) {
			port = argv[i];
		} else {
			fprintf(stderr, "kespctl: encap listen: unexpected \"%s\" (expected [-6] [addr ADDR] PORT)\n",
				argv[i]);
			return KESPCTL_USAGE;
		}
	}
	if (!port || kespctl_parse_u32(port, 1, 65535, &a->port, err,
				       sizeof(err))) {
		fprintf(stderr, "kespctl: encap listen: %s%s (expected [-6] [addr ADDR] PORT, PORT 1 to 65535)\n",
			port ? "PORT: " : "missing PORT", port ? err : "");
		return KESPCTL_USAGE;
	}
	if (addr && strchr(addr, ':'))
		a->v6 = 1;
	if (a->v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)a->port);
		a->ss_len = sizeof(*s6);
		if (addr && inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			goto bad_addr;
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->port);
		a->ss_len = sizeof(*s4);
		if (addr && inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			goto bad_addr;
	}
	return KESPCTL_OK;

bad_addr:
	fprintf(stderr, "kespctl: encap listen: addr \"%s\": not an IPv%d address\n",
		addr, a->v6 ? 6 : 4);
	return KESPCTL_USAGE;
}

/* A UDP socket bound as @a says, or -1 with the reason printed. */
static int open_socket(const struct listen_args *a)
{
	int fd = socket(a->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
			0);

	/* IPv6 only, so that an IPv4 socket can share the port. */
	if (fd >= 0 && a->v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 1 },
			   sizeof(int));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a->ss, a->ss_len) < 0) {
		fprintf(stderr, "kespctl: encap listen: UDP port %u: %s\n",
			a->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Print what reaches @fd until reading fails. */
static int print_datagrams(struct kespctl *c, int fd)
{
	struct sockaddr_storage from;
	uint8_t buf[65536];
	socklen_t flen;
	ssize_t n;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "kespctl: encap listen: %s\n",
				strerror(errno));
			return KESPCTL_FAIL;
		}
		print_datagram(c, buf, n, &from);
	}
}

int kespctl_encap_listen(struct kespctl *c, int argc, char **argv)
{
	struct listen_args a;
	uint32_t fd32;
	int fd, ret;

	if (parse_listen(argc, argv, &a))
		return KESPCTL_USAGE;
	fd = open_socket(&a);
	if (fd < 0)
		return KESPCTL_FAIL;
	fd32 = (uint32_t)fd;
	if (kespctl_kernel(c) < 0 ||
	    kesp_nl_request(&c->nl, KESP_CMD_ENCAP_SOCK, 0, put_fd, NULL,
			    &fd32) < 0) {
		if (c->nl_open)
			kespctl_kernel_error(c, "ENCAP_SOCK");
		close(fd);
		return KESPCTL_FAIL;
	}
	if (!c->json)
		printf("listening on UDP port %u%s\n", a.port,
		       a.v6 ? " (IPv6)" : "");
	fflush(stdout);
	ret = print_datagrams(c, fd);
	close(fd);
	return ret;
}
