/* SPDX-License-Identifier: GPL-2.0 */
/* Confirming a packet's conntrack entry before kesp takes the packet over. */

#ifndef _KESP_CT_H
#define _KESP_CT_H

struct sk_buff;

/*
 * Netfilter confirms a connection at the very end of POST_ROUTING and
 * LOCAL_IN; a packet kesp steals before that would leave its entry
 * unconfirmed and every packet of the flow NEW to a stateful firewall.
 * Returns NF_ACCEPT or NF_DROP as nf_conntrack_confirm() does.
 */
unsigned int kesp_ct_confirm(struct sk_buff *skb);
void kesp_ct_exit(void);

#endif /* _KESP_CT_H */
