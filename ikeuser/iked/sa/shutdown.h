/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's stop, whatever the IKE versions: Deletes to every peer, the event loop kept running until they are answered or a deadline passes. */

#ifndef KESP_IKED_SA_SHUTDOWN_H
#define KESP_IKED_SA_SHUTDOWN_H

#include <stdbool.h>

#include "../daemon.h"

/*
 * The first SIGTERM or SIGINT: from now on nothing new is initiated
 * (iked_initiate refuses, the timers start no rekey); a Delete goes to
 * the peer of every established IKE SA (its kernel state removed at
 * once), half-open ones are dropped (iked_sa_goodbye). IKEv2 Deletes
 * are then waited for, IKEv1 ones sent again a few times (nothing
 * answers them), until d->drain_until.
 */
void iked_shutdown_begin(struct iked *d);
/* Whether the drain is over at @now: every Delete answered, or time up. */
bool iked_shutdown_drained(struct iked *d, iked_ms now);
/*
 * The end of the drain: what still waits for an answer (or came up
 * meanwhile) is dropped (a last Delete for the latter), and the result
 * logged. The IKE SAs are all dead when it returns.
 */
void iked_shutdown_done(struct iked *d);

#endif /* KESP_IKED_SA_SHUTDOWN_H */
