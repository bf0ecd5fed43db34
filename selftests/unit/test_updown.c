// SPDX-License-Identifier: GPL-2.0
/*
 * leftupdown= on the host: iked_updown() runs the script, without
 * waiting for it, with strongSwan's PLUTO_* environment for each pair of
 * selectors (up-client, down-host-v6, ...), and runs nothing for the new
 * CHILD SA of a rekey; a stopping daemon waits for the scripts to end
 * (iked_updown_wait), within its limit.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "iked/daemon.h"
#include "iked/log.h"
#include "iked/updown.h"

struct env {
	char dir[64], out[96], cmd[512];
	struct iked_conf_conn conn;
	struct iked_conf_end local, remote;
	struct ike_sa sa;
	struct child_sa ch, twin;
};

static void ts4(struct iked_ts_list *l, const char *a, const char *b,
		uint8_t proto, uint16_t port)
{
	uint8_t s[4], e[4];

	inet_pton(AF_INET, a, s);
	inet_pton(AF_INET, b, e);
	iked_ts_add(l, IKED_TS_IPV4, proto, port, port ? port : 65535, s, e);
}

static void addr(struct kesp_addr *k, int family, const char *s)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	inet_pton(family, s, k->bytes);
}

static void setup(struct env *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/kesp-updown-XXXXXX");
	if (!mkdtemp(e->dir))
		abort();
	snprintf(e->out, sizeof(e->out), "%s/env", e->dir);
	/* Written whole, then renamed: the test never reads half of it. */
	snprintf(e->cmd, sizeof(e->cmd),
		 "env | grep ^PLUTO_ | sort >>%s.tmp; mv %s.tmp %s", e->out,
		 e->out, e->out);
	e->conn.name = "gw";
	e->local.updown = e->cmd;
	e->local.id.type = IKED_ID_FQDN;
	e->local.id.len = 12;
	memcpy(e->local.id.data, "gw-a.example", 12);
	e->sa.conn = &e->conn;
	e->sa.local = &e->local;
	e->sa.remote = &e->remote;
	e->sa.no = 7;
	addr(&e->sa.path.local, AF_INET, "192.0.2.1");
	addr(&e->sa.path.remote, AF_INET, "192.0.2.2");
	e->sa.peer_id.type = IKED_ID_FQDN;
	e->sa.peer_id.len = 12;
	memcpy(e->sa.peer_id.data, "gw-b.example", 12);
	e->ch.no = 1;
	e->ch.reqid = 0x6b690005;
	ts4(&e->ch.ts_local, "10.1.0.0", "10.1.0.255", 0, 0);
	ts4(&e->ch.ts_remote, "10.2.0.0", "10.2.0.255", 6, 80);
	e->sa.children = &e->ch;
}

