/* SPDX-License-Identifier: GPL-2.0 */
/* The request in flight of an IKE SA (a window of one) and its retransmission, and the last response, resent as is. */

#ifndef KESP_IKED_SA_RETRANSMIT_H
#define KESP_IKED_SA_RETRANSMIT_H

#include <stddef.h>
#include <stdint.h>

#include "../daemon.h"

/*
 * Keep @buf (@len bytes, already sent or about to be) as @sa's
 * outstanding request for @kind (the version's, not 0): retransmitted
 * after d->retx_first_ms, then doubling, given up after d->retx_tries
 * retransmissions. 0 or -ENOMEM.
 */
int retransmit_keep(struct ike_sa *sa, int kind, const uint8_t *buf,
		    size_t len);
/*
 * The same for @buf, the last message of @sa, which the peer does not
 * answer (an IKEv1 Delete): sent again IKED_LAST_RESENDS times, then
 * @sa ends. Its kernel state must be gone already.
 */
int retransmit_keep_last(struct ike_sa *sa, int kind, const uint8_t *buf,
			 size_t len);
/* The outstanding request was answered or abandoned. */
void retransmit_done(struct ike_sa *sa);
/* Keep @buf as @sa's last response, resent for a retransmitted request. */
int retransmit_keep_response(struct ike_sa *sa, const uint8_t *buf,
			     size_t len);
/*
 * The timer of @sa's outstanding request: retransmitted if due, or given
 * up after the last one (the IKE SA then ends: by dpdaction when DPD is
 * on, else with the conn's failure and, for auto=start, a new try).
 * Returns false when @sa died.
 */
bool retransmit_run(struct ike_sa *sa, iked_ms now);

#endif /* KESP_IKED_SA_RETRANSMIT_H */
