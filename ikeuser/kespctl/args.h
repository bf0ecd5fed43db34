/* SPDX-License-Identifier: GPL-2.0 */
/* Keyword-value argument parsing for kespctl verbs, in the shape of `ip xfrm`. */

#ifndef KESPCTL_ARGS_H
#define KESPCTL_ARGS_H

#include <stddef.h>
#include <stdint.h>

struct kespctl_kwset;

struct kespctl_kw;

/*
 * Takes the value @val (NULL for a flag) of keyword @kw. On error, writes
 * what is wrong with the value into @err without repeating it, and returns
 * a negative errno; the parser adds the keyword, value and ->expect.
 */
typedef int (*kespctl_kw_fn)(void *ctx, const struct kespctl_kw *kw,
			     const char *val, char *err, size_t errlen);

struct kespctl_kw {
	const char *name;
	const char *expect;	/* what the value should be; NULL: a flag */
	kespctl_kw_fn set;
	/* Keywords that belong to this one while they follow it ("sel"). */
	const struct kespctl_kwset *sub;
	int arg;		/* for @set, when one function serves several */
};

struct kespctl_kwset {
	const struct kespctl_kw *kw;
	size_t n;		/* at most 32 */
	size_t ctx_off;		/* @set gets (char *)ctx + ctx_off */
};

/*
 * Parse @argv against the keyword sets of @top (NULL-terminated). A
 * keyword with ->sub opens that set: the words right after it are looked
 * up there first, and the first one that is not in it closes it. Each
 * keyword may appear once per set it opens. Returns 0, or -EINVAL with a
 * message naming the offending word and what was expected.
 */
int kespctl_parse_kw(int argc, char **argv,
		     const struct kespctl_kwset *const *top, void *ctx,
		     char *err, size_t errlen);

/*
 * Numbers: decimal, or hexadecimal with 0x. No sign, no octal (a leading 0
 * is decimal, as operators mean it), nothing after the digits.
 */
/* The value of one hex digit, -1 if @c is not one. */
int kespctl_hex_digit(char c);
int kespctl_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen);
int kespctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
		      char *err, size_t errlen);

#endif /* KESPCTL_ARGS_H */
