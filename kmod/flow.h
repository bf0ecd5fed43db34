/* SPDX-License-Identifier: GPL-2.0 */
/* What a packet looks like to the SPD: addresses, protocol and ports. */

#ifndef _KESP_FLOW_H
#define _KESP_FLOW_H

#include "sa.h"

struct sk_buff;

/*
 * Ports are host order; for ICMP and ICMPv6 sport is the type and dport the
 * code, as selectors take them. A non-first fragment has no ports: it only
 * matches selectors that accept any port (has_ports false).
 */
struct kesp_flow {
	union kesp_addr src, dst;
	u16 family;
	u8 proto;
	bool has_ports;
	u16 sport, dport;
};

/*
 * Read the flow of the IP packet at skb_network_header(); false if the
 * header is truncated or not IP (the caller decides what that means).
 */
bool kesp_flow_from_skb(const struct sk_buff *skb, u16 family,
			struct kesp_flow *fl);
bool kesp_sel_match(const struct kesp_sel *sel, const struct kesp_flow *fl);
bool kesp_addr_equal(u16 family, const union kesp_addr *a,
		     const union kesp_addr *b);

#endif /* _KESP_FLOW_H */
