// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the IKEv1 payload rules: one valid message of every
 * kind passes; each mandatory payload missing, each single one doubled,
 * a payload out of place, and each header fault is refused with its
 * reason.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev1/rules.h"

#define SA	IKEV1_PL_SA
#define KE	IKEV1_PL_KE
#define ID	IKEV1_PL_ID
#define HASH	IKEV1_PL_HASH
#define NONCE	IKEV1_PL_NONCE
#define N	IKEV1_PL_N
#define D	IKEV1_PL_D
#define VID	IKEV1_PL_VID
#define NATD	IKEV1_PL_NATD
#define NATD2	IKEV1_PL_NATD_DRAFT
#define NATOA	IKEV1_PL_NATOA
#define CERT	IKEV1_PL_CERT
#define SIG	IKEV1_PL_SIG
#define CR	IKEV1_PL_CR

/* A valid message of each kind: its payload types (0-terminated). */
struct good {
	enum ikev1_kind kind;
	uint8_t exch;
	bool ck_r, enc;
	uint32_t mid;
	uint8_t types[12];
	uint8_t must[6];	/* the mandatory ones, each tested missing */
};

static const struct good goods[] = {
	{ IKEV1_K_MM1, 2, false, false, 0, { SA, VID, VID }, { SA } },
	{ IKEV1_K_MM2, 2, true, false, 0, { SA, VID }, { SA } },
	{ IKEV1_K_MM3, 2, true, false, 0, { KE, NONCE, VID, NATD, NATD },
	  { KE, NONCE } },
	{ IKEV1_K_MM4, 2, true, false, 0, { KE, NONCE, NATD2, NATD2 },
	  { KE, NONCE } },
	{ IKEV1_K_MM5, 2, true, true, 0, { ID, HASH, N }, { ID, HASH } },
	{ IKEV1_K_MM6, 2, true, true, 0, { ID, HASH }, { ID, HASH } },
	{ IKEV1_K_AM1, 4, false, false, 0, { SA, KE, NONCE, ID, VID },
	  { SA, KE, NONCE, ID } },
	{ IKEV1_K_AM2, 4, true, false, 0,
	  { SA, KE, NONCE, ID, HASH, NATD, NATD, VID },
	  { SA, KE, NONCE, ID, HASH } },
	{ IKEV1_K_AM3, 4, true, true, 0, { HASH, NATD, NATD, N }, { HASH } },
	{ IKEV1_K_QM1, 32, true, true, 7, { HASH, SA, NONCE, ID, ID },
	  { HASH, SA, NONCE } },
	{ IKEV1_K_QM1, 32, true, true, 7, { HASH, SA, NONCE },
	  { HASH, SA, NONCE } },
	{ IKEV1_K_QM1_PFS, 32, true, true, 7,
	  { HASH, SA, NONCE, KE, ID, ID, NATOA, NATOA },
	  { HASH, SA, NONCE, KE } },
	{ IKEV1_K_QM2, 32, true, true, 7, { HASH, SA, NONCE, ID, ID, N },
	  { HASH, SA, NONCE } },
	{ IKEV1_K_QM2_PFS, 32, true, true, 7, { HASH, SA, NONCE, KE },
	  { HASH, SA, NONCE, KE } },
	{ IKEV1_K_QM3, 32, true, true, 7, { HASH }, { HASH } },
	{ IKEV1_K_INFO, 5, true, true, 9, { HASH, D, D }, { HASH } },
	{ IKEV1_K_INFO, 5, true, true, 9, { HASH, N }, { HASH } },
	{ IKEV1_K_INFO_PLAIN, 5, true, false, 0, { N }, { N } },
	{ IKEV1_K_MM5_SIG, 2, true, true, 0, { ID, CERT, SIG, CR },
	  { ID, SIG } },
	{ IKEV1_K_MM6_SIG, 2, true, true, 0, { ID, CERT, CERT, SIG },
	  { ID, SIG } },
	{ IKEV1_K_AM2_SIG, 4, true, false, 0,
	  { SA, KE, NONCE, ID, CERT, SIG, CR, NATD, NATD },
	  { SA, KE, NONCE, ID, SIG } },
	{ IKEV1_K_AM3_SIG, 4, true, true, 0, { CERT, SIG, N }, { SIG } },
};

