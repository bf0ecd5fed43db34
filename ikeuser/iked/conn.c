// SPDX-License-Identifier: GPL-2.0
/* Configured connections at run time: which end is ours, traps, shared policies, failures. */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "conn_retired.h"
#include "escape.h"
#include "kernel.h"
#include "log.h"
#include "peerlog.h"
#include "proto.h"
#include "sa/control.h"
#include "sa/ts.h"

struct iked_conn *iked_conn_of(struct iked *d,
			       const struct iked_conf_conn *cfg)
{
	uintptr_t p = (uintptr_t)cfg, lo = (uintptr_t)d->conf->conns;

	/* An IKE SA of a conn a reload replaced, still deleting. */
	if (p < lo || p >= lo + d->conf->n_conns * sizeof(*cfg))
		return iked_retired_conn_of(d, cfg);
	return &d->conns[cfg - d->conf->conns];
}

struct iked_conn *iked_conn_by_name(struct iked *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++)
		if (!strcmp(d->conns[i].cfg->name, name))
			return &d->conns[i];
	return NULL;
}

struct iked_conn *iked_conn_by_reqid(struct iked *d, uint32_t reqid)
{
	size_t i;

	/* Not an index: a reload keeps the reqids of the conns it keeps. */
	if ((reqid & IKED_REQID_MASK) != IKED_REQID_BASE)
		return NULL;
	for (i = 0; i < d->n_conns; i++)
		if (d->conns[i].reqid == reqid)
			return &d->conns[i];
	return NULL;
}

uint32_t iked_conn_new_reqid(struct iked *d)
{
	uint32_t r;

	/* Never one still in use; a wrap after 65535 new conns reuses. */
	do {
		d->next_reqid = (d->next_reqid % 0xffffu) + 1;
		r = IKED_REQID_BASE + d->next_reqid;
	} while (iked_conn_by_reqid(d, r));
	return r;
}

static void conn_vfail(struct iked *d, const struct iked_conf_conn *cfg,
		       unsigned int no, const struct kesp_addr *peer,
		       const char *fmt, va_list ap)
{
	struct iked_conn *c = cfg ? iked_conn_of(d, cfg) : NULL;
	char *raw = NULL, *msg;
	size_t cap;
	int n;

	n = vasprintf(&raw, fmt, ap);
	if (n < 0) {
		iked_log(IKED_LOG_ERR, cfg ? cfg->name : NULL, no,
			 "a failure, and no memory to say which");
		return;
	}
	/*
	 * ike list, diagnose and `ike up` show it: printable, one line,
	 * and whole, however long: the hint is at its end.
	 */
	cap = 4 * (size_t)n + 1;
	msg = malloc(cap);
	if (msg)
		iked_escape(msg, cap, raw, (size_t)n, IKED_ESC_TEXT);
	if (peer)
		iked_log_peer(d, peer, IKED_LOG_ERR, cfg ? cfg->name : NULL,
			      no, "%s", msg ? msg : raw);
	else
		iked_log(IKED_LOG_ERR, cfg ? cfg->name : NULL, no, "%s",
			 msg ? msg : raw);
	free(raw);
	if (c && msg) {
		free(c->last_error);
		c->last_error = msg;
		c->last_error_at = iked_now();
	} else {
		free(msg);
	}
}

void iked_conn_fail(struct iked *d, const struct iked_conf_conn *cfg,
		    unsigned int no, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vfail(d, cfg, no, NULL, fmt, ap);
	va_end(ap);
}

void iked_conn_fail_peer(struct iked *d, const struct iked_conf_conn *cfg,
			 unsigned int no, const struct kesp_addr *peer,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vfail(d, cfg, no, peer, fmt, ap);
	va_end(ap);
}

const char *iked_conn_last_error(const struct iked_conn *c)
{
	return c && c->last_error ? c->last_error : "";
}

