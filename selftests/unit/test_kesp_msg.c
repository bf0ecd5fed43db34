// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the SA, policy, selector and event messages: what is
 * built parses back the same, each command sends only what the uapi lets
 * it, and malformed attributes are refused.
 */

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "common/kesp_msg.h"

#define FAMILY_ID 0x20	/* any genl family id will do off the wire */

static struct nl_msg *new_msg(int cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, 0, 0, FAMILY_ID, 0, 0, (uint8_t)cmd,
			      KESP_GENL_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static void addr(struct kesp_addr *a, int family, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint16_t)family;
	inet_pton(family, s, a->bytes);
}

static void prefix(struct kesp_prefix *p, int family, const char *s, int plen)
{
	addr(&p->addr, family, s);
	p->plen = (uint8_t)plen;
}

static void sample_sel(struct kesp_sel *sel)
{
	kesp_sel_any(sel, AF_INET);
	prefix(&sel->src, AF_INET, "10.1.0.0", 24);
	prefix(&sel->dst, AF_INET, "10.2.0.0", 24);
	sel->proto = 6;
	sel->sport.min = 1;
	sel->sport.max = 1024;
	sel->dport.min = 80;
	sel->dport.max = 80;
}

static void sample_sa(struct kesp_sa *sa)
{
	int i;

	memset(sa, 0, sizeof(*sa));
	sa->spi = 0x1000;
	sa->dir = KESP_DIR_OUT;
	sa->mode = KESP_MODE_TUNNEL;
	sa->family = AF_INET;
	addr(&sa->src, AF_INET, "192.0.2.1");
	addr(&sa->dst, AF_INET, "192.0.2.2");
	sample_sel(&sa->sel);
	sa->enc = KESP_ENC_AES_CBC;
	sa->enc_key_len = 32;
	sa->integ = KESP_INTEG_HMAC_SHA2_256_128;
	sa->integ_key_len = 32;
	for (i = 0; i < 32; i++) {
		sa->enc_key[i] = (uint8_t)i;
		sa->integ_key[i] = (uint8_t)(0xff - i);
	}
	sa->replay_window = 64;
	sa->flags = KESP_SA_F_ESN;
	sa->reqid = 5;
	sa->lft[KESP_LFT_A_SOFT_BYTES] = 1000;
	sa->lft[KESP_LFT_A_HARD_BYTES] = 2000;
	sa->lft[KESP_LFT_A_HARD_USE_SECS] = 3600;
	sa->seq = 0xfffffffffULL;
	sa->encap_sport = 4500;
	sa->encap_dport = 40001;
	sa->present = KESP_SA_SEND_NEW;
}

static void expect_sel_eq(struct __test_metadata *_metadata,
			  const struct kesp_sel *a, const struct kesp_sel *b)
{
	EXPECT_EQ(a->family, b->family);
	EXPECT_EQ(a->src.addr.family, b->src.addr.family);
	EXPECT_EQ(0, memcmp(a->src.addr.bytes, b->src.addr.bytes, 16));
	EXPECT_EQ(a->src.plen, b->src.plen);
	EXPECT_EQ(a->dst.addr.family, b->dst.addr.family);
	EXPECT_EQ(0, memcmp(a->dst.addr.bytes, b->dst.addr.bytes, 16));
	EXPECT_EQ(a->dst.plen, b->dst.plen);
	EXPECT_EQ(a->proto, b->proto);
	EXPECT_EQ(a->sport.min, b->sport.min);
	EXPECT_EQ(a->sport.max, b->sport.max);
	EXPECT_EQ(a->dport.min, b->dport.min);
	EXPECT_EQ(a->dport.max, b->dport.max);
}

/* The attribute of type @type directly inside the message's first nest. */
static struct nlattr *nested_attr(struct nl_msg *m, int top, int type)
{
	struct nlattr *tb[KESP_A_MAX + 1], *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[top])
		return NULL;
	nla_for_each_nested(a, tb[top], rem)
		if (nla_type(a) == type)
			return a;
	return NULL;
}

