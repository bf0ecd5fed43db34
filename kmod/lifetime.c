// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes: byte and packet limits are checked by the packet path as it
 * counts; time limits, and the removal of SAs past a hard limit, by a
 * per-namespace timer. Hard limits hold even when no daemon is listening:
 * the kernel removes the SA itself and says so with a hard EXPIRE.
 *
 * The timer does not walk every SA: the SAs with a time limit, and those
 * the packet path marked dead, wait in an rbtree ordered by when they
 * next need a look (kesp_net.lft_queue), and the timer fires at the
 * first of those, or each second while packets are held for an ACQUIRE
 * or an SPI reservation. With 100,000 SAs the walk under kn->lock each
 * second cost 3.3% of a CPU (issue 18's profile); now a second with
 * nothing due costs nothing.
 *
 * Locks: sa->lock, then kn->lft_lock (the packet path queues an SA on its
 * first use or its death); never the other way round.
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
	if (!sa->use_time) {
		sa->use_time = kesp_now();
		/* The limits since first use start counting now. */
		if (l->soft_use_secs || l->hard_use_secs)
			kesp_lifetime_queue_locked(sa);
	}
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
	if (lim == KESP_LIM_SOFT)
		kesp_nl_notify_expire(sa, false, GFP_ATOMIC);
	else if (lim == KESP_LIM_HARD)
		kesp_lifetime_retire(sa);
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

/* The earlier of @due and @base + @secs (0 for either: none). */
static time64_t earlier(time64_t due, time64_t base, u64 secs)
{
	time64_t t;

	if (!secs || !base)
		return due;
	t = base + (time64_t)min_t(u64, secs, S64_MAX / 2);
	return !due || t < due ? t : due;
}

/*
 * When time_limit() can next say more than it says now; 0: never (no
 * time limit left to reach). A dead SA is due at once. sa->lock held.
 */
static time64_t lft_due(const struct kesp_sa *sa)
{
	const struct kesp_lifetime *l = &sa->cfg.lft;
	time64_t due = 0;

	if (READ_ONCE(sa->dead))
		return 1;
	due = earlier(due, sa->add_time, l->hard_add_secs);
	due = earlier(due, sa->use_time, l->hard_use_secs);
	if (!sa->soft_sent) {
		due = earlier(due, sa->add_time, l->soft_add_secs);
		due = earlier(due, sa->use_time, l->soft_use_secs);
	}
	return due;
}

/*
 * Jiffies from @now until @due, at most a day (the timer then finds
 * nothing due and sleeps again; no overflow for limits of years).
 */
static unsigned long delay_until(time64_t due, time64_t now)
{
	if (due <= now)
		return 0;
	return (unsigned long)min_t(time64_t, due - now, 86400) * HZ;
}

/*
 * Have the timer run within @delay jiffies, unless it is to run sooner
 * already. kn->lft_lock held.
 */
static void lifetime_kick(struct kesp_net *kn, unsigned long delay)
{
	struct timer_list *t = &kn->work.timer;

	lockdep_assert_held(&kn->lft_lock);
	if (READ_ONCE(kn->exiting))
		return;
	if (delayed_work_pending(&kn->work) &&
	    time_before_eq(READ_ONCE(t->expires), jiffies + delay))
		return;
	mod_delayed_work(system_wq, &kn->work, delay);
}

static void lft_insert(struct kesp_net *kn, struct kesp_sa *sa)
{
	struct rb_node **link = &kn->lft_queue.rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (sa->lft_due < rb_entry(parent, struct kesp_sa,
					   lft_node)->lft_due) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&sa->lft_node, parent, link);
	rb_insert_color_cached(&sa->lft_node, &kn->lft_queue, leftmost);
}

static void lft_remove(struct kesp_net *kn, struct kesp_sa *sa)
{
	if (RB_EMPTY_NODE(&sa->lft_node))
		return;
	rb_erase_cached(&sa->lft_node, &kn->lft_queue);
	RB_CLEAR_NODE(&sa->lft_node);
}

