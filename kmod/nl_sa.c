// SPDX-License-Identifier: GPL-2.0
/* Netlink commands on SAs: new, update, delete, get, dump, flush, SPI_ALLOC. */

#include <net/genetlink.h>
#include <net/sock.h>
#include "crypto.h"
#include "lifetime.h"
#include "netlink.h"
#include "nlattr.h"
#include "sa.h"
#include "spi_resv.h"

#define MAX_KEY_LEN 64	/* longest key of any transform, salt included */

static const struct nla_policy lft_policy[KESP_LFT_A_MAX + 1] = {
	[KESP_LFT_A_SOFT_BYTES] = { .type = NLA_U64 },
	[KESP_LFT_A_HARD_BYTES] = { .type = NLA_U64 },
	[KESP_LFT_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[KESP_LFT_A_HARD_PACKETS] = { .type = NLA_U64 },
	[KESP_LFT_A_SOFT_ADD_SECS] = { .type = NLA_U64 },
	[KESP_LFT_A_HARD_ADD_SECS] = { .type = NLA_U64 },
	[KESP_LFT_A_SOFT_USE_SECS] = { .type = NLA_U64 },
	[KESP_LFT_A_HARD_USE_SECS] = { .type = NLA_U64 },
};

static const struct nla_policy sa_policy[KESP_SA_A_MAX + 1] = {
	[KESP_SA_A_SPI] = NLA_POLICY_MIN(NLA_U32, 1),
	[KESP_SA_A_DIR] = NLA_POLICY_RANGE(NLA_U8, KESP_DIR_IN, KESP_DIR_OUT),
	[KESP_SA_A_MODE] = NLA_POLICY_RANGE(NLA_U8, KESP_MODE_TUNNEL,
					    KESP_MODE_TRANSPORT),
	[KESP_SA_A_FAMILY] = { .type = NLA_U16 },
	[KESP_SA_A_SRC] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KESP_SA_A_DST] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KESP_SA_A_SEL] = NLA_POLICY_NESTED(kesp_sel_policy),
	[KESP_SA_A_ENC] = { .type = NLA_U16 },
	[KESP_SA_A_ENC_KEY] = { .type = NLA_BINARY, .len = MAX_KEY_LEN },
	[KESP_SA_A_INTEG] = { .type = NLA_U16 },
	[KESP_SA_A_INTEG_KEY] = { .type = NLA_BINARY, .len = MAX_KEY_LEN },
	[KESP_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, 4096),
	[KESP_SA_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KESP_SA_F_ALL),
	[KESP_SA_A_REQID] = { .type = NLA_U32 },
	[KESP_SA_A_LIFETIME] = NLA_POLICY_NESTED(lft_policy),
	[KESP_SA_A_SEQ] = { .type = NLA_U64 },
	[KESP_SA_A_ADD_TIME] = { .type = NLA_REJECT },
	[KESP_SA_A_USE_TIME] = { .type = NLA_REJECT },
	[KESP_SA_A_COUNTERS] = { .type = NLA_REJECT },
	[KESP_SA_A_SPI_MIN] = { .type = NLA_U32 },
	[KESP_SA_A_SPI_MAX] = { .type = NLA_U32 },
	[KESP_SA_A_ENCAP_SPORT] = { .type = NLA_BE16 },
	[KESP_SA_A_ENCAP_DPORT] = { .type = NLA_BE16 },
	[KESP_SA_A_NEW_SRC] = { .type = NLA_BINARY,
				.len = sizeof(struct in6_addr) },
	[KESP_SA_A_NEW_DST] = { .type = NLA_BINARY,
				.len = sizeof(struct in6_addr) },
};

const struct nla_policy kesp_sa_cmd_policy[KESP_A_SA + 1] = {
	[KESP_A_SA] = NLA_POLICY_NESTED(sa_policy),
};

/* Default replay window of inbound SAs, in packets, as the uapi says. */
#define DEFAULT_REPLAY_WINDOW 128

static int parse_sa(struct genl_info *info, struct nlattr **tb, bool required)
{
	if (!info->attrs[KESP_A_SA]) {
		if (!required)
			return 0;
		GENL_REQ_ATTR_CHECK(info, KESP_A_SA);
		NL_SET_ERR_MSG(info->extack, "missing required attribute KESP_A_SA");
		return -EINVAL;
	}
	return nla_parse_nested(tb, KESP_SA_A_MAX, info->attrs[KESP_A_SA],
				sa_policy, info->extack);
}