int iked_conn_policy_get(struct iked *d, struct iked_conn *c,
			 const struct kesp_policy *p, uint32_t *id)
{
	struct conn_policy *v;
	size_t i;
	int r;

	for (i = 0; i < c->n_pols; i++) {
		if (!memcmp(&c->pols[i].pol, p, sizeof(*p))) {
			c->pols[i].refs++;
			*id = c->pols[i].id;
			return 0;
		}
	}
	v = realloc(c->pols, (c->n_pols + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->pols = v;
	r = iked_kernel_policy_add(d->kern, p, id);
	if (r)
		return r;
	v[c->n_pols].pol = *p;
	v[c->n_pols].id = *id;
	v[c->n_pols].refs = 1;
	c->n_pols++;
	return 0;
}

void iked_conn_policy_put(struct iked *d, struct iked_conn *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < c->n_pols; i++) {
		if (c->pols[i].id != id)
			continue;
		if (--c->pols[i].refs)
			return;
		iked_kernel_policy_del(d->kern, id);
		c->pols[i] = c->pols[--c->n_pols];
		return;
	}
}

int iked_conn_protect(struct iked *d, struct iked_conn *c,
		      const struct kesp_sel *sels, size_t n_sel, uint8_t mode,
		      const struct kesp_addr *local,
		      const struct kesp_addr *remote, uint32_t priority,
		      uint32_t *ids, size_t *n)
{
	static const uint8_t dirs[] = { KESP_DIR_OUT, KESP_DIR_IN,
					KESP_DIR_FWD };
	struct kesp_policy p;
	size_t i, j;
	int r;

	for (i = 0; i < n_sel; i++) {
		for (j = 0; j < sizeof(dirs); j++) {
			bool out = dirs[j] == KESP_DIR_OUT;

			/* A transport SA carries nothing to forward. */
			if (mode == KESP_MODE_TRANSPORT &&
			    dirs[j] == KESP_DIR_FWD)
				continue;
			memset(&p, 0, sizeof(p));
			p.present = KESP_BIT(KESP_POL_A_DIR) |
				    KESP_BIT(KESP_POL_A_SEL) |
				    KESP_BIT(KESP_POL_A_ACTION) |
				    KESP_BIT(KESP_POL_A_PRIORITY) |
				    KESP_BIT(KESP_POL_A_TMPL);
			p.dir = dirs[j];
			p.sel = sels[i];
			if (!out)
				iked_sel_reverse(&p.sel);
			p.action = KESP_ACTION_PROTECT;
			p.priority = priority;
			p.tmpl.present = KESP_BIT(KESP_TMPL_A_MODE) |
					 KESP_BIT(KESP_TMPL_A_FAMILY) |
					 KESP_BIT(KESP_TMPL_A_SRC) |
					 KESP_BIT(KESP_TMPL_A_DST) |
					 KESP_BIT(KESP_TMPL_A_REQID);
			p.tmpl.mode = mode;
			p.tmpl.family = local->family;
			p.tmpl.src = out ? *local : *remote;
			p.tmpl.dst = out ? *remote : *local;
			p.tmpl.reqid = c->reqid;
			if (*n >= IKED_MAX_POLICIES)
				return -E2BIG;
			r = iked_conn_policy_get(d, c, &p, &ids[*n]);
			if (r)
				return r;
			(*n)++;
		}
	}
	return 0;
}

static bool addr_fits(const struct kesp_addr *conf, const struct kesp_addr *a)
{
	return conf->family == AF_UNSPEC ||
	       (conf->family == a->family &&
		!memcmp(conf->bytes, a->bytes, kesp_addr_len(a->family)));
}

/* @c's runtime for @cfg: its version, which end is ours. */
static int conn_setup(struct iked_conn *c, const struct iked_conf_conn *cfg,
		      char *err, size_t errlen)
{
	c->cfg = cfg;
	c->ike_version = cfg->ike_version ? cfg->ike_version :
			 IKED_IKE_VERSION_DEFAULT;
	if (!iked_proto_of(c)) {
		snprintf(err, errlen, "conn %s: no module speaks IKE version %u",
			 cfg->name, c->ike_version);
		return -EPROTONOSUPPORT;
	}
	/* As strongSwan: the side with an address of ours, else left. */
	if (cfg->right.addr.family != AF_UNSPEC &&
	    iked_net_is_local(&cfg->right.addr) &&
	    !(cfg->left.addr.family != AF_UNSPEC &&
	      iked_net_is_local(&cfg->left.addr))) {
		c->local = &cfg->right;
		c->remote = &cfg->left;
	} else {
		c->local = &cfg->left;
		c->remote = &cfg->right;
	}
	/* A pinned certificate is one: a list would pin none of them. */
	if (c->remote->cert && strchr(c->remote->cert, ',')) {
		snprintf(err, errlen, "%s:%u: conn %s: %s=%s: the peer's certificate is pinned to one; a list is for our own end",
			 cfg->file, cfg->line, cfg->name,
			 c->remote == &cfg->right ? "rightcert" : "leftcert",
			 c->remote->cert);
		return -EINVAL;
	}
	return 0;
}

/* The troubleshooting guides' "flapping" tunnels start so. */
void iked_conn_warn(const struct iked_conf_conn *cfg)
{
	if (cfg->rekey && cfg->ikelifetime == cfg->lifetime)
		iked_log(IKED_LOG_WARN, cfg->name, 0,
			 "%s:%u: ikelifetime equals lifetime (%us): IKE and CHILD SA rekeys come due together, which some peers handle badly; make ikelifetime longer (strongSwan: 3h and 1h)",
			 cfg->file, cfg->line, cfg->lifetime);
}

int iked_conns_build(const struct iked_conf *conf, struct iked_conn **out,
		     char *err, size_t errlen)
{
	struct iked_conn *v;
	size_t i;
	int r;

	v = calloc(conf->n_conns ? conf->n_conns : 1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < conf->n_conns; i++) {
		r = conn_setup(&v[i], &conf->conns[i], err, errlen);
		if (r) {
			free(v);
			return r;
		}
	}
	*out = v;
	return 0;
}

int iked_conns_init(struct iked *d, char *err, size_t errlen)
{
	size_t i;
	int r;

	r = iked_conns_build(d->conf, &d->conns, err, errlen);
	if (r)
		return r;
	d->n_conns = d->conf->n_conns;
	for (i = 0; i < d->n_conns; i++) {
		d->conns[i].reqid = iked_conn_new_reqid(d);
		iked_conn_warn(d->conns[i].cfg);
	}
	return 0;
}

const struct iked_conf_conn *conn_for_version(struct iked *d,
					      const struct iked_path *path,
					      uint8_t version)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++) {
		struct iked_conn *c = &d->conns[i];

		if ((!version || c->ike_version == version) &&
		    addr_fits(&c->local->addr, &path->local) &&
		    addr_fits(&c->remote->addr, &path->remote))
			return c->cfg;
	}
	return NULL;
}

