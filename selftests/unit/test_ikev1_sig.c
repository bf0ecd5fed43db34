// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 signature authentication's pieces (RFC 2409 5.1): the SIG is
 * PKCS#1 v1.5 type 1 over the raw HASH, no DigestInfo (what
 * strongSwan's and Libreswan's "private encrypt" make: recovering it
 * with the public key gives the HASH back); ECDSA r|s over the same raw
 * HASH (RFC 4754, as strongSwan signs); and
 * SKEYID = prf(Ni_b | Nr_b, g^xy) for signatures; and which IKEv1 conns
 * may use them.
 */

#include <errno.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/crypto/auth/sig.h"
#include "iked/ikev1/keys.h"

TEST(sig_is_raw_pkcs1_over_the_hash)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	uint8_t hash[32], sig[512], back[512];
	size_t len, blen = sizeof(back);
	EVP_PKEY_CTX *ctx;

	ASSERT_NE(NULL, k);
	ASSERT_NE(NULL, other);
	memset(hash, 0xa5, sizeof(hash));
	ASSERT_EQ(0, iked_sig_v1_sign(k, hash, sizeof(hash), sig, sizeof(sig),
				      &len));
	EXPECT_EQ(256, len);
	/* The public key recovers the bare hash: no DigestInfo around it. */
	ctx = EVP_PKEY_CTX_new(k, NULL);
	ASSERT_EQ(1, EVP_PKEY_verify_recover_init(ctx));
	ASSERT_EQ(1, EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING));
	ASSERT_EQ(1, EVP_PKEY_verify_recover(ctx, back, &blen, sig, len));
	EXPECT_EQ(sizeof(hash), blen);
	EXPECT_EQ(0, memcmp(back, hash, sizeof(hash)));
	EVP_PKEY_CTX_free(ctx);
	EXPECT_EQ(0, iked_sig_v1_verify(k, 3, hash, sizeof(hash), sig, len));
	EXPECT_EQ(-EACCES, iked_sig_v1_verify(other, 3, hash, sizeof(hash), sig,
					      len));
	hash[0] ^= 1;
	EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, 3, hash, sizeof(hash), sig, len));
	hash[0] ^= 1;
	sig[100] ^= 1;
	EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, 3, hash, sizeof(hash), sig, len));
	EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, 3, hash, sizeof(hash), sig, 3));
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/*
 * RFC 4754 in IKEv1: r|s of the curve's size over the hash as it is
 * (strongSwan's SIGN_ECDSA_WITH_NULL), method 9-11 by curve.
 */
TEST(ecdsa_is_r_s_over_the_raw_hash)
{
	static const struct { const char *curve; uint8_t method; size_t len; }
		c[] = { { "P-256", 9, 64 }, { "P-384", 10, 96 },
			{ "P-521", 11, 132 } };
	uint8_t hash[32], sig[512], der[160];
	EVP_PKEY_CTX *ctx;
	size_t i, len;
	int n;

	memset(hash, 0x5a, sizeof(hash));
	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", c[i].curve);

		ASSERT_NE(NULL, k);
		EXPECT_EQ(c[i].method, iked_sig_v1_method(k));
		ASSERT_EQ(0, iked_sig_v1_sign(k, hash, sizeof(hash), sig,
					      sizeof(sig), &len));
		EXPECT_EQ(c[i].len, len);
		EXPECT_EQ(0, iked_sig_v1_verify(k, c[i].method, hash,
						sizeof(hash), sig, len));
		/* Plain ECDSA over the bare hash: OpenSSL agrees, unhashed. */
		n = iked_ec_raw_to_der(sig, len, der, sizeof(der));
		ASSERT_LT(0, n);
		ctx = EVP_PKEY_CTX_new(k, NULL);
		ASSERT_EQ(1, EVP_PKEY_verify_init(ctx));
		EXPECT_EQ(1, EVP_PKEY_verify(ctx, der, (size_t)n, hash,
					     sizeof(hash)));
		EVP_PKEY_CTX_free(ctx);
		/* The method must be the key's: an RSA method is refused. */
		EXPECT_EQ(-EBADMSG, iked_sig_v1_verify(k, 3, hash, sizeof(hash),
						       sig, len));
		EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, c[i].method, hash,
						      sizeof(hash), sig,
						      len - 1));
		sig[len / 2] ^= 1;
		EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, c[i].method, hash,
						      sizeof(hash), sig, len));
		sig[len / 2] ^= 1;
		hash[0] ^= 1;
		EXPECT_EQ(-EACCES, iked_sig_v1_verify(k, c[i].method, hash,
						      sizeof(hash), sig, len));
		hash[0] ^= 1;
		EVP_PKEY_free(k);
	}
}

