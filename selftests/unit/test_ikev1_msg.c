// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the IKEv1 message codec: every payload built, parsed
 * back and rebuilt byte for byte, the wire layout against hand-written
 * bytes, and each kind of malformed input refused with its own reason.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev1/msg.h"

#define BUF_LEN 8192

static const uint8_t ck_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t ck_r[8] = { 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11 };
static const uint8_t ke[256] = { 0x11, 0x22, [255] = 0xee };
static const uint8_t nonce[32] = { 0xa0, 0xa1, [31] = 0xbf };
static const uint8_t hash20[20] = { 0x5a, [19] = 0x5b };
static const uint8_t vid_dpd[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1,
				     0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57,
				     0x01, 0x00 };
static const uint8_t fqdn[] = "gwa.example.net";
static const uint8_t v4net[8] = { 10, 1, 0, 0, 255, 255, 255, 0 };
static const uint8_t v6range[32] = { 0x20, 0x01, 0x0d, 0xb8, [16] = 0x20,
				     0x01, 0x0d, 0xb8, 0xff };
static const uint8_t v4[4] = { 192, 0, 2, 1 };
static const uint8_t esp_spi[4] = { 0xc1, 0xc2, 0xc3, 0xc4 };
static const uint8_t spis[12] = { 0, 0, 0x10, 1, 0, 0, 0x10, 2, 0, 0, 0x10, 3 };
static const uint8_t cookies[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t life9[9] = { 0, 0, 0, 0, 0, 0, 0x01, 0x51, 0x80 };
static const uint8_t life_big[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t cert[3] = { 0x30, 0x01, 0x00 };

static struct ikev1_msg *msg_new(void)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));

	if (m)
		ikev1_chain_init(&m->chain);
	return m;
}

static void hdr_init(struct ikev1_hdr *h, uint8_t exch, uint8_t flags,
		     uint32_t mid, bool resp)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->ck_i, ck_i, 8);
	if (resp)
		memcpy(h->ck_r, ck_r, 8);
	h->exchange = exch;
	h->flags = flags;
	h->msg_id = mid;
}

/* A phase 1 SA: two transforms (AES-256/SHA2-256, 3DES/SHA1), lifetimes. */
static int add_p1_sa(struct ikev1_chain *c)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_SA);
	struct ikev1_prop *p;
	struct ikev1_xf *x;

	if (!pl)
		return -1;
	p = ikev1_sa_add_prop(c, &pl->u.sa, 1, IKEV1_PROTO_ISAKMP, NULL, 0);
	x = p ? ikev1_prop_add_xf(c, p, 1, 1) : NULL;
	if (!x || ikev1_xf_add_tv(c, x, IKEV1_A1_ENCR, 7) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_KEY_LEN, 256) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_HASH, 4) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_AUTH, 1) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_GROUP, 14) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_LIFE_TYPE, IKEV1_LIFE_SECONDS) ||
	    ikev1_xf_add_tlv(c, x, IKEV1_A1_LIFE_DURATION, life9, 9))
		return -1;
	x = ikev1_prop_add_xf(c, p, 2, 1);
	if (!x || ikev1_xf_add_tv(c, x, IKEV1_A1_ENCR, 5) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_HASH, 2) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_AUTH, 1) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_GROUP, 14) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_LIFE_TYPE, IKEV1_LIFE_SECONDS) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A1_LIFE_DURATION, 28800))
		return -1;
	return 0;
}

/* A phase 2 SA: ESP AES-CBC-128 HMAC-SHA1 with PFS, and AH+ESP (AND). */
static int add_p2_sa(struct ikev1_chain *c)
{
	static const uint8_t kb[4] = { 0, 0x46, 0x50, 0 };
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_SA);
	struct ikev1_prop *p;
	struct ikev1_xf *x;

	if (!pl)
		return -1;
	p = ikev1_sa_add_prop(c, &pl->u.sa, 1, IKEV1_PROTO_ESP, esp_spi, 4);
	x = p ? ikev1_prop_add_xf(c, p, 1, 12) : NULL;
	if (!x || ikev1_xf_add_tv(c, x, IKEV1_A2_LIFE_TYPE, 1) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_LIFE_DURATION, 3600) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_LIFE_TYPE, 2) ||
	    ikev1_xf_add_tlv(c, x, IKEV1_A2_LIFE_DURATION, kb, 4) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_ENCAP, IKEV1_ENCAP_TUNNEL) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_AUTH, 2) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_KEY_LEN, 128) ||
	    ikev1_xf_add_tv(c, x, IKEV1_A2_GROUP, 14))
		return -1;
	p = ikev1_sa_add_prop(c, &pl->u.sa, 2, IKEV1_PROTO_AH, esp_spi, 4);
	x = p ? ikev1_prop_add_xf(c, p, 1, 3) : NULL;
	if (!x || ikev1_xf_add_tv(c, x, IKEV1_A2_AUTH, 2))
		return -1;
	p = ikev1_sa_add_prop(c, &pl->u.sa, 2, IKEV1_PROTO_ESP, esp_spi, 4);
	x = p ? ikev1_prop_add_xf(c, p, 1, 3) : NULL;
	return x ? 0 : -1;
}

