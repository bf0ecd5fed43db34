/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log lines that anyone can cause (unauthenticated IKE_SA_INIT, malformed
 * datagrams) limited per source address: a token bucket per address in a
 * small fixed table, one shared bucket when it is full, and a count of
 * what was suppressed for a summary line.
 */

#ifndef KESP_IKED_RATELIMIT_H
#define KESP_IKED_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"

/* Addresses followed at once; more share one bucket ("other addresses"). */
#define IKED_RL_SLOTS		64
/* Lines an address may cause at once, and one more per interval after. */
#define IKED_RL_BURST		5
#define IKED_RL_INTERVAL_MS	12000
/* A summary of what was suppressed, this long after the first of it. */
#define IKED_RL_SUMMARY_MS	30000

struct iked_rl_bucket {
	struct kesp_addr addr;		/* AF_UNSPEC: free */
	uint64_t credit;		/* ms of refill, a line costs an interval */
	uint64_t last;			/* when credit was last brought up to date */
	uint64_t first_drop;		/* the first line suppressed since the last summary */
	unsigned int dropped;
};

/* Zeroed, it is empty and ready. Bounded memory, whatever the traffic. */
struct iked_ratelimit {
	struct iked_rl_bucket slot[IKED_RL_SLOTS];
	struct iked_rl_bucket other;
};

/* What a summary line says. */
struct iked_rl_report {
	struct kesp_addr addr;		/* AF_UNSPEC: other addresses */
	unsigned int lines;
	unsigned int secs;		/* since the first line suppressed */
};

/* Whether a line about @addr may be logged at @now (ms, monotonic). */
bool iked_rl_allow(struct iked_ratelimit *rl, const struct kesp_addr *addr,
		   uint64_t now);
/*
 * One summary that is due at @now into @out, its count then cleared;
 * false when none is. Call until false.
 */
bool iked_rl_summary(struct iked_ratelimit *rl, uint64_t now,
		     struct iked_rl_report *out);
/* When the next summary falls due; 0 when nothing was suppressed. */
uint64_t iked_rl_next(const struct iked_ratelimit *rl);

#endif /* KESP_IKED_RATELIMIT_H */
