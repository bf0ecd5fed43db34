// SPDX-License-Identifier: GPL-2.0
/* INITIAL-CONTACT for both versions: said only when nothing else is up with the peer; heard, it ends what we hold between the two identities, IKEv2 and IKEv1 alike, since a peer that restarted lost both. */

#include <string.h>

#include "contact.h"
#include "ike_sa.h"
#include "../conf/conf.h"

bool ike_sa_first_contact(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	for (o = sa->d->sas; o; o = o->next)
		if (o != sa && o->state != IKE_DEAD &&
		    !memcmp(&o->path.remote, &sa->path.remote,
			    sizeof(o->path.remote)))
			return false;
	return true;
}

/* Whether @o is between the same two identities as @sa. */
static bool same_identities(const struct ike_sa *o, const struct ike_sa *sa)
{
	struct iked_conf_id ours_o, ours;

	if (!iked_conf_id_equal(&o->peer_id, &sa->peer_id))
		return false;
	ike_sa_local_id(o, &ours_o);
	ike_sa_local_id(sa, &ours);
	return iked_conf_id_equal(&ours_o, &ours);
}

unsigned int ike_sa_initial_contact(struct ike_sa *sa, const char *where)
{
	struct ike_sa *o;
	unsigned int n = 0;

	for (o = sa->d->sas; o; o = o->next) {
		if (o == sa || o->state == IKE_DEAD ||
		    o->state < IKE_ESTABLISHED || !same_identities(o, sa))
			continue;
		ike_sa_log(o, IKED_LOG_INFO,
			   "replaced: the peer restarted (INITIAL-CONTACT in %s of %s[%u], %s)",
			   where, ike_sa_name(sa), sa->no,
			   sa->proto == o->proto ? "same IKE version" :
			   "the other IKE version");
		ike_sa_kill(o, "the peer restarted");
		n++;
	}
	return n;
}
