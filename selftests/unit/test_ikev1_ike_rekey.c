// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 ISAKMP SA rekeying (ikev1/ike_rekey.c) between two in-process
 * kesp-iked instances (ikev1_pair.h): the core's rekey time of one end's
 * ISAKMP SA comes (sa->rekey_at, as sa/timers.c reads it), that end runs
 * a new Main Mode beside the old ISAKMP SA, both ends move the IPsec SA
 * pair to the new one, the rekeying end deletes the old one and the
 * other frees it on that Delete. The kernel (the recorder) must see
 * nothing of it: the same pair, never removed nor added again. The
 * rekeying Main Mode carries no INITIAL-CONTACT (it would end the pair),
 * and the next CHILD SA rekey runs over the new ISAKMP SA. Both ends at
 * once (crossing rekeys) lose no IPsec SA either. A rekeying exchange
 * that fails is tried again later; an old ISAKMP SA whose hard lifetime
 * comes first goes as it always did, its pair with it.
 */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#include "pair_child.h"
#pragma GCC diagnostic pop
#include "ikev1_conn.h"

/* A conn of A or B (@a), Main Mode or Aggressive Mode (@aggr). */
static void conf_of(char *buf, size_t len, bool a, bool aggr)
{
	v1_conn(buf, len, a, NULL, NULL,
		aggr ? "\taggressive=yes\n" : "\taggressive=no\n");
}

/* @in's established ISAKMP SA that no rekey replaced. */
static struct ike_sa *live_sa(const struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && !sa->successor)
			return sa;
	return NULL;
}

/* Whether @in has an ISAKMP SA (not dead) with the cookies of @v. */
static bool has_sa(const struct inst *in, const struct ike_view *v)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && !memcmp(sa->spi_i, v->spi_i, 8) &&
		    !memcmp(sa->spi_r, v->spi_r, 8))
			return true;
	return false;
}

/* The rekey time of @in's ISAKMP SA is now (sa/timers.c acts on it). */
static int rekey_due(struct inst *in)
{
	struct ike_sa *sa = live_sa(in);

	if (!sa)
		return -1;
	sa->rekey_at = iked_now();
	return 0;
}

/*
 * The same one IPsec SA pair as before (A's @in0, @out0), on both ends,
 * never removed, nothing else ever added.
 */
