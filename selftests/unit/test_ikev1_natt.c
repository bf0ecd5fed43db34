// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal in IKEv1 (RFC 3947): the NAT-D hash against known
 * answers computed independently with Python's hashlib:
 *
 *   hashlib.new(alg, ck_i + ck_r + socket.inet_pton(af, ip)
 *               + struct.pack('!H', port)).hexdigest()
 *
 * the NAT-T Vendor IDs (MD5 of their names), the agreement on a method
 * from the peer's Vendor IDs, detection from the peer's NAT-D payloads
 * (no NAT, either end or both behind NAT, forced encapsulation, a peer
 * without NAT-D), the float to port 4500 and the Encapsulation Mode
 * numbers of Quick Mode (RFC 3947 5.1 and the drafts').
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "kselftest_harness.h"
#include "iked/ikev1/v1.h"
#include "iked/vendor.h"
#include "iked/sa/natt.h"
#include "iked/sa/ts.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static struct kesp_addr addr(const char *s)
{
	struct kesp_addr a;
	char err[128];

	memset(&a, 0, sizeof(a));
	if (kesp_addr_parse(s, &a, err, sizeof(err)))
		abort();
	return a;
}

#define EXPECT_HEX(want, got, n) do {					\
	uint8_t w_[64];							\
	hex(want, w_, n);						\
	EXPECT_EQ(0, memcmp(w_, got, n));				\
} while (0)

static const uint8_t CK_I[8] = { 0x01, 0x23, 0x45, 0x67,
				 0x89, 0xab, 0xcd, 0xef };
static const uint8_t CK_R[8] = { 0xfe, 0xdc, 0xba, 0x98,
				 0x76, 0x54, 0x32, 0x10 };

static int natd(uint8_t hash, const char *ip, uint16_t port, uint8_t *out)
{
	struct kesp_addr a = addr(ip);

	return ikev1_natd_hash(hash, CK_I, CK_R, a.bytes,
			       kesp_addr_len(a.family), port, out);
}

TEST(natd_hash_sha1)
{
	uint8_t h[IKEV1_HASH_MAX];

	ASSERT_EQ(0, natd(IKEV1_HASH_SHA1, "192.0.2.1", 500, h));
	EXPECT_HEX("b43b59394bf8bc930246a8f80b6fddf05c58d9bf", h, 20);
}

TEST(natd_hash_sha256)
{
	uint8_t h[IKEV1_HASH_MAX];

	ASSERT_EQ(0, natd(IKEV1_HASH_SHA2_256, "198.51.100.7", 4500, h));
	EXPECT_HEX("c3c3d849e7bcf4ba701ead8c0f1b2f488d8e4d153f921e5b764565523234a9d5",
		   h, 32);
}

TEST(natd_hash_md5)
{
	uint8_t h[IKEV1_HASH_MAX];

	ASSERT_EQ(0, natd(IKEV1_HASH_MD5, "203.0.113.5", 31024, h));
	EXPECT_HEX("cd11922406ff403c61d74ac51567887d", h, 16);
}

TEST(natd_hash_sha384_ipv6)
{
	uint8_t h[IKEV1_HASH_MAX];

	ASSERT_EQ(0, natd(IKEV1_HASH_SHA2_384, "2001:db8::1", 500, h));
	EXPECT_HEX("95817b4231f1073407512c5c9e2d3f65ba9e4aac714be90a2474ebb83de0c2b8ba56ab47d7baefbd20fb1d9a5b720de2",
		   h, 48);
}

TEST(natd_hash_bad_input)
{
	uint8_t h[IKEV1_HASH_MAX], a[4] = { 0 };

	EXPECT_EQ(-EINVAL, ikev1_natd_hash(IKEV1_HASH_SHA1, CK_I, CK_R, a, 3,
					   500, h));
	EXPECT_EQ(-EINVAL, ikev1_natd_hash(99, CK_I, CK_R, a, 4, 500, h));
}

