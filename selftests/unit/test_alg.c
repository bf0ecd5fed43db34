// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the algorithm table: names, numbers, key and ICV sizes. */

#include <string.h>
#include <strings.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "common/alg.h"

TEST(lookup_by_primary_name_and_alias)
{
	const struct kesp_alg *a;
	unsigned int key_len = 99;

	a = kesp_alg_by_name(KESP_ALG_ENC, "aes-gcm-16", &key_len);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, a->id);
	EXPECT_EQ(0, key_len);
	EXPECT_EQ(a, kesp_alg_by_name(KESP_ALG_ENC, "rfc4106(gcm(aes))", NULL));
	EXPECT_EQ(a, kesp_alg_by_name(KESP_ALG_ENC, "AES-GCM-16", NULL));
	EXPECT_EQ(a, kesp_alg_by_name(KESP_ALG_ENC, "ENCR_AES_GCM_16", NULL));
	a = kesp_alg_by_name(KESP_ALG_INTEG, "hmac-sha256", NULL);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(KESP_INTEG_HMAC_SHA2_256_128, a->id);
	EXPECT_STREQ("hmac-sha256-128", a->name);
	EXPECT_EQ(a, kesp_alg_by_name(KESP_ALG_INTEG, "sha256", NULL));
	EXPECT_EQ(a, kesp_alg_by_name(KESP_ALG_INTEG, "hmac(sha256)", NULL));
	EXPECT_EQ(KESP_ENC_3DES_CBC,
		  kesp_alg_by_name(KESP_ALG_ENC, "3des", NULL)->id);
	EXPECT_EQ(KESP_ENC_AES_CBC,
		  kesp_alg_by_name(KESP_ALG_ENC, "cbc(aes)", NULL)->id);
	EXPECT_EQ(KESP_ENC_CHACHA20_POLY1305,
		  kesp_alg_by_name(KESP_ALG_ENC, "chacha20poly1305", NULL)->id);
}

TEST(strongswan_keywords_fix_the_key_size)
{
	const struct kesp_alg *a;
	unsigned int key_len = 0;

	a = kesp_alg_by_name(KESP_ALG_ENC, "aes256gcm16", &key_len);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, a->id);
	EXPECT_EQ(32, key_len);
	a = kesp_alg_by_name(KESP_ALG_ENC, "aes128", &key_len);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(KESP_ENC_AES_CBC, a->id);
	EXPECT_EQ(16, key_len);
	a = kesp_alg_by_name(KESP_ALG_ENC, "aes192ccm128", &key_len);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(KESP_ENC_AES_CCM_16, a->id);
	EXPECT_EQ(24, key_len);
	/* Sized names are encryption names only. */
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_INTEG, "aes128", &key_len));
}

TEST(unknown_or_wrong_type)
{
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_ENC, "aes-gcm-8", NULL));
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_ENC, "", NULL));
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_INTEG, "aes-gcm-16", NULL));
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_ENC, "hmac-sha256", NULL));
	EXPECT_EQ(NULL, kesp_alg_by_name(KESP_ALG_INTEG, "none", NULL));
	EXPECT_EQ(NULL, kesp_alg_by_id(KESP_ALG_ENC, 99));
	EXPECT_EQ(NULL, kesp_alg_by_id(KESP_ALG_INTEG, KESP_INTEG_NONE));
	/* IKEv2 numbers enc and integ separately: 12 is both. */
	EXPECT_STREQ("aes-cbc", kesp_alg_by_id(KESP_ALG_ENC, 12)->name);
	EXPECT_STREQ("hmac-sha256-128",
		     kesp_alg_by_id(KESP_ALG_INTEG, 12)->name);
}

TEST(names_for_printing)
{
	char buf[32], list[256];

	EXPECT_STREQ("aes-gcm-16", kesp_alg_name(KESP_ALG_ENC, 20, buf,
						 sizeof(buf)));
	EXPECT_STREQ("enc-99", kesp_alg_name(KESP_ALG_ENC, 99, buf,
					     sizeof(buf)));
	EXPECT_STREQ("none", kesp_alg_name(KESP_ALG_INTEG, 0, buf,
					   sizeof(buf)));
	EXPECT_STREQ("integ-7", kesp_alg_name(KESP_ALG_INTEG, 7, buf,
					      sizeof(buf)));
	EXPECT_STREQ("hmac-sha256-128, hmac-sha384-192, hmac-sha512-256, hmac-sha1-96, hmac-md5-96",
		     kesp_alg_names(KESP_ALG_INTEG, list, sizeof(list)));
	/* A short buffer is cut, not overrun. */
	kesp_alg_names(KESP_ALG_ENC, buf, 8);
	EXPECT_EQ(7, strlen(buf));
}

