// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 conns of several subnets between two in-process kesp-iked
 * instances (ikev1_pair.h): a Quick Mode carries one (local, remote)
 * pair of proxy IDs, so a 2x2 conn is four Quick Modes and four CHILD
 * SAs on each end, each with its own selectors and SAs and rekeyed on
 * its own (ikev1/qm_ts.c); a proxy ID pair outside the responder's conn
 * is refused with INVALID_ID_INFORMATION and the others still go up.
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/sa/child_sa.h"
#include "iked/sa/ts.h"
#include "ikev1_conn.h"
#include "pair_sa.h"

/* "L === R" of @ch, one selector each side, or "" when it has more. */
static const char *sels(const struct child_sa *ch, char *buf, size_t len)
{
	char l[128], r[128];

	buf[0] = 0;
	if (ch->ts_local.n == 1 && ch->ts_remote.n == 1)
		snprintf(buf, len, "%s === %s",
			 iked_ts_format(&ch->ts_local, l, sizeof(l)),
			 iked_ts_format(&ch->ts_remote, r, sizeof(r)));
	return buf;
}

/* @in's CHILD SA whose selectors are @want, or NULL. */
static const struct child_sa *child_of(const struct inst *in,
				       const char *want)
{
	const struct ike_sa *sa = live_sa(in);
	const struct child_sa *ch;
	char buf[300];

	for (ch = sa ? sa->children : NULL; ch; ch = ch->next)
		if (!strcmp(sels(ch, buf, sizeof(buf)), want))
			return ch;
	return NULL;
}

/* Kernel SAs of @in live in @dir. */
static size_t n_live(const struct inst *in, uint8_t dir)
{
	const struct kesp_sa *s[16];

	return live_sas(&in->rec, dir, s, 16);
}

static const char *const a_pairs[4] = {
	"10.1.0.0/24 === 10.2.0.0/24", "10.1.0.0/24 === 10.4.0.0/24",
	"10.3.0.0/24 === 10.2.0.0/24", "10.3.0.0/24 === 10.4.0.0/24",
};

static const char *const b_pairs[4] = {
	"10.2.0.0/24 === 10.1.0.0/24", "10.4.0.0/24 === 10.1.0.0/24",
	"10.2.0.0/24 === 10.3.0.0/24", "10.4.0.0/24 === 10.3.0.0/24",
};

FIXTURE(subnets) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(subnets) {
	const char *a_right;	/* A's rightsubnet (B's leftsubnet is 2x) */
	const char *b_right;	/* B's rightsubnet */
};

/* Both ends have the same 2x2 conn. */
FIXTURE_VARIANT_ADD(subnets, two_by_two) {
	.a_right = "10.2.0.0/24,10.4.0.0/24",
	.b_right = "10.1.0.0/24,10.3.0.0/24",
};

/* B's conn lacks 10.3.0.0/24: A's two Quick Modes for it are refused. */
FIXTURE_VARIANT_ADD(subnets, b_lacks_one) {
	.a_right = "10.2.0.0/24,10.4.0.0/24",
	.b_right = "10.1.0.0/24",
};

/* A's leftsubnet is 10.1.0.0/24,10.3.0.0/24, B's 10.2.0.0/24,10.4.0.0/24. */
static int setup(struct pair *p, const char *a_right, const char *b_right,
		 char *why, size_t len)
{
	char ca[1024], cb[1024];

	v1_conn(ca, sizeof(ca), true, "10.1.0.0/24,10.3.0.0/24", a_right,
		"\tlifetime=1h\n");
	v1_conn(cb, sizeof(cb), false, "10.2.0.0/24,10.4.0.0/24", b_right,
		"\tlifetime=1h\n");
	return pair_setup_confs(p, ca, cb, secrets_ok, why, len);
}

