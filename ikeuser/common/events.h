/* SPDX-License-Identifier: GPL-2.0 */
/* Listening to the kesp family's multicast events (ACQUIRE, EXPIRE). */

#ifndef KESP_COMMON_EVENTS_H
#define KESP_COMMON_EVENTS_H

#include "nl.h"

/*
 * Join the family's "events" group on @nl, opened with kesp_nl_open().
 * Events arrive unasked, so the socket is then for listening only: send
 * requests on another kesp_nl. Returns 0 or a negative errno, with
 * nl->last saying why.
 */
int kesp_nl_subscribe(struct kesp_nl *nl);

/*
 * Wait for the next batch of events and hand each message of the family to
 * @fn. Returns 0, -ENOBUFS if the kernel dropped events because we were
 * too slow (the caller should say so and may go on), or another negative
 * errno. A negative return of @fn stops the batch and is returned.
 */
int kesp_nl_recv_events(struct kesp_nl *nl, kesp_nl_reply_fn fn, void *arg);

#endif /* KESP_COMMON_EVENTS_H */