/* Every name must find its own entry, and no name may be claimed twice. */
TEST(table_is_consistent)
{
	size_t i, k, n = kesp_alg_count();

	ASSERT_EQ(11, n);
	EXPECT_EQ(NULL, kesp_alg_at(n));
	for (i = 0; i < n; i++) {
		const struct kesp_alg *a = kesp_alg_at(i);
		size_t kl;

		EXPECT_EQ(a, kesp_alg_by_id(a->type, a->id));
		EXPECT_EQ(a, kesp_alg_by_name(a->type, a->name, NULL));
		for (k = 0; a->aliases[k]; k++) {
			EXPECT_EQ(a, kesp_alg_by_name(a->type, a->aliases[k],
						      NULL)) {
				TH_LOG("alias %s", a->aliases[k]);
			}
		}
		EXPECT_GE(KESP_ALG_MAX_KEY_LENS, a->n_key_lens);
		for (kl = 0; kl < a->n_key_lens; kl++)
			EXPECT_GE(KESP_ALG_KEY_MAX,
				  a->key_lens[kl] + a->salt_len);
		/* AEAD is exactly "an encryption transform with an ICV". */
		if (a->type == KESP_ALG_ENC) {
			EXPECT_EQ(a->aead, a->icv_len != 0);
			/* ESP aligns its trailer to 4 bytes at least. */
			EXPECT_LE(4, a->block_len);
		} else {
			EXPECT_NE(0, a->icv_len);
		}
	}
}

TEST(key_lengths_aead_include_the_salt)
{
	const struct kesp_alg *gcm = kesp_alg_by_id(KESP_ALG_ENC, 20);
	const struct kesp_alg *ccm = kesp_alg_by_id(KESP_ALG_ENC, 16);
	const struct kesp_alg *cc = kesp_alg_by_id(KESP_ALG_ENC, 28);
	char err[160];

	EXPECT_EQ(0, kesp_alg_check_key(gcm, 20, 0, err, sizeof(err)));
	EXPECT_EQ(0, kesp_alg_check_key(gcm, 28, 0, err, sizeof(err)));
	EXPECT_EQ(0, kesp_alg_check_key(gcm, 36, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(gcm, 16, 0, err, sizeof(err)));
	EXPECT_STREQ("aes-gcm-16 takes a key of 20, 28 or 36 bytes (16, 24 or 32 of key, then 4 of salt), not 16",
		     err);
	EXPECT_EQ(0, kesp_alg_check_key(ccm, 19, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(ccm, 20, 0, err, sizeof(err)));
	EXPECT_EQ(0, kesp_alg_check_key(cc, 36, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(cc, 32, 0, err, sizeof(err)));
	EXPECT_STREQ("chacha20-poly1305 takes a key of 36 bytes (32 of key, then 4 of salt), not 32",
		     err);
	/* aes256gcm16 allows only the 256-bit key. */
	EXPECT_EQ(0, kesp_alg_check_key(gcm, 36, 32, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(gcm, 20, 32, err, sizeof(err)));
	EXPECT_STREQ("aes-gcm-16 takes a key of 36 bytes (32 of key, then 4 of salt), not 20",
		     err);
}

TEST(key_lengths_plain)
{
	const struct kesp_alg *cbc = kesp_alg_by_id(KESP_ALG_ENC, 12);
	const struct kesp_alg *null = kesp_alg_by_id(KESP_ALG_ENC, 11);
	const struct kesp_alg *sha = kesp_alg_by_id(KESP_ALG_INTEG, 12);
	const struct kesp_alg *sha1 = kesp_alg_by_id(KESP_ALG_INTEG, 2);
	char err[160];

	EXPECT_EQ(0, kesp_alg_check_key(cbc, 24, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(cbc, 20, 0, err, sizeof(err)));
	EXPECT_STREQ("aes-cbc takes a key of 16, 24 or 32 bytes, not 20", err);
	EXPECT_EQ(0, kesp_alg_check_key(null, 0, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(null, 1, 0, err, sizeof(err)));
	EXPECT_STREQ("null takes no key", err);
	EXPECT_EQ(0, kesp_alg_check_key(sha, 32, 0, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_alg_check_key(sha, 31, 0, err, sizeof(err)));
	EXPECT_STREQ("hmac-sha256-128 takes a key of 32 bytes, not 31", err);
	EXPECT_EQ(0, kesp_alg_check_key(sha1, 20, 0, err, sizeof(err)));
	EXPECT_EQ(12, sha1->icv_len);
	EXPECT_EQ(16, sha->icv_len);
	EXPECT_EQ(32, kesp_alg_by_id(KESP_ALG_INTEG, 14)->icv_len);
	EXPECT_EQ(16, kesp_alg_by_id(KESP_ALG_ENC, 20)->icv_len);
}

TEST_HARNESS_MAIN
