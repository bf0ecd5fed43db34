// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/kesp: the SA table, the policies and the drop counters of one
 * namespace, laid out like a gateway's IPsec status page. Readable by every
 * user, so it never prints key material.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "kesp.h"
#include "proc.h"
#include "stats.h"

static void show_sas(struct seq_file *seq)
{
	seq_puts(seq, "Security associations\n");
	seq_printf(seq, "%-39s %-3s %-10s %-5s %-24s %8s %9s %12s %8s\n",
		   "Destination", "Dir", "SPI", "Proto", "Algorithm",
		   "Elapsed", "Lifetime", "Bytes", "Errored");
	seq_puts(seq, "(none)\n");
}

static void show_policies(struct seq_file *seq)
{
	seq_puts(seq, "\nPolicies\n");
	seq_printf(seq, "%-3s %-43s %-43s %-5s %-7s %8s\n",
		   "Dir", "Source", "Destination", "Proto", "Action",
		   "Priority");
	seq_puts(seq, "(none)\n");
}

static void show_errors(struct seq_file *seq, const struct kesp_net *kn)
{
	u64 sum[__KESP_STAT_MAX];
	int i;

	kesp_stats_read(kn, sum);
	seq_puts(seq, "\nDropped packets\n");
	for (i = KESP_STAT_PAD + 1; i < __KESP_STAT_MAX; i++)
		seq_printf(seq, "%-18s %llu\n", kesp_stat_names[i], sum[i]);
}

static int kesp_proc_show(struct seq_file *seq, void *v)
{
	const struct kesp_net *kn = kesp_net(seq_file_single_net(seq));

	seq_printf(seq, "kesp %s\n\n", KESP_VERSION);
	show_sas(seq);
	show_policies(seq);
	show_errors(seq, kn);
	return 0;
}

int kesp_proc_init(struct net *net)
{
	if (!proc_create_net_single("kesp", 0444, net->proc_net,
				    kesp_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

void kesp_proc_exit(struct net *net)
{
	remove_proc_entry("kesp", net->proc_net);
}
