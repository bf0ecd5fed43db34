// SPDX-License-Identifier: GPL-2.0
/* Netlink commands on policies: new, delete, get, dump, flush. */

#include <net/genetlink.h>
#include <net/sock.h>
#include "netlink.h"
#include "nlattr.h"
#include "policy.h"

/* Priority of a policy that does not say, as the uapi documents. */
#define DEFAULT_PRIORITY 0x10000

static const struct nla_policy tmpl_policy[KESP_TMPL_A_MAX + 1] = {
	[KESP_TMPL_A_MODE] = NLA_POLICY_RANGE(NLA_U8, KESP_MODE_TUNNEL,
					      KESP_MODE_TRANSPORT),
	[KESP_TMPL_A_FAMILY] = { .type = NLA_U16 },
	[KESP_TMPL_A_SRC] = { .type = NLA_BINARY,
			      .len = sizeof(struct in6_addr) },
	[KESP_TMPL_A_DST] = { .type = NLA_BINARY,
			      .len = sizeof(struct in6_addr) },
	[KESP_TMPL_A_REQID] = { .type = NLA_U32 },
};

static const struct nla_policy pol_policy[KESP_POL_A_MAX + 1] = {
	[KESP_POL_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KESP_POL_A_DIR] = NLA_POLICY_RANGE(NLA_U8, KESP_DIR_IN, KESP_DIR_FWD),
	[KESP_POL_A_SEL] = NLA_POLICY_NESTED(kesp_sel_policy),
	[KESP_POL_A_ACTION] = NLA_POLICY_RANGE(NLA_U8, KESP_ACTION_PROTECT,
					       KESP_ACTION_DISCARD),
	[KESP_POL_A_PRIORITY] = { .type = NLA_U32 },
	[KESP_POL_A_TMPL] = NLA_POLICY_NESTED(tmpl_policy),
	[KESP_POL_A_PACKETS] = { .type = NLA_REJECT },
	[KESP_POL_A_MSS] = { .type = NLA_U16 },
};

const struct nla_policy kesp_policy_cmd_policy[KESP_A_POLICY + 1] = {
	[KESP_A_POLICY] = NLA_POLICY_NESTED(pol_policy),
};

static int parse_pol(struct genl_info *info, struct nlattr **tb, bool required)
{
	if (!info->attrs[KESP_A_POLICY]) {
		if (!required)
			return 0;
		GENL_REQ_ATTR_CHECK(info, KESP_A_POLICY);
		NL_SET_ERR_MSG(info->extack, "missing required attribute");
		return -EINVAL;
	}
	return nla_parse_nested(tb, KESP_POL_A_MAX, info->attrs[KESP_A_POLICY],
				pol_policy, info->extack);
}

static int get_tmpl(struct nlattr *nest, struct kesp_tmpl *t,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KESP_TMPL_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, KESP_TMPL_A_MAX, nest, tmpl_policy, extack);
	if (err)
		return err;
	if (kesp_require(extack, nest, tb, KESP_TMPL_A_MODE))
		return -EINVAL;
	t->mode = nla_get_u8(tb[KESP_TMPL_A_MODE]);
	t->reqid = tb[KESP_TMPL_A_REQID] ? nla_get_u32(tb[KESP_TMPL_A_REQID]) : 0;
	if (t->mode == KESP_MODE_TRANSPORT && !tb[KESP_TMPL_A_FAMILY])
		return 0;
	/* A tunnel needs its endpoints: the peer is where packets go. */
	if (kesp_require(extack, nest, tb, KESP_TMPL_A_FAMILY) ||
	    kesp_require(extack, nest, tb, KESP_TMPL_A_SRC) ||
	    kesp_require(extack, nest, tb, KESP_TMPL_A_DST))
		return -EINVAL;
	err = kesp_nla_get_family(tb[KESP_TMPL_A_FAMILY], &t->family, extack);
	if (!err)
		err = kesp_nla_get_addr(tb[KESP_TMPL_A_SRC], t->family, &t->src,
					extack);
	if (!err)
		err = kesp_nla_get_addr(tb[KESP_TMPL_A_DST], t->family, &t->dst,
					extack);
	return err;
}

static int get_policy(struct nlattr *nest, struct nlattr **tb,
		      struct kesp_policy *pol, struct netlink_ext_ack *extack)
{
	int err;