/* SPI, DIR, FAMILY and DST: what names one SA. */
static int get_key(struct nlattr *nest, struct nlattr **tb,
		   struct kesp_sa_key *key, struct netlink_ext_ack *extack)
{
	int err;

	if (kesp_require(extack, nest, tb, KESP_SA_A_SPI) ||
	    kesp_require(extack, nest, tb, KESP_SA_A_DIR) ||
	    kesp_require(extack, nest, tb, KESP_SA_A_FAMILY) ||
	    kesp_require(extack, nest, tb, KESP_SA_A_DST))
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	key->spi = nla_get_u32(tb[KESP_SA_A_SPI]);
	key->dir = nla_get_u8(tb[KESP_SA_A_DIR]);
	err = kesp_nla_get_family(tb[KESP_SA_A_FAMILY], &key->family, extack);
	if (err)
		return err;
	return kesp_nla_get_addr(tb[KESP_SA_A_DST], key->family, &key->dst,
				 extack);
}

static int get_lifetime(struct nlattr *nest, struct kesp_lifetime *lft,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KESP_LFT_A_MAX + 1];
	u64 *v = &lft->soft_bytes;
	int err, i;

	memset(lft, 0, sizeof(*lft));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, KESP_LFT_A_MAX, nest, lft_policy, extack);
	if (err)
		return err;
	/* struct kesp_lifetime is laid out in uapi order, soft then hard. */
	for (i = KESP_LFT_A_SOFT_BYTES; i <= KESP_LFT_A_HARD_USE_SECS; i++)
		v[i - KESP_LFT_A_SOFT_BYTES] = tb[i] ? nla_get_u64(tb[i]) : 0;
	for (i = 0; i < 8; i += 2) {
		if (v[i + 1] && v[i] > v[i + 1]) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[KESP_LFT_A_SOFT_BYTES + i],
					    "soft limit above the hard limit");
			return -EINVAL;
		}
	}
	return 0;
}

/* One ENCAP port attribute, if present: not 0. */
static int get_port(struct nlattr *attr, __be16 *port,
		    struct netlink_ext_ack *extack)
{
	*port = 0;
	if (!attr)
		return 0;
	*port = nla_get_be16(attr);
	if (!*port) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "UDP encapsulation port 0");
		return -EINVAL;
	}
	return 0;
}

/* ENCAP_SPORT and ENCAP_DPORT of SA_NEW: both or neither. */
static int get_encap(struct nlattr **tb, struct kesp_sa_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *s = tb[KESP_SA_A_ENCAP_SPORT];
	struct nlattr *d = tb[KESP_SA_A_ENCAP_DPORT];

	if (!s != !d) {
		NL_SET_ERR_MSG_ATTR(extack, s ?: d,
				    "UDP encapsulation needs both ENCAP_SPORT and ENCAP_DPORT");
		return -EINVAL;
	}
	return get_port(s, &cfg->encap_sport, extack) ?:
	       get_port(d, &cfg->encap_dport, extack);
}

