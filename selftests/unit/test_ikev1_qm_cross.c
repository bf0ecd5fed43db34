// SPDX-License-Identifier: GPL-2.0
/*
 * Crossing IKEv1 Quick Mode rekeys between two in-process kesp-iked
 * instances (ikev1_pair.h): both ends start a rekey of the same CHILD SA
 * before either Quick Mode is delivered. Both new pairs may go in; once
 * settled each end sends on the same one pair, and the old SPIs are gone
 * (ikev1/qm_cross.c: the Quick Mode with the lower initiator nonce
 * loses; its initiator stops sending on its pair, and deletes it once a
 * newer pair is in, or near the end of its lifetime: Libreswan may count
 * the losing pair as its newest, and a Delete of that takes its policies
 * out for a moment).
 * The peer's QM1 may reach an end only after that end's own Quick Mode
 * finished (lost once, sent again): decided the same way, late; a rekey
 * the peer starts later, out of that window, replaces the pair. A QM2
 * lost in a crossing is sent again for the QM1 sent again.
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include <string.h>
#include "iked/sa/child_sa.h"
#include "ikev1_conn.h"
#include "pair_child.h"
#include "pair_sa.h"

#define LIFETIME	"\tlifetime=1h\n"

FIXTURE(cross) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(cross)
{
	char ca[1024], cb[1024];
	int r;

	v1_conn(ca, sizeof(ca), true, NULL, NULL, LIFETIME);
	v1_conn(cb, sizeof(cb), false, NULL, NULL, LIFETIME);
	r = pair_setup_confs(&self->p, ca, cb, secrets_ok, self->why,
			     sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(cross)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* The replaced pairs go: Deletes (retire_at), then lingering ends. */
static void age_and_settle(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		age_children(&p->a, 3500);
		age_children(&p->b, 3500);
		pair_settle(p, 3000);
	}
}

/*
 * One pair on each end, the same, neither the old one (@old_a, @old_b)
 * nor one that is to go or that waits for the peer's Delete.
 */
static int one_new_pair(struct pair *p, uint32_t old_a, uint32_t old_b,
			char *why, size_t len)
{
	struct child_sa *ca, *cb;

	if (check_one_pair(p, why, len))
		return -1;
	if (n_children(&p->a) != 1 || n_children(&p->b) != 1) {
		snprintf(why, len, "CHILD SAs: A %u, B %u", n_children(&p->a),
			 n_children(&p->b));
		return -1;
	}
	ca = live_sa(&p->a)->children;
	cb = live_sa(&p->b)->children;
	if (ca->spi_out != cb->spi_in || cb->spi_out != ca->spi_in ||
	    ca->spi_in == old_a || cb->spi_in == old_b) {
		snprintf(why, len, "SPIs A %08x/%08x B %08x/%08x, old %08x %08x",
			 ca->spi_in, ca->spi_out, cb->spi_in, cb->spi_out,
			 old_a, old_b);
		return -1;
	}
	if (ca->state != CHILD_INSTALLED || cb->state != CHILD_INSTALLED ||
	    ca->replaced || cb->replaced || ca->retire_at || cb->retire_at) {
		snprintf(why, len, "the pair left is not a live one: A %s%s, B %s%s",
			 ca->replaced ? "replaced " : "",
			 ca->retire_at ? "retiring" : "",
			 cb->replaced ? "replaced " : "",
			 cb->retire_at ? "retiring" : "");
		return -1;
	}
	return 0;
}

static unsigned int deletes(struct pair *p)
{
	return log_count(p, &p->a, "the peer deleted CHILD SA") +
	       log_count(p, &p->b, "the peer deleted CHILD SA");
}

/*
 * The pair that lost a crossing reached the end of its wait for a newer
 * one (near its hard lifetime's end): its Delete goes.
 */
static void end_loser_waits(struct pair *p)
{
	struct inst *in[2] = { &p->a, &p->b };
	struct ike_sa *sa;
	struct child_sa *ch;
	int i;

	for (i = 0; i < 2; i++)
		for (sa = in[i]->d->sas; sa; sa = sa->next)
			for (ch = sa->children; ch; ch = ch->next)
				if (ch->linger_for_newer && ch->linger_until)
					ch->linger_until = 1;
	pair_settle(p, 3000);
}

/*
 * Each end has one outbound SA, the peer's inbound SPI of the same pair,
 * neither of the old pair (@old_a, @old_b: A's and B's inbound SPIs).
 */
