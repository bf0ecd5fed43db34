// SPDX-License-Identifier: GPL-2.0
/*
 * The payload rules of IKEv2 messages (rules.c): for every exchange and
 * message kind, a valid message passes, and each mandatory payload left
 * out or given twice, each payload where it must not be, and each one
 * outside the Encrypted payload is named. A CREATE_CHILD_SA response
 * without Nonce above all: its CHILD SA would get the keys of any other.
 */

#include <errno.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/rules.h"

#define END	0
#define N(t)	(0x10000 | (t))		/* a Notify of type t */

/* A chain of the payload types in @types (N(x): a Notify of type x). */
static void chain(struct ikev2_chain *c, const unsigned int *types)
{
	memset(c, 0, sizeof(*c));
	for (; *types != END; types++) {
		uint8_t t = *types & 0x10000 ? IKEV2_PL_NOTIFY :
					       (uint8_t)*types;

		c->pl[c->n].type = t;
		if (t == IKEV2_PL_NOTIFY) {
			c->pl[c->n].idx = c->n_notify;
			c->notify[c->n_notify++].type = (uint16_t)*types;
		}
		c->n++;
	}
}

/* The outer chain of a protected message: SK alone. */
static const unsigned int sk_only[] = { IKEV2_PL_SK, END };

struct kind_case {
	enum ikev2_kind kind;
	unsigned int valid[16];		/* a message of the kind */
	unsigned int must[8];		/* what it must carry */
};

static const struct kind_case cases[] = {
	{ IKEV2_K_INIT_REQ,
	  { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE,
	    N(IKEV2_N_NAT_DETECTION_SOURCE_IP),
	    N(IKEV2_N_NAT_DETECTION_DESTINATION_IP), IKEV2_PL_VENDOR, END },
	  { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, END } },
	{ IKEV2_K_INIT_RESP,
	  { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, IKEV2_PL_CERTREQ, END },
	  { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, END } },
	{ IKEV2_K_AUTH_REQ,
	  { IKEV2_PL_IDI, IKEV2_PL_IDR, IKEV2_PL_AUTH,
	    N(IKEV2_N_INITIAL_CONTACT), IKEV2_PL_SA, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END },
	  { IKEV2_PL_IDI, END } },
	{ IKEV2_K_AUTH_RESP,
	  { IKEV2_PL_IDR, IKEV2_PL_AUTH, IKEV2_PL_SA, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END },
	  { IKEV2_PL_IDR, IKEV2_PL_AUTH, IKEV2_PL_SA, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END } },
	{ IKEV2_K_CHILD_REQ,
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END },
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR, END } },
	{ IKEV2_K_CHILD_RESP,
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR, END },
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR, END } },
	{ IKEV2_K_CHILD_REKEY_REQ,
	  { N(IKEV2_N_REKEY_SA), IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END },
	  { N(IKEV2_N_REKEY_SA), IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END } },
	{ IKEV2_K_CHILD_REKEY_RESP,
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, IKEV2_PL_TSI,
	    IKEV2_PL_TSR, END },
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR, END } },
	{ IKEV2_K_IKE_REKEY_REQ,
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, END },
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, END } },
	{ IKEV2_K_IKE_REKEY_RESP,
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, END },
	  { IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, END } },
	{ IKEV2_K_INFO_REQ,
	  { IKEV2_PL_DELETE, IKEV2_PL_DELETE, N(IKEV2_N_INVALID_SYNTAX),
	    END },
	  { END } },
	{ IKEV2_K_INFO_RESP, { END }, { END } },
};

static bool is_protected(enum ikev2_kind k)
{
	return k != IKEV2_K_INIT_REQ && k != IKEV2_K_INIT_RESP;
}

/* Check @types as a message of @kind (in SK when the kind is protected). */
static int check(enum ikev2_kind kind, const unsigned int *types,
		 struct ikev2_rule_miss *m)
{
	static struct ikev2_chain outer, inner;

	if (!is_protected(kind)) {
		chain(&outer, types);
		return ikev2_rules_check(kind, &outer, NULL, m);
	}
	chain(&outer, sk_only);
	chain(&inner, types);
	return ikev2_rules_check(kind, &outer, &inner, m);
}

/* @types without the @skip-th entry, or with it twice. */
static void variant(const unsigned int *types, unsigned int which,
		    bool twice, unsigned int *out)
{
	unsigned int i, o = 0;

	for (i = 0; types[i] != END; i++) {
		if (types[i] == which && !twice)
			continue;
		out[o++] = types[i];
		if (types[i] == which && twice)
			out[o++] = types[i];
	}
	out[o] = END;
}

static uint8_t type_of(unsigned int t)
{
	return t & 0x10000 ? IKEV2_PL_NOTIFY : (uint8_t)t;
}

TEST(valid_messages_pass)
{
	struct ikev2_rule_miss m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT_EQ(0, check(cases[i].kind, cases[i].valid, &m))
			TH_LOG("%s: %s", ikev2_kind_name(cases[i].kind),
			       m.why);
}

