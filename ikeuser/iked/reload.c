// SPDX-License-Identifier: GPL-2.0
/* Reading ipsec.conf, ipsec.secrets and ipsec.d again while running: refuse a bad file whole, else replace only the conns that changed, and the credentials. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reload.h"
#include "sdnotify.h"
#include "conn.h"
#include "conn_retired.h"
#include "log.h"
#include "sa/control.h"
#include "sa/ike_sa.h"
#include "crypto/auth/creds.h"
#include "crypto/auth/crl_fetch.h"

/* What was read, not yet in use. */
struct reload_new {
	struct iked_conf *conf;
	struct iked_secrets *secrets;
	struct iked_conn *conns;	/* one per conf->conns[] */
	/* Per new conn: the old conn it keeps running, or NULL. */
	struct iked_conn **kept;
	/*
	 * ipsec.d read again: CAs, certificates, keys, CRLs. Whatever
	 * needs them looks them up in d->creds when it needs them, so the
	 * old ones can go once this is in place.
	 */
	struct iked_creds *creds;
	char creds_summary[256];	/* "credentials: 2 CA certificates, ..." */
};

static void new_free(struct reload_new *n)
{
	free(n->conns);
	free(n->kept);
	iked_conf_free(n->conf);
	iked_secrets_free(n->secrets);
	iked_creds_free(n->creds);
}

/* Everything read and checked, nothing running touched: 0 or -errno. */
static int read_all(struct iked *d, struct reload_new *n, char *err,
		    size_t errlen)
{
	int r;

	memset(n, 0, sizeof(*n));
	r = iked_conf_load(d->conf_path, &n->conf, err, errlen);
	if (!r)
		r = iked_secrets_load(d->secrets_path, &n->secrets, err,
				      errlen);
	if (!r)
		r = iked_conns_build(n->conf, &n->conns, err, errlen);
	if (!r) {
		n->kept = calloc(n->conf->n_conns ? n->conf->n_conns : 1,
				 sizeof(*n->kept));
		if (!n->kept) {
			snprintf(err, errlen, "out of memory");
			r = -ENOMEM;
		}
	}
	/*
	 * Before the conns are compared: an end with a certificate and no
	 * leftid= gets its subject here. A bad certificate or key refuses
	 * the reload; a refused CRL is a line in the log.
	 */
	if (!r) {
		char dir[4096];

		iked_creds_dir_of(d->conf_path, dir, sizeof(dir));
		r = iked_creds_load(dir, n->conf, n->secrets, &n->creds, err,
				    errlen);
	}
	return r;
}

/* The key @old and @new find for @local and @remote is the same one. */
static bool psk_same(const struct iked_secrets *old,
		     const struct iked_secrets *new,
		     const struct iked_conf_id *local,
		     const struct iked_conf_id *remote)
{
	const struct iked_secret *a = old ?
		iked_secrets_lookup(old, local, remote) : NULL;
	const struct iked_secret *b = iked_secrets_lookup(new, local, remote);

	if (!a || !b)
		return a == b;
	return a->key_len == b->key_len &&
	       !memcmp(a->key, b->key, a->key_len);
}

static const struct iked_conf_id *id_or_any(const struct iked_conf_id *id)
{
	return id->type == IKED_ID_ANY ? NULL : id;
}

/*
 * @nc (new) means what @oc (running) means: same settings, same end
 * ours, and the same PSK for its configured identities and for those
 * its IKE SAs authenticated with.
 */
static bool conn_same(struct iked *d, const struct iked_conn *oc,
		      const struct iked_conn *nc,
		      const struct iked_secrets *secrets)
{
	struct iked_conf_id us;
	struct ike_sa *sa;

	if (!iked_conf_conn_same(oc->cfg, nc->cfg) ||
	    (oc->local == &oc->cfg->left) != (nc->local == &nc->cfg->left) ||
	    !psk_same(d->secrets, secrets, id_or_any(&nc->local->id),
		      id_or_any(&nc->remote->id)))
		return false;
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != oc->cfg || sa->state == IKE_DEAD ||
		    sa->peer_id.type == IKED_ID_ANY)
			continue;
		ike_sa_local_id(sa, &us);
		if (!psk_same(d->secrets, secrets, &us, &sa->peer_id))
			return false;
	}
	return true;
}

/* Match conns by name: which new ones keep an old one, the counts. */
static void classify(struct iked *d, struct reload_new *n,
		     struct iked_reload_counts *k)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < n->conf->n_conns; i++) {
		struct iked_conn *oc =
			iked_conn_by_name(d, n->conf->conns[i].name);

		if (!oc) {
			k->added++;
		} else if (conn_same(d, oc, &n->conns[i], n->secrets)) {
			n->kept[i] = oc;
			k->unchanged++;
		} else {
			k->changed++;
		}
	}
	for (i = 0; i < d->n_conns; i++)
		if (!iked_conf_find(n->conf, d->conns[i].cfg->name))
			k->removed++;
}

static bool is_kept(const struct reload_new *n, const struct iked_conn *oc)
{
	size_t i;

	for (i = 0; i < n->conf->n_conns; i++)
		if (n->kept[i] == oc)
			return true;
	return false;
}

