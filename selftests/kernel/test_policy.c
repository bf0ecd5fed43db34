// SPDX-License-Identifier: GPL-2.0
// budget: 5
/*
 * Runs in the guest against kesp.ko: policy commands keep each direction
 * in precedence order, return IDs, and refuse malformed policies with an
 * errno and an extack message.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/nl.h"

struct pol_req {
	int dir, action;
	const char *dst;	/* selector destination, IPv4 */
	int dplen;
	int proto;
	int64_t priority;	/* -1: absent */
	int tmpl;		/* add a tunnel template */
	uint32_t id;		/* for DEL/GET, or to send in NEW */
	int only_id;
	uint32_t got_id;	/* filled from replies */
};

static int put_v4(struct nl_msg *m, int type, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return nla_put(m, type, 4, &a);
}

static int build_pol(struct nl_msg *m, void *arg)
{
	const struct pol_req *r = arg;
	struct nlattr *pol, *n;

	pol = nla_nest_start(m, KESP_A_POLICY);
	if (r->id)
		nla_put_u32(m, KESP_POL_A_ID, r->id);
	if (r->only_id)
		goto out;
	nla_put_u8(m, KESP_POL_A_DIR, r->dir);
	nla_put_u8(m, KESP_POL_A_ACTION, r->action);
	if (r->priority >= 0)
		nla_put_u32(m, KESP_POL_A_PRIORITY, r->priority);
	n = nla_nest_start(m, KESP_POL_A_SEL);
	nla_put_u16(m, KESP_SEL_A_FAMILY, AF_INET);
	put_v4(m, KESP_SEL_A_DST, r->dst);
	nla_put_u8(m, KESP_SEL_A_DST_PLEN, r->dplen);
	if (r->proto)
		nla_put_u8(m, KESP_SEL_A_PROTO, r->proto);
	nla_nest_end(m, n);
	if (r->tmpl) {
		n = nla_nest_start(m, KESP_POL_A_TMPL);
		nla_put_u8(m, KESP_TMPL_A_MODE, KESP_MODE_TUNNEL);
		nla_put_u16(m, KESP_TMPL_A_FAMILY, AF_INET);
		put_v4(m, KESP_TMPL_A_SRC, "192.0.2.1");
		put_v4(m, KESP_TMPL_A_DST, "192.0.2.2");
		nla_put_u32(m, KESP_TMPL_A_REQID, 7);
		nla_nest_end(m, n);
	}
out:
	nla_nest_end(m, pol);
	return 0;
}

static int parse_id(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *p[KESP_POL_A_MAX + 1];
	struct pol_req *r = arg;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_POLICY] ||
	    nla_parse_nested(p, KESP_POL_A_MAX, tb[KESP_A_POLICY], NULL) < 0 ||
	    !p[KESP_POL_A_ID])
		return -EPROTO;
	r->got_id = nla_get_u32(p[KESP_POL_A_ID]);
	return 0;
}

struct order {
	uint32_t ids[16];
	int n;
};

static int parse_order(struct nlmsghdr *nlh, void *arg)
{
	struct pol_req r = { 0 };
	struct order *o = arg;
	int err = parse_id(nlh, &r);

	if (!err && o->n < 16)
		o->ids[o->n++] = r.got_id;
	return err;
}

static struct pol_req bypass(const char *dst, int dplen)
{
	struct pol_req r = { .dir = KESP_DIR_OUT, .action = KESP_ACTION_BYPASS,
			     .dst = dst, .dplen = dplen, .priority = -1 };
	return r;
}

FIXTURE(pol) {
	struct kesp_nl nl;
};

FIXTURE_SETUP(pol)
{
	ASSERT_EQ(0, kesp_nl_open(&self->nl));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_FLUSH, 0,
				     NULL, NULL, NULL));
}

FIXTURE_TEARDOWN(pol)
{
	kesp_nl_request(&self->nl, KESP_CMD_POLICY_FLUSH, 0, NULL, NULL, NULL);
	kesp_nl_close(&self->nl);
}

static int pol_new(struct kesp_nl *nl, struct pol_req *r)
{
	return kesp_nl_request(nl, KESP_CMD_POLICY_NEW, 0, build_pol, parse_id,
			       r);
}

#define EXPECT_REFUSED(nl, err, r) do {					\
	EXPECT_EQ(err, pol_new(nl, &(r)));				\
	EXPECT_NE(0, (nl)->last.msg[0]);				\
	TH_LOG("refused as expected: %s", (nl)->last.msg);		\
} while (0)

