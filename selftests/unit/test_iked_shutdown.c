// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's stop drains: two in-process instances (iked_inst.h) bring
 * a tunnel up over loopback, A stops (sa/shutdown.c, as main.c's loop
 * drives it on SIGTERM) and the tests check that B learns of it: A's
 * Delete answered ends A's drain early; a lost Delete is retransmitted
 * until the drain deadline. Time past "now" is handed to the timers and
 * the drain as an argument, so nothing here sleeps. Each test runs in a
 * network namespace of its own (A on 127.0.0.1:500, B on 127.0.0.2:500).
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iked/conn.h"
#include "iked/sa/control.h"
#include "iked/sa/shutdown.h"
#include "iked_pair.h"
#include "iked_inst.h"

/* The daemons' log is captured; TH_LOG lines go to the real stderr. */
static FILE *real_err;

static inline FILE *th_stream(void)
{
	return real_err ? real_err : stderr;
}

#define TH_LOG_STREAM th_stream()

#include "kselftest_harness.h"

#define IKE_PSK		"kesp-in-process-shutdown"

static const char conf_a[] =
	"conn a-b\n"
	"\tleft=127.0.0.1\n"
	"\tleftid=@a.example\n"
	"\tleftsubnet=10.1.0.0/24\n"
	"\tright=127.0.0.2\n"
	"\trightid=@b.example\n"
	"\trightsubnet=10.2.0.0/24\n"
	"\tauthby=secret\n"
	"\tike=aes256gcm16-prfsha256-ecp256!\n"
	"\tesp=aes128-sha256!\n"
	"\tauto=add\n";

static const char conf_b[] =
	"conn b-a\n"
	"\tleft=127.0.0.2\n"
	"\tleftid=@b.example\n"
	"\tleftsubnet=10.2.0.0/24\n"
	"\tright=127.0.0.1\n"
	"\trightid=@a.example\n"
	"\trightsubnet=10.1.0.0/24\n"
	"\tauthby=secret\n"
	"\tike=aes256gcm16-prfsha256-ecp256!\n"
	"\tesp=aes128-sha256!\n"
	"\tauto=add\n";

static const char secrets[] = "@a.example @b.example : PSK \"" IKE_PSK "\"\n";

struct pair {
	struct inst a, b;
	int log_fd, saved_stderr;
};

static void log_capture(struct pair *p)
{
	char path[] = "/tmp/kesp-unit-shutdown-log-XXXXXX";

	p->log_fd = mkstemp(path);
	if (p->log_fd < 0)
		abort();
	unlink(path);
	fflush(stderr);
	p->saved_stderr = dup(2);
	real_err = fdopen(dup(p->saved_stderr), "w");
	if (!real_err)
		abort();
	setvbuf(real_err, NULL, _IONBF, 0);
	dup2(p->log_fd, 2);
}

/* Everything logged so far, NUL-terminated; free() it. */
static char *log_text(struct pair *p)
{
	off_t n;
	char *s;

	fflush(stderr);
	n = lseek(p->log_fd, 0, SEEK_END);
	s = calloc(1, (size_t)n + 1);
	if (!s || pread(p->log_fd, s, (size_t)n, 0) != n)
		abort();
	return s;
}