TEST(sa_round_trip_everything_sa_new_sends)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_NEW);
	struct kesp_sa in, out;
	int i;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_NEW));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(KESP_SA_SEND_NEW, out.present);
	EXPECT_EQ(in.spi, out.spi);
	EXPECT_EQ(in.dir, out.dir);
	EXPECT_EQ(in.mode, out.mode);
	EXPECT_EQ(in.family, out.family);
	EXPECT_EQ(0, memcmp(&in.src, &out.src, sizeof(in.src)));
	EXPECT_EQ(0, memcmp(&in.dst, &out.dst, sizeof(in.dst)));
	expect_sel_eq(_metadata, &in.sel, &out.sel);
	EXPECT_EQ(in.enc, out.enc);
	EXPECT_EQ(in.integ, out.integ);
	EXPECT_EQ(32, out.enc_key_len);
	EXPECT_EQ(32, out.integ_key_len);
	EXPECT_EQ(0, memcmp(in.enc_key, out.enc_key, 32));
	EXPECT_EQ(0, memcmp(in.integ_key, out.integ_key, 32));
	EXPECT_EQ(in.replay_window, out.replay_window);
	EXPECT_EQ(in.flags, out.flags);
	EXPECT_EQ(in.reqid, out.reqid);
	for (i = 0; i < __KESP_LFT_A_MAX; i++)
		EXPECT_EQ(in.lft[i], out.lft[i]);
	EXPECT_EQ(in.seq, out.seq);
	kesp_sa_wipe(&in);
	kesp_sa_wipe(&out);
	nlmsg_free(m);
}

TEST(sa_ipv6_with_ipv4_selector)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_NEW);
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	in.family = AF_INET6;
	addr(&in.src, AF_INET6, "2001:db8::1");
	addr(&in.dst, AF_INET6, "2001:db8::2");
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_NEW));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(AF_INET6, out.family);
	EXPECT_EQ(16, nla_len(nested_attr(m, KESP_A_SA, KESP_SA_A_DST)));
	EXPECT_EQ(0, memcmp(in.dst.bytes, out.dst.bytes, 16));
	EXPECT_EQ(AF_INET, out.sel.family);
	nlmsg_free(m);
}

TEST(sa_send_mask_limits_attributes)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_DEL);
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_ID));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	/* SA_DEL names the SA and nothing more; above all, no keys. */
	EXPECT_EQ(KESP_SA_SEND_ID, out.present);
	EXPECT_EQ(NULL, nested_attr(m, KESP_A_SA, KESP_SA_A_ENC_KEY));
	EXPECT_EQ(0, out.enc_key_len);
	EXPECT_EQ(in.spi, out.spi);
	nlmsg_free(m);

	/* A mask bit for a field that is not present sends nothing. */
	m = new_msg(KESP_CMD_SA_FLUSH);
	ASSERT_NE(NULL, m);
	in.present = 0;
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_FLUSH));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(0, out.present);
	nlmsg_free(m);
}

TEST(sa_update_sends_only_lifetime_seq_and_endpoints)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_UPDATE);
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	/* SA_UPDATE moves an encapsulated SA: new addresses and ports. */
	in.new_src = in.src;
	in.new_dst = in.dst;
	in.present |= KESP_BIT(KESP_SA_A_NEW_SRC) | KESP_BIT(KESP_SA_A_NEW_DST);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_UPDATE));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(KESP_SA_SEND_ID | KESP_BIT(KESP_SA_A_LIFETIME) |
		  KESP_BIT(KESP_SA_A_SEQ) | KESP_BIT(KESP_SA_A_NEW_SRC) |
		  KESP_BIT(KESP_SA_A_NEW_DST) |
		  KESP_BIT(KESP_SA_A_ENCAP_SPORT) |
		  KESP_BIT(KESP_SA_A_ENCAP_DPORT), out.present);
	EXPECT_EQ(4500, out.encap_sport);
	EXPECT_EQ(40001, out.encap_dport);
	EXPECT_EQ(0, memcmp(&in.src, &out.new_src, sizeof(in.src)));
	EXPECT_EQ(0, memcmp(&in.dst, &out.new_dst, sizeof(in.dst)));
	/* NLA_BE16: network byte order on the wire. */
	{
		struct nlattr *a = nested_attr(m, KESP_A_SA,
					       KESP_SA_A_ENCAP_DPORT);

		ASSERT_NE(NULL, a);
		EXPECT_EQ(40001, ntohs(nla_get_u16(a)));
	}
	EXPECT_EQ(2000, out.lft[KESP_LFT_A_HARD_BYTES]);
	/* Limits at 0 mean "none" and are not sent. */
	EXPECT_EQ(0, out.lft[KESP_LFT_A_SOFT_PACKETS]);
	EXPECT_EQ(NULL, nested_attr(m, KESP_A_SA, KESP_SA_A_ENC));
	nlmsg_free(m);
}

