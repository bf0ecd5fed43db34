// SPDX-License-Identifier: GPL-2.0
/* Build and parse the KESP_A_SA, KESP_A_POLICY and selector nests of the uapi. */

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "kesp_msg.h"

_Static_assert(__KESP_SA_A_MAX <= 32, "KESP_BIT() needs a wider ->present");
_Static_assert(__KESP_POL_A_MAX <= 32, "KESP_BIT() needs a wider ->present");
_Static_assert(__KESP_STAT_MAX <= 32, "errors_present needs to be wider");

static const char *const dir_names[] = {
	[KESP_DIR_IN] = "in", [KESP_DIR_OUT] = "out", [KESP_DIR_FWD] = "fwd",
};

static const char *const mode_names[] = {
	[KESP_MODE_TUNNEL] = "tunnel", [KESP_MODE_TRANSPORT] = "transport",
};

static const char *const action_names[] = {
	[KESP_ACTION_PROTECT] = "protect", [KESP_ACTION_BYPASS] = "bypass",
	[KESP_ACTION_DISCARD] = "discard",
};

/* Also kespctl's keywords and JSON keys for the limits. */
static const char *const lft_names[] = {
	[KESP_LFT_A_SOFT_BYTES] = "soft-bytes",
	[KESP_LFT_A_HARD_BYTES] = "hard-bytes",
	[KESP_LFT_A_SOFT_PACKETS] = "soft-packets",
	[KESP_LFT_A_HARD_PACKETS] = "hard-packets",
	[KESP_LFT_A_SOFT_ADD_SECS] = "soft-add-secs",
	[KESP_LFT_A_HARD_ADD_SECS] = "hard-add-secs",
	[KESP_LFT_A_SOFT_USE_SECS] = "soft-use-secs",
	[KESP_LFT_A_HARD_USE_SECS] = "hard-use-secs",
};

static const char *const stat_names[__KESP_STAT_MAX] = KESP_STAT_NAMES;

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : NULL;
}

static int parse_name(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(names[i], s))
			return (int)i;
	return -1;
}

const char *kesp_dir_name(unsigned int dir)
{
	return name_of(dir_names, N(dir_names), dir);
}

const char *kesp_mode_name(unsigned int mode)
{
	return name_of(mode_names, N(mode_names), mode);
}

const char *kesp_action_name(unsigned int action)
{
	return name_of(action_names, N(action_names), action);
}

const char *kesp_lft_name(unsigned int attr)
{
	return name_of(lft_names, N(lft_names), attr);
}

const char *kesp_stat_name(unsigned int stat)
{
	return name_of(stat_names, N(stat_names), stat);
}

int kesp_dir_parse(const char *name)
{
	return parse_name(dir_names, N(dir_names), name);
}

int kesp_mode_parse(const char *name)
{
	return parse_name(mode_names, N(mode_names), name);
}

int kesp_action_parse(const char *name)
{
	return parse_name(action_names, N(action_names), name);
}

void kesp_sel_any(struct kesp_sel *sel, int family)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = (uint16_t)family;
	kesp_prefix_any(&sel->src, family);
	kesp_prefix_any(&sel->dst, family);
	sel->sport.max = 65535;
	sel->dport.max = 65535;
}

void kesp_sa_wipe(struct kesp_sa *sa)
{
	explicit_bzero(sa, sizeof(*sa));
}

uint64_t kesp_counters_errors(const struct kesp_counters *cnt)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < __KESP_STAT_MAX; i++)
		if (cnt->errors_present & KESP_BIT(i))
			sum += cnt->errors[i];
	return sum;
}

/* --- builders --- */

static int put_addr(struct nl_msg *msg, int type, int family,
		    const struct kesp_addr *a)
{
	size_t len = kesp_addr_len(family);

	if (!len)
		return -EINVAL;
	return nla_put(msg, type, (int)len, a->bytes) < 0 ? -EMSGSIZE : 0;
}

static int addr_is_zero(const struct kesp_addr *a)
{
	static const uint8_t zero[sizeof(a->bytes)];

	return !memcmp(a->bytes, zero, sizeof(zero));
}