static void expect_pair_kept(struct __test_metadata *_metadata,
			     struct pair *p, uint32_t in0, uint32_t out0,
			     char *why, size_t len)
{
	uint32_t in1, out1;

	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	live_spis(p, &in1, &out1);
	EXPECT_EQ(in0, in1);
	EXPECT_EQ(out0, out1);
	EXPECT_EQ(1, added_sas(&p->a.rec, KESP_DIR_IN));
	EXPECT_EQ(1, added_sas(&p->a.rec, KESP_DIR_OUT));
	EXPECT_EQ(1, added_sas(&p->b.rec, KESP_DIR_IN));
	EXPECT_EQ(1, added_sas(&p->b.rec, KESP_DIR_OUT));
	EXPECT_FALSE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_FALSE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_EQ(3, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
	EXPECT_EQ(0, p->a.rec.bogus + p->b.rec.bogus);
}

/*
 * @rk rekeys the pair's CHILD SA now, over the ISAKMP SA @v that both
 * ends have (the only one): the old pair goes on both ends.
 */
static void child_rekey_over(struct __test_metadata *_metadata,
			     struct pair *p, struct inst *rk, struct inst *o,
			     const struct ike_view *v, char *why, size_t len)
{
	unsigned int before = p->delivered;
	uint32_t in0, out0, in1, out1;

	live_spis(p, &in0, &out0);
	soft_expire(rk, rk == &p->a ? in0 : out0);
	pair_settle(p, 5000);
	EXPECT_EQ(3, p->delivered - before);	/* QM1, QM2, QM3 */
	EXPECT_EQ(1, log_count(p, rk, "rekeyed: #"));
	EXPECT_EQ(1, log_count(p, o, "rekeyed by the peer"));
	/* Over @v: its cookies are the only ones either end has. */
	EXPECT_TRUE(has_sa(&p->a, v) && has_sa(&p->b, v));
	EXPECT_EQ(0, log_count(p, o, "dropped IKEv1 message"));
	age_children(rk, IKED_DEFER_OUT_MS + 100);
	pair_settle(p, 5000);
	age_children(rk, 5000);
	pair_settle(p, 2000);
	EXPECT_EQ(1, log_count(p, o, "the peer deleted CHILD SA"));
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
}

/*
 * @rk's ISAKMP SA reaches its rekey time: a new one on both ends, the
 * old one deleted on both, the IPsec SA pair untouched, no
 * INITIAL-CONTACT, and a CHILD SA rekey over the new one afterwards.
 */
static void ike_rekey_by(struct __test_metadata *_metadata, struct pair *p,
			 struct inst *rk, struct inst *o, unsigned int msgs,
			 char *why, size_t len)
{
	const char *ic = "the peer sent INITIAL-CONTACT";
	unsigned int before, ic_a, ic_b;
	struct ike_view v0, v1;
	uint32_t in0, out0;

	ASSERT_EQ(0, check_one_ike_sa(p, &v0, why, len)) TH_LOG("%s", why);
	/* The first exchange said it (Aggressive Mode: AM3 only). */
	ic_a = log_count(p, &p->a, ic);
	ic_b = log_count(p, &p->b, ic);
	EXPECT_EQ(1, ic_b);
	live_spis(p, &in0, &out0);
	ASSERT_NE(0, in0);
	ASSERT_EQ(0, rekey_due(rk));
	before = p->delivered;
	pair_settle(p, 5000);
	/* The new exchange and the Delete of the old ISAKMP SA, no Quick Mode. */
	EXPECT_EQ(msgs + 1, p->delivered - before);
	ASSERT_EQ(0, check_one_ike_sa(p, &v1, why, len)) TH_LOG("%s", why);
	EXPECT_NE(0, memcmp(v0.spi_i, v1.spi_i, 8));
	EXPECT_FALSE(has_sa(&p->a, &v0));
	EXPECT_FALSE(has_sa(&p->b, &v0));
	/* rk started it: the new ISAKMP SA's initiator. */
	EXPECT_TRUE(live_sa(rk)->initiator);
	EXPECT_EQ(1, live_sa(rk)->children ? 1 : 0);
	EXPECT_EQ(1, live_sa(o)->children ? 1 : 0);
	EXPECT_EQ(1, log_count(p, rk, "rekeying the ISAKMP SA"));
	EXPECT_EQ(1, log_count(p, rk, "IKE SA rekeyed: now"));
	EXPECT_EQ(1, log_count(p, o, "IKE SA rekeyed: now"));
	EXPECT_EQ(1, log_count(p, o, "the peer deleted the ISAKMP SA"));
	/* The rekeying exchange did not say INITIAL-CONTACT, either way. */
	EXPECT_EQ(ic_a, log_count(p, &p->a, ic));
	EXPECT_EQ(ic_b, log_count(p, &p->b, ic));
	EXPECT_EQ(0, log_count(p, rk, "replaced: the peer restarted"));
	EXPECT_EQ(0, log_count(p, o, "replaced: the peer restarted"));
	expect_pair_kept(_metadata, p, in0, out0, why, len);
	child_rekey_over(_metadata, p, rk, o, &v1, why, len);
	child_rekey_over(_metadata, p, o, rk, &v1, why, len);
}

/* ---- Main Mode. ---- */

FIXTURE(two) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(two) {
	bool aggressive;
	unsigned int msgs;	/* of the exchange that makes an ISAKMP SA */
};

FIXTURE_VARIANT_ADD(two, main_mode) {
	.aggressive = false, .msgs = 6,
};

FIXTURE_VARIANT_ADD(two, aggressive_mode) {
	.aggressive = true, .msgs = 3,
};

FIXTURE_SETUP(two)
{
	char ca[1024], cb[1024];
	int r;

	conf_of(ca, sizeof(ca), true, variant->aggressive);
	conf_of(cb, sizeof(cb), false, variant->aggressive);
	r = pair_setup_confs(&self->p, ca, cb, secrets_ok, self->why,
			     sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(two)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(two, a_the_initiator_rekeys_the_isakmp_sa)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ike_rekey_by(_metadata, p, &p->a, &p->b, variant->msgs, self->why,
		     sizeof(self->why));
}

TEST_F(two, b_the_responder_rekeys_the_isakmp_sa)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ike_rekey_by(_metadata, p, &p->b, &p->a, variant->msgs, self->why,
		     sizeof(self->why));
}

/*
 * As kesp-iked runs (IKED_V1_RETIRE_MS): the replaced ISAKMP SA's Delete
 * waits, so that a peer which moves the IPsec SAs in a job of its own
 * (charon) has done so first. Until then the old one is there on both
 * ends, the IPsec SAs already on the new one; then the Delete, and the
 * pair is still untouched.
 */
TEST_F(two, the_replaced_one_is_deleted_after_a_while)
{
	struct pair *p = &self->p;
	const char *gone = "the peer deleted the ISAKMP SA";
	struct ike_sa *old, *n;
	struct ike_view v0;
	uint32_t in0, out0;
	iked_ms t0;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_ike_sa(p, &v0, self->why, sizeof(self->why)));
	live_spis(p, &in0, &out0);
	p->a.d->v1_retire_ms = IKED_V1_RETIRE_MS;
	old = live_sa(&p->a);
	ASSERT_NE(NULL, old);
	t0 = iked_now();
	ASSERT_EQ(0, rekey_due(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA rekeyed: now"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA rekeyed: now"));
	/* Both still have it; the pair lives on the new one already. */
	EXPECT_TRUE(has_sa(&p->a, &v0) && has_sa(&p->b, &v0));
	EXPECT_EQ(0, log_count(p, &p->b, gone));
	ASSERT_EQ(old->successor, live_sa(&p->a));
	EXPECT_GE(old->retire_at, t0 + IKED_V1_RETIRE_MS);
	EXPECT_EQ(NULL, old->children);
	n = live_sa(&p->a);
	EXPECT_NE(NULL, n->children);
	/* Its time comes. */
	old->retire_at = iked_now();
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->b, gone));
	EXPECT_FALSE(has_sa(&p->a, &v0));
	EXPECT_FALSE(has_sa(&p->b, &v0));
	expect_pair_kept(_metadata, p, in0, out0, self->why,
			 sizeof(self->why));
}

