/* SPDX-License-Identifier: GPL-2.0 */
/* The IKE SA as the core sees it: names, identity, log lines, the waiting `kespctl ike up`. */

#ifndef KESP_IKED_SA_IKE_SA_H
#define KESP_IKED_SA_IKE_SA_H

#include "../daemon.h"
#include "../log.h"

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
