// SPDX-License-Identifier: GPL-2.0
/* Resolve each conn: also=, %default, defaults, checks across keywords. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "internal.h"
#include "../words.h"

#define ALSO_DEPTH	32

static long find_conn(const struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_s; i++)
		if (r->s[i].type == SECT_CONN && !strcmp(r->s[i].name, name))
			return (long)i;
	return -1;
}

/*
 * Fill @win[] with the entry that counts for each keyword: the first one
 * found wins, and sections are visited in strongSwan's order of
 * precedence: the conn itself, then its also= from the last to the
 * first, each with its own also= in turn. @path holds the chain from the
 * conn being resolved down to @si, to name a loop.
 */
static int fill(struct reader *r, size_t si, const struct entry **win,
		size_t *path, size_t depth)
{
	const struct sect *s = &r->s[si];
	size_t i, k;

	path[depth] = si;
	for (i = 0; i < s->n; i++)
		if (s->e[i].kw->id != KW_ALSO && !win[s->e[i].kw->id])
			win[s->e[i].kw->id] = &s->e[i];
	for (i = s->n; i-- > 0; ) {
		const struct entry *e = &s->e[i];
		long t;

		if (e->kw->id != KW_ALSO)
			continue;
		t = find_conn(r, e->value);
		if (t < 0)
			return conf_fail(r, e->file, e->line, "also: there is no conn %s",
					 e->value);
		for (k = 0; k <= depth; k++) {
			if (path[k] == (size_t)t) {
				char chain[IKED_CONF_ERRLEN];
				size_t used = 0, j;

				chain[0] = '\0';
				for (j = k; j <= depth; j++)
					iked_addf(chain, sizeof(chain), &used, "%s -> ",
					     r->s[path[j]].name);
				iked_addf(chain, sizeof(chain), &used, "%s",
				     r->s[t].name);
				return conf_fail(r, e->file, e->line, "also: conn %s includes itself: %s",
						 r->s[t].name, chain);
			}
		}
		if (depth + 1 >= ALSO_DEPTH)
			return conf_fail(r, e->file, e->line, "also: nested more than %d deep",
					 ALSO_DEPTH);
		if (fill(r, (size_t)t, win, path, depth + 1))
			return -EINVAL;
	}
	return 0;
}

