// SPDX-License-Identifier: GPL-2.0
// budget: 5
/*
 * Runs in the guest against kesp.ko: the generic netlink family validates
 * every request strictly and says why it refused, through extended acks.
 */

#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/nl.h"

FIXTURE(genl) {
	struct kesp_nl nl;
};

FIXTURE_SETUP(genl)
{
	ASSERT_EQ(0, kesp_nl_open(&self->nl)) {
		TH_LOG("open: %s", self->nl.last.msg);
	}
}

FIXTURE_TEARDOWN(genl)
{
	kesp_nl_close(&self->nl);
}

static int add_version_attr(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return nla_put_string(msg, KESP_A_INFO_VERSION, "1.0");
}

static int add_unknown_attr(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return nla_put_u32(msg, KESP_A_MAX + 10, 1);
}

static int set_reserved(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	(void)arg;
	gh->reserved = 1;
	return 0;
}

static int count_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

TEST_F(genl, get_info_one_reply)
{
	int replies = 0;

	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_GET_INFO, 0, NULL,
				     count_reply, &replies));
	EXPECT_EQ(1, replies);
}

TEST_F(genl, reply_only_attribute_in_request_rejected)
{
	EXPECT_EQ(-EINVAL, kesp_nl_request(&self->nl, KESP_CMD_GET_INFO, 0,
					   add_version_attr, NULL, NULL));
	EXPECT_NE(0, self->nl.last.msg[0]) {
		TH_LOG("no extack message for a rejected attribute");
	}
	TH_LOG("extack: %s (%s)", self->nl.last.msg, self->nl.last.where);
}

TEST_F(genl, unknown_attribute_rejected)
{
	EXPECT_EQ(-EINVAL, kesp_nl_request(&self->nl, KESP_CMD_STATS_GET, 0,
					   add_unknown_attr, NULL, NULL));
	EXPECT_NE(0, self->nl.last.msg[0]);
	TH_LOG("extack: %s", self->nl.last.msg);
}

TEST_F(genl, reserved_header_field_rejected)
{
	EXPECT_EQ(-EINVAL, kesp_nl_request(&self->nl, KESP_CMD_GET_INFO, 0,
					   set_reserved, NULL, NULL));
	TH_LOG("extack: %s", self->nl.last.msg);
}

TEST_F(genl, unknown_command_rejected)
{
	EXPECT_EQ(-EOPNOTSUPP, kesp_nl_request(&self->nl, __KESP_CMD_MAX, 0,
					       NULL, NULL, NULL));
}

TEST_F(genl, dump_of_a_doit_command_rejected)
{
	EXPECT_EQ(-EOPNOTSUPP, kesp_nl_request(&self->nl, KESP_CMD_GET_INFO,
					       1, NULL, NULL, NULL));
}

TEST_F(genl, stats_reset_by_root)
{
	EXPECT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_STATS_RESET, 0, NULL,
				     NULL, NULL));
}

KTEST_HARNESS_MAIN