static int add_id(struct ikev1_chain *c, uint8_t type, uint8_t proto,
		  uint16_t port, const uint8_t *data, size_t len)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, IKEV1_PL_ID);

	if (!pl)
		return -1;
	pl->u.id.type = type;
	pl->u.id.proto = proto;
	pl->u.id.port = port;
	pl->u.id.data = data;
	pl->u.id.len = len;
	return 0;
}

/* One of every payload the codec knows. */
static int everything(struct ikev1_chain *c)
{
	struct ikev1_pl *pl;

	if (add_p1_sa(c) || add_p2_sa(c) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_KE, ke, sizeof(ke)) ||
	    add_id(c, IKEV1_ID_FQDN, 17, 500, fqdn, sizeof(fqdn) - 1) ||
	    add_id(c, IKEV1_ID_IPV4_SUBNET, 6, 80, v4net, 8) ||
	    add_id(c, IKEV1_ID_IPV6_RANGE, 0, 0, v6range, 32) ||
	    add_id(c, IKEV1_ID_USER_FQDN, 0, 0, fqdn, 4) ||
	    add_id(c, IKEV1_ID_KEY_ID, 0, 0, hash20, 3) ||
	    add_id(c, IKEV1_ID_IPV4_ADDR, 0, 0, v4, 4))
		return -1;
	pl = ikev1_chain_add(c, IKEV1_PL_CERT);
	if (!pl)
		return -1;
	pl->u.cert.enc = 4;
	pl->u.cert.data = cert;
	pl->u.cert.len = sizeof(cert);
	pl = ikev1_chain_add(c, IKEV1_PL_CR);
	if (!pl)
		return -1;
	pl->u.cert.enc = 4;
	if (!ikev1_chain_add_raw(c, IKEV1_PL_HASH, hash20, 20) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_SIG, hash20, 20) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_NONCE, nonce, sizeof(nonce)))
		return -1;
	pl = ikev1_chain_add(c, IKEV1_PL_N);
	if (!pl)
		return -1;
	pl->u.n = (struct ikev1_notify){ .doi = 1, .proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 16, .type = IKEV1_N_R_U_THERE, .spi = cookies,
		.data = esp_spi, .len = 4 };
	pl = ikev1_chain_add(c, IKEV1_PL_D);
	if (!pl)
		return -1;
	pl->u.d = (struct ikev1_delete){ .doi = 1, .proto = IKEV1_PROTO_ESP,
		.spi_size = 4, .nspi = 3, .spis = spis };
	if (!ikev1_chain_add_raw(c, IKEV1_PL_VID, vid_dpd, 16) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_NATD, hash20, 20) ||
	    !ikev1_chain_add_raw(c, IKEV1_PL_NATD_DRAFT, hash20, 16))
		return -1;
	pl = ikev1_chain_add(c, IKEV1_PL_NATOA);
	if (!pl)
		return -1;
	pl->u.oa = (struct ikev1_natoa){ IKEV1_ID_IPV4_ADDR, v4, 4 };
	pl = ikev1_chain_add(c, IKEV1_PL_NATOA_DRAFT);
	if (!pl)
		return -1;
	pl->u.oa = (struct ikev1_natoa){ IKEV1_ID_IPV6_ADDR, v6range, 16 };
	return 0;
}

/* Builds @in, parses it, rebuilds: the same bytes, the same content. */
static size_t round_trip(struct __test_metadata *_metadata,
			 const struct ikev1_msg *in, uint8_t *buf,
			 struct ikev1_msg *out)
{
	uint8_t again[BUF_LEN];
	struct ikev1_err err;
	size_t len = 0, len2 = 0;
	int ret;

	ASSERT_EQ(0, ikev1_msg_build(in, buf, BUF_LEN, &len));
	ret = ikev1_msg_parse(out, buf, len, &err);
	if (ret)
		TH_LOG("parse: %s at %zu", err.why, err.off);
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(ikev1_chain_same(&in->chain, &out->chain));
	EXPECT_EQ(0, memcmp(out->hdr.ck_i, in->hdr.ck_i, 8));
	EXPECT_EQ(0, memcmp(out->hdr.ck_r, in->hdr.ck_r, 8));
	EXPECT_EQ(in->hdr.exchange, out->hdr.exchange);
	EXPECT_EQ(in->hdr.flags, out->hdr.flags);
	EXPECT_EQ(in->hdr.msg_id, out->hdr.msg_id);
	EXPECT_EQ(IKEV1_VERSION, out->hdr.version);
	EXPECT_EQ(len, out->hdr.length);
	EXPECT_EQ(0, out->junk);
	ASSERT_EQ(0, ikev1_msg_build(out, again, sizeof(again), &len2));
	ASSERT_EQ(len, len2);
	EXPECT_EQ(0, memcmp(buf, again, len));
	/* one byte less room is refused, never overrun */
	EXPECT_EQ(-ENOSPC, ikev1_msg_build(out, again, len - 1, &len2));
	return len;
}

/* With KESP_FUZZ_SEEDS=DIR, @buf becomes DIR/@name, a fuzz_ikev1_msg seed. */
static void seed(const char *name, const uint8_t *buf, size_t len)
{
	const char *dir = getenv("KESP_FUZZ_SEEDS");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(buf, 1, len, f);
		fclose(f);
	}
}

