/* SPDX-License-Identifier: GPL-2.0 */
/* The IKE SA as the core sees it, whatever version negotiates it: its life (new, established, killed, freed), names, identity, log lines, the waiting `kespctl ike up`. */

#ifndef KESP_IKED_SA_IKE_SA_H
#define KESP_IKED_SA_IKE_SA_H

#include "../daemon.h"
#include "../log.h"

struct iked_proto;

/*
 * A new IKE SA owned by @proto (its private state made by the module),
 * with our SPI drawn at random, linked first into d->sas. A responder's
 * is half-open: it dies if not established in time. NULL when out of
 * memory or random bytes.
 */
struct ike_sa *ike_sa_new(struct iked *d, const struct iked_proto *proto,
			  bool initiator, const struct iked_path *path);
/* @sa is up: its lifetime (rekey, end) and liveness checks start now. */
void ike_sa_established(struct ike_sa *sa);
/*
 * Mark @sa dead: its CHILD SAs leave the kernel, what its version has
 * under way is dropped, a waiting `kespctl ike up` gets @why (NULL when
 * it ended normally); ike_sa_reap() frees it later.
 */
void ike_sa_kill(struct ike_sa *sa, const char *why);
/* Free the IKE SAs marked dead (the main loop, after the timers). */
void ike_sa_reap(struct iked *d);
/*
 * Revocation fetches ended (crypto/auth/crl_fetch.h): the IKE SAs that
 * hold a message for one look whether it was theirs (the main loop,
 * after iked_crl_fetch_poll()).
 */
void ike_sa_creds_ready(struct iked *d);

/* Where "conn[3]" log lines come from. */
const char *ike_sa_name(const struct ike_sa *sa);
void ike_sa_set_conn(struct ike_sa *sa, const struct iked_conf_conn *cfg);
/*
 * Answer a waiting `kespctl ike up`: 0 when what it asked for (the IKE SA
 * and a CHILD SA) is up, else the error with the conn's last failure.
 */
void ike_sa_answer(struct ike_sa *sa, int err);
/* Our own identity in @sa (the conn's leftid, or our address). */
void ike_sa_local_id(const struct ike_sa *sa, struct iked_conf_id *id);
void ike_sa_log(const struct ike_sa *sa, enum iked_log_level lvl,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* KESP_IKED_SA_IKE_SA_H */
