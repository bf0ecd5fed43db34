// SPDX-License-Identifier: GPL-2.0
/* Packet selectors: reading them from a packet and matching them. */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "flow.h"

/* Read the ports (or ICMP type and code) of the L4 header at @off. */
static void read_ports(const struct sk_buff *skb, unsigned int off,
		       struct kesp_flow *fl)
{
	__be16 ports[2], *pp;
	u8 tc[2], *t;

	switch (fl->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		pp = skb_header_pointer(skb, off, sizeof(ports), ports);
		if (!pp)
			return;
		fl->sport = ntohs(pp[0]);
		fl->dport = ntohs(pp[1]);
		fl->has_ports = true;
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		t = skb_header_pointer(skb, off, sizeof(tc), tc);
		if (!t)
			return;
		fl->sport = t[0];
		fl->dport = t[1];
		fl->has_ports = true;
		return;
	}
}

static bool flow4(const struct sk_buff *skb, struct kesp_flow *fl)
{
	unsigned int off = skb_network_offset(skb);
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return false;
	fl->src.a4 = iph->saddr;
	fl->dst.a4 = iph->daddr;
	fl->proto = iph->protocol;
	if (!(iph->frag_off & htons(IP_OFFSET)))
		read_ports(skb, off + iph->ihl * 4, fl);
	return true;
}

static bool flow6(const struct sk_buff *skb, struct kesp_flow *fl)
{
	unsigned int off = skb_network_offset(skb);
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	struct frag_hdr _fh, *fh;
	__be16 frag_off;
	u8 nexthdr;
	int l4;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return false;
	fl->src.a6 = ip6h->saddr;
	fl->dst.a6 = ip6h->daddr;
	nexthdr = ip6h->nexthdr;
	l4 = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr, &frag_off);
	if (l4 < 0)
		return false;
	/*
	 * A later fragment: the walk stopped at its fragment header, which
	 * names the protocol as IPv4's header does (RFC 4301 7.1: it has
	 * the datagram's protocol, and no ports).
	 */
	if (nexthdr == NEXTHDR_FRAGMENT) {
		fh = skb_header_pointer(skb, l4, sizeof(_fh), &_fh);
		if (!fh)
			return false;
		fl->proto = fh->nexthdr;
		return true;
	}
	fl->proto = nexthdr;
	if (!(frag_off & htons(IP6_OFFSET)))
		read_ports(skb, l4, fl);
	return true;
}

bool kesp_flow_from_skb(const struct sk_buff *skb, u16 family,
			struct kesp_flow *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->family = family;
	return family == AF_INET ? flow4(skb, fl) : flow6(skb, fl);
}

bool kesp_addr_equal(u16 family, const union kesp_addr *a,
		     const union kesp_addr *b)
{
	if (family == AF_INET)
		return a->a4 == b->a4;
	return ipv6_addr_equal(&a->a6, &b->a6);
}

static bool prefix_match(u16 family, const union kesp_addr *net, u8 plen,
			 const union kesp_addr *addr)
{
	if (!plen)
		return true;
	if (family == AF_INET)
		return !((net->a4 ^ addr->a4) & inet_make_mask(plen));
	return ipv6_prefix_equal(&net->a6, &addr->a6, plen);
}

bool kesp_sel_match(const struct kesp_sel *sel, const struct kesp_flow *fl)
{
	bool any_ports;

	if (sel->family != fl->family ||
	    !prefix_match(fl->family, &sel->dst, sel->dplen, &fl->dst) ||
	    !prefix_match(fl->family, &sel->src, sel->splen, &fl->src))
		return false;
	if (!sel->proto)
		return true;
	if (sel->proto != fl->proto)
		return false;
	any_ports = sel->sport_min == 0 && sel->sport_max == 0xffff &&
		    sel->dport_min == 0 && sel->dport_max == 0xffff;
	if (!fl->has_ports)
		return any_ports;
	return fl->sport >= sel->sport_min && fl->sport <= sel->sport_max &&
	       fl->dport >= sel->dport_min && fl->dport <= sel->dport_max;
}
