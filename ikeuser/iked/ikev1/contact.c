// SPDX-License-Identifier: GPL-2.0
/* IKEv1 INITIAL-CONTACT (RFC 2407 4.6.3.3): said in MM5/MM6/AM3 when we have nothing else with the peer; heard, after authentication, sa/contact.c ends what we still hold between the two identities. */

#include <string.h>

#include "v1.h"
#include "../sa/contact.h"

int v1_add_initial_contact(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_pl *pl;

	if (!ike_sa_first_contact(sa))
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

/* The peer, now authenticated, said it in @where: sa/contact.c ends the rest. */
void v1_initial_contact(struct ike_sa *sa, const char *where)
{
	unsigned int n = ike_sa_initial_contact(sa, where);

	ike_sa_log(sa, IKED_LOG_INFO,
		   "the peer sent INITIAL-CONTACT in %s: %u old IKE SA%s with it deleted",
		   where, n, n == 1 ? "" : "s");
}