/* Absent means "the unspecified address, length 0": send only what differs. */
static int put_prefix(struct nl_msg *msg, int addr_type, int plen_type,
		      int family, const struct kesp_prefix *p)
{
	int err;

	if (p->plen || !addr_is_zero(&p->addr)) {
		err = put_addr(msg, addr_type, family, &p->addr);
		if (err)
			return err;
	}
	if (p->plen && nla_put_u8(msg, plen_type, p->plen) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_ports(struct nl_msg *msg, int min_type, int max_type,
		     const struct kesp_port_range *r)
{
	if (r->min == 0 && r->max == 65535)
		return 0;
	if (nla_put_u16(msg, min_type, r->min) < 0 ||
	    nla_put_u16(msg, max_type, r->max) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_sel_attrs(struct nl_msg *msg, const struct kesp_sel *sel)
{
	int err;

	if (!kesp_addr_len(sel->family))
		return -EINVAL;
	if (nla_put_u16(msg, KESP_SEL_A_FAMILY, sel->family) < 0)
		return -EMSGSIZE;
	err = put_prefix(msg, KESP_SEL_A_SRC, KESP_SEL_A_SRC_PLEN, sel->family,
			 &sel->src);
	if (!err)
		err = put_prefix(msg, KESP_SEL_A_DST, KESP_SEL_A_DST_PLEN,
				 sel->family, &sel->dst);
	if (err)
		return err;
	if (sel->proto && nla_put_u8(msg, KESP_SEL_A_PROTO, sel->proto) < 0)
		return -EMSGSIZE;
	err = put_ports(msg, KESP_SEL_A_SPORT_MIN, KESP_SEL_A_SPORT_MAX,
			&sel->sport);
	if (!err)
		err = put_ports(msg, KESP_SEL_A_DPORT_MIN, KESP_SEL_A_DPORT_MAX,
				&sel->dport);
	return err;
}

/*
 * Close @nest if @err is 0, or take it back out of the message. An empty
 * nest is kept: an empty LIFETIME in SA_UPDATE means "no limits any more".
 */
static int nest_finish(struct nl_msg *msg, struct nlattr *nest, int err)
{
	if (err) {
		nla_nest_cancel(msg, nest);
		return err;
	}
	return nla_nest_end_keep_empty(msg, nest) < 0 ? -EMSGSIZE : 0;
}

int kesp_msg_put_sel(struct nl_msg *msg, int attrtype,
		     const struct kesp_sel *sel)
{
	struct nlattr *nest = nla_nest_start(msg, attrtype);

	if (!nest)
		return -EMSGSIZE;
	return nest_finish(msg, nest, put_sel_attrs(msg, sel));
}

static int put_lifetime(struct nl_msg *msg, const uint64_t *lft)
{
	struct nlattr *nest = nla_nest_start(msg, KESP_SA_A_LIFETIME);
	int err = 0, i;

	if (!nest)
		return -EMSGSIZE;
	/* Absent and 0 both mean no limit; only real limits are sent. */
	for (i = KESP_LFT_A_PAD + 1; i < __KESP_LFT_A_MAX && !err; i++)
		if (lft[i] && nla_put_u64(msg, i, lft[i]) < 0)
			err = -EMSGSIZE;
	return nest_finish(msg, nest, err);
}

static int put_counters(struct nl_msg *msg, const struct kesp_counters *cnt)
{
	struct nlattr *nest = nla_nest_start(msg, KESP_SA_A_COUNTERS), *errs;
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64(msg, KESP_CNT_A_PACKETS, cnt->packets) < 0 ||
	    nla_put_u64(msg, KESP_CNT_A_BYTES, cnt->bytes) < 0)
		return nest_finish(msg, nest, -EMSGSIZE);
	errs = nla_nest_start(msg, KESP_CNT_A_ERRORS);
	if (!errs)
		return nest_finish(msg, nest, -EMSGSIZE);
	for (i = 0; i < __KESP_STAT_MAX; i++)
		if ((cnt->errors_present & KESP_BIT(i)) &&
		    nla_put_u64(msg, (int)i, cnt->errors[i]) < 0)
			return nest_finish(msg, nest, -EMSGSIZE);
	if (nla_nest_end_keep_empty(msg, errs) < 0)
		return nest_finish(msg, nest, -EMSGSIZE);
	return nest_finish(msg, nest, 0);
}

static int put_key(struct nl_msg *msg, int type, const uint8_t *key,
		   uint16_t len)
{
	if (len > KESP_KEY_MAX)
		return -EINVAL;
	return nla_put(msg, type, len, key) < 0 ? -EMSGSIZE : 0;
}

/* The fixed-size scalars of an SA, table-driven to keep one place per type. */
static int put_sa_scalars(struct nl_msg *msg, const struct kesp_sa *sa,
			  uint32_t want)
{
	const struct { int type; int size; uint64_t val; } s[] = {
		{ KESP_SA_A_SPI, 4, sa->spi },
		{ KESP_SA_A_DIR, 1, sa->dir },
		{ KESP_SA_A_MODE, 1, sa->mode },
		{ KESP_SA_A_FAMILY, 2, sa->family },
		{ KESP_SA_A_ENC, 2, sa->enc },
		{ KESP_SA_A_INTEG, 2, sa->integ },
		{ KESP_SA_A_REPLAY_WINDOW, 4, sa->replay_window },
		{ KESP_SA_A_FLAGS, 4, sa->flags },
		{ KESP_SA_A_REQID, 4, sa->reqid },
		{ KESP_SA_A_SEQ, 8, sa->seq },
		{ KESP_SA_A_ADD_TIME, 8, sa->add_time },
		{ KESP_SA_A_USE_TIME, 8, sa->use_time },
		{ KESP_SA_A_SPI_MIN, 4, sa->spi_min },
		{ KESP_SA_A_SPI_MAX, 4, sa->spi_max },
	};
	size_t i;
	int r;

	for (i = 0; i < N(s); i++) {
		if (!(want & KESP_BIT(s[i].type)))
			continue;
		switch (s[i].size) {
		case 1:
			r = nla_put_u8(msg, s[i].type, (uint8_t)s[i].val);
			break;
		case 2:
			r = nla_put_u16(msg, s[i].type, (uint16_t)s[i].val);
			break;
		case 4:
			r = nla_put_u32(msg, s[i].type, (uint32_t)s[i].val);
			break;
		default:
			r = nla_put_u64(msg, s[i].type, s[i].val);
		}
		if (r < 0)
			return -EMSGSIZE;
	}
	return 0;
}

static int put_sa_attrs(struct nl_msg *msg, const struct kesp_sa *sa,
			uint32_t want)
{
	int err = put_sa_scalars(msg, sa, want);

	if (!err && (want & KESP_BIT(KESP_SA_A_SRC)))
		err = put_addr(msg, KESP_SA_A_SRC, sa->family, &sa->src);
	if (!err && (want & KESP_BIT(KESP_SA_A_DST)))
		err = put_addr(msg, KESP_SA_A_DST, sa->family, &sa->dst);
	if (!err && (want & KESP_BIT(KESP_SA_A_SEL)))
		err = kesp_msg_put_sel(msg, KESP_SA_A_SEL, &sa->sel);
	if (!err && (want & KESP_BIT(KESP_SA_A_ENC_KEY)))
		err = put_key(msg, KESP_SA_A_ENC_KEY, sa->enc_key,
			      sa->enc_key_len);
	if (!err && (want & KESP_BIT(KESP_SA_A_INTEG_KEY)))
		err = put_key(msg, KESP_SA_A_INTEG_KEY, sa->integ_key,
			      sa->integ_key_len);
	if (!err && (want & KESP_BIT(KESP_SA_A_LIFETIME)))
		err = put_lifetime(msg, sa->lft);
	if (!err && (want & KESP_BIT(KESP_SA_A_COUNTERS)))
		err = put_counters(msg, &sa->cnt);
	if (!err && (want & KESP_BIT(KESP_SA_A_NEW_SRC)))
		err = put_addr(msg, KESP_SA_A_NEW_SRC, sa->family, &sa->new_src);
	if (!err && (want & KESP_BIT(KESP_SA_A_NEW_DST)))
		err = put_addr(msg, KESP_SA_A_NEW_DST, sa->family, &sa->new_dst);
	/* NLA_BE16: network byte order on the wire. */
	if (!err && (want & KESP_BIT(KESP_SA_A_ENCAP_SPORT)) &&
	    nla_put_u16(msg, KESP_SA_A_ENCAP_SPORT, htons(sa->encap_sport)) < 0)
		err = -EMSGSIZE;
	if (!err && (want & KESP_BIT(KESP_SA_A_ENCAP_DPORT)) &&
	    nla_put_u16(msg, KESP_SA_A_ENCAP_DPORT, htons(sa->encap_dport)) < 0)
		err = -EMSGSIZE;
	return err;
}

int kesp_msg_put_sa(struct nl_msg *msg, const struct kesp_sa *sa,
		    uint32_t send)
{
	struct nlattr *nest = nla_nest_start(msg, KESP_A_SA);

	if (!nest)
		return -EMSGSIZE;
	return nest_finish(msg, nest,
			   put_sa_attrs(msg, sa, send & sa->present));
}

static int put_tmpl(struct nl_msg *msg, const struct kesp_tmpl *t)
{
	struct nlattr *nest = nla_nest_start(msg, KESP_POL_A_TMPL);
	uint32_t has = t->present;
	int err = 0;

	if (!nest)
		return -EMSGSIZE;
	if ((has & KESP_BIT(KESP_TMPL_A_MODE)) &&
	    nla_put_u8(msg, KESP_TMPL_A_MODE, t->mode) < 0)
		err = -EMSGSIZE;
	if (!err && (has & KESP_BIT(KESP_TMPL_A_FAMILY)) &&
	    nla_put_u16(msg, KESP_TMPL_A_FAMILY, t->family) < 0)
		err = -EMSGSIZE;
	if (!err && (has & KESP_BIT(KESP_TMPL_A_SRC)))
		err = put_addr(msg, KESP_TMPL_A_SRC, t->family, &t->src);
	if (!err && (has & KESP_BIT(KESP_TMPL_A_DST)))
		err = put_addr(msg, KESP_TMPL_A_DST, t->family, &t->dst);
	if (!err && (has & KESP_BIT(KESP_TMPL_A_REQID)) &&
	    nla_put_u32(msg, KESP_TMPL_A_REQID, t->reqid) < 0)
		err = -EMSGSIZE;
	return nest_finish(msg, nest, err);
}

static int put_policy_attrs(struct nl_msg *msg, const struct kesp_policy *p,
			    uint32_t want)
{
	if ((want & KESP_BIT(KESP_POL_A_ID)) &&
	    nla_put_u32(msg, KESP_POL_A_ID, p->id) < 0)
		return -EMSGSIZE;
	if ((want & KESP_BIT(KESP_POL_A_DIR)) &&
	    nla_put_u8(msg, KESP_POL_A_DIR, p->dir) < 0)
		return -EMSGSIZE;
	if (want & KESP_BIT(KESP_POL_A_SEL)) {
		int err = kesp_msg_put_sel(msg, KESP_POL_A_SEL, &p->sel);

		if (err)
			return err;
	}
	if ((want & KESP_BIT(KESP_POL_A_ACTION)) &&
	    nla_put_u8(msg, KESP_POL_A_ACTION, p->action) < 0)
		return -EMSGSIZE;
	if ((want & KESP_BIT(KESP_POL_A_PRIORITY)) &&
	    nla_put_u32(msg, KESP_POL_A_PRIORITY, p->priority) < 0)
		return -EMSGSIZE;
	if ((want & KESP_BIT(KESP_POL_A_MSS)) &&
	    nla_put_u16(msg, KESP_POL_A_MSS, p->mss) < 0)
		return -EMSGSIZE;
	if (want & KESP_BIT(KESP_POL_A_TMPL)) {
		int err = put_tmpl(msg, &p->tmpl);

		if (err)
			return err;
	}
	if ((want & KESP_BIT(KESP_POL_A_PACKETS)) &&
	    nla_put_u64(msg, KESP_POL_A_PACKETS, p->packets) < 0)
		return -EMSGSIZE;
	return 0;
}

int kesp_msg_put_policy(struct nl_msg *msg, const struct kesp_policy *pol,
			uint32_t send)
{
	struct nlattr *nest = nla_nest_start(msg, KESP_A_POLICY);

	if (!nest)
		return -EMSGSIZE;
	return nest_finish(msg, nest,
			   put_policy_attrs(msg, pol, send & pol->present));
}

int kesp_msg_build_sa(struct nl_msg *msg, void *arg)
{
	const struct kesp_sa_req *req = arg;

	return kesp_msg_put_sa(msg, req->sa, req->send);
}

int kesp_msg_build_policy(struct nl_msg *msg, void *arg)
{
	const struct kesp_policy_req *req = arg;

	return kesp_msg_put_policy(msg, req->pol, req->send);
}

/* --- parsers --- */

static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (nla_len(a) != 1)
		return -EPROTO;
	*v = nla_get_u8(a);
	return 0;
}

static int get_u16(const struct nlattr *a, uint16_t *v)
{
	if (nla_len(a) != 2)
		return -EPROTO;
	*v = nla_get_u16(a);
	return 0;
}

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) != 4)
		return -EPROTO;
	*v = nla_get_u32(a);
	return 0;
}