	if (kesp_require(extack, nest, tb, KESP_POL_A_DIR) ||
	    kesp_require(extack, nest, tb, KESP_POL_A_SEL) ||
	    kesp_require(extack, nest, tb, KESP_POL_A_ACTION))
		return -EINVAL;
	if (tb[KESP_POL_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_POL_A_ID],
				    "the kernel assigns policy IDs");
		return -EINVAL;
	}
	pol->dir = nla_get_u8(tb[KESP_POL_A_DIR]);
	pol->action = nla_get_u8(tb[KESP_POL_A_ACTION]);
	pol->priority = tb[KESP_POL_A_PRIORITY] ?
			nla_get_u32(tb[KESP_POL_A_PRIORITY]) : DEFAULT_PRIORITY;
	err = kesp_nla_get_sel(tb[KESP_POL_A_SEL], &pol->sel, extack);
	if (err)
		return err;
	if (tb[KESP_POL_A_MSS]) {
		pol->mss_clamp = true;
		pol->mss = nla_get_u16(tb[KESP_POL_A_MSS]);
		if (pol->action != KESP_ACTION_PROTECT ||
		    pol->dir != KESP_DIR_OUT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KESP_POL_A_MSS],
					    "MSS clamping is for OUT PROTECT policies");
			return -EINVAL;
		}
		if (pol->mss && pol->mss < 536) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KESP_POL_A_MSS],
					    "MSS below 536 (0 means: what fits the tunnel)");
			return -ERANGE;
		}
	}
	if (pol->action != KESP_ACTION_PROTECT) {
		if (tb[KESP_POL_A_TMPL]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KESP_POL_A_TMPL],
					    "only PROTECT policies take a template");
			return -EINVAL;
		}
		return 0;
	}
	if (kesp_require(extack, nest, tb, KESP_POL_A_TMPL))
		return -EINVAL;
	return get_tmpl(tb[KESP_POL_A_TMPL], &pol->tmpl, extack);
}

static int put_tmpl(struct sk_buff *skb, const struct kesp_tmpl *t)
{
	struct nlattr *nest = nla_nest_start(skb, KESP_POL_A_TMPL);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, KESP_TMPL_A_MODE, t->mode) ||
	    nla_put_u32(skb, KESP_TMPL_A_REQID, t->reqid) ||
	    (t->family &&
	     (nla_put_u16(skb, KESP_TMPL_A_FAMILY, t->family) ||
	      kesp_nla_put_addr(skb, KESP_TMPL_A_SRC, t->family, &t->src) ||
	      kesp_nla_put_addr(skb, KESP_TMPL_A_DST, t->family, &t->dst)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int kesp_nl_put_policy(struct sk_buff *skb, const struct kesp_policy *pol)
{
	struct nlattr *nest = nla_nest_start(skb, KESP_A_POLICY);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KESP_POL_A_ID, pol->id) ||
	    nla_put_u8(skb, KESP_POL_A_DIR, pol->dir) ||
	    kesp_nla_put_sel(skb, KESP_POL_A_SEL, &pol->sel) ||
	    nla_put_u8(skb, KESP_POL_A_ACTION, pol->action) ||
	    nla_put_u32(skb, KESP_POL_A_PRIORITY, pol->priority) ||
	    (pol->action == KESP_ACTION_PROTECT && put_tmpl(skb, &pol->tmpl)) ||
	    nla_put_u64_64bit(skb, KESP_POL_A_PACKETS,
			      atomic64_read(&pol->packets), KESP_POL_A_PAD) ||
	    (pol->mss_clamp && nla_put_u16(skb, KESP_POL_A_MSS, pol->mss))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int kesp_nl_policy_new(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_POL_A_MAX + 1] = {};
	struct kesp_policy *pol;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int err;

	err = parse_pol(info, tb, true);
	if (err)
		return err;
	pol = kesp_policy_alloc();
	if (!pol)
		return -ENOMEM;
	err = get_policy(info->attrs[KESP_A_POLICY], tb, pol, info->extack);
	if (err)
		goto free_pol;
	msg = kesp_genl_reply_new(info, KESP_CMD_POLICY_NEW, &hdr);
	err = -ENOMEM;
	if (!msg)
		goto free_pol;
	mutex_lock(&kn->lock);
	err = kesp_policy_insert(kn, pol, info->extack);
	mutex_unlock(&kn->lock);
	if (err)
		goto free_msg;
	/* The ID is known once inserted; the policy is live from here on. */
	nest = nla_nest_start(msg, KESP_A_POLICY);
	if (!nest || nla_put_u32(msg, KESP_POL_A_ID, pol->id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
free_pol:
	kesp_policy_free(pol);
	return err;
}

static struct kesp_policy *find_policy(struct kesp_net *kn,
				       struct genl_info *info,
				       struct nlattr **tb, int *err)
{
	struct kesp_policy *pol;

	*err = -EINVAL;
	if (kesp_require(info->extack, info->attrs[KESP_A_POLICY], tb,
			 KESP_POL_A_ID))
		return NULL;
	pol = kesp_policy_find(kn, nla_get_u32(tb[KESP_POL_A_ID]));
	*err = pol ? 0 : -ENOENT;
	if (!pol)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KESP_POL_A_ID],
				    "no policy with this ID");
	return pol;
}

int kesp_nl_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_POL_A_MAX + 1] = {};
	struct kesp_policy *pol;
	int err;

	err = parse_pol(info, tb, true);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	pol = find_policy(kn, info, tb, &err);
	if (pol)
		kesp_policy_unlink(kn, pol);
	mutex_unlock(&kn->lock);
	return err;
}