TEST(update_to_no_limits_sends_an_empty_lifetime)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_UPDATE);
	struct nlattr *lft;
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	memset(in.lft, 0, sizeof(in.lft));
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_UPDATE));
	lft = nested_attr(m, KESP_A_SA, KESP_SA_A_LIFETIME);
	ASSERT_NE(NULL, lft);
	EXPECT_EQ(0, nla_len(lft));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_TRUE(out.present & KESP_BIT(KESP_SA_A_LIFETIME));
	nlmsg_free(m);
}

TEST(selector_defaults_are_not_sent)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_NEW);
	struct nlattr *sel, *tb[KESP_SEL_A_MAX + 1];
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	kesp_sel_any(&in.sel, AF_INET);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_NEW));
	sel = nested_attr(m, KESP_A_SA, KESP_SA_A_SEL);
	ASSERT_NE(NULL, sel);
	ASSERT_EQ(0, nla_parse_nested(tb, KESP_SEL_A_MAX, sel, NULL));
	EXPECT_NE(NULL, tb[KESP_SEL_A_FAMILY]);
	EXPECT_EQ(NULL, tb[KESP_SEL_A_SRC]);
	EXPECT_EQ(NULL, tb[KESP_SEL_A_SRC_PLEN]);
	EXPECT_EQ(NULL, tb[KESP_SEL_A_PROTO]);
	EXPECT_EQ(NULL, tb[KESP_SEL_A_SPORT_MIN]);
	EXPECT_EQ(NULL, tb[KESP_SEL_A_DPORT_MAX]);
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	expect_sel_eq(_metadata, &in.sel, &out.sel);
	nlmsg_free(m);
}

TEST(absent_sa_selector_means_the_sas_family)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_GET);
	struct kesp_sel any;
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, KESP_SA_SEND_NEW &
				     ~KESP_BIT(KESP_SA_A_SEL)));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_FALSE(out.present & KESP_BIT(KESP_SA_A_SEL));
	kesp_sel_any(&any, AF_INET);
	expect_sel_eq(_metadata, &any, &out.sel);
	nlmsg_free(m);
}

TEST(dump_fields_and_counters)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_GET);
	struct kesp_sa in, out;

	ASSERT_NE(NULL, m);
	sample_sa(&in);
	in.add_time = 120;
	in.use_time = 100;
	in.cnt.packets = 10;
	in.cnt.bytes = 12345;
	in.cnt.errors[KESP_STAT_IN_AUTH] = 3;
	in.cnt.errors[KESP_STAT_IN_REPLAY] = 4;
	in.cnt.errors_present = KESP_BIT(KESP_STAT_IN_AUTH) |
				KESP_BIT(KESP_STAT_IN_REPLAY);
	in.present |= KESP_BIT(KESP_SA_A_ADD_TIME) |
		      KESP_BIT(KESP_SA_A_USE_TIME) |
		      KESP_BIT(KESP_SA_A_COUNTERS);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &in, UINT32_MAX));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(120, out.add_time);
	EXPECT_EQ(100, out.use_time);
	EXPECT_EQ(10, out.cnt.packets);
	EXPECT_EQ(12345, out.cnt.bytes);
	EXPECT_EQ(in.cnt.errors_present, out.cnt.errors_present);
	EXPECT_EQ(3, out.cnt.errors[KESP_STAT_IN_AUTH]);
	EXPECT_EQ(7, kesp_counters_errors(&out.cnt));
	nlmsg_free(m);
}

