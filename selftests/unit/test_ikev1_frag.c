// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 fragmentation (the Cisco extension strongSwan and Libreswan
 * speak): the fragment payload's codec (its layout byte by byte, and
 * what it refuses), the FRAGMENTATION Vendor ID, the reassembly (in
 * order, out of order, duplicates, too many, too large, no last
 * fragment, a newer Fragment ID replacing an older one), and two
 * kesp-iked in one process (ikev1_pair.h) with a small fragment size:
 * Main Mode (and Aggressive Mode) and Quick Mode go as fragments both
 * ways and complete, a lost fragmented MM3 (request) or AM2 (response)
 * is retransmitted as all its fragments; with
 * fragmentation=no on one side nothing announces or fragments; fragments
 * for unknown cookies, malformed ones and one over the limits are
 * counted and said.
 */

/* The pair's helpers this file does not need. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#include "iked/ikev1/frag.h"
#include "iked/vendor.h"
#include "iked/sa/frag.h"
#include "iked/status.h"

static const uint8_t CK_I[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t CK_R[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static void hdr_of(struct ikev1_hdr *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->ck_i, CK_I, 8);
	memcpy(h->ck_r, CK_R, 8);
	h->exchange = IKEV1_EXCH_MAIN;
}

/* Fragment @num of ID @id carrying @n bytes of @fill into @buf. */
static size_t frag_of(uint8_t *buf, size_t cap, uint16_t id, uint8_t num,
		      bool last, uint8_t fill, size_t n)
{
	uint8_t data[4200];
	struct ikev1_hdr h;
	size_t len = 0;

	hdr_of(&h);
	memset(data, fill, n);
	if (ikev1_frag_build(&h, id, num, last, data, n, buf, cap, &len))
		abort();
	return len;
}

TEST(codec_builds_the_layout_and_parses_it_back)
{
	static const uint8_t want_pl[] = {
		0x00, 0x00, 0x00, 0x0b,	/* next none, reserved, length 11 */
		0x12, 0x34,		/* Fragment ID */
		0x02,			/* Fragment Number */
		0x01,			/* LAST_FRAGMENT */
		0xaa, 0xbb, 0xcc,
	};
	const uint8_t data[3] = { 0xaa, 0xbb, 0xcc };
	struct ikev1_frag f;
	struct ikev1_hdr h;
	struct ikev1_err err = { 0 };
	uint8_t buf[64];
	size_t len;

	hdr_of(&h);
	h.msg_id = 0x11223344;
	h.flags = IKEV1_F_ENCRYPT;
	ASSERT_EQ(0, ikev1_frag_build(&h, 0x1234, 2, true, data, 3, buf,
				      sizeof(buf), &len));
	ASSERT_EQ(28 + 11, len);
	EXPECT_EQ(0, memcmp(buf, CK_I, 8));
	EXPECT_EQ(0, memcmp(buf + 8, CK_R, 8));
	EXPECT_EQ(132, buf[16]);
	EXPECT_EQ(0x10, buf[17]);
	EXPECT_EQ(IKEV1_EXCH_MAIN, buf[18]);
	EXPECT_EQ(0, buf[19]);		/* no E flag: the data is ciphertext */
	EXPECT_EQ(39, ikev1_get32(buf + 24));
	EXPECT_EQ(0, memcmp(buf + 28, want_pl, sizeof(want_pl)));
	EXPECT_TRUE(ikev1_is_frag(buf, len));
	ASSERT_EQ(0, ikev1_frag_parse(&f, buf, len, &err));
	EXPECT_EQ(0x1234, f.id);
	EXPECT_EQ(2, f.num);
	EXPECT_TRUE(f.last);
	EXPECT_EQ(3, f.len);
	EXPECT_EQ(0, memcmp(f.data, data, 3));
	/* Too small a buffer, a number 0, no data: refused to build. */
	EXPECT_EQ(-ENOSPC, ikev1_frag_build(&h, 1, 1, false, data, 3, buf,
					    38, &len));
	EXPECT_EQ(-EINVAL, ikev1_frag_build(&h, 1, 0, false, data, 3, buf,
					    sizeof(buf), &len));
	EXPECT_EQ(-EINVAL, ikev1_frag_build(&h, 1, 1, false, data, 0, buf,
					    sizeof(buf), &len));
}

