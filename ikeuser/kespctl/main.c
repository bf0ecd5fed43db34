// SPDX-License-Identifier: GPL-2.0
/* kespctl: drive kesp.ko over generic netlink by hand and show its state. */

#include <stdio.h>
#include <string.h>
#include "kespctl.h"

int main(int argc, char **argv)
{
	const struct kespctl_object *obj;
	const struct kespctl_verb *verb;
	struct kespctl c = { .ike_timeout_s = KESPCTL_IKED_TIMEOUT_S };
	const char *batch = NULL;
	char err[128];
	int i = 1, argi, ret;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if ((!strcmp(argv[i], "-S") ||
			    !strcmp(argv[i], "--socket")) && i + 1 < argc) {
			c.ike_socket = argv[++i];
		} else if ((!strcmp(argv[i], "-t") ||
			    !strcmp(argv[i], "--timeout")) && i + 1 < argc) {
			if (kespctl_parse_timeout(argv[++i], &c.ike_timeout_s))
				return KESPCTL_USAGE;
		} else if ((!strcmp(argv[i], "-b") ||
			    !strcmp(argv[i], "--batch")) && i + 1 < argc) {
			batch = argv[++i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			kespctl_usage(stdout);
			return KESPCTL_OK;
		} else {
			fprintf(stderr, "kespctl: unknown option \"%s\"\n",
				argv[i]);
			kespctl_usage(stderr);
			return KESPCTL_USAGE;
		}
	}
	if (batch) {
		if (i < argc) {
			fprintf(stderr, "kespctl: -b takes its commands from the file, not the command line\n");
			return KESPCTL_USAGE;
		}
		ret = kespctl_batch(&c, batch);
		goto out;
	}
	if (kespctl_resolve(argc - i, argv + i, &obj, &verb, &argi, err,
			    sizeof(err))) {
		fprintf(stderr, "kespctl: %s\n", err);
		kespctl_usage(stderr);
		return KESPCTL_USAGE;
	}
	ret = verb->run(&c, argc - i - argi, argv + i + argi);
out:
	if (c.nl_open)
		kesp_nl_close(&c.nl);
	return ret;
}