static int get_u64(const struct nlattr *a, uint64_t *v)
{
	if (nla_len(a) != 8)
		return -EPROTO;
	*v = nla_get_u64(a);
	return 0;
}

/* An address must have exactly the length its family says. */
static int get_addr(const struct nlattr *a, int family, struct kesp_addr *out)
{
	size_t len = kesp_addr_len(family);

	if (!len || (size_t)nla_len(a) != len)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->family = (uint16_t)family;
	memcpy(out->bytes, nla_data(a), len);
	return 0;
}

static int get_key(const struct nlattr *a, uint8_t *key, uint16_t *len)
{
	if (nla_len(a) > KESP_KEY_MAX)
		return -EPROTO;
	*len = (uint16_t)nla_len(a);
	memcpy(key, nla_data(a), *len);
	return 0;
}

static int get_prefix(struct nlattr *addr, struct nlattr *plen, int family,
		      struct kesp_prefix *p)
{
	if (addr && get_addr(addr, family, &p->addr))
		return -EPROTO;
	if (plen && get_u8(plen, &p->plen))
		return -EPROTO;
	if (p->plen > kesp_addr_len(family) * 8)
		return -EPROTO;
	return 0;
}

static int get_ports(struct nlattr *min, struct nlattr *max,
		     struct kesp_port_range *r)
{
	if (min && get_u16(min, &r->min))
		return -EPROTO;
	if (max && get_u16(max, &r->max))
		return -EPROTO;
	return 0;
}

