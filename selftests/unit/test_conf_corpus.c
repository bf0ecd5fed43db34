// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration corpus (selftests/unit/conf-corpus/): every strongSwan
 * and Libreswan config loads and its conns hold what its "#>" lines say,
 * every bad config is refused with its "#!" FILE:LINE message, every
 * secrets file gives the PSKs its "#>" lines say. README.md there tells
 * the syntax of those lines.
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/secrets.h"

#define LINE_MAX_LEN	1024

/* The corpus beside this file, wherever the tests are run from. */
static void corpus_dir(char *buf, size_t len, const char *sub)
{
	const char *slash = strrchr(__FILE__, '/');
	int n = slash ? (int)(slash - __FILE__) : 0;

	snprintf(buf, len, "%.*s%sconf-corpus/%s", n, __FILE__, n ? "/" : "",
		 sub);
}

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (*len != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* The lines of @text that start with @tag (e.g. "#> "), one by one. */
static const char *next_tagged(const char *p, const char *tag, char *line)
{
	size_t tl = strlen(tag);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : p + n;

		if (n >= tl && !strncmp(p, tag, tl) && n - tl < LINE_MAX_LEN) {
			memcpy(line, p + tl, n - tl);
			line[n - tl] = '\0';
			return next;
		}
		p = next;
	}
	return NULL;
}

/* "@:" in an expected message stands for the file's path. */
static void with_path(const char *in, const char *path, char *out,
		      size_t len)
{
	size_t used = 0;

	for (; *in && used + 1 < len; in++) {
		if (in[0] == '@' && in[1] == ':')
			used += (size_t)snprintf(out + used, len - used, "%s",
						 path);
		else
			out[used++] = *in;
		if (used >= len)
			used = len - 1;
	}
	out[used] = '\0';
}

/* One "*" in @want stands for any text (an error from elsewhere). */
static int msg_matches(const char *want, const char *got)
{
	const char *star = strchr(want, '*');
	size_t pre, post, n = strlen(got);

	if (!star)
		return !strcmp(want, got);
	pre = (size_t)(star - want);
	post = strlen(star + 1);
	return n >= pre + post && !strncmp(want, got, pre) &&
	       !strcmp(star + 1, got + n - post);
}

static const char *fmt_addr(const struct kesp_addr *a, char *buf, size_t len)
{
	if (!a->family)
		snprintf(buf, len, "%%any");
	else if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static void fmt_ts(const struct iked_conf_end *e, char *buf, size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < e->n_ts; i++) {
		const struct iked_conf_ts *ts = &e->ts[i];
		char p[KESP_PREFIX_STRLEN];

		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", ts->dynamic ? "%dynamic" :
					 kesp_prefix_format(&ts->net, p, sizeof(p)));
		if (ts->proto) {
			used += (size_t)snprintf(buf + used, len - used, "[%u",
						 ts->proto);
			if (ts->ports.min == ts->ports.max)
				used += (size_t)snprintf(buf + used, len - used, "/%u",
							 ts->ports.min);
			else if (ts->ports.min || ts->ports.max != 65535)
				used += (size_t)snprintf(buf + used, len - used, "/%u-%u",
							 ts->ports.min, ts->ports.max);
			used += (size_t)snprintf(buf + used, len - used, "]");
		}
		if (used >= len)
			return;
	}
}

static void fmt_props(const struct iked_prop_list *l, char *buf, size_t len)
{
	size_t used = 0, i;

	if (!l->n_configured) {
		snprintf(buf, len, "default");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < l->n_configured && used < len; i++) {
		char p[512];

		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "",
					 iked_prop_format(&l->props[i], p, sizeof(p)));
	}
	if (l->strict && used < len)
		snprintf(buf + used, len - used, "!");
}

/* Field @key of @k as the corpus writes it; -1 for an unknown key. */
static int field(const struct iked_conf_conn *k, const char *key, char *buf,
		 size_t len)
{
	static const char *const autos[] = { "ignore", "add", "route", "start" };
	static const char *const dpd[] = { "none", "clear", "hold", "restart" };
	static const char *const encaps[] = { "auto", "yes", "no" };
	const struct { const char *name; uint32_t v; } nums[] = {
		{ "ikelifetime", k->ikelifetime }, { "lifetime", k->lifetime },
		{ "rekeymargin", k->rekeymargin }, { "rekeyfuzz", k->rekeyfuzz },
		{ "keyingtries", k->keyingtries }, { "dpddelay", k->dpddelay },
		{ "dpdtimeout", k->dpdtimeout },
	};
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (!strcmp(key, nums[i].name)) {
			snprintf(buf, len, "%u", nums[i].v);
			return 0;
		}
	}
	if (!strcmp(key, "left") || !strcmp(key, "right"))
		fmt_addr(key[0] == 'l' ? &k->left.addr : &k->right.addr, buf, len);
	else if (!strcmp(key, "leftid") || !strcmp(key, "rightid"))
		iked_conf_id_format(key[0] == 'l' ? &k->left.id : &k->right.id,
				    buf, len);
	else if (!strcmp(key, "leftsubnet") || !strcmp(key, "rightsubnet"))
		fmt_ts(key[0] == 'l' ? &k->left : &k->right, buf, len);
	else if (!strcmp(key, "ike") || !strcmp(key, "esp"))
		fmt_props(key[0] == 'i' ? &k->ike : &k->esp, buf, len);
	else if (!strcmp(key, "auto"))
		snprintf(buf, len, "%s", autos[k->autostart]);
	else if (!strcmp(key, "type"))
		snprintf(buf, len, "%s", k->mode == IKED_MODE_TUNNEL ? "tunnel" : "transport");
	else if (!strcmp(key, "rekey") || !strcmp(key, "reauth"))
		snprintf(buf, len, "%s", (key[2] == 'k' ? k->rekey : k->reauth) ? "yes" : "no");
	else if (!strcmp(key, "leftupdown") || !strcmp(key, "rightupdown"))
		snprintf(buf, len, "%s", (key[0] == 'l' ? k->left.updown :
					  k->right.updown) ?: "");
	else if (!strcmp(key, "dpdaction"))
		snprintf(buf, len, "%s", dpd[k->dpdaction]);
	else if (!strcmp(key, "encaps"))
		snprintf(buf, len, "%s", encaps[k->encaps]);
	else
		return -1;
	return 0;
}