/* Offset of the @i-th top-level payload's generic header. */
static size_t pl_off(const uint8_t *buf, unsigned int i)
{
	size_t off = IKEV1_HDR_LEN;

	while (i--)
		off += ikev1_get16(buf + off + 2);
	return off;
}

static int parse(const uint8_t *buf, size_t len, struct ikev1_err *err)
{
	struct ikev1_msg *m = msg_new();
	int ret;

	if (!m)
		return -ENOMEM;
	ret = ikev1_msg_parse(m, buf, len, err);
	free(m);
	return ret;
}

/* Expects @buf/@len refused with @code, notify @ntf and reason @why. */
#define REFUSED(buf, len, code, ntf, reason) do {			\
		struct ikev1_err e_ = { 0 };				\
		EXPECT_EQ(code, parse(buf, len, &e_));			\
		EXPECT_EQ(ntf, e_.notify);				\
		if (e_.why && strcmp(e_.why, reason))			\
			TH_LOG("reason '%s', expected '%s'", e_.why, reason); \
		EXPECT_TRUE(e_.why && !strcmp(e_.why, reason));		\
		EXPECT_LE(e_.off, (size_t)(len));			\
	} while (0)

/* A Main Mode message 1 with the phase 1 SA and a vendor ID. */
static size_t mm1(struct __test_metadata *_metadata, uint8_t *buf)
{
	struct ikev1_msg *m = msg_new(), *out = msg_new();
	size_t len;

	ASSERT_TRUE(m && out);
	hdr_init(&m->hdr, IKEV1_EXCH_MAIN, 0, 0, false);
	ASSERT_EQ(0, add_p1_sa(&m->chain));
	ASSERT_TRUE(ikev1_chain_add_raw(&m->chain, IKEV1_PL_VID, vid_dpd, 16));
	len = round_trip(_metadata, m, buf, out);
	free(out);
	free(m);
	return len;
}

TEST(wire_layout_of_main_mode_1_by_hand)
{
	static const uint8_t want_hdr[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0,
		IKEV1_PL_SA, 0x10, IKEV1_EXCH_MAIN, 0, 0, 0, 0, 0,
	};
	/* SA: next VID; DOI 1; SIT 1; P: last, #1 ISAKMP, no SPI, 2 T */
	static const uint8_t want_sa[] = {
		IKEV1_PL_VID, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,
		0, 0, 0, 0, 1, 1, 0, 2,
		/* T #1 KEY_IKE, then AES, key 256, SHA2-256, PSK, 14 */
		3, 0, 0, 0, 1, 1, 0, 0,
		0x80, 1, 0, 7, 0x80, 14, 1, 0, 0x80, 2, 0, 4, 0x80, 3, 0, 1,
		0x80, 4, 0, 14, 0x80, 11, 0, 1,
		/* life duration as TLV of 9 bytes, kept as sent */
		0, 12, 0, 9, 0, 0, 0, 0, 0, 0, 0x01, 0x51, 0x80,
	};
	uint8_t buf[BUF_LEN];
	size_t len = mm1(_metadata, buf), sa_len, p_len;

	ASSERT_LT(IKEV1_HDR_LEN + sizeof(want_sa), len);
	EXPECT_EQ(0, memcmp(buf, want_hdr, 24));
	EXPECT_EQ(len, ikev1_get32(buf + 24));
	EXPECT_EQ(0, memcmp(buf + 28, want_sa, 4 - 2));
	sa_len = ikev1_get16(buf + 30);
	p_len = ikev1_get16(buf + 42);
	EXPECT_EQ(sa_len - 12, p_len);
	/* generic headers aside, the bytes are the hand-written ones */
	EXPECT_EQ(0, memcmp(buf + 32, want_sa + 4, 8));
	EXPECT_EQ(0, memcmp(buf + 40, want_sa + 12, 2));
	EXPECT_EQ(0, memcmp(buf + 44, want_sa + 16, 4));
	EXPECT_EQ(0, memcmp(buf + 48, want_sa + 20, 2));
	EXPECT_EQ(8 + 7 * 4 + 9, ikev1_get16(buf + 50));
	EXPECT_EQ(0, memcmp(buf + 52, want_sa + 24, sizeof(want_sa) - 24));
	/* the VID follows the SA, last */
	EXPECT_EQ(0, buf[28 + sa_len]);
	EXPECT_EQ(20, ikev1_get16(buf + 28 + sa_len + 2));
	EXPECT_EQ(0, memcmp(buf + 28 + sa_len + 4, vid_dpd, 16));
}

