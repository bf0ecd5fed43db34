// SPDX-License-Identifier: GPL-2.0
/*
 * NAT-OA (RFC 3947 5.2) in Quick Mode between two in-process kesp-iked
 * instances (ikev1_pair.h): transport mode with NAT-T in use (A forces
 * it with encapsulation=yes, so B sees A behind a NAT) carries NAT-OAi
 * and NAT-OAr in QM1 and QM2, each end logs the peer's, and the CHILD
 * SA is transport mode host to host; tunnel mode carries none.
 */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/sa/child_sa.h"
#include "iked/sa/ts.h"
#include "ikev1_conn.h"
#include "pair_sa.h"

FIXTURE(natoa) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(natoa) {
	bool transport;
	bool forced;		/* A: encapsulation=yes */
	unsigned int lines;	/* NAT-OA lines each end logs */
};

FIXTURE_VARIANT_ADD(natoa, transport_through_nat) {
	.transport = true, .forced = true, .lines = 1,
};

FIXTURE_VARIANT_ADD(natoa, tunnel_through_nat) {
	.transport = false, .forced = true, .lines = 0,
};

FIXTURE_VARIANT_ADD(natoa, transport_without_nat) {
	.transport = true, .forced = false, .lines = 0,
};

FIXTURE_SETUP(natoa)
{
	char ca[1024], cb[1024], ea[64], eb[64];
	int r;

	snprintf(ea, sizeof(ea), "%s%s",
		 variant->transport ? "\ttype=transport\n" : "",
		 variant->forced ? "\tencapsulation=yes\n" : "");
	snprintf(eb, sizeof(eb), "%s",
		 variant->transport ? "\ttype=transport\n" : "");
	if (variant->transport) {
		v1_conn(ca, sizeof(ca), true, "127.0.0.1/32", "127.0.0.2/32",
			ea);
		v1_conn(cb, sizeof(cb), false, "127.0.0.2/32", "127.0.0.1/32",
			eb);
	} else {
		v1_conn(ca, sizeof(ca), true, NULL, NULL, ea);
		v1_conn(cb, sizeof(cb), false, NULL, NULL, eb);
	}
	r = pair_setup_confs(&self->p, ca, cb, secrets_ok, self->why,
			     sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(natoa)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* @in's one CHILD SA is up in the mode the variant asks for. */
static bool child_ok(const struct inst *in, bool transport)
{
	const struct ike_sa *sa = live_sa(in);
	const struct child_sa *ch = sa ? sa->children : NULL;

	return ch && !ch->next && ch->state == CHILD_INSTALLED &&
	       (ch->mode == KESP_MODE_TRANSPORT) == transport;
}

TEST_F(natoa, sent_and_taken_in_quick_mode)
{
	struct pair *p = &self->p;
	unsigned int n = variant->lines;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_NE(NULL, live_sa(&p->a)) TH_LOG("phase 1 did not come up");
	EXPECT_TRUE(child_ok(&p->a, variant->transport));
	EXPECT_TRUE(child_ok(&p->b, variant->transport));
	EXPECT_EQ(variant->forced, live_sa(&p->a)->natt.in_use);
	/* QM1's: A's own address, B's; QM2's: A's as B sees it, B's. */
	EXPECT_EQ(n, log_count(p, &p->b, "the peer's NAT-OA: initiator 127.0.0.1, responder 127.0.0.2"));
	EXPECT_EQ(n, log_count(p, &p->a, "the peer's NAT-OA: initiator 127.0.0.1, responder 127.0.0.2"));
	EXPECT_EQ(0, log_count(p, &p->a, "NAT-OA of another"));
	EXPECT_EQ(0, log_count(p, &p->b, "one NAT-OA payload"));
}

TEST_HARNESS_MAIN