/* A config that must load: returns the number of failed checks. */
static int check_good(struct __test_metadata *_metadata, const char *path,
		      int *checks)
{
	char err[IKED_CONF_ERRLEN], line[LINE_MAX_LEN], want[2 * LINE_MAX_LEN];
	const char *p;
	struct iked_conf *c;
	size_t len, n_warn = 0, i;
	char *text = slurp(path, &len);
	int bad = 0;

	if (!text)
		return 1;
	if (iked_conf_load(path, &c, err, sizeof(err))) {
		TH_LOG("%s: refused: %s", path, err);
		free(text);
		return 1;
	}
	for (p = text; (p = next_tagged(p, "#> ", line)); (*checks)++) {
		char got[2048], *key, *eq;
		const struct iked_conf_conn *k;

		if (!strncmp(line, "conns=", 6)) {
			if ((size_t)atoi(line + 6) != c->n_conns) {
				TH_LOG("%s: %zu conns, not %s", path, c->n_conns, line + 6);
				bad++;
			}
			continue;
		}
		key = strchr(line, ' ');
		eq = key ? strchr(key, '=') : NULL;
		if (!eq) {
			TH_LOG("%s: bad #> line \"%s\"", path, line);
			bad++;
			continue;
		}
		*key++ = '\0';
		*eq = '\0';
		k = iked_conf_find(c, line);
		if (!k || field(k, key, got, sizeof(got))) {
			TH_LOG("%s: no conn %s or no field %s", path, line, key);
			bad++;
		} else if (strcmp(got, eq + 1)) {
			TH_LOG("%s: conn %s: %s=%s, expected %s", path, line, key,
			       got, eq + 1);
			bad++;
		}
	}
	for (p = text; (p = next_tagged(p, "#~ ", line)); n_warn++) {
		with_path(line, path, want, sizeof(want));
		for (i = 0; i < c->n_warnings; i++)
			if (!strcmp(c->warnings[i], want))
				break;
		if (i == c->n_warnings) {
			TH_LOG("%s: no warning \"%s\"", path, want);
			bad++;
		}
		(*checks)++;
	}
	if (n_warn != c->n_warnings) {
		for (i = 0; i < c->n_warnings; i++)
			TH_LOG("%s: warning: %s", path, c->warnings[i]);
		bad++;
	}
	iked_conf_free(c);
	free(text);
	return bad;
}

static int check_bad(struct __test_metadata *_metadata, const char *path)
{
	char err[IKED_CONF_ERRLEN], line[LINE_MAX_LEN], want[2 * LINE_MAX_LEN];
	struct iked_conf *c = NULL;
	size_t len;
	char *text = slurp(path, &len);
	int ret, bad = 0;

	if (!text || !next_tagged(text, "#! ", line)) {
		TH_LOG("%s: no #! line", path);
		free(text);
		return 1;
	}
	with_path(line, path, want, sizeof(want));
	ret = iked_conf_load(path, &c, err, sizeof(err));
	if (ret != -EINVAL || c) {
		TH_LOG("%s: returned %d, not -EINVAL", path, ret);
		bad++;
	} else if (!msg_matches(want, err)) {
		TH_LOG("%s:\n  got  %s\n  want %s", path, err, want);
		bad++;
	}
	iked_conf_free(c);
	free(text);
	return bad;
}

static int psk_equal(const struct iked_secret *s, const char *key)
{
	return s && s->key_len == strlen(key) && !memcmp(s->key, key, s->key_len);
}