TEST(every_payload_round_trips)
{
	struct ikev1_msg *m = msg_new(), *out = msg_new();
	const struct ikev1_prop *p;
	const struct ikev1_pl *pl;
	uint8_t buf[BUF_LEN];
	uint64_t v;

	ASSERT_TRUE(m && out);
	hdr_init(&m->hdr, IKEV1_EXCH_QUICK, IKEV1_F_COMMIT, 0x01020304, true);
	ASSERT_EQ(0, everything(&m->chain));
	seed("every_payload", buf, round_trip(_metadata, m, buf, out));
	EXPECT_EQ(21, out->chain.n);
	/* the decoded forms */
	pl = ikev1_chain_find(&out->chain, IKEV1_PL_SA, 1);
	ASSERT_TRUE(pl);
	EXPECT_EQ(3, pl->u.sa.nprop);
	p = &out->chain.prop[pl->u.sa.first_prop];
	EXPECT_EQ(IKEV1_PROTO_ESP, p->proto);
	EXPECT_EQ(4, p->spi_size);
	EXPECT_EQ(0, memcmp(p->spi, esp_spi, 4));
	EXPECT_EQ(8, out->chain.xf[p->first_xf].nattr);
	/* the kilobytes lifetime, a 4-byte TLV */
	EXPECT_EQ(0, ikev1_attr_u64(&out->chain.attr[
		out->chain.xf[p->first_xf].first_attr + 3], &v));
	EXPECT_EQ(0x465000, v);
	pl = ikev1_chain_find(&out->chain, IKEV1_PL_ID, 1);
	ASSERT_TRUE(pl);
	EXPECT_EQ(IKEV1_ID_IPV4_SUBNET, pl->u.id.type);
	EXPECT_EQ(6, pl->u.id.proto);
	EXPECT_EQ(80, pl->u.id.port);
	pl = ikev1_chain_find(&out->chain, IKEV1_PL_N, 0);
	ASSERT_TRUE(pl);
	EXPECT_EQ(IKEV1_N_R_U_THERE, pl->u.n.type);
	EXPECT_EQ(16, pl->u.n.spi_size);
	EXPECT_EQ(4, pl->u.n.len);
	pl = ikev1_chain_find(&out->chain, IKEV1_PL_D, 0);
	ASSERT_TRUE(pl);
	EXPECT_EQ(3, pl->u.d.nspi);
	EXPECT_EQ(0, memcmp(pl->u.d.spis + 8, spis + 8, 4));
	EXPECT_EQ(2, ikev1_chain_count(&out->chain, IKEV1_PL_SA));
	EXPECT_EQ(1, ikev1_chain_count(&out->chain, IKEV1_PL_NATOA_DRAFT));
	free(out);
	free(m);
}

TEST(lifetime_attribute_values)
{
	struct ikev1_attr a = { .type = 12, .data = life9, .len = 9 };
	uint64_t v = 0;

	EXPECT_EQ(0, ikev1_attr_u64(&a, &v));
	EXPECT_EQ(86400, v);
	a.data = life_big;
	EXPECT_EQ(-ERANGE, ikev1_attr_u64(&a, &v));
	a = (struct ikev1_attr){ .type = 12, .tv = true, .val = 28800 };
	EXPECT_EQ(0, ikev1_attr_u64(&a, &v));
	EXPECT_EQ(28800, v);
	a = (struct ikev1_attr){ .type = 12, .data = life9, .len = 0 };
	EXPECT_EQ(0, ikev1_attr_u64(&a, &v));
	EXPECT_EQ(0, v);
}

TEST(encrypted_message_keeps_its_body)
{
	static const uint8_t body[32] = { 0xee, [31] = 0xdd };
	struct ikev1_msg *m = msg_new();
	struct ikev1_hdr h;
	uint8_t buf[BUF_LEN];
	size_t len;

	ASSERT_TRUE(m);
	hdr_init(&h, IKEV1_EXCH_MAIN, IKEV1_F_ENCRYPT, 0, true);
	h.next = IKEV1_PL_ID;
	ASSERT_EQ(0, ikev1_msg_build_raw(&h, body, 32, buf, sizeof(buf), &len));
	EXPECT_EQ(60, len);
	ASSERT_EQ(0, ikev1_msg_parse(m, buf, len, NULL));
	EXPECT_EQ(0, m->chain.n);
	EXPECT_EQ(IKEV1_PL_ID, m->hdr.next);
	EXPECT_EQ(32, m->body_len);
	EXPECT_EQ(0, memcmp(m->body, body, 32));
	EXPECT_EQ(-ENOSPC, ikev1_msg_build_raw(&h, body, 32, buf, 59, &len));
	/* the datagram may be longer than the header says: ignored, counted */
	ASSERT_EQ(0, ikev1_msg_parse(m, buf, len + 4 > sizeof(buf) ? len : len + 4,
				     NULL));
	EXPECT_EQ(4, m->junk);
	free(m);
}

TEST(padded_chain_counts_its_padding)
{
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	uint8_t buf[64] = { 0, 0, 0, 24 };
	struct ikev1_err err;

	ASSERT_TRUE(c);
	memcpy(buf + 4, hash20, 20);
	/* a HASH and 8 bytes of any padding */
	memset(buf + 24, 0x07, 8);
	ASSERT_EQ(0, ikev1_chain_parse(c, IKEV1_PL_HASH, buf, 32, true, &err));
	EXPECT_EQ(1, c->n);
	EXPECT_EQ(8, c->trailing);
	EXPECT_EQ(-EBADMSG, ikev1_chain_parse(c, IKEV1_PL_HASH, buf, 32, false,
					      &err));
	EXPECT_STREQ("bytes after the last payload", err.why);
	free(c);
}