/* One way to spoil a good fragment datagram, and the fault it is. */
struct spoil {
	const char *name;
	size_t off;
	uint8_t val;
	size_t cut;		/* datagram shortened by this (header fixed) */
	const char *why;
};

static const struct spoil spoils[] = {
	{ "next payload not 132", 16, 13, 0, "not a fragment" },
	{ "E flag", 19, IKEV1_F_ENCRYPT, 0, "encryption flag" },
	{ "payload after it", 28, 13, 0, "payload after" },
	{ "reserved", 29, 1, 0, "reserved" },
	{ "payload length short", 31, 10, 0, "length is not" },
	{ "payload length long", 31, 12, 0, "length is not" },
	{ "number 0", 34, 0, 0, "number 0" },
	{ "unknown flag", 35, 0x03, 0, "unknown fragment flags" },
	{ "truncated payload", 0, 0, 8, "truncated" },
};

TEST(codec_refuses_malformed_fragments)
{
	const uint8_t data[3] = { 1, 2, 3 };
	struct ikev1_err err;
	struct ikev1_frag f;
	struct ikev1_hdr h;
	uint8_t good[64], bad[64];
	size_t len, i, blen;

	hdr_of(&h);
	ASSERT_EQ(0, ikev1_frag_build(&h, 7, 1, true, data, 3, good,
				      sizeof(good), &len));
	for (i = 0; i < sizeof(spoils) / sizeof(spoils[0]); i++) {
		const struct spoil *s = &spoils[i];

		memcpy(bad, good, len);
		blen = len - s->cut;
		if (s->cut)
			ikev1_put32(bad + 24, (uint32_t)blen);
		else
			bad[s->off] = s->val;
		memset(&err, 0, sizeof(err));
		EXPECT_NE(0, ikev1_frag_parse(&f, bad, blen, &err))
			TH_LOG("%s accepted", s->name);
		EXPECT_TRUE(err.why && strstr(err.why, s->why))
			TH_LOG("%s: %s", s->name, err.why ? err.why : "(none)");
	}
	/* Data-less: the payload is only its 8 bytes of header. */
	memcpy(bad, good, len);
	ikev1_put16(bad + 30, 8);
	ikev1_put32(bad + 24, 36);
	memset(&err, 0, sizeof(err));
	EXPECT_EQ(-EBADMSG, ikev1_frag_parse(&f, bad, 36, &err));
	EXPECT_TRUE(err.why && strstr(err.why, "without data"));
	/* A header longer than the datagram: the header's own refusal. */
	EXPECT_EQ(-EBADMSG, ikev1_frag_parse(&f, good, len - 1, &err));
	EXPECT_FALSE(ikev1_is_frag(good, 27));
}

TEST(vendor_id_is_strongswans_fragmentation)
{
	static const uint8_t want[20] = {
		0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
		0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00,
	};
	uint8_t other[20];

	ASSERT_EQ(20, IKED_V1_FRAG_VID_LEN);
	EXPECT_EQ(0, memcmp(want, iked_vendor_v1_frag_id(), 20));
	EXPECT_TRUE(iked_vendor_v1_frag(want, 20));
	/* Windows: the 16 bytes without capabilities. */
	EXPECT_TRUE(iked_vendor_v1_frag(want, 16));
	EXPECT_FALSE(iked_vendor_v1_frag(want, 15));
	EXPECT_FALSE(iked_vendor_v1_frag(want, 19));
	memcpy(other, want, 20);
	other[3] ^= 1;
	EXPECT_FALSE(iked_vendor_v1_frag(other, 20));
	EXPECT_FALSE(iked_vendor_v1_frag(NULL, 20));
}

