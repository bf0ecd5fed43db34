// SPDX-License-Identifier: GPL-2.0
/*
 * SPI reservations: an IKE responder (or a rekeying initiator) asks for
 * an inbound SPI before it has the keys of the SA. Once its peer has the
 * answer it may send on the new SA at once, while our daemon still
 * computes keys and adds the SA: ESP for a reserved SPI is therefore
 * held, a few packets for a few seconds, and put through the inbound
 * path when the SA arrives, instead of being lost as in-no-sa.
 *
 * Reservations are hashed by (family, destination, SPI), read under RCU
 * by the packet path, and listed oldest first: all live as long, so the
 * head of the list is the next to expire. Writers hold kn->lock; each
 * reservation's queue has its own lock, under which @dead says the
 * reservation has left the table and takes no more packets.
 */

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include "input.h"
#include "lifetime.h"
#include "spi_resv.h"
#include "stats.h"

#define RESV_LIMITS __stringify(KESP_SPI_RESV_MAX) " per namespace, each held " \
		    __stringify(KESP_SPI_RESV_SECS) " s or until its SA is added"

struct kesp_spi_resv {
	struct rhash_head node;
	struct list_head list;		/* kn->spi_resv_list, RCU */
	struct kesp_sa_key key;
	unsigned long expires;		/* jiffies */
	struct sk_buff_head held;	/* ESP that came before the SA */
	unsigned long held_since;	/* jiffies of the oldest held */
	bool dead;			/* under held.lock */
	struct rcu_head rcu;
};

/*
 * How long ESP waits for its SA. A daemon adds it within milliseconds;
 * a slow machine (a test VM under a debug kernel) may need longer.
 */
static unsigned int spi_hold_ms = KESP_SPI_HOLD_MS;
module_param(spi_hold_ms, uint, 0644);
MODULE_PARM_DESC(spi_hold_ms, "milliseconds ESP for a reserved SPI waits for its SA (default 2000, at most 60000)");

static unsigned long hold_jiffies(void)
{
	return msecs_to_jiffies(min_t(unsigned int, READ_ONCE(spi_hold_ms),
				      KESP_SPI_HOLD_MS_MAX));
}

static const struct rhashtable_params resv_params = {
	.key_len = sizeof(struct kesp_sa_key),
	.key_offset = offsetof(struct kesp_spi_resv, key),
	.head_offset = offsetof(struct kesp_spi_resv, node),
	.automatic_shrinking = true,
};

int kesp_spi_resv_init(struct kesp_net *kn)
{
	INIT_LIST_HEAD(&kn->spi_resv_list);
	atomic_set(&kn->spi_held, 0);
	return rhashtable_init(&kn->spi_resv, &resv_params);
}

/* Drop every packet of @q, counted as ESP without an SA. */
static void drop_held(struct kesp_net *kn, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q))) {
		kesp_stats_inc(kn, KESP_STAT_IN_NO_SA);
		kfree_skb(skb);
	}
}

/* Move what @r holds to @q; with @kill, @r takes no more. */
static void take_held(struct kesp_net *kn, struct kesp_spi_resv *r,
		      struct sk_buff_head *q, bool kill)
{
	spin_lock_bh(&r->held.lock);
	if (kill)
		r->dead = true;
	atomic_sub(skb_queue_len(&r->held), &kn->spi_held);
	skb_queue_splice_tail_init(&r->held, q);
	spin_unlock_bh(&r->held.lock);
}

/* Take @r out of the table; what it held goes to @q. Holds kn->lock. */
static void resv_remove(struct kesp_net *kn, struct kesp_spi_resv *r,
			struct sk_buff_head *q)
{
	lockdep_assert_held(&kn->lock);
	rhashtable_remove_fast(&kn->spi_resv, &r->node, resv_params);
	list_del_rcu(&r->list);
	WRITE_ONCE(kn->spi_resv_count, kn->spi_resv_count - 1);
	take_held(kn, r, q, true);
	kfree_rcu(r, rcu);
}

/* Reservations past their time: the oldest, at the head of the list. */
static void expire_old(struct kesp_net *kn, struct sk_buff_head *q)
{
	struct kesp_spi_resv *r, *tmp;

	list_for_each_entry_safe(r, tmp, &kn->spi_resv_list, list) {
		if (time_before_eq(jiffies, r->expires))
			break;
		resv_remove(kn, r, q);
	}
}

void kesp_spi_resv_exit(struct kesp_net *kn)
{
	struct kesp_spi_resv *r, *tmp;
	struct sk_buff_head q;

	__skb_queue_head_init(&q);
	mutex_lock(&kn->lock);
	list_for_each_entry_safe(r, tmp, &kn->spi_resv_list, list)
		resv_remove(kn, r, &q);
	mutex_unlock(&kn->lock);
	drop_held(kn, &q);
	rhashtable_destroy(&kn->spi_resv);
}

int kesp_spi_alloc(struct kesp_net *kn, u16 family,
		   const union kesp_addr *dst, u32 min, u32 max, u32 *spi,
		   struct netlink_ext_ack *extack)
{
	struct kesp_spi_resv *r;
	struct sk_buff_head q;
	int tries, err;

