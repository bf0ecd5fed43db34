// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack confirmation and IPv6 reassembly without a link-time
 * dependency on nf_conntrack or nf_defrag_ipv6: operators insmod kesp.ko
 * on gateways that may not track connections at all. The confirm symbol
 * is looked up the first time a packet carries an unconfirmed entry
 * (which proves nf_conntrack is loaded); nf_defrag_ipv6 is asked for at
 * load time. Module references taken are dropped at unload.
 */

#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6_frag.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "ct.h"

static int (*confirm)(struct sk_buff *skb);
static int (*gather6)(struct net *net, struct sk_buff *skb, u32 user);

unsigned int kesp_ct_confirm(struct sk_buff *skb)
{
	struct nf_conntrack *nfct = skb_nfct(skb);
	int (*fn)(struct sk_buff *skb);

	if (!nfct || nf_ct_is_confirmed((struct nf_conn *)nfct))
		return NF_ACCEPT;
	fn = READ_ONCE(confirm);
	if (!fn) {
		fn = symbol_get(__nf_conntrack_confirm);
		if (!fn)
			return NF_ACCEPT;
		if (cmpxchg(&confirm, NULL, fn))
			symbol_put(__nf_conntrack_confirm);
	}
	return fn(skb);
}

int kesp_defrag6(struct net *net, struct sk_buff *skb,
		 enum kesp_defrag_user user)
{
	if (!gather6)
		return -EOPNOTSUPP;
	/*
	 * Queues are told apart by user: conntrack's take the values up to
	 * __IP6_DEFRAG_CONNTRACK_BRIDGE_IN, kesp's own outbound queues the
	 * next one, so that neither sees the other's fragments.
	 */
	return gather6(net, skb, user == KESP_DEFRAG_IN ?
		       IP6_DEFRAG_LOCAL_DELIVER :
		       __IP6_DEFRAG_CONNTRACK_BRIDGE_IN + 1);
}

void kesp_ct_init(void)
{
	/* Best effort: without it, fragmented IPv6 ESP is counted and dropped. */
	if (IS_ENABLED(CONFIG_NF_DEFRAG_IPV6))
		request_module("nf_defrag_ipv6");
	gather6 = symbol_get(nf_ct_frag6_gather);
}

void kesp_ct_exit(void)
{
	if (confirm)
		symbol_put(__nf_conntrack_confirm);
	if (gather6)
		symbol_put(nf_ct_frag6_gather);
}
