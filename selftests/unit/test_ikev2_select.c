// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of SA proposals: our offer, the responder's pick, the initiator's check, logs. */

#include <errno.h>
#include <string.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "iked/ikev2/select.h"

static const uint8_t esp_spi_i[4] = { 0xc0, 0, 0, 1 };
static const uint8_t esp_spi_r[4] = { 0xc0, 0, 0, 2 };
static const uint8_t ike_spi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void props(struct __test_metadata *_metadata,
		  enum iked_prop_proto proto, const char *s,
		  struct iked_prop_list *l)
{
	char err[1024] = "";

	ASSERT_EQ(0, iked_prop_parse(proto, s, l, err, sizeof(err))) {
		TH_LOG("%s: %s", s, err);
	}
}

/* What a peer configured with @s would send (our own builder stands in). */
static void offer(struct __test_metadata *_metadata,
		  enum iked_prop_proto proto, const char *s, uint16_t first_dh,
		  bool pfs, struct ikev2_sa *sa)
{
	struct iked_prop_list l;

	props(_metadata, proto, s, &l);
	ASSERT_EQ(0, ikev2_sa_from_props(sa, &l, (uint8_t)proto,
					 proto == IKED_PROP_ESP ? esp_spi_i :
					 NULL, proto == IKED_PROP_ESP ? 4 : 0,
					 first_dh, pfs));
	iked_prop_list_free(&l);
}

/* @sa through the wire format and back, as a peer would receive it. */
static void wire(struct __test_metadata *_metadata, const struct ikev2_sa *sa,
		 struct ikev2_sa *out)
{
	uint8_t buf[4096];
	struct ikev2_err err;
	int len;

	len = ikev2_sa_build(sa, buf, sizeof(buf));
	ASSERT_LT(0, len);
	ASSERT_EQ(0, ikev2_sa_parse(out, buf, (size_t)len, &err)) {
		TH_LOG("%s at %zu", err.why, err.off);
	}
}

static int choose(struct __test_metadata *_metadata,
		  enum iked_prop_proto proto, const char *ours,
		  const struct ikev2_sa *peer, uint16_t ke_group,
		  struct iked_chosen *c)
{
	struct iked_prop_list l;
	int r;

	props(_metadata, proto, ours, &l);
	r = ikev2_sa_select(peer, &l, (uint8_t)proto, ke_group, c);
	iked_prop_list_free(&l);
	return r;
}

/* Field by field: designated initializers leave padding undefined. */
static bool chosen_eq(const struct iked_chosen *a, const struct iked_chosen *b)
{
	return a->proto == b->proto && a->num == b->num &&
	       a->spi_len == b->spi_len &&
	       !memcmp(a->spi, b->spi, a->spi_len) && a->encr == b->encr &&
	       a->encr_key_bits == b->encr_key_bits && a->integ == b->integ &&
	       a->prf == b->prf && a->dh == b->dh && a->esn == b->esn &&
	       a->none_types == b->none_types;
}

static const char *cfmt(const struct iked_chosen *c)
{
	static char buf[256];

	return iked_chosen_format(c, buf, sizeof(buf));
}

static const char *sfmt(const struct ikev2_sa *sa)
{
	static char buf[2048];

	return ikev2_sa_format(sa, buf, sizeof(buf));
}

