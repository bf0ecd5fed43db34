// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 RESPONDER-LIFETIME (RFC 2407 4.6.3.1) between two in-process
 * kesp-iked instances (ikev1_pair.h): A initiates with its lifetime, B
 * answers. B's QM2 is read off A's socket before A takes it and
 * decrypted with a copy of A's IV chain, so that the tests see the
 * notify itself (or its absence): a responder with a shorter lifetime
 * says it, with its inbound SPI, and both CHILD SAs end with it in the
 * kernel; equal lifetimes say nothing; an initiator's shorter lifetime
 * is the responder's too, unsaid. A malformed notify, or one longer
 * than the initiator's lifetime (B's, rewritten and sealed again with
 * HASH(2) recomputed), is ignored with a log line and the exchange
 * completes with the initiator's own lifetime.
 */

#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/ikev1/keys.h"
#include "iked/ikev1/payload.h"
#include "ikev1_conn.h"
#include "pair_sa.h"

/* A conn of A (@a) or B with lifetime @life. */
static void conf_of(char *buf, size_t len, bool a, const char *life)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "\tlifetime=%s\n\trekeymargin=60s\n",
		 life);
	v1_conn(buf, len, a, NULL, NULL, extra);
}

static int setup_lives(struct pair *p, const char *la, const char *lb,
		       char *why, size_t len)
{
	char ca[1024], cb[1024];

	conf_of(ca, sizeof(ca), true, la);
	conf_of(cb, sizeof(cb), false, lb);
	return pair_setup_confs(p, ca, cb, secrets_ok, why, len);
}

/* What the tests do to B's QM2 on its way to A. */
enum edit {
	EDIT_NONE = 0,
	EDIT_MALFORMED,		/* the duration's TLV runs past the list */
	EDIT_LONGER,		/* 10000 s, longer than A's 7200 */
};

/* What the tests saw of B's QM2. */
struct qm2_seen {
	bool seen;
	unsigned int n_notify;
	uint8_t proto, spi_size;
	uint32_t spi, secs;		/* the notify's, secs: its duration */
};

/*
 * The QM2 of @buf/@len, decrypted with a copy of @a's IV chain (A's own
 * stays as it is, for A to decrypt it again) into @plain, parsed into
 * @c. Its body length into *@blen. 0 or -1.
 */
static int qm2_open(struct ike_sa *a, const uint8_t *buf, size_t len,
		    uint8_t *plain, struct ikev1_chain *c, size_t *blen)
{
	struct v1_sa *v = v1(a);
	struct ikev1_ivs ivs = v->ivs;
	struct ikev1_err err = { 0 };

	*blen = len - 28;
	if (ikev1_decrypt(&ivs, v->alg.encr, v->keys.ka, v->keys.ka_len,
			  ikev1_get32(buf + 20), buf + 28, *blen, plain))
		return -1;
	return ikev1_chain_parse(c, buf[16], plain, *blen, true, &err) ? -1 : 0;
}

static void qm2_note(const struct ikev1_chain *c, struct qm2_seen *s)
{
	const struct ikev1_pl *pl;
	struct ikev1_attr at[4];
	const char *why;
	unsigned int i;
	uint64_t v;
	size_t n;

	s->seen = true;
	for (i = 0; (pl = ikev1_chain_find(c, IKEV1_PL_N, i)); i++) {
		if (pl->u.n.type != IKEV1_N_RESPONDER_LIFETIME)
			continue;
		s->n_notify++;
		s->proto = pl->u.n.proto;
		s->spi_size = pl->u.n.spi_size;
		s->spi = pl->u.n.spi_size == 4 ? ikev1_get32(pl->u.n.spi) : 0;
		if (!ikev1_attr_list_parse(IKEV1_PROTO_ESP, pl->u.n.data,
					   pl->u.n.len, at, 4, &n, &why) &&
		    n == 2 && at[0].type == IKEV1_A2_LIFE_TYPE &&
		    at[0].val == IKEV1_LIFE_SECONDS &&
		    !ikev1_attr_u64(&at[1], &v))
			s->secs = (uint32_t)v;
	}
}

/*
 * Rewrite the notify's Life Duration as @e says, then HASH(2) over the
 * new bytes: A must find the message authentic, only the notify odd.
 */
static int qm2_edit(struct ike_sa *a, uint32_t msg_id, uint8_t *plain,
		    size_t blen, const struct ikev1_chain *c, enum edit e)
{
	const struct ikev1_pl *pl = ikev1_chain_find(c, IKEV1_PL_N, 0);
	struct v1_sa *v = v1(a);
	const uint8_t *rest;
	size_t rest_len, off;

	if (!pl || pl->u.n.len != 12)
		return -1;
	off = (size_t)(pl->u.n.data - plain);
	if (e == EDIT_MALFORMED)
		ikev1_put16(plain + off + 6, 200);
	else
		ikev1_put32(plain + off + 8, 10000);
	if (ikev1_after_hash(c, plain, blen, &rest, &rest_len))
		return -1;
	return ikev1_hash2(&v->keys, msg_id, v->qm.ni, v->qm.ni_len, rest,
			   rest_len, plain + 4);
}

