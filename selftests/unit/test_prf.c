// SPDX-License-Identifier: GPL-2.0
/*
 * The HMAC PRFs of crypto/prf.c (either IKE version's key schedule and
 * AUTH) against RFC 4231's HMAC-SHA-256 vector, and their output lengths.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/crypto/prf.h"

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

/* RFC 4231 4.2, test case 1. */
TEST(prf_hmac_sha256_rfc4231)
{
	uint8_t key[20], out[IKED_PRF_MAX];

	memset(key, 0x0b, sizeof(key));
	ASSERT_EQ(0, iked_prf(5, key, sizeof(key), (const uint8_t *)"Hi There",
			       8, out));
	EXPECT_HEX("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		   out, 32);
	EXPECT_EQ(32, iked_prf_len(5));
	EXPECT_EQ(20, iked_prf_len(2));
	EXPECT_EQ(48, iked_prf_len(6));
	EXPECT_EQ(64, iked_prf_len(7));
	EXPECT_EQ(0, iked_prf_len(4));		/* AES-XCBC: not offered */
	EXPECT_EQ(-EINVAL, iked_prf(4, key, sizeof(key), key, 1, out));
}

TEST_HARNESS_MAIN