/* Adds fragment @num of @id (@n bytes of @num's value) to @r. */
static enum ikev1_reasm_res add(struct ikev1_reasm *r, uint16_t id,
				uint8_t num, bool last, size_t n)
{
	static uint8_t buf[4300];
	struct ikev1_frag f;
	size_t len = frag_of(buf, sizeof(buf), id, num, last, num, n);

	if (ikev1_frag_parse(&f, buf, len, NULL))
		abort();
	return ikev1_reasm_add(r, &f, 1000);
}

/* The joined message: fragment i's bytes all equal i, in order. */
static int joined_in_order(const struct ikev1_reasm *r, unsigned int n,
			   size_t each)
{
	uint8_t out[4096];
	size_t len, i;

	if (ikev1_reasm_join(r, out, sizeof(out), &len) || len != n * each)
		return -1;
	for (i = 0; i < len; i++)
		if (out[i] != i / each + 1)
			return -1;
	return 0;
}

TEST(reassembly_in_order_and_out_of_order)
{
	struct ikev1_reasm r = { 0 };

	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 1, 1, false, 10));
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 1, 2, false, 10));
	EXPECT_EQ(IKEV1_REASM_DONE, add(&r, 1, 3, true, 10));
	EXPECT_EQ(0, joined_in_order(&r, 3, 10));
	ikev1_reasm_clear(&r);
	/* The last first, then the others backwards. */
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 2, 4, true, 7));
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 2, 3, false, 7));
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 2, 1, false, 7));
	EXPECT_NE(0, joined_in_order(&r, 4, 7));
	EXPECT_EQ(IKEV1_REASM_DONE, add(&r, 2, 2, false, 7));
	EXPECT_EQ(0, joined_in_order(&r, 4, 7));
	ikev1_reasm_clear(&r);
	EXPECT_FALSE(r.active);
}

TEST(reassembly_ignores_duplicates_and_waits_for_the_last)
{
	struct ikev1_reasm r = { 0 };
	uint8_t out[64];
	size_t len;

	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 3, 1, false, 5));
	EXPECT_EQ(IKEV1_REASM_DUP, add(&r, 3, 1, false, 5));
	EXPECT_EQ(1, r.have);
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 3, 2, false, 5));
	/* Without a LAST fragment the message never completes. */
	EXPECT_EQ(-EAGAIN, ikev1_reasm_join(&r, out, sizeof(out), &len));
	EXPECT_EQ(0, r.last);
	EXPECT_EQ(IKEV1_REASM_DONE, add(&r, 3, 3, true, 5));
	EXPECT_EQ(IKEV1_REASM_DUP, add(&r, 3, 3, true, 5));
	EXPECT_EQ(0, joined_in_order(&r, 3, 5));
	ikev1_reasm_clear(&r);
}

TEST(reassembly_refuses_too_many_too_big_and_inconsistent)
{
	struct ikev1_reasm r = { 0 };
	unsigned int i;

	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 4, 1, false, 5));
	EXPECT_EQ(IKEV1_REASM_TOO_MANY, add(&r, 4, IKEV1_FRAG_MAX + 1,
					    false, 5));
	EXPECT_TRUE(ikev1_reasm_failed(IKEV1_REASM_TOO_MANY));
	EXPECT_FALSE(r.active);		/* all of it dropped */
	/* 16 fragments of 4100 bytes: over IKED_FRAG_BYTES_MAX. */
	for (i = 1; i < IKEV1_FRAG_MAX; i++)
		ASSERT_EQ(IKEV1_REASM_KEPT, add(&r, 5, (uint8_t)i, false,
						4100));
	EXPECT_EQ(IKEV1_REASM_TOO_BIG, add(&r, 5, IKEV1_FRAG_MAX, true,
					   4100));
	EXPECT_FALSE(r.active);
	EXPECT_EQ(0, r.bytes);
	/* A fragment after the last one, or a second last. */
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 6, 2, true, 5));
	EXPECT_EQ(IKEV1_REASM_INVALID, add(&r, 6, 3, false, 5));
	EXPECT_FALSE(r.active);
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 6, 3, false, 5));
	EXPECT_EQ(IKEV1_REASM_INVALID, add(&r, 6, 2, true, 5));
	EXPECT_FALSE(r.active);
	ikev1_reasm_clear(&r);
}

