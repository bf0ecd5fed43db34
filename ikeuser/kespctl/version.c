// SPDX-License-Identifier: GPL-2.0
/* kespctl version: the CLI's and the module's versions and capabilities. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kespctl.h"

struct info {
	char version[64];
	uint32_t api;
	uint64_t caps;
};

static const struct {
	uint64_t bit;
	const char *name;
} cap_names[] = {
	{ KESP_CAP_STATS, "stats" },
	{ KESP_CAP_SAD, "sad" },
	{ KESP_CAP_SPD, "spd" },
	{ KESP_CAP_UDP_ENCAP, "udp-encap" },
};

#define N_CAPS (sizeof(cap_names) / sizeof(cap_names[0]))

static int parse_info(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1];
	struct info *in = arg;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0)
		return -EPROTO;
	if (!tb[KESP_A_INFO_VERSION] || !tb[KESP_A_INFO_API] ||
	    !tb[KESP_A_INFO_CAPS])
		return -EPROTO;
	snprintf(in->version, sizeof(in->version), "%s",
		 nla_get_string(tb[KESP_A_INFO_VERSION]));
	in->api = nla_get_u32(tb[KESP_A_INFO_API]);
	in->caps = nla_get_u64(tb[KESP_A_INFO_CAPS]);
	return 0;
}

static void print_human(const struct info *in)
{
	size_t i;

	printf("kespctl %s\n", KESP_VERSION);
	printf("kesp.ko %s (netlink API %u)\n", in->version, in->api);
	printf("capabilities:");
	for (i = 0; i < N_CAPS; i++)
		if (in->caps & cap_names[i].bit)
			printf(" %s", cap_names[i].name);
	printf("\n");
}

static void print_json(const struct info *in)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "kespctl", KESP_VERSION);
	json_str(&j, "module", in->version);
	json_u64(&j, "api", in->api);
	json_arr_begin(&j, "capabilities");
	for (i = 0; i < N_CAPS; i++)
		if (in->caps & cap_names[i].bit)
			json_str(&j, NULL, cap_names[i].name);
	json_arr_end(&j);
	json_obj_end(&j);
	json_finish(&j);
}

int kespctl_version_show(struct kespctl *c, int argc, char **argv)
{
	struct info in = { 0 };

	if (kespctl_no_args(argc, argv, "version"))
		return KESPCTL_USAGE;
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, KESP_CMD_GET_INFO, 0, NULL, parse_info,
			    &in) < 0)
		return kespctl_kernel_error(c, "GET_INFO");
	if (c->json)
		print_json(&in);
	else
		print_human(&in);
	return KESPCTL_OK;
}
