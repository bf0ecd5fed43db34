/* SPDX-License-Identifier: GPL-2.0 */
/* Inbound packets: ESP decapsulation and the cleartext check. */

#ifndef _KESP_INPUT_H
#define _KESP_INPUT_H

#include <linux/netfilter.h>

struct kesp_net;

/*
 * Decrypted packets carry a secpath, as XFRM's do, so that the inbound
 * SPD check (and nftables' "meta ipsec exists", and XFRM's own checks)
 * can tell them from cleartext. An empty secpath would crash XFRM's
 * policy check, which reads its last state: one placeholder state per
 * namespace stands for "kesp removed ESP here".
 */
int kesp_input_init(struct kesp_net *kn);
void kesp_input_exit(struct kesp_net *kn);

/* LOCAL_IN: ESP for a local address, and cleartext against "in" policies. */
unsigned int kesp_in_hook(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state);
/* FORWARD: cleartext against "fwd" policies. */
unsigned int kesp_fwd_hook(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

#endif /* _KESP_INPUT_H */
