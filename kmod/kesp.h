/* SPDX-License-Identifier: GPL-2.0 */
/* Per-network-namespace state of kesp.ko, shared by every file of the module. */

#ifndef _KESP_KESP_H
#define _KESP_KESP_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/kesp.h>

struct kesp_stats;

struct kesp_spd_index;

/* Buckets of the outbound-SA hash (by family and peer address). */
#define KESP_SA_OUT_BITS 10

/*
 * One per network namespace, allocated by the pernet core (net_generic) so
 * that a namespace's SAs, policies and counters die with it.
 */
struct kesp_net {
	struct net *net;
	struct kesp_stats __percpu *stats;

	/*
	 * Serialises every change of the SAD and SPD of this namespace.
	 * Only netlink handlers and timers take it; the packet path reads
	 * under RCU.
	 */
	struct mutex lock;
	struct rhashtable sad;		/* struct kesp_sa by kesp_sa_key */
	struct list_head sa_list;	/* every SA, oldest first */
	unsigned int sa_count;
	unsigned int sa_gen;		/* bumped on change, for dumps */
	/* SPIs reserved by SPI_ALLOC (spi_resv.c), and the ESP they hold. */
	struct rhashtable spi_resv;	/* struct kesp_spi_resv by key */
	struct list_head spi_resv_list;	/* the same, oldest first */
	unsigned int spi_resv_count;
	atomic_t spi_held;		/* packets held, all reservations */
	/* Outbound SAs by peer, newest first: what a PROTECT policy uses. */
	struct hlist_head sa_out[1 << KESP_SA_OUT_BITS];

	/* SPD: struct kesp_policy per direction, indexed by enum kesp_dir. */
	struct list_head spd[__KESP_DIR_MAX];
	/* The same policies hashed for the packet path; NULL until used. */
	struct kesp_spd_index __rcu *spd_index[__KESP_DIR_MAX];
	u32 policy_next_id;
	unsigned int policy_count;
	unsigned int policy_gen;	/* bumped on change, for dumps */

	/*
	 * Timers of the namespace: lifetimes by time, SAs past a hard limit
	 * (marked dead by the packet path), packets held for an ACQUIRE.
	 * @lft_queue orders the SAs with a time limit, or dead, by when
	 * they next need a look, so the timer visits only those due.
	 */
	struct delayed_work work;
	spinlock_t lft_lock;		/* @lft_queue and each SA's lft_* */
	struct rb_root_cached lft_queue;
	atomic_t acquiring;		/* policies waiting for an SA */
	bool exiting;
	/* Packets inside the transforms, possibly async: exit waits. */
	atomic_t inflight;

	/*
	 * UDP encapsulation sockets (encap.c): struct kesp_encap_sock,
	 * changed under @encap_lock (close can come from any context that
	 * releases a socket), read under RCU by the packet path.
	 */
	spinlock_t encap_lock;
	struct list_head encap_socks;
};

extern unsigned int kesp_net_id;

static inline struct kesp_net *kesp_net(const struct net *net)
{
	return net_generic(net, kesp_net_id);
}

#endif /* _KESP_KESP_H */
