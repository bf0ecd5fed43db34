// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the Libreswan interop fixes: default ESP proposals
 * that take a rekey with and without PFS, the retry the other way, the
 * whole diagnosis line with advice in the peer's words, and the IKEv1
 * answer, byte for byte.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "iked/advice.h"
#include "iked/ikev1_reject.h"
#include "iked/vendor.h"
#include "iked/ikev2/ike.h"
#include "iked/ikev2/pfs.h"
#include "iked/ikev2/select.h"

static const uint8_t spi[4] = { 0xc0, 0, 0, 1 };

static void props(struct __test_metadata *_metadata,
		  enum iked_prop_proto proto, const char *s,
		  struct iked_prop_list *l)
{
	char err[1024] = "";

	ASSERT_EQ(0, iked_prop_parse(proto, s, l, err, sizeof(err))) {
		TH_LOG("%s: %s", s, err);
	}
}

/* The peer's CREATE_CHILD_SA offer, as @s configured on its side says. */
static void peer_offer(struct __test_metadata *_metadata, const char *s,
		       uint16_t ke, struct ikev2_sa *sa)
{
	struct iked_prop_list l;

	props(_metadata, IKED_PROP_ESP, s, &l);
	ASSERT_EQ(0, ikev2_sa_from_props(sa, &l, IKEV2_PROTO_ESP, spi, 4, ke,
					 ke != 0));
	iked_prop_list_free(&l);
}

/* Libreswan's pfs=yes rekey (KE MODP-2048), strongSwan 5's without KE. */
TEST(defaults_take_a_rekey_with_and_without_pfs)
{
	struct iked_prop_list ours;
	struct iked_chosen c;
	struct ikev2_sa peer;
	size_t i;

	props(_metadata, IKED_PROP_ESP, NULL, &ours);
	ASSERT_EQ(2, ours.n);
	for (i = 0; i < ours.n; i++) {
		EXPECT_LT(1, ours.props[i].n_dh);
		EXPECT_EQ(IKED_PROP_DH_NONE,
			  ours.props[i].dh[ours.props[i].n_dh - 1]);
	}
	EXPECT_TRUE(pfs_allows_none(&ours));
	EXPECT_TRUE(pfs_allows_group(&ours, IKED_PROP_DH_MODP_2048));
	EXPECT_TRUE(pfs_allows_group(&ours, IKED_PROP_DH_ECP_256));

	peer_offer(_metadata, "aes256gcm16-modp2048!", IKED_PROP_DH_MODP_2048,
		   &peer);
	ASSERT_EQ(0, ikev2_sa_select(&peer, &ours, IKEV2_PROTO_ESP,
				     IKED_PROP_DH_MODP_2048, &c));
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, c.dh);

	peer_offer(_metadata, "aes128-sha256!", 0, &peer);
	ASSERT_EQ(0, ikev2_sa_select(&peer, &ours, IKEV2_PROTO_ESP, 0, &c));
	EXPECT_EQ(0, c.dh);

	/* IKE_AUTH's CHILD SA offers no key exchange at all (1.2). */
	ASSERT_EQ(0, ikev2_sa_from_props(&peer, &ours, IKEV2_PROTO_ESP, spi,
					 4, 0, false));
	for (i = 0; i < peer.n_tr; i++)
		EXPECT_NE(IKEV2_TR_KE, peer.tr[i].type);
	iked_prop_list_free(&ours);
}

TEST(offer_group)
{
	struct iked_prop_list def, strict, nopfs;

	props(_metadata, IKED_PROP_ESP, NULL, &def);
	props(_metadata, IKED_PROP_ESP, "aes128gcm16-modp3072!", &strict);
	props(_metadata, IKED_PROP_ESP, "aes128gcm16!", &nopfs);
	/* After IKE_AUTH: the IKE SA's group, as pfs=yes wants it. */
	EXPECT_EQ(IKED_PROP_DH_MODP_2048,
		  pfs_offer_group(&def, 0, true, IKED_PROP_DH_MODP_2048));
	/* A rekey keeps what the SA it replaces agreed on. */
	EXPECT_EQ(IKED_PROP_DH_ECP_256,
		  pfs_offer_group(&def, IKED_PROP_DH_ECP_256, false,
				  IKED_PROP_DH_MODP_2048));
	EXPECT_EQ(0, pfs_offer_group(&def, 0, false, IKED_PROP_DH_MODP_2048));
	EXPECT_EQ(IKED_PROP_DH_MODP_3072,
		  pfs_offer_group(&strict, 0, true, IKED_PROP_DH_MODP_2048));
	EXPECT_EQ(0, pfs_offer_group(&nopfs, 0, true, IKED_PROP_DH_MODP_2048));
	iked_prop_list_free(&def);
	iked_prop_list_free(&strict);
	iked_prop_list_free(&nopfs);
}