static int check_secrets(struct __test_metadata *_metadata, const char *path,
			 int *checks)
{
	char err[IKED_CONF_ERRLEN], line[LINE_MAX_LEN];
	struct iked_secrets *s;
	const char *p;
	size_t len;
	char *text = slurp(path, &len);
	int bad = 0;

	if (!text || iked_secrets_parse(path, text, len, &s, err, sizeof(err))) {
		TH_LOG("%s: refused: %s", path, text ? err : "unreadable");
		free(text);
		return 1;
	}
	for (p = text; (p = next_tagged(p, "#> lookup ", line)); (*checks)++) {
		char *remote = strchr(line, ' '), *key = strstr(line, " = ");
		struct iked_conf_id l, r;
		const struct iked_secret *got;

		if (!remote || !key || remote > key) {
			TH_LOG("%s: bad lookup line \"%s\"", path, line);
			bad++;
			continue;
		}
		*remote++ = '\0';
		*key = '\0';
		key += 3;
		if (iked_conf_id_parse(line, &l, err, sizeof(err)) ||
		    iked_conf_id_parse(remote, &r, err, sizeof(err))) {
			TH_LOG("%s: %s", path, err);
			bad++;
			continue;
		}
		got = iked_secrets_lookup(s, &l, &r);
		if (!psk_equal(got, key)) {
			TH_LOG("%s: %s %s: not the key \"%s\"", path, line, remote,
			       key);
			bad++;
		}
	}
	iked_secrets_free(s);
	free(text);
	return bad;
}

enum kind { GOOD, BAD, SECRETS };

/* Every file of @sub matching @pattern; each must pass and check something. */
static void run(struct __test_metadata *_metadata, const char *sub,
		const char *pattern, enum kind kind)
{
	char dir[512], pat[600];
	size_t i, ok = 0;
	int checks = 0;
	glob_t g;

	corpus_dir(dir, sizeof(dir), sub);
	snprintf(pat, sizeof(pat), "%s/%s", dir, pattern);
	ASSERT_EQ(0, glob(pat, 0, NULL, &g)) {
		TH_LOG("no corpus in %s", dir);
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		int before = checks, bad;

		if (kind == GOOD)
			bad = check_good(_metadata, path, &checks);
		else if (kind == BAD)
			bad = check_bad(_metadata, path), checks++;
		else
			bad = check_secrets(_metadata, path, &checks);
		EXPECT_EQ(0, bad) {
			TH_LOG("%s", path);
		}
		/* A file that states nothing would pass whatever happens. */
		EXPECT_LT(before, checks) {
			TH_LOG("%s: no checks", path);
		}
		ok += !bad;
	}
	printf("# corpus %s: %zu of %zu %s, %d checks\n", sub, ok, g.gl_pathc,
	       kind == BAD ? "refused as expected" : "load as expected", checks);
	EXPECT_EQ(g.gl_pathc, ok);
	globfree(&g);
}

TEST(strongswan_configs_load)
{
	run(_metadata, "strongswan", "*.conf", GOOD);
}

TEST(libreswan_configs_load)
{
	run(_metadata, "libreswan", "*.conf", GOOD);
}

TEST(bad_configs_refused_with_file_and_line)
{
	run(_metadata, "bad", "*.conf", BAD);
}

TEST(secrets_of_both_dialects)
{
	run(_metadata, "secrets", "*.secrets", SECRETS);
}

/* examples/: the README's tunnel in both dialects is one conn. */
TEST(examples_of_both_dialects_are_the_same_conn)
{
	static const char *const keys[] = {
		"left", "right", "leftid", "rightid", "leftsubnet",
		"rightsubnet", "auto", "type", "ike", "esp", "ikelifetime",
		"lifetime", "rekeymargin", "rekeyfuzz", "keyingtries", "rekey",
		"reauth", "dpddelay", "dpdtimeout", "dpdaction", "encaps",
	};
	char dir[512], path[600], err[IKED_CONF_ERRLEN];
	struct iked_conf *c[2];
	const char *const names[2] = { "strongswan", "libreswan" };
	size_t i, k;

	corpus_dir(dir, sizeof(dir), "../../../examples");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/ipsec.conf-%s", dir, names[i]);
		ASSERT_EQ(0, iked_conf_load(path, &c[i], err, sizeof(err))) {
			TH_LOG("%s", err);
		}
		ASSERT_EQ(1, c[i]->n_conns);
		/* One notice for the other daemon's config setup. */
		EXPECT_EQ(1, c[i]->n_warnings);
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char a[2048], b[2048];

		ASSERT_EQ(0, field(&c[0]->conns[0], keys[k], a, sizeof(a)));
		ASSERT_EQ(0, field(&c[1]->conns[0], keys[k], b, sizeof(b)));
		EXPECT_STREQ(a, b) {
			TH_LOG("%s", keys[k]);
		}
	}
	{
		char buf[2048];

		field(&c[0]->conns[0], "ike", buf, sizeof(buf));
		EXPECT_STREQ("aes256gcm16-prfsha256-ecp256!", buf);
		field(&c[0]->conns[0], "esp", buf, sizeof(buf));
		EXPECT_STREQ("aes256gcm16-ecp256-noesn!", buf);
		field(&c[0]->conns[0], "auto", buf, sizeof(buf));
		EXPECT_STREQ("route", buf);
	}
	iked_conf_free(c[0]);
	iked_conf_free(c[1]);
}

TEST_HARNESS_MAIN
