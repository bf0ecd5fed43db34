// SPDX-License-Identifier: GPL-2.0
/* IKEv1 INITIAL-CONTACT (RFC 2407 4.6.3.3): said in MM5/MM6/AM3 when we have nothing else with the peer; heard, after authentication, it ends what we still hold with that peer's identity. */

#include <string.h>

#include "v1.h"
#include "../conf/conf.h"

/*
 * Whether we have no other IKE SA, in any state, of any version and conn,
 * with this peer's address: only then may we say so, or the peer would
 * drop the SAs of our other conns with it (strongSwan and Libreswan
 * decide the same way).
 */
static bool first_contact(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	for (o = sa->d->sas; o; o = o->next)
		if (o != sa && o->state != IKE_DEAD &&
		    !memcmp(&o->path.remote, &sa->path.remote,
			    sizeof(o->path.remote)))
			return false;
	return true;
}

int v1_add_initial_contact(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_pl *pl;

	if (!first_contact(sa))
		return 0;
	/* The SPI is the two cookies; the chain points at it until sent. */
	memcpy(v->cookies, sa->spi_i, 8);
	memcpy(v->cookies + 8, sa->spi_r, 8);
	pl = ikev1_chain_add(c, IKEV1_PL_N);
	if (!pl)
		return -E2BIG;
	pl->u.n = (struct ikev1_notify){
		.doi = IKEV1_DOI_IPSEC, .proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 16, .type = IKEV1_N_INITIAL_CONTACT,
		.spi = v->cookies,
	};
	return 0;
}

bool v1_has_initial_contact(const struct ikev1_chain *c)
{
	const struct ikev1_pl *pl;
	unsigned int i;

	for (i = 0; (pl = ikev1_chain_find(c, IKEV1_PL_N, i)); i++)
		if (pl->u.n.type == IKEV1_N_INITIAL_CONTACT &&
		    pl->u.n.proto == IKEV1_PROTO_ISAKMP)
			return true;
	return false;
}

/*
 * The peer, now authenticated as sa->peer_id, has no other ISAKMP SA
 * with us: those we still have with that identity (and their IPsec SAs,
 * in the kernel too) are left over from before it restarted. They go
 * without a Delete, which it could not place.
 */
void v1_initial_contact(struct ike_sa *sa, const char *where)
{
	struct ike_sa *o;
	unsigned int n = 0;

	for (o = sa->d->sas; o; o = o->next) {
		if (o == sa || o->proto != sa->proto || o->state == IKE_DEAD ||
		    o->state < IKE_ESTABLISHED ||
		    !iked_conf_id_equal(&o->peer_id, &sa->peer_id))
			continue;
		ike_sa_log(o, IKED_LOG_INFO,
			   "replaced: the peer restarted (INITIAL-CONTACT in %s of %s[%u])",
			   where, ike_sa_name(sa), sa->no);
		ike_sa_kill(o, "the peer restarted");
		n++;
	}
	ike_sa_log(sa, IKED_LOG_INFO,
		   "the peer sent INITIAL-CONTACT in %s: %u old ISAKMP SA%s with it deleted",
		   where, n, n == 1 ? "" : "s");
}