/* Each NAT-T Vendor ID is MD5 of its name (RFC 3947 3.1). */
TEST(vendor_ids)
{
	static const struct {
		enum iked_natt_vid v;
		const char *name;
	} t[] = {
		{ IKED_NATT_VID_RFC3947, "RFC 3947" },
		{ IKED_NATT_VID_DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03" },
		{ IKED_NATT_VID_DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02" },
		{ IKED_NATT_VID_DRAFT_02N, "draft-ietf-ipsec-nat-t-ike-02\n" },
	};
	uint8_t md[16];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ASSERT_EQ(1, EVP_Digest(t[i].name, strlen(t[i].name), md, NULL,
					EVP_md5(), NULL));
		EXPECT_EQ(0, memcmp(md, iked_vendor_natt_id(t[i].v), 16));
		EXPECT_EQ(t[i].v, iked_vendor_natt(md, 16));
		/* A shorter or longer payload is no NAT-T Vendor ID. */
		EXPECT_EQ(IKED_NATT_VID_NONE, iked_vendor_natt(md, 15));
	}
	EXPECT_EQ(IKED_NATT_VID_NONE, iked_vendor_natt(NULL, 16));
	EXPECT_EQ(NULL, iked_vendor_natt_id(IKED_NATT_VID_NONE));
	/* A product's ID says nothing of NAT-T. */
	EXPECT_EQ(IKED_NATT_VID_NONE,
		  iked_vendor_natt((const uint8_t *)"OE-Libreswan-4.1", 16));
}

/* Two ends of one ISAKMP SA, each with its view of the path. */
struct pair {
	struct iked *d;
	struct iked_conf_conn cc[2];
	struct ike_sa i, r;
	struct v1_sa vi, vr;
	struct ikev1_chain *c;
};

static struct pair *pair_new(const char *i_local, const char *r_sees_i,
			     uint16_t r_sees_iport, const char *r_local,
			     enum iked_conf_encaps ei)
{
	struct pair *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	p->d = calloc(1, sizeof(*p->d));
	p->c = calloc(1, sizeof(*p->c));
	if (!p->d || !p->c)
		abort();
	p->cc[0].name = "i";
	p->cc[0].encaps = ei;
	p->cc[1].name = "r";
	p->d->natt_kernel = true;
	p->d->net.nat_port = 4500;
	p->i.d = p->r.d = p->d;
	p->i.initiator = true;
	p->i.conn = &p->cc[0];
	p->r.conn = &p->cc[1];
	p->i.priv = &p->vi;
	p->r.priv = &p->vr;
	p->vi.alg.hash = p->vr.alg.hash = IKEV1_HASH_SHA2_256;
	memcpy(p->i.spi_i, CK_I, 8);
	memcpy(p->i.spi_r, CK_R, 8);
	memcpy(p->r.spi_i, CK_I, 8);
	memcpy(p->r.spi_r, CK_R, 8);
	p->i.path.local = addr(i_local);
	p->i.path.lport = 500;
	p->i.path.remote = addr(r_local);
	p->i.path.rport = 500;
	p->r.path.local = addr(r_local);
	p->r.path.lport = 500;
	p->r.path.remote = addr(r_sees_i);
	p->r.path.rport = r_sees_iport;
	return p;
}

static void pair_free(struct pair *p)
{
	free(p->c);
	free(p->d);
	free(p);
}

/* MM1 and MM2: the Vendor IDs; MM3 and MM4: NAT-D, each end checks. */
static int main_mode(struct pair *p)
{
	int r;

	ikev1_chain_init(p->c);
	r = v1_natt_add_vids(&p->i, p->c);
	if (r)
		return r;
	v1_natt_take_vids(&p->r, p->c);
	ikev1_chain_init(p->c);
	r = v1_natt_add_vids(&p->r, p->c);
	if (r)
		return r;
	v1_natt_take_vids(&p->i, p->c);
	ikev1_chain_init(p->c);
	r = v1_natt_add_natd(&p->i, p->c);
	if (r)
		return r;
	v1_natt_check(&p->r, p->c);
	ikev1_chain_init(p->c);
	r = v1_natt_add_natd(&p->r, p->c);
	if (!r)
		v1_natt_check(&p->i, p->c);
	return r;
}

TEST(agree_rfc3947)
{
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natt_add_vids(&p->i, p->c));
	/* All four, the RFC's first. */
	ASSERT_EQ(4, p->c->n);
	EXPECT_EQ(IKED_NATT_VID_RFC3947,
		  iked_vendor_natt(p->c->pl[0].body, p->c->pl[0].len));
	v1_natt_take_vids(&p->r, p->c);
	EXPECT_EQ(IKED_NATT_VID_RFC3947, p->vr.natt);
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natt_add_vids(&p->r, p->c));
	/* The responder names the one it chose. */
	ASSERT_EQ(1, p->c->n);
	pair_free(p);
}

