/* SPDX-License-Identifier: GPL-2.0 */
/* What kesp borrows from netfilter modules it does not link against. */

#ifndef _KESP_CT_H
#define _KESP_CT_H

struct net;
struct sk_buff;

/*
 * Netfilter confirms a connection at the very end of POST_ROUTING and
 * LOCAL_IN; a packet kesp steals before that would leave its entry
 * unconfirmed and every packet of the flow NEW to a stateful firewall.
 * Returns NF_ACCEPT or NF_DROP as nf_conntrack_confirm() does.
 */
unsigned int kesp_ct_confirm(struct sk_buff *skb);

/*
 * IPv6 is reassembled after LOCAL_IN, too late for ESP that arrives in
 * fragments, and forwarded fragments are not reassembled at all: kesp
 * reassembles them itself with nf_defrag_ipv6, in its own queues. 0:
 * @skb is whole now (or was no fragment); -EINPROGRESS: kept until the
 * rest arrives; other: drop it.
 */
enum kesp_defrag_user {
	KESP_DEFRAG_IN,		/* ESP to this host, at LOCAL_IN */
	KESP_DEFRAG_OUT,	/* before the OUT policies, at POST_ROUTING */
};

int kesp_defrag6(struct net *net, struct sk_buff *skb,
		 enum kesp_defrag_user user);

void kesp_ct_init(void);
void kesp_ct_exit(void);

#endif /* _KESP_CT_H */