TEST(offer_layout)
{
	struct iked_prop_list l;
	struct ikev2_sa sa;
	const struct ikev2_transform *t;

	props(_metadata, IKED_PROP_IKE,
	      "aes256-aes128-sha256-modp2048-ecp256, aes128gcm16-prfsha384-ecp384!",
	      &l);
	/* The group of our KE payload moves first, the rest keep order. */
	ASSERT_EQ(0, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, NULL, 0,
					 IKED_PROP_DH_ECP_256, false));
	ASSERT_EQ(2, sa.n_prop);
	EXPECT_EQ(1, sa.prop[0].num);
	EXPECT_EQ(2, sa.prop[1].num);
	EXPECT_EQ(0, sa.prop[0].spi_len);
	ASSERT_EQ(6, sa.prop[0].n_tr);
	t = ikev2_proposal_tr(&sa, &sa.prop[0]);
	EXPECT_EQ(IKEV2_TR_ENCR, t[0].type);
	EXPECT_EQ(KESP_ENC_AES_CBC, t[0].id);
	EXPECT_EQ(256, t[0].key_len);
	EXPECT_EQ(128, t[1].key_len);
	EXPECT_EQ(IKEV2_TR_KE, t[4].type);
	EXPECT_EQ(IKED_PROP_DH_ECP_256, t[4].id);
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, t[5].id);
	EXPECT_STREQ("IKE:AES_CBC_256/AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256/MODP_2048, IKE:AES_GCM_16_128/PRF_HMAC_SHA2_384/ECP_384",
		     sfmt(&sa));
	/* A group not in a proposal moves nothing; 0 neither. */
	ASSERT_EQ(0, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, NULL, 0,
					 IKED_PROP_DH_CURVE25519, false));
	EXPECT_STREQ("IKE:AES_CBC_256/AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048/ECP_256, IKE:AES_GCM_16_128/PRF_HMAC_SHA2_384/ECP_384",
		     sfmt(&sa));
	/* Rekeying the IKE SA carries our new 8-byte SPI. */
	ASSERT_EQ(0, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, ike_spi, 8,
					 0, false));
	EXPECT_EQ(8, sa.prop[1].spi_len);
	EXPECT_EQ(0, memcmp(ike_spi, sa.prop[1].spi, 8));
	/* Wrong protocol or SPI size. */
	EXPECT_EQ(-EINVAL, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_ESP,
					       esp_spi_i, 4, 0, false));
	EXPECT_EQ(-EINVAL, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE,
					       esp_spi_i, 4, 0, false));
	iked_prop_list_free(&l);
}

TEST(offer_esp_pfs)
{
	struct ikev2_sa sa;

	/* Without PFS (IKE_AUTH, or no rekey PFS wanted) no KE transforms. */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256-modp2048-none!", 0,
	      false, &sa);
	EXPECT_STREQ("ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ", sfmt(&sa));
	EXPECT_EQ(4, sa.prop[0].spi_len);
	EXPECT_EQ(0, memcmp(esp_spi_i, sa.prop[0].spi, 4));
	/* With PFS: the groups, NONE kept where configured, @first_dh first. */
	offer(_metadata, IKED_PROP_ESP,
	      "aes128-sha256-modp2048-ecp256-none-esn-noesn, aes256gcm16-ecp384!",
	      IKED_PROP_DH_ECP_256, true, &sa);
	EXPECT_STREQ("ESP:AES_CBC_128/HMAC_SHA2_256_128/ECP_256/MODP_2048/MODP_NONE/EXT_SEQ/NO_EXT_SEQ, ESP:AES_GCM_16_256/ECP_384/NO_EXT_SEQ",
		     sfmt(&sa));
	/* A proposal without groups has no KE type even with PFS. */
	offer(_metadata, IKED_PROP_ESP, "aes128gcm16!", 0, true, &sa);
	EXPECT_STREQ("ESP:AES_GCM_16_128/NO_EXT_SEQ", sfmt(&sa));
}

TEST(offer_too_big)
{
	struct iked_prop_list l;
	struct ikev2_sa sa;
	char s[2048] = "";
	int i;

	/* 17 proposals: one more than an SA payload holds here. */
	for (i = 0; i < 17; i++)
		strcat(s, i ? ",aes128-sha256-modp2048" : "aes128-sha256-modp2048");
	strcat(s, "!");
	props(_metadata, IKED_PROP_IKE, s, &l);
	EXPECT_EQ(-E2BIG, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, NULL,
					      0, 0, false));
	iked_prop_list_free(&l);
	/* 7 proposals of 20 transforms: past IKEV2_MAX_TRANSFORMS. */
	s[0] = '\0';
	for (i = 0; i < 7; i++)
		strcat(s, i ? ",aes128-aes192-aes256-sha1-sha256-sha384-sha512-modp2048-modp3072-modp4096-modp6144-modp8192-ecp256-ecp384-ecp521-curve25519" :
		       "aes128-aes192-aes256-sha1-sha256-sha384-sha512-modp2048-modp3072-modp4096-modp6144-modp8192-ecp256-ecp384-ecp521-curve25519");
	strcat(s, "!");
	props(_metadata, IKED_PROP_IKE, s, &l);
	EXPECT_EQ(-E2BIG, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, NULL,
					      0, 0, false));
	/* Six fit. */
	l.n = 6;
	EXPECT_EQ(0, ikev2_sa_from_props(&sa, &l, IKEV2_PROTO_IKE, NULL, 0, 0,
					 false));
	EXPECT_EQ(120, sa.n_tr);
	l.n = 7;
	iked_prop_list_free(&l);
}

