// SPDX-License-Identifier: GPL-2.0
/* kespctl monitor: print the module's ACQUIRE, EXPIRE and MAPPING events as they come. */

#include <errno.h>
#include <stdio.h>
#include "../common/events.h"
#include "kespctl.h"

struct monitor {
	int json;
	unsigned int cmds;	/* 1 << KESP_CMD_* of the events to print */
};

static void print_acquire(const struct monitor *m, const struct kesp_event *ev)
{
	char flow[256], pol[512];
	struct json j;

	if (!m->json) {
		printf("acquire flow %s policy %s\n",
		       kespctl_sel_text(&ev->flow, flow, sizeof(flow)),
		       kespctl_policy_text(&ev->policy, pol, sizeof(pol)));
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "event", "acquire");
	kespctl_sel_json(&j, "flow", &ev->flow);
	kespctl_policy_json(&j, "policy", &ev->policy);
	json_obj_end(&j);
	json_finish(&j);
}

static void print_expire(const struct monitor *m, const struct kesp_event *ev)
{
	char sa[256];
	struct json j;

	if (!m->json) {
		printf("expire %s %s bytes %llu packets %llu\n",
		       ev->hard ? "hard" : "soft",
		       kespctl_sa_text(&ev->sa, sa, sizeof(sa)),
		       (unsigned long long)ev->sa.cnt.bytes,
		       (unsigned long long)ev->sa.cnt.packets);
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "event", "expire");
	json_bool(&j, "hard", ev->hard);
	kespctl_sa_json(&j, "sa", &ev->sa);
	json_obj_end(&j);
	json_finish(&j);
}

static void print_mapping(const struct monitor *m, const struct kesp_event *ev)
{
	char sa[256], src[KESP_ADDR_STRLEN];
	struct json j;

	kesp_addr_format(&ev->map_src, src, sizeof(src));
	if (!m->json) {
		printf("mapping %s new-src %s new-sport %u\n",
		       kespctl_sa_text(&ev->sa, sa, sizeof(sa)), src,
		       ev->map_sport);
		return;
	}
	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "event", "mapping");
	kespctl_sa_json(&j, "sa", &ev->sa);
	json_str(&j, "new-src", src);
	json_u64(&j, "new-sport", ev->map_sport);
	json_obj_end(&j);
	json_finish(&j);
}

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	const struct monitor *m = arg;
	struct kesp_event ev;
	int err = kesp_msg_parse_event(nlh, &ev);

	/* Events newer than this kespctl are not ours to judge. */
	if (err == -EOPNOTSUPP)
		return 0;
	if (err) {
		fprintf(stderr, "kespctl: monitor: skipped a malformed event\n");
		return 0;
	}
	if (!(m->cmds & (1U << ev.cmd)))
		return 0;
	if (ev.cmd == KESP_CMD_ACQUIRE)
		print_acquire(m, &ev);
	else if (ev.cmd == KESP_CMD_MAPPING)
		print_mapping(m, &ev);
	else
		print_expire(m, &ev);
	/* One line per event, visible at once even through a pipe. */
	fflush(stdout);
	return 0;
}

static int monitor(struct kespctl *c, int argc, char **argv,
		   unsigned int cmds, const char *what)
{
	struct monitor m = { .json = c->json, .cmds = cmds };
	int err;

	if (kespctl_no_args(argc, argv, what))
		return KESPCTL_USAGE;
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_subscribe(&c->nl) < 0)
		return kespctl_kernel_error(c, "monitor");
	/*
	 * Said once subscribed, on stderr so that the events stay clean:
	 * from here on no event is missed, which a script may wait for.
	 */
	fprintf(stderr, "kespctl: %s: listening\n", what);
	/* Until interrupted: SIGINT's default action ends the process. */
	for (;;) {
		err = kesp_nl_recv_events(&c->nl, on_event, &m);
		if (err == -ENOBUFS) {
			fprintf(stderr, "kespctl: monitor: %s\n",
				c->nl.last.msg);
			continue;
		}
		if (err < 0)
			return kespctl_kernel_error(c, "monitor");
	}
}

int kespctl_monitor_all(struct kespctl *c, int argc, char **argv)
{
	return monitor(c, argc, argv,
		       1U << KESP_CMD_ACQUIRE | 1U << KESP_CMD_EXPIRE |
		       1U << KESP_CMD_MAPPING, "monitor");
}

int kespctl_monitor_acquire(struct kespctl *c, int argc, char **argv)
{
	return monitor(c, argc, argv, 1U << KESP_CMD_ACQUIRE,
		       "monitor acquire");
}

int kespctl_monitor_expire(struct kespctl *c, int argc, char **argv)
{
	return monitor(c, argc, argv, 1U << KESP_CMD_EXPIRE, "monitor expire");
}

int kespctl_monitor_mapping(struct kespctl *c, int argc, char **argv)
{
	return monitor(c, argc, argv, 1U << KESP_CMD_MAPPING,
		       "monitor mapping");
}
