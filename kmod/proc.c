// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/kesp: the SA table, the policies and the drop counters of one
 * namespace, laid out like a gateway's IPsec status page. Every user may
 * open it and read the counters; the tables (peers, SPIs, selectors,
 * traffic) only those who may read them over netlink, CAP_NET_ADMIN over
 * the namespace, judged by the credentials that opened the file. Never
 * any key material.
 */

#include <linux/capability.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "kesp.h"
#include "crypto.h"
#include "policy.h"
#include "proc.h"
#include "sa.h"
#include "stats.h"

static void show_addr(struct seq_file *seq, u16 family,
		      const union kesp_addr *a)
{
	if (family == AF_INET6)
		seq_printf(seq, "%-39pI6c", &a->a6);
	else
		seq_printf(seq, "%-39pI4", &a->a4);
}

static void show_sa(struct seq_file *seq, struct kesp_sa *sa, time64_t now)
{
	char alg[32];
	u64 bytes, errors = 0;
	int i;

	spin_lock_bh(&sa->lock);
	bytes = sa->bytes;
	for (i = 0; i < __KESP_STAT_MAX; i++)
		errors += sa->errors[i];
	spin_unlock_bh(&sa->lock);

	if (sa->cfg.integ)
		snprintf(alg, sizeof(alg), "%s-%u/%s", kesp_enc_name(sa->cfg.enc),
			 sa->enc_bits, kesp_integ_name(sa->cfg.integ));
	else
		snprintf(alg, sizeof(alg), "%s-%u", kesp_enc_name(sa->cfg.enc),
			 sa->enc_bits);
	show_addr(seq, sa->cfg.key.family, &sa->cfg.key.dst);
	seq_printf(seq, " %-3s 0x%08x %-5s %-32s %8lld ",
		   sa->cfg.key.dir == KESP_DIR_IN ? "in" : "out", sa->cfg.key.spi,
		   "ESP", alg, (long long)(now - sa->add_time));
	if (sa->cfg.lft.hard_add_secs)
		seq_printf(seq, "%9llu", sa->cfg.lft.hard_add_secs);
	else
		seq_printf(seq, "%9s", "-");
	seq_printf(seq, " %12llu %8llu", bytes, errors);
	/* UDP encapsulation: source and destination port, as sent. */
	if (kesp_sa_encap(sa))
		seq_printf(seq, " udp %u>%u", ntohs(sa->cfg.encap_sport),
			   ntohs(sa->cfg.encap_dport));
	seq_putc(seq, '\n');
}

/*
 * Destination is the peer for outbound SAs and this host for inbound
 * ones, as on a gateway's status page; the SPI is the one on the wire.
 */
static void show_sas(struct seq_file *seq, struct kesp_net *kn)
{
	time64_t now = kesp_now();
	struct kesp_sa *sa;

	seq_puts(seq, "Security associations\n");
	seq_printf(seq, "%-39s %-3s %-10s %-5s %-32s %8s %9s %12s %8s\n",
		   "Destination", "Dir", "SPI", "Proto", "Algorithm",
		   "Elapsed", "Lifetime", "Bytes", "Errored");
	mutex_lock(&kn->lock);
	list_for_each_entry(sa, &kn->sa_list, list)
		show_sa(seq, sa, now);
	if (list_empty(&kn->sa_list))
		seq_puts(seq, "(none)\n");
	mutex_unlock(&kn->lock);
}

static void show_prefix(struct seq_file *seq, u16 family,
			const union kesp_addr *a, u8 plen)
{
	char buf[48];

	if (family == AF_INET6)
		snprintf(buf, sizeof(buf), "%pI6c/%u", &a->a6, plen);
	else
		snprintf(buf, sizeof(buf), "%pI4/%u", &a->a4, plen);
	seq_printf(seq, " %-43s", buf);
}

static const char * const dir_names[] = {
	[KESP_DIR_IN] = "in", [KESP_DIR_OUT] = "out", [KESP_DIR_FWD] = "fwd",
};

static const char * const action_names[] = {
	[KESP_ACTION_PROTECT] = "protect", [KESP_ACTION_BYPASS] = "bypass",
	[KESP_ACTION_DISCARD] = "discard",
};

/* In precedence order within each direction: the first match wins. */
static void show_policies(struct seq_file *seq, struct kesp_net *kn)
{
	struct kesp_policy *p;
	int d;

	seq_puts(seq, "\nPolicies\n");
	seq_printf(seq, "%-6s %-3s %-43s %-43s %-5s %-7s %8s %12s\n", "Id",
		   "Dir", "Source", "Destination", "Proto", "Action",
		   "Priority", "Packets");
	mutex_lock(&kn->lock);
	for (d = KESP_DIR_IN; d <= KESP_DIR_FWD; d++) {
		list_for_each_entry(p, &kn->spd[d], list) {
			seq_printf(seq, "%-6u %-3s", p->id, dir_names[d]);
			show_prefix(seq, p->sel.family, &p->sel.src,
				    p->sel.splen);
			show_prefix(seq, p->sel.family, &p->sel.dst,
				    p->sel.dplen);
			if (p->sel.proto)
				seq_printf(seq, " %-5u", p->sel.proto);
			else
				seq_printf(seq, " %-5s", "any");
			seq_printf(seq, " %-7s %8u %12lld\n",
				   action_names[p->action], p->priority,
				   (long long)atomic64_read(&p->packets));
		}
	}
	if (!kn->policy_count)
		seq_puts(seq, "(none)\n");
	/*
	 * OUT policies with an unanswered ACQUIRE (the namespace's timer
	 * runs while there are any): 0 whenever no policy holds packets.
	 */
	seq_printf(seq, "Pending ACQUIREs: %d\n", atomic_read(&kn->acquiring));
	mutex_unlock(&kn->lock);
}

static void show_errors(struct seq_file *seq, const struct kesp_net *kn)
{
	u64 sum[__KESP_STAT_MAX];
	int i;

	kesp_stats_read(kn, sum);
	seq_puts(seq, "\nDropped packets\n");
	for (i = KESP_STAT_PAD + 1; i < __KESP_STAT_MAX; i++)
		seq_printf(seq, "%-18s %llu\n", kesp_stat_names[i], sum[i]);
	seq_printf(seq, "\nReordered on arrival (accepted) %llu\n",
		   kesp_stats_reordered(kn));
}

static int kesp_proc_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct kesp_net *kn = kesp_net(net);

	seq_printf(seq, "kesp %s\n\n", KESP_VERSION);
	if (file_ns_capable(seq->file, net->user_ns, CAP_NET_ADMIN)) {
		show_sas(seq, kn);
		show_policies(seq, kn);
	} else {
		seq_puts(seq, "Security associations and policies: need CAP_NET_ADMIN\n");
	}
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
