// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: byte and packet limits are checked by the packet path as it
 * counts; time limits, and the removal of SAs past a hard limit, by a
 * per-namespace timer that runs once a second while there are SAs or held
 * packets. Hard limits hold even when no daemon is listening: the kernel
 * removes the SA itself and says so with a hard EXPIRE.
 */

#include <linux/workqueue.h>
#include "acquire.h"
#include "lifetime.h"
#include "netlink.h"
#include "spi_resv.h"

static bool reached(u64 limit, u64 value)
{
	return limit && value >= limit;
}

enum kesp_limit kesp_sa_count_packet(struct kesp_sa *sa, unsigned int bytes)
{
	const struct kesp_lifetime *l = &sa->cfg.lft;

	lockdep_assert_held(&sa->lock);
	if (!sa->use_time)
		sa->use_time = kesp_now();
	sa->packets++;
	sa->bytes += bytes;
	if (reached(l->hard_packets, sa->packets) ||
	    reached(l->hard_bytes, sa->bytes))
		return KESP_LIM_HARD;
	if (!sa->soft_sent && (reached(l->soft_packets, sa->packets) ||
			       reached(l->soft_bytes, sa->bytes))) {
		sa->soft_sent = true;
		return KESP_LIM_SOFT;
	}
	return KESP_LIM_NONE;
}

void kesp_sa_limit_reached(struct kesp_sa *sa, enum kesp_limit lim)
{
	struct kesp_net *kn = sa->kn;

	if (lim == KESP_LIM_SOFT) {
		kesp_nl_notify_expire(sa, false, GFP_ATOMIC);
	} else if (lim == KESP_LIM_HARD) {
		/* Stop using it now; the timer removes it and tells. */
		WRITE_ONCE(sa->dead, true);
		if (!READ_ONCE(kn->exiting))
			mod_delayed_work(system_wq, &kn->work, 0);
	}
}

/* Which time limit @sa passed at @now, if any. */
static enum kesp_limit time_limit(struct kesp_sa *sa, time64_t now)
{
	const struct kesp_lifetime *l = &sa->cfg.lft;
	enum kesp_limit lim = KESP_LIM_NONE;
	u64 age = now - sa->add_time, idle;

	spin_lock_bh(&sa->lock);
	idle = sa->use_time ? now - sa->use_time : 0;
	if (reached(l->hard_add_secs, age) ||
	    (sa->use_time && reached(l->hard_use_secs, idle))) {
		lim = KESP_LIM_HARD;
	} else if (!sa->soft_sent &&
		   (reached(l->soft_add_secs, age) ||
		    (sa->use_time && reached(l->soft_use_secs, idle)))) {
		sa->soft_sent = true;
		lim = KESP_LIM_SOFT;
	}
	spin_unlock_bh(&sa->lock);
	return lim;
}

static void lifetime_work(struct work_struct *work)
{
	struct kesp_net *kn = container_of(to_delayed_work(work),
					   struct kesp_net, work);
	time64_t now = kesp_now();
	struct kesp_sa *sa, *tmp;
	enum kesp_limit lim;
	bool held;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(sa, tmp, &kn->sa_list, list) {
		lim = time_limit(sa, now);
		if (lim == KESP_LIM_HARD || READ_ONCE(sa->dead)) {
			kesp_nl_notify_expire(sa, true, GFP_KERNEL);
			kesp_sa_unlink(sa);
		} else if (lim == KESP_LIM_SOFT) {
			kesp_nl_notify_expire(sa, false, GFP_KERNEL);
		}
	}
	kesp_acquire_expire(kn);
	held = kesp_spi_resv_expire(kn);
	if (!kn->exiting &&
	    (kn->sa_count || atomic_read(&kn->acquiring) || held))
		schedule_delayed_work(&kn->work, HZ);
	mutex_unlock(&kn->lock);
}

void kesp_lifetime_start(struct kesp_net *kn)
{
	if (!READ_ONCE(kn->exiting))
		schedule_delayed_work(&kn->work, HZ);
}

void kesp_lifetime_init(struct kesp_net *kn)
{
	INIT_DELAYED_WORK(&kn->work, lifetime_work);
}

void kesp_lifetime_exit(struct kesp_net *kn)
{
	WRITE_ONCE(kn->exiting, true);
	cancel_delayed_work_sync(&kn->work);
}