TEST(reassembly_newer_fragment_id_replaces_older_is_ignored)
{
	struct ikev1_reasm r = { 0 };

	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 10, 1, false, 5));
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 10, 2, false, 5));
	EXPECT_EQ(IKEV1_REASM_REPLACED, add(&r, 11, 2, false, 5));
	EXPECT_EQ(11, r.id);
	EXPECT_EQ(1, r.have);
	EXPECT_TRUE(r.frag[0] == NULL);
	EXPECT_EQ(IKEV1_REASM_STALE, add(&r, 10, 3, true, 5));
	EXPECT_EQ(1, r.have);
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 11, 1, false, 5));
	EXPECT_EQ(IKEV1_REASM_DONE, add(&r, 11, 3, true, 5));
	EXPECT_EQ(0, joined_in_order(&r, 3, 5));
	ikev1_reasm_clear(&r);
	/* Serial number arithmetic: 0 is newer than 65535. */
	EXPECT_EQ(IKEV1_REASM_KEPT, add(&r, 65535, 1, false, 5));
	EXPECT_EQ(IKEV1_REASM_REPLACED, add(&r, 0, 1, false, 5));
	ikev1_reasm_clear(&r);
}

/* ---- Two daemons: Main Mode and Quick Mode as fragments. ---- */

#define CONF(me, peer, myid, peerid, mynet, peernet, extra)		\
	"conn " me "-" peer "\n"						\
	"\tleft=127.0.0." myid "\n"					\
	"\tleftid=@" me ".example\n"					\
	"\tleftsubnet=" mynet "\n"					\
	"\tright=127.0.0." peerid "\n"					\
	"\trightid=@" peer ".example\n"					\
	"\trightsubnet=" peernet "\n"					\
	"\tauthby=secret\n"						\
	"\tkeyexchange=ikev1\n"						\
	"\tike=aes256-sha256-modp2048!\n"				\
	"\tesp=aes128-sha256-ecp256!\n"					\
	"\tauto=add\n" extra

static const char conf_a[] =
	CONF("a", "b", "1", "2", "10.1.0.0/24", "10.2.0.0/24", "");
static const char conf_b[] =
	CONF("b", "a", "2", "1", "10.2.0.0/24", "10.1.0.0/24", "");
static const char conf_b_no[] =
	CONF("b", "a", "2", "1", "10.2.0.0/24", "10.1.0.0/24",
	     "\tfragmentation=no\n");
static const char conf_a_aggr[] =
	CONF("a", "b", "1", "2", "10.1.0.0/24", "10.2.0.0/24",
	     "\taggressive=yes\n");
static const char conf_b_aggr[] =
	CONF("b", "a", "2", "1", "10.2.0.0/24", "10.1.0.0/24",
	     "\taggressive=yes\n");

FIXTURE(two) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(two) {
	const char *conf_a, *conf_b;
	bool frag, aggressive;
};

FIXTURE_VARIANT_ADD(two, both_yes) {
	.conf_a = conf_a,
	.conf_b = conf_b,
	.frag = true,
};

FIXTURE_VARIANT_ADD(two, b_says_no) {
	.conf_a = conf_a,
	.conf_b = conf_b_no,
};

FIXTURE_VARIANT_ADD(two, aggressive) {
	.conf_a = conf_a_aggr,
	.conf_b = conf_b_aggr,
	.frag = true,
	.aggressive = true,
};

FIXTURE_SETUP(two)
{
	int r = pair_setup_confs(&self->p, variant->conf_a, variant->conf_b,
				 secrets_ok, self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	/*
	 * The smallest fragment size: 172 bytes of IKE message. MM1 and
	 * MM2 fit; MM3/MM4 (a 2048-bit KE) and QM1/QM2 do not.
	 */
	self->p.a.d->fragment_size = IKED_FRAG_SIZE_MIN;
	self->p.b.d->fragment_size = IKED_FRAG_SIZE_MIN;
}

FIXTURE_TEARDOWN(two)
{
	pair_teardown(&self->p, !_metadata->passed);
}

static void expect_up(struct __test_metadata *_metadata, struct pair *p,
		      char *why, size_t len)
{
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, p->a.d->v1_frag_failed);
	EXPECT_EQ(0, p->b.d->v1_frag_failed);
}

