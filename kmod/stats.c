// SPDX-License-Identifier: GPL-2.0
/* Allocation, summing and reset of the per-namespace drop counters. */

#include <linux/percpu.h>
#include <linux/string.h>
#include "stats.h"

const char * const kesp_stat_names[__KESP_STAT_MAX] = KESP_STAT_NAMES;

int kesp_stats_init(struct kesp_net *kn)
{
	kn->stats = alloc_percpu(struct kesp_stats);
	return kn->stats ? 0 : -ENOMEM;
}

void kesp_stats_free(struct kesp_net *kn)
{
	free_percpu(kn->stats);
	kn->stats = NULL;
}

/* @sum has __KESP_STAT_MAX entries. */
void kesp_stats_read(const struct kesp_net *kn, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __KESP_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct kesp_stats *s = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < __KESP_STAT_MAX; i++)
			sum[i] += READ_ONCE(s->cnt[i]);
	}
}

u64 kesp_stats_reordered(const struct kesp_net *kn)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(kn->stats, cpu)->in_reordered);
	return sum;
}

/*
 * An increment racing with the reset on another CPU may survive it or be
 * lost; either is fine for "clear the counters" and avoids a lock on the
 * packet path.
 */
void kesp_stats_reset(struct kesp_net *kn)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct kesp_stats *s = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < __KESP_STAT_MAX; i++)
			WRITE_ONCE(s->cnt[i], 0);
		WRITE_ONCE(s->in_reordered, 0);
	}
}
