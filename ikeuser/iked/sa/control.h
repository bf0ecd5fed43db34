/* SPDX-License-Identifier: GPL-2.0 */
/* What the daemon asks of the IKE SAs of a conn, whatever their version: up, rekey, down; stop; the kernel's expiries. */

#ifndef KESP_IKED_SA_CONTROL_H
#define KESP_IKED_SA_CONTROL_H

#include <stdbool.h>

#include "../daemon.h"

struct kesp_sa;
struct iked_kernel_failure;

/*
 * A queued kernel request failed (iked_kernel_async_reap()'s callback,
 * @arg the daemon): said in the log; an SA that did not go in takes its
 * CHILD SA down, as a Delete to the peer when the IKE SA can send one.
 */
void iked_kernel_failed(const struct iked_kernel_failure *f, void *arg);

/*
 * Bring @c up: a CHILD SA in an established IKE SA of @c if there is one,
 * else a new IKE SA in @c's version. The IKE SA (new or found) goes to
 * *@out. 0 or -errno (-ESHUTDOWN: the daemon is stopping).
 */
int iked_initiate(struct iked *d, struct iked_conn *c, struct ike_sa **out);
/* Rekey @c's IKE SA and/or its CHILD SAs now (-ENOENT: none up). */
int iked_rekey(struct iked *d, struct iked_conn *c, bool ike, bool child);
/* Delete every IKE SA of @c (Delete sent, kernel state removed). */
int iked_terminate(struct iked *d, struct iked_conn *c);
/*
 * The end of @sa, announced: when it is up, its kernel SAs and policies
 * go at once and a Delete to the peer, waited for (IKEv2) or sent again
 * a few times (IKEv1) as any request, before it is freed; a request
 * outstanding is given up for it. A half-open one just ends; a waiting
 * kespctl gets @why. Whether it now waits (IKE_DELETING). Shared by the
 * daemon's stop and a reload.
 */
bool iked_sa_goodbye(struct ike_sa *sa, const char *why);
/*
 * The IKE SAs of @c end (a reload removed or changed it), each as
 * iked_sa_goodbye() says: their kernel state is gone when this returns,
 * the deleting ones live on (past @c's conf: conn_retired.c) until the
 * peer answers or they give up. How many there were.
 */
unsigned int iked_conn_drop(struct iked *d, struct iked_conn *c,
			    const char *why);
/*
 * CHILD SA @ch of @sa may end (or ended) without a successor: on-demand
 * policies of its conn hold the traffic; @renew: and a new CHILD SA is
 * made (the timers start it).
 */
void child_hold(struct ike_sa *sa, struct child_sa *ch, bool renew);
/* The kernel expired an SA (hard: it is gone); not ours: ignored. */
void iked_sa_expired(struct iked *d, const struct kesp_sa *ksa, bool hard);

#endif /* KESP_IKED_SA_CONTROL_H */