TEST(agree_draft)
{
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);
	const uint8_t *d02 = iked_vendor_natt_id(IKED_NATT_VID_DRAFT_02);

	/* Old gear with only draft 02: NAT-D 130, mode 61443. */
	ikev1_chain_init(p->c);
	ASSERT_NE(NULL, ikev1_chain_add_raw(p->c, IKEV1_PL_VID, d02, 16));
	v1_natt_take_vids(&p->r, p->c);
	EXPECT_EQ(IKED_NATT_VID_DRAFT_02, p->vr.natt);
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natt_add_natd(&p->r, p->c));
	ASSERT_EQ(2, p->c->n);
	EXPECT_EQ(IKEV1_PL_NATD_DRAFT, p->c->pl[0].type);
	EXPECT_EQ(32, p->c->pl[0].len);
	p->r.natt.in_use = true;
	EXPECT_EQ(IKEV1_ENCAP_UDP_TUNNEL_DRAFT, v1_natt_encap(&p->r, false));
	EXPECT_EQ(IKEV1_ENCAP_UDP_TRANSPORT_DRAFT, v1_natt_encap(&p->r, true));
	EXPECT_TRUE(v1_natt_encap_ok(&p->r, false, IKEV1_ENCAP_UDP_TUNNEL));
	EXPECT_FALSE(v1_natt_encap_ok(&p->r, false, IKEV1_ENCAP_TUNNEL));
	pair_free(p);
}

TEST(encapsulation_no_sends_nothing)
{
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_NEVER);

	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natt_add_vids(&p->i, p->c));
	EXPECT_EQ(0, p->c->n);
	ASSERT_EQ(0, main_mode(p));
	EXPECT_FALSE(p->i.natt.in_use);
	EXPECT_FALSE(p->r.natt.in_use);
	EXPECT_EQ(IKEV1_ENCAP_TUNNEL, v1_natt_encap(&p->i, false));
	pair_free(p);
}

TEST(detect_no_nat)
{
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, main_mode(p));
	EXPECT_TRUE(p->i.natt.peer_natd);
	EXPECT_TRUE(p->r.natt.peer_natd);
	EXPECT_FALSE(p->i.natt.in_use);
	EXPECT_FALSE(p->r.natt.in_use);
	EXPECT_STREQ("none", natt_status(&p->i));
	natt_float(&p->i);
	EXPECT_EQ(500, p->i.path.lport);
	EXPECT_EQ(IKEV1_ENCAP_TUNNEL, v1_natt_encap(&p->i, false));
	EXPECT_EQ(IKEV1_ENCAP_TRANSPORT, v1_natt_encap(&p->i, true));
	pair_free(p);
}