TEST(our_order_wins)
{
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE,
	      "aes128-sha256-ecp256, aes256-sha256-modp2048!",
	      IKED_PROP_DH_ECP_256, false, &peer);
	/*
	 * The peer prefers its first proposal and guessed its group; our
	 * first proposal matches its second, and that wins even though
	 * the KE guess then costs an INVALID_KE_PAYLOAD round trip.
	 */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-sha256-modp2048, aes128-sha256-ecp256!",
			    &peer, IKED_PROP_DH_ECP_256, &c));
	EXPECT_EQ(2, c.num);
	EXPECT_EQ(IKEV2_PROTO_IKE, c.proto);
	EXPECT_EQ(0, c.spi_len);
	EXPECT_EQ(KESP_ENC_AES_CBC, c.encr);
	EXPECT_EQ(256, c.encr_key_bits);
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, c.dh);
	EXPECT_NE(IKED_PROP_DH_ECP_256, c.dh);
	EXPECT_STREQ("AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
		     cfmt(&c));
	/* Our list in the other order: the peer's first. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes128-sha256-ecp256, aes256-sha256-modp2048!",
			    &peer, IKED_PROP_DH_ECP_256, &c));
	EXPECT_EQ(1, c.num);
	EXPECT_EQ(IKED_PROP_DH_ECP_256, c.dh);
}

TEST(within_type_preference_and_ke_group)
{
	static const char ours[] =
		"aes256-aes128-sha384-sha256-prfsha384-prfsha256-ecp384-modp3072-modp2048!";
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE,
	      "aes128-aes256-sha256-sha384-prfsha256-prfsha384-modp2048-modp3072-ecp384!",
	      IKED_PROP_DH_MODP_2048, false, &peer);
	/* Each type: our first the peer offers; the group: the KE's. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE, ours, &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_STREQ("AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_2048",
		     cfmt(&c));
	/* A KE group both accept is taken whatever its rank. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE, ours, &peer,
			    IKED_PROP_DH_MODP_3072, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_3072, c.dh);
	/* A KE group one side lacks: our most preferred common group. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE, ours, &peer,
			    IKED_PROP_DH_ECP_256, &c));
	EXPECT_EQ(IKED_PROP_DH_ECP_384, c.dh);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-sha384-modp3072-ecp256!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_3072, c.dh);
}

TEST(key_lengths_must_match)
{
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE, "aes128-sha256-modp2048!", 0, false,
	      &peer);
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_IKE,
				       "aes256-sha256-modp2048!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-aes128-sha256-modp2048!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(128, c.encr_key_bits);
	/* AES without its (mandatory) Key Length attribute matches nothing. */
	peer.tr[peer.prop[0].first].key_len = 0;
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_IKE,
				       "aes128-sha256-modp2048!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));
	/* ChaCha20-Poly1305 has none: a key length on it is another thing. */
	offer(_metadata, IKED_PROP_ESP, "chacha20poly1305!", 0, false, &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "chacha20poly1305!",
			    &peer, 0, &c));
	EXPECT_EQ(0, c.encr_key_bits);
	EXPECT_STREQ("CHACHA20_POLY1305/NO_EXT_SEQ", cfmt(&c));
	peer.tr[peer.prop[0].first].key_len = 256;
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "chacha20poly1305!", &peer, 0, &c));
}