static int get_params(struct nlattr *nest, struct nlattr **tb,
		      struct kesp_sa_params *p, struct netlink_ext_ack *extack)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = get_key(nest, tb, &p->cfg.key, extack);
	if (err)
		return err;
	if (kesp_require(extack, nest, tb, KESP_SA_A_MODE) ||
	    kesp_require(extack, nest, tb, KESP_SA_A_SRC) ||
	    kesp_require(extack, nest, tb, KESP_SA_A_ENC))
		return -EINVAL;
	p->cfg.mode = nla_get_u8(tb[KESP_SA_A_MODE]);
	err = kesp_nla_get_addr(tb[KESP_SA_A_SRC], p->cfg.key.family, &p->cfg.src,
				extack);
	if (err)
		return err;
	if (tb[KESP_SA_A_SEL]) {
		err = kesp_nla_get_sel(tb[KESP_SA_A_SEL], &p->cfg.sel, extack);
		if (err)
			return err;
		p->cfg.has_sel = true;
	}
	p->cfg.enc = nla_get_u16(tb[KESP_SA_A_ENC]);
	if (tb[KESP_SA_A_ENC_KEY]) {
		p->enc_key = nla_data(tb[KESP_SA_A_ENC_KEY]);
		p->enc_keylen = nla_len(tb[KESP_SA_A_ENC_KEY]);
	}
	if (tb[KESP_SA_A_INTEG])
		p->cfg.integ = nla_get_u16(tb[KESP_SA_A_INTEG]);
	if (tb[KESP_SA_A_INTEG_KEY]) {
		p->integ_key = nla_data(tb[KESP_SA_A_INTEG_KEY]);
		p->integ_keylen = nla_len(tb[KESP_SA_A_INTEG_KEY]);
	}
	if (p->cfg.key.dir == KESP_DIR_IN)
		p->cfg.replay_window = tb[KESP_SA_A_REPLAY_WINDOW] ?
			nla_get_u32(tb[KESP_SA_A_REPLAY_WINDOW]) :
			DEFAULT_REPLAY_WINDOW;
	else if (tb[KESP_SA_A_REPLAY_WINDOW]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_SA_A_REPLAY_WINDOW],
				    "a replay window is for inbound SAs only");
		return -EINVAL;
	}
	if (tb[KESP_SA_A_SEQ] && p->cfg.key.dir != KESP_DIR_OUT) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_SA_A_SEQ],
				    "a start sequence number is for outbound SAs only");
		return -EINVAL;
	}
	if (tb[KESP_SA_A_NEW_SRC] || tb[KESP_SA_A_NEW_DST]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KESP_SA_A_NEW_SRC] ?:
				    tb[KESP_SA_A_NEW_DST],
				    "NEW_SRC and NEW_DST are for SA_UPDATE only");
		return -EINVAL;
	}
	err = get_encap(tb, &p->cfg, extack);
	if (err)
		return err;
	p->seq = tb[KESP_SA_A_SEQ] ? nla_get_u64(tb[KESP_SA_A_SEQ]) : 0;
	p->cfg.flags = tb[KESP_SA_A_FLAGS] ? nla_get_u32(tb[KESP_SA_A_FLAGS]) : 0;
	p->cfg.reqid = tb[KESP_SA_A_REQID] ? nla_get_u32(tb[KESP_SA_A_REQID]) : 0;
	return get_lifetime(tb[KESP_SA_A_LIFETIME], &p->cfg.lft, extack);
}

/* The request carried keys: do not leave them in the skb's memory. */
static void wipe_keys(struct nlattr **tb)
{
	if (tb[KESP_SA_A_ENC_KEY])
		memzero_explicit(nla_data(tb[KESP_SA_A_ENC_KEY]),
				 nla_len(tb[KESP_SA_A_ENC_KEY]));
	if (tb[KESP_SA_A_INTEG_KEY])
		memzero_explicit(nla_data(tb[KESP_SA_A_INTEG_KEY]),
				 nla_len(tb[KESP_SA_A_INTEG_KEY]));
}

int kesp_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	struct kesp_sa_params p;
	int err;

	err = parse_sa(info, tb, true);
	if (err)
		return err;
	err = get_params(info->attrs[KESP_A_SA], tb, &p, info->extack);
	if (!err) {
		mutex_lock(&kn->lock);
		err = kesp_sa_add(kn, &p, tb, info->extack);
		mutex_unlock(&kn->lock);
	}
	wipe_keys(tb);
	return err;
}