static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void make(const struct good *g, struct ikev1_hdr *h,
		 struct ikev1_chain *c)
{
	unsigned int i;

	memset(h, 0, sizeof(*h));
	memcpy(h->ck_i, cookie, 8);
	if (g->ck_r)
		memcpy(h->ck_r, cookie, 8);
	h->exchange = g->exch;
	h->flags = g->enc ? IKEV1_F_ENCRYPT : 0;
	h->msg_id = g->mid;
	ikev1_chain_init(c);
	for (i = 0; i < sizeof(g->types) && g->types[i]; i++)
		ikev1_chain_add(c, g->types[i]);
}

/* Expects -EBADMSG with @type and a reason starting with @why. */
#define REFUSED(kind, h, c, type_, why_) do {				\
		struct ikev1_rule_miss m_ = { 0 };			\
		char s_[128];						\
		EXPECT_EQ(-EBADMSG, ikev1_rules_check(kind, h, c, &m_));	\
		EXPECT_EQ(type_, m_.type);				\
		EXPECT_TRUE(m_.why && !strncmp(m_.why, why_, strlen(why_))); \
		if (m_.why && (m_.type != (type_) ||			\
			       strncmp(m_.why, why_, strlen(why_))))	\
			TH_LOG("%s", ikev1_rules_format(&m_, s_, sizeof(s_))); \
	} while (0)

static void drop(struct ikev1_chain *c, unsigned int i)
{
	memmove(&c->pl[i], &c->pl[i + 1], (c->n - i - 1) * sizeof(c->pl[0]));
	c->n--;
}

TEST(every_kind_accepts_its_message)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_rule_miss miss;
	struct ikev1_hdr h;
	bool seen[IKEV1_K__N] = { false };
	char why[128];
	size_t g;
	int k;

	ASSERT_TRUE(c);
	for (g = 0; g < sizeof(goods) / sizeof(goods[0]); g++) {
		make(&goods[g], &h, c);
		if (ikev1_rules_check(goods[g].kind, &h, c, &miss))
			TH_LOG("%s", ikev1_rules_format(&miss, why, sizeof(why)));
		EXPECT_EQ(0, ikev1_rules_check(goods[g].kind, &h, c, &miss));
		seen[goods[g].kind] = true;
	}
	for (k = 0; k < IKEV1_K__N; k++)
		EXPECT_TRUE(seen[k]);
	free(c);
}

TEST(each_mandatory_payload_missing)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_hdr h;
	unsigned int i, j, tested = 0;
	size_t g;

	ASSERT_TRUE(c);
	for (g = 0; g < sizeof(goods) / sizeof(goods[0]); g++) {
		for (j = 0; j < sizeof(goods[g].must) && goods[g].must[j]; j++) {
			make(&goods[g], &h, c);
			for (i = 0; c->pl[i].type != goods[g].must[j]; i++)
				;
			drop(c, i);
			REFUSED(goods[g].kind, &h, c, goods[g].must[j],
				"missing");
			tested++;
		}
	}
	EXPECT_LE(30, tested);
	free(c);
}

TEST(each_single_payload_doubled)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_hdr h;
	unsigned int j, tested = 0;
	size_t g;

	ASSERT_TRUE(c);
	for (g = 0; g < sizeof(goods) / sizeof(goods[0]); g++) {
		for (j = 0; j < sizeof(goods[g].must) && goods[g].must[j]; j++) {
			uint8_t t = goods[g].must[j];

			if (t == N)	/* notifies may repeat */
				continue;
			make(&goods[g], &h, c);
			ikev1_chain_add(c, t);
			REFUSED(goods[g].kind, &h, c, t, "more than once");
			tested++;
		}
	}
	EXPECT_LE(28, tested);
	free(c);
}