TEST(aead_and_classic)
{
	struct ikev2_sa peer, sa;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE,
	      "aes128-sha256-ecp256, aes128gcm16-prfsha256-ecp256!",
	      IKED_PROP_DH_ECP_256, false, &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes128gcm16-prfsha256-ecp256!", &peer,
			    IKED_PROP_DH_ECP_256, &c));
	EXPECT_EQ(2, c.num);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, c.encr);
	EXPECT_EQ(0, c.integ);
	EXPECT_EQ(0, c.none_types);
	/* For IKE AEAD proposals the PRF is explicit. */
	EXPECT_EQ(IKED_PROP_PRF_HMAC_SHA2_256, c.prf);
	EXPECT_STREQ("AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256", cfmt(&c));
	ASSERT_EQ(0, ikev2_sa_from_chosen(&sa, &c, NULL, 0));
	EXPECT_STREQ("IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256", sfmt(&sa));

	/* A classic proposal of ours does not take the peer's AEAD one. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes128-sha256-ecp256!", &peer,
			    IKED_PROP_DH_ECP_256, &c));
	EXPECT_EQ(1, c.num);
	EXPECT_EQ(KESP_INTEG_HMAC_SHA2_256_128, c.integ);

	/* An AEAD proposal may say "integrity NONE": it comes back. */
	offer(_metadata, IKED_PROP_ESP, "aes256gcm16!", 0, false, &peer);
	ASSERT_EQ(0, ikev2_sa_add_transform(&peer, IKEV2_TR_INTEG,
					    KESP_INTEG_NONE, 0));
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "aes256gcm16!", &peer, 0,
			    &c));
	EXPECT_EQ(1u << IKEV2_TR_INTEG, c.none_types);
	EXPECT_STREQ("AES_GCM_16_256/NO_EXT_SEQ", cfmt(&c));
	ASSERT_EQ(0, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
	EXPECT_STREQ("ESP:AES_GCM_16_256/NONE/NO_EXT_SEQ", sfmt(&sa));

	/*
	 * AEAD and classic with real integrity in one proposal (3.3 wants
	 * two): no answer of one transform per type fits, so no match.
	 */
	offer(_metadata, IKED_PROP_ESP, "aes256gcm16!", 0, false, &peer);
	ASSERT_EQ(0, ikev2_sa_add_transform(&peer, IKEV2_TR_INTEG,
					    KESP_INTEG_HMAC_SHA2_256_128, 0));
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes256gcm16!", &peer, 0, &c));
}

TEST(esp_pfs)
{
	struct ikev2_sa peer, sa;
	struct iked_chosen c;

	/* Both want PFS with a common group. */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256-ecp256-modp2048!",
	      IKED_PROP_DH_MODP_2048, true, &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP,
			    "aes128-sha256-modp3072-ecp256-modp2048!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, c.dh);
	EXPECT_EQ(4, c.spi_len);
	EXPECT_EQ(0, memcmp(esp_spi_i, c.spi, 4));
	EXPECT_STREQ("AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ",
		     cfmt(&c));
	/* No common group. */
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128-sha256-modp3072!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));
	/* We want no PFS, the peer insists. */
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128-sha256!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));
	/* We insist, the peer proposes none (a rekey without KE). */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256!", 0, true, &peer);
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128-sha256-modp2048!", &peer, 0,
				       &c));
	/* Optional on our side: no PFS, no KE transform in the answer. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP,
			    "aes128-sha256-modp2048-none!", &peer, 0, &c));
	EXPECT_EQ(0, c.dh);
	EXPECT_EQ(0, c.none_types);
	ASSERT_EQ(0, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
	EXPECT_STREQ("ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ", sfmt(&sa));
}

TEST(esp_pfs_none)
{
	struct ikev2_sa peer, sa;
	struct iked_chosen c;

	/* The peer makes PFS optional; we have none: NONE, echoed (2.7). */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256-modp2048-none!",
	      IKED_PROP_DH_MODP_2048, true, &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "aes128-sha256!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(0, c.dh);
	EXPECT_EQ(1u << IKEV2_TR_KE, c.none_types);
	ASSERT_EQ(0, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
	EXPECT_STREQ("ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_NONE/NO_EXT_SEQ",
		     sfmt(&sa));
	/* We have PFS: the group, since the peer's KE is for it. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP,
			    "aes128-sha256-modp2048!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, c.dh);
	EXPECT_EQ(0, c.none_types);
	/* Both optional, no KE payload sent: NONE is the KE's "group". */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP,
			    "aes128-sha256-modp2048-none!", &peer, 0, &c));
	EXPECT_EQ(0, c.dh);
	EXPECT_EQ(1u << IKEV2_TR_KE, c.none_types);
	/* Both optional, KE payload sent: the group. */
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP,
			    "aes128-sha256-modp2048-none!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, c.dh);
	/* We insist on a group the peer lacks; its NONE does not do. */
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128-sha256-ecp256!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));
}

TEST(esp_ike_auth_ignores_ke)
{
	struct iked_prop_list l;
	struct ikev2_sa peer;
	struct iked_chosen c;

	props(_metadata, IKED_PROP_ESP, "aes128-sha256-modp2048!", &l);
	/* IKE_AUTH: no KE there, so esp='s groups are for rekeys only. */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256!", 0, false, &peer);
	EXPECT_EQ(-ENOPROTOOPT, ikev2_sa_select(&peer, &l, IKEV2_PROTO_ESP, 0,
						&c));
	ASSERT_EQ(0, ikev2_sa_select_no_ke(&peer, &l, &c));
	EXPECT_EQ(0, c.dh);
	EXPECT_EQ(0, c.none_types);
	/* A peer listing groups in IKE_AUTH anyway: ignored. */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256-ecp384!", 0, true,
	      &peer);
	ASSERT_EQ(0, ikev2_sa_select_no_ke(&peer, &l, &c));
	EXPECT_EQ(0, c.dh);
	EXPECT_STREQ("AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ", cfmt(&c));
	iked_prop_list_free(&l);
}