TEST(policy_round_trip_with_template)
{
	struct nl_msg *m = new_msg(KESP_CMD_POLICY_NEW);
	struct kesp_policy in = { 0 }, out;

	ASSERT_NE(NULL, m);
	in.dir = KESP_DIR_FWD;
	sample_sel(&in.sel);
	in.action = KESP_ACTION_PROTECT;
	in.priority = 100;
	in.tmpl.mode = KESP_MODE_TUNNEL;
	in.tmpl.family = AF_INET6;
	addr(&in.tmpl.src, AF_INET6, "2001:db8::1");
	addr(&in.tmpl.dst, AF_INET6, "2001:db8::2");
	in.tmpl.reqid = 9;
	in.tmpl.present = KESP_BIT(KESP_TMPL_A_MODE) |
			  KESP_BIT(KESP_TMPL_A_FAMILY) |
			  KESP_BIT(KESP_TMPL_A_SRC) | KESP_BIT(KESP_TMPL_A_DST) |
			  KESP_BIT(KESP_TMPL_A_REQID);
	in.present = KESP_POL_SEND_NEW;
	ASSERT_EQ(0, kesp_msg_put_policy(m, &in, KESP_POL_SEND_NEW));
	ASSERT_EQ(0, kesp_msg_parse_policy_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(KESP_POL_SEND_NEW, out.present);
	EXPECT_EQ(KESP_DIR_FWD, out.dir);
	expect_sel_eq(_metadata, &in.sel, &out.sel);
	EXPECT_EQ(KESP_ACTION_PROTECT, out.action);
	EXPECT_EQ(100, out.priority);
	EXPECT_EQ(in.tmpl.present, out.tmpl.present);
	EXPECT_EQ(KESP_MODE_TUNNEL, out.tmpl.mode);
	EXPECT_EQ(AF_INET6, out.tmpl.family);
	EXPECT_EQ(0, memcmp(&in.tmpl.dst, &out.tmpl.dst, sizeof(in.tmpl.dst)));
	EXPECT_EQ(9, out.tmpl.reqid);
	nlmsg_free(m);
}

TEST(policy_id_only_for_del)
{
	struct nl_msg *m = new_msg(KESP_CMD_POLICY_DEL);
	struct kesp_policy in = { 0 }, out;

	ASSERT_NE(NULL, m);
	in.id = 42;
	in.dir = KESP_DIR_IN;
	in.present = KESP_BIT(KESP_POL_A_ID) | KESP_BIT(KESP_POL_A_DIR);
	ASSERT_EQ(0, kesp_msg_put_policy(m, &in, KESP_POL_SEND_ID));
	ASSERT_EQ(0, kesp_msg_parse_policy_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(KESP_BIT(KESP_POL_A_ID), out.present);
	EXPECT_EQ(42, out.id);
	nlmsg_free(m);
}

TEST(acquire_event)
{
	struct nl_msg *m = new_msg(KESP_CMD_ACQUIRE);
	struct kesp_policy pol = { 0 };
	struct kesp_sel flow;
	struct kesp_event ev;

	ASSERT_NE(NULL, m);
	pol.id = 7;
	pol.dir = KESP_DIR_OUT;
	sample_sel(&pol.sel);
	pol.action = KESP_ACTION_PROTECT;
	pol.packets = 99;
	pol.present = KESP_BIT(KESP_POL_A_ID) | KESP_POL_SEND_NEW |
		      KESP_BIT(KESP_POL_A_PACKETS);
	kesp_sel_any(&flow, AF_INET);
	prefix(&flow.src, AF_INET, "10.1.0.5", 32);
	prefix(&flow.dst, AF_INET, "10.2.0.9", 32);
	flow.proto = 17;
	flow.sport.min = flow.sport.max = 5000;
	flow.dport.min = flow.dport.max = 53;
	ASSERT_EQ(0, kesp_msg_put_policy(m, &pol, UINT32_MAX));
	ASSERT_EQ(0, kesp_msg_put_sel(m, KESP_A_FLOW, &flow));
	ASSERT_EQ(0, kesp_msg_parse_event(nlmsg_hdr(m), &ev));
	EXPECT_EQ(KESP_CMD_ACQUIRE, ev.cmd);
	EXPECT_EQ(7, ev.policy.id);
	EXPECT_EQ(99, ev.policy.packets);
	expect_sel_eq(_metadata, &flow, &ev.flow);
	nlmsg_free(m);
}

TEST(expire_event)
{
	struct nl_msg *m = new_msg(KESP_CMD_EXPIRE);
	struct kesp_event ev;
	struct kesp_sa sa;

	ASSERT_NE(NULL, m);
	sample_sa(&sa);
	ASSERT_EQ(0, kesp_msg_put_sa(m, &sa, KESP_SA_SEND_ID));
	ASSERT_EQ(0, nla_put_u8(m, KESP_A_EXPIRE_HARD, 1));
	ASSERT_EQ(0, kesp_msg_parse_event(nlmsg_hdr(m), &ev));
	EXPECT_EQ(KESP_CMD_EXPIRE, ev.cmd);
	EXPECT_EQ(1, ev.hard);
	EXPECT_EQ(0x1000, ev.sa.spi);
	nlmsg_free(m);
}

TEST(events_malformed_or_unknown)
{
	struct nl_msg *m = new_msg(KESP_CMD_EXPIRE);
	struct kesp_event ev;
	struct kesp_sa sa;

	ASSERT_NE(NULL, m);
	sample_sa(&sa);
	/* EXPIRE without KESP_A_EXPIRE_HARD. */
	ASSERT_EQ(0, kesp_msg_put_sa(m, &sa, KESP_SA_SEND_ID));
	EXPECT_EQ(-EPROTO, kesp_msg_parse_event(nlmsg_hdr(m), &ev));
	nlmsg_free(m);
	/* ACQUIRE without a flow. */
	m = new_msg(KESP_CMD_ACQUIRE);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(-EPROTO, kesp_msg_parse_event(nlmsg_hdr(m), &ev));
	nlmsg_free(m);
	/* A command this code does not know is skipped, not an error. */
	m = new_msg(KESP_CMD_MAX + 5);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(-EOPNOTSUPP, kesp_msg_parse_event(nlmsg_hdr(m), &ev));
	nlmsg_free(m);
}

/* Builds KESP_A_SA by hand, to say what a kernel might wrongly send. */
static struct nl_msg *raw_sa(int type, const void *data, int len)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_GET);
	struct nlattr *nest;

	if (!m)
		return NULL;
	nest = nla_nest_start(m, KESP_A_SA);
	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET);
	nla_put(m, type, len, data);
	nla_nest_end(m, nest);
	return m;
}

