// SPDX-License-Identifier: GPL-2.0
/* conf.h's entry points: read, resolve every conn; free, find. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void conn_free(struct iked_conf_conn *c)
{
	free(c->name);
	free(c->left.ts);
	free(c->right.ts);
	free(c->left.updown);
	free(c->right.updown);
	free(c->left.cert);
	free(c->right.cert);
	iked_prop_list_free(&c->ike);
	iked_prop_list_free(&c->esp);
}

void iked_conf_free(struct iked_conf *conf)
{
	size_t i;

	if (!conf)
		return;
	for (i = 0; i < conf->n_conns; i++)
		conn_free(&conf->conns[i]);
	free(conf->conns);
	for (i = 0; i < conf->n_warnings; i++)
		free(conf->warnings[i]);
	free(conf->warnings);
	for (i = 0; i < conf->n_files; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf);
}

/* Shared by both entry points: @path or @text (named @name) is read. */
static int load(const char *path, const char *name, const char *text,
		size_t len, struct iked_conf **out, char *err, size_t errlen)
{
	struct reader r = {
		.cur = -1, .dflt = -1, .setup = -1, .first_conn = -1,
		.err = err, .errlen = errlen,
	};
	size_t i;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	r.conf = calloc(1, sizeof(*r.conf));
	if (!r.conf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (path) {
		ret = conf_read_file(&r, path, NULL, 0);
	} else {
		const char *file = conf_add_file(&r, name);

		ret = file ? conf_read_text(&r, file, text, len) : -ENOMEM;
		if (!file)
			snprintf(err, errlen, "out of memory");
	}
	if (!ret)
		ret = conf_setup_notice(&r);
	for (i = 0; !ret && i < r.n_s; i++)
		if (r.s[i].type == SECT_CONN)
			ret = conf_resolve(&r, i);
	conf_reader_free(&r);
	if (ret) {
		iked_conf_free(r.conf);
		return ret;
	}
	*out = r.conf;
	return 0;
}

int iked_conf_load(const char *path, struct iked_conf **out, char *err,
		   size_t errlen)
{
	return load(path, NULL, NULL, 0, out, err, errlen);
}

int iked_conf_parse(const char *name, const char *text, size_t len,
		    struct iked_conf **out, char *err, size_t errlen)
{
	return load(NULL, name, text, len, out, err, errlen);
}

const struct iked_conf_conn *iked_conf_find(const struct iked_conf *conf,
					    const char *name)
{
	size_t i;

	for (i = 0; i < conf->n_conns; i++)
		if (!strcmp(conf->conns[i].name, name))
			return &conf->conns[i];
	return NULL;
}
