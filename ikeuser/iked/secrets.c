// SPDX-License-Identifier: GPL-2.0
/* Read ipsec.secrets PSK lines, refuse a file others can read, look keys up by identity. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "secrets.h"

/* A secrets file this big is not one. */
#define SECRETS_MAX	(1 << 20)
#define IDS_MAX		64

#define LINE_EXPECT "expected [ID [ID]] : PSK \"SECRET\", or : RSA|ECDSA|PKCS8 FILE [\"PASSPHRASE\"]"
#define SECRET_EXPECT "expected the secret in double or single quotes, 0xHEX, 0sBASE64 or as one word"

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode @n hex digits into @out (n/2 bytes); -1 if any is not one. */
static int unhex(const char *s, size_t n, uint8_t *out)
{
	size_t i;

	if (!n || n % 2)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = iked_conf_hexval(s[2 * i]);
		int lo = iked_conf_hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Decode padded base64; returns the byte count or -1. */
static long unbase64(const char *s, size_t n, uint8_t *out)
{
	size_t i, o = 0, pad = 0;

	if (!n || n % 4)
		return -1;
	if (s[n - 1] == '=')
		pad++;
	if (s[n - 2] == '=')
		pad++;
	for (i = 0; i < n; i += 4) {
		uint32_t v = 0;
		size_t k;

		for (k = 0; k < 4; k++) {
			int d = b64val(s[i + k]);

			if (d < 0) {
				/* '=' only as the trailing padding. */
				if (s[i + k] != '=' || i + 4 < n ||
				    k < 4 - pad)
					return -1;
				d = 0;
			}
			v = v << 6 | (uint32_t)d;
		}
		out[o++] = (uint8_t)(v >> 16);
		if (i + 4 < n || pad < 2)
			out[o++] = (uint8_t)(v >> 8);
		if (i + 4 < n || pad < 1)
			out[o++] = (uint8_t)v;
	}
	return (long)o;
}

static int fail(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, ...)
{
	va_list ap;
	int w;

	w = snprintf(err, errlen, "%s:%u: ", file, line);
	if (w < 0 || (size_t)w >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + w, errlen - (size_t)w, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * The secret after "PSK" as strongSwan reads it: in double or single
 * quotes (taken as written), 0xHEX, 0sBASE64, or else one unquoted word,
 * taken as written. Its bytes go into a new buffer.
 */
static int parse_secret(char *p, struct iked_secret *s, char *err,
			size_t errlen)
{
	const char *file = s->file;
	unsigned int line = s->line;
	int raw = 1;
	char *end;
	size_t n;
	long got;

	while (is_space(*p))
		p++;
	if (*p == '"' || *p == '\'') {
		end = strchr(p + 1, *p);
		if (!end)
			return fail(err, errlen, file, line, "PSK: the quoted secret has no closing %c",
				    *p);
		n = (size_t)(end - p - 1);
		p++;
		end++;
	} else if (*p && *p != '#') {
		raw = !(p[0] == '0' && (p[1] == 'x' || p[1] == 's'));
		end = p;
		while (*end && !is_space(*end))
			end++;
		n = (size_t)(end - p);
	} else {
		return fail(err, errlen, file, line, "PSK: no secret: %s",
			    SECRET_EXPECT);
	}
	while (is_space(*end))
		end++;
	if (*end && *end != '#')
		return fail(err, errlen, file, line, "PSK: text after the secret: %s",
			    SECRET_EXPECT);
	/* Hex and base64 decode to fewer bytes than their text. */
	s->key = malloc(n ? n : 1);
	if (!s->key) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Until the real length is known, a wipe covers all of it. */
	s->key_len = n;
	if (raw) {
		memcpy(s->key, p, n);
		s->key_len = n;
	} else if (p[1] == 'x') {
		if (unhex(p + 2, n - 2, s->key))
			return fail(err, errlen, file, line, "PSK: \"0x...\" must be followed by an even number of hex digits");
		s->key_len = (n - 2) / 2;
	} else {
		got = unbase64(p + 2, n - 2, s->key);
		if (got < 0)
			return fail(err, errlen, file, line, "PSK: \"0s...\" must be followed by padded base64");
		s->key_len = (size_t)got;
	}
	if (!s->key_len)
		return fail(err, errlen, file, line, "PSK: the secret is empty");
	return 0;
}

/* After RSA, ECDSA or PKCS8: the key's file and its passphrase, if any. */
static int parse_keyfile(char *p, const char *type, struct iked_secret *s,
			 char *err, size_t errlen)
{
	char *name, *end;

	while (is_space(*p))
		p++;
	if (*p == '"' || *p == '\'') {
		name = p + 1;
		end = strchr(name, *p);
		if (!end)
			return fail(err, errlen, s->file, s->line, "%s: the quoted file name has no closing %c",
				    type, *p);
	} else {
		name = p;
		end = p;
		while (*end && !is_space(*end))
			end++;
	}
	if (end == name || *name == '#')
		return fail(err, errlen, s->file, s->line, "%s: no key file: expected : %s FILE [\"PASSPHRASE\"]",
			    type, type);
	p = *end ? end + 1 : end;
	*end = '\0';
	s->kind = IKED_SECRET_KEYFILE;
	s->keyfile = strdup(name);
	if (!s->keyfile) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	if (!strncmp(p, "%prompt", 7))
		return fail(err, errlen, s->file, s->line, "%s: %%prompt is not supported: kesp-iked runs without a terminal; write the passphrase in quotes",
			    type);
	return parse_secret(p, s, err, errlen);
}

static void secret_wipe(struct iked_secret *s)
{
	free(s->keyfile);
	if (s->key) {
		explicit_bzero(s->key, s->key_len);
		free(s->key);
	}
	free(s->ids);
	memset(s, 0, sizeof(*s));
}

/* One line, NUL-terminated and ours to change. */
static int parse_line(struct iked_secrets *out, const char *file,
		      unsigned int line, char *p, char *err, size_t errlen)
{
	struct iked_secret s = { .file = file, .line = line };
	struct iked_secret *nv;
	char *words[IDS_MAX + 1];
	size_t n = 0, i;
	char *type;
	int ret;

	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	/* Selectors up to a ":" standing alone (IPv6 addresses hold ":"). */
	for (;;) {
		char *w = p;

		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (is_space(*p))
			p++;
		if (!strcmp(w, ":"))
			break;
		if (!strcmp(w, "include"))
			return fail(err, errlen, file, line, "include is not supported in ipsec.secrets yet: put the keys in this file");
		if (!*w || *w == '#' || n == IDS_MAX)
			return fail(err, errlen, file, line, "%s",
				    n == IDS_MAX ? "more than 64 identities on one line" :
				    "no \":\" standing alone: " LINE_EXPECT);
		words[n++] = w;
	}
	for (i = 0; i < n; i++)
		if (words[i][0] == '"')
			return fail(err, errlen, file, line, "quoted identities (distinguished names) are not supported: %s",
				    LINE_EXPECT);
	type = p;
	while (*p && !is_space(*p))
		p++;
	if (*p)
		*p++ = '\0';
	if (!strcmp(type, "RSA") || !strcmp(type, "ECDSA") ||
	    !strcmp(type, "PKCS8")) {
		ret = parse_keyfile(p, type, &s, err, errlen);
		goto add;
	}
	if (strcmp(type, "PSK")) {
		if (!*type || *type == '#' || *type == '"')
			return fail(err, errlen, file, line, "no secret type after \":\": %s",
				    LINE_EXPECT);
		return fail(err, errlen, file, line, "%s secrets are not supported: kesp-iked uses pre-shared keys (PSK) and private keys (RSA, ECDSA, PKCS8)",
			    type);
	}
	if (n) {
		s.ids = calloc(n, sizeof(*s.ids));
		if (!s.ids) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++) {
		char why[256];

		if (iked_conf_id_parse(words[i], &s.ids[i], why, sizeof(why))) {
			ret = fail(err, errlen, file, line, "%s", why);
			goto out;
		}
	}
	s.n_ids = n;
	ret = parse_secret(p, &s, err, errlen);
add:
	if (ret)
		goto out;
	nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
	if (!nv) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	out->v = nv;
	out->v[out->n++] = s;
	return 0;
out:
	secret_wipe(&s);
	return ret;
}

int iked_secrets_parse(const char *name, const char *text, size_t len,
		       struct iked_secrets **out, char *err, size_t errlen)
{
	struct iked_secrets *s;
	unsigned int line = 0;
	char *copy, *p;
	int ret = 0;

	*out = NULL;
	/* Some Windows editors start a UTF-8 file with a byte order mark. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: NUL byte: this is not a text file",
			 name);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	copy = malloc(len + 1);
	if (s)
		s->file = strdup(name);
	if (!s || !copy || !s->file) {
		free(copy);
		iked_secrets_free(s);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (p = copy; !ret && *p; ) {
		char *nl = strchr(p, '\n');
		size_t n;

		if (nl)
			*nl = '\0';
		n = strlen(p);
		if (n && p[n - 1] == '\r')
			p[n - 1] = '\0';
		ret = parse_line(s, s->file, ++line, p, err, errlen);
		p = nl ? nl + 1 : p + n;
	}
	/* The copy held every secret in clear. */
	explicit_bzero(copy, len);
	free(copy);
	if (ret) {
		iked_secrets_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

static int check_mode(int fd, const char *path, char *err, size_t errlen)
{
	const mode_t bad = S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;
	struct stat st;

	if (fstat(fd, &st)) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SECRETS_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes",
			 path, SECRETS_MAX);
		return -EINVAL;
	}
	if (st.st_mode & bad) {
		const char *who = (st.st_mode & (S_IRGRP | S_IWGRP)) ?
			((st.st_mode & (S_IROTH | S_IWOTH)) ? "group and others" : "its group") :
			"others";
		const char *what = (st.st_mode & (S_IRGRP | S_IROTH)) ?
			((st.st_mode & (S_IWGRP | S_IWOTH)) ? "read and write" : "read") :
			"write";

		snprintf(err, errlen, "%s: refused: mode %04o lets %s %s the pre-shared keys; run chmod 600 %s",
			 path, (unsigned int)(st.st_mode & 07777), who, what,
			 path);
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: refused: owned by uid %u, who could rewrite the pre-shared keys; run chown root %s",
			 path, (unsigned int)st.st_uid, path);
		return -EPERM;
	}
	return 0;
}

int iked_secrets_load(const char *path, struct iked_secrets **out,
		      char *err, size_t errlen)
{
	size_t got = 0;
	char *buf;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(-ret));
		return ret;
	}
	ret = check_mode(fd, path, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	buf = malloc(SECRETS_MAX + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		ssize_t w = read(fd, buf + got, SECRETS_MAX + 1 - got);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 strerror(-ret));
			break;
		}
		if (w == 0)
			break;
		got += (size_t)w;
		if (got > SECRETS_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path,
				 SECRETS_MAX);
			ret = -EINVAL;
			break;
		}
	}
	close(fd);
	if (!ret)
		ret = iked_secrets_parse(path, buf, got, out, err, errlen);
	explicit_bzero(buf, got);
	free(buf);
	return ret;
}

