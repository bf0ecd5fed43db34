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
 * Drop the IKE SAs of @c now (a reload removed or changed it): a Delete
 * to the peer, sent once; kernel SAs and CHILD SA
 * policies removed; the SAs are dead (@why to a waiting kespctl) before
 * this returns. How many there were.
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