TEST(header_refusals)
{
	uint8_t buf[BUF_LEN], b[BUF_LEN];
	size_t len = mm1(_metadata, buf);

	REFUSED(buf, IKEV1_HDR_LEN - 1, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"datagram shorter than the ISAKMP header");
	REFUSED(buf, len - 1, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		"header length larger than the datagram");
	memcpy(b, buf, len);
	ikev1_put32(b + 24, 27);
	REFUSED(b, len, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		"header length smaller than the header");
	memcpy(b, buf, len);
	b[17] = 0x20;
	REFUSED(b, len, -EPROTONOSUPPORT, IKEV1_N_INVALID_MAJOR_VERSION,
		"ISAKMP major version not 1");
	b[17] = 0x11;	/* a newer minor version is accepted */
	EXPECT_EQ(0, parse(b, len, NULL));
	memcpy(b, buf, len);
	b[18] = 34;	/* IKE_SA_INIT */
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_EXCHANGE_TYPE,
		"unknown exchange type");
	memcpy(b, buf, len);
	b[19] = 0x08;
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_FLAGS,
		"unknown header flags");
	/* a length that cuts the chain short */
	memcpy(b, buf, len);
	ikev1_put32(b + 24, (uint32_t)len - 2);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"payload length outside the message");
}

TEST(generic_header_refusals)
{
	uint8_t buf[BUF_LEN], b[BUF_LEN];
	size_t len = mm1(_metadata, buf), vid = pl_off(buf, 1);

	memcpy(b, buf, len);
	ikev1_put16(b + vid + 2, 3);	/* would loop or underflow */
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"payload length outside the message");
	ikev1_put16(b + vid + 2, 0);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"payload length outside the message");
	ikev1_put16(b + vid + 2, 21);	/* a length that lies */
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"payload length outside the message");
	memcpy(b, buf, len);
	b[vid + 1] = 0x80;	/* IKEv2's critical bit: reserved in IKEv1 */
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"generic header's reserved field not zero");
	memcpy(b, buf, len);
	b[vid] = IKEV1_PL_VID;	/* announces a payload that is not there */
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"payload header truncated");
	b[vid] = 14;	/* unknown */
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_PAYLOAD_TYPE,
		"payload of an unknown type");
	b[vid] = IKEV1_PL_P;	/* Proposal outside an SA */
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_PAYLOAD_TYPE,
		"payload of an unknown type");
	b[vid] = 132;	/* Cisco fragmentation: not known here */
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_PAYLOAD_TYPE,
		"payload of an unknown type");
	/* bytes after the chain in a cleartext message */
	memcpy(b, buf, len);
	ikev1_put32(b + 24, (uint32_t)len + 4);
	memset(b + len, 0, 4);
	REFUSED(b, len + 4, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS,
		"bytes after the last payload");
}

TEST(too_many_payloads)
{
	struct ikev1_msg *m = msg_new();
	uint8_t buf[BUF_LEN];
	size_t len, last;
	int i;

	ASSERT_TRUE(m);
	hdr_init(&m->hdr, IKEV1_EXCH_MAIN, 0, 0, false);
	for (i = 0; i < IKEV1_MAX_PAYLOADS; i++)
		ASSERT_TRUE(ikev1_chain_add_raw(&m->chain, IKEV1_PL_VID,
						vid_dpd, 16));
	EXPECT_FALSE(ikev1_chain_add_raw(&m->chain, IKEV1_PL_VID, vid_dpd, 16));
	ASSERT_EQ(0, ikev1_msg_build(m, buf, sizeof(buf), &len));
	EXPECT_EQ(0, parse(buf, len, NULL));
	/* one more on the wire */
	last = pl_off(buf, IKEV1_MAX_PAYLOADS - 1);
	buf[last] = IKEV1_PL_VID;
	memcpy(buf + len, buf + last, 20);
	buf[len] = 0;
	ikev1_put32(buf + 24, (uint32_t)len + 20);
	REFUSED(buf, len + 20, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
		"too many payloads");
	free(m);
}

/* The first proposal's header in mm1()'s bytes, its first transform's. */
#define SA_OFF	(IKEV1_HDR_LEN)
#define P_OFF	(SA_OFF + 12)
#define T_OFF	(P_OFF + 8)
#define A_OFF	(T_OFF + 8)
/* The second proposal of 128 transforms with an ESP SPI each. */
#define P2_OFF	(P_OFF + 12 + 128 * 8)

