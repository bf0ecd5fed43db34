// SPDX-License-Identifier: GPL-2.0
/* kespctl's link to kesp.ko: opened on first use, errors printed one way. */

#include <errno.h>
#include <stdio.h>
#include "kespctl.h"

int kespctl_kernel(struct kespctl *c)
{
	char buf[512];

	if (c->nl_open)
		return 0;
	if (kesp_nl_open(&c->nl) < 0) {
		fprintf(stderr, "kespctl: %s\n",
			kesp_nl_strerror(&c->nl.last, buf, sizeof(buf)));
		return c->nl.last.err;
	}
	c->nl_open = 1;
	return 0;
}

int kespctl_kernel_error(struct kespctl *c, const char *what)
{
	char buf[512];

	fprintf(stderr, "kespctl: %s: %s\n", what,
		kesp_nl_strerror(&c->nl.last, buf, sizeof(buf)));
	/* Changes, and reading SAs and policies, are for administrators. */
	if (c->nl.last.err == -EPERM)
		fprintf(stderr, "kespctl: %s needs CAP_NET_ADMIN over this network namespace: run it as root, or as root of the user namespace that owns the namespace\n",
			what);
	return KESPCTL_FAIL;
}