int kesp_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_POL_A_MAX + 1] = {};
	struct kesp_policy *pol;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = parse_pol(info, tb, true);
	if (err)
		return err;
	msg = kesp_genl_reply_new(info, KESP_CMD_POLICY_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	pol = find_policy(kn, info, tb, &err);
	if (pol)
		err = kesp_nl_put_policy(msg, pol);
	mutex_unlock(&kn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int kesp_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kesp_net *kn = kesp_net(sock_net(skb->sk));
	unsigned long i = 0, start = cb->args[0];
	struct kesp_policy *pol;
	void *hdr;
	int d;

	mutex_lock(&kn->lock);
	cb->seq = kn->policy_gen;
	for (d = 0; d < ARRAY_SIZE(kn->spd); d++) {
		list_for_each_entry(pol, &kn->spd[d], list) {
			if (i < start) {
				i++;
				continue;
			}
			hdr = kesp_genl_dump_hdr(skb, cb, KESP_CMD_POLICY_GET);
			if (!hdr)
				goto out;
			if (kesp_nl_put_policy(skb, pol)) {
				genlmsg_cancel(skb, hdr);
				goto out;
			}
			genlmsg_end(skb, hdr);
			i++;
		}
	}
out:
	mutex_unlock(&kn->lock);
	cb->args[0] = i;
	return skb->len;
}

int kesp_nl_policy_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_POL_A_MAX + 1] = {};
	u8 dir = 0;
	int err, i;

	err = parse_pol(info, tb, false);
	if (err)
		return err;
	for (i = 1; i <= KESP_POL_A_MAX; i++) {
		if (tb[i] && i != KESP_POL_A_DIR) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "POLICY_FLUSH takes only DIR");
			return -EINVAL;
		}
	}
	if (tb[KESP_POL_A_DIR])
		dir = nla_get_u8(tb[KESP_POL_A_DIR]);
	mutex_lock(&kn->lock);
	kesp_policy_flush(kn, dir);
	mutex_unlock(&kn->lock);
	return 0;
}

void kesp_nl_notify_acquire(struct kesp_net *kn, const struct kesp_policy *pol,
			    const struct kesp_flow *fl)
{
	unsigned int alen = kesp_addr_len(fl->family);
	struct kesp_sel flow = {
		.family = fl->family,
		.src = fl->src,
		.dst = fl->dst,
		.splen = alen * 8,
		.dplen = alen * 8,
		.proto = fl->proto,
		.sport_min = fl->has_ports ? fl->sport : 0,
		.sport_max = fl->has_ports ? fl->sport : 0xffff,
		.dport_min = fl->has_ports ? fl->dport : 0,
		.dport_max = fl->has_ports ? fl->dport : 0xffff,
	};
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, kesp_genl_family_ptr(), 0,
			  KESP_CMD_ACQUIRE);
	if (!hdr || kesp_nl_put_policy(msg, pol) ||
	    kesp_nla_put_sel(msg, KESP_A_FLOW, &flow)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	kesp_genl_multicast(kn->net, msg, GFP_ATOMIC);
}