TEST(sa_refusals)
{
	uint8_t buf[BUF_LEN], b[BUF_LEN];
	size_t len = mm1(_metadata, buf);

	ASSERT_EQ(IKEV1_PROTO_ISAKMP, buf[P_OFF + 5]);
	memcpy(b, buf, len);
	b[SA_OFF + 7] = 2;
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_DOI_NOT_SUPPORTED,
		"SA of a DOI other than IPsec");
	memcpy(b, buf, len);
	b[SA_OFF + 11] = 3;	/* SIT_SECRECY: a labeled domain follows */
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_SITUATION_NOT_SUPPORTED,
		"SA situation other than SIT_IDENTITY_ONLY");
	memcpy(b, buf, len);
	b[P_OFF] = IKEV1_PL_KE;
	REFUSED(b, len, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		"proposal followed by a payload other than P");
	memcpy(b, buf, len);
	b[P_OFF + 1] = 1;
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"proposal's reserved field not zero");
	memcpy(b, buf, len);
	ikev1_put16(b + P_OFF + 2, ikev1_get16(b + P_OFF + 2) + 1);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"proposal length outside its SA");
	memcpy(b, buf, len);
	ikev1_put16(b + P_OFF + 2, ikev1_get16(b + P_OFF + 2) - 4);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"transform length outside its proposal");
	memcpy(b, buf, len);
	b[P_OFF + 5] = 9;
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_PROTOCOL_ID,
		"proposal of an unknown protocol");
	memcpy(b, buf, len);
	b[P_OFF + 6] = 4;
	REFUSED(b, len, -EBADMSG, IKEV1_N_INVALID_SPI,
		"SPI size wrong for the proposal's protocol");
	memcpy(b, buf, len);
	b[P_OFF + 7] = 3;
	REFUSED(b, len, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		"number of transforms differs from the proposal's count");
	b[P_OFF + 7] = 0;
	REFUSED(b, len, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		"proposal without transforms");
	memcpy(b, buf, len);
	b[T_OFF] = IKEV1_PL_P;
	REFUSED(b, len, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		"transform followed by a payload other than T");
	memcpy(b, buf, len);
	b[T_OFF + 7] = 1;
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"transform's reserved field not zero");
	memcpy(b, buf, len);
	b[T_OFF] = 0;	/* the first transform says it is the last */
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"bytes after the last transform");
}

TEST(attribute_refusals)
{
	uint8_t buf[BUF_LEN], b[BUF_LEN];
	size_t len = mm1(_metadata, buf);

	/* Encryption Algorithm (basic only) sent as a TLV */
	memcpy(b, buf, len);
	b[A_OFF] = 0x00;
	ikev1_put16(b + A_OFF + 2, 0);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"attribute that must be basic (TV) sent as TLV");
	/* a TLV longer than its transform */
	memcpy(b, buf, len);
	ikev1_put16(b + A_OFF + 6 * 4 + 2, 200);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"data attribute longer than its transform");
	/* Life Duration without a Life Type before it */
	memcpy(b, buf, len);
	b[A_OFF + 5 * 4 + 1] = IKEV1_A1_PRF + 10;	/* type 23, unknown */
	REFUSED(b, len, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX,
		"life duration not preceded by a life type");
	/* an attribute cut in the middle: the transform is 2 bytes short */
	memcpy(b, buf, len);
	ikev1_put16(b + A_OFF + 6 * 4 + 2, 7);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"data attribute truncated");
}

/* RESPONDER-LIFETIME's data: a bare list, in a transform's encoding. */
TEST(attribute_list)
{
	/* Life Type seconds (TV), Life Duration 1200 (TLV of 4) */
	static const uint8_t ok[] = { 0x80, 0x01, 0x00, 0x01,
				      0x00, 0x02, 0x00, 0x04,
				      0x00, 0x00, 0x04, 0xb0 };
	struct ikev1_attr at[2];
	const char *why = NULL;
	uint8_t b[sizeof(ok)];
	uint64_t v;
	size_t n;

	ASSERT_EQ(0, ikev1_attr_list_parse(IKEV1_PROTO_ESP, ok, sizeof(ok),
					   at, 2, &n, &why));
	ASSERT_EQ(2, n);
	EXPECT_TRUE(at[0].tv);
	EXPECT_EQ(IKEV1_A2_LIFE_TYPE, at[0].type);
	EXPECT_EQ(IKEV1_LIFE_SECONDS, at[0].val);
	EXPECT_EQ(0, ikev1_attr_u64(&at[1], &v));
	EXPECT_EQ(1200, v);
	ASSERT_EQ(0, ikev1_attr_list_parse(IKEV1_PROTO_ESP, ok, 0, at, 2, &n,
					   &why));
	EXPECT_EQ(0, n);
	/* cut short, the TLV too long, one attribute too many */
	EXPECT_EQ(-EBADMSG, ikev1_attr_list_parse(IKEV1_PROTO_ESP, ok, 6, at,
						  2, &n, &why));
	EXPECT_STREQ("data attribute truncated", why);
	memcpy(b, ok, sizeof(b));
	b[7] = 5;
	EXPECT_EQ(-EBADMSG, ikev1_attr_list_parse(IKEV1_PROTO_ESP, b,
						  sizeof(b), at, 2, &n, &why));
	EXPECT_STREQ("data attribute longer than the list", why);
	EXPECT_EQ(-E2BIG, ikev1_attr_list_parse(IKEV1_PROTO_ESP, ok,
						sizeof(ok), at, 1, &n, &why));
	EXPECT_STREQ("too many data attributes", why);
	/* the duration first; the Life Type (basic only) as a TLV */
	EXPECT_EQ(-EBADMSG, ikev1_attr_list_parse(IKEV1_PROTO_ESP, ok + 4, 8,
						  at, 2, &n, &why));
	EXPECT_STREQ("life duration not preceded by a life type", why);
	memcpy(b, ok, sizeof(b));
	b[0] = 0x00;
	b[3] = 0x00;
	EXPECT_EQ(-EBADMSG, ikev1_attr_list_parse(IKEV1_PROTO_ESP, b, 4, at,
						  2, &n, &why));
	EXPECT_STREQ("attribute that must be basic (TV) sent as TLV", why);
}