TEST(each_mandatory_payload_missing)
{
	struct ikev2_rule_miss m;
	unsigned int v[20];
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; cases[i].must[j] != END; j++) {
			unsigned int t = cases[i].must[j];

			variant(cases[i].valid, t, false, v);
			memset(&m, 0, sizeof(m));
			EXPECT_EQ(-EBADMSG, check(cases[i].kind, v, &m))
				TH_LOG("%s without %u passed",
				       ikev2_kind_name(cases[i].kind), t);
			EXPECT_EQ(type_of(t), m.payload);
			EXPECT_EQ(t & 0x10000 ? (uint16_t)t : 0, m.notify);
			EXPECT_TRUE(m.why && !strncmp(m.why, "missing", 7))
				TH_LOG("%s", m.why);
		}
	}
}

TEST(each_mandatory_payload_twice)
{
	struct ikev2_rule_miss m;
	unsigned int v[20];
	size_t i, j;

	/* The parser refuses most already; the table says so too. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; cases[i].must[j] != END; j++) {
			unsigned int t = cases[i].must[j];

			variant(cases[i].valid, t, true, v);
			memset(&m, 0, sizeof(m));
			EXPECT_EQ(-EBADMSG, check(cases[i].kind, v, &m))
				TH_LOG("%s with %u twice passed",
				       ikev2_kind_name(cases[i].kind), t);
			EXPECT_EQ(type_of(t), m.payload);
			EXPECT_STREQ("more than once", m.why);
		}
	}
}

TEST(create_child_response_without_nonce)
{
	static const unsigned int no_nonce[] = {
		IKEV2_PL_SA, IKEV2_PL_TSI, IKEV2_PL_TSR, END };
	struct ikev2_rule_miss m;
	char buf[80];

	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_RESP, no_nonce, &m));
	EXPECT_EQ(IKEV2_PL_NONCE, m.payload);
	EXPECT_STREQ("Nonce payload missing",
		     ikev2_rules_format(&m, buf, sizeof(buf)));
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_REKEY_RESP, no_nonce, &m));
	EXPECT_EQ(IKEV2_PL_NONCE, m.payload);
}

TEST(refusals_need_only_their_notify)
{
	static const unsigned int ts[] = { N(IKEV2_N_TS_UNACCEPTABLE), END };
	static const unsigned int temp[] = { N(IKEV2_N_TEMPORARY_FAILURE),
					     END };
	static const unsigned int cookie[] = { N(IKEV2_N_COOKIE), END };
	static const unsigned int auth_ts[] = {
		IKEV2_PL_IDR, IKEV2_PL_AUTH, N(IKEV2_N_TS_UNACCEPTABLE), END };
	static const unsigned int status_only[] = {
		N(IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED), END };
	struct ikev2_rule_miss m;

	EXPECT_EQ(0, check(IKEV2_K_CHILD_RESP, ts, &m));
	EXPECT_EQ(0, check(IKEV2_K_CHILD_REKEY_RESP, temp, &m));
	EXPECT_EQ(0, check(IKEV2_K_IKE_REKEY_RESP, temp, &m));
	EXPECT_EQ(0, check(IKEV2_K_INIT_RESP, cookie, &m));
	EXPECT_EQ(0, check(IKEV2_K_AUTH_RESP, ts, &m));
	/* The IKE SA is up, the CHILD SA refused. */
	EXPECT_EQ(0, check(IKEV2_K_AUTH_RESP, auth_ts, &m));
	/* A status notify is no refusal. */
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_RESP, status_only, &m));
	/* And a request is never a refusal. */
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_REQ, ts, &m));
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_INIT_REQ, cookie, &m));
}

TEST(groups_come_together)
{
	static const unsigned int sa_no_ts[] = {
		IKEV2_PL_IDI, IKEV2_PL_AUTH, IKEV2_PL_SA, IKEV2_PL_TSI, END };
	static const unsigned int childless[] = {
		IKEV2_PL_IDI, IKEV2_PL_AUTH, END };
	static const unsigned int idr_alone[] = {
		IKEV2_PL_IDR, N(IKEV2_N_TS_UNACCEPTABLE), END };
	struct ikev2_rule_miss m;

	EXPECT_EQ(-EBADMSG, check(IKEV2_K_AUTH_REQ, sa_no_ts, &m));
	EXPECT_EQ(IKEV2_PL_TSR, m.payload);
	EXPECT_EQ(0, check(IKEV2_K_AUTH_REQ, childless, &m));
	/* Even a refusal carries IDr and AUTH both or neither. */
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_AUTH_RESP, idr_alone, &m));
	EXPECT_EQ(IKEV2_PL_AUTH, m.payload);
}

