// SPDX-License-Identifier: GPL-2.0
/*
 * The kesp netlink fuzzer: for SECONDS, WORKERS processes send seeded
 * random and mutated requests of every command to the kesp family while
 * three more dump the SAD and SPD, flush and delete, and send packets
 * (UDP, raw ESP, ESP in UDP) at the addresses the requests use. It judges
 * nothing itself but its own survival: the kernel's log (oops, WARN,
 * KASAN, kmemleak) and a clean rmmod afterwards are the verdict, which
 * selftests/guest/t-nl-fuzz.sh reads.
 *
 * usage: nlfuzz [-t SECONDS] [-s SEED] [-j WORKERS]
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netlink/genl/genl.h>

#include "common/nl.h"
#include "common/kesp_msg.h"
#include "nlfuzz.h"

#define ERRNO_MAX	134
#define BUF_SIZE	4096

/* Per-process counts, in shared memory so that the parent adds them up. */
struct tally {
	unsigned long sent;
	unsigned long noreply;
	unsigned long err[ERRNO_MAX];	/* [0]: success */
	unsigned long cmd_ok[KESP_CMD_MAX + 1];	/* successes by command */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int nl_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct timeval tv = { .tv_usec = 200000 };
	int one = 1, rcv = 1 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/* NLFUZZ_DEBUG=CMD: why the kernel refused requests of that command. */
static void show_extack(struct nlmsghdr *h, int err)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e) - sizeof(e->msg);
	struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len;
	else
		off += sizeof(e->msg);
	for (a = (void *)((char *)h + NLMSG_ALIGN(off));
	     (char *)a + sizeof(*a) <= (char *)h + h->nlmsg_len && a->nla_len;
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			fprintf(stderr, "nlfuzz: %s: %s\n", strerror(err),
				(char *)(a + 1));
}

/*
 * Read the answers to request @seq until its ack, error or end of dump.
 * Returns -1 only for a socket error that is not the fuzzer's doing.
 */
static int drain(int fd, uint32_t seq, int cmd, struct tally *t)
{
	static uint8_t buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		int len;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				t->noreply++;
				return 0;
			}
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			perror("nlfuzz: recv");
			return -1;
		}
		len = n;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				int err = -e->error;

				t->err[err >= 0 && err < ERRNO_MAX ? err : 0]++;
				if (!err && cmd >= 0 && cmd <= KESP_CMD_MAX)
					t->cmd_ok[cmd]++;
				if (err && getenv("NLFUZZ_DEBUG") &&
				    cmd == atoi(getenv("NLFUZZ_DEBUG")))
					show_extack(h, err);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				t->err[0]++;
				return 0;
			}
		}
	}
}

static int send_req(int fd, uint8_t *req, size_t len, uint32_t seq,
		    struct tally *t)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	((struct nlmsghdr *)req)->nlmsg_seq = seq;
	t->sent++;
	if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		if (errno == EINVAL || errno == EMSGSIZE || errno == ENOBUFS ||
		    errno == ECONNREFUSED || errno == EPERM)
			return 0;
		perror("nlfuzz: sendto");
		return -1;
	}
	return drain(fd, seq, ((struct genlmsghdr *)NLMSG_DATA(req))->cmd, t);
}

/*
 * A UDP socket that ENCAP_SOCK requests may name; now and then closed,
 * sometimes after UDP_ENCAP was set back to 0 (a leak once hid there).
 */
static int churn_encap(struct nlfuzz_gen *g, int fd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int zero = 0;

	if (fd >= 0 && nlfuzz_below(g, 32))
		return fd;
	if (fd >= 0) {
		if (nlfuzz_below(g, 2))
			setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &zero,
				   sizeof(zero));
		close(fd);
	}
	fd = socket(nlfuzz_below(g, 4) ? AF_INET : AF_INET6,
		    SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && nlfuzz_below(g, 2)) {
		a.sin_port = htons(4500 + nlfuzz_below(g, 4));
		bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
	return fd;
}

static int put_fd(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, KESP_A_ENCAP_FD, *(uint32_t *)arg) < 0 ?
	       -EMSGSIZE : 0;
}

/*
 * One encapsulation socket (AF_INET6: both families' keys) held open for
 * the whole run. Attaching a UDP socket (ENCAP_SOCK, or setsockopt
 * UDP_ENCAP, even to 0, as churn_encap() does) turns on the kernel's
 * global static keys udp_encap_needed_key and udpv6_encap_needed_key
 * (udp_tunnel_encap_enable), and udp_destroy_sock() turns them off: each
 * time a count crosses 0 and 1 the kernel patches its text
 * (jump_label_update, text_poke_bp and an IPI to every CPU to sync).
 * With the workers opening and closing sockets thousands of times that
 * patching, slow under TCG on a starved host, ran often enough to show
 * as soft lockups in udp_destroy_sock: the kernel's cost of toggling the
 * key, not kesp's. With this socket held the counts never reach 0, so
 * the churn of the others still exercises attach, encap_destroy and
 * sk_destruct but patches no code. Returns the socket or -1.
 */