static bool logged(struct pair *p, const char *needle)
{
	char *text = log_text(p);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

/* A failed test shows both daemons' log (PAIR_LOG=1: every test). */
static void log_release(struct pair *p, bool failed)
{
	if (failed || getenv("PAIR_LOG")) {
		char *text = log_text(p);

		fprintf(real_err, "# the daemons' log:\n%s", text);
		free(text);
	}
	fflush(stderr);
	dup2(p->saved_stderr, 2);
	close(p->saved_stderr);
	fclose(real_err);
	real_err = NULL;
	close(p->log_fd);
}

/* Wait (up to a second: loopback) for a datagram to @in. */
static bool arrived(struct inst *in)
{
	struct pollfd pfd = { pair_fd(in), POLLIN, 0 };

	return poll(&pfd, 1, 1000) == 1;
}

/* The datagrams waiting for @in are lost on the way; how many. */
static unsigned int lose(struct inst *in)
{
	struct iked_path path;
	unsigned int n = 0;
	ssize_t len;

	while ((len = iked_net_recv(&in->d->net, pair_fd(in), in->d->buf,
				    sizeof(in->d->buf), &path)) >= 0)
		n += len > 0;
	return n;
}

/* A brings the conn up; both ends run until neither waits for an answer. */
static int bring_up(struct pair *p)
{
	struct ike_sa *sa;
	int i;

	if (iked_initiate(p->a.d, &p->a.d->conns[0], &sa))
		return -1;
	for (i = 0; i < 500 && (pair_busy(&p->a) || pair_busy(&p->b)); i++) {
		struct pollfd pfd[2] = {
			{ pair_fd(&p->a), POLLIN, 0 },
			{ pair_fd(&p->b), POLLIN, 0 },
		};

		pair_timers(&p->a);
		pair_timers(&p->b);
		if (poll(pfd, 2, 10) > 0) {
			pair_recv(&p->a);
			pair_recv(&p->b);
		}
	}
	return pair_busy(&p->a) || pair_busy(&p->b) ? -1 : 0;
}

/* @in's IKE SAs that are not dead; the first into *@sa. */
static unsigned int ike_sas(struct inst *in, struct ike_sa **sa)
{
	struct ike_sa *s;
	unsigned int n = 0;

	if (sa)
		*sa = NULL;
	for (s = in->d->sas; s; s = s->next) {
		if (s->state == IKE_DEAD)
			continue;
		if (sa && !n)
			*sa = s;
		n++;
	}
	return n;
}

static size_t live_all(const struct iked_kernel *k)
{
	return live_sas(k, KESP_DIR_IN, NULL, 0) +
	       live_sas(k, KESP_DIR_OUT, NULL, 0);
}

/*
 * B is clean: its IKE SA gone, the ESP SAs of the pair (@a_in, @a_out:
 * A's) removed, none added meanwhile, no policy left, and nothing either
 * end ever installed disagreed with the other (@why).
 */
static int check_b_clean(struct pair *p, uint32_t a_in, uint32_t a_out,
			 char *why, size_t len)
{
	if (ike_sas(&p->b, NULL)) {
		snprintf(why, len, "B still has an IKE SA");
		return -1;
	}
	if (live_all(&p->b.rec) || !removed(&p->b.rec, KESP_DIR_OUT, a_in) ||
	    !removed(&p->b.rec, KESP_DIR_IN, a_out) ||
	    added_sas(&p->b.rec, KESP_DIR_IN) != 1) {
		snprintf(why, len, "B's ESP SAs: %zu live, %zu inbound added",
			 live_all(&p->b.rec),
			 added_sas(&p->b.rec, KESP_DIR_IN));
		return -1;
	}
	if (live_policies(&p->b.rec) ||
	    live_policy(&p->b.rec, KESP_DIR_OUT)) {
		snprintf(why, len, "B still has %zu policies",
			 live_policies(&p->b.rec));
		return -1;
	}
	return rec_check_history(&p->a.rec, &p->b.rec, why, len);
}

FIXTURE(two) {
	struct pair p;
	uint32_t a_in, a_out;		/* A's ESP SAs once up */
	char why[256];
};

FIXTURE_SETUP(two)
{
	struct pair *p = &self->p;

	memset(p, 0, sizeof(*p));
	p->log_fd = p->saved_stderr = -1;
	/* The harness runs the test after a SKIP in setup: leave now. */
	if (netns_enter(self->why, sizeof(self->why)))
		SKIP(exit(255), "%s", self->why);
	log_capture(p);
	iked_log_open(0, IKED_LOG_DEBUG);
	p->a.name = "A";
	p->a.conn = "a-b";
	p->a.rec.spi_base = 0xa0000100;
	p->b.name = "B";
	p->b.conn = "b-a";
	p->b.rec.spi_base = 0xb0000100;
	ASSERT_EQ(0, pair_daemon_new(&p->a, "127.0.0.1", conf_a, secrets,
				     self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, pair_daemon_new(&p->b, "127.0.0.2", conf_b, secrets,
				     self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, bring_up(p));
	ASSERT_EQ(1, ike_sas(&p->a, NULL));
	ASSERT_EQ(1, ike_sas(&p->b, NULL));
	ASSERT_EQ(0, rec_check_pair(&p->a.rec, &p->b.rec, self->why,
				    sizeof(self->why)))
		TH_LOG("%s", self->why);
	{
		const struct kesp_sa *in[1], *out[1];

		ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, in, 1));
		ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_OUT, out, 1));
		self->a_in = in[0]->spi;
		self->a_out = out[0]->spi;
	}
}

