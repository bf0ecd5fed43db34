// SPDX-License-Identifier: GPL-2.0
/* Collect a whole netlink dump into an array, dumping again if it changed. */

#include <errno.h>
#include <stdlib.h>
#include "kespctl.h"

/* A dump that a concurrent change interrupted is tried this often. */
#define DUMP_TRIES 3

struct collect {
	struct kespctl_dump *d;
	size_t cap;
};

static int collect_one(struct nlmsghdr *nlh, void *arg)
{
	struct collect *st = arg;
	struct kespctl_dump *d = st->d;
	int err;

	if (d->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		void *p = reallocarray(d->v, cap, d->size);

		if (!p)
			return -ENOMEM;
		d->v = p;
		st->cap = cap;
	}
	err = d->parse(nlh, (char *)d->v + d->n * d->size);
	if (err)
		return err;
	d->n++;
	return 0;
}

int kespctl_dump(struct kespctl *c, int cmd, struct kespctl_dump *d)
{
	struct collect st = { .d = d };
	int err, tries = 0;

	if (kespctl_kernel(c) < 0)
		return -ENOENT;
	do {
		d->n = 0;
		err = kesp_nl_request(&c->nl, cmd, 1, NULL, collect_one, &st);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err < 0) {
		free(d->v);
		d->v = NULL;
		d->n = 0;
	}
	return err;
}