static int hold_encap(struct kesp_nl *nl)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint32_t fd32 = fd;

	char why[320];

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("nlfuzz: the held encapsulation socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (kesp_nl_request(nl, KESP_CMD_ENCAP_SOCK, 0, put_fd, NULL,
			    &fd32) < 0) {
		fprintf(stderr, "nlfuzz: ENCAP_SOCK of the held socket: %s\n",
			kesp_nl_strerror(&nl->last, why, sizeof(why)));
		close(fd);
		return -1;
	}
	return fd;
}

static int fuzz_worker(int family, uint64_t seed, double until,
		       struct tally *t)
{
	struct nlfuzz_gen g = { .s = seed ? seed : 1 };
	int fd = nl_socket(), encap = -1;
	uint8_t req[BUF_SIZE];
	uint32_t seq = 1;

	if (fd < 0)
		return 1;
	while (now() < until) {
		size_t len;

		encap = churn_encap(&g, encap);
		len = nlfuzz_request(&g, family, req, sizeof(req), encap);
		if (len && send_req(fd, req, len, seq++, t) < 0)
			return 1;
	}
	return 0;
}

/* A request built with libnl (dumps, flushes), sent like the others. */
static int send_built(int fd, int family, int cmd, int flags,
		      const struct kesp_sa *sa, uint32_t sa_send,
		      uint32_t seq, struct tally *t)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *h;
	int r = 0;

	if (!msg)
		return 0;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			NLM_F_REQUEST | NLM_F_ACK | flags, cmd, 1)) {
		if (sa)
			kesp_msg_put_sa(msg, sa, sa_send);
		h = nlmsg_hdr(msg);
		r = send_req(fd, (uint8_t *)h, h->nlmsg_len, seq, t);
	}
	nlmsg_free(msg);
	return r;
}

/* Dumps, flushes and deletes racing the workers' inserts. */
static int churn_worker(int family, uint64_t seed, double until,
			struct tally *t)
{
	struct nlfuzz_gen g = { .s = seed ? seed : 1 };
	int fd = nl_socket();
	uint32_t seq = 1;
	struct kesp_sa sa;

	if (fd < 0)
		return 1;
	while (now() < until) {
		int r;

		memset(&sa, 0, sizeof(sa));
		sa.present = ~0U;
		sa.dir = 1 + nlfuzz_below(&g, 2);
		sa.spi = 0x100 + nlfuzz_below(&g, 16);
		sa.family = AF_INET;
		sa.dst.family = AF_INET;
		sa.dst.bytes[0] = 10;
		sa.dst.bytes[3] = 1 + nlfuzz_below(&g, 4);
		switch (nlfuzz_below(&g, 6)) {
		case 0:
			r = send_built(fd, family, KESP_CMD_SA_FLUSH, 0, &sa,
				       KESP_SA_SEND_FLUSH, seq++, t);
			break;
		case 1:
			r = send_built(fd, family, KESP_CMD_POLICY_FLUSH, 0,
				       NULL, 0, seq++, t);
			break;
		case 2:
			r = send_built(fd, family, KESP_CMD_SA_DEL, 0, &sa,
				       KESP_SA_SEND_ID, seq++, t);
			break;
		case 3:
			r = send_built(fd, family, KESP_CMD_POLICY_GET,
				       NLM_F_DUMP, NULL, 0, seq++, t);
			break;
		case 4:
			r = send_built(fd, family, KESP_CMD_STATS_GET, 0,
				       NULL, 0, seq++, t);
			break;
		default:
			r = send_built(fd, family, KESP_CMD_SA_GET, NLM_F_DUMP,
				       NULL, 0, seq++, t);
			break;
		}
		if (r < 0)
			return 1;
	}
	return 0;
}