TEST(esn)
{
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_ESP, "aes128gcm16-noesn-esn!", 0, false,
	      &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "aes128gcm16-esn-noesn!",
			    &peer, 0, &c));
	EXPECT_EQ(IKED_PROP_ESN_YES, c.esn);
	EXPECT_STREQ("AES_GCM_16_128/EXT_SEQ", cfmt(&c));
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "aes128gcm16!", &peer,
			    0, &c));
	EXPECT_EQ(IKED_PROP_ESN_NO, c.esn);
	offer(_metadata, IKED_PROP_ESP, "aes128gcm16-noesn!", 0, false, &peer);
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128gcm16-esn!", &peer, 0, &c));
	/* ESN is a mandatory type of ESP proposals (3.3.3). */
	peer.prop[0].n_tr--;
	peer.n_tr--;
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_ESP,
				       "aes128gcm16!", &peer, 0, &c));
}

TEST(unknown_attributes_and_types)
{
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE, "aes256-aes128-sha256-modp2048!", 0,
	      false, &peer);
	/* A transform with an attribute we do not know is not offered. */
	peer.tr[0].unknown_attrs = 1;
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-aes128-sha256-modp2048!", &peer,
			    IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(128, c.encr_key_bits);
	peer.tr[1].unknown_attrs = 2;
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_IKE,
				       "aes256-aes128-sha256-modp2048!", &peer,
				       IKED_PROP_DH_MODP_2048, &c));

	/* A proposal with a type we do not know (RFC 9370 ADDKE1) is skipped. */
	offer(_metadata, IKED_PROP_IKE,
	      "aes256-sha256-modp2048, aes128-sha256-modp2048!", 0, false,
	      &peer);
	/* Append to proposal 1 by hand: move proposal 2 up one slot. */
	memmove(&peer.tr[peer.prop[1].first + 1], &peer.tr[peer.prop[1].first],
		peer.prop[1].n_tr * sizeof(peer.tr[0]));
	peer.tr[peer.prop[1].first].type = 6;
	peer.tr[peer.prop[1].first].id = 35;
	peer.tr[peer.prop[1].first].key_len = 0;
	peer.prop[0].n_tr++;
	peer.prop[1].first++;
	peer.n_tr++;
	EXPECT_STREQ("IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048/TYPE_6_35, IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
		     sfmt(&peer));
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-sha256-modp2048, aes128-sha256-modp2048!",
			    &peer, IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(2, c.num);
	/* ESN in an IKE proposal does not belong there either. */
	peer.tr[peer.prop[1].first - 1].type = IKEV2_TR_ESN;
	peer.tr[peer.prop[1].first - 1].id = 0;
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes256-sha256-modp2048, aes128-sha256-modp2048!",
			    &peer, IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(2, c.num);
}

TEST(no_match)
{
	struct iked_prop_list l;
	struct ikev2_sa peer;
	struct iked_chosen c;

	offer(_metadata, IKED_PROP_IKE, "3des-sha1-modp2048!", 0, false,
	      &peer);
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_IKE, NULL, &peer,
				       IKED_PROP_DH_MODP_2048, &c));
	/* An ESP offer is not an IKE one. */
	offer(_metadata, IKED_PROP_ESP, "aes128-sha256!", 0, false, &peer);
	EXPECT_EQ(-ENOPROTOOPT, choose(_metadata, IKED_PROP_IKE,
				       "aes128-sha256-modp2048!", &peer, 0,
				       &c));
	/* Our list for the wrong protocol is the caller's bug. */
	props(_metadata, IKED_PROP_ESP, "aes128-sha256!", &l);
	EXPECT_EQ(-EINVAL, ikev2_sa_select(&peer, &l, IKEV2_PROTO_IKE, 0, &c));
	iked_prop_list_free(&l);
}

