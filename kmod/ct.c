// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack confirmation without a link-time dependency on nf_conntrack:
 * operators insmod kesp.ko on gateways that may not track connections at
 * all, so the symbol is looked up the first time a packet carries an
 * unconfirmed entry (which proves nf_conntrack is loaded), and the module
 * reference it takes is dropped at unload.
 */

#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include "ct.h"

static int (*confirm)(struct sk_buff *skb);

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

void kesp_ct_exit(void)
{
	if (confirm)
		symbol_put(__nf_conntrack_confirm);
}