TEST(detect_initiator_behind_nat)
{
	/* 10.0.0.2:500 leaves the NAT as 203.0.113.5:31024. */
	struct pair *p = pair_new("10.0.0.2", "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, main_mode(p));
	EXPECT_TRUE(p->i.natt.in_use);
	EXPECT_TRUE(p->i.natt.local_behind);
	EXPECT_FALSE(p->i.natt.remote_behind);
	EXPECT_TRUE(p->i.natt.encap);
	EXPECT_STREQ("local", natt_status(&p->i));
	EXPECT_TRUE(p->r.natt.in_use);
	EXPECT_FALSE(p->r.natt.local_behind);
	EXPECT_TRUE(p->r.natt.remote_behind);
	EXPECT_STREQ("remote", natt_status(&p->r));
	/* MM5 goes from 4500 to 4500. */
	natt_float(&p->i);
	EXPECT_EQ(4500, p->i.path.lport);
	EXPECT_EQ(4500, p->i.path.rport);
	EXPECT_EQ(IKEV1_ENCAP_UDP_TUNNEL, v1_natt_encap(&p->i, false));
	EXPECT_EQ(IKEV1_ENCAP_UDP_TRANSPORT, v1_natt_encap(&p->r, true));
	pair_free(p);
}

TEST(detect_responder_behind_nat)
{
	/* The responder's 10.1.0.2 is reached as 198.51.100.1 (forward). */
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	p->r.path.local = addr("10.1.0.2");
	ASSERT_EQ(0, main_mode(p));
	EXPECT_STREQ("remote", natt_status(&p->i));
	EXPECT_STREQ("local", natt_status(&p->r));
	EXPECT_TRUE(p->i.natt.in_use && p->r.natt.in_use);
	pair_free(p);
}

TEST(detect_both_behind_nat)
{
	struct pair *p = pair_new("10.0.0.2", "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	p->r.path.local = addr("10.1.0.2");
	ASSERT_EQ(0, main_mode(p));
	EXPECT_STREQ("both", natt_status(&p->i));
	EXPECT_STREQ("both", natt_status(&p->r));
	pair_free(p);
}

TEST(forced_encapsulation)
{
	struct pair *p = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_FORCE);

	ASSERT_EQ(0, main_mode(p));
	/* Our random source hash makes the responder see a NAT at us. */
	EXPECT_TRUE(p->i.natt.in_use);
	EXPECT_TRUE(p->i.natt.forced);
	EXPECT_STREQ("forced", natt_status(&p->i));
	EXPECT_STREQ("remote", natt_status(&p->r));
	EXPECT_TRUE(p->r.natt.in_use);
	pair_free(p);
}

TEST(peer_without_natd)
{
	struct pair *p = pair_new("10.0.0.2", "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	p->vr.natt = IKED_NATT_VID_RFC3947;
	ikev1_chain_init(p->c);
	/* Only one NAT-D: not enough to tell. */
	ASSERT_NE(NULL, ikev1_chain_add_raw(p->c, IKEV1_PL_NATD, CK_I, 8));
	v1_natt_check(&p->r, p->c);
	EXPECT_FALSE(p->r.natt.peer_natd);
	EXPECT_FALSE(p->r.natt.in_use);
	pair_free(p);
}

/*
 * Aggressive Mode through a NAT: AM2 showed the initiator behind it,
 * AM3 comes from 4500 to 4500 with NAT-D hashed over those ports, as
 * strongSwan does (RFC 3947 3.2 means the ports so far, 500): the
 * responder, not behind any NAT, must not think it is. The old check
 * compared with the 500s only and said "both".
 */
TEST(am3_hashed_over_the_float_ports)
{
	struct pair *p = pair_new("10.0.0.2", "203.0.113.5", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);
	struct iked_path rx = p->r.path;

	p->vi.natt = p->vr.natt = IKED_NATT_VID_RFC3947;
	p->i.path.lport = p->i.path.rport = 4500;
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natt_add_natd(&p->i, p->c));
	rx.lport = rx.rport = 4500;
	p->vr.rx_path = &rx;
	v1_natt_check(&p->r, p->c);
	EXPECT_STREQ("remote", natt_status(&p->r));
	EXPECT_TRUE(p->r.natt.in_use);
	/* The same NAT-D without the datagram's ports to try: both. */
	p->vr.rx_path = NULL;
	v1_natt_check(&p->r, p->c);
	EXPECT_STREQ("both", natt_status(&p->r));
	pair_free(p);
}

/* The decision alone, on hand-made hashes. */
TEST(detect_pure)
{
	const uint8_t a[4] = { 1 }, b[4] = { 2 }, c[4] = { 3 };
	const uint8_t *got[3] = { a, c, b };
	bool lb, rb;

	EXPECT_FALSE(v1_natt_detect(got, 1, 4, a, b, &lb, &rb));
	ASSERT_TRUE(v1_natt_detect(got, 3, 4, a, b, &lb, &rb));
	EXPECT_FALSE(lb);
	/* The peer's second address matches. */
	EXPECT_FALSE(rb);
	ASSERT_TRUE(v1_natt_detect(got, 2, 4, a, b, &lb, &rb));
	EXPECT_TRUE(rb);
	ASSERT_TRUE(v1_natt_detect(got, 3, 4, c, b, &lb, &rb));
	EXPECT_TRUE(lb);
	/* The first hash is never one of the peer's own. */
	got[0] = b;
	ASSERT_TRUE(v1_natt_detect(got, 2, 4, a, b, &lb, &rb));
	EXPECT_TRUE(lb);
	EXPECT_TRUE(rb);
}

/*
 * NAT-OA (RFC 3947 5.2). @c's chain encoded and parsed again into
 * @out, as a Quick Mode message's payloads travel.
 */
static int wire(const struct ikev1_chain *c, struct ikev1_chain *out)
{
	static uint8_t buf[1024];
	struct ikev1_err err;
	size_t len;
	int r = ikev1_chain_build(c, buf, sizeof(buf), &len);

	return r ? r : ikev1_chain_parse(out, c->pl[0].type, buf, len, false,
					 &err);
}

static bool addr_is(const struct kesp_addr *a, const char *s)
{
	struct kesp_addr w = addr(s);

	return a->family == w.family &&
	       !memcmp(a->bytes, w.bytes, kesp_addr_len(w.family));
}

/* The initiator behind a NAT, main_mode() done: NAT-T in use. */
static struct pair *nat_pair(void)
{
	struct pair *p = pair_new("10.0.0.2", "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	if (main_mode(p) || !p->i.natt.in_use || !p->r.natt.in_use)
		abort();
	return p;
}

TEST(natoa_in_qm1_and_qm2)
{
	struct pair *p = nat_pair();
	struct ikev1_chain *in = calloc(1, sizeof(*in));
	struct v1_qm *q = calloc(1, sizeof(*q));

	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, q);
	/* QM1: NAT-OAi our own (private) address, NAT-OAr the peer's. */
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natoa_add(&p->i, p->c, KESP_MODE_TRANSPORT, true));
	ASSERT_EQ(2, p->c->n);
	EXPECT_EQ(IKEV1_PL_NATOA, p->c->pl[0].type);
	EXPECT_EQ(IKEV1_PL_NATOA, p->c->pl[1].type);
	EXPECT_EQ(IKEV1_ID_IPV4_ADDR, p->c->pl[0].u.oa.type);
	ASSERT_EQ(0, wire(p->c, in));
	ASSERT_EQ(2, in->n);
	/* The payload's body: ID type, 3 reserved bytes, the address. */
	ASSERT_EQ(8, in->pl[0].len);
	EXPECT_EQ(0, memcmp(in->pl[0].body, "\x01\0\0\0\x0a\0\0\x02", 8));
	q->mode = KESP_MODE_TRANSPORT;
	ASSERT_EQ(0, v1_natoa_take(&p->r, q, in));
	EXPECT_TRUE(q->have_oa);
	EXPECT_TRUE(addr_is(&q->oa_i, "10.0.0.2"));
	EXPECT_TRUE(addr_is(&q->oa_r, "198.51.100.1"));
	/* QM2: the initiator as the responder sees it, then its own. */
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natoa_add(&p->r, p->c, KESP_MODE_TRANSPORT, false));
	ASSERT_EQ(0, wire(p->c, in));
	ASSERT_EQ(0, v1_natoa_take(&p->i, q, in));
	EXPECT_TRUE(addr_is(&q->oa_i, "203.0.113.5"));
	EXPECT_TRUE(addr_is(&q->oa_r, "198.51.100.1"));
	free(q);
	free(in);
	pair_free(p);
}