TEST(defaults_meet_strongswan_defaults)
{
	struct ikev2_sa peer;
	struct iked_chosen c;

	/*
	 * strongSwan 5.9's default IKE proposal as it sends it; our
	 * defaults pick AES-128, SHA-256 and its guess, curve25519.
	 */
	offer(_metadata, IKED_PROP_IKE,
	      "aes128-aes192-aes256-sha256-sha384-sha512-sha1-prfsha256-prfsha384-prfsha512-prfsha1-curve25519-ecp256-ecp384-ecp521-modp3072-modp4096-modp6144-modp8192-modp2048!",
	      IKED_PROP_DH_CURVE25519, false, &peer);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE, NULL, &peer,
			    IKED_PROP_DH_CURVE25519, &c));
	EXPECT_STREQ("AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519",
		     cfmt(&c));
}

TEST(round_trip_through_the_wire)
{
	struct iked_prop_list ike, esp;
	struct ikev2_sa offered, rx, answer, answer_rx;
	struct iked_chosen r, i;
	char sent[2048];

	props(_metadata, IKED_PROP_IKE,
	      "aes256-sha384-ecp384, aes128gcm16-prfsha256-ecp256!", &ike);
	ASSERT_EQ(0, ikev2_sa_from_props(&offered, &ike, IKEV2_PROTO_IKE, NULL,
					 0, IKED_PROP_DH_ECP_256, false));
	wire(_metadata, &offered, &rx);
	strcpy(sent, sfmt(&offered));
	EXPECT_STREQ(sent, sfmt(&rx));
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_IKE,
			    "aes128gcm16-prfsha256-ecp256, aes256-sha384-ecp384!",
			    &rx, IKED_PROP_DH_ECP_256, &r));
	EXPECT_EQ(2, r.num);
	ASSERT_EQ(0, ikev2_sa_from_chosen(&answer, &r, NULL, 0));
	EXPECT_EQ(2, answer.prop[0].num);
	wire(_metadata, &answer, &answer_rx);
	ASSERT_EQ(0, ikev2_sa_check_reply(&answer_rx, &offered,
					  IKEV2_PROTO_IKE, &i));
	EXPECT_TRUE(chosen_eq(&r, &i));
	EXPECT_STREQ("AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256", cfmt(&i));

	/* ESP with optional PFS answered with NONE, SPIs both ways. */
	props(_metadata, IKED_PROP_ESP, "aes128-sha256-modp2048-none-esn!",
	      &esp);
	ASSERT_EQ(0, ikev2_sa_from_props(&offered, &esp, IKEV2_PROTO_ESP,
					 esp_spi_i, 4, IKED_PROP_DH_MODP_2048,
					 true));
	wire(_metadata, &offered, &rx);
	ASSERT_EQ(0, choose(_metadata, IKED_PROP_ESP, "aes128-sha256-esn!",
			    &rx, IKED_PROP_DH_MODP_2048, &r));
	EXPECT_EQ(0, memcmp(esp_spi_i, r.spi, 4));
	ASSERT_EQ(0, ikev2_sa_from_chosen(&answer, &r, esp_spi_r, 4));
	wire(_metadata, &answer, &answer_rx);
	ASSERT_EQ(0, ikev2_sa_check_reply(&answer_rx, &offered,
					  IKEV2_PROTO_ESP, &i));
	EXPECT_EQ(0, memcmp(esp_spi_r, i.spi, 4));
	EXPECT_EQ(0, i.dh);
	EXPECT_EQ(1u << IKEV2_TR_KE, i.none_types);
	EXPECT_EQ(IKED_PROP_ESN_YES, i.esn);
	EXPECT_STREQ("AES_CBC_128/HMAC_SHA2_256_128/EXT_SEQ", cfmt(&i));
	/* A responder that leaves the NONE out is understood too. */
	r.none_types = 0;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&answer, &r, esp_spi_r, 4));
	ASSERT_EQ(0, ikev2_sa_check_reply(&answer, &offered, IKEV2_PROTO_ESP,
					  &i));
	EXPECT_EQ(0, i.dh);
	iked_prop_list_free(&ike);
	iked_prop_list_free(&esp);
}

/* An IKE offer and a valid answer to it (proposal 2, AES-256). */
static void reply_setup(struct __test_metadata *_metadata,
			struct ikev2_sa *offered, struct ikev2_sa *reply)
{
	struct iked_chosen c = {
		.proto = IKEV2_PROTO_IKE, .num = 2,
		.encr = KESP_ENC_AES_CBC, .encr_key_bits = 256,
		.integ = KESP_INTEG_HMAC_SHA2_256_128,
		.prf = IKED_PROP_PRF_HMAC_SHA2_256,
		.dh = IKED_PROP_DH_MODP_2048,
	};
	struct iked_chosen out;

