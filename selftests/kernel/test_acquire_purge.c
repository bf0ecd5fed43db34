// SPDX-License-Identifier: GPL-2.0
// budget: 40
// smp: 2
/*
 * Runs in the guest against kesp.ko: deleting a PROTECT policy while
 * packets hit it (each raising or joining an ACQUIRE, as it has no SA)
 * must end its ACQUIRE for good. The purge once ended the ACQUIRE and
 * marked the policy dead in two critical sections; a packet between
 * them re-armed it, so the namespace's count of pending ACQUIREs never
 * came back to 0 (its timer ran every second for ever) and a second
 * ACQUIRE named the policy being deleted.
 *
 * Two processes flood UDP at the policy's destination while the test adds
 * the policy, waits for its ACQUIRE and deletes it, ROUNDS times (or for
 * MAX_SECS), as root and as root of nobody's own user and network
 * namespace. Then, with every policy gone: "Pending ACQUIREs" of
 * /proc/net/kesp must read 0, and no policy may have had two ACQUIREs (a
 * policy lives for milliseconds here, far from the 10 s after which an
 * unanswered ACQUIRE is asked again).
 *
 * No widening of the window is needed: under TCG with two vCPUs, against
 * the purge in two critical sections, about one deletion in 300 lost the
 * race (1,760 rounds as root: 4 ACQUIREs left pending, 4 policies with
 * two ACQUIREs; 1,889 in the user namespace: 8), so each half of the test
 * fails with a probability of about 98% per run and the whole almost
 * surely; with the fix, none in thousands of rounds.
 */

#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/kesp_msg.h"
#include "common/nl.h"

#define ROUNDS		3000
#define MAX_SECS	40
#define MIN_ROUNDS	200
#define SENDERS		2
#define BATCH		32
/* Policy ids of one run: they count up from 1 in a fresh namespace. */
#define MAX_ID		(ROUNDS + 16)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In a child: nobody, then root of its own user and network namespace. */
static int become_userns_root(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534) ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -1;
	return 0;
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -1;
	err = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!err)
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return err;
}

/* UDP from 127.0.0.1 to 127.0.0.2, BATCH datagrams per call, until killed. */
static void sender(atomic_ulong *sent)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9) };
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char byte = 'x';
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	to.sin_addr.s_addr = htonl(0x7f000002);
	iov.iov_base = &byte;
	iov.iov_len = 1;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			atomic_fetch_add(sent, n);
	}
}

