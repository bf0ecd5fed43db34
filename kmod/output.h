/* SPDX-License-Identifier: GPL-2.0 */
/* Outbound packets: SPD decision and ESP encapsulation. */

#ifndef _KESP_OUTPUT_H
#define _KESP_OUTPUT_H

#include <linux/netfilter.h>

struct kesp_net;
struct sk_buff;

/* POST_ROUTING, IPv4 and IPv6: local and forwarded packets after routing. */
unsigned int kesp_out_hook(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);
/*
 * Send a packet that was held for an ACQUIRE through the SPD again, in
 * process context with kn->lock held; consumes @skb.
 */
void kesp_output_resend(struct kesp_net *kn, struct sk_buff *skb);

#endif /* _KESP_OUTPUT_H */