TEST_F(pol, new_get_del)
{
	struct pol_req r = bypass("10.2.0.0", 16), q = { 0 };

	r.tmpl = 0;
	ASSERT_EQ(0, pol_new(&self->nl, &r));
	EXPECT_NE(0, r.got_id);
	q.id = r.got_id;
	q.only_id = 1;
	EXPECT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_GET, 0,
				     build_pol, parse_id, &q));
	EXPECT_EQ(r.got_id, q.got_id);
	EXPECT_EQ(-EEXIST, pol_new(&self->nl, &r));
	EXPECT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_DEL, 0,
				     build_pol, NULL, &q));
	EXPECT_EQ(-ENOENT, kesp_nl_request(&self->nl, KESP_CMD_POLICY_GET, 0,
					   build_pol, NULL, &q));
}

TEST_F(pol, dump_is_in_precedence_order)
{
	struct pol_req wide = bypass("10.0.0.0", 8);
	struct pol_req narrow = bypass("10.2.0.0", 16);
	struct pol_req proto = bypass("10.2.0.0", 16);
	struct pol_req urgent = bypass("0.0.0.0", 0);
	struct order o = { 0 };

	proto.proto = 17;
	urgent.priority = 10;
	ASSERT_EQ(0, pol_new(&self->nl, &wide));
	ASSERT_EQ(0, pol_new(&self->nl, &narrow));
	ASSERT_EQ(0, pol_new(&self->nl, &proto));
	ASSERT_EQ(0, pol_new(&self->nl, &urgent));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_GET, 1, NULL,
				     parse_order, &o));
	ASSERT_EQ(4, o.n);
	/* Lower priority value first, then longer prefix, then a protocol. */
	EXPECT_EQ(urgent.got_id, o.ids[0]);
	EXPECT_EQ(proto.got_id, o.ids[1]);
	EXPECT_EQ(narrow.got_id, o.ids[2]);
	EXPECT_EQ(wide.got_id, o.ids[3]);
}

TEST_F(pol, protect_needs_template_others_refuse_one)
{
	struct pol_req r = bypass("10.2.0.0", 16);

	r.action = KESP_ACTION_PROTECT;
	EXPECT_REFUSED(&self->nl, -EINVAL, r);
	r.tmpl = 1;
	EXPECT_EQ(0, pol_new(&self->nl, &r));
	r = bypass("10.3.0.0", 16);
	r.tmpl = 1;
	EXPECT_REFUSED(&self->nl, -EINVAL, r);
}

TEST_F(pol, malformed_refused)
{
	struct pol_req r;

	r = bypass("10.2.0.1", 16);		/* host bits */
	EXPECT_REFUSED(&self->nl, -EINVAL, r);
	r = bypass("10.2.0.0", 16);
	r.id = 5;				/* IDs are the kernel's */
	EXPECT_REFUSED(&self->nl, -EINVAL, r);
	r = bypass("10.2.0.0", 16);
	r.dir = 9;
	EXPECT_REFUSED(&self->nl, -ERANGE, r);
	r = bypass("10.2.0.0", 16);
	r.action = 0;
	EXPECT_REFUSED(&self->nl, -ERANGE, r);
}

static int put_flush_in(struct nl_msg *m, void *arg)
{
	struct nlattr *pol = nla_nest_start(m, KESP_A_POLICY);

	(void)arg;
	nla_put_u8(m, KESP_POL_A_DIR, KESP_DIR_IN);
	nla_nest_end(m, pol);
	return 0;
}

TEST_F(pol, flush_by_direction)
{
	struct pol_req out = bypass("10.2.0.0", 16), in = out, fwd = out;
	struct order o = { 0 };

	in.dir = KESP_DIR_IN;
	fwd.dir = KESP_DIR_FWD;
	ASSERT_EQ(0, pol_new(&self->nl, &out));
	ASSERT_EQ(0, pol_new(&self->nl, &in));
	ASSERT_EQ(0, pol_new(&self->nl, &fwd));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_FLUSH, 0,
				     put_flush_in, NULL, NULL));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_GET, 1, NULL,
				     parse_order, &o));
	ASSERT_EQ(2, o.n);
	EXPECT_EQ(out.got_id, o.ids[0]);	/* dumps go in, out, fwd */
	EXPECT_EQ(fwd.got_id, o.ids[1]);
}

KTEST_HARNESS_MAIN