static int put_lifetime(struct sk_buff *skb, const struct kesp_lifetime *lft)
{
	const u64 *v = &lft->soft_bytes;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, KESP_SA_A_LIFETIME);
	if (!nest)
		return -EMSGSIZE;
	for (i = KESP_LFT_A_SOFT_BYTES; i <= KESP_LFT_A_HARD_USE_SECS; i++) {
		if (nla_put_u64_64bit(skb, i, v[i - KESP_LFT_A_SOFT_BYTES],
				      KESP_LFT_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A snapshot of what the packet path changes, taken under the SA's lock. */
struct sa_live {
	u64 seq, packets, bytes;
	time64_t use_time;
	u64 errors[__KESP_STAT_MAX];
	union kesp_addr src, dst;	/* SA_UPDATE moves them */
	__be16 encap_sport, encap_dport;
};

static void sa_snapshot(struct kesp_sa *sa, struct sa_live *l)
{
	spin_lock_bh(&sa->lock);
	/* Inbound, the highest verified number is the window's top. */
	l->seq = sa->cfg.key.dir == KESP_DIR_IN ? sa->replay.top : sa->seq;
	l->packets = sa->packets;
	l->bytes = sa->bytes;
	l->use_time = sa->use_time;
	memcpy(l->errors, sa->errors, sizeof(l->errors));
	l->src = sa->cfg.src;
	l->dst = sa->cfg.key.dst;
	l->encap_sport = sa->cfg.encap_sport;
	l->encap_dport = sa->cfg.encap_dport;
	spin_unlock_bh(&sa->lock);
}

static int put_counters(struct sk_buff *skb, const struct sa_live *l)
{
	struct nlattr *nest, *errs;
	int i;

	nest = nla_nest_start(skb, KESP_SA_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, KESP_CNT_A_PACKETS, l->packets,
			      KESP_CNT_A_PAD) ||
	    nla_put_u64_64bit(skb, KESP_CNT_A_BYTES, l->bytes, KESP_CNT_A_PAD))
		goto cancel;
	errs = nla_nest_start(skb, KESP_CNT_A_ERRORS);
	if (!errs)
		goto cancel;
	for (i = KESP_STAT_PAD + 1; i < __KESP_STAT_MAX; i++)
		if (l->errors[i] &&
		    nla_put_u64_64bit(skb, i, l->errors[i], KESP_STAT_PAD))
			goto cancel;
	nla_nest_end(skb, errs);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The KESP_A_SA nest of dumps, GET replies and events; never the keys. */
int kesp_nl_put_sa(struct sk_buff *skb, struct kesp_sa *sa)
{
	time64_t now = kesp_now();
	struct sa_live l;
	struct nlattr *nest;

	sa_snapshot(sa, &l);
	nest = nla_nest_start(skb, KESP_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KESP_SA_A_SPI, sa->cfg.key.spi) ||
	    nla_put_u8(skb, KESP_SA_A_DIR, sa->cfg.key.dir) ||
	    nla_put_u8(skb, KESP_SA_A_MODE, sa->cfg.mode) ||
	    nla_put_u16(skb, KESP_SA_A_FAMILY, sa->cfg.key.family) ||
	    kesp_nla_put_addr(skb, KESP_SA_A_SRC, sa->cfg.key.family, &l.src) ||
	    kesp_nla_put_addr(skb, KESP_SA_A_DST, sa->cfg.key.family, &l.dst) ||
	    (sa->cfg.has_sel && kesp_nla_put_sel(skb, KESP_SA_A_SEL, &sa->cfg.sel)) ||
	    nla_put_u16(skb, KESP_SA_A_ENC, sa->cfg.enc) ||
	    (sa->cfg.integ && nla_put_u16(skb, KESP_SA_A_INTEG, sa->cfg.integ)) ||
	    nla_put_u32(skb, KESP_SA_A_REPLAY_WINDOW, sa->cfg.replay_window) ||
	    nla_put_u32(skb, KESP_SA_A_FLAGS, sa->cfg.flags) ||
	    nla_put_u32(skb, KESP_SA_A_REQID, sa->cfg.reqid) ||
	    put_lifetime(skb, &sa->cfg.lft) ||
	    (l.encap_dport &&
	     (nla_put_be16(skb, KESP_SA_A_ENCAP_SPORT, l.encap_sport) ||
	      nla_put_be16(skb, KESP_SA_A_ENCAP_DPORT, l.encap_dport))) ||
	    nla_put_u64_64bit(skb, KESP_SA_A_SEQ, l.seq, KESP_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, KESP_SA_A_ADD_TIME, now - sa->add_time,
			      KESP_SA_A_PAD) ||
	    (l.use_time &&
	     nla_put_u64_64bit(skb, KESP_SA_A_USE_TIME, now - l.use_time,
			       KESP_SA_A_PAD)) ||
	    put_counters(skb, &l)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Find the SA that the request names; the caller holds kn->lock. */
static struct kesp_sa *find_sa(struct kesp_net *kn, struct genl_info *info,
			       struct nlattr **tb, int *err)
{
	struct kesp_sa_key key;
	struct kesp_sa *sa;

	*err = get_key(info->attrs[KESP_A_SA], tb, &key, info->extack);
	if (*err)
		return NULL;
	sa = kesp_sa_find(kn, &key);
	if (!sa) {
		NL_SET_ERR_MSG(info->extack, "no SA with this SPI, direction and destination");
		*err = -ENOENT;
	}
	return sa;
}

int kesp_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	struct sk_buff *msg;
	struct kesp_sa *sa;
	void *hdr;
	int err;

	err = parse_sa(info, tb, true);
	if (err)
		return err;
	msg = kesp_genl_reply_new(info, KESP_CMD_SA_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	sa = find_sa(kn, info, tb, &err);
	if (sa)
		err = kesp_nl_put_sa(msg, sa);
	mutex_unlock(&kn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int kesp_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kesp_net *kn = kesp_net(sock_net(skb->sk));
	unsigned long i = 0, start = cb->args[0];
	struct kesp_sa *sa;
	void *hdr;

	mutex_lock(&kn->lock);
	/* A change between two parts of the dump flags it NLM_F_DUMP_INTR. */
	cb->seq = kn->sa_gen;
	list_for_each_entry(sa, &kn->sa_list, list) {
		if (i < start) {
			i++;
			continue;
		}
		hdr = kesp_genl_dump_hdr(skb, cb, KESP_CMD_SA_GET);
		if (!hdr)
			break;
		if (kesp_nl_put_sa(skb, sa)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		i++;
	}
	mutex_unlock(&kn->lock);
	cb->args[0] = i;
	return skb->len;
}

int kesp_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	struct kesp_sa *sa;
	int err;

	err = parse_sa(info, tb, true);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	sa = find_sa(kn, info, tb, &err);
	if (sa)
		kesp_sa_unlink(sa);
	mutex_unlock(&kn->lock);
	return err;
}

/* Everything but these names the SA or is not changeable. */
static bool only_update_attrs(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 1; i <= KESP_SA_A_MAX; i++) {
		switch (i) {
		case KESP_SA_A_SPI:
		case KESP_SA_A_DIR:
		case KESP_SA_A_FAMILY:
		case KESP_SA_A_DST:
		case KESP_SA_A_LIFETIME:
		case KESP_SA_A_SEQ:
		case KESP_SA_A_NEW_SRC:
		case KESP_SA_A_NEW_DST:
		case KESP_SA_A_ENCAP_SPORT:
		case KESP_SA_A_ENCAP_DPORT:
			continue;
		}
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "SA_UPDATE changes only LIFETIME, SEQ, NEW_SRC, NEW_DST and ENCAP ports");
			return false;
		}
	}
	return true;
}

int kesp_nl_sa_update(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	union kesp_addr nsrc, ndst;
	struct nlattr *move = NULL;
	struct kesp_lifetime lft;
	__be16 sport, dport;
	struct kesp_sa *sa;
	int err, i;

	err = parse_sa(info, tb, true);
	if (err)
		return err;
	if (!only_update_attrs(tb, info->extack))
		return -EINVAL;
	err = get_lifetime(tb[KESP_SA_A_LIFETIME], &lft, info->extack);
	if (!err)
		err = get_port(tb[KESP_SA_A_ENCAP_SPORT], &sport, info->extack);
	if (!err)
		err = get_port(tb[KESP_SA_A_ENCAP_DPORT], &dport, info->extack);
	if (err)
		return err;
	for (i = KESP_SA_A_ENCAP_SPORT; i <= KESP_SA_A_NEW_DST; i++)
		move = move ?: tb[i];
	mutex_lock(&kn->lock);
	sa = find_sa(kn, info, tb, &err);
	if (sa && tb[KESP_SA_A_SEQ] && sa->cfg.key.dir != KESP_DIR_OUT) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KESP_SA_A_SEQ],
				    "a sequence number is set on outbound SAs only");
		err = -EINVAL;
	}
	if (sa && !err && move) {
		if (!kesp_sa_encap(sa)) {
			NL_SET_ERR_MSG_ATTR(info->extack, move,
					    "only an SA with UDP encapsulation moves its endpoints");
			err = -EINVAL;
		}
		if (!err && tb[KESP_SA_A_NEW_SRC])
			err = kesp_nla_get_addr(tb[KESP_SA_A_NEW_SRC],
						sa->cfg.key.family, &nsrc,
						info->extack);
		if (!err && tb[KESP_SA_A_NEW_DST])
			err = kesp_nla_get_addr(tb[KESP_SA_A_NEW_DST],
						sa->cfg.key.family, &ndst,
						info->extack);
		if (!err) {
			err = kesp_sa_move(sa, tb[KESP_SA_A_NEW_SRC] ? &nsrc : NULL,
					   tb[KESP_SA_A_NEW_DST] ? &ndst : NULL,
					   sport, dport);
			if (err == -EEXIST)
				NL_SET_ERR_MSG_ATTR(info->extack,
						    tb[KESP_SA_A_NEW_DST],
						    "an SA with this SPI, direction and new destination exists");
		}
	}
	if (sa && !err) {
		spin_lock_bh(&sa->lock);
		if (tb[KESP_SA_A_LIFETIME]) {
			sa->cfg.lft = lft;
			kesp_lifetime_queue_locked(sa);
		}
		if (tb[KESP_SA_A_SEQ])
			sa->seq = nla_get_u64(tb[KESP_SA_A_SEQ]);
		spin_unlock_bh(&sa->lock);
	}
	mutex_unlock(&kn->lock);
	return err;
}