FIXTURE_SETUP(subnets)
{
	int r = setup(&self->p, variant->a_right, variant->b_right,
		      self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(subnets)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* Pair @i is up on both ends, A's outbound SA B's inbound and back. */
static bool pair_up(struct __test_metadata *_metadata, struct pair *p,
		    int i)
{
	const struct child_sa *a = child_of(&p->a, a_pairs[i]);
	const struct child_sa *b = child_of(&p->b, b_pairs[i]);

	EXPECT_TRUE(a != NULL) TH_LOG("A has no CHILD SA %s", a_pairs[i]);
	EXPECT_TRUE(b != NULL) TH_LOG("B has no CHILD SA %s", b_pairs[i]);
	if (!a || !b)
		return false;
	EXPECT_EQ(a->spi_out, b->spi_in);
	EXPECT_EQ(b->spi_out, a->spi_in);
	return a->spi_out == b->spi_in && b->spi_out == a->spi_in;
}

TEST_F(subnets, one_quick_mode_per_subnet_pair)
{
	bool all = strchr(variant->b_right, ',') != NULL;
	unsigned int want = all ? 4 : 2;
	struct pair *p = &self->p;
	int i;

	ASSERT_EQ(0, pair_initiate(&p->a));
	settle_for(p, 3000);
	/* Refused or not, each pair has its Quick Mode. */
	EXPECT_EQ(4, log_count(p, &p->a, " started with PFS"));
	EXPECT_EQ(want, n_children(&p->a));
	EXPECT_EQ(want, n_children(&p->b));
	EXPECT_EQ(want, n_live(&p->a, KESP_DIR_IN));
	EXPECT_EQ(want, n_live(&p->a, KESP_DIR_OUT));
	EXPECT_EQ(want, n_live(&p->b, KESP_DIR_IN));
	EXPECT_EQ(want, n_live(&p->b, KESP_DIR_OUT));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	for (i = 0; i < 4; i++) {
		if (all || i < 2) {
			pair_up(_metadata, p, i);
			continue;
		}
		EXPECT_TRUE(child_of(&p->a, a_pairs[i]) == NULL);
		EXPECT_TRUE(child_of(&p->b, b_pairs[i]) == NULL);
	}
	if (all)
		return;
	EXPECT_EQ(1, log_count(p, &p->b, "proxy ID mismatch (INVALID_ID_INFORMATION): the peer asks for 10.3.0.0/24 === 10.2.0.0/24, we have 10.1.0.0/24 === 10.2.0.0/24 10.4.0.0/24"));
	EXPECT_EQ(1, log_count(p, &p->b, "proxy ID mismatch (INVALID_ID_INFORMATION): the peer asks for 10.3.0.0/24 === 10.4.0.0/24"));
	EXPECT_EQ(2, log_count(p, &p->a, "the peer sent notify 18 (INVALID_ID_INFORMATION)"));
}

FIXTURE(rekey) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(rekey)
{
	int r = setup(&self->p, "10.2.0.0/24,10.4.0.0/24",
		      "10.1.0.0/24,10.3.0.0/24", self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(rekey)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* A rekey of one of the four leaves the other three as they were. */
TEST_F(rekey, each_pair_rekeys_on_its_own)
{
	struct pair *p = &self->p;
	struct child_sa *ch;
	uint32_t before[4];
	int i;

	ASSERT_EQ(0, pair_initiate(&p->a));
	settle_for(p, 3000);
	for (i = 0; i < 4; i++) {
		ASSERT_TRUE(pair_up(_metadata, p, i));
		before[i] = child_of(&p->a, a_pairs[i])->spi_in;
	}
	ch = (struct child_sa *)child_of(&p->a, a_pairs[2]);
	ASSERT_EQ(0, v1_rekey_start(live_sa(&p->a), ch));
	/* The old pair goes IKED_DEFER_OUT_MS after, then lingers 2 s. */
	settle_for(p, 7000);
	EXPECT_EQ(4, n_children(&p->a));
	EXPECT_EQ(4, n_children(&p->b));
	for (i = 0; i < 4; i++) {
		if (!pair_up(_metadata, p, i))
			continue;
		if (i == 2) {
			EXPECT_NE(before[i],
				  child_of(&p->a, a_pairs[i])->spi_in);
		} else {
			EXPECT_EQ(before[i],
				  child_of(&p->a, a_pairs[i])->spi_in);
		}
	}
	EXPECT_EQ(4, n_live(&p->a, KESP_DIR_IN));
	EXPECT_EQ(4, n_live(&p->b, KESP_DIR_OUT));
}

TEST_HARNESS_MAIN
