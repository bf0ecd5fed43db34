// SPDX-License-Identifier: GPL-2.0
/* Per-address token buckets for log lines that unauthenticated packets cause. */

#include <string.h>

#include "ratelimit.h"

#define CAP	((uint64_t)IKED_RL_BURST * IKED_RL_INTERVAL_MS)

static bool same(const struct kesp_addr *a, const struct kesp_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, kesp_addr_len(a->family));
}

/* A bucket that may be taken over: idle long enough to be full again. */
static bool idle(const struct iked_rl_bucket *b, uint64_t now)
{
	return !b->dropped && now - b->last >= CAP - b->credit;
}

/* The bucket of @addr: its own, a free or idle one, else the shared one. */
static struct iked_rl_bucket *bucket(struct iked_ratelimit *rl,
				     const struct kesp_addr *addr,
				     uint64_t now)
{
	struct iked_rl_bucket *b, *take = NULL;
	size_t i;

	for (i = 0; i < IKED_RL_SLOTS; i++) {
		b = &rl->slot[i];
		if (b->addr.family && same(&b->addr, addr))
			return b;
		if (!take && (!b->addr.family || idle(b, now)))
			take = b;
	}
	if (!take) {
		b = &rl->other;
		if (!b->last && !b->credit)
			b->credit = CAP;
		return b;
	}
	memset(take, 0, sizeof(*take));
	take->addr = *addr;
	take->credit = CAP;
	take->last = now;
	return take;
}

bool iked_rl_allow(struct iked_ratelimit *rl, const struct kesp_addr *addr,
		   uint64_t now)
{
	struct iked_rl_bucket *b = bucket(rl, addr, now);

	if (now > b->last) {
		b->credit += now - b->last;
		if (b->credit > CAP)
			b->credit = CAP;
	}
	b->last = now;
	if (b->credit >= IKED_RL_INTERVAL_MS) {
		b->credit -= IKED_RL_INTERVAL_MS;
		return true;
	}
	if (!b->dropped++)
		b->first_drop = now;
	return false;
}

static bool report(struct iked_rl_bucket *b, uint64_t now,
		   struct iked_rl_report *out)
{
	if (!b->dropped || now < b->first_drop + IKED_RL_SUMMARY_MS)
		return false;
	out->addr = b->addr;
	out->lines = b->dropped;
	out->secs = (unsigned int)((now - b->first_drop) / 1000);
	b->dropped = 0;
	return true;
}

bool iked_rl_summary(struct iked_ratelimit *rl, uint64_t now,
		     struct iked_rl_report *out)
{
	size_t i;

	for (i = 0; i < IKED_RL_SLOTS; i++)
		if (report(&rl->slot[i], now, out))
			return true;
	if (report(&rl->other, now, out)) {
		memset(&out->addr, 0, sizeof(out->addr));
		return true;
	}
	return false;
}

uint64_t iked_rl_next(const struct iked_ratelimit *rl)
{
	uint64_t next = 0, t;
	size_t i;

	for (i = 0; i <= IKED_RL_SLOTS; i++) {
		const struct iked_rl_bucket *b = i < IKED_RL_SLOTS ?
						 &rl->slot[i] : &rl->other;

		if (!b->dropped)
			continue;
		t = b->first_drop + IKED_RL_SUMMARY_MS;
		if (!next || t < next)
			next = t;
	}
	return next;
}