static int sending_on_one_pair(struct pair *p, uint32_t old_a, uint32_t old_b,
			       char *why, size_t len)
{
	uint32_t a_out = 0, b_out = 0;
	unsigned int na = out_sa_count(&p->a, &a_out), nb = out_sa_count(&p->b, &b_out);

	if (na != 1 || nb != 1 || a_out == old_b || b_out == old_a ||
	    !child_find_in(live_sa(&p->b), a_out) ||
	    !child_find_in(live_sa(&p->a), b_out) ||
	    child_find_in(live_sa(&p->b), a_out)->spi_out !=
	    child_find_in(live_sa(&p->a), b_out)->spi_in) {
		snprintf(why, len, "outbound SAs: A %u (%08x), B %u (%08x)",
			 na, a_out, nb, b_out);
		return -1;
	}
	return 0;
}

TEST_F(cross, both_rekey_at_once_the_loser_goes_once_a_newer_pair_is_in)
{
	struct pair *p = &self->p;
	struct ike_sa *sa, *sb;
	struct child_sa *ca, *cb;
	uint32_t old_a, old_b;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	sa = live_sa(&p->a);
	sb = live_sa(&p->b);
	ASSERT_TRUE(sa && sb && sa->children && sb->children);
	ca = sa->children;
	cb = sb->children;
	old_a = ca->spi_in;
	old_b = cb->spi_in;
	ASSERT_EQ(old_a, cb->spi_out);
	/* Both QM1s leave before either end reads anything. */
	ASSERT_EQ(0, v1_rekey_start(sa, ca));
	ASSERT_EQ(0, v1_rekey_start(sb, cb));
	/* The old pair goes IKED_DEFER_OUT_MS after, then lingers 2 s. */
	settle_for(p, 7000);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/*
	 * Both ends send on the winning pair. The losing one is still in,
	 * receiving only: one Delete so far, the old pair's.
	 */
	EXPECT_EQ(0, sending_on_one_pair(p, old_a, old_b, self->why,
					 sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(2, n_children(&p->a));
	EXPECT_EQ(2, n_children(&p->b));
	EXPECT_EQ(1, deletes(p));
	/* A newer pair (B rekeys the winner): now the loser's Delete goes. */
	sb = live_sa(&p->b);
	for (cb = sb->children; cb; cb = cb->next)
		if (cb->state == CHILD_INSTALLED && !cb->replaced &&
		    !cb->retire_at)
			break;
	ASSERT_TRUE(cb != NULL);
	old_a = cb->spi_out;
	old_b = cb->spi_in;
	ASSERT_EQ(0, v1_rekey_start(sb, cb));
	pair_settle(p, 5000);
	age_and_settle(p);
	EXPECT_EQ(0, one_new_pair(p, old_a, old_b, self->why,
				  sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, "is newer, its Delete goes") +
		     log_count(p, &p->b, "is newer, its Delete goes"));
	/* The old pair's, the loser's, the winner's once replaced. */
	EXPECT_EQ(3, deletes(p));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/* Quick Mode datagrams still to be lost on their way to A. */
static unsigned int qm_to_lose;

/* The first @qm_to_lose Quick Mode datagrams (exchange 32) go missing. */
static bool lose_qm(const struct inst *in, const uint8_t *dgram, size_t len)
{
	(void)in;
	if (!qm_to_lose || len < 28 || dgram[18] != 32)
		return false;
	qm_to_lose--;
	return true;
}

/*
 * Both ends rekey at once; B's QM1 is lost once, so that A's Quick Mode
 * is over when B's comes again (B saw a true crossing). Whether A's
 * Quick Mode lost into *@a_lost. 0 when it ended as it should (@why).
 */
static int late_round(struct pair *p, bool *a_lost, char *why, size_t len)
{
	struct ike_sa *sa = live_sa(&p->a), *sb = live_sa(&p->b);
	struct child_sa *ca = sa->children, *cb = sb->children;
	uint32_t old_a = ca->spi_in, old_b = cb->spi_in;
	unsigned int late = log_count(p, &p->a, "found late");
	unsigned int dels = deletes(p);

	qm_to_lose = 1;
	if (v1_rekey_start(sa, ca) || v1_rekey_start(sb, cb)) {
		snprintf(why, len, "cannot start both rekeys");
		return -1;
	}
	*a_lost = memcmp(v1(sa)->qm.ni, v1(sb)->qm.ni, V1_NONCE_LEN) < 0;
	pair_settle(p, 5000);
	age_and_settle(p);
	end_loser_waits(p);
	if (qm_to_lose) {
		snprintf(why, len, "B's QM1 was not lost");
		return -1;
	}
	if (one_new_pair(p, old_a, old_b, why, len))
		return -1;
	/* One Delete of the old pair, one of the redundant one, no more. */
	if (deletes(p) != dels + 2) {
		snprintf(why, len, "%u Deletes, not 2", deletes(p) - dels);
		return -1;
	}
	if (log_count(p, &p->a, "found late") != late + 1) {
		snprintf(why, len, "A found %u late crossings, not 1",
			 log_count(p, &p->a, "found late") - late);
		return -1;
	}
	return 0;
}

TEST_F(cross, peer_qm1_after_ours_finished_decided_the_same)
{
	struct pair *p = &self->p;
	bool a_lost, seen[2] = { false, false };
	int round;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* B's QM1 comes again soon: A's Quick Mode is over by then. */
	p->b.d->retx_first_ms = 300;
	p->a.lose = lose_qm;
	/* The nonces decide: until either end has lost once. */
	for (round = 0; round < 16 && !(seen[0] && seen[1]); round++) {
		ASSERT_EQ(0, late_round(p, &a_lost, self->why,
					sizeof(self->why)))
			TH_LOG("round %d (A's Quick Mode %s): %s", round,
			       a_lost ? "lost" : "won", self->why);
		seen[a_lost] = true;
	}
	EXPECT_TRUE(seen[0] && seen[1]);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/* Our rekeys' records of their nonces grow older by @ms. */
static void age_late(struct inst *in, iked_ms ms)
{
	struct ike_sa *sa;
	size_t i;

	for (sa = in->d->sas; sa; sa = sa->next)
		for (i = 0; sa->state == IKE_ESTABLISHED && i < V1_LATE_MAX;
		     i++)
			if (v1(sa)->late[i].at > ms)
				v1(sa)->late[i].at -= ms;
}

TEST_F(cross, peer_rekey_after_the_window_replaces_the_pair)
{
	struct pair *p = &self->p;
	struct ike_sa *sa, *sb;
	uint32_t old_a, old_b;
	unsigned int dels;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	sa = live_sa(&p->a);
	sb = live_sa(&p->b);
	old_a = sa->children->spi_in;
	old_b = sb->children->spi_in;
	dels = deletes(p);
	ASSERT_EQ(0, v1_rekey_start(sa, sa->children));
	pair_settle(p, 5000);
	age_and_settle(p);
	ASSERT_EQ(0, one_new_pair(p, old_a, old_b, self->why,
				  sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* B's own rekey of the new pair, once its soft lifetime came. */
	age_late(&p->a, 40000);
	old_a = sa->children->spi_in;
	old_b = sb->children->spi_in;
	ASSERT_EQ(0, v1_rekey_start(sb, sb->children));
	pair_settle(p, 5000);
	age_and_settle(p);
	EXPECT_EQ(0, one_new_pair(p, old_a, old_b, self->why,
				  sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, log_count(p, &p->a, "found late"));
	EXPECT_EQ(dels + 2, deletes(p));
}

/* The Quick Mode whose QM2 to A is lost, once (0: none). */
static uint32_t qm2_to_lose;

static bool lose_qm2(const struct inst *in, const uint8_t *dgram, size_t len)
{
	uint32_t id;

	(void)in;
	if (!qm2_to_lose || len < 28 || dgram[18] != 32)
		return false;
	id = (uint32_t)dgram[20] << 24 | (uint32_t)dgram[21] << 16 |
	     (uint32_t)dgram[22] << 8 | dgram[23];
	if (id != qm2_to_lose)
		return false;
	qm2_to_lose = 0;
	return true;
}

TEST_F(cross, a_qm2_lost_in_a_crossing_is_sent_again)
{
	struct pair *p = &self->p;
	struct ike_sa *sa, *sb;
	uint32_t old_a, old_b;
	unsigned int dels;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	sa = live_sa(&p->a);
	sb = live_sa(&p->b);
	old_a = sa->children->spi_in;
	old_b = sb->children->spi_in;
	dels = deletes(p);
	/* A's QM1 again soon; without an answer A gives up quickly. */
	p->a.d->retx_first_ms = 300;
	p->a.d->retx_tries = 2;
	p->a.lose = lose_qm2;
	ASSERT_EQ(0, v1_rekey_start(sa, sa->children));
	ASSERT_EQ(0, v1_rekey_start(sb, sb->children));
	qm2_to_lose = v1(sa)->qm.msg_id;
	pair_settle(p, 5000);
	age_and_settle(p);
	end_loser_waits(p);
	EXPECT_EQ(1, p->a.lost);
	EXPECT_EQ(1, log_count(p, &p->b, "our QM2 again"));
	EXPECT_EQ(0, one_new_pair(p, old_a, old_b, self->why,
				  sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(dels + 2, deletes(p));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_HARNESS_MAIN