	offer(_metadata, IKED_PROP_IKE,
	      "aes128gcm16-prfsha256-ecp256, aes128-aes256-sha256-modp2048-ecp256!",
	      IKED_PROP_DH_ECP_256, false, offered);
	ASSERT_EQ(0, ikev2_sa_from_chosen(reply, &c, NULL, 0));
	ASSERT_EQ(0, ikev2_sa_check_reply(reply, offered, IKEV2_PROTO_IKE,
					  &out));
	EXPECT_TRUE(chosen_eq(&c, &out));
}

TEST(check_reply_rejects)
{
	struct ikev2_sa offered, reply, bad;
	struct iked_chosen out;

	reply_setup(_metadata, &offered, &reply);

	/* Two proposals. */
	bad = reply;
	ASSERT_EQ(0, ikev2_sa_add_proposal(&bad, IKEV2_PROTO_IKE, NULL, 0));
	ASSERT_EQ(0, ikev2_sa_add_transform(&bad, IKEV2_TR_ENCR,
					    KESP_ENC_AES_CBC, 128));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* A number we did not send. */
	bad = reply;
	bad.prop[0].num = 3;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* The number of the other proposal: its algorithms differ. */
	bad.prop[0].num = 1;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* An algorithm not offered in it: a key length... */
	bad = reply;
	bad.tr[0].key_len = 192;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* ...a group... */
	bad = reply;
	bad.tr[3].id = IKED_PROP_DH_MODP_3072;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* ...an attribute we never send. */
	bad = reply;
	bad.tr[1].unknown_attrs = 1;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* A missing type: no PRF. */
	bad = reply;
	bad.tr[2] = bad.tr[3];
	bad.prop[0].n_tr--;
	bad.n_tr--;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* An extra transform: a second group, offered but one too many. */
	bad = reply;
	ASSERT_EQ(0, ikev2_sa_add_transform(&bad, IKEV2_TR_KE,
					    IKED_PROP_DH_ECP_256, 0));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* An extra type: ESN in IKE. */
	bad = reply;
	ASSERT_EQ(0, ikev2_sa_add_transform(&bad, IKEV2_TR_ESN, 0, 0));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* An SPI in IKE_SA_INIT. */
	bad = reply;
	bad.prop[0].spi_len = 8;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&bad, &offered,
						 IKEV2_PROTO_IKE, &out));
	/* The wrong protocol. */
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&reply, &offered,
						 IKEV2_PROTO_ESP, &out));
}

TEST(check_reply_esp)
{
	struct ikev2_sa offered, reply;
	struct iked_chosen c = {
		.proto = IKEV2_PROTO_ESP, .num = 1, .spi_len = 4,
		.encr = KESP_ENC_AES_GCM_16, .encr_key_bits = 128,
		.dh = IKED_PROP_DH_ECP_256, .esn = IKED_PROP_ESN_NO,
	};
	struct iked_chosen out;

	offer(_metadata, IKED_PROP_ESP, "aes128gcm16-ecp256!",
	      IKED_PROP_DH_ECP_256, true, &offered);
	ASSERT_EQ(0, ikev2_sa_from_chosen(&reply, &c, esp_spi_r, 4));
	ASSERT_EQ(0, ikev2_sa_check_reply(&reply, &offered, IKEV2_PROTO_ESP,
					  &out));
	EXPECT_EQ(IKED_PROP_DH_ECP_256, out.dh);
	/* We insisted on PFS: an answer without the group is wrong. */
	c.dh = 0;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&reply, &c, esp_spi_r, 4));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&reply, &offered,
						 IKEV2_PROTO_ESP, &out));
	/* No PFS offered (IKE_AUTH): a group in the answer is wrong. */
	offer(_metadata, IKED_PROP_ESP, "aes128gcm16-ecp256!", 0, false,
	      &offered);
	EXPECT_EQ(0, ikev2_sa_check_reply(&reply, &offered, IKEV2_PROTO_ESP,
					  &out));
	c.dh = IKED_PROP_DH_ECP_256;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&reply, &c, esp_spi_r, 4));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&reply, &offered,
						 IKEV2_PROTO_ESP, &out));
	/* Integrity NONE with AEAD that we did not offer. */
	c.dh = 0;
	c.none_types = 1u << IKEV2_TR_INTEG;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&reply, &c, esp_spi_r, 4));
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&reply, &offered,
						 IKEV2_PROTO_ESP, &out));
	/* No ESN. */
	c.none_types = 0;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&reply, &c, esp_spi_r, 4));
	reply.prop[0].n_tr--;
	reply.n_tr--;
	EXPECT_EQ(-EBADMSG, ikev2_sa_check_reply(&reply, &offered,
						 IKEV2_PROTO_ESP, &out));
}