TEST(quick_mode_ids_come_in_pairs)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_hdr h;

	ASSERT_TRUE(c);
	make(&goods[9], &h, c);	/* QM1 with IDci, IDcr */
	drop(c, 4);
	REFUSED(IKEV1_K_QM1, &h, c, ID, "not a pair");
	ikev1_chain_add(c, ID);
	ikev1_chain_add(c, ID);
	REFUSED(IKEV1_K_QM1, &h, c, ID, "not a pair");
	/* KE without PFS, or none with it */
	make(&goods[9], &h, c);
	ikev1_chain_add(c, KE);
	REFUSED(IKEV1_K_QM1, &h, c, KE, "not allowed here");
	make(&goods[11], &h, c);
	ikev1_chain_add(c, NATOA);
	REFUSED(IKEV1_K_QM1_PFS, &h, c, NATOA, "more than twice");
	free(c);
}

TEST(order_and_stray_payloads)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_hdr h;

	ASSERT_TRUE(c);
	/* phase 1: the SA first */
	make(&goods[0], &h, c);
	c->pl[0].type = VID;
	c->pl[1].type = SA;
	REFUSED(IKEV1_K_MM1, &h, c, SA, "not first");
	/* Quick Mode: HASH first, SA second */
	make(&goods[10], &h, c);
	c->pl[0].type = SA;
	c->pl[1].type = HASH;
	REFUSED(IKEV1_K_QM1, &h, c, HASH, "not first");
	make(&goods[10], &h, c);
	c->pl[1].type = NONCE;
	c->pl[2].type = SA;
	REFUSED(IKEV1_K_QM1, &h, c, SA, "not second");
	/* Informational: HASH(1) first, an N or D after it */
	make(&goods[15], &h, c);
	c->pl[0].type = D;
	c->pl[2].type = HASH;
	REFUSED(IKEV1_K_INFO, &h, c, HASH, "not first");
	make(&goods[15], &h, c);
	c->n = 1;
	REFUSED(IKEV1_K_INFO, &h, c, N, "missing");
	/* a payload the message has no place for */
	make(&goods[4], &h, c);
	ikev1_chain_add(c, KE);
	REFUSED(IKEV1_K_MM5, &h, c, KE, "not allowed here");
	make(&goods[14], &h, c);
	ikev1_chain_add(c, CERT);
	REFUSED(IKEV1_K_QM3, &h, c, CERT, "not allowed here");
	free(c);
}

TEST(header_faults)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_hdr h;

	ASSERT_TRUE(c);
	make(&goods[0], &h, c);
	h.exchange = IKEV1_EXCH_AGGRESSIVE;
	REFUSED(IKEV1_K_MM1, &h, c, 0, "wrong exchange type");
	make(&goods[0], &h, c);
	memset(h.ck_i, 0, 8);
	REFUSED(IKEV1_K_MM1, &h, c, 0, "initiator cookie zero");
	make(&goods[0], &h, c);
	h.ck_r[3] = 1;
	REFUSED(IKEV1_K_MM1, &h, c, 0, "responder cookie not zero");
	make(&goods[1], &h, c);
	memset(h.ck_r, 0, 8);
	REFUSED(IKEV1_K_MM2, &h, c, 0, "responder cookie zero");
	make(&goods[4], &h, c);
	h.msg_id = 5;
	REFUSED(IKEV1_K_MM5, &h, c, 0, "message ID not zero");
	make(&goods[4], &h, c);
	h.flags = 0;
	REFUSED(IKEV1_K_MM5, &h, c, 0, "not encrypted");
	make(&goods[2], &h, c);
	h.flags = IKEV1_F_ENCRYPT;
	REFUSED(IKEV1_K_MM3, &h, c, 0, "encrypted");
	make(&goods[14], &h, c);
	h.msg_id = 0;
	REFUSED(IKEV1_K_QM3, &h, c, 0, "message ID zero");
	/* Aggressive Mode's third message: encrypted or not */
	make(&goods[8], &h, c);
	h.flags = 0;
	EXPECT_EQ(0, ikev1_rules_check(IKEV1_K_AM3, &h, c, NULL));
	EXPECT_EQ(-EBADMSG, ikev1_rules_check(IKEV1_K__N, &h, c, NULL));
	free(c);
}

TEST_HARNESS_MAIN