/* Take down every running conn that is removed or changed. */
static void take_down(struct iked *d, const struct reload_new *n)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++) {
		struct iked_conn *oc = &d->conns[i];
		bool gone = !iked_conf_find(n->conf, oc->cfg->name);
		unsigned int sas;

		if (is_kept(n, oc))
			continue;
		sas = iked_conn_drop(d, oc, gone ? "its conn was removed by a reload" :
				     "its conn was changed by a reload");
		iked_log(IKED_LOG_INFO, oc->cfg->name, 0,
			 "reload: %s; %u IKE SA%s deleted", gone ?
			 "removed" : "changed, replaced by the new settings",
			 sas, sas == 1 ? "" : "s");
		iked_conn_release(d, oc);
	}
	/*
	 * The dead SAs go now; the deleting ones keep the old conf alive
	 * (swap_in) until the peer answers or they give up.
	 */
	ike_sa_reap(d);
}

/*
 * A kept conn's runtime (policies, traps, reqid, failures) moves to its
 * new conf, and its SAs follow it: nothing is freed under them.
 */
static void carry_over(struct iked *d, struct iked_conn *nc,
		       struct iked_conn *oc)
{
	const struct iked_conf_conn *cfg = nc->cfg;
	const struct iked_conf_end *local = nc->local, *remote = nc->remote;
	struct ike_sa *sa;

	*nc = *oc;
	nc->cfg = cfg;
	nc->local = local;
	nc->remote = remote;
	oc->pols = NULL;
	oc->n_pols = oc->n_trap = 0;
	oc->last_error = NULL;
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != oc->cfg)
			continue;
		sa->conn = cfg;
		sa->local = local;
		sa->remote = remote;
	}
}

/*
 * The new credentials in place of the old, which are freed (their keys
 * wiped). The fetched CRLs, OCSP answers and fetches under way go over
 * to the new ones: a fetch that ends after this lands there.
 */
static void swap_creds(struct iked *d, struct reload_new *n)
{
	iked_crls_log(&n->creds->crls, 1);
	iked_creds_diff(d->creds, n->creds, n->creds_summary,
			sizeof(n->creds_summary));
	if (d->creds)
		iked_crl_cache_move(n->creds, d->creds);
	iked_creds_free(d->creds);
	d->creds = n->creds;
	n->creds = NULL;
}

/* The new configuration in place of the old, which is freed. */
static void swap_in(struct iked *d, struct reload_new *n)
{
	size_t i;

	for (i = 0; i < n->conf->n_conns; i++) {
		if (n->kept[i])
			carry_over(d, &n->conns[i], n->kept[i]);
		else
			n->conns[i].reqid = iked_conn_new_reqid(d);
	}
	for (i = 0; i < n->conf->n_warnings; i++)
		iked_log(IKED_LOG_WARN, NULL, 0, "%s", n->conf->warnings[i]);
	iked_conf_retire(d, d->conf, d->conns, d->n_conns);
	iked_secrets_free(d->secrets);
	d->conns = n->conns;
	d->n_conns = n->conf->n_conns;
	d->conf = n->conf;
	d->secrets = n->secrets;
	swap_creds(d, n);
	n->conns = NULL;
	n->conf = NULL;
	n->secrets = NULL;
}

/* New and changed conns: traps for auto=route, initiation for start. */
static void bring_up(struct iked *d, const struct reload_new *n)
{
	size_t i;

	for (i = 0; i < d->n_conns; i++) {
		struct iked_conn *c = &d->conns[i];
		struct ike_sa *sa;

		if (n->kept[i])
			continue;
		iked_conn_warn(c->cfg);
		if (c->cfg->autostart == IKED_AUTO_ROUTE)
			iked_conn_route(d, c);
		else if (c->cfg->autostart == IKED_AUTO_START)
			iked_initiate(d, c, &sa);
	}
}

int iked_reload(struct iked *d, char *msg, size_t msglen,
		struct iked_reload_counts *counts)
{
	struct iked_reload_counts k;
	struct reload_new n;
	char err[IKED_CONF_ERRLEN];
	int r;

	/* systemd (Type=notify) shows the unit reloading until READY=1. */
	iked_sd_notify_reloading();
	r = read_all(d, &n, err, sizeof(err));
	if (r) {
		iked_log(IKED_LOG_ERR, NULL, 0,
			 "reload refused, the running configuration stays: %s",
			 err);
		snprintf(msg, msglen, "%s", err);
		iked_sd_notifyf("READY=1\nSTATUS=reload refused: %s", err);
		new_free(&n);
		return r;
	}
	classify(d, &n, &k);
	take_down(d, &n);
	swap_in(d, &n);
	bring_up(d, &n);
	snprintf(msg, msglen,
		 "reloaded %s: added %u, removed %u, changed %u, unchanged %u; %s",
		 d->conf_path, k.added, k.removed, k.changed, k.unchanged,
		 n.creds_summary);
	iked_log(IKED_LOG_INFO, NULL, 0, "%s", msg);
	iked_sd_notifyf("READY=1\nSTATUS=%s", msg);
	if (counts)
		*counts = k;
	new_free(&n);
	return 0;
}