FIXTURE_TEARDOWN(two)
{
	pair_daemon_free(&self->p.a);
	pair_daemon_free(&self->p.b);
	if (self->p.log_fd >= 0)
		log_release(&self->p, !_metadata->passed);
}

/* B answers A's Delete: A's drain ends then, long before its deadline. */
TEST_F(two, answered_delete_ends_the_drain_early)
{
	struct pair *p = &self->p;
	struct ike_sa *sa;

	iked_shutdown_begin(p->a.d);
	/* A's kernel state goes at once; its IKE SA waits for the answer. */
	EXPECT_EQ(0, live_all(&p->a.rec));
	ASSERT_EQ(1, ike_sas(&p->a, &sa));
	EXPECT_EQ(IKE_DELETING, sa->state);
	EXPECT_FALSE(iked_shutdown_drained(p->a.d, iked_now()));
	/* Nothing new while stopping. */
	EXPECT_EQ(-ESHUTDOWN, iked_initiate(p->a.d, &p->a.d->conns[0], &sa));

	ASSERT_TRUE(arrived(&p->b));
	EXPECT_EQ(1, pair_recv(&p->b));
	ASSERT_TRUE(arrived(&p->a));
	EXPECT_EQ(1, pair_recv(&p->a));
	EXPECT_TRUE(iked_shutdown_drained(p->a.d, iked_now()));
	EXPECT_LT(iked_now(), p->a.d->drain_until);
	iked_shutdown_done(p->a.d);
	ike_sa_reap(p->a.d);

	EXPECT_EQ(0, ike_sas(&p->a, NULL));
	EXPECT_EQ(0, check_b_clean(p, self->a_in, self->a_out, self->why,
				   sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(logged(p, "stopping: Deletes sent for 1 IKE SAs"));
	EXPECT_TRUE(logged(p, "stopped: 1 of 1 Deletes answered, 0 not"));
}

/*
 * The Delete is lost, and so is B's answer to its retransmission: A
 * retransmits before the deadline (B then drops its SAs) and gives up
 * at the deadline. With the one-shot Delete of old, B kept its SAs.
 */
TEST_F(two, lost_delete_is_retransmitted_until_the_deadline)
{
	struct pair *p = &self->p;
	struct ike_sa *sa;
	iked_ms t;

	iked_shutdown_begin(p->a.d);
	ASSERT_TRUE(arrived(&p->b));
	EXPECT_EQ(1, lose(&p->b));
	/* Not ASSERTs: what B is left with is the point, whatever A did. */
	EXPECT_EQ(1, ike_sas(&p->a, &sa));
	EXPECT_TRUE(sa && sa->state == IKE_DELETING && sa->retx_at);

	/* Its retransmission timer, well before the deadline. */
	t = sa && sa->retx_at ? sa->retx_at : p->a.d->drain_until - 1;
	EXPECT_LE(t + IKED_DRAIN_RETX_MS, p->a.d->drain_until);
	EXPECT_FALSE(iked_shutdown_drained(p->a.d, t));
	iked_run_timers(p->a.d, t);
	EXPECT_TRUE(sa && sa->retx == 1);
	EXPECT_TRUE(arrived(&p->b));
	EXPECT_EQ(1, pair_recv(&p->b));
	EXPECT_EQ(0, check_b_clean(p, self->a_in, self->a_out, self->why,
				   sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(arrived(&p->a));
	EXPECT_EQ(1, lose(&p->a));

	/* No answer: A waits until the deadline, not a moment longer. */
	EXPECT_FALSE(iked_shutdown_drained(p->a.d, p->a.d->drain_until - 1));
	EXPECT_TRUE(iked_shutdown_drained(p->a.d, p->a.d->drain_until));
	iked_shutdown_done(p->a.d);
	ike_sa_reap(p->a.d);
	EXPECT_EQ(0, ike_sas(&p->a, NULL));
	EXPECT_EQ(0, live_all(&p->a.rec));
	EXPECT_TRUE(logged(p, "stopped: 0 of 1 Deletes answered, 1 not"));
}

TEST_HARNESS_MAIN