TEST(parser_refuses_wrong_lengths)
{
	static const uint8_t six[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint16_t short_spi = 7;
	static const uint8_t long_key[KESP_KEY_MAX + 1];
	const struct {
		int type;
		const void *data;
		int len;
	} bad[] = {
		{ KESP_SA_A_SPI, &short_spi, 2 },
		{ KESP_SA_A_DST, six, 16 },	/* IPv6 bytes, IPv4 family */
		{ KESP_SA_A_SRC, six, 3 },
		{ KESP_SA_A_DIR, six, 4 },
		{ KESP_SA_A_SEQ, six, 4 },
		{ KESP_SA_A_ENC_KEY, long_key, sizeof(long_key) },
	};
	struct kesp_sa out;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nl_msg *m = raw_sa(bad[i].type, bad[i].data, bad[i].len);

		ASSERT_NE(NULL, m);
		EXPECT_EQ(-EPROTO, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out)) {
			TH_LOG("attribute %d of %d bytes accepted", bad[i].type,
			       bad[i].len);
		}
		nlmsg_free(m);
	}
}

TEST(parser_refuses_bad_selectors)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_GET);
	struct nlattr *nest, *sel;
	struct kesp_sa out;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, KESP_A_SA);
	sel = nla_nest_start(m, KESP_SA_A_SEL);
	nla_put_u16(m, KESP_SEL_A_FAMILY, AF_INET);
	nla_put_u8(m, KESP_SEL_A_DST_PLEN, 33);
	nla_nest_end(m, sel);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EPROTO, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	nlmsg_free(m);

	/* A selector must say its family. */
	m = new_msg(KESP_CMD_SA_GET);
	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, KESP_A_SA);
	sel = nla_nest_start(m, KESP_SA_A_SEL);
	nla_put_u8(m, KESP_SEL_A_PROTO, 6);
	nla_nest_end(m, sel);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EPROTO, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	nlmsg_free(m);

	/* No KESP_A_SA at all. */
	m = new_msg(KESP_CMD_SA_GET);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(-EPROTO, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	nlmsg_free(m);
}