void kesp_nl_notify_expire(struct kesp_sa *sa, bool hard, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, kesp_genl_family_ptr(), 0,
			  KESP_CMD_EXPIRE);
	if (!hdr || kesp_nl_put_sa(msg, sa) ||
	    nla_put_u8(msg, KESP_A_EXPIRE_HARD, hard)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	kesp_genl_multicast(sa->kn->net, msg, gfp);
}

void kesp_nl_notify_mapping(struct kesp_sa *sa, const union kesp_addr *src,
			    __be16 sport, gfp_t gfp)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, kesp_genl_family_ptr(), 0,
			  KESP_CMD_MAPPING);
	if (!hdr || kesp_nl_put_sa(msg, sa))
		goto free;
	nest = nla_nest_start(msg, KESP_A_MAPPING);
	if (!nest ||
	    kesp_nla_put_addr(msg, KESP_MAP_A_SRC, sa->cfg.key.family, src) ||
	    nla_put_be16(msg, KESP_MAP_A_SPORT, sport))
		goto free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	kesp_genl_multicast(sa->kn->net, msg, gfp);
	return;
free:
	nlmsg_free(msg);
}

int kesp_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	struct kesp_sa *sa, *tmp;
	u8 dir = 0;
	int err, i;

	err = parse_sa(info, tb, false);
	if (err)
		return err;
	for (i = 1; i <= KESP_SA_A_MAX; i++) {
		if (tb[i] && i != KESP_SA_A_DIR) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "SA_FLUSH takes only DIR");
			return -EINVAL;
		}
	}
	if (tb[KESP_SA_A_DIR])
		dir = nla_get_u8(tb[KESP_SA_A_DIR]);
	mutex_lock(&kn->lock);
	list_for_each_entry_safe(sa, tmp, &kn->sa_list, list) {
		if (dir && sa->cfg.key.dir != dir)
			continue;
		kesp_nl_notify_expire(sa, true, GFP_KERNEL);
		kesp_sa_unlink(sa);
	}
	mutex_unlock(&kn->lock);
	return 0;
}