static int conn_fail(struct reader *r, const struct iked_conf_conn *c,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int conn_fail(struct reader *r, const struct iked_conf_conn *c,
		     const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	iked_addf(r->err, r->errlen, &used, "%s:%u: conn %s: ", c->file, c->line,
	     c->name);
	va_start(ap, fmt);
	if (used < r->errlen)
		vsnprintf(r->err + used, r->errlen - used, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void default_id(struct iked_conf_end *e)
{
	if (e->id_set)
		return;
	memset(&e->id, 0, sizeof(e->id));
	if (e->addr.family == AF_INET) {
		e->id.type = IKED_ID_IPV4_ADDR;
		e->id.len = 4;
	} else if (e->addr.family == AF_INET6) {
		e->id.type = IKED_ID_IPV6_ADDR;
		e->id.len = 16;
	}
	memcpy(e->id.data, e->addr.bytes, e->id.len);
}

/*
 * Without leftsubnet= the side protects its own address; protoport applies
 * to every selector written without its own [proto/port].
 */
static int finish_ts(struct build *b, int side)
{
	struct iked_conf_end *e = side ? &b->c.right : &b->c.left;
	size_t i;

	if (!e->n_ts) {
		e->ts = calloc(1, sizeof(*e->ts));
		b->own_pp[side] = calloc(1, 1);
		if (!e->ts || !b->own_pp[side])
			return -ENOMEM;
		e->n_ts = 1;
		e->ts[0].dynamic = 1;
		e->ts[0].ports.max = 65535;
	}
	for (i = 0; i < e->n_ts; i++) {
		struct iked_conf_ts *ts = &e->ts[i];

		if (ts->dynamic && e->addr.family) {
			ts->dynamic = 0;
			ts->net.addr = e->addr;
			ts->net.plen = (uint8_t)(kesp_addr_len(e->addr.family) * 8);
		}
		if (!b->own_pp[side][i] && b->pp[side].set) {
			ts->proto = b->pp[side].proto;
			ts->ports = b->pp[side].ports;
		}
	}
	return 0;
}

static int check_margin(struct reader *r, const struct iked_conf_conn *c,
			const char *what, uint32_t life)
{
	uint64_t most = c->rekeymargin +
		(uint64_t)c->rekeymargin * c->rekeyfuzz / 100;

	if (c->rekeymargin >= life)
		return conn_fail(r, c, "rekeymargin (%us) is not shorter than %s (%us): the SA would expire before it is rekeyed",
				 c->rekeymargin, what, life);
	if (most >= life)
		return conf_warn(r, c->file, c->line, "conn %s: rekeymargin %us plus rekeyfuzz %u%% may reach %s %us: the SA may expire before it is rekeyed",
				 c->name, c->rekeymargin, c->rekeyfuzz, what, life);
	return 0;
}

/*
 * left=NAME or right=NAME: resolved once, now, as strongSwan and Libreswan
 * do when they load a conn, in the family of the other side when that is
 * an address. A name that does not resolve refuses the file, with the
 * line: kesp-iked will not guess at a peer's address.
 */
static int resolve_name(struct reader *r, struct build *b,
			const struct entry **win, int side)
{
	struct iked_conf_end *e = side ? &b->c.right : &b->c.left;
	const struct iked_conf_end *o = side ? &b->c.left : &b->c.right;
	const struct entry *w = win[side ? KW_RIGHT : KW_LEFT];
	const char *name = b->host_name[side];
	struct addrinfo hints, *res = NULL;
	int ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->addr.family ? o->addr.family : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	ret = getaddrinfo(name, NULL, &hints, &res);
	if (ret) {
		conf_fail(r, w->file, w->line, "%s: cannot resolve \"%s\"%s%s%s: %s; give an IP address, or fix the name (kesp-iked resolves it when it reads this file)",
			  w->kw->name, name, o->addr.family ? " as an " : "",
			  o->addr.family ? kesp_family_label(o->addr.family) : "",
			  o->addr.family ? " address" : "",
			  ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		return -EINVAL;
	}
	memset(&e->addr, 0, sizeof(e->addr));
	if (res->ai_family == AF_INET) {
		e->addr.family = AF_INET;
		memcpy(e->addr.bytes,
		       &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	} else {
		e->addr.family = AF_INET6;
		memcpy(e->addr.bytes,
		       &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	}
	freeaddrinfo(res);
	return 0;
}

/* Libreswan's pfs=no: CHILD SAs without a DH exchange of their own. */
static void drop_pfs(struct iked_prop_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		l->props[i].n_dh = 0;
}

/* What no single line can say: checks across keywords and sides. */
static int resolve_auth(struct reader *r, struct build *b);

static int finish(struct reader *r, struct build *b,
		  const struct entry **win)
{
	struct iked_conf_conn *c = &b->c;
	char fa[16], fb[16];
	int side;

	for (side = 0; side < 2; side++)
		if (b->host_name[side] && resolve_name(r, b, win, side))
			return -EINVAL;
	if (b->no_pfs)
		drop_pfs(&c->esp);
	if (c->left.addr.family && c->right.addr.family &&
	    c->left.addr.family != c->right.addr.family) {
		snprintf(fa, sizeof(fa), "%s", kesp_family_label(c->left.addr.family));
		snprintf(fb, sizeof(fb), "%s", kesp_family_label(c->right.addr.family));
		return conn_fail(r, c, "left is %s and right is %s: both ends of the IKE SA must be of one family",
				 fa, fb);
	}
	if ((c->autostart == IKED_AUTO_START ||
	     c->autostart == IKED_AUTO_ROUTE) &&
	    !c->left.addr.family && !c->right.addr.family)
		return conn_fail(r, c, "auto=%s needs the peer's address, but left and right are both %%any",
				 c->autostart == IKED_AUTO_START ? "start" : "route");
	if (resolve_auth(r, b) || conf_check_ikev1(r, c, win))
		return -EINVAL;
	/* Without rekeying the margin means nothing. */
	if (c->rekey && (check_margin(r, c, "lifetime", c->lifetime) ||
			 check_margin(r, c, "ikelifetime", c->ikelifetime)))
		return -EINVAL;
	for (side = 0; side < 2; side++) {
		if (finish_ts(b, side)) {
			snprintf(r->err, r->errlen, "out of memory");
			return -ENOMEM;
		}
	}
	default_id(&c->left);
	default_id(&c->right);
	return 0;
}

/*
 * Each end's authentication: its leftauth=, else authby=, else
 * strongSwan's default, certificates. An end that proves itself with a
 * certificate needs one of its own, unless it is the peer's; with
 * neither end having one, no end could.
 */
static int resolve_auth(struct reader *r, struct build *b)
{
	struct iked_conf_conn *c = &b->c;
	struct iked_conf_end *e[2] = { &c->left, &c->right };
	int side;

	for (side = 0; side < 2; side++) {
		e[side]->auth = b->auth_set[side] ? b->c_auth[side] :
				b->authby_set ? b->authby :
						IKED_CONF_AUTH_PUBKEY;
		if (b->ca_same[side])
			e[side]->ca = e[!side]->ca;
	}
	if (c->left.auth == IKED_CONF_AUTH_PUBKEY && !c->left.cert &&
	    c->right.auth == IKED_CONF_AUTH_PUBKEY && !c->right.cert)
		return conn_fail(r, c, "certificate authentication (%s) without a certificate: give ours with leftcert=FILE (in ipsec.d/certs/), or use pre-shared keys with authby=secret",
				 b->authby_set || b->auth_set[0] ?
				 "authby=pubkey" :
				 "strongSwan's default, authby=pubkey");
	return 0;
}

/* strictcrlpolicy=: the one config setup keyword kesp-iked applies. */
static int setup_strictcrl(struct reader *r, const struct entry *e)
{
	static const char *const words[] = { "no", "yes", "ifuri" };
	char why[256];
	int idx = 0;

	if (*e->value && conf_pick(e->value, words, 3, &idx, why, sizeof(why)))
		return conf_fail(r, e->file, e->line, "strictcrlpolicy: %s", why);
	r->conf->strictcrlpolicy = idx == 1;
	r->conf->strictcrlpolicy_ifuri = idx == 2;
	return 0;
}

int conf_setup_notice(struct reader *r)
{
	char names[IKED_CONF_ERRLEN];
	const struct sect *s;
	size_t used = 0, i, n = 0;

	if (r->setup < 0 || !r->s[r->setup].n)
		return 0;
	s = &r->s[r->setup];
	names[0] = '\0';
	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->e[i].kw->name, "strictcrlpolicy")) {
			int ret = setup_strictcrl(r, &s->e[i]);

			if (ret)
				return ret;
			continue;
		}
		iked_addf(names, sizeof(names), &used, "%s%s", n++ ? ", " : "",
			  s->e[i].kw->name);
	}
	if (!n)
		return 0;
	return conf_warn(r, s->file, s->line, "config setup: ignored, as they tune only strongSwan's or Libreswan's own daemon (kesp-iked has its own options): %s",
			 names);
}

static int warn_weak(struct reader *r, const struct entry *e,
		     const struct iked_prop_list *l)
{
	char names[256];
	size_t n = iked_prop_weak(l, names, sizeof(names));

	if (!n)
		return 0;
	return conf_warn(r, e->file, e->line, "%s: %s %s weak; kesp-iked uses %s only because %s configured here",
			 e->kw->name, names, n > 1 ? "are" : "is",
			 n > 1 ? "them" : "it", n > 1 ? "they are" : "it is");
}

int conf_resolve(struct reader *r, size_t si)
{
	const struct entry *win[KW_COUNT] = { NULL };
	size_t path[ALSO_DEPTH];
	struct iked_conf_conn *nc;
	struct build b;
	int id, ret;

	if (fill(r, si, win, path, 0))
		return -EINVAL;
	if (r->dflt >= 0) {
		const struct sect *d = &r->s[r->dflt];
		size_t i;

		for (i = 0; i < d->n; i++)
			if (!win[d->e[i].kw->id])
				win[d->e[i].kw->id] = &d->e[i];
	}
	/* auto=ignore: as if the conn were not there, like strongSwan. */
	if (!win[KW_AUTO] || !*win[KW_AUTO]->value ||
	    !strcmp(win[KW_AUTO]->value, "ignore"))
		return 0;

	memset(&b, 0, sizeof(b));
	b.c.file = r->s[si].file;
	b.c.line = r->s[si].line;
	b.c.name = strdup(r->s[si].name);
	if (!b.c.name)
		goto oom;
	for (id = KW_ALSO + 1; id < KW_UNSUPPORTED; id++) {
		const struct entry *e = win[id];
		const struct kw *kw = e ? e->kw : conf_kw_default_row((enum kw_id)id);
		const char *v = e && *e->value ? e->value : kw->dflt;
		char why[IKED_CONF_ERRLEN];

		if (!v || !kw->set)
			continue;
		ret = kw->set(&b, kw, v, why, sizeof(why));
		if (ret) {
			/*
			 * Defaults always parse; values were checked as they
			 * were read. Only memory can fail here.
			 */
			if (e)
				conf_fail(r, e->file, e->line, "%s: %s", kw->name, why);
			else
				conn_fail(r, &b.c, "%s: %s", kw->name, why);
			goto out;
		}
		if (e && *e->value && (id == KW_IKE || id == KW_ESP) &&
		    warn_weak(r, e, id == KW_IKE ? &b.c.ike : &b.c.esp))
			goto oom;
	}
	ret = finish(r, &b, win);
	if (ret)
		goto out;
	nc = realloc(r->conf->conns, (r->conf->n_conns + 1) * sizeof(*nc));
	if (!nc)
		goto oom;
	r->conf->conns = nc;
	free(b.own_pp[0]);
	free(b.own_pp[1]);
	free(b.host_name[0]);
	free(b.host_name[1]);
	r->conf->conns[r->conf->n_conns++] = b.c;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	ret = -ENOMEM;
out:
	conf_build_free(&b);
	return ret;
}
