/* SPDX-License-Identifier: GPL-2.0 */
/* On-demand SAs: ACQUIRE events and the packets held while IKE works. */

#ifndef _KESP_ACQUIRE_H
#define _KESP_ACQUIRE_H

#include "policy.h"

/* Packets held per policy, and for how long an ACQUIRE is left unanswered. */
#define KESP_HOLD_MAX 32
#define KESP_ACQUIRE_SECS 10

/*
 * @skb matched PROTECT policy @pol and has no SA: hold it (or drop it if
 * the queue is full) and send an ACQUIRE unless one is pending. Consumes
 * @skb; called from the packet path.
 */
void kesp_acquire_hold(struct kesp_net *kn, struct kesp_policy *pol,
		       struct sk_buff *skb, const struct kesp_flow *fl);
/* An outbound SA arrived: send what it can carry. Holds kn->lock. */
void kesp_acquire_resolve(struct kesp_net *kn);
/* Drop packets held longer than KESP_ACQUIRE_SECS. Holds kn->lock. */
void kesp_acquire_expire(struct kesp_net *kn);
/* @pol leaves the SPD: drop what it holds. Holds kn->lock. */
void kesp_acquire_purge(struct kesp_net *kn, struct kesp_policy *pol);

#endif /* _KESP_ACQUIRE_H */