int kesp_nl_spi_alloc(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *tb[KESP_SA_A_MAX + 1] = {};
	struct nlattr *nest = info->attrs[KESP_A_SA];
	union kesp_addr dst;
	u32 min, max, spi;
	struct sk_buff *msg;
	struct nlattr *reply;
	u16 family;
	void *hdr;
	int err;

	err = parse_sa(info, tb, true);
	if (err)
		return err;
	if (kesp_require(info->extack, nest, tb, KESP_SA_A_FAMILY) ||
	    kesp_require(info->extack, nest, tb, KESP_SA_A_DST))
		return -EINVAL;
	err = kesp_nla_get_family(tb[KESP_SA_A_FAMILY], &family, info->extack);
	if (!err)
		err = kesp_nla_get_addr(tb[KESP_SA_A_DST], family, &dst,
					info->extack);
	if (err)
		return err;
	/* SPIs 1-255 are reserved by IANA (RFC 4303 2.1). */
	min = tb[KESP_SA_A_SPI_MIN] ? nla_get_u32(tb[KESP_SA_A_SPI_MIN]) : 256;
	max = tb[KESP_SA_A_SPI_MAX] ? nla_get_u32(tb[KESP_SA_A_SPI_MAX]) :
				      U32_MAX;
	if (min < 256 || min > max) {
		NL_SET_ERR_MSG(info->extack, "SPI range must lie in 256..0xffffffff, min first");
		return -EINVAL;
	}
	msg = kesp_genl_reply_new(info, KESP_CMD_SPI_ALLOC, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&kn->lock);
	err = kesp_spi_alloc(kn, family, &dst, min, max, &spi, info->extack);
	mutex_unlock(&kn->lock);
	if (err) {
		if (err == -EAGAIN)
			NL_SET_ERR_MSG(info->extack, "no free SPI in the range");
		goto free_msg;
	}
	err = -EMSGSIZE;
	reply = nla_nest_start(msg, KESP_A_SA);
	if (!reply || nla_put_u32(msg, KESP_SA_A_SPI, spi))
		goto free_msg;
	nla_nest_end(msg, reply);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return err;
}
