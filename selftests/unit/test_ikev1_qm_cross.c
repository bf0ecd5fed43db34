// SPDX-License-Identifier: GPL-2.0
/*
 * Crossing IKEv1 Quick Mode rekeys between two in-process kesp-iked
 * instances (ikev1_pair.h): both ends start a rekey of the same CHILD SA
 * before either Quick Mode is delivered. Both new pairs may go in; once
 * settled each end has exactly one pair for the CHILD, the same one on
 * both ends, and the old SPIs are gone (ikev1/qm_cross.c: the Quick Mode
 * with the lower initiator nonce loses, its initiator deletes its pair).
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/sa/child_sa.h"
#include "ikev1_conn.h"
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

TEST_F(cross, both_rekey_at_once_one_pair_stays_on_both)
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
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(1, n_children(&p->a));
	ASSERT_EQ(1, n_children(&p->b));
	ca = live_sa(&p->a)->children;
	cb = live_sa(&p->b)->children;
	EXPECT_EQ(CHILD_INSTALLED, ca->state);
	EXPECT_EQ(CHILD_INSTALLED, cb->state);
	EXPECT_EQ(ca->spi_out, cb->spi_in);
	EXPECT_EQ(cb->spi_out, ca->spi_in);
	EXPECT_NE(old_a, ca->spi_in);
	EXPECT_NE(old_b, cb->spi_in);
	/* One Delete of the old pair, one of the redundant one, no more. */
	EXPECT_EQ(2, log_count(p, &p->a, "the peer deleted CHILD SA") +
		     log_count(p, &p->b, "the peer deleted CHILD SA"));
}

TEST_HARNESS_MAIN
