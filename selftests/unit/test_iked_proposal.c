// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of kesp-iked's strongSwan proposal strings: IDs, defaults, refusals. */

#include <errno.h>
#include <string.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "iked/proposal.h"

static int parse(enum iked_prop_proto proto, const char *s,
		 struct iked_prop_list *l, char *err, size_t len)
{
	err[0] = '\0';
	return iked_prop_parse(proto, s, l, err, len);
}

static const char *fmt(const struct iked_prop *p)
{
	static char buf[512];

	return iked_prop_format(p, buf, sizeof(buf));
}

TEST(ike_cbc_sha256_modp2048)
{
	struct iked_prop_list l;
	struct iked_prop *p;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes256-sha256-modp2048", &l, err,
			   sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(IKED_PROP_IKE, l.proto);
	EXPECT_EQ(0, l.strict);
	EXPECT_EQ(1, l.n_configured);
	/* Without "!" kesp's two default proposals follow. */
	EXPECT_EQ(3, l.n);
	p = &l.props[0];
	ASSERT_EQ(1, p->n_encr);
	EXPECT_EQ(KESP_ENC_AES_CBC, p->encr[0].id);
	EXPECT_EQ(256, p->encr[0].key_bits);
	ASSERT_EQ(1, p->n_integ);
	EXPECT_EQ(KESP_INTEG_HMAC_SHA2_256_128, p->integ[0]);
	/* The PRF comes from the integrity algorithm, as in strongSwan. */
	ASSERT_EQ(1, p->n_prf);
	EXPECT_EQ(IKED_PROP_PRF_HMAC_SHA2_256, p->prf[0]);
	ASSERT_EQ(1, p->n_dh);
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, p->dh[0]);
	EXPECT_EQ(0, p->n_esn);
	EXPECT_EQ(0, p->aead);
	EXPECT_STREQ("aes256-sha256-prfsha256-modp2048", fmt(p));
	iked_prop_list_free(&l);
}

TEST(ike_gcm_with_prf)
{
	struct iked_prop_list l;
	struct iked_prop *p;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes128gcm16-prfsha256-ecp256", &l,
			   err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	p = &l.props[0];
	ASSERT_EQ(1, p->n_encr);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, p->encr[0].id);
	EXPECT_EQ(128, p->encr[0].key_bits);
	EXPECT_EQ(0, p->n_integ);
	EXPECT_EQ(1, p->aead);
	ASSERT_EQ(1, p->n_prf);
	EXPECT_EQ(IKED_PROP_PRF_HMAC_SHA2_256, p->prf[0]);
	ASSERT_EQ(1, p->n_dh);
	EXPECT_EQ(IKED_PROP_DH_ECP_256, p->dh[0]);
	iked_prop_list_free(&l);

	/* GCM aliases strongSwan accepts: ICV in bytes, in bits, or none. */
	ASSERT_EQ(0, parse(IKED_PROP_IKE,
			   "aes256gcm128-aes256gcm-aes192gcm16-prfsha384-ecp384!",
			   &l, err, sizeof(err)));
	p = &l.props[0];
	ASSERT_EQ(2, p->n_encr);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, p->encr[0].id);
	EXPECT_EQ(256, p->encr[0].key_bits);
	EXPECT_EQ(192, p->encr[1].key_bits);
	EXPECT_STREQ("aes256gcm16-aes192gcm16-prfsha384-ecp384", fmt(p));
	iked_prop_list_free(&l);
}

TEST(aead_integrity_words_give_the_prf_then_go)
{
	struct iked_prop_list l;
	char err[1024];

	/* strongSwan derives the PRF before it drops integrity from AEAD. */
	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes256gcm16-sha384-ecp384!", &l,
			   err, sizeof(err)));
	EXPECT_EQ(0, l.props[0].n_integ);
	ASSERT_EQ(1, l.props[0].n_prf);
	EXPECT_EQ(IKED_PROP_PRF_HMAC_SHA2_384, l.props[0].prf[0]);
	iked_prop_list_free(&l);
	ASSERT_EQ(0, parse(IKED_PROP_ESP, "aes128gcm16-sha256!", &l, err,
			   sizeof(err)));
	EXPECT_EQ(0, l.props[0].n_integ);
	iked_prop_list_free(&l);
}

