// SPDX-License-Identifier: GPL-2.0
/*
 * The ISAKMP SA's lifetime between two in-process kesp-iked instances
 * (ikev1_pair.h), A initiating: each end's SA lives the shorter of the
 * two ikelifetimes, in Main and Aggressive Mode. A responder with the
 * shorter one says so with RESPONDER-LIFETIME (proto ISAKMP, the cookies
 * as SPI) in MM6 or AM2 and the initiator honours it; a responder given
 * a shorter proposal keeps to it unsaid (before, its SA lived its own
 * ikelifetime whatever was proposed). After phase 1, the notify in an
 * Informational moves an established SA's timers; one naming other
 * cookies is ignored with a line.
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/ikev1/payload.h"
#include "iked/sa/lifetime.h"
#include "ikev1_conn.h"
#include "pair_sa.h"

static int setup(struct pair *p, const char *la, const char *lb, bool aggr,
		 char *why, size_t len)
{
	char ca[1024], cb[1024], xa[128], xb[128];

	snprintf(xa, sizeof(xa), "\tikelifetime=%s\n\trekeymargin=60s\n%s", la,
		 aggr ? "\taggressive=yes\n" : "");
	snprintf(xb, sizeof(xb), "\tikelifetime=%s\n\trekeymargin=60s\n%s", lb,
		 aggr ? "\taggressive=yes\n" : "");
	v1_conn(ca, sizeof(ca), true, NULL, NULL, xa);
	v1_conn(cb, sizeof(cb), false, NULL, NULL, xb);
	return pair_setup_confs(p, ca, cb, secrets_ok, why, len);
}

/* @in's ISAKMP SA lives @life s: its log line, hard limit and rekey. */
static void expect_ike_life(struct __test_metadata *_metadata,
			    struct pair *p, const struct inst *in,
			    uint32_t life)
{
	const struct ike_sa *sa = live_sa(in);
	char line[64];

	ASSERT_NE(NULL, sa) TH_LOG("%s: no ISAKMP SA", in->name);
	EXPECT_EQ(life, ike_sa_lifetime(sa)) TH_LOG("%s", in->name);
	EXPECT_EQ((iked_ms)life * 1000, sa->hard_at - sa->established)
		TH_LOG("%s", in->name);
	EXPECT_TRUE(sa->rekey_at > sa->established &&
		    sa->rekey_at < sa->hard_at) TH_LOG("%s", in->name);
	snprintf(line, sizeof(line), "lifetime %us", life);
	EXPECT_EQ(1, log_count(p, in, line)) TH_LOG("%s: %s", in->name, line);
}

FIXTURE(life1) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(life1) {
	const char *a, *b;		/* ikelifetime= of A (initiator), B */
	bool aggr;
	uint32_t life;			/* what both ISAKMP SAs get */
	const char *said;		/* B's line when it said so, or NULL */
	const char *heard;		/* A's line then */
};

FIXTURE_VARIANT_ADD(life1, main_responder_shorter) {
	.a = "2h", .b = "20m", .life = 1200,
	.said = "the peer proposed 7200 s for the ISAKMP SA, we use 1200 s (RESPONDER-LIFETIME in MM6)",
	.heard = "the peer limits the ISAKMP SA to 1200 s (RESPONDER-LIFETIME in MM6), ikelifetime is 7200 s",
};

FIXTURE_VARIANT_ADD(life1, main_initiator_shorter) {
	.a = "20m", .b = "2h", .life = 1200,
};

FIXTURE_VARIANT_ADD(life1, main_equal) {
	.a = "1h", .b = "1h", .life = 3600,
};

FIXTURE_VARIANT_ADD(life1, aggressive_responder_shorter) {
	.a = "2h", .b = "20m", .aggr = true, .life = 1200,
	.said = "the peer proposed 7200 s for the ISAKMP SA, we use 1200 s (RESPONDER-LIFETIME in AM2)",
	.heard = "the peer limits the ISAKMP SA to 1200 s (RESPONDER-LIFETIME in AM2), ikelifetime is 7200 s",
};

FIXTURE_VARIANT_ADD(life1, aggressive_initiator_shorter) {
	.a = "20m", .b = "2h", .aggr = true, .life = 1200,
};