TEST_F(two, rekeyed_twice_by_either_end)
{
	struct pair *p = &self->p;
	struct ike_view v;
	uint32_t in0, out0;

	ASSERT_EQ(0, pair_initiate(&p->b));
	pair_settle(p, 5000);
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, rekey_due(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, rekey_due(&p->b));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_ike_sa(p, &v, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(live_sa(&p->b)->initiator);
	EXPECT_EQ(2, log_count(p, &p->a, "IKE SA rekeyed: now"));
	EXPECT_EQ(2, log_count(p, &p->b, "IKE SA rekeyed: now"));
	expect_pair_kept(_metadata, p, in0, out0, self->why,
			 sizeof(self->why));
}

/*
 * Both ends' rekey time at once: two new ISAKMP SAs, each end the
 * initiator of one. The old one goes on both ends; the pair stays, and
 * its rekey and Delete find it whichever ISAKMP SA they come over.
 */
TEST_F(two, crossing_rekeys_lose_no_ipsec_sa)
{
	struct pair *p = &self->p;
	struct ike_view v0, a[4], b[4];
	uint32_t in0, out0, in1, out1;
	unsigned int ic_a, ic_b;
	size_t na, nb;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_ike_sa(p, &v0, self->why, sizeof(self->why)));
	live_spis(p, &in0, &out0);
	ic_a = log_count(p, &p->a, "the peer sent INITIAL-CONTACT");
	ic_b = log_count(p, &p->b, "the peer sent INITIAL-CONTACT");
	ASSERT_EQ(0, rekey_due(&p->a));
	ASSERT_EQ(0, rekey_due(&p->b));
	pair_settle(p, 5000);
	EXPECT_FALSE(has_sa(&p->a, &v0));
	EXPECT_FALSE(has_sa(&p->b, &v0));
	na = pair_ike_list(&p->a, a, 4);
	nb = pair_ike_list(&p->b, b, 4);
	EXPECT_TRUE(na >= 1 && na <= 2) TH_LOG("A has %zu ISAKMP SAs", na);
	EXPECT_TRUE(nb >= 1 && nb <= 2) TH_LOG("B has %zu ISAKMP SAs", nb);
	EXPECT_EQ(ic_a, log_count(p, &p->a, "the peer sent INITIAL-CONTACT"));
	EXPECT_EQ(ic_b, log_count(p, &p->b, "the peer sent INITIAL-CONTACT"));
	expect_pair_kept(_metadata, p, in0, out0, self->why,
			 sizeof(self->why));
	/* A CHILD SA rekey by either end still replaces the pair. */
	soft_expire(&p->a, in0);
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->b, "rekeyed by the peer"));
	age_children(&p->a, IKED_DEFER_OUT_MS + 100);
	pair_settle(p, 5000);
	age_children(&p->a, 5000);
	pair_settle(p, 2000);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
}

