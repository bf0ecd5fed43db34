/* SPDX-License-Identifier: GPL-2.0 */
/* Lifetimes of IKE and CHILD SAs, whatever version: when to rekey, when to reauthenticate, when to check that the peer is alive. */

#ifndef KESP_IKED_SA_LIFETIME_H
#define KESP_IKED_SA_LIFETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "../daemon.h"

/* @secs minus rekeymargin and up to rekeyfuzz% of it: when to rekey. */
uint32_t rekey_secs(const struct iked_conf_conn *cfg, uint32_t secs);
/*
 * The seconds @sa lives: the conn's ikelifetime, or the shorter one its
 * version negotiated (sa->life_secs). 0 without a conn.
 */
uint32_t ike_sa_lifetime(const struct ike_sa *sa);
/*
 * Set rekey_at and hard_at of an IKE SA from its establishment (again
 * when its lifetime shrank after it).
 */
void lifetime_schedule_ike(struct ike_sa *sa);

/*
 * reauth=yes, as strongSwan offers it: instead of rekeying the IKE SA,
 * authenticate the peer again in a new IKE SA made from scratch with the
 * conn's CHILD SA, and delete the old IKE SA and its CHILD SAs once the
 * new ones carry the traffic: make before break, so that nothing is
 * lost.
 */
int reauth_start(struct ike_sa *old);
/* The new IKE SA @n is up with its CHILD SA: the old one goes. */
void reauth_done(struct ike_sa *n);

/* Dead peer detection (RFC 7296 2.4). */
/* When the next liveness check is due (0: none). */
iked_ms dpd_next(const struct ike_sa *sa);
/* Send a liveness check if the peer has been silent for dpddelay. */
void dpd_check(struct ike_sa *sa, iked_ms now);
/*
 * A request of @sa got no answer: if DPD is on, log it as a dead peer,
 * end the IKE SA and run dpdaction; returns true then.
 */
bool dpd_dead(struct ike_sa *sa, iked_ms now);

#endif /* KESP_IKED_SA_LIFETIME_H */