const struct iked_conf_conn *conn_for_init(struct iked *d,
					   const struct iked_path *path)
{
	/* An IKEv2 conn first; an IKEv1 one names whom the peer is for. */
	const struct iked_conf_conn *c = conn_for_version(d, path, 2);

	return c ? c : conn_for_version(d, path, 0);
}

/* Whether @c's subnets narrow the peer's proposed @tsi and @tsr. */
static bool ts_fit(const struct iked_conn *c, const struct iked_path *path,
		   const struct iked_ts_list *tsi,
		   const struct iked_ts_list *tsr)
{
	struct iked_ts_list ours_i, ours_r, out;

	return !iked_ts_from_conf(&ours_i, c->remote->ts, c->remote->n_ts,
				  &path->remote) &&
	       !iked_ts_from_conf(&ours_r, c->local->ts, c->local->n_ts,
				  &path->local) &&
	       !iked_ts_narrow(tsi, &ours_i, &out) &&
	       !iked_ts_narrow(tsr, &ours_r, &out);
}

const struct iked_conf_conn *conn_for_auth(struct iked *d,
					   const struct iked_path *path,
					   const struct iked_conf_id *peer,
					   const struct iked_conf_id *us,
					   const struct iked_ts_list *tsi,
					   const struct iked_ts_list *tsr)
{
	const struct iked_conf_conn *best = NULL;
	int best_score = -1, score;
	size_t i;

	for (i = 0; i < d->n_conns; i++) {
		struct iked_conn *c = &d->conns[i];

		if (c->ike_version != 2 ||
		    !addr_fits(&c->local->addr, &path->local) ||
		    !addr_fits(&c->remote->addr, &path->remote) ||
		    !iked_conf_id_match(&c->remote->id, peer))
			continue;
		/* IDr is a hint (3.5): a conn with another leftid still may do. */
		score = !us || iked_conf_id_match(&c->local->id, us);
		/*
		 * Conns that differ only in their subnets (one per subnet
		 * pair, as ipsec.conf files often have them): the one that
		 * can take the CHILD SA, as strongSwan chooses too.
		 */
		if (tsi && tsr && ts_fit(c, path, tsi, tsr))
			score += 2;
		if (score > best_score) {
			best = c->cfg;
			best_score = score;
		}
	}
	return best;
}

