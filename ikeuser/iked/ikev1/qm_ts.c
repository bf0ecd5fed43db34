// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 proxy IDs from the conn: a Quick Mode carries one pair (one
 * local subnet, one remote subnet), so a conn with several subnets on
 * a side is one Quick Mode, one IPsec SA, per (local, remote) pair, as
 * Libreswan does; as responder any one of those pairs is accepted.
 */

#include <errno.h>

#include "v1.h"
#include "qm.h"
#include "../sa/ts.h"

/* The conn's subnets of both sides as selectors (one per subnet). */
static int conn_ts(struct ike_sa *sa, struct iked_ts_list *l,
		   struct iked_ts_list *r)
{
	int e = iked_ts_from_conf(l, sa->local->ts, sa->local->n_ts,
				  &sa->path.local);

	return e ? e : iked_ts_from_conf(r, sa->remote->ts, sa->remote->n_ts,
					 &sa->path.remote);
}

/*
 * Pair @idx (local-major order) of @l x @r into @ol, @or: false past the
 * last, or for a pair of two families (no SA can carry it).
 */
static bool pair_at(const struct iked_ts_list *l, const struct iked_ts_list *r,
		    unsigned int idx, struct iked_ts_list *ol,
		    struct iked_ts_list *or)
{
	if (!r->n || idx >= (unsigned int)l->n * r->n)
		return false;
	ol->n = or->n = 1;
	ol->ts[0] = l->ts[idx / r->n];
	or->ts[0] = r->ts[idx % r->n];
	return ol->ts[0].type == or->ts[0].type;
}

/* A CHILD SA of @sa (not on its way out) already has @l === @r. */
static bool have_pair(const struct ike_sa *sa, const struct iked_ts_list *l,
		      const struct iked_ts_list *r)
{
	const struct v1_sa *v = v1(sa);
	const struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->state == CHILD_INSTALLED && !ch->retire_at &&
		    !ch->replaced && iked_ts_same(&ch->ts_local, l) &&
		    iked_ts_same(&ch->ts_remote, r))
			return true;
	/* Or the peer's Quick Mode in the second slot negotiates it. */
	return v->qr.st != V1_QM_IDLE && iked_ts_same(&v->qr.tsl, l) &&
	       iked_ts_same(&v->qr.tsr, r);
}

static bool refused(const struct v1_sa *v, unsigned int i)
{
	return v->refused[i / 8] & (1u << (i % 8));
}

int qm_next_ts(struct ike_sa *sa, struct iked_ts_list *l,
	       struct iked_ts_list *r, unsigned int *idx)
{
	struct iked_ts_list cl, cr;
	unsigned int i;
	int e = conn_ts(sa, &cl, &cr);

	if (e)
		return e;
	/* A pair the peer refused is not asked for again on this SA. */
	for (i = 0; i < (unsigned int)cl.n * cr.n; i++)
		if (!refused(v1(sa), i) && pair_at(&cl, &cr, i, l, r) &&
		    !have_pair(sa, l, r)) {
			*idx = i;
			return 0;
		}
	return -ENOENT;
}

void v1_qm_refused(struct ike_sa *sa)
{
	const struct v1_qm *q = &v1(sa)->qm;
	unsigned int i = q->pair_no - 1u;

	if (q->pair_no && i / 8 < sizeof(v1(sa)->refused))
		v1(sa)->refused[i / 8] |= 1u << (i % 8);
}

int qm_first_ts(struct ike_sa *sa, struct iked_ts_list *l,
		struct iked_ts_list *r)
{
	struct iked_ts_list cl, cr;
	unsigned int i;
	int e = conn_ts(sa, &cl, &cr);

	if (e)
		return e;
	for (i = 0; i < (unsigned int)cl.n * cr.n; i++)
		if (pair_at(&cl, &cr, i, l, r))
			return 0;
	return -EINVAL;
}

int qm_ts_allowed(struct ike_sa *sa, const struct iked_ts_list *l,
		  const struct iked_ts_list *r)
{
	struct iked_ts_list cl, cr, ol, or;
	unsigned int i;
	int e = conn_ts(sa, &cl, &cr);

	if (e)
		return e;
	for (i = 0; i < (unsigned int)cl.n * cr.n; i++)
		if (pair_at(&cl, &cr, i, &ol, &or) && iked_ts_within(l, &ol) &&
		    iked_ts_within(r, &or))
			return 0;
	return -ENOENT;
}

void v1_qm_more(struct ike_sa *sa)
{
	struct iked_ts_list l, r;
	unsigned int i;

	if (!qm_next_ts(sa, &l, &r, &i))
		v1_qm_start(sa, NULL);
}
