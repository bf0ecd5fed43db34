// SPDX-License-Identifier: GPL-2.0
/*
 * kespctl -b FILE: many commands over one netlink socket, as `ip -batch`
 * does, so that installing thousands of SAs costs one process, not one
 * each. A line is a command without the "kespctl"; '#' starts a comment.
 * The first failing line stops the batch and is named as FILE:LINE.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kespctl.h"

#define MAX_ARGS 64

/* Split @line in place on white space; -1 if it has too many words. */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *save, *w;

	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (w[0] == '#')
			break;
		if (argc == MAX_ARGS)
			return -1;
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

static int run_line(struct kespctl *c, const char *path, unsigned int n,
		    char *line)
{
	const struct kespctl_object *obj;
	const struct kespctl_verb *verb;
	char *argv[MAX_ARGS + 1], err[128];
	int argc, argi, ret;

	argc = split(line, argv);
	if (argc < 0) {
		fprintf(stderr, "kespctl: %s:%u: more than %d words\n", path,
			n, MAX_ARGS);
		return KESPCTL_USAGE;
	}
	if (!argc)
		return KESPCTL_OK;
	if (kespctl_resolve(argc, argv, &obj, &verb, &argi, err,
			    sizeof(err))) {
		fprintf(stderr, "kespctl: %s:%u: %s\n", path, n, err);
		return KESPCTL_USAGE;
	}
	ret = verb->run(c, argc - argi, argv + argi);
	if (ret != KESPCTL_OK)
		fprintf(stderr, "kespctl: %s:%u: command failed\n", path, n);
	return ret;
}

int kespctl_batch(struct kespctl *c, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int ret = KESPCTL_OK;
	unsigned int n = 0;
	size_t cap = 0;
	char *line = NULL;

	if (!f) {
		fprintf(stderr, "kespctl: %s: %s\n", path, strerror(errno));
		return KESPCTL_FAIL;
	}
	while (ret == KESPCTL_OK && getline(&line, &cap, f) >= 0)
		ret = run_line(c, path, ++n, line);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}