TEST(chacha20poly1305_x25519)
{
	struct iked_prop_list l;
	struct iked_prop *p;
	char err[1024];

	/*
	 * An AEAD IKE proposal has no integrity to take a PRF from:
	 * strongSwan refuses it, and so does kesp.
	 */
	EXPECT_EQ(-EINVAL, parse(IKED_PROP_IKE, "chacha20poly1305-x25519", &l,
				 err, sizeof(err)));
	EXPECT_STREQ("\"chacha20poly1305-x25519\" has no PRF: an AEAD IKE proposal must name one, e.g. prfsha256",
		     err);
	ASSERT_EQ(0, parse(IKED_PROP_IKE, "chacha20poly1305-prfsha256-x25519",
			   &l, err, sizeof(err)));
	p = &l.props[0];
	EXPECT_EQ(KESP_ENC_CHACHA20_POLY1305, p->encr[0].id);
	EXPECT_EQ(0, p->encr[0].key_bits);
	EXPECT_EQ(IKED_PROP_DH_CURVE25519, p->dh[0]);
	EXPECT_STREQ("chacha20poly1305-prfsha256-curve25519", fmt(p));
	iked_prop_list_free(&l);

	/* For ESP the group is PFS; ESN defaults to off. */
	ASSERT_EQ(0, parse(IKED_PROP_ESP, "chacha20poly1305-x25519", &l, err,
			   sizeof(err)));
	p = &l.props[0];
	EXPECT_EQ(KESP_ENC_CHACHA20_POLY1305, p->encr[0].id);
	EXPECT_EQ(0, p->n_prf);
	ASSERT_EQ(1, p->n_dh);
	EXPECT_EQ(IKED_PROP_DH_CURVE25519, p->dh[0]);
	ASSERT_EQ(1, p->n_esn);
	EXPECT_EQ(IKED_PROP_ESN_NO, p->esn[0]);
	iked_prop_list_free(&l);
}

TEST(several_proposals_in_order)
{
	struct iked_prop_list l;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_IKE,
			   "aes128-sha1-modp2048, aes256-sha512-ecp384", &l, err,
			   sizeof(err)));
	EXPECT_EQ(2, l.n_configured);
	EXPECT_STREQ("aes128-sha1-prfsha1-modp2048", fmt(&l.props[0]));
	EXPECT_STREQ("aes256-sha512-prfsha512-ecp384", fmt(&l.props[1]));
	EXPECT_EQ(4, l.n);
	iked_prop_list_free(&l);

	/* Several of a kind in one proposal, preference kept. */
	ASSERT_EQ(0, parse(IKED_PROP_IKE,
			   "aes128-aes256-sha256-sha1-modp3072-ecp256-modp2048!",
			   &l, err, sizeof(err)));
	EXPECT_STREQ("aes128-aes256-sha256-sha1-prfsha256-prfsha1-modp3072-ecp256-modp2048",
		     fmt(&l.props[0]));
	iked_prop_list_free(&l);
}

TEST(strict_means_no_defaults)
{
	struct iked_prop_list l;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes256-sha256-modp2048!", &l, err,
			   sizeof(err)));
	EXPECT_EQ(1, l.strict);
	EXPECT_EQ(1, l.n);
	EXPECT_EQ(1, l.n_configured);
	iked_prop_list_free(&l);
	ASSERT_EQ(0, parse(IKED_PROP_ESP, " aes128gcm16-ecp256 ! ", &l, err,
			   sizeof(err)));
	EXPECT_EQ(1, l.strict);
	EXPECT_EQ(1, l.n);
	iked_prop_list_free(&l);
}

