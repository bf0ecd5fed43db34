/* SPDX-License-Identifier: GPL-2.0 */
/* Security policies and the per-namespace SPD that orders them. */

#ifndef _KESP_POLICY_H
#define _KESP_POLICY_H

#include <linux/atomic.h>
#include <linux/rculist.h>
#include <linux/skbuff.h>
#include "flow.h"
#include "sa.h"

/* The SA a PROTECT policy wants. */
struct kesp_tmpl {
	union kesp_addr src, dst;
	u16 family;		/* 0 in transport mode without addresses */
	u8 mode;
	u32 reqid;
};

struct kesp_policy {
	struct list_head list;	/* kesp_net.spd[dir], in precedence order */
	struct hlist_node hnode; /* kesp_spd_index bucket, same order */
	struct hlist_node idnode; /* kesp_spd_index ids, by @id */
	struct rcu_head rcu;
	u32 id;
	u8 dir, action;
	u32 priority;
	struct kesp_sel sel;
	struct kesp_tmpl tmpl;
	atomic64_t packets;
	bool mss_clamp;		/* lower the MSS of SYNs sent into the tunnel */
	u16 mss;		/* to this; 0: to what fits the tunnel */

	/*
	 * PROTECT without an SA: packets held until one comes (the queue's
	 * lock also guards the two fields after it).
	 */
	struct sk_buff_head hold;
	unsigned long acquire_time;	/* jiffies when ACQUIRE went out */
	bool acquiring;			/* an ACQUIRE is unanswered */
	bool dead;			/* unlinked: hold nothing more */
};

int kesp_policy_cache_init(void);
void kesp_policy_cache_exit(void);
void kesp_spd_init(struct kesp_net *kn);
void kesp_spd_exit(struct kesp_net *kn);

/* Insert in precedence order and assign an ID; holds kn->lock. */
int kesp_policy_insert(struct kesp_net *kn, struct kesp_policy *pol,
		       struct netlink_ext_ack *extack);
/* The policy of highest precedence for @fl, under rcu_read_lock(). */
struct kesp_policy *kesp_spd_lookup(struct kesp_net *kn, u8 dir,
				    const struct kesp_flow *fl);
struct kesp_policy *kesp_policy_find(struct kesp_net *kn, u32 id);
void kesp_policy_unlink(struct kesp_net *kn, struct kesp_policy *pol);
unsigned int kesp_policy_flush(struct kesp_net *kn, u8 dir);
struct kesp_policy *kesp_policy_alloc(void);
void kesp_policy_free(struct kesp_policy *pol);

#endif /* _KESP_POLICY_H */
