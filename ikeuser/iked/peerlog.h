/* SPDX-License-Identifier: GPL-2.0 */
/* Log lines that unauthenticated packets cause, rate-limited per source address. */

#ifndef KESP_IKED_PEERLOG_H
#define KESP_IKED_PEERLOG_H

#include "daemon.h"
#include "log.h"

/*
 * iked_log() for a line that a packet from @peer caused before anything
 * of it was authenticated (an IKE_SA_INIT, a malformed datagram): anyone
 * can send those from any address, as fast as they like. Each address
 * gets IKED_RL_BURST lines at once and one per IKED_RL_INTERVAL_MS after;
 * the rest are counted for iked_log_peer_flush().
 */
void iked_log_peer(struct iked *d, const struct kesp_addr *peer,
		   enum iked_log_level lvl, const char *conn, unsigned int no,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Whether such a line may be logged now (counted as suppressed if not). */
bool iked_log_peer_allow(struct iked *d, const struct kesp_addr *peer);
/*
 * "suppressed N similar lines from ADDR in the last S s" for every
 * address whose suppressed lines are due a summary at @now; returns when
 * the next is due (0: none).
 */
iked_ms iked_log_peer_flush(struct iked *d, iked_ms now);

#endif /* KESP_IKED_PEERLOG_H */
