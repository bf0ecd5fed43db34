/* SPDX-License-Identifier: GPL-2.0 */
/* Per-network-namespace state of kesp.ko, shared by every file of the module. */

#ifndef _KESP_KESP_H
#define _KESP_KESP_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/kesp.h>

struct kesp_stats;

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
	struct list_head spi_reserved;	/* struct kesp_spi_resv */

	/* SPD: struct kesp_policy per direction, indexed by enum kesp_dir. */
	struct list_head spd[__KESP_DIR_MAX];
	u32 policy_next_id;
	unsigned int policy_count;
	unsigned int policy_gen;	/* bumped on change, for dumps */
};

extern unsigned int kesp_net_id;

static inline struct kesp_net *kesp_net(const struct net *net)
{
	return net_generic(net, kesp_net_id);
}

#endif /* _KESP_KESP_H */