FIXTURE_SETUP(life1)
{
	int r = setup(&self->p, variant->a, variant->b, variant->aggr,
		      self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(life1)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(life1, both_ends_live_the_shorter_and_only_a_longer_proposal_is_answered)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	expect_ike_life(_metadata, p, &p->a, variant->life);
	expect_ike_life(_metadata, p, &p->b, variant->life);
	EXPECT_EQ(variant->said ? 1 : 0,
		  log_count(p, &p->b, "for the ISAKMP SA, we use"));
	EXPECT_EQ(variant->heard ? 1 : 0,
		  log_count(p, &p->a, "the peer limits the ISAKMP SA"));
	if (variant->said)
		EXPECT_EQ(1, log_count(p, &p->b, variant->said));
	if (variant->heard)
		EXPECT_EQ(1, log_count(p, &p->a, variant->heard));
	EXPECT_EQ(0, log_count(p, &p->a, "ignored"));
}

/* ---- The notify after phase 1, as an Informational carries it. ---- */

FIXTURE(later) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(later)
{
	int r = setup(&self->p, "2h", "2h", false, self->why,
		      sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, pair_initiate(&self->p.a));
	pair_settle(&self->p, 5000);
	ASSERT_NE(NULL, live_sa(&self->p.a));
}

FIXTURE_TEARDOWN(later)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* A RESPONDER-LIFETIME for @sa's cookies (@other: not quite) of @secs. */
static void notify_of(const struct ike_sa *sa, bool other, uint32_t secs,
		      uint8_t spi[16], uint8_t data[12],
		      struct ikev1_notify *n)
{
	memcpy(spi, sa->spi_i, 8);
	memcpy(spi + 8, sa->spi_r, 8);
	spi[15] ^= other;
	ikev1_put16(data, IKEV1_AF_BIT | IKEV1_A1_LIFE_TYPE);
	ikev1_put16(data + 2, IKEV1_LIFE_SECONDS);
	ikev1_put16(data + 4, IKEV1_A1_LIFE_DURATION);
	ikev1_put16(data + 6, 4);
	ikev1_put32(data + 8, secs);
	*n = (struct ikev1_notify){
		.doi = IKEV1_DOI_IPSEC, .proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 16, .type = IKEV1_N_RESPONDER_LIFETIME,
		.spi = spi, .data = data, .len = 12,
	};
}

TEST_F(later, a_shorter_lifetime_moves_the_timers)
{
	struct pair *p = &self->p;
	struct ike_sa *sa = live_sa(&p->a);
	uint8_t spi[16], data[12];
	struct ikev1_notify n;

	ASSERT_EQ(7200, ike_sa_lifetime(sa));
	notify_of(sa, false, 1800, spi, data, &n);
	v1_life1_take(sa, &n, "an Informational");
	EXPECT_EQ(1800, ike_sa_lifetime(sa));
	EXPECT_EQ((iked_ms)1800 * 1000, sa->hard_at - sa->established);
	EXPECT_TRUE(sa->rekey_at < sa->hard_at);
	EXPECT_EQ(1, log_count(p, &p->a,
			       "the peer limits the ISAKMP SA to 1800 s (RESPONDER-LIFETIME in an Informational)"));
	/* A longer one later does not lengthen it again. */
	notify_of(sa, false, 3600, spi, data, &n);
	v1_life1_take(sa, &n, "an Informational");
	EXPECT_EQ(1800, ike_sa_lifetime(sa));
}

TEST_F(later, other_cookies_are_ignored_with_a_line)
{
	struct pair *p = &self->p;
	struct ike_sa *sa = live_sa(&p->a);
	uint8_t spi[16], data[12];
	struct ikev1_notify n;
	iked_ms hard = sa->hard_at;

	notify_of(sa, true, 1800, spi, data, &n);
	v1_life1_take(sa, &n, "an Informational");
	EXPECT_EQ(7200, ike_sa_lifetime(sa));
	EXPECT_EQ(hard, sa->hard_at);
	EXPECT_EQ(1, log_count(p, &p->a,
			       "RESPONDER-LIFETIME for the ISAKMP SA in an Informational ignored (its SPI is not this ISAKMP SA's cookies)"));
}

TEST_HARNESS_MAIN
