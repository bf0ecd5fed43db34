// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2's prf+ and key schedule against known answers: prf+ / SKEYSEED /
 * keymat values computed independently with Python's hmac module (the
 * script is in the comments of each test), so a shared misreading of
 * RFC 7296 cannot hide. (The HMAC PRFs themselves: test_prf.c.)
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/keys.h"
#include "iked/proposal.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

#define EXPECT_HEX(want, got, n) do {					\
	uint8_t w_[256];						\
	hex(want, w_, n);						\
	EXPECT_EQ(0, memcmp(w_, got, n));				\
} while (0)

/*
 * python3: prf+ with T = hmac(K, T | S | i) for i = 1, 2, ...;
 * K = bytes(range(1, 33)), S = b"seed for prf+ in IKEv2".
 */
TEST(prf_plus_known_answers)
{
	const char *seed = "seed for prf+ in IKEv2";
	uint8_t key[32], out[100];
	int i;

	for (i = 0; i < 32; i++)
		key[i] = i + 1;
	/* 100 bytes of SHA-1: five blocks, the last one cut. */
	ASSERT_EQ(0, ikev2_prf_plus(2, key, 32, (const uint8_t *)seed,
				    strlen(seed), out, 100));
	EXPECT_HEX("c19a8daeece7a5e129c6b53ddec6b2f1871ddb0f5f93748928c0a8e6535767a2"
		   "1411362962094d308b6107a80c3d666d96df86a79ac883d1b01a26fbf9da62da"
		   "0e9960fafac96b0a186b74e7584ca3b4ed5499da6b2a74d520fac6c4cbeadce0"
		   "a52bf758", out, 100);
	ASSERT_EQ(0, ikev2_prf_plus(5, key, 32, (const uint8_t *)seed,
				    strlen(seed), out, 70));
	EXPECT_HEX("5afc074e339dee7e92db4350e3c85c1f37b47cca3ef1415110b7bd7120eaf585"
		   "0d743b5fbbe3ad24be6eed16ec43ce1b1949571aedeae530cb026c12849966ef"
		   "e4960142456a", out, 70);
	/* RFC 7296 2.13: the counter is one octet, so 255 blocks at most. */
	EXPECT_EQ(-EMSGSIZE, ikev2_prf_plus(5, key, 32, key, 1, out,
					    255 * 32 + 1));
}

/*
 * python3: SKEYSEED = hmac_sha256(Ni | Nr, g^ir); keymat =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) for 32-byte SK_d/pi/pr, 32-byte
 * SK_a (HMAC-SHA-256-128 keys) and 16-byte SK_e (AES-CBC-128), with
 * Ni[i] = 0xa0 + i % 16, Nr[i] = 0x50 + i % 7 (32 bytes each),
 * g^ir[i] = i * 7 mod 256 (256 bytes), SPIi 0102..08, SPIr 1112..18.
 */
TEST(ike_key_schedule)
{
	uint8_t ni[32], nr[32], gir[256];
	const uint8_t spii[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t spir[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				  0x18 };
	struct ikev2_ike_keys k;
	int i;

	for (i = 0; i < 32; i++) {
		ni[i] = 0xa0 + i % 16;
		nr[i] = 0x50 + i % 7;
	}
	for (i = 0; i < 256; i++)
		gir[i] = (uint8_t)(i * 7);
	ASSERT_EQ(0, ikev2_derive_ike_keys(5, ni, 32, nr, 32, gir, 256, spii,
					   spir, 32, 16, &k));
	EXPECT_EQ(32, k.prf_len);
	EXPECT_HEX("d1971781a36541f3990bb4e16f61cbde4924e707051256c15cfcde85a69089ea",
		   k.sk_d, 32);
	EXPECT_HEX("cfeeb3a92da9f22ac6c7beb3e0a458c1f6b1a5a629fa25b1c8781cd68d5eb04e",
		   k.sk_ai, 32);
	EXPECT_HEX("3effa9cc086318ada456d4ac65065d8c", k.sk_er, 16);
	EXPECT_HEX("52581d97aeb44bc56ed1a2a7f204b1b3442c2ed985f307a87faadb66892376d2",
		   k.sk_pr, 32);
	ikev2_ike_keys_wipe(&k);
	EXPECT_EQ(0, k.prf_len);
	/* Keys longer than the struct holds are refused, not truncated. */
	EXPECT_EQ(-EINVAL, ikev2_derive_ike_keys(5, ni, 32, nr, 32, gir, 256,
						 spii, spir, 65, 16, &k));
}

/*
 * RFC 7296 2.18, computed independently with Python's hmac:
 *   skeyseed = HMAC-SHA256(SK_d, g^ir | Ni | Nr)
 *   prf+(skeyseed, Ni | Nr | SPIi | SPIr)
 * with SK_d = 00 01 .. 1f, g^ir = a5 x 32, Ni = 01 x 32, Nr = 02 x 32,
 * SPIi = 11 x 8, SPIr = 22 x 8, HMAC-SHA256-128 integrity, AES-128 keys.
 */
TEST(rekeyed_ike_key_schedule)
{
	uint8_t skd[32], gir[32], ni[32], nr[32], spii[8], spir[8];
	uint8_t want_d[32], want_ei[16], want_pr[32];
	struct ikev2_ike_keys k;
	int i;

	for (i = 0; i < 32; i++)
		skd[i] = (uint8_t)i;
	memset(gir, 0xa5, sizeof(gir));
	memset(ni, 0x01, sizeof(ni));
	memset(nr, 0x02, sizeof(nr));
	memset(spii, 0x11, sizeof(spii));
	memset(spir, 0x22, sizeof(spir));
	hex("892cd0c05c8c168c5af4455629edae4527270094316c96b30ba0a4117e293d3d",
	    want_d, 32);
	hex("36b3ba70bbdbb6345413ba6d97d95033", want_ei, 16);
	hex("f96dca26186f374ff4aca666e28563f0b2bfe3b345e1028f2a79d5b1d35a7c52",
	    want_pr, 32);
	ASSERT_EQ(0, ikev2_derive_rekeyed_ike_keys(IKED_PROP_PRF_HMAC_SHA2_256,
						   skd, 32,
						   IKED_PROP_PRF_HMAC_SHA2_256,
						   ni, 32, nr, 32, gir, 32,
						   spii, spir, 32, 16, &k));
	EXPECT_EQ(0, memcmp(k.sk_d, want_d, 32));
	EXPECT_EQ(0, memcmp(k.sk_ei, want_ei, 16));
	EXPECT_EQ(0, memcmp(k.sk_pr, want_pr, 32));
	ikev2_ike_keys_wipe(&k);
	/* An unknown PRF, old or new. */
	EXPECT_EQ(-EINVAL, ikev2_derive_rekeyed_ike_keys(99, skd, 32,
		  IKED_PROP_PRF_HMAC_SHA2_256, ni, 32, nr, 32, gir, 32, spii,
		  spir, 32, 16, &k));
}

TEST_HARNESS_MAIN
