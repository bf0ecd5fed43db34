// SPDX-License-Identifier: GPL-2.0
/* The keyword parser behind every kespctl verb that takes arguments. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

#define MAX_TOP_SETS 6

static const struct kespctl_kw *find(const struct kespctl_kwset *set,
				     const char *word, size_t *idx)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (!strcmp(set->kw[i].name, word)) {
			*idx = i;
			return &set->kw[i];
		}
	}
	return NULL;
}

static size_t append_names(const struct kespctl_kwset *set, char *buf,
			   size_t len, size_t used)
{
	size_t i;

	for (i = 0; i < set->n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? " " : "", set->kw[i].name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return used < len ? used : len;
}

/* The keywords that may come next: the open sub-set's first. */
static void expected(const struct kespctl_kwset *sub,
		     const struct kespctl_kwset *const *top, char *buf,
		     size_t len)
{
	size_t used = 0, t;

	buf[0] = '\0';
	if (sub)
		used = append_names(sub, buf, len, used);
	for (t = 0; top && top[t]; t++)
		used = append_names(top[t], buf, len, used);
}

struct state {
	const struct kespctl_kwset *const *top;
	const struct kespctl_kwset *sub;	/* open after e.g. "sel" */
	const char *opener;			/* the keyword that opened it */
	int sub_empty;				/* nothing taken from it yet */
	uint32_t seen_top[MAX_TOP_SETS];
	uint32_t seen_sub;
};

/* The keyword @word names, and where to record that it was seen. */
static const struct kespctl_kw *lookup(struct state *st, const char *word,
				       const struct kespctl_kwset **set,
				       uint32_t **seen, size_t *idx)
{
	const struct kespctl_kw *kw;
	size_t t;

	if (st->sub) {
		kw = find(st->sub, word, idx);
		/*
		 * A word the open set already took belongs to the outer one:
		 * "sel src A dst B src C" sets the SA's own src to C.
		 */
		if (kw && !(st->seen_sub & (1U << *idx))) {
			*set = st->sub;
			*seen = &st->seen_sub;
			return kw;
		}
	}
	for (t = 0; t < MAX_TOP_SETS && st->top[t]; t++) {
		kw = find(st->top[t], word, idx);
		if (kw) {
			*set = st->top[t];
			*seen = &st->seen_top[t];
			return kw;
		}
	}
	/* Only in the open set, and taken already: a repeat there. */
	if (st->sub && find(st->sub, word, idx)) {
		*set = st->sub;
		*seen = &st->seen_sub;
		return &st->sub->kw[*idx];
	}
	return NULL;
}

static int sub_unused(const struct state *st, char *err, size_t errlen)
{
	char names[256];

	expected(st->sub, NULL, names, sizeof(names));
	snprintf(err, errlen, "\"%s\" must be followed by one of: %s",
		 st->opener, names);
	return -EINVAL;
}

static int apply(const struct kespctl_kw *kw, void *ctx, const char *val,
		 char *err, size_t errlen)
{
	char why[192];

	why[0] = '\0';
	if (!kw->set || kw->set(ctx, kw, val, why, sizeof(why)) == 0)
		return 0;
	if (val)
		snprintf(err, errlen, "%s \"%s\": %s (expected %s)", kw->name,
			 val, why, kw->expect);
	else
		snprintf(err, errlen, "%s: %s", kw->name, why);
	return -EINVAL;
}

int kespctl_parse_kw(int argc, char **argv,
		     const struct kespctl_kwset *const *top, void *ctx,
		     char *err, size_t errlen)
{
	struct state st = { .top = top };
	int i = 0;

	while (i < argc) {
		const struct kespctl_kwset *set = NULL;
		const struct kespctl_kw *kw;
		const char *val = NULL;
		uint32_t *seen = NULL;
		size_t idx = 0;

		kw = lookup(&st, argv[i], &set, &seen, &idx);
		if (st.sub && set != st.sub && st.sub_empty)
			return sub_unused(&st, err, errlen);
		if (!kw) {
			char names[512];

			expected(st.sub, top, names, sizeof(names));
			snprintf(err, errlen, "unexpected \"%s\" (expected one of: %s)",
				 argv[i], names);
			return -EINVAL;
		}
		if (set != st.sub)
			st.sub = NULL;
		if (*seen & (1U << idx)) {
			snprintf(err, errlen, "\"%s\" given twice", kw->name);
			return -EINVAL;
		}
		*seen |= 1U << idx;
		if (kw->expect) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "\"%s\" needs a value: %s",
					 kw->name, kw->expect);
				return -EINVAL;
			}
			val = argv[i + 1];
		}
		i += val ? 2 : 1;
		if (apply(kw, (char *)ctx + set->ctx_off, val, err, errlen))
			return -EINVAL;
		st.sub_empty = 0;
		if (kw->sub) {
			st.sub = kw->sub;
			st.opener = kw->name;
			st.sub_empty = 1;
			st.seen_sub = 0;
		}
	}
	if (st.sub && st.sub_empty)
		return sub_unused(&st, err, errlen);
	return 0;
}

int kespctl_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kespctl_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen)
{
	unsigned int base = 10;
	uint64_t x = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s) {
		snprintf(err, errlen, "not a number");
		return -EINVAL;
	}
	for (; *s; s++) {
		d = kespctl_hex_digit(*s);
		if (d < 0 || (unsigned int)d >= base) {
			snprintf(err, errlen, "not a number");
			return -EINVAL;
		}
		if (x > (UINT64_MAX - (unsigned int)d) / base) {
			snprintf(err, errlen, "too large");
			return -EINVAL;
		}
		x = x * base + (unsigned int)d;
	}
	*v = x;
	return 0;
}

int kespctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
		      char *err, size_t errlen)
{
	uint64_t x;

	if (kespctl_parse_u64(s, &x, err, errlen))
		return -EINVAL;
	if (x < min || x > max) {
		snprintf(err, errlen, "out of range");
		return -EINVAL;
	}
	*v = (uint32_t)x;
	return 0;
}