int kesp_msg_parse_sel(struct nlattr *nest, struct kesp_sel *sel)
{
	struct nlattr *tb[KESP_SEL_A_MAX + 1];
	uint16_t family;

	if (nla_parse_nested(tb, KESP_SEL_A_MAX, nest, NULL) < 0 ||
	    !tb[KESP_SEL_A_FAMILY] || get_u16(tb[KESP_SEL_A_FAMILY], &family) ||
	    !kesp_addr_len(family))
		return -EPROTO;
	kesp_sel_any(sel, family);
	if (get_prefix(tb[KESP_SEL_A_SRC], tb[KESP_SEL_A_SRC_PLEN], family,
		       &sel->src) ||
	    get_prefix(tb[KESP_SEL_A_DST], tb[KESP_SEL_A_DST_PLEN], family,
		       &sel->dst))
		return -EPROTO;
	if (tb[KESP_SEL_A_PROTO] && get_u8(tb[KESP_SEL_A_PROTO], &sel->proto))
		return -EPROTO;
	if (get_ports(tb[KESP_SEL_A_SPORT_MIN], tb[KESP_SEL_A_SPORT_MAX],
		      &sel->sport) ||
	    get_ports(tb[KESP_SEL_A_DPORT_MIN], tb[KESP_SEL_A_DPORT_MAX],
		      &sel->dport))
		return -EPROTO;
	return 0;
}