TEST_F(two, exchange_completes_as_fragments_or_without)
{
	struct pair *p = &self->p;
	bool frag = variant->frag;
	unsigned int a_sent, b_sent, a_got, b_got;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	a_sent = log_count(p, &p->a, "fragments of at most");
	b_sent = log_count(p, &p->b, "fragments of at most");
	a_got = log_count(p, &p->a, "reassembled from");
	b_got = log_count(p, &p->b, "reassembled from");
	if (frag) {
		/*
		 * MM3 and QM1 from A, MM4 and QM2 from B; Aggressive Mode:
		 * QM1 from A, AM2 and QM2 from B.
		 */
		EXPECT_LE(variant->aggressive ? 1 : 2, a_sent);
		EXPECT_LE(2, b_sent);
		EXPECT_EQ(a_sent, b_got);
		EXPECT_EQ(b_sent, a_got);
		EXPECT_LT(variant->aggressive ? 6 : 9, p->delivered);
		EXPECT_EQ(1, log_count(p, &p->a,
				       "the peer does IKEv1 fragmentation"));
		EXPECT_EQ(1, log_count(p, &p->b,
				       "the peer does IKEv1 fragmentation"));
	} else {
		/* B announced nothing; A's announcement B heard and refused. */
		EXPECT_EQ(0, a_sent + b_sent + a_got + b_got);
		EXPECT_EQ(9, p->delivered);
		EXPECT_EQ(0, log_count(p, &p->a,
				       "the peer does IKEv1 fragmentation"));
		EXPECT_EQ(1, log_count(p, &p->b, "fragmentation=no"));
	}
}

/* Datagrams waiting on @in's socket, read and thrown away: how many. */
static unsigned int drain(struct inst *in)
{
	struct pollfd pfd = { pair_fd(in), POLLIN, 0 };
	uint8_t buf[2048];
	unsigned int n = 0;

	while (poll(&pfd, 1, 100) > 0 && recv(pfd.fd, buf, sizeof(buf), 0) > 0)
		n++;
	return n;
}

/* `kespctl ike list` of @in (-j with @json), NUL-terminated; free() it. */
static char *status_of(const struct inst *in, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	iked_status_write(in->d, f, json);
	fclose(f);
	return text;
}

/* The live IKE SA of @in. */
static struct ike_sa *live_sa(const struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD)
			return sa;
	return NULL;
}

TEST_F(two, a_lost_fragmented_message_is_retransmitted_whole)
{
	struct pair *p = &self->p;
	bool frag = variant->frag;
	unsigned int first, again;
	struct ike_sa *a;

	/* The pair's retransmission timeout is 20 s: one that comes. */
	p->a.d->retx_first_ms = 300;
	ASSERT_EQ(0, pair_initiate(&p->a));
	usleep(20000);
	ASSERT_EQ(1, pair_recv(&p->b));
	a = live_sa(&p->a);
	ASSERT_TRUE(a != NULL);
	if (variant->aggressive) {
		/*
		 * B's AM2 (its response, a 2048-bit KE) is lost: A's AM1
		 * again gets every fragment of it again.
		 */
		first = drain(&p->a);
		a->proto->retransmit(a);
		usleep(20000);
		ASSERT_EQ(1, pair_recv(&p->b));
		again = drain(&p->a);
	} else {
		/* MM2 to A: A sends MM3 (a 2048-bit KE), and loses it. */
		usleep(20000);
		ASSERT_EQ(1, pair_recv(&p->a));
		first = drain(&p->b);
		/* The retransmission sends every fragment again. */
		a->proto->retransmit(a);
		again = drain(&p->b);
	}
	EXPECT_EQ(first, again);
	/* The harness's EXPECT_* are if statements: braces. */
	if (frag) {
		EXPECT_LE(2, first);
	} else {
		EXPECT_EQ(1, first);
	}
	/* The retransmission timer's copy goes through: all completes. */
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
}

