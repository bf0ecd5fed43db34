// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's stop drains: two in-process instances (inst_pair.h) bring
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
/* The pair's helpers these tests have no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "inst_pair.h"
#pragma GCC diagnostic pop

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

static bool logged(struct pair *p, const char *needle)
{
	char *text = log_text(p);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
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
	if (pair_initiate(&p->a))
		return -1;
	pair_settle(p, 5000);
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
	return check_history(p, why, len);
}

FIXTURE(two) {
	struct pair p;
	uint32_t a_in, a_out;		/* A's ESP SAs once up */
	char why[256];
};

FIXTURE_SETUP(two)
{
	struct pair *p = &self->p;
	int r = pair_open(p, conf_a, conf_b, secrets, secrets, self->why,
			  sizeof(self->why));

	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, bring_up(p));
	ASSERT_EQ(1, ike_sas(&p->a, NULL));
	ASSERT_EQ(1, ike_sas(&p->b, NULL));
	ASSERT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
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
	pair_teardown(&self->p, !_metadata->passed);
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