TEST(defaults)
{
	struct iked_prop_list l;
	char err[1024];
	size_t i;

	ASSERT_EQ(0, parse(IKED_PROP_IKE, NULL, &l, err, sizeof(err)));
	EXPECT_EQ(0, l.n_configured);
	ASSERT_EQ(2, l.n);
	EXPECT_STREQ("aes128-aes192-aes256-sha256-sha384-sha512-sha1-prfsha256-prfsha384-prfsha512-prfsha1-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048",
		     fmt(&l.props[0]));
	EXPECT_STREQ("aes128gcm16-aes192gcm16-aes256gcm16-chacha20poly1305-prfsha256-prfsha384-prfsha512-prfsha1-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048",
		     fmt(&l.props[1]));
	/* Defaults are never weak. */
	EXPECT_EQ(0, iked_prop_weak(&l, err, sizeof(err)));
	for (i = 0; i < l.n; i++)
		EXPECT_NE(IKED_PROP_DH_MODP_1024, l.props[i].dh[0]);
	iked_prop_list_free(&l);

	ASSERT_EQ(0, parse(IKED_PROP_ESP, "", &l, err, sizeof(err)));
	ASSERT_EQ(2, l.n);
	/* Every group and none: a rekey with PFS or without (strongSwan 6). */
	EXPECT_STREQ("aes128gcm16-aes192gcm16-aes256gcm16-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048-none-noesn",
		     fmt(&l.props[0]));
	EXPECT_STREQ("aes128-aes192-aes256-sha256-sha384-sha512-sha1-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048-none-noesn",
		     fmt(&l.props[1]));
	iked_prop_list_free(&l);

	/* A configured proposal equal to a default is not offered twice. */
	ASSERT_EQ(0, parse(IKED_PROP_ESP, "aes128gcm16-aes192gcm16-aes256gcm16-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048-none",
			   &l, err, sizeof(err)));
	EXPECT_EQ(2, l.n);
	iked_prop_list_free(&l);
}

TEST(esp_pfs_and_esn)
{
	struct iked_prop_list l;
	struct iked_prop *p;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_ESP, "aes256-sha256-modp2048-esn-noesn!",
			   &l, err, sizeof(err)));
	p = &l.props[0];
	EXPECT_EQ(KESP_ENC_AES_CBC, p->encr[0].id);
	EXPECT_EQ(KESP_INTEG_HMAC_SHA2_256_128, p->integ[0]);
	EXPECT_EQ(0, p->n_prf);
	EXPECT_EQ(IKED_PROP_DH_MODP_2048, p->dh[0]);
	ASSERT_EQ(2, p->n_esn);
	EXPECT_EQ(IKED_PROP_ESN_YES, p->esn[0]);
	EXPECT_EQ(IKED_PROP_ESN_NO, p->esn[1]);
	EXPECT_STREQ("aes256-sha256-modp2048-esn-noesn", fmt(p));
	iked_prop_list_free(&l);

	/* Every ESP algorithm kesp.ko has, CCM and 3DES included. */
	ASSERT_EQ(0, parse(IKED_PROP_ESP,
			   "aes128ccm16-aes256ccm128,3des-md5,aes-sha2_512,null-sha1,aes192-sha384-none!",
			   &l, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(5, l.n);
	EXPECT_STREQ("aes128ccm16-aes256ccm16-noesn", fmt(&l.props[0]));
	EXPECT_STREQ("3des-md5-noesn", fmt(&l.props[1]));
	EXPECT_STREQ("aes128-sha512-noesn", fmt(&l.props[2]));
	EXPECT_STREQ("null-sha1-noesn", fmt(&l.props[3]));
	EXPECT_STREQ("aes192-sha384-none-noesn", fmt(&l.props[4]));
	iked_prop_list_free(&l);
}

TEST(weak_algorithms_are_reported)
{
	struct iked_prop_list l;
	char err[1024], weak[256];

	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes128-md5-modp1024,aes128-sha1-modp1536",
			   &l, err, sizeof(err)));
	EXPECT_EQ(4, iked_prop_weak(&l, weak, sizeof(weak)));
	EXPECT_STREQ("md5, prfmd5, modp1024, modp1536", weak);
	EXPECT_EQ(IKED_PROP_DH_MODP_1024, l.props[0].dh[0]);
	EXPECT_EQ(IKED_PROP_PRF_HMAC_MD5, l.props[0].prf[0]);
	iked_prop_list_free(&l);
	ASSERT_EQ(0, parse(IKED_PROP_IKE, "aes128-sha256-ecp256", &l, err,
			   sizeof(err)));
	EXPECT_EQ(0, iked_prop_weak(&l, weak, sizeof(weak)));
	EXPECT_STREQ("", weak);
	iked_prop_list_free(&l);
}

struct bad {
	enum iked_prop_proto proto;
	const char *s;
	const char *msg;
};