/* @in's ISAKMP SA that is not up yet (a rekeying one), or NULL. */
static struct ike_sa *pending_sa(const struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && sa->state != IKE_ESTABLISHED)
			return sa;
	return NULL;
}

/* What waits on @in's socket is dropped, as a lossy path would. */
static void drop_pending(struct inst *in)
{
	uint8_t buf[4096];

	while (recv(pair_fd(in), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/*
 * The rekeying exchange fails (here: A gives it up): the old ISAKMP SA
 * and its pair go on, and it is tried again 10 to 20 s later.
 */
TEST_F(two, a_failed_rekey_is_tried_again)
{
	struct pair *p = &self->p;
	struct ike_sa *n, *old;
	uint32_t in0, out0;
	iked_ms now;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, rekey_due(&p->a));
	pair_timers(&p->a);
	n = pending_sa(&p->a);
	ASSERT_NE(NULL, n);
	ike_sa_kill(n, "given up");
	usleep(50000);
	drop_pending(&p->b);
	old = live_sa(&p->a);
	ASSERT_NE(NULL, old);
	now = iked_now();
	EXPECT_TRUE(old->rekey_at >= now + 9000 && old->rekey_at <= now + 20000);
	EXPECT_EQ(1, log_count(p, &p->a, "failed: trying again in"));
	pair_settle(p, 500);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* Its time again: this one succeeds. */
	ASSERT_EQ(0, rekey_due(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA rekeyed: now"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA rekeyed: now"));
	expect_pair_kept(_metadata, p, in0, out0, self->why,
			 sizeof(self->why));
}

/*
 * The old ISAKMP SA reaches its hard lifetime before the new one is up:
 * it goes as it always did, with its IPsec SAs; the new ISAKMP SA then
 * makes a new pair in a Quick Mode of its own.
 */
TEST_F(two, the_old_one_ends_before_the_new_one_is_up)
{
	struct pair *p = &self->p;
	uint32_t in0, out0, in1, out1;
	struct ike_sa *old;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, rekey_due(&p->a));
	pair_timers(&p->a);
	ASSERT_NE(NULL, pending_sa(&p->a));
	old = live_sa(&p->a);
	ASSERT_NE(NULL, old);
	old->hard_at = iked_now();
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "reached its lifetime"));
	EXPECT_EQ(0, log_count(p, &p->a, "IKE SA rekeyed"));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
}

TEST_HARNESS_MAIN