/* A message of the single payload @type with body @body/@blen. */
static size_t one(uint8_t *buf, uint8_t type, const uint8_t *body,
		  size_t blen)
{
	struct ikev1_hdr h;
	size_t len;

	hdr_init(&h, IKEV1_EXCH_INFO, 0, 7, true);
	h.next = type;
	buf[IKEV1_HDR_LEN] = 0;
	buf[IKEV1_HDR_LEN + 1] = 0;
	ikev1_put16(buf + IKEV1_HDR_LEN + 2, (uint16_t)(blen + 4));
	memcpy(buf + IKEV1_HDR_LEN + 4, body, blen);
	ikev1_msg_build_raw(&h, buf + IKEV1_HDR_LEN, blen + 4, buf, BUF_LEN,
			    &len);
	return len;
}

TEST(id_refusals)
{
	static const uint8_t v4x[] = { 1, 0, 0, 0, 10, 0, 0, 1, 2 };
	static const uint8_t mask[] = { 4, 0, 0, 0, 10, 0, 0, 0, 255, 0, 255, 0 };
	static const uint8_t range[] = { 7, 0, 0, 0, 10, 0, 0, 9, 10, 0, 0, 1 };
	static const uint8_t unk[] = { 99, 0, 0, 0, 1 };
	static const uint8_t empty[] = { 2, 0, 0, 0 };
	static const uint8_t ok[] = { 4, 17, 1, 0xf4, 10, 0, 0, 0, 255, 255, 0, 0 };
	uint8_t b[BUF_LEN];
	size_t len;

	len = one(b, IKEV1_PL_ID, v4x, sizeof(v4x));
	REFUSED(b, len, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		"ID length wrong for its type");
	len = one(b, IKEV1_PL_ID, mask, sizeof(mask));
	REFUSED(b, len, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		"subnet mask not contiguous");
	len = one(b, IKEV1_PL_ID, range, sizeof(range));
	REFUSED(b, len, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		"address range ends before it starts");
	len = one(b, IKEV1_PL_ID, unk, sizeof(unk));
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_INVALID_ID_INFORMATION,
		"ID of an unknown type");
	len = one(b, IKEV1_PL_ID, empty, sizeof(empty));
	REFUSED(b, len, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION,
		"empty identity");
	len = one(b, IKEV1_PL_ID, empty, 3);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"ID payload truncated");
	len = one(b, IKEV1_PL_ID, ok, sizeof(ok));
	EXPECT_EQ(0, parse(b, len, NULL));
}

TEST(small_payload_refusals)
{
	static const uint8_t n_spi[] = { 0, 0, 0, 1, 3, 5, 0x60, 0x02, 1, 2 };
	static const uint8_t n_doi[] = { 0, 0, 0, 7, 1, 0, 0x60, 0x02 };
	static const uint8_t d_none[] = { 0, 0, 0, 1, 3, 4, 0, 0 };
	static const uint8_t d_lie[] = { 0, 0, 0, 1, 3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t oa_fqdn[] = { 2, 0, 0, 0, 'a', 'b', 'c', 'd' };
	static const uint8_t oa_res[] = { 1, 0, 1, 0, 10, 0, 0, 1 };
	static const uint8_t oa_ok[] = { 1, 0, 0, 0, 10, 0, 0, 1 };
	uint8_t b[BUF_LEN], big[300] = { 0 };
	size_t len;

	len = one(b, IKEV1_PL_NONCE, nonce, 7);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"nonce not of 8 to 256 bytes");
	len = one(b, IKEV1_PL_NONCE, big, 257);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"nonce not of 8 to 256 bytes");
	len = one(b, IKEV1_PL_NONCE, big, 256);
	EXPECT_EQ(0, parse(b, len, NULL));
	len = one(b, IKEV1_PL_N, n_spi, sizeof(n_spi));
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"Notify SPI longer than the payload");
	len = one(b, IKEV1_PL_N, n_doi, sizeof(n_doi));
	REFUSED(b, len, -EOPNOTSUPP, IKEV1_N_DOI_NOT_SUPPORTED,
		"Notify or Delete of an unknown DOI");
	len = one(b, IKEV1_PL_N, n_doi, 7);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"Notify payload truncated");
	len = one(b, IKEV1_PL_D, d_none, sizeof(d_none));
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"Delete without SPIs");
	len = one(b, IKEV1_PL_D, d_lie, sizeof(d_lie));
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"Delete's SPI count and size disagree with its length");
	len = one(b, IKEV1_PL_D, d_lie, sizeof(d_lie) - 1);
	EXPECT_EQ(0, parse(b, len, NULL));
	len = one(b, IKEV1_PL_NATOA, oa_fqdn, sizeof(oa_fqdn));
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"NAT-OA neither an IPv4 nor an IPv6 address");
	len = one(b, IKEV1_PL_NATOA_DRAFT, oa_res, sizeof(oa_res));
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"NAT-OA reserved field not zero");
	len = one(b, IKEV1_PL_NATOA_DRAFT, oa_ok, sizeof(oa_ok));
	EXPECT_EQ(0, parse(b, len, NULL));
	len = one(b, IKEV1_PL_KE, big, 0);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, "empty payload");
	len = one(b, IKEV1_PL_NATD_DRAFT, big, 0);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, "empty payload");
	len = one(b, IKEV1_PL_CERT, big, 1);
	REFUSED(b, len, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED,
		"CERT or CR payload truncated");
	len = one(b, IKEV1_PL_CR, big, 1);	/* a CR of any CA */
	EXPECT_EQ(0, parse(b, len, NULL));
}

