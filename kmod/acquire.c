// SPDX-License-Identifier: GPL-2.0
/*
 * On demand: the first packet of a flow that needs an SA nobody has
 * negotiated yet raises one ACQUIRE per policy and waits, with up to
 * KESP_HOLD_MAX others, until the SA arrives (then they are sent, so the
 * first ping of a new tunnel is not lost) or KESP_ACQUIRE_SECS pass (then
 * they are dropped and the next packet asks again).
 */

#include <linux/skbuff.h>
#include "acquire.h"
#include "lifetime.h"
#include "netlink.h"
#include "output.h"
#include "stats.h"

/*
 * The hold queue's lock orders everything about a policy's ACQUIRE:
 * @acquiring, kn->acquiring, @dead and the ACQUIRE event. The purge sets
 * @dead under it, so once a policy is being deleted no packet re-arms an
 * ACQUIRE (which would keep kn->acquiring, and the timer, up for ever)
 * nor announces one for it.
 */
void kesp_acquire_hold(struct kesp_net *kn, struct kesp_policy *pol,
		       struct sk_buff *skb, const struct kesp_flow *fl)
{
	bool ask = false;

	/* A held packet must not pin a route (and so a device) for long. */
	skb_dst_drop(skb);
	spin_lock_bh(&pol->hold.lock);
	if (!pol->dead) {
		if (!pol->acquiring) {
			pol->acquiring = true;
			pol->acquire_time = jiffies;
			atomic_inc(&kn->acquiring);
			ask = true;
			kesp_nl_notify_acquire(kn, pol, fl);
		}
		if (skb_queue_len(&pol->hold) < KESP_HOLD_MAX) {
			__skb_queue_tail(&pol->hold, skb);
			skb = NULL;
		}
	}
	spin_unlock_bh(&pol->hold.lock);
	if (skb) {
		kesp_stats_inc(kn, KESP_STAT_OUT_NO_SA);
		kfree_skb(skb);
	}
	if (ask)
		kesp_lifetime_start(kn);
}

/*
 * Take @pol's held packets into @q and end its ACQUIRE, for good if
 * @kill (the policy is going); true if it had one.
 */
static bool take(struct kesp_net *kn, struct kesp_policy *pol,
		 struct sk_buff_head *q, bool kill)
{
	bool was;

	spin_lock_bh(&pol->hold.lock);
	was = pol->acquiring;
	if (was) {
		pol->acquiring = false;
		atomic_dec(&kn->acquiring);
	}
	if (kill)
		pol->dead = true;
	skb_queue_splice_tail_init(&pol->hold, q);
	spin_unlock_bh(&pol->hold.lock);
	return was;
}

/* Whether an SA now exists for the packets @pol holds. */
static bool answered(struct kesp_net *kn, struct kesp_policy *pol)
{
	struct kesp_flow fl;
	struct sk_buff *skb;
	bool yes = false;

	spin_lock_bh(&pol->hold.lock);
	skb = skb_peek(&pol->hold);
	if (skb && kesp_flow_from_skb(skb, pol->sel.family, &fl)) {
		rcu_read_lock();
		yes = kesp_sa_lookup_out(kn, &pol->tmpl, &fl);
		rcu_read_unlock();
	}
	spin_unlock_bh(&pol->hold.lock);
	return yes;
}

void kesp_acquire_resolve(struct kesp_net *kn)
{
	struct sk_buff_head q;
	struct kesp_policy *pol;
	struct sk_buff *skb;

	lockdep_assert_held(&kn->lock);
	if (!atomic_read(&kn->acquiring))
		return;
	__skb_queue_head_init(&q);
	list_for_each_entry(pol, &kn->spd[KESP_DIR_OUT], list)
		if (READ_ONCE(pol->acquiring) && answered(kn, pol))
			take(kn, pol, &q, false);
	while ((skb = __skb_dequeue(&q)))
		kesp_output_resend(kn, skb);
}

static void drop_all(struct kesp_net *kn, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q))) {
		kesp_stats_inc(kn, KESP_STAT_OUT_NO_SA);
		kfree_skb(skb);
	}
}

void kesp_acquire_expire(struct kesp_net *kn)
{
	unsigned long deadline;
	struct kesp_policy *pol;
	struct sk_buff_head q;

	lockdep_assert_held(&kn->lock);
	if (!atomic_read(&kn->acquiring))
		return;
	__skb_queue_head_init(&q);
	list_for_each_entry(pol, &kn->spd[KESP_DIR_OUT], list) {
		deadline = READ_ONCE(pol->acquire_time) + KESP_ACQUIRE_SECS * HZ;
		if (READ_ONCE(pol->acquiring) && time_after(jiffies, deadline))
			take(kn, pol, &q, false);
	}
	drop_all(kn, &q);
}

void kesp_acquire_purge(struct kesp_net *kn, struct kesp_policy *pol)
{
	struct sk_buff_head q;

	lockdep_assert_held(&kn->lock);
	__skb_queue_head_init(&q);
	take(kn, pol, &q, true);
	drop_all(kn, &q);
}
