// SPDX-License-Identifier: GPL-2.0
/*
 * The per-address limit on log lines that unauthenticated packets cause
 * (ratelimit.c), on a clock the test moves: a burst, then one line per
 * interval; other addresses unaffected; a summary of what was suppressed
 * once it is due; bounded memory when more addresses come than it
 * follows.
 */

#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include <sys/socket.h>
#include "iked/ratelimit.h"

static struct kesp_addr v4(unsigned int n)
{
	struct kesp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.bytes[0] = 198;
	a.bytes[1] = 51;
	a.bytes[2] = (uint8_t)(n >> 8);
	a.bytes[3] = (uint8_t)n;
	return a;
}

/* How many of @n lines about @a at @now get through. */
static unsigned int allowed(struct iked_ratelimit *rl, struct kesp_addr a,
			    uint64_t now, unsigned int n)
{
	unsigned int ok = 0;

	while (n--)
		ok += iked_rl_allow(rl, &a, now);
	return ok;
}

TEST(burst_then_one_per_interval)
{
	static struct iked_ratelimit rl;
	uint64_t t = 1000;

	EXPECT_EQ(IKED_RL_BURST, allowed(&rl, v4(1), t, 100));
	/* Nothing more until an interval has passed. */
	EXPECT_EQ(0, allowed(&rl, v4(1), t + IKED_RL_INTERVAL_MS - 1, 10));
	EXPECT_EQ(1, allowed(&rl, v4(1), t + IKED_RL_INTERVAL_MS, 10));
	/* A long silence gives the burst back, not more. */
	EXPECT_EQ(IKED_RL_BURST, allowed(&rl, v4(1), t + 3600000, 100));
}

TEST(addresses_are_separate)
{
	static struct iked_ratelimit rl;

	EXPECT_EQ(IKED_RL_BURST, allowed(&rl, v4(1), 1000, 50));
	EXPECT_EQ(IKED_RL_BURST, allowed(&rl, v4(2), 1000, 50));
	EXPECT_EQ(0, allowed(&rl, v4(1), 1001, 1));
}

TEST(summary_of_what_was_suppressed)
{
	static struct iked_ratelimit rl;
	struct iked_rl_report r;
	uint64_t t = 5000;

	EXPECT_EQ(0u, iked_rl_next(&rl));
	allowed(&rl, v4(7), t, IKED_RL_BURST + 20);
	EXPECT_EQ(t + IKED_RL_SUMMARY_MS, iked_rl_next(&rl));
	/* Not before it is due. */
	EXPECT_FALSE(iked_rl_summary(&rl, t + IKED_RL_SUMMARY_MS - 1, &r));
	allowed(&rl, v4(7), t + 2000, 3);
	ASSERT_TRUE(iked_rl_summary(&rl, t + IKED_RL_SUMMARY_MS, &r));
	EXPECT_EQ(23u, r.lines);
	EXPECT_EQ(IKED_RL_SUMMARY_MS / 1000, r.secs);
	EXPECT_EQ(0, memcmp(r.addr.bytes, v4(7).bytes, 4));
	/* Once. */
	EXPECT_FALSE(iked_rl_summary(&rl, t + IKED_RL_SUMMARY_MS, &r));
	EXPECT_EQ(0u, iked_rl_next(&rl));
}

TEST(many_addresses_share_one_bucket)
{
	static struct iked_ratelimit rl;
	struct iked_rl_report r;
	unsigned int i, ok = 0, summaries = 0, suppressed = 0;

	/*
	 * 1000 spoofed sources, 10 lines each, in one second: the table
	 * follows IKED_RL_SLOTS of them (each with suppressed lines to
	 * report, so none is taken over), the rest share one bucket.
	 */
	for (i = 0; i < 1000; i++)
		ok += allowed(&rl, v4(i), 1000 + i, 10);
	EXPECT_EQ((IKED_RL_SLOTS + 1) * IKED_RL_BURST, ok);
	while (iked_rl_summary(&rl, 1000 + 1000 + IKED_RL_SUMMARY_MS, &r)) {
		summaries++;
		suppressed += r.lines;
	}
	EXPECT_EQ(IKED_RL_SLOTS + 1, summaries);
	EXPECT_EQ(10000 - ok, suppressed);
	/* The shared bucket reports as "other addresses". */
	EXPECT_EQ(AF_UNSPEC, r.addr.family);
}

TEST(idle_slots_are_reused)
{
	static struct iked_ratelimit rl;
	unsigned int i;

	for (i = 0; i < IKED_RL_SLOTS; i++)
		EXPECT_EQ(1, allowed(&rl, v4(i), 1000, 1));
	/* Once they are full again, newcomers take their slots. */
	for (i = 0; i < IKED_RL_SLOTS; i++)
		EXPECT_EQ(IKED_RL_BURST,
			  allowed(&rl, v4(1000 + i), 1000 + 3600000, 100));
}

TEST_HARNESS_MAIN