/* auto=route: OUT, IN and FWD PROTECT policies that ask for the tunnel. */
static int install_traps(struct iked *d, struct iked_conn *c)
{
	const struct iked_conf_conn *cfg = c->cfg;
	struct iked_ts_list l, r;
	struct kesp_sel sels[IKED_MAX_SELS];
	struct kesp_addr local = c->local->addr;
	size_t n;
	char buf[320];
	int err;

	if (c->remote->addr.family == AF_UNSPEC) {
		iked_log(IKED_LOG_WARN, cfg->name, 0,
			 "auto=route needs right= to be an address, not %%any: the conn only answers");
		return -EDESTADDRREQ;
	}
	if (local.family == AF_UNSPEC &&
	    iked_net_source(&c->remote->addr, &local)) {
		iked_log(IKED_LOG_WARN, cfg->name, 0,
			 "no route to the peer: cannot install the on-demand policies");
		return -ENETUNREACH;
	}
	err = iked_ts_from_conf(&l, c->local->ts, c->local->n_ts, &local);
	if (!err)
		err = iked_ts_from_conf(&r, c->remote->ts, c->remote->n_ts,
					 &c->remote->addr);
	if (!err)
		err = iked_ts_to_sels(&l, &r, sels, IKED_MAX_SELS, &n);
	if (err)
		return err;
	err = iked_conn_protect(d, c, sels, n,
				cfg->mode == IKED_MODE_TRANSPORT ?
				KESP_MODE_TRANSPORT : KESP_MODE_TUNNEL,
				&local, &c->remote->addr, IKED_PRIO_TRAP,
				c->trap, &c->n_trap);
	if (err) {
		iked_log(IKED_LOG_ERR, cfg->name, 0,
			 "cannot install the on-demand policies: %s",
			 iked_kernel_strerror(d->kern, buf, sizeof(buf)));
		return err;
	}
	iked_log(IKED_LOG_INFO, cfg->name, 0,
		 "routed: %s === %s is negotiated on the first packet",
		 iked_ts_format(&l, buf, sizeof(buf)),
		 iked_ts_format(&r, (char[320]){ 0 }, 320));
	return 0;
}

static int stale_sa(const struct kesp_sa *sa, void *arg)
{
	struct iked *d = arg;

	if ((sa->reqid & IKED_REQID_MASK) != IKED_REQID_BASE)
		return 0;
	d->stale_sas++;
	iked_kernel_sa_del(d->kern, sa->dir, &sa->dst, sa->spi);
	return 0;
}

static int stale_policy(const struct kesp_policy *p, void *arg)
{
	struct iked *d = arg;

	if (p->action != KESP_ACTION_PROTECT ||
	    (p->tmpl.reqid & IKED_REQID_MASK) != IKED_REQID_BASE)
		return 0;
	d->stale_policies++;
	iked_kernel_policy_del(d->kern, p->id);
	return 0;
}

void iked_conns_cleanup(struct iked *d)
{
	d->stale_sas = d->stale_policies = 0;
	iked_kernel_policy_dump(d->kern, stale_policy, d);
	iked_kernel_sa_dump(d->kern, stale_sa, d);
	if (d->stale_sas || d->stale_policies)
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "removed %u SAs and %u policies left by a kesp-iked that did not stop cleanly; tunnels are negotiated afresh",
			 d->stale_sas, d->stale_policies);
}

int iked_conn_route(struct iked *d, struct iked_conn *c)
{
	/* Removed or changed by a reload: nothing would remove its traps. */
	if (c->retired)
		return -ESHUTDOWN;
	return c->n_trap ? 0 : install_traps(d, c);
}

void iked_conns_start(struct iked *d)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++) {
		struct iked_conn *c = &d->conns[i];
		struct ike_sa *sa;

		if (c->cfg->autostart == IKED_AUTO_ROUTE)
			iked_conn_route(d, c);
		else if (c->cfg->autostart == IKED_AUTO_START)
			iked_initiate(d, c, &sa);
	}
}

void iked_conn_release(struct iked *d, struct iked_conn *c)
{
	size_t j;

	for (j = 0; j < c->n_trap; j++)
		iked_conn_policy_put(d, c, c->trap[j]);
	c->n_trap = 0;
	/* Whatever CHILD SAs left behind (there should be nothing). */
	for (j = 0; j < c->n_pols; j++)
		iked_kernel_policy_del(d->kern, c->pols[j].id);
	free(c->pols);
	c->pols = NULL;
	c->n_pols = 0;
	free(c->last_error);
	c->last_error = NULL;
}

void iked_conns_fini(struct iked *d)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++)
		iked_conn_release(d, &d->conns[i]);
	free(d->conns);
	d->conns = NULL;
}
