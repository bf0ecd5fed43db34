// SPDX-License-Identifier: GPL-2.0
/* Read ipsec.conf into sections: lines, quoting, comments, includes. */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"
#include "../words.h"

/* A configuration this big is a mistake (or not a configuration). */
#define FILE_MAX	(16 << 20)
#define INCLUDE_DEPTH	8

int conf_fail(struct reader *r, const char *file, unsigned int line,
	      const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;
	int w;

	iked_addf(r->err, r->errlen, &used, "%s:%u: ", file, line);
	if (used >= r->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	w = vsnprintf(r->err + used, r->errlen - used, fmt, ap);
	va_end(ap);
	(void)w;
	return -EINVAL;
}

/* ---- The configuration being built ---- */

static int add_string(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	*v = nv;
	(*v)[(*n)++] = s;
	return 0;
}

int conf_warn(struct reader *r, const char *file, unsigned int line,
	      const char *fmt, ...)
{
	struct iked_conf *c = r->conf;
	char buf[IKED_CONF_ERRLEN];
	size_t used = 0, i;
	va_list ap;

	iked_addf(buf, sizeof(buf), &used, "%s:%u: ", file, line);
	va_start(ap, fmt);
	if (used < sizeof(buf))
		vsnprintf(buf + used, sizeof(buf) - used, fmt, ap);
	va_end(ap);
	/* A %default line inherited by many conns warns once. */
	for (i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warnings[i], buf))
			return 0;
	if (add_string(&c->warnings, &c->n_warnings, strdup(buf))) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

const char *conf_add_file(struct reader *r, const char *name)
{
	struct iked_conf *c = r->conf;

	if (add_string(&c->files, &c->n_files, strdup(name)))
		return NULL;
	return c->files[c->n_files - 1];
}

void conf_reader_free(struct reader *r)
{
	size_t i, k;

	for (i = 0; i < r->n_s; i++) {
		for (k = 0; k < r->s[i].n; k++)
			free(r->s[i].e[k].value);
		free(r->s[i].e);
		free(r->s[i].name);
	}
	free(r->s);
}

/* ---- Reading lines ---- */

static int read_path(struct reader *r, const char *path, const char *from,
		     unsigned int from_line);

static int open_section(struct reader *r, enum sect_type type,
			const char *name, const char *file, unsigned int line)
{
	struct sect *ns;

	ns = realloc(r->s, (r->n_s + 1) * sizeof(*ns));
	if (!ns)
		goto oom;
	r->s = ns;
	memset(&r->s[r->n_s], 0, sizeof(r->s[0]));
	r->s[r->n_s].type = type;
	r->s[r->n_s].file = file;
	r->s[r->n_s].line = line;
	r->s[r->n_s].name = strdup(name);
	if (!r->s[r->n_s].name)
		goto oom;
	r->cur = (long)r->n_s++;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	return -ENOMEM;
}

static int valid_name(const char *s)
{
	char c = *s | 0x20;

	if (c < 'a' || c > 'z')
		return 0;
	for (; *s; s++) {
		c = *s | 0x20;
		if (!(c >= 'a' && c <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '.' && *s != '_' && *s != '-')
			return 0;
	}
	return 1;
}

/* "conn NAME" or "conn %default": open the section, or reopen %default. */
static int conn_line(struct reader *r, const char *file, unsigned int line,
		     const char *name)
{
	size_t i;

	if (!name)
		return conf_fail(r, file, line, "conn without a name: expected conn NAME");
	if (!strcmp(name, "%default")) {
		if (r->first_conn >= 0)
			return conf_fail(r, file, line, "conn %%default after conn %s (%s:%u): put %%default sections first; they apply to the conns that follow",
					 r->s[r->first_conn].name,
					 r->s[r->first_conn].file,
					 r->s[r->first_conn].line);
		if (r->dflt >= 0) {
			r->cur = r->dflt;
			return 0;
		}
		if (open_section(r, SECT_DEFAULT, name, file, line))
			return -ENOMEM;
		r->dflt = r->cur;
		return 0;
	}
	if (!valid_name(name))
		return conf_fail(r, file, line, "conn name \"%s\" must start with a letter and hold only letters, digits, \".\", \"_\" and \"-\"",
				 name);
	for (i = 0; i < r->n_s; i++)
		if (r->s[i].type == SECT_CONN && !strcmp(r->s[i].name, name))
			return conf_fail(r, file, line, "conn %s is already defined at %s:%u",
					 name, r->s[i].file, r->s[i].line);
	if (open_section(r, SECT_CONN, name, file, line))
		return -ENOMEM;
	if (r->first_conn < 0)
		r->first_conn = r->cur;
	return 0;
}

/* "conn NAME", "config setup", "include FILE", "version 2", ... */
static int section_line(struct reader *r, const char *file, unsigned int line,
			char *p)
{
	char *words[3] = { NULL, NULL, NULL };
	size_t n = 0;

	/* Words up to a comment; a third word is a mistake. */
	while (*p && n < 3) {
		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		words[n++] = p;
		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	while (is_space(*p))
		p++;
	if (n == 3 || (*p && *p != '#'))
		return conf_fail(r, file, line, "\"%s %s\" is followed by more words: a section line is \"conn NAME\", \"config setup\" or \"include FILE\"",
				 words[0], words[1]);
	if (!strcmp(words[0], "conn"))
		return conn_line(r, file, line, words[1]);
	if (!strcmp(words[0], "config")) {
		if (n < 2 || strcmp(words[1], "setup"))
			return conf_fail(r, file, line, "unknown config section: expected config setup");
		if (r->setup >= 0) {
			r->cur = r->setup;
			return 0;
		}
		if (open_section(r, SECT_SETUP, "setup", file, line))
			return -ENOMEM;
		r->setup = r->cur;
		return 0;
	}
	if (!strcmp(words[0], "include")) {
		if (n < 2)
			return conf_fail(r, file, line, "include without a file: expected include FILE");
		r->cur = -1;
		return read_path(r, words[1], file, line);
	}
	if (!strcmp(words[0], "ca"))
		return conf_fail(r, file, line, "ca sections are not supported: put the CA certificates into ipsec.d/cacerts/ beside ipsec.conf");
	/* FreeS/WAN's and old Libreswan's first line. */
	if (!strcmp(words[0], "version") && n == 2 &&
	    (!strcmp(words[1], "2") || !strcmp(words[1], "2.0")))
		return 0;
	return conf_fail(r, file, line, "\"%s\" at the start of a line: expected conn NAME, config setup or include FILE (lines inside a section begin with white space)",
			 words[0]);
}


static int unknown_keyword(struct reader *r, const char *file,
			   unsigned int line, const char *key,
			   const struct sect *s)
{
	int setup = s->type == SECT_SETUP;
	char msg[IKED_CONF_ERRLEN];
	size_t used = 0;

	if (setup)
		iked_addf(msg, sizeof(msg), &used,
			  "unknown keyword \"%s\" in config setup", key);
	else
		iked_addf(msg, sizeof(msg), &used,
			  "unknown keyword \"%s\" in conn %s", key, s->name);
	conf_kw_suggest(msg, sizeof(msg), &used, key, setup);
	return conf_fail(r, file, line, "%s", msg);
}

static int add_entry(struct reader *r, const char *file, unsigned int line,
		     const char *key, const char *value)
{
	struct sect *s = &r->s[r->cur];
	int setup = s->type == SECT_SETUP;
	const struct kw *kw = conf_kw_find(key, setup);
	struct entry *ne;
	size_t i;

	if (!kw)
		return unknown_keyword(r, file, line, key, s);
	for (i = 0; i < s->n; i++) {
		const struct entry *o = &s->e[i];

		if (kw->id == KW_ALSO) {
			if (o->kw->id == KW_ALSO && !strcmp(o->value, value))
				return conf_fail(r, file, line, "also: conn %s is already included at %s:%u",
						 value, o->file, o->line);
			continue;
		}
		if (o->kw->id != kw->id ||
		    (kw->id == KW_SETUP && o->kw != kw))
			continue;
		if (o->kw == kw)
			return conf_fail(r, file, line, "%s: already set in this section at %s:%u",
					 key, o->file, o->line);
		return conf_fail(r, file, line, "%s: already set in this section as %s at %s:%u",
				 key, o->kw->name, o->file, o->line);
	}
	if (kw->id == KW_ALSO) {
		if (s->type != SECT_CONN)
			return conf_fail(r, file, line, "also: not allowed in conn %%default");
		if (!*value)
			return conf_fail(r, file, line, "also: expected the name of a conn");
	} else if (setup) {
		/* Named in one notice once the file is read (resolve.c). */
		if (kw->id == KW_UNSUPPORTED)
			return conf_fail(r, file, line, "config setup: %s: not supported: %s",
					 key, kw->note);
	} else if (*value) {
		/*
		 * Check now, so the first mistake in the file is the one
		 * reported, wherever the value ends up being used.
		 */
		struct build scratch;
		char why[IKED_CONF_ERRLEN];
		int ret;

		memset(&scratch, 0, sizeof(scratch));
		ret = kw->set(&scratch, kw, value, why, sizeof(why));
		conf_build_free(&scratch);
		if (ret)
			return conf_fail(r, file, line, "%s: %s", key, why);
	}
	ne = realloc(s->e, (s->n + 1) * sizeof(*ne));
	if (!ne)
		goto oom;
	s->e = ne;
	s->e[s->n].kw = kw;
	s->e[s->n].file = file;
	s->e[s->n].line = line;
	s->e[s->n].value = strdup(value);
	if (!s->e[s->n].value)
		goto oom;
	s->n++;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	return -ENOMEM;
}

/* An indented line: KEYWORD=VALUE, VALUE maybe quoted, maybe a comment. */
static int keyword_line(struct reader *r, const char *file, unsigned int line,
			char *p)
{
	char *key = p, *value, *q;

	while (*p && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
		p++;
	q = p;
	while (is_space(*q))
		q++;
	if (p == key || *q != '=')
		return conf_fail(r, file, line, "expected KEYWORD=VALUE, not \"%.40s\"",
				 key);
	*p = '\0';
	q++;
	while (is_space(*q))
		q++;
	if (*q == '"') {
		char *w = ++q;

		value = w;
		for (;;) {
			if (!*q)
				return conf_fail(r, file, line, "%s: the quoted value has no closing \"",
						 key);
			if (*q == '"')
				break;
			/* \" and \\ as strongSwan reads them. */
			if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
				q++;
			*w++ = *q++;
		}
		q++;
		*w = '\0';
		while (is_space(*q))
			q++;
		if (*q && *q != '#')
			return conf_fail(r, file, line, "%s: text after the closing quote: \"%.40s\"",
					 key, q);
	} else {
		/* A comment starts with # after white space; "@#ab" is not. */
		value = q;
		for (p = q; *p; p++) {
			if (*p == '#' && (p == q || is_space(p[-1]))) {
				*p = '\0';
				break;
			}
		}
		p = value + strlen(value);
		while (p > value && is_space(p[-1]))
			*--p = '\0';
	}
	return add_entry(r, file, line, key, value);
}

static int read_line(struct reader *r, const char *file, unsigned int line,
		     char *p)
{
	size_t n = strlen(p);
	char *q = p;

	if (n && p[n - 1] == '\r')
		p[n - 1] = '\0';
	while (is_space(*q))
		q++;
	if (!*q || *q == '#')
		return 0;
	if (q == p)
		return section_line(r, file, line, p);
	if (r->cur < 0)
		return conf_fail(r, file, line, "indented line outside a section: put it under a conn NAME or config setup line, or remove the indentation if it starts one");
	return keyword_line(r, file, line, q);
}

int conf_read_text(struct reader *r, const char *file, const char *text,
		     size_t len)
{
	unsigned int line = 0;
	const char *nul;
	char *copy, *p;
	int ret = 0;

	/* Some Windows editors start a UTF-8 file with a byte order mark. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	nul = memchr(text, '\0', len);
	if (nul) {
		unsigned int at = 1;
		const char *c;

		for (c = text; c < nul; c++)
			at += *c == '\n';
		return conf_fail(r, file, at, "NUL byte: this is not a text file");
	}
	copy = malloc(len + 1);
	if (!copy) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (p = copy; !ret && *p; ) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		line++;
		ret = read_line(r, file, line, p);
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(copy);
	return ret;
}

int conf_read_file(struct reader *r, const char *path, const char *from,
		     unsigned int from_line)
{
	const char *name;
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (from)
			conf_fail(r, from, from_line, "include: cannot open %s: %s",
				  path, strerror(-ret));
		else
			snprintf(r->err, r->errlen, "%s: cannot open: %s", path,
				 strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		snprintf(r->err, r->errlen, "%s: not a regular file of at most %d bytes",
			 path, FILE_MAX);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t w = read(fd, buf + got, (size_t)st.st_size - got);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			snprintf(r->err, r->errlen, "%s: cannot read: %s", path,
				 strerror(-ret));
			free(buf);
			close(fd);
			return ret;
		}
		got += (size_t)w;
	}
	close(fd);
	name = conf_add_file(r, path);
	if (!name) {
		free(buf);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	ret = conf_read_text(r, name, buf, got);
	free(buf);
	return ret;
}

/* "include PATTERN": relative to the including file, shell wildcards. */
static int read_path(struct reader *r, const char *pattern, const char *from,
		     unsigned int from_line)
{
	const char *slash = strrchr(from, '/');
	char *full;
	glob_t g;
	size_t i;
	int ret;

	if (r->depth >= INCLUDE_DEPTH)
		return conf_fail(r, from, from_line, "include: nested more than %d deep (does a file include itself?)",
				 INCLUDE_DEPTH);
	if (pattern[0] == '/' || !slash) {
		full = strdup(pattern);
	} else if (asprintf(&full, "%.*s/%s", (int)(slash - from), from,
			    pattern) < 0) {
		full = NULL;
	}
	if (!full) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	ret = glob(full, 0, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		/* A wildcard may match nothing; a plain name must exist. */
		if (strpbrk(pattern, "*?["))
			ret = 0;
		else
			ret = conf_fail(r, from, from_line, "include: cannot open %s: %s",
					full, strerror(ENOENT));
		free(full);
		return ret;
	}
	if (ret) {
		ret = conf_fail(r, from, from_line, "include: cannot read %s", full);
		free(full);
		return ret;
	}
	free(full);
	r->depth++;
	for (i = 0; !ret && i < g.gl_pathc; i++)
		ret = conf_read_file(r, g.gl_pathv[i], from, from_line);
	r->depth--;
	globfree(&g);
	/* Lines after the include do not continue the section before it. */
	r->cur = -1;
	return ret;
}