TEST(retry_decision)
{
	struct iked_prop_list def, strict, nopfs;
	uint16_t next = 0;

	props(_metadata, IKED_PROP_ESP, NULL, &def);
	props(_metadata, IKED_PROP_ESP, "aes128gcm16-modp2048!", &strict);
	props(_metadata, IKED_PROP_ESP, "aes128gcm16!", &nopfs);
	/* PFS refused (strongSwan without a group): without. */
	EXPECT_EQ(PFS_RETRIED_FLIP,
		  pfs_retry(&def, IKED_PROP_DH_MODP_2048,
			    IKEV2_N_NO_PROPOSAL_CHOSEN, 0,
			    IKED_PROP_DH_MODP_2048, 0, &next));
	EXPECT_EQ(PFS_NONE, next);
	/* No PFS refused (Libreswan's pfs=yes): with the IKE SA's group. */
	EXPECT_EQ(PFS_RETRIED_FLIP,
		  pfs_retry(&def, 0, IKEV2_N_NO_PROPOSAL_CHOSEN, 0,
			    IKED_PROP_DH_MODP_2048, 0, &next));
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, next);
	/* Each way once: then it is a mismatch. */
	EXPECT_EQ(0, pfs_retry(&def, IKED_PROP_DH_MODP_2048,
			       IKEV2_N_NO_PROPOSAL_CHOSEN, 0,
			       IKED_PROP_DH_MODP_2048, PFS_RETRIED_FLIP,
			       &next));
	/* INVALID_KE: the group asked for, once. */
	EXPECT_EQ(PFS_RETRIED_GROUP,
		  pfs_retry(&def, IKED_PROP_DH_ECP_256,
			    IKEV2_N_INVALID_KE_PAYLOAD,
			    IKED_PROP_DH_MODP_3072, IKED_PROP_DH_MODP_2048, 0,
			    &next));
	EXPECT_EQ(IKED_PROP_DH_MODP_3072, next);
	/* A group esp= does not list: without KE if esp= allows. */
	EXPECT_EQ(PFS_RETRIED_FLIP,
		  pfs_retry(&def, IKED_PROP_DH_ECP_256,
			    IKEV2_N_INVALID_KE_PAYLOAD, 2, 0, 0, &next));
	EXPECT_EQ(PFS_NONE, next);
	/* Strict lists: no way that esp= refuses. */
	EXPECT_EQ(0, pfs_retry(&strict, IKED_PROP_DH_MODP_2048,
			       IKEV2_N_NO_PROPOSAL_CHOSEN, 0, 0, 0, &next));
	EXPECT_EQ(0, pfs_retry(&nopfs, 0, IKEV2_N_NO_PROPOSAL_CHOSEN, 0,
			       IKED_PROP_DH_MODP_2048, 0, &next));
	/* Not a refusal of proposals: nothing to try. */
	EXPECT_EQ(0, pfs_retry(&def, 0, IKEV2_N_TS_UNACCEPTABLE, 0,
			       IKED_PROP_DH_MODP_2048, 0, &next));
	iked_prop_list_free(&def);
	iked_prop_list_free(&strict);
	iked_prop_list_free(&nopfs);
}

TEST(vendor_ids)
{
	static const uint8_t ss[16] = {
		0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
		0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb,
	};
	static const char ls[] = "OE-Libreswan-4.10";
	static const uint8_t dpd[16] = {
		0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
		0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
	};

	EXPECT_EQ(IKED_PEER_STRONGSWAN, iked_vendor_product(ss, sizeof(ss)));
	EXPECT_EQ(IKED_PEER_LIBRESWAN,
		  iked_vendor_product((const uint8_t *)ls, sizeof(ls) - 1));
	EXPECT_EQ(IKED_PEER_UNKNOWN, iked_vendor_product(dpd, sizeof(dpd)));
	EXPECT_EQ(IKED_PEER_UNKNOWN, iked_vendor_product(ss, 3));
}

/*
 * As responder to Libreswan's rekey with PFS, with esp= strict and
 * without groups: one line, whole however many proposals, naming PFS,
 * every proposal we accept, and the fix on both sides.
 */
TEST(diagnosis_line_whole)
{
	struct iked_conf_conn cc = { .name = "gw" };
	struct iked_conf conf = { .conns = &cc, .n_conns = 1 };
	struct iked_conn conn = { .cfg = &cc };
	struct iked d = { .conf = &conf, .conns = &conn, .n_conns = 1 };
	struct ike_sa sa = { .d = &d, .conn = &cc, .no = 3,
			     .product = IKED_PEER_LIBRESWAN };
	struct ikev2_sa peer;
	char esp[4096] = "", one[64];
	const char *e;
	int i;

	/* 12 proposals of ours, the last one unlike the others. */
	for (i = 0; i < 9; i++) {
		snprintf(one, sizeof(one), "%saes%d-sha%d", i ? "," : "",
			 128 + 64 * (i % 3), 256 + 128 * (i / 3));
		strcat(esp, one);
	}
	strcat(esp, ",aes128gcm16,aes256gcm16,chacha20poly1305!");
	props(_metadata, IKED_PROP_ESP, esp, &cc.esp);
	peer_offer(_metadata, "aes256gcm16-aes128gcm16-modp2048-modp3072-ecp256!",
		   IKED_PROP_DH_MODP_2048, &peer);
	child_diag_respond(&sa, &peer, IKED_PROP_DH_MODP_2048, true);
	e = conn.last_error;
	ASSERT_NE(NULL, e);
	TH_LOG("%zu bytes: %s", strlen(e), e);
	EXPECT_LT(511, strlen(e));
	EXPECT_NE(NULL, strstr(e, "PFS"));
	EXPECT_NE(NULL, strstr(e, "we accept aes128-sha256-noesn, aes192-sha256-noesn,"));
	EXPECT_NE(NULL, strstr(e, ", chacha20poly1305-noesn;"));
	EXPECT_NE(NULL, strstr(e, "fix: here"));
	EXPECT_NE(NULL, strstr(e, "on the peer (Libreswan): pfs=no"));
	/* Its end is there: the strongSwan words are not, it is Libreswan. */
	EXPECT_EQ(NULL, strstr(e, "esp_proposals"));
	EXPECT_STREQ("in its conn", e + strlen(e) - strlen("in its conn"));
	free(conn.last_error);
	iked_prop_list_free(&cc.esp);
}