void iked_secrets_free(struct iked_secrets *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		secret_wipe(&s->v[i]);
	free(s->v);
	free(s->file);
	free(s);
}

/* 2: the line names @id, 1: it holds %any or no ID at all, 0: neither. */
static int side_match(const struct iked_secret *s,
		      const struct iked_conf_id *id)
{
	int best = 0;
	size_t i;

	if (!s->n_ids)
		return 1;
	for (i = 0; i < s->n_ids; i++) {
		if (s->ids[i].type == IKED_ID_ANY)
			best = 1;
		else if (id && iked_conf_id_equal(&s->ids[i], id))
			return 2;
	}
	return best;
}

const struct iked_secret *iked_secrets_lookup(const struct iked_secrets *s,
					      const struct iked_conf_id *local,
					      const struct iked_conf_id *remote)
{
	/* Rank by [local][remote] match: the peer's identity chooses. */
	static const int rank[3][3] = {
		{ 0, 0, 3 },
		{ 0, 1, 5 },
		{ 2, 4, 6 },
	};
	const struct iked_secret *best = NULL;
	int best_rank = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		int r;

		if (s->v[i].kind != IKED_SECRET_PSK)
			continue;
		r = rank[side_match(&s->v[i], local)]
			    [side_match(&s->v[i], remote)];

		if (r > best_rank) {
			best_rank = r;
			best = &s->v[i];
		}
	}
	return best;
}

size_t iked_secrets_count_psk(const struct iked_secrets *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].kind == IKED_SECRET_PSK;
	return n;
}
