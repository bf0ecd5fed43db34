/* SPDX-License-Identifier: GPL-2.0 */
/* Netlink attribute helpers shared by the SA and policy commands. */

#ifndef _KESP_NLATTR_H
#define _KESP_NLATTR_H

#include <net/netlink.h>
#include "sa.h"

extern const struct nla_policy kesp_sel_policy[KESP_SEL_A_MAX + 1];

/* An address attribute whose length must fit @family. */
int kesp_nla_get_addr(const struct nlattr *attr, u16 family,
		      union kesp_addr *addr, struct netlink_ext_ack *extack);
/* A family attribute: AF_INET or AF_INET6. */
int kesp_nla_get_family(const struct nlattr *attr, u16 *family,
			struct netlink_ext_ack *extack);
/* A KESP_SEL_A_* nest, checked: prefixes, host bits, port ranges. */
int kesp_nla_get_sel(const struct nlattr *nest, struct kesp_sel *sel,
		     struct netlink_ext_ack *extack);

int kesp_nla_put_addr(struct sk_buff *skb, int type, u16 family,
		      const union kesp_addr *addr);
int kesp_nla_put_sel(struct sk_buff *skb, int type, const struct kesp_sel *sel);

/*
 * True, with an extack naming the missing attribute (its type and nest go
 * in NLMSGERR_ATTR_MISS_TYPE and _MISS_NEST), when tb[type] is absent.
 */
static inline bool kesp_require(struct netlink_ext_ack *extack,
				const struct nlattr *nest, struct nlattr **tb,
				int type)
{
	if (!NL_REQ_ATTR_CHECK(extack, nest, tb, type))
		return false;
	NL_SET_ERR_MSG(extack, "missing required attribute");
	return true;
}

#endif /* _KESP_NLATTR_H */
