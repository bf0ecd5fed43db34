/* SPDX-License-Identifier: GPL-2.0 */
/* Inbound packets: ESP decapsulation and the cleartext check. */

#ifndef _KESP_INPUT_H
#define _KESP_INPUT_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

struct kesp_net;
struct kesp_encap_in;
struct kesp_sa;
struct kesp_sa_cfg;
struct xfrm_state;

/*
 * Decrypted packets carry a secpath, as XFRM's do, so that the inbound
 * SPD check (and nftables' "meta ipsec exists", and XFRM's own checks)
 * can tell them from cleartext. An empty secpath would crash XFRM's
 * policy check, which reads its last state: each inbound SA has a
 * placeholder state, its mark, which records what the IN and FWD
 * policies' templates are matched against (mode, peers, SPI, reqid).
 * NULL without memory.
 */
struct xfrm_state *kesp_input_mark_alloc(struct net *net,
					 const struct kesp_sa_cfg *cfg);

/* LOCAL_IN: ESP for a local address, and cleartext against "in" policies. */
unsigned int kesp_in_hook(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state);
/* FORWARD: cleartext against "fwd" policies. */
unsigned int kesp_fwd_hook(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

/*
 * ESP that came in UDP (encap.c), the UDP header already removed and the
 * packet made to look like plain ESP at @off; from softirq. Consumes @skb.
 */
void kesp_input_encap(struct kesp_net *kn, struct sk_buff *skb, u16 family,
		      unsigned int off, const struct kesp_encap_in *in);
/*
 * The pipeline's worker: decrypt @skb, queued by esp_input() for @sa;
 * BHs off, under RCU. Consumes @skb; the caller keeps its SA reference.
 */
void kesp_input_piped(struct kesp_sa *sa, struct sk_buff *skb);

/*
 * ESP held for a reserved SPI (spi_resv.c) whose SA has now been added:
 * put each packet of @q through the inbound path, as if it had just
 * arrived. BH disabled, under rcu_read_lock().
 */
void kesp_input_held(struct kesp_net *kn, struct sk_buff_head *q);

#endif /* _KESP_INPUT_H */
