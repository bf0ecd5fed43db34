// SPDX-License-Identifier: GPL-2.0
/*
 * NAT-OA in Quick Mode (RFC 3947 5.2): the original addresses sent and
 * taken when transport mode goes through a NAT, and the proxy IDs of
 * such a Quick Mode put onto the addresses the packets carry here.
 */

#include <errno.h>
#include <string.h>

#include "v1.h"
#include "../sa/natt.h"
#include "../sa/ts.h"

bool v1_natoa_used(const struct ike_sa *sa, uint8_t mode)
{
	return mode == KESP_MODE_TRANSPORT && sa->natt.in_use &&
	       v1(sa)->natt != IKED_NATT_VID_NONE;
}

static bool is_natoa(uint8_t type)
{
	return type == IKEV1_PL_NATOA || type == IKEV1_PL_NATOA_DRAFT;
}

static struct ikev1_pl *add_one(struct ikev1_chain *c, uint8_t type,
				const struct kesp_addr *a)
{
	struct ikev1_pl *pl = ikev1_chain_add(c, type);

	if (!pl)
		return NULL;
	pl->u.oa.type = a->family == AF_INET ? IKEV1_ID_IPV4_ADDR :
					       IKEV1_ID_IPV6_ADDR;
	pl->u.oa.addr = a->bytes;
	pl->u.oa.len = kesp_addr_len(a->family);
	return pl;
}

int v1_natoa_add(const struct ike_sa *sa, struct ikev1_chain *c,
		 uint8_t mode, bool qm_initiator)
{
	const struct iked_path *p = &sa->path;
	/* The drafts' Vendor IDs came with the private-use number. */
	uint8_t type = v1(sa)->natt == IKED_NATT_VID_RFC3947 ?
		       IKEV1_PL_NATOA : IKEV1_PL_NATOA_DRAFT;

	if (!v1_natoa_used(sa, mode))
		return 0;
	/*
	 * NAT-OAi is the Quick Mode initiator's address, NAT-OAr the
	 * responder's, each as the sender knows it: the initiator's own
	 * and the one it sends to, the responder's the one QM1 came from
	 * and its own (as strongSwan writes them too).
	 */
	if (!add_one(c, type, qm_initiator ? &p->local : &p->remote) ||
	    !add_one(c, type, qm_initiator ? &p->remote : &p->local))
		return -E2BIG;
	return 0;
}

static void addr_of(const struct ikev1_natoa *oa, struct kesp_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = oa->type == IKEV1_ID_IPV4_ADDR ? AF_INET : AF_INET6;
	memcpy(a->bytes, oa->addr, oa->len);
}

int v1_natoa_take(struct ike_sa *sa, struct v1_qm *q,
		  const struct ikev1_chain *c)
{
	const struct ikev1_pl *oa[2];
	char i[64], r[64];
	unsigned int n = 0;
	uint8_t k;

	/* The codec checked each (ID type, length); the rules, at most 2. */
	for (k = 0; k < c->n; k++)
		if (is_natoa(c->pl[k].type) && n < 2)
			oa[n++] = &c->pl[k];
	q->have_oa = false;
	if (!n)
		return -ENOENT;
	if (n != 2) {
		sa->d->natoa_refused++;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "Quick Mode %08x: one NAT-OA payload, RFC 3947 5.2 wants two (NAT-OAi, NAT-OAr): ignored",
			   q->msg_id);
		return -EINVAL;
	}
	addr_of(&oa[0]->u.oa, &q->oa_i);
	addr_of(&oa[1]->u.oa, &q->oa_r);
	if (q->oa_i.family != sa->path.remote.family ||
	    q->oa_r.family != sa->path.remote.family) {
		sa->d->natoa_refused++;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "Quick Mode %08x: NAT-OA of another address family than the IKE SA's: ignored",
			   q->msg_id);
		return -EINVAL;
	}
	q->have_oa = true;
	ike_sa_log(sa, v1_natoa_used(sa, q->mode) ? IKED_LOG_INFO :
		   IKED_LOG_DEBUG,
		   "Quick Mode %08x: the peer's NAT-OA: initiator %s, responder %s%s",
		   q->msg_id, kesp_addr_format(&q->oa_i, i, sizeof(i)),
		   kesp_addr_format(&q->oa_r, r, sizeof(r)),
		   v1_natoa_used(sa, q->mode) ? "" :
		   " (not transport mode through a NAT: not needed)");
	return 0;
}

/* One host selector of @l (of @a's family) onto @a; others unchanged. */
static bool onto(struct iked_ts_list *l, const struct kesp_addr *a)
{
	struct iked_ts *t = &l->ts[0];
	size_t len = kesp_addr_len(a->family);

	if (l->n != 1 || t->type != (a->family == AF_INET ? IKED_TS_IPV4 :
						     IKED_TS_IPV6) ||
	    memcmp(t->start, t->end, len))
		return false;
	if (!memcmp(t->start, a->bytes, len))
		return false;
	memcpy(t->start, a->bytes, len);
	memcpy(t->end, a->bytes, len);
	return true;
}

bool v1_natoa_fix_ts(const struct ike_sa *sa, uint8_t mode,
		     struct iked_ts_list *l, struct iked_ts_list *r)
{
	bool changed;

	if (!v1_natoa_used(sa, mode))
		return false;
	/*
	 * Transport mode through a NAT: the proxy ID of the end behind
	 * it is its private address (RFC 3947 5.2, what charon and pluto
	 * send), which no packet here carries; kesp.ko matches selectors
	 * against the packets' addresses, so the SA's are the IKE SA's
	 * (as strongSwan's quick_mode.c changes them "due to NAT").
	 * Protocol and ports stay as the IDs say.
	 */
	changed = onto(l, &sa->path.local);
	changed |= onto(r, &sa->path.remote);
	return changed;
}