TEST(too_many_transforms_and_proposals)
{
	struct ikev1_msg *m = msg_new();
	struct ikev1_prop *p;
	struct ikev1_pl *pl;
	uint8_t *buf = malloc(65536);
	struct ikev1_err err;
	size_t len;
	int i;

	ASSERT_TRUE(m && buf);
	hdr_init(&m->hdr, IKEV1_EXCH_QUICK, 0, 9, true);
	pl = ikev1_chain_add(&m->chain, IKEV1_PL_SA);
	ASSERT_TRUE(pl);
	for (i = 0; i < IKEV1_MAX_PROPS; i++) {
		p = ikev1_sa_add_prop(&m->chain, &pl->u.sa, (uint8_t)(i + 1),
				      IKEV1_PROTO_ESP, esp_spi, 4);
		ASSERT_TRUE(p);
		ASSERT_TRUE(ikev1_prop_add_xf(&m->chain, p, 1, 12));
	}
	EXPECT_FALSE(ikev1_sa_add_prop(&m->chain, &pl->u.sa, 99,
				       IKEV1_PROTO_ESP, esp_spi, 4));
	ASSERT_EQ(0, ikev1_msg_build(m, buf, 65536, &len));
	ASSERT_EQ(0, parse(buf, len, NULL));
	/* 33 proposals on the wire: the last one's copy appended */
	buf[len - 20] = IKEV1_PL_P;
	memcpy(buf + len, buf + len - 20, 20);
	buf[len] = 0;
	ikev1_put16(buf + SA_OFF + 2, ikev1_get16(buf + SA_OFF + 2) + 20);
	ikev1_put32(buf + 24, (uint32_t)len + 20);
	REFUSED(buf, len + 20, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
		"too many proposals");
	/* a proposal of 255 transforms, twice: over IKEV1_MAX_XFS */
	ikev1_chain_init(&m->chain);
	pl = ikev1_chain_add(&m->chain, IKEV1_PL_SA);
	for (i = 0; i < 2 * 128; i++) {
		if (!(i % 128))
			p = ikev1_sa_add_prop(&m->chain, &pl->u.sa, 1 + i / 128,
					      IKEV1_PROTO_ESP, esp_spi, 4);
		ASSERT_TRUE(p && ikev1_prop_add_xf(&m->chain, p, 1, 12));
	}
	EXPECT_FALSE(ikev1_prop_add_xf(&m->chain, p, 1, 12));
	ASSERT_EQ(0, ikev1_msg_build(m, buf, 65536, &len));
	ASSERT_EQ(0, parse(buf, len, &err));
	buf[len - 8] = IKEV1_PL_T;
	memcpy(buf + len, buf + len - 8, 8);
	buf[len] = 0;
	/* the second proposal: after the SA's 12 bytes and the first's */
	buf[P2_OFF + 7] = 129;
	ikev1_put16(buf + SA_OFF + 2, ikev1_get16(buf + SA_OFF + 2) + 8);
	ikev1_put16(buf + P2_OFF + 2, ikev1_get16(buf + P2_OFF + 2) + 8);
	ikev1_put32(buf + 24, (uint32_t)len + 8);
	REFUSED(buf, len + 8, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED,
		"too many transforms");
	free(buf);
	free(m);
}

TEST(build_refuses_what_it_cannot_encode)
{
	struct ikev1_msg *m = msg_new();
	uint8_t buf[BUF_LEN];
	size_t len;

	ASSERT_TRUE(m);
	hdr_init(&m->hdr, IKEV1_EXCH_MAIN, 0, 0, false);
	ASSERT_TRUE(ikev1_chain_add(&m->chain, IKEV1_PL_SA));	/* no proposal */
	EXPECT_EQ(-EINVAL, ikev1_msg_build(m, buf, sizeof(buf), &len));
	ikev1_chain_init(&m->chain);
	ASSERT_TRUE(ikev1_chain_add_raw(&m->chain, 14, vid_dpd, 16));
	EXPECT_EQ(-EINVAL, ikev1_msg_build(m, buf, sizeof(buf), &len));
	ikev1_chain_init(&m->chain);
	m->hdr.flags = 0x10;
	EXPECT_EQ(-EINVAL, ikev1_msg_build(m, buf, sizeof(buf), &len));
	free(m);
}

TEST_HARNESS_MAIN
