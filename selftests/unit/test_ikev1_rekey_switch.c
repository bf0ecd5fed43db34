// SPDX-License-Identifier: GPL-2.0
/*
 * When our IKEv1 rekey moves the traffic to the new pair (ikev1/rekey.c,
 * switch_at()), between two in-process kesp-iked instances: normally
 * IKED_DEFER_OUT_MS after the Quick Mode, so that a peer that installs
 * its new inbound SA only on QM3 has it; but a rekey that ends late in
 * the old pair's lifetime switches at the latest V1_HARD_MARGIN_MS
 * before that lifetime ends, since the peer's copy of the old pair ends
 * then too. Before, a rekey at 7.3 s of a 10 s lifetime still sent on
 * the old pair at 10.3 s, after pluto had dropped its copy: CI lost a
 * ping.
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/sa/child_sa.h"
#include "ikev1_conn.h"
#include "pair_child.h"
#include "pair_sa.h"

FIXTURE(sw) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(sw)
{
	char ca[1024], cb[1024];
	int r;

	v1_conn(ca, sizeof(ca), true, NULL, NULL, "\tlifetime=1h\n");
	v1_conn(cb, sizeof(cb), false, NULL, NULL, "\tlifetime=1h\n");
	r = pair_setup_confs(&self->p, ca, cb, secrets_ok, self->why,
			     sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(sw)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/*
 * A rekey of A's pair with @left_ms of its hard lifetime left: @within_ms
 * later, has A moved its sending to the new pair (one outbound SA, the
 * new one's)?
 */
static bool switched_within(struct pair *p, iked_ms left_ms,
			    unsigned int within_ms)
{
	struct ike_sa *sa = live_sa(&p->a);
	struct child_sa *old = sa->children, *n;
	uint32_t spi = 0;

	old->life_secs = 10;
	old->established = iked_now() + left_ms - 10000;
	if (v1_rekey_start(sa, old))
		return false;
	settle_for(p, within_ms);
	sa = live_sa(&p->a);
	for (n = sa->children; n && n->spi_in == old->spi_in; n = n->next)
		;
	return n && out_sa_count(&p->a, &spi) == 1 && spi == n->spi_out;
}

TEST_F(sw, late_rekey_switches_before_the_old_pair_ends)
{
	ASSERT_EQ(0, pair_initiate(&self->p.a));
	pair_settle(&self->p, 5000);
	/* 2 s left: the switch is due at 0.5 s, not at IKED_DEFER_OUT_MS. */
	EXPECT_TRUE(switched_within(&self->p, 2000, 1200));
}

TEST_F(sw, early_rekey_still_waits_for_the_peer)
{
	ASSERT_EQ(0, pair_initiate(&self->p.a));
	pair_settle(&self->p, 5000);
	/* 9 s left: IKED_DEFER_OUT_MS (3 s) holds, the old pair still sends. */
	EXPECT_FALSE(switched_within(&self->p, 9000, 1200));
}

TEST_HARNESS_MAIN