TEST(natoa_only_for_transport_through_nat)
{
	struct pair *p = nat_pair();
	struct pair *n = pair_new("192.0.2.1", "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, main_mode(n));
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natoa_add(&p->i, p->c, KESP_MODE_TUNNEL, true));
	EXPECT_EQ(0, p->c->n);
	EXPECT_FALSE(v1_natoa_used(&p->i, KESP_MODE_TUNNEL));
	ASSERT_EQ(0, v1_natoa_add(&n->i, p->c, KESP_MODE_TRANSPORT, true));
	EXPECT_EQ(0, p->c->n);
	EXPECT_FALSE(v1_natoa_used(&n->r, KESP_MODE_TRANSPORT));
	EXPECT_TRUE(v1_natoa_used(&p->r, KESP_MODE_TRANSPORT));
	pair_free(n);
	pair_free(p);
}

/* A draft's NAT-T Vendor ID: NAT-OA is payload 131, IPv6 here. */
TEST(natoa_draft_ipv6)
{
	struct pair *p = pair_new("fd00::2", "2001:db8::5", 31024,
				  "2001:db8:1::1", IKED_ENCAPS_AUTO);
	const uint8_t *d03 = iked_vendor_natt_id(IKED_NATT_VID_DRAFT_03);
	struct ikev1_chain *in = calloc(1, sizeof(*in));
	struct v1_qm q = { .mode = KESP_MODE_TRANSPORT };

	ASSERT_NE(NULL, in);
	ikev1_chain_init(p->c);
	ASSERT_NE(NULL, ikev1_chain_add_raw(p->c, IKEV1_PL_VID, d03, 16));
	v1_natt_take_vids(&p->i, p->c);
	v1_natt_take_vids(&p->r, p->c);
	p->i.natt.in_use = p->r.natt.in_use = true;
	ikev1_chain_init(p->c);
	ASSERT_EQ(0, v1_natoa_add(&p->i, p->c, KESP_MODE_TRANSPORT, true));
	ASSERT_EQ(2, p->c->n);
	EXPECT_EQ(IKEV1_PL_NATOA_DRAFT, p->c->pl[0].type);
	ASSERT_EQ(0, wire(p->c, in));
	EXPECT_EQ(20, in->pl[0].len);
	EXPECT_EQ(IKEV1_ID_IPV6_ADDR, in->pl[0].body[0]);
	ASSERT_EQ(0, v1_natoa_take(&p->r, &q, in));
	EXPECT_TRUE(addr_is(&q.oa_i, "fd00::2"));
	EXPECT_TRUE(addr_is(&q.oa_r, "2001:db8:1::1"));
	free(in);
	pair_free(p);
}

