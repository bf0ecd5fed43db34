/* SPDX-License-Identifier: GPL-2.0 */
/* Namespace-wide drop counters, one per cause of enum kesp_stat. */

#ifndef _KESP_STATS_H
#define _KESP_STATS_H

#include <linux/percpu.h>
#include "kesp.h"

/*
 * Per CPU so that a flood of bad packets on several CPUs does not bounce one
 * cache line between them; the reader sums. this_cpu_inc() is safe from any
 * context, so the packet path needs no lock.
 */
struct kesp_stats {
	u64 cnt[__KESP_STAT_MAX];
	/* Not a drop: packets accepted behind a higher sequence number. */
	u64 in_reordered;
};

extern const char * const kesp_stat_names[__KESP_STAT_MAX];

int kesp_stats_init(struct kesp_net *kn);
void kesp_stats_free(struct kesp_net *kn);
void kesp_stats_read(const struct kesp_net *kn, u64 *sum);
u64 kesp_stats_reordered(const struct kesp_net *kn);
void kesp_stats_reset(struct kesp_net *kn);

static inline void kesp_stats_inc(struct kesp_net *kn, enum kesp_stat stat)
{
	this_cpu_inc(kn->stats->cnt[stat]);
}

#endif /* _KESP_STATS_H */
