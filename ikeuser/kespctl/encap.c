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

int kespctl_encap_listen(struct kespctl *c, int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 }, from;
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct sockaddr_in *s4 = (void *)&ss;
	const char *addr = NULL, *port = NULL;
	uint32_t pnum, fd32;
	uint8_t buf[65536];
	int v6 = 0, fd, i;
	socklen_t flen;
	char err[128];
	ssize_t n;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-6")) {
			v6 = 1;
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
	if (!port || kespctl_parse_u32(port, 1, 65535, &pnum, err,
				       sizeof(err))) {
		fprintf(stderr, "kespctl: encap listen: %s%s (expected [-6] [addr ADDR] PORT, PORT 1 to 65535)\n",
			port ? "PORT: " : "missing PORT", port ? err : "");
		return KESPCTL_USAGE;
	}
	if (addr && strchr(addr, ':'))
		v6 = 1;
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)pnum);
		if (addr && inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			goto bad_addr;
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)pnum);
		if (addr && inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			goto bad_addr;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* IPv6 only, so that an IPv4 socket can share the port. */
	if (fd >= 0 && v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 1 },
			   sizeof(int));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, v6 ? sizeof(*s6) :
			   sizeof(*s4)) < 0) {
		fprintf(stderr, "kespctl: encap listen: UDP port %u: %s\n",
			pnum, strerror(errno));
		if (fd >= 0)
			close(fd);
		return KESPCTL_FAIL;
	}
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
		printf("listening on UDP port %u%s\n", pnum, v6 ? " (IPv6)" : "");
	fflush(stdout);
	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "kespctl: encap listen: %s\n",
				strerror(errno));
			close(fd);
			return KESPCTL_FAIL;
		}
		print_datagram(c, buf, n, &from);
	}

bad_addr:
	fprintf(stderr, "kespctl: encap listen: addr \"%s\": not an IPv%d address\n",
		addr, v6 ? 6 : 4);
	return KESPCTL_USAGE;
}
