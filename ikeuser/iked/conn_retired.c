// SPDX-License-Identifier: GPL-2.0
/* The configuration a reload replaced, kept while IKE SAs of its removed and changed conns still wait for the answers to their Deletes. */

#include <stdint.h>
#include <stdlib.h>

#include "conn_retired.h"
#include "sa/ike_sa.h"

/*
 * sa->conn, sa->local and sa->remote point into the conf, and
 * iked_conn_of() finds the runtime from them: both must outlive every
 * IKE SA that still uses them, whatever the conf in force says.
 */
struct iked_retired {
	struct iked_retired *next;
	struct iked_conf *conf;
	struct iked_conn *conns;	/* one per conf->conns[] */
};

/*
 * Whether @cfg is one of @conf's conns. As integers: pointers into two
 * different arrays may not be compared as pointers.
 */
static bool holds(const struct iked_conf *conf,
		  const struct iked_conf_conn *cfg)
{
	uintptr_t p = (uintptr_t)cfg, lo = (uintptr_t)conf->conns;

	return conf->n_conns && p >= lo &&
	       p < lo + conf->n_conns * sizeof(*conf->conns);
}

static bool in_use(const struct iked *d, const struct iked_conf *conf)
{
	const struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && sa->conn && holds(conf, sa->conn))
			return true;
	return false;
}

static void conns_free(struct iked_conn *conns, size_t n)
{
	size_t i;

	/* Released by the reload (traps, policies): their last errors left. */
	for (i = 0; i < n; i++)
		free(conns[i].last_error);
	free(conns);
}

void iked_conf_retire(struct iked *d, struct iked_conf *conf,
		      struct iked_conn *conns, size_t n)
{
	struct iked_retired *r;
	size_t i;

	if (!conf)
		return;
	r = in_use(d, conf) ? calloc(1, sizeof(*r)) : NULL;
	if (!r) {
		/*
		 * Out of memory: no SA may keep pointing into the conf, so
		 * those that would are ended here, without their answers.
		 */
		struct ike_sa *sa;

		for (sa = d->sas; sa; sa = sa->next)
			if (sa->state != IKE_DEAD && sa->conn &&
			    holds(conf, sa->conn))
				ike_sa_kill(sa, "out of memory");
		ike_sa_reap(d);
		conns_free(conns, n);
		iked_conf_free(conf);
		return;
	}
	/* Nothing of theirs may start again: no initiation, no trap. */
	for (i = 0; i < n; i++)
		conns[i].retired = true;
	r->conf = conf;
	r->conns = conns;
	r->next = d->retired;
	d->retired = r;
}

struct iked_conn *iked_retired_conn_of(struct iked *d,
				       const struct iked_conf_conn *cfg)
{
	struct iked_retired *r;

	for (r = d->retired; r; r = r->next)
		if (holds(r->conf, cfg))
			return &r->conns[cfg - r->conf->conns];
	return NULL;
}

void iked_retired_reap(struct iked *d)
{
	struct iked_retired **pp = &d->retired, *r;

	while ((r = *pp)) {
		if (in_use(d, r->conf)) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		conns_free(r->conns, r->conf->n_conns);
		iked_conf_free(r->conf);
		free(r);
	}
}
