// SPDX-License-Identifier: GPL-2.0
/*
 * Rekey collisions (RFC 7296 2.8.1): "the SA created with the lowest of
 * the four nonces ... 'Lowest' means an octet-by-octet comparison
 * (instead of, for instance, comparing the nonces as large integers) ...
 * If you reach the end of one nonce, that nonce is the lower one." Both
 * ends must come to the same answer, or both delete (or keep) their own.
 * And rekey_secs(): the margin and the fuzz.
 */

#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/ike.h"

static const uint8_t a[] = { 0x01, 0x02, 0x03, 0x04 };
static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x05 };
static const uint8_t prefix[] = { 0x01, 0x02, 0x03 };
static const uint8_t hi_first[] = { 0x02, 0x00 };

TEST(octet_by_octet)
{
	EXPECT_GT(0, rekey_nonce_cmp(a, sizeof(a), b, sizeof(b)));
	EXPECT_LT(0, rekey_nonce_cmp(b, sizeof(b), a, sizeof(a)));
	EXPECT_EQ(0, rekey_nonce_cmp(a, sizeof(a), a, sizeof(a)));
	/* Not as integers: the shorter 0x0200 is greater than 0x01020304. */
	EXPECT_LT(0, rekey_nonce_cmp(hi_first, sizeof(hi_first), a,
				     sizeof(a)));
}

TEST(a_prefix_is_lower)
{
	EXPECT_GT(0, rekey_nonce_cmp(prefix, sizeof(prefix), a, sizeof(a)));
	EXPECT_LT(0, rekey_nonce_cmp(a, sizeof(a), prefix, sizeof(prefix)));
}

TEST(lower_of_two)
{
	const uint8_t *lo;
	size_t len;

	rekey_nonce_lower(b, sizeof(b), prefix, sizeof(prefix), &lo, &len);
	EXPECT_TRUE(lo == prefix);
	EXPECT_EQ(sizeof(prefix), len);
	rekey_nonce_lower(a, sizeof(a), b, sizeof(b), &lo, &len);
	EXPECT_TRUE(lo == a);
}

/* Both ends see the four nonces from opposite sides: one keeps its SA. */
TEST(both_ends_agree)
{
	const uint8_t n1i[] = { 9, 9 }, n1r[] = { 7, 1 };	/* our exchange */
	const uint8_t n2i[] = { 7, 0, 5 }, n2r[] = { 8 };	/* the peer's */
	const uint8_t *lo1, *lo2;
	size_t l1, l2;
	bool ours_lost_here, theirs_lost_there;

	rekey_nonce_lower(n1i, 2, n1r, 2, &lo1, &l1);
	rekey_nonce_lower(n2i, 3, n2r, 1, &lo2, &l2);
	ours_lost_here = rekey_nonce_cmp(lo1, l1, lo2, l2) < 0;
	theirs_lost_there = rekey_nonce_cmp(lo2, l2, lo1, l1) < 0;
	/* 7 0 5 < 7 1: the peer's exchange made the redundant SA. */
	EXPECT_FALSE(ours_lost_here);
	EXPECT_TRUE(theirs_lost_there);
}

TEST(rekey_time_within_margin_and_fuzz)
{
	struct iked_conf_conn c;
	uint32_t t;
	int i;

	memset(&c, 0, sizeof(c));
	c.rekeymargin = 60;
	c.rekeyfuzz = 0;
	EXPECT_EQ(540, rekey_secs(&c, 600));
	c.rekeyfuzz = 100;
	for (i = 0; i < 200; i++) {
		t = rekey_secs(&c, 600);
		ASSERT_LE(480, t);
		ASSERT_GE(540, t);
	}
	/* A margin as long as the lifetime: half of it instead. */
	c.rekeyfuzz = 0;
	EXPECT_EQ(5, rekey_secs(&c, 10));
}

TEST_HARNESS_MAIN