TEST(advice_words)
{
	char *s;

	s = iked_advice_pfs(IKED_PEER_STRONGSWAN, false, IKED_PROP_DH_ECP_256);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "add -ecp256 to its esp_proposals"));
	EXPECT_EQ(NULL, strstr(s, "pfs="));
	free(s);
	s = iked_advice_pfs(IKED_PEER_UNKNOWN, true, IKED_PROP_DH_MODP_2048);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "Libreswan: pfs=no"));
	EXPECT_NE(NULL, strstr(s, "strongSwan: drop -modp2048"));
	free(s);
	s = iked_advice_ikev1(IKED_PEER_LIBRESWAN);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "ikev2=insist"));
	EXPECT_EQ(NULL, strstr(s, "keyexchange"));
	free(s);
	s = iked_advice_ikev1(IKED_PEER_STRONGSWAN);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "keyexchange=ikev2"));
	EXPECT_NE(NULL, strstr(s, "version = 2"));
	free(s);
}

/* Main Mode's first message: SA payload (empty body here), a Libreswan VID. */
static size_t main_mode(uint8_t *b, uint8_t exch, uint8_t flags)
{
	static const char vid[] = "OE-Libreswan-4.10";
	size_t vl = sizeof(vid) - 1, len = 28 + 4 + 4 + vl;

	memset(b, 0, len);
	memcpy(b, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	b[16] = 1;			/* SA */
	b[17] = 0x10;
	b[18] = exch;
	b[19] = flags;
	b[27] = (uint8_t)len;
	b[28] = 13;			/* next: VID */
	b[31] = 4;
	b[35] = (uint8_t)(4 + vl);
	memcpy(b + 36, vid, vl);
	return len;
}

TEST(ikev1_answer_bytes)
{
	static const uint8_t want[IKEV1_REJECT_LEN] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,	/* I cookie */
		0, 0, 0, 0, 0, 0, 0, 0,				/* R cookie */
		11, 0x10, 5, 0,		/* next N, 1.0, INFORMATIONAL, flags */
		0, 0, 0, 0,		/* message ID */
		0, 0, 0, 40,		/* length */
		0, 0, 0, 12,		/* N: next, reserved, length */
		0, 0, 0, 1,		/* DOI IPsec */
		1, 0, 0, 5,		/* ISAKMP, SPI size 0, INVALID_MAJOR_VERSION */
	};
	uint8_t req[128], out[64];
	size_t len;

	len = main_mode(req, 2, 0);
	EXPECT_EQ(IKED_PEER_LIBRESWAN, ikev1_vendor_product(req, len));
	ASSERT_EQ(sizeof(want),
		  ikev1_reject_build(req, len, IKEV1_N_INVALID_MAJOR_VERSION,
				     out, sizeof(out)));
	EXPECT_EQ(0, memcmp(want, out, sizeof(want)));
	/* Aggressive Mode too. */
	len = main_mode(req, 4, 0);
	EXPECT_EQ(sizeof(want),
		  ikev1_reject_build(req, len, IKEV1_N_INVALID_MAJOR_VERSION,
				     out, sizeof(out)));
	/* Never an INFORMATIONAL, an encrypted message, a later message. */
	len = main_mode(req, 5, 0);
	EXPECT_EQ(0, ikev1_reject_build(req, len, 5, out, sizeof(out)));
	len = main_mode(req, 2, 1);
	EXPECT_EQ(0, ikev1_reject_build(req, len, 5, out, sizeof(out)));
	len = main_mode(req, 2, 0);
	req[8] = 1;
	EXPECT_EQ(0, ikev1_reject_build(req, len, 5, out, sizeof(out)));
	/* A length that is not the datagram's, a short datagram. */
	req[8] = 0;
	EXPECT_EQ(0, ikev1_reject_build(req, len - 1, 5, out, sizeof(out)));
	EXPECT_EQ(0, ikev1_reject_build(req, 20, 5, out, sizeof(out)));
	EXPECT_EQ(IKED_PEER_UNKNOWN, ikev1_vendor_product(req, 30));
}

TEST_HARNESS_MAIN
