// SPDX-License-Identifier: GPL-2.0
// budget: 15
/*
 * Runs in the guest against kesp.ko, as root: an encapsulation socket
 * whose owner turns UDP_ENCAP back to 0 and closes it must not stay
 * pinned, nor pin its network namespace. 100 rounds, each in a child
 * that becomes nobody and makes a user and network namespace of its own
 * (as any local user may), binds UDP 4500, hands it to kesp with
 * KESP_CMD_ENCAP_SOCK, sets UDP_ENCAP to 0, closes it and exits. With
 * max_net_namespaces at 20 a leak stops the rounds at the 21st namespace
 * (unshare fails with ENOSPC, kept failing for 20 s); afterwards nobody
 * can hold 20 namespaces at once again (tried 3 s after the rounds, and
 * three times more 8 s apart, as namespaces die in a workqueue): not
 * one of the 100 is left. The same with the socket
 * closed while still an encapsulation socket (encap_destroy runs then).
 * The live net_namespace and UDP objects of /proc/slabinfo are logged
 * (only logged: a CPU's slab counts its free objects as live).
 *
 * An encapsulation socket of the test's own stays open meanwhile, so
 * that the rounds do not switch the UDP encapsulation static key on and
 * off 200 times: under TCG that text patching once livelocked both CPUs
 * in udp_destroy_sock()'s int3, which is not what this test is about.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/nl.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif

#define ROUNDS 100
#define NETNS_LIMIT "20"
#define MAX_NETNS "/proc/sys/user/max_net_namespaces"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Live objects of slab cache @name, or -1. */
static long slab_active(const char *name)
{
	char line[512], n[64];
	long active = -1, v;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &v) == 2 && !strcmp(n, name))
			active = v;
	fclose(f);
	return active;
}

static int put_fd(struct nl_msg *m, void *arg)
{
	return nla_put_u32(m, KESP_A_ENCAP_FD, (uint32_t)*(int *)arg);
}

/* One round in a child; its exit status says where it failed. */
static void child(int reset_encap)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(4500) };
	struct kesp_nl nl;
	double end = now() + 20;
	int fd, zero = 0;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		_exit(10);
	/* A namespace freed a moment ago may not be counted off yet. */
	while (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		if (errno != ENOSPC || now() > end)
			_exit(errno == ENOSPC ? 11 : 12);
		usleep(20000);
	}
	if (kesp_nl_open(&nl))
		_exit(13);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(14);
	if (kesp_nl_request(&nl, KESP_CMD_ENCAP_SOCK, 0, put_fd, NULL, &fd))
		_exit(15);
	if (reset_encap &&
	    setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &zero, sizeof(zero)))
		_exit(16);
	close(fd);
	kesp_nl_close(&nl);
	_exit(0);
}

/* In a child: can nobody hold NETNS_LIMIT network namespaces at once? */
static void hold_all(void)
{
	char path[64];
	int i, fd;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534) || unshare(CLONE_NEWUSER))
		_exit(10);
	for (i = 0; i < atoi(NETNS_LIMIT); i++) {
		if (unshare(CLONE_NEWNET))
			_exit(errno == ENOSPC ? 100 + i : 12);
		/* An open nsfs file keeps the namespace after the next one. */
		snprintf(path, sizeof(path), "/proc/self/ns/net");
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(13);
	}
	_exit(0);
}

static const char *why(int code)
{
	switch (code) {
	case 11: return "unshare: ENOSPC for 20 s: namespaces are leaking";
	case 12: return "unshare failed";
	case 13: return "genetlink open failed";
	case 14: return "UDP socket/bind failed";
	case 15: return "KESP_CMD_ENCAP_SOCK failed";
	case 16: return "setsockopt(UDP_ENCAP, 0) failed";
	}
	return "setuid/setgid failed";
}

FIXTURE(leak) {
	char saved[32];
	long netns0, udp0, udp60;
	struct kesp_nl nl;
	int keep;		/* holds udp_encap_needed_key up */
};

FIXTURE_SETUP(leak)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	FILE *f = fopen(MAX_NETNS, "r");

	ASSERT_EQ(0, kesp_nl_open(&self->nl));
	self->keep = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->keep);
	ASSERT_EQ(0, bind(self->keep, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_ENCAP_SOCK, 0, put_fd,
				     NULL, &self->keep));
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(self->saved, sizeof(self->saved), f));
	fclose(f);
	f = fopen(MAX_NETNS, "w");
	ASSERT_NE(NULL, f);
	fputs(NETNS_LIMIT, f);
	ASSERT_EQ(0, fclose(f));
	self->netns0 = slab_active("net_namespace");
	self->udp0 = slab_active("UDP");
	self->udp60 = slab_active("UDPv6");
	TH_LOG("before: slabs: net_namespace %ld, UDP %ld, UDPv6 %ld",
	       self->netns0, self->udp0, self->udp60);
}

FIXTURE_TEARDOWN(leak)
{
	FILE *f = fopen(MAX_NETNS, "w");

	if (f) {
		fputs(self->saved, f);
		fclose(f);
	}
	close(self->keep);
	kesp_nl_close(&self->nl);
}

static void rounds(struct __test_metadata *_metadata,
		   FIXTURE_DATA(leak) *self, int reset_encap)
{
	long netns = 0, udp = 0, udp6 = 0;
	double t0 = now();
	int i, status;
	pid_t pid;

	(void)self;	/* its socket holds the static key meanwhile */

	for (i = 0; i < ROUNDS; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			child(reset_encap);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status)) {
			TH_LOG("round %d: %s", i + 1, why(WEXITSTATUS(status)));
		}
	}
	TH_LOG("%d rounds in %.1f s", ROUNDS, now() - t0);
	/*
	 * Namespaces die in a workqueue, and are counted off at its end;
	 * an attempt that fails leaves its own to die too: wait between.
	 */
	for (i = 0; i < 4; i++) {
		sleep(i ? 8 : 3);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			hold_all();
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WEXITSTATUS(status) < 100)
			break;
		TH_LOG("nobody holds only %d namespaces (%.1f s)",
		       WEXITSTATUS(status) - 100, now() - t0);
	}
	netns = slab_active("net_namespace");
	udp = slab_active("UDP");
	udp6 = slab_active("UDPv6");
	TH_LOG("after: %s %s namespaces at once (%.1f s); slabs: net_namespace %ld, UDP %ld, UDPv6 %ld",
	       WEXITSTATUS(status) ? "nobody cannot hold" : "nobody holds",
	       NETNS_LIMIT, now() - t0, netns, udp, udp6);
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The owner sets UDP_ENCAP to 0 first: udp_destroy_sock() then skips
 * encap_destroy.
 */
TEST_F_TIMEOUT(leak, udp_encap_reset_then_close, 120)
{
	rounds(_metadata, self, 1);
}

TEST_F_TIMEOUT(leak, close_as_encapsulation_socket, 120)
{
	rounds(_metadata, self, 0);
}

KTEST_HARNESS_MAIN
