// SPDX-License-Identifier: GPL-2.0
/* kespctl stats: the namespace's drop counters, and their reset. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kespctl.h"

static const char *const stat_names[__KESP_STAT_MAX] = KESP_STAT_NAMES;

struct stats {
	uint64_t val[__KESP_STAT_MAX];
	int present[__KESP_STAT_MAX];
};

static int parse_stats(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *a;
	struct stats *st = arg;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_STATS])
		return -EPROTO;
	nla_for_each_nested(a, tb[KESP_A_STATS], rem) {
		int type = nla_type(a);

		/* Counters newer than this kespctl are skipped, as the uapi says. */
		if (type <= KESP_STAT_PAD || type > KESP_STAT_MAX)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		st->val[type] = nla_get_u64(a);
		st->present[type] = 1;
	}
	return 0;
}

int kespctl_stats_show(struct kespctl *c, int argc, char **argv)
{
	struct stats st = { 0 };
	struct json j;
	int i;

	if (kespctl_no_args(argc, argv, "stats show"))
		return KESPCTL_USAGE;
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, KESP_CMD_STATS_GET, 0, NULL, parse_stats,
			    &st) < 0)
		return kespctl_kernel_error(c, "STATS_GET");
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
	} else {
		printf("Dropped packets\n");
	}
	for (i = KESP_STAT_PAD + 1; i < __KESP_STAT_MAX; i++) {
		if (!st.present[i])
			continue;
		if (c->json)
			json_u64(&j, stat_names[i], st.val[i]);
		else
			printf("  %-18s %llu\n", stat_names[i],
			       (unsigned long long)st.val[i]);
	}
	if (c->json) {
		json_obj_end(&j);
		json_finish(&j);
	}
	return KESPCTL_OK;
}

int kespctl_stats_reset(struct kespctl *c, int argc, char **argv)
{
	if (kespctl_no_args(argc, argv, "stats reset"))
		return KESPCTL_USAGE;
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, KESP_CMD_STATS_RESET, 0, NULL, NULL,
			    NULL) < 0)
		return kespctl_kernel_error(c, "STATS_RESET");
	return KESPCTL_OK;
}