/*
 * The rewritten QM2 sealed again and sent to A from B's socket. B's IV
 * chain then follows it, as if B had sent it: QM3 continues from the
 * last block A decrypted.
 */
static int qm2_resend(struct pair *p, struct ike_sa *a, const uint8_t *hdr,
		      const uint8_t *plain, size_t blen)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(500) };
	struct v1_sa *v = v1(a);
	struct ike_sa *b = live_sa(&p->b);
	struct ikev1_ivs ivs = v->ivs;
	uint32_t msg_id = ikev1_get32(hdr + 20);
	uint8_t out[4096];
	size_t olen;

	memcpy(out, hdr, 28);
	if (!b || ikev1_encrypt(&ivs, v->alg.encr, v->keys.ka, v->keys.ka_len,
				msg_id, plain, blen, out + 28,
				sizeof(out) - 28, &olen) || olen != blen)
		return -1;
	ikev1_ivs_set(&v1(b)->ivs, msg_id, out + 28 + olen - ivs.block);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	return sendto(pair_fd(&p->b), out, 28 + olen, 0,
		      (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)(28 + olen) ? 0 : -1;
}

/*
 * The datagram waiting on A's socket, if it is the QM2 A waits for:
 * noted into @s; with an edit @e, taken off the socket, its notify
 * rewritten and sent again in its place. 0 when there was nothing to do.
 */