/* What the peer sent that cannot be used is logged and ignored. */
TEST(natoa_take_refuses)
{
	struct pair *p = nat_pair();
	static const uint8_t v4[4] = { 10, 0, 0, 2 }, v6[16] = { 0xfd };
	struct v1_qm q = { .mode = KESP_MODE_TRANSPORT };
	struct ikev1_pl *pl;

	ikev1_chain_init(p->c);
	EXPECT_EQ(-ENOENT, v1_natoa_take(&p->r, &q, p->c));
	pl = ikev1_chain_add(p->c, IKEV1_PL_NATOA);
	ASSERT_NE(NULL, pl);
	pl->u.oa = (struct ikev1_natoa){ IKEV1_ID_IPV4_ADDR, v4, 4 };
	/* One alone. */
	EXPECT_EQ(-EINVAL, v1_natoa_take(&p->r, &q, p->c));
	EXPECT_FALSE(q.have_oa);
	/* An IPv6 original address of an IPv4 IKE SA. */
	pl = ikev1_chain_add(p->c, IKEV1_PL_NATOA);
	ASSERT_NE(NULL, pl);
	pl->u.oa = (struct ikev1_natoa){ IKEV1_ID_IPV6_ADDR, v6, 16 };
	EXPECT_EQ(-EINVAL, v1_natoa_take(&p->r, &q, p->c));
	EXPECT_FALSE(q.have_oa);
	EXPECT_EQ(2, p->d->natoa_refused);
	pair_free(p);
}

