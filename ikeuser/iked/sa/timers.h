/* SPDX-License-Identifier: GPL-2.0 */
/* The scheduler of IKE SAs, whatever their version: what is due, when to look again. */

#ifndef KESP_IKED_SA_TIMERS_H
#define KESP_IKED_SA_TIMERS_H

#include "../daemon.h"

/*
 * Run what is due in every IKE SA (retransmissions, half-open timeouts,
 * lifetimes, rekeys, liveness checks, NAT keepalives) through the
 * version that owns each; the next deadline, or 0.
 */
iked_ms iked_run_timers(struct iked *d, iked_ms now);

#endif /* KESP_IKED_SA_TIMERS_H */