TEST(parser_skips_unknown_attributes)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_GET);
	struct nlattr *nest, *cnt, *errs;
	struct kesp_sa out;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, KESP_A_SA);
	nla_put_u32(m, KESP_SA_A_SPI, 0x2000);
	nla_put_u64(m, KESP_SA_A_MAX + 3, 1);	/* from a newer kernel */
	cnt = nla_nest_start(m, KESP_SA_A_COUNTERS);
	errs = nla_nest_start(m, KESP_CNT_A_ERRORS);
	nla_put_u64(m, KESP_STAT_IN_AUTH, 2);
	nla_put_u64(m, KESP_STAT_MAX + 1, 50);	/* a cause we do not know */
	nla_put_u64(m, KESP_STAT_PAD, 0);
	nla_nest_end(m, errs);
	nla_nest_end(m, cnt);
	nla_nest_end(m, nest);
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(0x2000, out.spi);
	EXPECT_EQ(KESP_BIT(KESP_STAT_IN_AUTH), out.cnt.errors_present);
	EXPECT_EQ(2, kesp_counters_errors(&out.cnt));
	nlmsg_free(m);
}

TEST(builder_errors)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_NEW);
	struct kesp_sa sa;

	ASSERT_NE(NULL, m);
	sample_sa(&sa);
	sa.family = 0;	/* addresses of no known family */
	EXPECT_EQ(-EINVAL, kesp_msg_put_sa(m, &sa, KESP_SA_SEND_NEW));
	nlmsg_free(m);
	/* A message too small for the SA: refused, not overrun. */
	m = nlmsg_alloc_size(128);
	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, genlmsg_put(m, 0, 0, FAMILY_ID, 0, 0, KESP_CMD_SA_NEW,
				    KESP_GENL_VERSION));
	sample_sa(&sa);
	EXPECT_EQ(-EMSGSIZE, kesp_msg_put_sa(m, &sa, KESP_SA_SEND_NEW));
	nlmsg_free(m);
}

TEST(build_adaptors_and_wipe)
{
	struct nl_msg *m = new_msg(KESP_CMD_SA_DEL);
	static const uint8_t zero[sizeof(struct kesp_sa)];
	struct kesp_sa sa, out;
	struct kesp_sa_req req = { .sa = &sa, .send = KESP_SA_SEND_ID };

	ASSERT_NE(NULL, m);
	sample_sa(&sa);
	ASSERT_EQ(0, kesp_msg_build_sa(m, &req));
	ASSERT_EQ(0, kesp_msg_parse_sa_reply(nlmsg_hdr(m), &out));
	EXPECT_EQ(0x1000, out.spi);
	kesp_sa_wipe(&sa);
	EXPECT_EQ(0, memcmp(&sa, zero, sizeof(sa)));
	nlmsg_free(m);
}

TEST(enum_names)
{
	EXPECT_STREQ("fwd", kesp_dir_name(KESP_DIR_FWD));
	EXPECT_EQ(NULL, kesp_dir_name(0));
	EXPECT_EQ(NULL, kesp_dir_name(200));
	EXPECT_EQ(KESP_DIR_OUT, kesp_dir_parse("out"));
	EXPECT_EQ(-1, kesp_dir_parse("sideways"));
	EXPECT_EQ(KESP_MODE_TRANSPORT, kesp_mode_parse("transport"));
	EXPECT_EQ(KESP_ACTION_DISCARD, kesp_action_parse("discard"));
	EXPECT_STREQ("hard-use-secs", kesp_lft_name(KESP_LFT_A_HARD_USE_SECS));
	EXPECT_EQ(NULL, kesp_lft_name(KESP_LFT_A_PAD));
	EXPECT_STREQ("in-auth-failed", kesp_stat_name(KESP_STAT_IN_AUTH));
}

TEST_HARNESS_MAIN
