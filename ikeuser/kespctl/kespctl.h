/* SPDX-License-Identifier: GPL-2.0 */
/* What every kespctl subcommand gets: options, output and the kernel link. */

#ifndef KESPCTL_H
#define KESPCTL_H

#include <stddef.h>
#include "../common/json.h"
#include "../common/nl.h"

struct kespctl {
	int json;		/* -j: print JSON instead of the human form */
	struct kesp_nl nl;
	int nl_open;
};

typedef int (*kespctl_run_fn)(struct kespctl *c, int argc, char **argv);

struct kespctl_verb {
	const char *name;
	kespctl_run_fn run;
	const char *usage;	/* arguments after the verb, "" if none */
};

struct kespctl_object {
	const char *name;
	const struct kespctl_verb *verbs;	/* the first is the default */
	size_t n_verbs;
	const char *help;
};

/* Exit codes: 0 ok, 1 the operation failed, 2 bad usage. */
enum { KESPCTL_OK = 0, KESPCTL_FAIL = 1, KESPCTL_USAGE = 2 };

/*
 * Index of the unique entry of @names that @word is a prefix of, an exact
 * match winning over longer names; -1 if none, -2 if ambiguous.
 */
int kespctl_match(const char *word, const char *const *names, size_t n);

/*
 * Find the object and verb that argv names. On success returns 0 and sets
 * *argi to the first argument after them; otherwise returns KESPCTL_USAGE
 * with a message in @err.
 */
int kespctl_resolve(int argc, char **argv, const struct kespctl_object **obj,
		    const struct kespctl_verb **verb, int *argi, char *err,
		    size_t errlen);

void kespctl_usage(FILE *f);

/* Open the netlink link on first use; prints the error and returns -errno. */
int kespctl_kernel(struct kespctl *c);
/* Print "kespctl: WHAT: <errno text> (kernel: <extack>)" for the last request. */
int kespctl_kernel_error(struct kespctl *c, const char *what);

/* For verbs that take no arguments: prints the error and returns USAGE. */
int kespctl_no_args(int argc, char **argv, const char *what);

extern const struct kespctl_object kespctl_objects[];
extern const size_t kespctl_n_objects;

/* One run function per subcommand, each in the file named for its object. */
int kespctl_version_show(struct kespctl *c, int argc, char **argv);
int kespctl_stats_show(struct kespctl *c, int argc, char **argv);
int kespctl_stats_reset(struct kespctl *c, int argc, char **argv);

#endif /* KESPCTL_H */