static int qm2_peek(struct pair *p, struct qm2_seen *s, enum edit e)
{
	struct ike_sa *a = live_sa(&p->a);
	static uint8_t buf[4096], plain[4096];
	struct ikev1_chain *c;
	size_t blen;
	ssize_t n;
	int r = -1;

	if (!a || v1(a)->qm.st != V1_QM_WAIT_MSG2 || s->seen)
		return 0;
	n = recv(pair_fd(&p->a), buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	if (n < 28 || buf[18] != IKEV1_EXCH_QUICK ||
	    ikev1_get32(buf + 20) != v1(a)->qm.msg_id)
		return 0;
	c = calloc(1, sizeof(*c));
	if (c && !qm2_open(a, buf, (size_t)n, plain, c, &blen)) {
		qm2_note(c, s);
		r = 0;
		if (e != EDIT_NONE) {
			r = recv(pair_fd(&p->a), buf, sizeof(buf), 0) == n ?
			    0 : -1;
			r = r ? r : qm2_edit(a, v1(a)->qm.msg_id, plain,
					     blen, c, e);
			r = r ? r : qm2_resend(p, a, buf, plain, blen);
		}
	}
	free(c);
	return r;
}

/* What settle_watching() hands qm2_peek(). */
struct watch {
	struct pair *p;
	struct qm2_seen *s;
	enum edit e;
};

/* B's QM2 is looked at on A's socket only: A is the initiator. */
static int watch_peek(struct inst *in, void *arg)
{
	struct watch *w = arg;

	return in == &w->p->a ? qm2_peek(w->p, w->s, w->e) : 0;
}

/* pair_settle() that looks at (or rewrites) B's QM2 on its way. */
static void settle_watching(struct pair *p, struct qm2_seen *s, enum edit e,
			    unsigned int max_ms)
{
	struct watch w = { p, s, e };

	pair_settle_peek(p, max_ms, watch_peek, &w);
}

/* The hard and soft lifetimes of @in's one live SA in direction @dir. */
static int kernel_life(const struct inst *in, uint8_t dir, uint64_t *hard,
		       uint64_t *soft)
{
	const struct kesp_sa *s[1];

	if (live_sas(&in->rec, dir, s, 1) != 1)
		return -1;
	*hard = s[0]->lft[KESP_LFT_A_HARD_ADD_SECS];
	*soft = s[0]->lft[KESP_LFT_A_SOFT_ADD_SECS];
	return 0;
}

/* Both SAs of @in live @life s, and rekey before (the CHILD SA too). */
static void expect_life(struct __test_metadata *_metadata,
			const struct inst *in, uint32_t life)
{
	const struct ike_sa *sa = live_sa(in);
	uint64_t hard, soft;

	ASSERT_EQ(0, kernel_life(in, KESP_DIR_IN, &hard, &soft))
		TH_LOG("%s: no one inbound SA", in->name);
	EXPECT_EQ(life, hard) TH_LOG("%s: inbound hard lifetime", in->name);
	EXPECT_TRUE(soft > 0 && soft < life) TH_LOG("%s: soft %llu", in->name,
						    (unsigned long long)soft);
	ASSERT_EQ(0, kernel_life(in, KESP_DIR_OUT, &hard, &soft))
		TH_LOG("%s: no one outbound SA", in->name);
	EXPECT_EQ(life, hard) TH_LOG("%s: outbound hard lifetime", in->name);
	ASSERT_NE(NULL, sa);
	ASSERT_NE(NULL, sa->children);
	EXPECT_EQ(life, sa->children->life_secs);
	EXPECT_TRUE(sa->children->soft_secs < life);
}

/* The SPI of @in's one live inbound SA. */
static uint32_t spi_in(const struct inst *in)
{
	const struct kesp_sa *s[1];

	return live_sas(&in->rec, KESP_DIR_IN, s, 1) == 1 ? s[0]->spi : 0;
}

/* ---- Who says what, for each pair of lifetimes. ---- */

FIXTURE(lives) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(lives) {
	const char *a, *b;		/* lifetime= of A, the initiator; B */
	uint32_t life;			/* what both CHILD SAs get */
	bool notify;			/* B's QM2 says RESPONDER-LIFETIME */
};

FIXTURE_VARIANT_ADD(lives, responder_shorter) {
	.a = "2h", .b = "20m", .life = 1200, .notify = true,
};

/*
 * The old code sent no notify either: this one only guards against one
 * said when nothing is to be said.
 */
FIXTURE_VARIANT_ADD(lives, equal) {
	.a = "1h", .b = "1h", .life = 3600, .notify = false,
};

FIXTURE_VARIANT_ADD(lives, initiator_shorter) {
	.a = "20m", .b = "2h", .life = 1200, .notify = false,
};

FIXTURE_SETUP(lives)
{
	int r = setup_lives(&self->p, variant->a, variant->b, self->why,
			    sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(lives)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(lives, each_end_gets_the_shorter_lifetime_and_only_b_says_so)
{
	struct pair *p = &self->p;
	struct qm2_seen s = { 0 };

	ASSERT_EQ(0, pair_initiate(&p->a));
	settle_watching(p, &s, EDIT_NONE, 5000);
	ASSERT_TRUE(s.seen) TH_LOG("B's QM2 never passed");
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	expect_life(_metadata, &p->a, variant->life);
	expect_life(_metadata, &p->b, variant->life);
	EXPECT_EQ(variant->notify ? 1 : 0, s.n_notify);
	EXPECT_EQ(variant->notify ? 1 : 0,
		  log_count(p, &p->b, "the peer proposed 7200 s for the IPsec SA, we use 1200 s"));
	EXPECT_EQ(variant->notify ? 1 : 0,
		  log_count(p, &p->a, "the responder limits the IPsec SA to 1200 s"));
	if (!variant->notify)
		return;
	/* RFC 2407 4.6.3.1: ESP, the sender's (B's) inbound SPI. */
	EXPECT_EQ(IKEV1_PROTO_ESP, s.proto);
	EXPECT_EQ(4, s.spi_size);
	EXPECT_EQ(spi_in(&p->b), s.spi);
	EXPECT_EQ(1200, s.secs);
}

/* ---- A notify to be ignored. ---- */

FIXTURE(rewritten) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(rewritten) {
	enum edit edit;
	const char *line;		/* what A says of it */
};

FIXTURE_VARIANT_ADD(rewritten, malformed) {
	.edit = EDIT_MALFORMED,
	.line = "RESPONDER-LIFETIME ignored (data attribute longer than the list)",
};

FIXTURE_VARIANT_ADD(rewritten, longer) {
	.edit = EDIT_LONGER,
	.line = "the responder's lifetime 10000 s is not shorter than ours, 7200 s are kept",
};

FIXTURE_SETUP(rewritten)
{
	int r = setup_lives(&self->p, "2h", "20m", self->why,
			    sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(rewritten)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(rewritten, ignored_with_a_line_and_the_exchange_completes)
{
	struct pair *p = &self->p;
	struct qm2_seen s = { 0 };

	ASSERT_EQ(0, pair_initiate(&p->a));
	settle_watching(p, &s, variant->edit, 5000);
	ASSERT_TRUE(s.seen) TH_LOG("B's QM2 never passed");
	ASSERT_EQ(1, s.n_notify);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, variant->line));
	EXPECT_EQ(0, log_count(p, &p->a, "the responder limits"));
	EXPECT_EQ(0, log_count(p, &p->a, "HASH(2) does not verify"));
	/* A keeps its own lifetime; B its shorter one. */
	expect_life(_metadata, &p->a, 7200);
	expect_life(_metadata, &p->b, 1200);
}

TEST_HARNESS_MAIN