TEST(refusals_name_the_word_and_what_would_do)
{
	static const struct bad bad[] = {
		{ IKED_PROP_IKE, "aes257-sha256-modp2048",
		  "unknown algorithm \"aes257\"; did you mean aes256?" },
		{ IKED_PROP_IKE, "aes256-sha265-modp2048",
		  "unknown algorithm \"sha265\"; did you mean sha256?" },
		{ IKED_PROP_IKE, "aes256-sha256-modp2049",
		  "unknown algorithm \"modp2049\"; did you mean modp2048?" },
		{ IKED_PROP_IKE, "aes128-sha256",
		  "\"aes128-sha256\" has no DH group, which every IKE proposal needs: add one, e.g. ecp256 or modp3072" },
		{ IKED_PROP_IKE, "aes128-modp2048",
		  "\"aes128-modp2048\" has no integrity algorithm, which IKE with classic (non-AEAD) encryption needs: add one, e.g. sha256" },
		{ IKED_PROP_ESP, "aes128",
		  "\"aes128\" has no integrity algorithm, which ESP with classic (non-AEAD) encryption needs: add one, e.g. sha256" },
		{ IKED_PROP_IKE, "sha256-modp2048",
		  "\"sha256-modp2048\" has no encryption algorithm, which every IKE proposal needs, e.g. aes128gcm16 or aes128-sha256" },
		{ IKED_PROP_IKE, "aes128gcm16-aes128-sha256-prfsha256-modp2048",
		  "\"aes128gcm16-aes128-sha256-prfsha256-modp2048\" mixes AEAD (aes128gcm16) and classic (aes128) encryption: write them as two proposals separated by a comma" },
		{ IKED_PROP_IKE, "aes128-sha256-modp2048,,aes256-sha256-modp2048",
		  "empty proposal in \"aes128-sha256-modp2048,,aes256-sha256-modp2048\": proposals are separated by single commas" },
		{ IKED_PROP_IKE, "aes128--sha256-modp2048",
		  "empty algorithm name in \"aes128--sha256-modp2048\"" },
		{ IKED_PROP_IKE, "aes128-sha256-modp2048!,aes256-sha256-modp2048",
		  "\"!\" (strict) may only end the whole list, e.g. aes256-sha256-modp3072,aes128-sha256-modp2048!" },
		{ IKED_PROP_IKE, "!", "\"!\" with no proposal before it" },
		{ IKED_PROP_IKE, "aes128-sha256-esn-modp2048",
		  "\"esn\" belongs in esp=, not ike=: IKE SAs have no ESN" },
		{ IKED_PROP_ESP, "aes128-sha256-prfsha256",
		  "\"prfsha256\" belongs in ike=, not esp=: ESP has no PRF" },
		{ IKED_PROP_IKE, "aes128ccm16-prfsha256-ecp256",
		  "\"aes128ccm16\" is for esp= only: kesp-iked does not use it for IKE" },
		{ IKED_PROP_IKE, "camellia128-sha256-modp2048",
		  "\"camellia128\" is not supported: Camellia is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
		{ IKED_PROP_ESP, "aes128gcm8",
		  "\"aes128gcm8\" is not supported: only AES-GCM with a 16-byte ICV is supported, e.g. aes128gcm16" },
		{ IKED_PROP_IKE, "aes128-aesxcbc-modp2048",
		  "\"aesxcbc\" is not supported: AES-XCBC is not supported; use sha256" },
		{ IKED_PROP_IKE, "aes128-sha256-ecp256bp",
		  "\"ecp256bp\" is not supported: Brainpool curves are not supported; use ecp256, ecp384 or ecp521" },
		{ IKED_PROP_IKE, "aes128-sha256-modp768",
		  "\"modp768\" is not supported: MODP-768 is broken; use modp2048 or better" },
		{ IKED_PROP_IKE, "des-sha1-modp2048",
		  "\"des\" is not supported: single DES is broken; use aes128 or better" },
		{ IKED_PROP_IKE, "aes128-sha256-none",
		  "\"aes128-sha256-none\" has no DH group, which every IKE proposal needs: add one, e.g. ecp256 or modp3072" },
		{ IKED_PROP_IKE, "aes128-sha256-ecp256-kyber3",
		  "\"kyber3\" is not supported: post-quantum key exchanges are not supported" },
	};
	struct iked_prop_list l;
	char err[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, parse(bad[i].proto, bad[i].s, &l, err,
					 sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i].s);
			iked_prop_list_free(&l);
			continue;
		}
		EXPECT_STREQ(bad[i].msg, err);
	}
}

