// SPDX-License-Identifier: GPL-2.0
/* Parsing and emitting addresses and selectors, with checks in one place. */

#include <linux/in.h>
#include <linux/ipv6.h>
#include "nlattr.h"

const struct nla_policy kesp_sel_policy[KESP_SEL_A_MAX + 1] = {
	[KESP_SEL_A_FAMILY] = { .type = NLA_U16 },
	[KESP_SEL_A_SRC] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KESP_SEL_A_DST] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KESP_SEL_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[KESP_SEL_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[KESP_SEL_A_PROTO] = { .type = NLA_U8 },
	[KESP_SEL_A_SPORT_MIN] = { .type = NLA_U16 },
	[KESP_SEL_A_SPORT_MAX] = { .type = NLA_U16 },
	[KESP_SEL_A_DPORT_MIN] = { .type = NLA_U16 },
	[KESP_SEL_A_DPORT_MAX] = { .type = NLA_U16 },
};

int kesp_nla_get_family(const struct nlattr *attr, u16 *family,
			struct netlink_ext_ack *extack)
{
	*family = nla_get_u16(attr);
	if (*family == AF_INET || *family == AF_INET6)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "family must be AF_INET or AF_INET6");
	return -EAFNOSUPPORT;
}

int kesp_nla_get_addr(const struct nlattr *attr, u16 family,
		      union kesp_addr *addr, struct netlink_ext_ack *extack)
{
	unsigned int len = kesp_addr_len(family);

	if (nla_len(attr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, nla_data(attr), len);
	return 0;
}

/* True if @addr has bits set beyond its first @plen. */
static bool host_bits_set(const union kesp_addr *addr, u16 family, u8 plen)
{
	const u8 *b = (const u8 *)addr;
	unsigned int i, len = kesp_addr_len(family);

	for (i = plen / 8; i < len; i++) {
		u8 mask = i == plen / 8 ? 0xff >> (plen % 8) : 0xff;

		if (b[i] & mask)
			return true;
	}
	return false;
}

static bool proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_ICMP ||
	       proto == IPPROTO_ICMPV6 || proto == IPPROTO_UDPLITE;
}

static int get_range(struct nlattr **tb, int lo, int hi, u16 *min, u16 *max,
		     struct netlink_ext_ack *extack)
{
	*min = tb[lo] ? nla_get_u16(tb[lo]) : 0;
	*max = tb[hi] ? nla_get_u16(tb[hi]) : 0xffff;
	if (*min <= *max)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[hi] ?: tb[lo],
			    "port range minimum above its maximum");
	return -EINVAL;
}

int kesp_nla_get_sel(const struct nlattr *nest, struct kesp_sel *sel,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KESP_SEL_A_MAX + 1];
	unsigned int maxplen;
	int err;

	err = nla_parse_nested(tb, KESP_SEL_A_MAX, nest, kesp_sel_policy,
			       extack);
	if (err)
		return err;
	memset(sel, 0, sizeof(*sel));
	if (kesp_require(extack, nest, tb, KESP_SEL_A_FAMILY))
		return -EINVAL;
	err = kesp_nla_get_family(tb[KESP_SEL_A_FAMILY], &sel->family, extack);
	if (err)
		return err;
	if (tb[KESP_SEL_A_SRC]) {
		err = kesp_nla_get_addr(tb[KESP_SEL_A_SRC], sel->family,
					&sel->src, extack);
		if (err)
			return err;
	}
	if (tb[KESP_SEL_A_DST]) {
		err = kesp_nla_get_addr(tb[KESP_SEL_A_DST], sel->family,
					&sel->dst, extack);
		if (err)
			return err;
	}
	maxplen = kesp_addr_len(sel->family) * 8;
	sel->splen = tb[KESP_SEL_A_SRC_PLEN] ?
		     nla_get_u8(tb[KESP_SEL_A_SRC_PLEN]) : 0;
	sel->dplen = tb[KESP_SEL_A_DST_PLEN] ?
		     nla_get_u8(tb[KESP_SEL_A_DST_PLEN]) : 0;
	if (sel->splen > maxplen || sel->dplen > maxplen) {
		NL_SET_ERR_MSG_ATTR(extack, sel->splen > maxplen ?
				    tb[KESP_SEL_A_SRC_PLEN] :
				    tb[KESP_SEL_A_DST_PLEN],
				    "prefix length longer than the address");
		return -EINVAL;
	}
	if (host_bits_set(&sel->src, sel->family, sel->splen) ||
	    host_bits_set(&sel->dst, sel->family, sel->dplen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_SEL_A_SRC] ?:
				    tb[KESP_SEL_A_DST],
				    "address has bits set beyond its prefix length");
		return -EINVAL;
	}
	sel->proto = tb[KESP_SEL_A_PROTO] ? nla_get_u8(tb[KESP_SEL_A_PROTO]) : 0;
	err = get_range(tb, KESP_SEL_A_SPORT_MIN, KESP_SEL_A_SPORT_MAX,
			&sel->sport_min, &sel->sport_max, extack);
	if (!err)
		err = get_range(tb, KESP_SEL_A_DPORT_MIN, KESP_SEL_A_DPORT_MAX,
				&sel->dport_min, &sel->dport_max, extack);
	if (err)
		return err;
	if (!proto_has_ports(sel->proto) &&
	    (tb[KESP_SEL_A_SPORT_MIN] || tb[KESP_SEL_A_SPORT_MAX] ||
	     tb[KESP_SEL_A_DPORT_MIN] || tb[KESP_SEL_A_DPORT_MAX])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_SEL_A_PROTO] ?: nest,
				    "ports need a protocol that has them");
		return -EINVAL;
	}
	return 0;
}

int kesp_nla_put_addr(struct sk_buff *skb, int type, u16 family,
		      const union kesp_addr *addr)
{
	return nla_put(skb, type, kesp_addr_len(family), addr);
}

int kesp_nla_put_sel(struct sk_buff *skb, int type, const struct kesp_sel *sel)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, KESP_SEL_A_FAMILY, sel->family) ||
	    kesp_nla_put_addr(skb, KESP_SEL_A_SRC, sel->family, &sel->src) ||
	    kesp_nla_put_addr(skb, KESP_SEL_A_DST, sel->family, &sel->dst) ||
	    nla_put_u8(skb, KESP_SEL_A_SRC_PLEN, sel->splen) ||
	    nla_put_u8(skb, KESP_SEL_A_DST_PLEN, sel->dplen) ||
	    nla_put_u8(skb, KESP_SEL_A_PROTO, sel->proto) ||
	    nla_put_u16(skb, KESP_SEL_A_SPORT_MIN, sel->sport_min) ||
	    nla_put_u16(skb, KESP_SEL_A_SPORT_MAX, sel->sport_max) ||
	    nla_put_u16(skb, KESP_SEL_A_DPORT_MIN, sel->dport_min) ||
	    nla_put_u16(skb, KESP_SEL_A_DPORT_MAX, sel->dport_max)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