/* The codec: the ID types and lengths RFC 3947 5.2 allows, no more. */
TEST(natoa_malformed)
{
	static const uint8_t bad[][24] = {
		{ 1, 0, 0, 0, 10, 0, 0 },		/* IPv4, 3 bytes */
		{ 5, 0, 0, 0, 10, 0, 0, 2 },		/* IPv6, 4 bytes */
		{ 1, 0, 0, 0, 10 },			/* IPv4, 17 bytes */
		{ 4, 0, 0, 0, 10, 0, 0, 0, 255, 0, 0, 0 }, /* a subnet */
		{ 1, 0, 0, 1, 10, 0, 0, 2 },		/* reserved */
		{ 1, 0, 0 },				/* truncated */
	};
	static const size_t len[] = { 7, 8, 21, 12, 8, 3 };
	uint8_t buf[32];
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	struct ikev1_err err;
	size_t i;

	ASSERT_NE(NULL, c);
	for (i = 0; i < sizeof(len) / sizeof(len[0]); i++) {
		memset(buf, 0, 4);
		ikev1_put16(buf + 2, (uint16_t)(len[i] + 4));
		memcpy(buf + 4, bad[i], len[i]);
		memset(&err, 0, sizeof(err));
		EXPECT_EQ(-EBADMSG, ikev1_chain_parse(c, IKEV1_PL_NATOA, buf,
						      len[i] + 4, false, &err));
		EXPECT_EQ(IKEV1_N_PAYLOAD_MALFORMED, err.notify);
		TH_LOG("case %zu: %s", i, err.why ? err.why : "");
	}
	free(c);
}

/*
 * Transport mode through the NAT: the peer's private address in its
 * proxy ID (charon's and pluto's QM1) becomes the address its packets
 * come from here; protocol and port stay; subnets and tunnel mode are
 * left alone.
 */
TEST(natoa_transport_proxy_ids)
{
	struct pair *p = nat_pair();
	struct kesp_addr priv = addr("10.0.0.2"), pub = addr("198.51.100.1");
	struct iked_ts_list l = { 0 }, r = { 0 };

	iked_ts_add(&r, IKED_TS_IPV4, 6, 1234, 1234, priv.bytes, priv.bytes);
	iked_ts_add(&l, IKED_TS_IPV4, 6, 0, 65535, pub.bytes, pub.bytes);
	EXPECT_FALSE(v1_natoa_fix_ts(&p->r, KESP_MODE_TUNNEL, &l, &r));
	EXPECT_EQ(0, memcmp(r.ts[0].start, priv.bytes, 4));
	ASSERT_TRUE(v1_natoa_fix_ts(&p->r, KESP_MODE_TRANSPORT, &l, &r));
	EXPECT_EQ(0, memcmp(r.ts[0].start, "\xcb\x00\x71\x05", 4));
	EXPECT_EQ(0, memcmp(r.ts[0].end, "\xcb\x00\x71\x05", 4));
	EXPECT_EQ(6, r.ts[0].proto);
	EXPECT_EQ(1234, r.ts[0].start_port);
	EXPECT_EQ(0, memcmp(l.ts[0].start, pub.bytes, 4));
	/* Again: nothing left to change. */
	EXPECT_FALSE(v1_natoa_fix_ts(&p->r, KESP_MODE_TRANSPORT, &l, &r));
	/* A subnet is not one end's address. */
	r.n = 0;
	iked_ts_add(&r, IKED_TS_IPV4, 0, 0, 65535, priv.bytes,
		    (const uint8_t *)"\x0a\x00\x00\xff");
	EXPECT_FALSE(v1_natoa_fix_ts(&p->r, KESP_MODE_TRANSPORT, &l, &r));
	/* The initiator behind the NAT: its own ID stays its address. */
	l.n = 0;
	iked_ts_add(&l, IKED_TS_IPV4, 0, 0, 65535, priv.bytes, priv.bytes);
	EXPECT_FALSE(v1_natoa_fix_ts(&p->i, KESP_MODE_TRANSPORT, &l, &r));
	pair_free(p);
}

TEST_HARNESS_MAIN