	lockdep_assert_held(&kn->lock);
	__skb_queue_head_init(&q);
	expire_old(kn, &q);
	drop_held(kn, &q);
	if (kn->spi_resv_count >= KESP_SPI_RESV_MAX) {
		NL_SET_ERR_MSG(extack, "too many SPIs reserved (" RESV_LIMITS ")");
		return -ENOSPC;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->key.family = family;
	r->key.dir = KESP_DIR_IN;
	memcpy(&r->key.dst, dst, kesp_addr_len(family));

	/* Random, so SPIs do not reveal how many SAs came before. */
	for (tries = 0; tries < 64; tries++) {
		r->key.spi = min + get_random_u32_below(max - min + 1 ?: U32_MAX);
		if (r->key.spi >= min && r->key.spi <= max && r->key.spi &&
		    !kesp_sa_find(kn, &r->key) &&
		    !rhashtable_lookup_fast(&kn->spi_resv, &r->key,
					    resv_params))
			break;
	}
	if (tries == 64) {
		kfree(r);
		return -EAGAIN;
	}
	r->expires = jiffies + KESP_SPI_RESV_SECS * HZ;
	skb_queue_head_init(&r->held);
	err = rhashtable_insert_fast(&kn->spi_resv, &r->node, resv_params);
	if (err) {
		kfree(r);
		return err;
	}
	list_add_tail_rcu(&r->list, &kn->spi_resv_list);
	WRITE_ONCE(kn->spi_resv_count, kn->spi_resv_count + 1);
	*spi = r->key.spi;
	return 0;
}

bool kesp_spi_resv_hold(struct kesp_net *kn, const struct kesp_sa_key *key,
			struct sk_buff *skb)
{
	struct kesp_spi_resv *r;
	bool held = false;

	r = rhashtable_lookup(&kn->spi_resv, key, resv_params);
	if (!r)
		return false;
	spin_lock_bh(&r->held.lock);
	if (!r->dead && time_before_eq(jiffies, r->expires) &&
	    skb_queue_len(&r->held) < KESP_SPI_HOLD_MAX) {
		if (atomic_inc_return(&kn->spi_held) > KESP_SPI_HOLD_NET_MAX) {
			atomic_dec(&kn->spi_held);
		} else {
			if (skb_queue_empty(&r->held))
				r->held_since = jiffies;
			/* A held packet must not pin a route, nor its device. */
			skb_dst_drop(skb);
			__skb_queue_tail(&r->held, skb);
			held = true;
		}
	}
	spin_unlock_bh(&r->held.lock);
	if (held) {
		kesp_stats_inc(kn, KESP_STAT_IN_HELD);
		kesp_lifetime_start(kn);
	}
	return held;
}

void kesp_spi_resv_consume(struct kesp_net *kn, const struct kesp_sa_key *key)
{
	struct kesp_spi_resv *r;
	struct sk_buff_head q;

	lockdep_assert_held(&kn->lock);
	r = rhashtable_lookup_fast(&kn->spi_resv, key, resv_params);
	if (!r)
		return;
	__skb_queue_head_init(&q);
	/*
	 * From taking the packets to handing them on, one RCU read side
	 * (BH off): a device that unregisters meanwhile, whose packets the
	 * notifier no longer finds on @r, is not freed under them.
	 */
	local_bh_disable();
	rcu_read_lock();
	resv_remove(kn, r, &q);
	kesp_input_held(kn, &q);
	rcu_read_unlock();
	local_bh_enable();
}

bool kesp_spi_resv_expire(struct kesp_net *kn)
{
	unsigned long deadline;
	struct kesp_spi_resv *r;
	struct sk_buff_head q;

	lockdep_assert_held(&kn->lock);
	__skb_queue_head_init(&q);
	expire_old(kn, &q);
	if (atomic_read(&kn->spi_held)) {
		list_for_each_entry(r, &kn->spi_resv_list, list) {
			deadline = READ_ONCE(r->held_since) + hold_jiffies();
			if (!skb_queue_empty_lockless(&r->held) &&
			    time_after(jiffies, deadline))
				take_held(kn, r, &q, false);
		}
	}
	drop_held(kn, &q);
	return atomic_read(&kn->spi_held);
}

/*
 * A device is unregistering: packets held from it would reach the stack
 * with a device that is gone. Under RTNL, after the device stopped
 * receiving; the list is walked under RCU, so no kn->lock under RTNL.
 */
static int resv_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kesp_net *kn = kesp_net(dev_net(dev));
	struct sk_buff *skb, *tmp;
	struct kesp_spi_resv *r;
	struct sk_buff_head q;

	/* 0 also in a namespace where kesp's init has not run (or failed). */
	if (event != NETDEV_UNREGISTER || !atomic_read(&kn->spi_held))
		return NOTIFY_DONE;
	__skb_queue_head_init(&q);
	rcu_read_lock();
	list_for_each_entry_rcu(r, &kn->spi_resv_list, list) {
		spin_lock_bh(&r->held.lock);
		skb_queue_walk_safe(&r->held, skb, tmp) {
			if (skb->dev != dev)
				continue;
			__skb_unlink(skb, &r->held);
			atomic_dec(&kn->spi_held);
			__skb_queue_tail(&q, skb);
		}
		spin_unlock_bh(&r->held.lock);
	}
	rcu_read_unlock();
	drop_held(kn, &q);
	return NOTIFY_DONE;
}

static struct notifier_block resv_netdev_notifier = {
	.notifier_call = resv_netdev_event,
};

int kesp_spi_resv_notifier_init(void)
{
	return register_netdevice_notifier(&resv_netdev_notifier);
}

void kesp_spi_resv_notifier_exit(void)
{
	unregister_netdevice_notifier(&resv_netdev_notifier);
}
