// SPDX-License-Identifier: GPL-2.0
/* Generic netlink family "kesp": request handlers and reply builders. */

#include <linux/module.h>
#include <net/genetlink.h>
#include "kesp.h"
#include "netlink.h"
#include "stats.h"

/* Only bits for features that work in this build; see enum kesp_cap. */
#define KESP_CAPS	(KESP_CAP_STATS | KESP_CAP_SAD | KESP_CAP_SPD | \
			 KESP_CAP_UDP_ENCAP)

static struct genl_family kesp_genl_family;

struct genl_family *kesp_genl_family_ptr(void)
{
	return &kesp_genl_family;
}

void kesp_genl_multicast(struct net *net, struct sk_buff *msg, gfp_t gfp)
{
	genlmsg_multicast_netns(&kesp_genl_family, net, msg, 0, 0, gfp);
}

void *kesp_genl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kesp_genl_family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

struct sk_buff *kesp_genl_reply_new(struct genl_info *info, u8 cmd,
				    void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &kesp_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = kesp_genl_reply_new(info, KESP_CMD_GET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, KESP_A_INFO_VERSION, KESP_VERSION) ||
	    nla_put_u32(msg, KESP_A_INFO_API, KESP_GENL_VERSION) ||
	    nla_put_u64_64bit(msg, KESP_A_INFO_CAPS, KESP_CAPS, KESP_A_PAD))
		goto msg_full;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

msg_full:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int put_stats(struct sk_buff *msg, const struct kesp_net *kn)
{
	u64 sum[__KESP_STAT_MAX];
	struct nlattr *nest;
	int i;

	kesp_stats_read(kn, sum);
	nest = nla_nest_start(msg, KESP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KESP_STAT_PAD + 1; i < __KESP_STAT_MAX; i++) {
		if (nla_put_u64_64bit(msg, i, sum[i], KESP_STAT_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = kesp_genl_reply_new(info, KESP_CMD_STATS_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	err = put_stats(msg, kn);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	kesp_stats_reset(kesp_net(genl_info_net(info)));
	return 0;
}

#define SA_POLICY .policy = kesp_sa_cmd_policy, .maxattr = KESP_A_SA
#define POL_POLICY .policy = kesp_policy_cmd_policy, .maxattr = KESP_A_POLICY

/*
 * No per-op policy means "no attributes accepted" for a family with
 * resv_start_op 0: every command here is validated strictly.
 */
static const struct genl_ops kesp_genl_ops[] = {
	{
		.cmd = KESP_CMD_GET_INFO,
		.doit = get_info,
	}, {
		.cmd = KESP_CMD_STATS_GET,
		.doit = stats_get,
	}, {
		.cmd = KESP_CMD_STATS_RESET,
		.doit = stats_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SA_NEW,
		.doit = kesp_nl_sa_new,
		SA_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SA_UPDATE,
		.doit = kesp_nl_sa_update,
		SA_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SA_DEL,
		.doit = kesp_nl_sa_del,
		SA_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SA_GET,
		.doit = kesp_nl_sa_get,
		.dumpit = kesp_nl_sa_dump,
		SA_POLICY,
		/* Peers, SPIs, selectors, traffic: as XFRM, admins only. */
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SA_FLUSH,
		.doit = kesp_nl_sa_flush,
		SA_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_SPI_ALLOC,
		.doit = kesp_nl_spi_alloc,
		SA_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_POLICY_NEW,
		.doit = kesp_nl_policy_new,
		POL_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_POLICY_DEL,
		.doit = kesp_nl_policy_del,
		POL_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_POLICY_GET,
		.doit = kesp_nl_policy_get,
		.dumpit = kesp_nl_policy_dump,
		POL_POLICY,
		/* Peers, SPIs, selectors, traffic: as XFRM, admins only. */
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_POLICY_FLUSH,
		.doit = kesp_nl_policy_flush,
		POL_POLICY,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KESP_CMD_ENCAP_SOCK,
		.doit = kesp_nl_encap_sock,
		.policy = kesp_encap_cmd_policy,
		.maxattr = KESP_A_ENCAP_FD,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group kesp_genl_mcgrps[] = {
	/* ACQUIRE reveals who talks to whom: listeners need CAP_NET_ADMIN. */
	{ .name = KESP_GENL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family kesp_genl_family __ro_after_init = {
	.name = KESP_GENL_NAME,
	.version = KESP_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = kesp_genl_ops,
	.n_ops = ARRAY_SIZE(kesp_genl_ops),
	.mcgrps = kesp_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kesp_genl_mcgrps),
};

int __init kesp_genl_init(void)
{
	return genl_register_family(&kesp_genl_family);
}

void kesp_genl_exit(void)
{
	genl_unregister_family(&kesp_genl_family);
}
