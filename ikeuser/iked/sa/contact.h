/* SPDX-License-Identifier: GPL-2.0 */
/* INITIAL-CONTACT, whatever version says it: when we may say it, and what hearing it ends. */

#ifndef KESP_IKED_SA_CONTACT_H
#define KESP_IKED_SA_CONTACT_H

#include <stdbool.h>

#include "../daemon.h"

/*
 * Whether we have no other IKE SA, in any state, of any version and
 * conn, with @sa's peer address: only then may we say INITIAL-CONTACT,
 * or the peer would drop the SAs of our other conns with it (strongSwan
 * and Libreswan decide the same way).
 */
bool ike_sa_first_contact(const struct ike_sa *sa);

/*
 * The peer, now authenticated in @sa, said INITIAL-CONTACT: it holds no
 * other IKE SA between its identity and ours (RFC 7296 2.4, RFC 2407
 * 4.6.3.3). Every other established IKE SA of ours between those two
 * identities, of either version and any conn, is left over from before
 * it restarted: each is ended without a Delete (which it could not
 * place), with a line naming @sa and @where it was said. Returns how
 * many ended.
 */
unsigned int ike_sa_initial_contact(struct ike_sa *sa, const char *where);

#endif /* KESP_IKED_SA_CONTACT_H */