/* The environment the script wrote, once it is there (5 s at most). */
static char *wait_env(const char *path)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char *buf = NULL;
	int i;

	for (i = 0; i < 250; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			size_t n;

			buf = calloc(1, 8192);
			n = fread(buf, 1, 8191, f);
			fclose(f);
			buf[n] = '\0';
			unlink(path);
			return buf;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int has(const char *env, const char *line)
{
	size_t n = strlen(line);
	const char *p = env;

	while ((p = strstr(p, line))) {
		if ((p == env || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

TEST(up_client_with_strongswans_environment)
{
	static const char *const want[] = {
		"PLUTO_VERB=up-client", "PLUTO_VERSION=1.1",
		"PLUTO_CONNECTION=gw", "PLUTO_REQID=1802043397",
		"PLUTO_UNIQUEID=7", "PLUTO_PROTO=esp", "PLUTO_ME=192.0.2.1",
		"PLUTO_PEER=192.0.2.2", "PLUTO_MY_ID=gw-a.example",
		"PLUTO_PEER_ID=gw-b.example", "PLUTO_MY_CLIENT=10.1.0.0/24",
		"PLUTO_MY_CLIENT_NET=10.1.0.0",
		"PLUTO_MY_CLIENT_MASK=255.255.255.0", "PLUTO_MY_PORT=0",
		"PLUTO_MY_PROTOCOL=0", "PLUTO_PEER_CLIENT=10.2.0.0/24",
		"PLUTO_PEER_PORT=80", "PLUTO_PEER_PROTOCOL=6",
		"PLUTO_INTERFACE=unknown",
	};
	struct env e;
	char *got;
	size_t i;

	iked_log_open(0, IKED_LOG_DEBUG);
	setup(&e);
	iked_updown(&e.sa, &e.ch, true);
	got = wait_env(e.out);
	ASSERT_NE(NULL, got);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		EXPECT_TRUE(has(got, want[i])) {
			TH_LOG("no %s in:\n%s", want[i], got);
		}
	free(got);
	rmdir(e.dir);
}

TEST(down_host_v6)
{
	uint8_t a[16], b[16];
	struct env e;
	char *got;

	setup(&e);
	addr(&e.sa.path.local, AF_INET6, "2001:db8::1");
	addr(&e.sa.path.remote, AF_INET6, "2001:db8::2");
	memset(&e.ch.ts_local, 0, sizeof(e.ch.ts_local));
	memset(&e.ch.ts_remote, 0, sizeof(e.ch.ts_remote));
	inet_pton(AF_INET6, "2001:db8::1", a);
	iked_ts_add(&e.ch.ts_local, IKED_TS_IPV6, 0, 0, 65535, a, a);
	inet_pton(AF_INET6, "2001:db8:2::", a);
	inet_pton(AF_INET6, "2001:db8:2::ffff", b);
	iked_ts_add(&e.ch.ts_remote, IKED_TS_IPV6, 0, 0, 65535, a, b);
	/* Removed: no longer among the IKE SA's CHILD SAs. */
	e.sa.children = NULL;
	iked_updown(&e.sa, &e.ch, false);
	got = wait_env(e.out);
	ASSERT_NE(NULL, got);
	EXPECT_TRUE(has(got, "PLUTO_VERB=down-host-v6")) TH_LOG("%s", got);
	EXPECT_TRUE(has(got, "PLUTO_MY_CLIENT=2001:db8::1/128")) TH_LOG("%s", got);
	EXPECT_TRUE(has(got, "PLUTO_PEER_CLIENT=2001:db8:2::/112")) TH_LOG("%s", got);
	EXPECT_TRUE(has(got, "PLUTO_PEER_CLIENT_MASK=ffff:ffff:ffff:ffff:ffff:ffff:ffff:0")) TH_LOG("%s", got);
	free(got);
	rmdir(e.dir);
}

TEST(a_rekeys_new_child_sa_runs_nothing)
{
	struct env e;
	char *got;

	setup(&e);
	/* The old CHILD SA with the same selectors is still installed. */
	e.twin = e.ch;
	e.twin.no = 2;
	e.ch.next = &e.twin;
	iked_updown(&e.sa, &e.ch, true);
	/* Then it goes: the new one stays, so no down either. */
	e.sa.children = &e.ch;
	e.ch.next = NULL;
	iked_updown(&e.sa, &e.twin, false);
	/* A third call that does run proves the first two ran nothing. */
	e.sa.children = NULL;
	iked_updown(&e.sa, &e.ch, false);
	got = wait_env(e.out);
	ASSERT_NE(NULL, got);
	EXPECT_TRUE(has(got, "PLUTO_VERB=down-client")) TH_LOG("%s", got);
	EXPECT_FALSE(has(got, "PLUTO_VERB=up-client")) TH_LOG("%s", got);
	free(got);
	rmdir(e.dir);
}

TEST(no_script_no_process)
{
	struct env e;

	setup(&e);
	e.local.updown = NULL;
	iked_updown(&e.sa, &e.ch, true);
	usleep(200 * 1000);
	EXPECT_NE(0, access(e.out, F_OK));
	rmdir(e.dir);
}

/* Stopping: iked_updown_wait() returns once a slow script has ended. */
TEST(stop_waits_for_the_scripts)
{
	struct iked *d = calloc(1, sizeof(*d));
	struct env e;
	iked_ms t0;

	ASSERT_NE(NULL, d);
	d->sig_fd = -1;
	setup(&e);
	e.sa.d = d;
	snprintf(e.cmd, sizeof(e.cmd), "sleep 0.5; echo done >%s", e.out);
	iked_updown(&e.sa, &e.ch, false);
	EXPECT_NE(0, access(e.out, F_OK));
	t0 = iked_now();
	iked_updown_wait(d, 5000);
	EXPECT_EQ(0, access(e.out, F_OK));
	EXPECT_LT(iked_now() - t0, 4000);
	EXPECT_FALSE(d->updown_piped);
	unlink(e.out);
	rmdir(e.dir);
	free(d);
}

/* A script that outlives the limit: the wait ends at the limit. */
TEST(stop_waits_no_longer_than_its_limit)
{
	struct iked *d = calloc(1, sizeof(*d));
	struct env e;
	iked_ms t0, took;

	ASSERT_NE(NULL, d);
	d->sig_fd = -1;
	setup(&e);
	e.sa.d = d;
	snprintf(e.cmd, sizeof(e.cmd), "sleep 3");
	iked_updown(&e.sa, &e.ch, false);
	t0 = iked_now();
	iked_updown_wait(d, 300);
	took = iked_now() - t0;
	EXPECT_GE(took, 300);
	EXPECT_LT(took, 2500);
	rmdir(e.dir);
	free(d);
}

/* A second SIGTERM while it waits: the wait ends at once. */
TEST(a_second_signal_ends_the_wait)
{
	struct iked *d = calloc(1, sizeof(*d));
	sigset_t set;
	struct env e;
	iked_ms t0;

	ASSERT_NE(NULL, d);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	ASSERT_LE(0, d->sig_fd);
	setup(&e);
	e.sa.d = d;
	snprintf(e.cmd, sizeof(e.cmd), "sleep 3");
	iked_updown(&e.sa, &e.ch, false);
	kill(getpid(), SIGTERM);
	t0 = iked_now();
	iked_updown_wait(d, 2500);
	EXPECT_LT(iked_now() - t0, 1500);
	close(d->sig_fd);
	rmdir(e.dir);
	free(d);
}

TEST_HARNESS_MAIN