void kesp_lifetime_queue_locked(struct kesp_sa *sa)
{
	struct kesp_net *kn = sa->kn;
	time64_t due = lft_due(sa), now;

	lockdep_assert_held(&sa->lock);
	spin_lock_bh(&kn->lft_lock);
	if (sa->lft_gone)
		goto out;
	lft_remove(kn, sa);
	sa->lft_due = due;
	if (!due)
		goto out;
	lft_insert(kn, sa);
	now = kesp_now();
	lifetime_kick(kn, delay_until(due, now));
out:
	spin_unlock_bh(&kn->lft_lock);
}

void kesp_lifetime_queue(struct kesp_sa *sa)
{
	spin_lock_bh(&sa->lock);
	kesp_lifetime_queue_locked(sa);
	spin_unlock_bh(&sa->lock);
}

void kesp_lifetime_retire(struct kesp_sa *sa)
{
	/* Stop using it now; the timer removes it and tells. */
	WRITE_ONCE(sa->dead, true);
	kesp_lifetime_queue(sa);
}

void kesp_lifetime_unqueue(struct kesp_sa *sa)
{
	struct kesp_net *kn = sa->kn;

	spin_lock_bh(&kn->lft_lock);
	lft_remove(kn, sa);
	sa->lft_gone = true;
	spin_unlock_bh(&kn->lft_lock);
}

/* The first SA of the queue if it is due at @now, taken off the queue. */
static struct kesp_sa *lft_pop_due(struct kesp_net *kn, time64_t now)
{
	struct kesp_sa *sa = NULL;
	struct rb_node *first;

	spin_lock_bh(&kn->lft_lock);
	first = rb_first_cached(&kn->lft_queue);
	if (first && rb_entry(first, struct kesp_sa, lft_node)->lft_due <= now) {
		sa = rb_entry(first, struct kesp_sa, lft_node);
		lft_remove(kn, sa);
	}
	spin_unlock_bh(&kn->lft_lock);
	return sa;
}

/* The SAs due at @now: expire, remove or queue them again. */
static void lifetime_run_due(struct kesp_net *kn, time64_t now)
{
	enum kesp_limit lim;
	struct kesp_sa *sa;

	lockdep_assert_held(&kn->lock);
	while ((sa = lft_pop_due(kn, now))) {
		lim = time_limit(sa, now);
		if (lim == KESP_LIM_HARD || READ_ONCE(sa->dead)) {
			kesp_nl_notify_expire(sa, true, GFP_KERNEL);
			kesp_sa_unlink(sa);
			continue;
		}
		if (lim == KESP_LIM_SOFT)
			kesp_nl_notify_expire(sa, false, GFP_KERNEL);
		/* Its next limit, later than @now: this loop ends. */
		kesp_lifetime_queue(sa);
	}
}

static void lifetime_work(struct work_struct *work)
{
	struct kesp_net *kn = container_of(to_delayed_work(work),
					   struct kesp_net, work);
	time64_t now = kesp_now();
	struct rb_node *first;
	unsigned long delay;
	bool held;

	mutex_lock(&kn->lock);
	lifetime_run_due(kn, now);
	kesp_acquire_expire(kn);
	held = kesp_spi_resv_expire(kn);
	spin_lock_bh(&kn->lft_lock);
	first = rb_first_cached(&kn->lft_queue);
	delay = ULONG_MAX;
	if (first) {
		time64_t due = rb_entry(first, struct kesp_sa,
					lft_node)->lft_due;

		/* 0 if a packet made one due during the run. */
		delay = delay_until(due, now);
	}
	if (atomic_read(&kn->acquiring) || held)
		delay = min_t(unsigned long, delay, HZ);
	if (delay != ULONG_MAX)
		lifetime_kick(kn, delay);
	spin_unlock_bh(&kn->lft_lock);
	mutex_unlock(&kn->lock);
}

void kesp_lifetime_start(struct kesp_net *kn)
{
	spin_lock_bh(&kn->lft_lock);
	lifetime_kick(kn, HZ);
	spin_unlock_bh(&kn->lft_lock);
}

void kesp_lifetime_init(struct kesp_net *kn)
{
	spin_lock_init(&kn->lft_lock);
	kn->lft_queue = RB_ROOT_CACHED;
	INIT_DELAYED_WORK(&kn->work, lifetime_work);
}

void kesp_lifetime_exit(struct kesp_net *kn)
{
	WRITE_ONCE(kn->exiting, true);
	cancel_delayed_work_sync(&kn->work);
}