TEST(payloads_not_allowed)
{
	static const unsigned int init_id[] = {
		IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, IKEV2_PL_IDI, END };
	static const unsigned int ike_rekey_ts[] = {
		IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_KE, IKEV2_PL_TSI, END };
	static const unsigned int info_sa[] = { IKEV2_PL_SA, END };
	static const unsigned int child_auth[] = {
		IKEV2_PL_SA, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR,
		IKEV2_PL_AUTH, END };
	static const unsigned int two_rekey[] = {
		N(IKEV2_N_REKEY_SA), N(IKEV2_N_REKEY_SA), IKEV2_PL_SA,
		IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR, END };
	static const unsigned int two_cookies[] = {
		N(IKEV2_N_COOKIE), N(IKEV2_N_COOKIE), IKEV2_PL_SA,
		IKEV2_PL_KE, IKEV2_PL_NONCE, END };
	static const unsigned int unknown[] = { 99, END };
	struct ikev2_rule_miss m;

	EXPECT_EQ(-EBADMSG, check(IKEV2_K_INIT_REQ, init_id, &m));
	EXPECT_EQ(IKEV2_PL_IDI, m.payload);
	EXPECT_STREQ("not allowed", m.why);
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_IKE_REKEY_REQ, ike_rekey_ts, &m));
	EXPECT_EQ(IKEV2_PL_TSI, m.payload);
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_INFO_REQ, info_sa, &m));
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_REQ, child_auth, &m));
	EXPECT_EQ(IKEV2_PL_AUTH, m.payload);
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_CHILD_REKEY_REQ, two_rekey, &m));
	EXPECT_EQ(IKEV2_N_REKEY_SA, m.notify);
	EXPECT_EQ(-EBADMSG, check(IKEV2_K_INIT_REQ, two_cookies, &m));
	EXPECT_EQ(IKEV2_N_COOKIE, m.notify);
	/* A type RFC 7296 does not define is not ours to judge (3.2). */
	EXPECT_EQ(0, check(IKEV2_K_INFO_REQ, unknown, &m));
}

TEST(inside_or_outside_sk)
{
	static const unsigned int plain_sk[] = {
		IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, IKEV2_PL_SK, END };
	static const unsigned int outside[] = {
		IKEV2_PL_NOTIFY, IKEV2_PL_SK, END };
	static const unsigned int no_sk[] = { END };
	static struct ikev2_chain outer, inner;
	struct ikev2_rule_miss m;

	chain(&outer, plain_sk);
	EXPECT_EQ(-EBADMSG, ikev2_rules_check(IKEV2_K_INIT_REQ, &outer, NULL,
					      &m));
	EXPECT_EQ(IKEV2_PL_SK, m.payload);
	chain(&outer, outside);
	chain(&inner, cases[0].valid);
	EXPECT_EQ(-EBADMSG, ikev2_rules_check(IKEV2_K_INFO_REQ, &outer, NULL,
					      &m));
	EXPECT_EQ(IKEV2_PL_NOTIFY, m.payload);
	EXPECT_STREQ("outside the Encrypted payload", m.why);
	chain(&outer, no_sk);
	EXPECT_EQ(-EBADMSG, ikev2_rules_check(IKEV2_K_AUTH_REQ, &outer, NULL,
					      &m));
	EXPECT_EQ(IKEV2_PL_SK, m.payload);
	/* Before decryption only the outer chain counts. */
	chain(&outer, sk_only);
	EXPECT_EQ(0, ikev2_rules_check(IKEV2_K_AUTH_REQ, &outer, NULL, &m));
}

TEST(request_kinds)
{
	static const unsigned int rekey[] = { N(IKEV2_N_REKEY_SA),
					      IKEV2_PL_SA, END };
	static const unsigned int sa[] = { IKEV2_PL_SA, END };
	static struct ikev2_chain c;
	enum ikev2_kind k;

	chain(&c, sa);
	c.sa.n_prop = 1;
	c.sa.prop[0].proto = IKEV2_PROTO_ESP;
	ASSERT_EQ(0, ikev2_rules_request_kind(IKEV2_EXCH_CREATE_CHILD_SA, &c,
					      &k));
	EXPECT_EQ(IKEV2_K_CHILD_REQ, k);
	c.sa.prop[0].proto = IKEV2_PROTO_IKE;
	ASSERT_EQ(0, ikev2_rules_request_kind(IKEV2_EXCH_CREATE_CHILD_SA, &c,
					      &k));
	EXPECT_EQ(IKEV2_K_IKE_REKEY_REQ, k);
	chain(&c, rekey);
	c.sa.n_prop = 1;
	c.sa.prop[0].proto = IKEV2_PROTO_ESP;
	ASSERT_EQ(0, ikev2_rules_request_kind(IKEV2_EXCH_CREATE_CHILD_SA, &c,
					      &k));
	EXPECT_EQ(IKEV2_K_CHILD_REKEY_REQ, k);
	ASSERT_EQ(0, ikev2_rules_request_kind(IKEV2_EXCH_IKE_AUTH, &c, &k));
	EXPECT_EQ(IKEV2_K_AUTH_REQ, k);
	EXPECT_EQ(-ENOENT, ikev2_rules_request_kind(
				   IKEV2_EXCH_IKE_INTERMEDIATE, &c, &k));
	EXPECT_STREQ("CREATE_CHILD_SA request (CHILD SA rekey)",
		     ikev2_kind_name(IKEV2_K_CHILD_REKEY_REQ));
}

TEST_HARNESS_MAIN