/* A fragment datagram from the peer's address into @in's dispatcher. */
static void inject(struct inst *in, const char *from, const char *to,
		   const uint8_t *ck, uint8_t num, bool last)
{
	struct iked_path path;
	struct ikev1_hdr h;
	uint8_t buf[128], data[16];
	char err[64];
	size_t len;

	memset(&path, 0, sizeof(path));
	if (kesp_addr_parse(from, &path.remote, err, sizeof(err)) ||
	    kesp_addr_parse(to, &path.local, err, sizeof(err)))
		abort();
	path.rport = 500;
	path.lport = 500;
	memset(&h, 0, sizeof(h));
	memcpy(h.ck_i, ck, 8);
	memcpy(h.ck_r, ck + 8, 8);
	h.exchange = IKEV1_EXCH_MAIN;
	memset(data, 0x5a, sizeof(data));
	if (ikev1_frag_build(&h, 0x7777, num, last, data, sizeof(data), buf,
			     sizeof(buf), &len))
		abort();
	iked_ike_recv(in->d, buf, len, &path);
}

TEST_F(two, hostile_fragments_are_counted_and_dropped)
{
	struct pair *p = &self->p;
	bool frag = variant->frag;
	uint8_t ck[16] = { 0xde, 0xad };
	struct ike_sa *sa;
	char *text;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	/* Cookies of no ISAKMP SA: counted, said, nothing else. */
	inject(&p->b, "127.0.0.1", "127.0.0.2", ck, 1, false);
	EXPECT_EQ(1, p->b.d->v1_frag_unknown);
	text = log_text(p);
	EXPECT_TRUE(strstr(text, "no ISAKMP SA of ours has its cookies") !=
		    NULL);
	free(text);
	sa = live_sa(&p->b);
	ASSERT_TRUE(sa != NULL);
	memcpy(ck, sa->spi_i, 8);
	memcpy(ck + 8, sa->spi_r, 8);
	/* A number over the limit for the live SA. */
	inject(&p->b, "127.0.0.1", "127.0.0.2", ck, IKEV1_FRAG_MAX + 1, false);
	if (frag) {
		EXPECT_EQ(1, p->b.d->v1_frag_failed);
		EXPECT_EQ(1, log_count(p, &p->b,
				       "IKEv1 fragment reassembly failed"));
		/* A whole that is no IKEv1 message: refused, the SA stays. */
		inject(&p->b, "127.0.0.1", "127.0.0.2", ck, 1, true);
		EXPECT_EQ(2, p->b.d->v1_frag_failed);
		EXPECT_EQ(1, log_count(p, &p->b, "do not make an IKEv1 message"));
		EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why,
					      sizeof(self->why)));
	} else {
		EXPECT_EQ(0, p->b.d->v1_frag_failed);
		EXPECT_EQ(1, log_count(p, &p->b, "dropped IKEv1 fragment 17"));
	}
	/* Both counters in kespctl ike list, human and JSON. */
	text = status_of(&p->b, false);
	EXPECT_TRUE(strstr(text, frag ?
			   "IKEv1 fragments: 1 dropped for cookies of no ISAKMP SA, 2 reassemblies failed" :
			   "IKEv1 fragments: 1 dropped for cookies of no ISAKMP SA, 0 reassemblies failed") != NULL)
		TH_LOG("%s", text);
	free(text);
	text = status_of(&p->b, true);
	EXPECT_TRUE(strstr(text, frag ?
			   "\"ikev1_fragments\":{\"unknown_cookies\":1,\"reassembly_failed\":2}" :
			   "\"ikev1_fragments\":{\"unknown_cookies\":1,\"reassembly_failed\":0}") != NULL)
		TH_LOG("%s", text);
	free(text);
	/* A has seen none: its human form says nothing of them. */
	text = status_of(&p->a, false);
	EXPECT_TRUE(strstr(text, "IKEv1 fragments") == NULL);
	free(text);
}

TEST_HARNESS_MAIN