TEST(unknown_word_lists_what_is_accepted)
{
	struct iked_prop_list l;
	char err[1024];

	EXPECT_EQ(-EINVAL, parse(IKED_PROP_IKE, "rot13-sha256-modp2048", &l,
				 err, sizeof(err)));
	EXPECT_STREQ("unknown algorithm \"rot13\": expected encryption (aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16, chacha20poly1305, 3des), integrity (sha1, sha256, sha384, sha512, md5), PRF (prfsha1, prfsha256, prfsha384, prfsha512, prfmd5) or DH group (modp2048, modp3072, modp4096, modp6144, modp8192, ecp256, ecp384, ecp521, curve25519, modp1024, modp1536)",
		     err);
	EXPECT_EQ(-EINVAL, parse(IKED_PROP_ESP, "rot13", &l, err, sizeof(err)));
	EXPECT_STREQ("unknown algorithm \"rot13\": expected encryption (aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16, chacha20poly1305, 3des, aes128ccm16, aes192ccm16, aes256ccm16, null), integrity (sha1, sha256, sha384, sha512, md5), DH group for PFS (modp2048, modp3072, modp4096, modp6144, modp8192, ecp256, ecp384, ecp521, curve25519, modp1024, modp1536, none) or esn/noesn",
		     err);
	/* A very long word is cut in the message, not overrun. */
	EXPECT_EQ(-EINVAL, parse(IKED_PROP_IKE,
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-sha256-modp2048",
				 &l, err, sizeof(err)));
	EXPECT_STREQ("unknown algorithm \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"",
		     err);
}

TEST(case_and_blanks)
{
	struct iked_prop_list l;
	char err[1024];

	ASSERT_EQ(0, parse(IKED_PROP_IKE, "AES256 - SHA256 - MODP2048 !", &l,
			   err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_STREQ("aes256-sha256-prfsha256-modp2048", fmt(&l.props[0]));
	iked_prop_list_free(&l);
}

TEST(repeats_collapse)
{
	struct iked_prop_list l;
	char err[1024], s[2048];
	size_t used = 0;
	int i;

	/*
	 * Fewer distinct words exist than IKED_PROP_MAX_ALGS allows, so a
	 * long list can only repeat itself: it must not fill the array.
	 */
	for (i = 0; i < 40; i++)
		used += (size_t)snprintf(s + used, sizeof(s) - used,
					 "aes128-aes-");
	snprintf(s + used, sizeof(s) - used, "sha256-sha2_256-modp2048!");
	ASSERT_EQ(0, parse(IKED_PROP_IKE, s, &l, err, sizeof(err)));
	EXPECT_EQ(1, l.props[0].n_encr);
	EXPECT_EQ(1, l.props[0].n_integ);
	iked_prop_list_free(&l);
}

TEST(names)
{
	char buf[64];

	EXPECT_STREQ("aes128", iked_prop_alg_name(IKED_PROP_ENCR, KESP_ENC_AES_CBC,
						  128, buf, sizeof(buf)));
	EXPECT_STREQ("aes256gcm16", iked_prop_alg_name(IKED_PROP_ENCR,
						       KESP_ENC_AES_GCM_16, 256,
						       buf, sizeof(buf)));
	EXPECT_STREQ("sha1", iked_prop_alg_name(IKED_PROP_INTEG,
						KESP_INTEG_HMAC_SHA1_96, 0, buf,
						sizeof(buf)));
	EXPECT_STREQ("curve25519", iked_prop_alg_name(IKED_PROP_DH, 31, 0, buf,
						      sizeof(buf)));
	EXPECT_STREQ("DH group-99", iked_prop_alg_name(IKED_PROP_DH, 99, 0, buf,
						       sizeof(buf)));
	EXPECT_STREQ("encryption algorithm-12/64",
		     iked_prop_alg_name(IKED_PROP_ENCR, KESP_ENC_AES_CBC, 64, buf,
					sizeof(buf)));
}

TEST(small_error_buffer_is_not_overrun)
{
	struct iked_prop_list l;
	char err[16];

	EXPECT_EQ(-EINVAL, parse(IKED_PROP_IKE, "rot13", &l, err, sizeof(err)));
	EXPECT_EQ(15, strlen(err));
}

TEST_HARNESS_MAIN