/* Packets at the pool's addresses: through the SPD out, and ESP in. */
static int traffic_worker(uint64_t seed, double until, struct tally *t)
{
	struct nlfuzz_gen g = { .s = seed ? seed : 1 };
	int u4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int esp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ESP);
	uint8_t pkt[1500];

	while (now() < until) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
		size_t len = 8 + nlfuzz_below(&g, 1400);
		uint32_t spi = htonl(0x100 + nlfuzz_below(&g, 16));

		for (size_t i = 0; i < len; i++)
			pkt[i] = nlfuzz_rand(&g);
		memcpy(pkt, &spi, 4);
		a.sin_addr.s_addr = htonl(0x0a000001 + nlfuzz_below(&g, 4));
		a6.sin6_addr.s6_addr[0] = 0xfd;
		a6.sin6_addr.s6_addr[15] = 1 + nlfuzz_below(&g, 4);
		switch (nlfuzz_below(&g, 4)) {
		case 0:
			if (esp >= 0)
				sendto(esp, pkt, len, 0, (void *)&a, sizeof(a));
			break;
		case 1:
			a.sin_port = htons(4500);
			if (nlfuzz_below(&g, 2))
				memset(pkt, 0, 4);	/* the non-ESP marker */
			sendto(u4, pkt, len, 0, (void *)&a, sizeof(a));
			break;
		case 2:
			a6.sin6_port = htons(1 + nlfuzz_below(&g, 65535));
			sendto(u6, pkt, len, 0, (void *)&a6, sizeof(a6));
			break;
		default:
			a.sin_port = htons(1 + nlfuzz_below(&g, 65535));
			sendto(u4, pkt, len, 0, (void *)&a, sizeof(a));
			break;
		}
		t->sent++;
	}
	return 0;
}

static void report(const struct tally *t, int n, int secs, uint64_t seed,
		   int workers)
{
	struct tally sum = { 0 };

	for (int i = 0; i < n; i++) {
		sum.sent += t[i].sent;
		sum.noreply += t[i].noreply;
		for (int e = 0; e < ERRNO_MAX; e++)
			sum.err[e] += t[i].err[e];
		for (int c = 0; c <= KESP_CMD_MAX; c++)
			sum.cmd_ok[c] += t[i].cmd_ok[c];
	}
	printf("nlfuzz: seed %llu, %d s, %d fuzzing + 3 churning processes: "
	       "%lu requests and packets, %lu without answer in 200 ms\n",
	       (unsigned long long)seed, secs, workers, sum.sent, sum.noreply);
	printf("nlfuzz: answers: %lu ok", sum.err[0]);
	for (int e = 1; e < ERRNO_MAX; e++)
		if (sum.err[e])
			printf(", %s %lu", strerrorname_np(e) ? strerrorname_np(e) : "?",
			       sum.err[e]);
	printf("\nnlfuzz: successes by command:");
	for (int c = 1; c <= KESP_CMD_MAX; c++)
		printf(" %d:%lu", c, sum.cmd_ok[c]);
	printf("\n");
}

int main(int argc, char **argv)
{
	int secs = 10, workers = 2, opt, family, held, failed = 0;
	uint64_t seed = (uint64_t)time(NULL);
	struct kesp_nl nl = { 0 };
	struct tally *t;
	double until;

	while ((opt = getopt(argc, argv, "t:s:j:")) != -1) {
		if (opt == 't')
			secs = atoi(optarg);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else if (opt == 'j')
			workers = atoi(optarg);
		else
			return fprintf(stderr, "usage: nlfuzz [-t SECONDS] "
				       "[-s SEED] [-j WORKERS]\n"), 2;
	}
	if (kesp_nl_open(&nl) < 0) {
		fprintf(stderr, "nlfuzz: the kesp family: %s\n", nl.last.msg);
		return 1;
	}
	family = nl.family;
	held = hold_encap(&nl);
	kesp_nl_close(&nl);
	if (held < 0)
		return 1;
	t = mmap(NULL, sizeof(*t) * (workers + 3), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return perror("nlfuzz: mmap"), 1;
	memset(t, 0, sizeof(*t) * (workers + 3));
	printf("nlfuzz: seed %llu (rerun with -s %llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	fflush(stdout);
	until = now() + secs;
	for (int i = 0; i < workers + 3; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return perror("nlfuzz: fork"), 1;
		if (pid)
			continue;
		if (i < workers)
			_exit(fuzz_worker(family, seed * 7919 + i, until, &t[i]));
		if (i == workers)
			_exit(churn_worker(family, seed + 1, until, &t[i]));
		if (i == workers + 1)
			_exit(churn_worker(family, seed + 2, until, &t[i]));
		_exit(traffic_worker(seed + 3, until, &t[i]));
	}
	for (int i = 0; i < workers + 3; i++) {
		int st;

		if (wait(&st) < 0)
			break;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "nlfuzz: a process ended with status 0x%x\n",
				st);
			failed = 1;
		}
	}
	report(t, workers + 3, secs, seed, workers);
	close(held);
	return failed;
}