TEST(from_chosen_refuses)
{
	struct ikev2_sa sa;
	struct iked_chosen c = {
		.proto = IKEV2_PROTO_ESP, .num = 1,
		.encr = KESP_ENC_AES_GCM_16, .encr_key_bits = 128,
	};

	EXPECT_EQ(-EINVAL, ikev2_sa_from_chosen(&sa, &c, NULL, 0));
	EXPECT_EQ(0, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
	c.num = 0;
	EXPECT_EQ(-EINVAL, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
	c.num = 7;
	c.proto = IKEV2_PROTO_IKE;
	EXPECT_EQ(-EINVAL, ikev2_sa_from_chosen(&sa, &c, NULL, 0));
	c.prf = IKED_PROP_PRF_HMAC_SHA2_256;
	c.dh = IKED_PROP_DH_ECP_256;
	ASSERT_EQ(0, ikev2_sa_from_chosen(&sa, &c, NULL, 0));
	EXPECT_EQ(7, sa.prop[0].num);
	c.proto = IKEV2_PROTO_AH;
	EXPECT_EQ(-EINVAL, ikev2_sa_from_chosen(&sa, &c, esp_spi_r, 4));
}

TEST(formats)
{
	struct iked_chosen c = {
		.proto = IKEV2_PROTO_IKE, .encr = KESP_ENC_3DES_CBC,
		.integ = KESP_INTEG_HMAC_SHA1_96,
		.prf = IKED_PROP_PRF_HMAC_SHA1, .dh = IKED_PROP_DH_MODP_1024,
	};
	struct ikev2_sa sa;
	char small[12];

	EXPECT_STREQ("3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
		     cfmt(&c));
	c.encr = KESP_ENC_CHACHA20_POLY1305;
	c.integ = 0;
	c.prf = IKED_PROP_PRF_HMAC_SHA2_512;
	c.dh = IKED_PROP_DH_CURVE25519;
	EXPECT_STREQ("CHACHA20_POLY1305/PRF_HMAC_SHA2_512/CURVE_25519",
		     cfmt(&c));
	/* Unknown numbers stay readable. */
	c.encr = 1000;
	c.encr_key_bits = 128;
	c.prf = 99;
	c.dh = 4000;
	EXPECT_STREQ("ENCR_1000_128/PRF_99/KE_4000", cfmt(&c));
	/* Truncation keeps a terminated string. */
	EXPECT_STREQ("ENCR_1000_1", iked_chosen_format(&c, small,
							 sizeof(small)));

	/* Payload order does not matter: strongSwan's type order does. */
	memset(&sa, 0, sizeof(sa));
	ASSERT_EQ(0, ikev2_sa_add_proposal(&sa, IKEV2_PROTO_ESP, esp_spi_i,
					   4));
	ASSERT_EQ(0, ikev2_sa_add_transform(&sa, IKEV2_TR_ESN, 1, 0));
	ASSERT_EQ(0, ikev2_sa_add_transform(&sa, IKEV2_TR_INTEG, 12, 0));
	ASSERT_EQ(0, ikev2_sa_add_transform(&sa, IKEV2_TR_ENCR, 13, 256));
	ASSERT_EQ(0, ikev2_sa_add_transform(&sa, IKEV2_TR_ENCR, 23, 128));
	ASSERT_EQ(0, ikev2_sa_add_proposal(&sa, IKEV2_PROTO_AH, esp_spi_i, 4));
	ASSERT_EQ(0, ikev2_sa_add_transform(&sa, IKEV2_TR_INTEG, 5, 0));
	EXPECT_STREQ("ESP:AES_CTR_256/CAMELLIA_CBC_128/HMAC_SHA2_256_128/EXT_SEQ, AH:AES_XCBC_96",
		     sfmt(&sa));
	memset(&sa, 0, sizeof(sa));
	EXPECT_STREQ("", sfmt(&sa));
}

TEST_HARNESS_MAIN