TEST(ed25519_cannot_sign_in_ikev1)
{
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	uint8_t hash[32] = { 1 }, sig[512];
	size_t len;

	ASSERT_NE(NULL, ed);
	ASSERT_NE(NULL, rsa);
	EXPECT_EQ(0, iked_sig_v1_method(ed));
	EXPECT_EQ(-ENOTSUP, iked_sig_v1_sign(ed, hash, sizeof(hash), sig,
					     sizeof(sig), &len));
	EXPECT_EQ(-EBADMSG, iked_sig_v1_verify(ed, 9, hash, sizeof(hash), sig,
					       64));
	/* An RSA key under an ECDSA method: refused, not tried. */
	EXPECT_EQ(-EBADMSG, iked_sig_v1_verify(rsa, 9, hash, sizeof(hash), sig,
					       64));
	EVP_PKEY_free(ed);
	EVP_PKEY_free(rsa);
}

TEST(skeyid_for_signatures)
{
	uint8_t ni[16], nr[24], gxy[64], gxi[64], gxr[64], ck_i[8], ck_r[8];
	uint8_t key[40], want[32];
	unsigned int wlen = sizeof(want);
	struct ikev1_keys k, kp;
	struct ikev1_p1_in in = {
		.hash = IKEV1_HASH_SHA2_256, .psk = (const uint8_t *)"x",
		.psk_len = 1, .ni = ni, .ni_len = sizeof(ni), .nr = nr,
		.nr_len = sizeof(nr), .gxi = gxi, .gxi_len = sizeof(gxi),
		.gxr = gxr, .gxr_len = sizeof(gxr), .gxy = gxy,
		.gxy_len = sizeof(gxy), .ck_i = ck_i, .ck_r = ck_r,
		.key_len = 32, .block_len = 16,
	};

	memset(ni, 1, sizeof(ni)); memset(nr, 2, sizeof(nr));
	memset(gxy, 3, sizeof(gxy)); memset(gxi, 4, sizeof(gxi));
	memset(gxr, 5, sizeof(gxr)); memset(ck_i, 6, 8); memset(ck_r, 7, 8);
	memcpy(key, ni, sizeof(ni));
	memcpy(key + sizeof(ni), nr, sizeof(nr));
	ASSERT_NE(NULL, HMAC(EVP_sha256(), key, sizeof(key), gxy, sizeof(gxy),
			     want, &wlen));
	ASSERT_EQ(0, ikev1_keys_sig(&k, &in));
	EXPECT_EQ(32, k.len);
	EXPECT_EQ(0, memcmp(k.skeyid, want, sizeof(want)));
	/* The rest is derived as for PSK; only SKEYID differs. */
	ASSERT_EQ(0, ikev1_keys_psk(&kp, &in));
	EXPECT_NE(0, memcmp(kp.skeyid, k.skeyid, k.len));
	EXPECT_EQ(0, memcmp(kp.iv, k.iv, k.block_len));
	ikev1_keys_wipe(&k);
	ikev1_keys_wipe(&kp);
}

#define V1_CONN(auth) \
	"conn v1\n\tkeyexchange=ikev1\n\tleft=192.0.2.1\n" \
	"\tright=192.0.2.2\n\trightid=@b.example\n\tleftcert=a.pem\n" auth \
	"\tauto=add\n"

TEST(ikev1_conns_may_use_rsasig_on_both_ends)
{
	static const char *const ok[] = {
		V1_CONN("\tauthby=rsasig\n"),
		V1_CONN("\tauthby=pubkey\n"),
		V1_CONN("\tauthby=secret\n"),
	};
	static const char mixed[] =
		V1_CONN("\tleftauth=pubkey\n\trightauth=psk\n");
	char err[IKED_CONF_ERRLEN];
	struct iked_conf *c;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_EQ(0, iked_conf_parse("ipsec.conf", ok[i], strlen(ok[i]),
					     &c, err, sizeof(err)))
			TH_LOG("%s", err);
		iked_conf_free(c);
	}
	EXPECT_NE(0, iked_conf_parse("ipsec.conf", mixed, strlen(mixed), &c,
				     err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "keyexchange=ikev1 authenticates both ends the same way")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
