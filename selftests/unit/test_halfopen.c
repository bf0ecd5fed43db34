// SPDX-License-Identifier: GPL-2.0
/*
 * A responder's defence against floods of first messages (sa/halfopen.c),
 * which both IKE versions share: half-open IKE SAs counted in all and
 * per source with their limits, the cookie threshold, and the stateless
 * cookie: the same for the same initiator, different for another
 * address, SPI, nonce or secret, checked in full.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "iked/sa/halfopen.h"

static struct kesp_addr v4(unsigned int n)
{
	struct kesp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.bytes[0] = 192;
	a.bytes[1] = 0;
	a.bytes[2] = 2;
	a.bytes[3] = (uint8_t)n;
	return a;
}

/* @n IKE SAs in @state from @peer, as a responder unless @initiator. */
static void add_sas(struct iked *d, unsigned int n, struct kesp_addr peer,
		    enum ike_state state, bool initiator)
{
	while (n--) {
		struct ike_sa *sa = calloc(1, sizeof(*sa));

		if (!sa)
			abort();
		sa->state = state;
		sa->initiator = initiator;
		sa->path.remote = peer;
		sa->next = d->sas;
		d->sas = sa;
	}
}

static void free_sas(struct iked *d)
{
	while (d->sas) {
		struct ike_sa *sa = d->sas;

		d->sas = sa->next;
		free(sa);
	}
}

TEST(counts_only_half_open_responders)
{
	static struct iked d;
	struct kesp_addr a1 = v4(1), a3 = v4(3);
	unsigned int all, peer;

	add_sas(&d, 3, v4(1), IKE_INIT_DONE, false);
	add_sas(&d, 2, v4(2), IKE_INIT_DONE, false);
	add_sas(&d, 4, v4(1), IKE_ESTABLISHED, false);
	add_sas(&d, 1, v4(1), IKE_DEAD, false);
	add_sas(&d, 5, v4(1), IKE_INIT_SENT, true);
	EXPECT_FALSE(halfopen_full(&d, &a1, &all, &peer));
	EXPECT_EQ(5, all);
	EXPECT_EQ(3, peer);
	EXPECT_FALSE(halfopen_full(&d, &a3, &all, &peer));
	EXPECT_EQ(5, all);
	EXPECT_EQ(0, peer);
	free_sas(&d);
}

TEST(limits_per_peer_and_in_all)
{
	static struct iked d;
	struct kesp_addr a1 = v4(1), a2 = v4(2);
	unsigned int all, peer;

	add_sas(&d, 255, v4(1), IKE_INIT_DONE, false);
	EXPECT_FALSE(halfopen_full(&d, &a1, &all, &peer));
	add_sas(&d, 1, v4(1), IKE_INIT_DONE, false);
	EXPECT_TRUE(halfopen_full(&d, &a1, &all, &peer));
	EXPECT_EQ(256, peer);
	/* Another source is not this one's victim... */
	EXPECT_FALSE(halfopen_full(&d, &a2, &all, &peer));
	/* ...until all sources together reach the global limit. */
	add_sas(&d, 2048 - 256, v4(3), IKE_INIT_DONE, false);
	EXPECT_TRUE(halfopen_full(&d, &a2, &all, &peer));
	EXPECT_EQ(2048, all);
	EXPECT_EQ(0, peer);
	free_sas(&d);
}

TEST(cookie_threshold)
{
	static struct iked d;

	d.cookie_threshold = 30;
	EXPECT_FALSE(cookie_required(&d, 0));
	EXPECT_FALSE(cookie_required(&d, 29));
	EXPECT_TRUE(cookie_required(&d, 30));
	/* 0: always. */
	d.cookie_threshold = 0;
	EXPECT_TRUE(cookie_required(&d, 0));
}

TEST(cookie_binds_initiator)
{
	static struct iked d;
	static const uint8_t spi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t other_spi[8] = { 1, 2, 3, 4, 5, 6, 7, 9 };
	struct kesp_addr a1 = v4(1), a2 = v4(2);
	uint8_t nonce[32], c1[IKED_COOKIE_LEN], c2[IKED_COOKIE_LEN];

	memset(nonce, 0xa5, sizeof(nonce));
	memset(d.cookie_secret, 0x11, sizeof(d.cookie_secret));
	cookie_make(&d, &a1, spi, nonce, sizeof(nonce), c1);
	EXPECT_EQ(1, c1[0]);		/* the version of the secret */
	cookie_make(&d, &a1, spi, nonce, sizeof(nonce), c2);
	EXPECT_EQ(0, memcmp(c1, c2, sizeof(c1)));
	EXPECT_TRUE(cookie_matches(c1, c2, sizeof(c2)));

	cookie_make(&d, &a2, spi, nonce, sizeof(nonce), c2);
	EXPECT_FALSE(cookie_matches(c1, c2, sizeof(c2)));
	cookie_make(&d, &a1, other_spi, nonce, sizeof(nonce), c2);
	EXPECT_FALSE(cookie_matches(c1, c2, sizeof(c2)));
	cookie_make(&d, &a1, spi, nonce, sizeof(nonce) - 1, c2);
	EXPECT_FALSE(cookie_matches(c1, c2, sizeof(c2)));
	d.cookie_secret[0] ^= 1;
	cookie_make(&d, &a1, spi, nonce, sizeof(nonce), c2);
	EXPECT_FALSE(cookie_matches(c1, c2, sizeof(c2)));

	/* Only the whole cookie: not a prefix, not more, not nothing. */
	EXPECT_FALSE(cookie_matches(c1, c1, sizeof(c1) - 1));
	EXPECT_FALSE(cookie_matches(c1, c1, 0));
	EXPECT_FALSE(cookie_matches(c1, NULL, sizeof(c1)));
}

TEST(cookies_asked_are_logged_once_per_period)
{
	static struct iked d;

	cookie_asked(&d, 40, "192.0.2.1[500]");
	/* Logged at once: the count starts again. */
	EXPECT_EQ(0, d.cookies_sent);
	EXPECT_NE(0, d.cookie_log_at);
	cookie_asked(&d, 41, "192.0.2.1[500]");
	cookie_asked(&d, 42, "192.0.2.1[500]");
	EXPECT_EQ(2, d.cookies_sent);
}

TEST_HARNESS_MAIN