/* OUT PROTECT for UDP 127.0.0.0/8 -> 127.0.0.2, tunnel to 192.0.2.2. */
static void policy_init(struct kesp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->present = KESP_BIT(KESP_POL_A_DIR) | KESP_BIT(KESP_POL_A_SEL) |
		     KESP_BIT(KESP_POL_A_ACTION) | KESP_BIT(KESP_POL_A_TMPL);
	p->dir = KESP_DIR_OUT;
	p->action = KESP_ACTION_PROTECT;
	kesp_sel_any(&p->sel, AF_INET);
	p->sel.src.addr.bytes[0] = 127;
	p->sel.src.plen = 8;
	p->sel.dst.addr.bytes[0] = 127;
	p->sel.dst.addr.bytes[3] = 2;
	p->sel.dst.plen = 32;
	p->sel.proto = IPPROTO_UDP;
	p->tmpl.present = KESP_BIT(KESP_TMPL_A_MODE) |
			  KESP_BIT(KESP_TMPL_A_FAMILY) |
			  KESP_BIT(KESP_TMPL_A_SRC) | KESP_BIT(KESP_TMPL_A_DST) |
			  KESP_BIT(KESP_TMPL_A_REQID);
	p->tmpl.mode = KESP_MODE_TUNNEL;
	p->tmpl.family = AF_INET;
	p->tmpl.src.family = AF_INET;
	memcpy(p->tmpl.src.bytes, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	p->tmpl.dst.family = AF_INET;
	memcpy(p->tmpl.dst.bytes, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	p->tmpl.reqid = 1;
}

/* POLICY_NEW: the policy out, its id back. */
struct add {
	struct kesp_policy pol;
	uint32_t id;
};

static int put_new(struct nl_msg *msg, void *arg)
{
	struct add *a = arg;

	return kesp_msg_put_policy(msg, &a->pol, KESP_POL_SEND_NEW);
}

static int parse_id(struct nlmsghdr *nlh, void *arg)
{
	struct kesp_policy p;

	if (kesp_msg_parse_policy_reply(nlh, &p) < 0 ||
	    !(p.present & KESP_BIT(KESP_POL_A_ID)))
		return -EPROTO;
	((struct add *)arg)->id = p.id;
	return 0;
}

/* The ACQUIREs seen, by policy id, counted by a thread of their own. */
struct events {
	int fd;
	atomic_bool stop;
	atomic_uint acquires[MAX_ID];
	atomic_ulong msgs, total, lost;
};

static void *listen_events(void *arg)
{
	static uint8_t buf[65536];
	struct events *ev = arg;

	while (!atomic_load(&ev->stop)) {
		ssize_t n = recv(ev->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		int len = n;

		if (n < 0) {
			if (errno == ENOBUFS)
				atomic_fetch_add(&ev->lost, 1);
			continue;	/* timeout: look at stop */
		}
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct kesp_event e;

			atomic_fetch_add(&ev->msgs, 1);
			if (kesp_msg_parse_event(h, &e) < 0 ||
			    e.cmd != KESP_CMD_ACQUIRE)
				continue;
			atomic_fetch_add(&ev->total, 1);
			if (e.policy.id < MAX_ID)
				atomic_fetch_add(&ev->acquires[e.policy.id], 1);
		}
	}
	return NULL;
}

static int events_open(struct kesp_nl *nl, struct events *ev)
{
	struct timeval tv = { .tv_usec = 100000 };
	int grp = genl_ctrl_resolve_grp(nl->sk, KESP_GENL_NAME,
					KESP_GENL_MCGRP_EVENTS);
	int rcv = 1 << 20;
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };

	ev->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	/* Bound: the kernel's broadcasts skip port id 0. */
	if (grp < 0 || ev->fd < 0 ||
	    bind(ev->fd, (struct sockaddr *)&me, sizeof(me)))
		return -1;
	setsockopt(ev->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(ev->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return setsockopt(ev->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			  sizeof(grp));
}

/* "Pending ACQUIREs: N" of this namespace's /proc/net/kesp, or -1. */
static int pending_acquires(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/net/kesp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pending ACQUIREs: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Add and delete the policy under the senders' fire; rounds done or -1. */
static int rounds(struct kesp_nl *nl, struct events *ev)
{
	struct kesp_policy del = { .present = KESP_BIT(KESP_POL_A_ID) };
	struct kesp_policy_req del_req = { &del, KESP_POL_SEND_ID };
	double until = now() + MAX_SECS;
	struct add add;
	int i;

	policy_init(&add.pol);
	for (i = 0; i < ROUNDS && now() < until; i++) {
		if (kesp_nl_request(nl, KESP_CMD_POLICY_NEW, 0, put_new,
				    parse_id, &add)) {
			fprintf(stderr, "# round %d: add: %s\n", i, nl->last.msg);
			return -1;
		}
		del.id = add.id;
		/* The senders are at it: its ACQUIRE came (or 20 ms went). */
		for (int w = 0; w < 200 && add.id < MAX_ID &&
		     !atomic_load(&ev->acquires[add.id]); w++)
			usleep(100);
		if (kesp_nl_request(nl, KESP_CMD_POLICY_DEL, 0,
				    kesp_msg_build_policy, NULL, &del_req)) {
			fprintf(stderr, "# round %d: del: %s\n", i, nl->last.msg);
			return -1;
		}
		if (i == 100 && !atomic_load(&ev->total)) {
			fprintf(stderr, "# 100 rounds and no ACQUIRE\n");
			return i;
		}
	}
	return i;
}

/* Everything in the caller's (fresh) namespace; 0 if the purge held. */
static int race(void)
{
	static struct events ev;
	atomic_ulong *sent = mmap(NULL, sizeof(*sent), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[SENDERS];
	struct kesp_nl nl;
	pthread_t thr;
	int n, pending, twice = 0;

	if (sent == MAP_FAILED || lo_up() || kesp_nl_open(&nl) ||
	    events_open(&nl, &ev))
		return perror("# setup"), 21;
	if (pthread_create(&thr, NULL, listen_events, &ev))
		return 21;
	for (int i = 0; i < SENDERS; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			sender(sent);
			_exit(0);
		}
	}
	n = rounds(&nl, &ev);
	for (int i = 0; i < SENDERS; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	pending = pending_acquires();
	usleep(500000);	/* the last events */
	atomic_store(&ev.stop, true);
	pthread_join(thr, NULL);
	for (int id = 0; id < MAX_ID; id++)
		if (atomic_load(&ev.acquires[id]) > 1) {
			if (twice++ < 5)
				fprintf(stderr, "# policy %d: %u ACQUIREs\n", id,
					atomic_load(&ev.acquires[id]));
		}
	fprintf(stderr, "# %d rounds, %lu datagrams, %lu events, %lu ACQUIREs "
		"(%lu overflows), %d policies with two or more, pending "
		"ACQUIREs at the end: %d\n", n, atomic_load(sent),
		atomic_load(&ev.msgs), atomic_load(&ev.total),
		atomic_load(&ev.lost), twice, pending);
	kesp_nl_close(&nl);
	/*
	 * A slow machine (a debug kernel) runs fewer rounds in MAX_SECS and
	 * catches a regression less surely, but a few hundred still test.
	 */
	if (n < MIN_ROUNDS)
		return 22;
	if (!atomic_load(&ev.total))
		return 23;	/* the packets raised no ACQUIRE: no test */
	if (pending != 0)
		return 24;
	return twice ? 25 : 0;
}

static int in_child(bool userns)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		if (userns ? become_userns_root() : unshare(CLONE_NEWNET))
			_exit(20);
		_exit(race());
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

FIXTURE(purge) {
	int unused;
};

FIXTURE_SETUP(purge)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(purge)
{
}

TEST_F_TIMEOUT(purge, as_root, MAX_SECS + 30)
{
	ASSERT_EQ(0, in_child(false));
}

TEST_F_TIMEOUT(purge, as_userns_root, MAX_SECS + 30)
{
	ASSERT_EQ(0, in_child(true));
}

KTEST_HARNESS_MAIN