static int parse_lifetime(struct nlattr *nest, uint64_t *lft)
{
	struct nlattr *tb[KESP_LFT_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, KESP_LFT_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	for (i = KESP_LFT_A_PAD + 1; i <= KESP_LFT_A_MAX; i++)
		if (tb[i] && get_u64(tb[i], &lft[i]))
			return -EPROTO;
	return 0;
}

static int parse_errors(struct nlattr *nest, struct kesp_counters *cnt)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		/* Causes newer than this code are skipped, as the uapi says. */
		if (type <= KESP_STAT_PAD || type > KESP_STAT_MAX)
			continue;
		if (get_u64(a, &cnt->errors[type]))
			return -EPROTO;
		cnt->errors_present |= KESP_BIT(type);
	}
	return 0;
}

static int parse_counters(struct nlattr *nest, struct kesp_counters *cnt)
{
	struct nlattr *tb[KESP_CNT_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, KESP_CNT_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	for (i = KESP_CNT_A_PAD + 1; i <= KESP_CNT_A_MAX; i++)
		if (tb[i])
			cnt->present |= KESP_BIT(i);
	if (tb[KESP_CNT_A_PACKETS] && get_u64(tb[KESP_CNT_A_PACKETS],
					      &cnt->packets))
		return -EPROTO;
	if (tb[KESP_CNT_A_BYTES] && get_u64(tb[KESP_CNT_A_BYTES], &cnt->bytes))
		return -EPROTO;
	if (tb[KESP_CNT_A_ERRORS])
		return parse_errors(tb[KESP_CNT_A_ERRORS], cnt);
	return 0;
}

static int parse_sa_scalars(struct nlattr **tb, struct kesp_sa *sa)
{
	const struct { int type; int size; void *dst; } s[] = {
		{ KESP_SA_A_SPI, 4, &sa->spi },
		{ KESP_SA_A_DIR, 1, &sa->dir },
		{ KESP_SA_A_MODE, 1, &sa->mode },
		{ KESP_SA_A_FAMILY, 2, &sa->family },
		{ KESP_SA_A_ENC, 2, &sa->enc },
		{ KESP_SA_A_INTEG, 2, &sa->integ },
		{ KESP_SA_A_REPLAY_WINDOW, 4, &sa->replay_window },
		{ KESP_SA_A_FLAGS, 4, &sa->flags },
		{ KESP_SA_A_REQID, 4, &sa->reqid },
		{ KESP_SA_A_SEQ, 8, &sa->seq },
		{ KESP_SA_A_ADD_TIME, 8, &sa->add_time },
		{ KESP_SA_A_USE_TIME, 8, &sa->use_time },
		{ KESP_SA_A_SPI_MIN, 4, &sa->spi_min },
		{ KESP_SA_A_SPI_MAX, 4, &sa->spi_max },
	};
	size_t i;
	int err;

	for (i = 0; i < N(s); i++) {
		const struct nlattr *a = tb[s[i].type];

		if (!a)
			continue;
		switch (s[i].size) {
		case 1:
			err = get_u8(a, s[i].dst);
			break;
		case 2:
			err = get_u16(a, s[i].dst);
			break;
		case 4:
			err = get_u32(a, s[i].dst);
			break;
		default:
			err = get_u64(a, s[i].dst);
		}
		if (err)
			return err;
	}
	return 0;
}

static int parse_sa_nests(struct nlattr **tb, struct kesp_sa *sa)
{
	if (tb[KESP_SA_A_SRC] && get_addr(tb[KESP_SA_A_SRC], sa->family,
					  &sa->src))
		return -EPROTO;
	if (tb[KESP_SA_A_DST] && get_addr(tb[KESP_SA_A_DST], sa->family,
					  &sa->dst))
		return -EPROTO;
	if (tb[KESP_SA_A_SEL] && kesp_msg_parse_sel(tb[KESP_SA_A_SEL],
						    &sa->sel))
		return -EPROTO;
	if (tb[KESP_SA_A_ENC_KEY] && get_key(tb[KESP_SA_A_ENC_KEY],
					     sa->enc_key, &sa->enc_key_len))
		return -EPROTO;
	if (tb[KESP_SA_A_INTEG_KEY] && get_key(tb[KESP_SA_A_INTEG_KEY],
					       sa->integ_key,
					       &sa->integ_key_len))
		return -EPROTO;
	if (tb[KESP_SA_A_LIFETIME] && parse_lifetime(tb[KESP_SA_A_LIFETIME],
						     sa->lft))
		return -EPROTO;
	if (tb[KESP_SA_A_COUNTERS] && parse_counters(tb[KESP_SA_A_COUNTERS],
						     &sa->cnt))
		return -EPROTO;
	if (tb[KESP_SA_A_NEW_SRC] && get_addr(tb[KESP_SA_A_NEW_SRC],
					      sa->family, &sa->new_src))
		return -EPROTO;
	if (tb[KESP_SA_A_NEW_DST] && get_addr(tb[KESP_SA_A_NEW_DST],
					      sa->family, &sa->new_dst))
		return -EPROTO;
	if (tb[KESP_SA_A_ENCAP_SPORT]) {
		if (get_u16(tb[KESP_SA_A_ENCAP_SPORT], &sa->encap_sport))
			return -EPROTO;
		sa->encap_sport = ntohs(sa->encap_sport);
	}
	if (tb[KESP_SA_A_ENCAP_DPORT]) {
		if (get_u16(tb[KESP_SA_A_ENCAP_DPORT], &sa->encap_dport))
			return -EPROTO;
		sa->encap_dport = ntohs(sa->encap_dport);
	}
	return 0;
}

int kesp_msg_parse_sa(struct nlattr *nest, struct kesp_sa *sa)
{
	struct nlattr *tb[KESP_SA_A_MAX + 1];
	int i;

	memset(sa, 0, sizeof(*sa));
	if (nla_parse_nested(tb, KESP_SA_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	for (i = KESP_SA_A_PAD + 1; i <= KESP_SA_A_MAX; i++)
		if (tb[i])
			sa->present |= KESP_BIT(i);
	if (parse_sa_scalars(tb, sa) || parse_sa_nests(tb, sa)) {
		kesp_sa_wipe(sa);
		return -EPROTO;
	}
	/* Absent SEL means all traffic of the SA's family: say so. */
	if (!tb[KESP_SA_A_SEL] && kesp_addr_len(sa->family))
		kesp_sel_any(&sa->sel, sa->family);
	return 0;
}

static int parse_tmpl(struct nlattr *nest, struct kesp_tmpl *t)
{
	struct nlattr *tb[KESP_TMPL_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, KESP_TMPL_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	for (i = KESP_TMPL_A_UNSPEC + 1; i <= KESP_TMPL_A_MAX; i++)
		if (tb[i])
			t->present |= KESP_BIT(i);
	if (tb[KESP_TMPL_A_MODE] && get_u8(tb[KESP_TMPL_A_MODE], &t->mode))
		return -EPROTO;
	if (tb[KESP_TMPL_A_FAMILY] && get_u16(tb[KESP_TMPL_A_FAMILY],
					      &t->family))
		return -EPROTO;
	if (tb[KESP_TMPL_A_SRC] && get_addr(tb[KESP_TMPL_A_SRC], t->family,
					    &t->src))
		return -EPROTO;
	if (tb[KESP_TMPL_A_DST] && get_addr(tb[KESP_TMPL_A_DST], t->family,
					    &t->dst))
		return -EPROTO;
	if (tb[KESP_TMPL_A_REQID] && get_u32(tb[KESP_TMPL_A_REQID],
					     &t->reqid))
		return -EPROTO;
	return 0;
}

int kesp_msg_parse_policy(struct nlattr *nest, struct kesp_policy *pol)
{
	struct nlattr *tb[KESP_POL_A_MAX + 1];
	int i;

	memset(pol, 0, sizeof(*pol));
	if (nla_parse_nested(tb, KESP_POL_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	for (i = KESP_POL_A_PAD + 1; i <= KESP_POL_A_MAX; i++)
		if (tb[i])
			pol->present |= KESP_BIT(i);
	if ((tb[KESP_POL_A_ID] && get_u32(tb[KESP_POL_A_ID], &pol->id)) ||
	    (tb[KESP_POL_A_DIR] && get_u8(tb[KESP_POL_A_DIR], &pol->dir)) ||
	    (tb[KESP_POL_A_SEL] &&
	     kesp_msg_parse_sel(tb[KESP_POL_A_SEL], &pol->sel)) ||
	    (tb[KESP_POL_A_ACTION] &&
	     get_u8(tb[KESP_POL_A_ACTION], &pol->action)) ||
	    (tb[KESP_POL_A_PRIORITY] &&
	     get_u32(tb[KESP_POL_A_PRIORITY], &pol->priority)) ||
	    (tb[KESP_POL_A_TMPL] &&
	     parse_tmpl(tb[KESP_POL_A_TMPL], &pol->tmpl)) ||
	    (tb[KESP_POL_A_PACKETS] &&
	     get_u64(tb[KESP_POL_A_PACKETS], &pol->packets)) ||
	    (tb[KESP_POL_A_MSS] && get_u16(tb[KESP_POL_A_MSS], &pol->mss)))
		return -EPROTO;
	return 0;
}

static int parse_top(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0)
		return -EPROTO;
	return 0;
}

int kesp_msg_parse_sa_reply(struct nlmsghdr *nlh, struct kesp_sa *sa)
{
	struct nlattr *tb[KESP_A_MAX + 1];

	if (parse_top(nlh, tb) || !tb[KESP_A_SA])
		return -EPROTO;
	return kesp_msg_parse_sa(tb[KESP_A_SA], sa);
}

int kesp_msg_parse_policy_reply(struct nlmsghdr *nlh,
				struct kesp_policy *pol)
{
	struct nlattr *tb[KESP_A_MAX + 1];

	if (parse_top(nlh, tb) || !tb[KESP_A_POLICY])
		return -EPROTO;
	return kesp_msg_parse_policy(tb[KESP_A_POLICY], pol);
}

static int parse_mapping(struct nlattr **top, struct kesp_event *ev)
{
	struct nlattr *tb[KESP_MAP_A_MAX + 1];

	if (!top[KESP_A_SA] || !top[KESP_A_MAPPING] ||
	    kesp_msg_parse_sa(top[KESP_A_SA], &ev->sa) ||
	    nla_parse_nested(tb, KESP_MAP_A_MAX, top[KESP_A_MAPPING], NULL) < 0 ||
	    !tb[KESP_MAP_A_SRC] || !tb[KESP_MAP_A_SPORT] ||
	    get_addr(tb[KESP_MAP_A_SRC], ev->sa.family, &ev->map_src) ||
	    get_u16(tb[KESP_MAP_A_SPORT], &ev->map_sport))
		return -EPROTO;
	ev->map_sport = ntohs(ev->map_sport);
	return 0;
}

int kesp_msg_parse_event(struct nlmsghdr *nlh, struct kesp_event *ev)
{
	struct genlmsghdr *gh;
	struct nlattr *tb[KESP_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (!genlmsg_valid_hdr(nlh, 0) || parse_top(nlh, tb))
		return -EPROTO;
	gh = nlmsg_data(nlh);
	ev->cmd = gh->cmd;
	switch (gh->cmd) {
	case KESP_CMD_ACQUIRE:
		if (!tb[KESP_A_POLICY] || !tb[KESP_A_FLOW] ||
		    kesp_msg_parse_policy(tb[KESP_A_POLICY], &ev->policy) ||
		    kesp_msg_parse_sel(tb[KESP_A_FLOW], &ev->flow))
			return -EPROTO;
		return 0;
	case KESP_CMD_EXPIRE:
		if (!tb[KESP_A_SA] || !tb[KESP_A_EXPIRE_HARD] ||
		    get_u8(tb[KESP_A_EXPIRE_HARD], &ev->hard) ||
		    kesp_msg_parse_sa(tb[KESP_A_SA], &ev->sa))
			return -EPROTO;
		return 0;
	case KESP_CMD_MAPPING:
		return parse_mapping(tb, ev);
	default:
		return -EOPNOTSUPP;
	}
}
