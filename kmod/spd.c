// SPDX-License-Identifier: GPL-2.0
/*
 * The SPD of one namespace: one list per direction, kept in precedence
 * order (priority, then the more specific selector, then the older
 * policy), for dumps and writers. The packet path does not walk it: the
 * policies are also hashed by (family, destination prefix length, masked
 * destination), each bucket in precedence order, so a lookup costs one
 * bucket walk per destination prefix length in use (a handful in real
 * SPDs) however many policies there are. Writers hold kesp_net.lock;
 * readers use RCU.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <net/ipv6.h>
#include <linux/slab.h>
#include "acquire.h"
#include "flow.h"
#include "policy.h"

#define SPD_HASH_BITS 12
/* IDs count up from 1: their low bits spread them evenly. */
#define SPD_ID_BITS 10

struct kesp_spd_index {
	/* How many policies have each destination prefix length. */
	u32 plen4[33];
	u32 plen6[129];
	struct hlist_head bucket[1 << SPD_HASH_BITS];
	/* The policies of this direction by ID, for writers. */
	struct hlist_head ids[1 << SPD_ID_BITS];
};

static struct kmem_cache *policy_cache;

int kesp_policy_cache_init(void)
{
	/* Charged to the memory cgroup of whoever adds them. */
	policy_cache = KMEM_CACHE(kesp_policy, SLAB_ACCOUNT);
	return policy_cache ? 0 : -ENOMEM;
}

void kesp_policy_cache_exit(void)
{
	kmem_cache_destroy(policy_cache);
}

struct kesp_policy *kesp_policy_alloc(void)
{
	struct kesp_policy *pol = kmem_cache_zalloc(policy_cache, GFP_KERNEL);

	if (pol)
		skb_queue_head_init(&pol->hold);
	return pol;
}

void kesp_policy_free(struct kesp_policy *pol)
{
	/* A packet held after the purge at unlink still goes here. */
	skb_queue_purge(&pol->hold);
	kmem_cache_free(policy_cache, pol);
}

static void policy_free_rcu(struct rcu_head *head)
{
	kesp_policy_free(container_of(head, struct kesp_policy, rcu));
}

void kesp_spd_init(struct kesp_net *kn)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kn->spd); i++)
		INIT_LIST_HEAD(&kn->spd[i]);
	kn->policy_gen = 1;
}

void kesp_spd_exit(struct kesp_net *kn)
{
	int i;

	mutex_lock(&kn->lock);
	kesp_policy_flush(kn, 0);
	mutex_unlock(&kn->lock);
	/* The hooks are gone (synchronize_net()): no reader is left. */
	for (i = 0; i < ARRAY_SIZE(kn->spd_index); i++)
		kvfree(rcu_access_pointer(kn->spd_index[i]));
}

static u32 *plen_count(struct kesp_spd_index *idx, u16 family, u8 plen)
{
	return family == AF_INET ? &idx->plen4[plen] : &idx->plen6[plen];
}

static struct hlist_head *bucket(struct kesp_spd_index *idx, u16 family,
				 const union kesp_addr *dst, u8 plen)
{
	struct in6_addr a6;
	u32 h;

	if (family == AF_INET) {
		h = jhash_1word((__force u32)(dst->a4 & inet_make_mask(plen)),
				plen);
	} else {
		ipv6_addr_prefix(&a6, &dst->a6, plen);
		h = jhash(&a6, sizeof(a6), plen);
	}
	return &idx->bucket[h & ((1 << SPD_HASH_BITS) - 1)];
}

static u32 port_span(const struct kesp_sel *s)
{
	return (u32)(s->sport_max - s->sport_min) +
	       (u32)(s->dport_max - s->dport_min);
}

/* < 0 if @a takes precedence over @b, > 0 if @b does, 0 if equal. */
static int precedence(const struct kesp_policy *a, const struct kesp_policy *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->sel.dplen != b->sel.dplen)
		return a->sel.dplen > b->sel.dplen ? -1 : 1;
	if (a->sel.splen != b->sel.splen)
		return a->sel.splen > b->sel.splen ? -1 : 1;
	if (!a->sel.proto != !b->sel.proto)
		return a->sel.proto ? -1 : 1;
	if (port_span(&a->sel) != port_span(&b->sel))
		return port_span(&a->sel) < port_span(&b->sel) ? -1 : 1;
	return 0;
}

static void index_add(struct kesp_spd_index *idx, struct kesp_policy *pol)
{
	struct hlist_head *b = bucket(idx, pol->sel.family, &pol->sel.dst,
				      pol->sel.dplen);
	struct kesp_policy *p, *last = NULL;

	hlist_for_each_entry(p, b, hnode) {
		if (precedence(pol, p) < 0) {
			hlist_add_before_rcu(&pol->hnode, &p->hnode);
			goto counted;
		}
		last = p;
	}
	if (last)
		hlist_add_behind_rcu(&pol->hnode, &last->hnode);
	else
		hlist_add_head_rcu(&pol->hnode, b);
counted:
	(*plen_count(idx, pol->sel.family, pol->sel.dplen))++;
}

static struct kesp_spd_index *index_get(struct kesp_net *kn, u8 dir)
{
	struct kesp_spd_index *idx;

	idx = rcu_dereference_protected(kn->spd_index[dir],
					lockdep_is_held(&kn->lock));
	if (idx)
		return idx;
	idx = kvzalloc(sizeof(*idx), GFP_KERNEL_ACCOUNT);
	if (idx)
		rcu_assign_pointer(kn->spd_index[dir], idx);
	return idx;
}

static struct hlist_head *id_bucket(struct kesp_spd_index *idx, u32 id)
{
	return &idx->ids[id & ((1 << SPD_ID_BITS) - 1)];
}

/*
 * A policy with the same selectors and priority as @pol: it would be in
 * @pol's bucket, the selectors' destination and prefix being the same.
 */
static bool index_dup(struct kesp_spd_index *idx,
		      const struct kesp_policy *pol)
{
	struct kesp_policy *p;

	hlist_for_each_entry(p, bucket(idx, pol->sel.family, &pol->sel.dst,
				       pol->sel.dplen), hnode)
		if (p->priority == pol->priority &&
		    !memcmp(&p->sel, &pol->sel, sizeof(p->sel)))
			return true;
	return false;
}

int kesp_policy_insert(struct kesp_net *kn, struct kesp_policy *pol,
		       struct netlink_ext_ack *extack)
{
	struct list_head *head = &kn->spd[pol->dir];
	struct kesp_spd_index *idx;
	struct kesp_policy *p;

	lockdep_assert_held(&kn->lock);
	idx = index_get(kn, pol->dir);
	if (!idx)
		return -ENOMEM;
	if (index_dup(idx, pol)) {
		NL_SET_ERR_MSG(extack, "policy with same selectors and priority exists");
		return -EEXIST;
	}
	/* IDs are never 0 and not reused while the namespace lives. */
	pol->id = ++kn->policy_next_id;
	/*
	 * After every policy that precedes it or ties (older wins ties).
	 * The list is sorted, so those that @pol precedes are a tail of it:
	 * from the end, a batch of like policies is inserted at once.
	 */
	list_for_each_entry_reverse(p, head, list)
		if (precedence(pol, p) >= 0)
			break;
	list_add_rcu(&pol->list, &p->list);
	index_add(idx, pol);
	hlist_add_head(&pol->idnode, id_bucket(idx, pol->id));
	kn->policy_count++;
	kn->policy_gen++;
	return 0;
}

struct kesp_policy *kesp_spd_lookup(struct kesp_net *kn, u8 dir,
				    const struct kesp_flow *fl)
{
	struct kesp_policy *p, *best = NULL;
	struct kesp_spd_index *idx;
	int plen;

	idx = rcu_dereference(kn->spd_index[dir]);
	if (!idx)
		return NULL;
	for (plen = fl->family == AF_INET ? 32 : 128; plen >= 0; plen--) {
		if (!READ_ONCE(*plen_count(idx, fl->family, plen)))
			continue;
		/* The first match in a bucket is the best of its prefix. */
		hlist_for_each_entry_rcu(p, bucket(idx, fl->family, &fl->dst,
						   plen), hnode) {
			if (p->sel.dplen != plen || !kesp_sel_match(&p->sel, fl))
				continue;
			if (!best || precedence(p, best) < 0)
				best = p;
			break;
		}
	}
	return best;
}

struct kesp_policy *kesp_policy_find(struct kesp_net *kn, u32 id)
{
	struct kesp_spd_index *idx;
	struct kesp_policy *p;
	int i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < ARRAY_SIZE(kn->spd_index); i++) {
		idx = rcu_dereference_protected(kn->spd_index[i],
						lockdep_is_held(&kn->lock));
		if (!idx)
			continue;
		hlist_for_each_entry(p, id_bucket(idx, id), idnode)
			if (p->id == id)
				return p;
	}
	return NULL;
}

void kesp_policy_unlink(struct kesp_net *kn, struct kesp_policy *pol)
{
	lockdep_assert_held(&kn->lock);
	/*
	 * Dead before it leaves the lists: a packet that still finds it is
	 * not held and sends no ACQUIRE from here on.
	 */
	kesp_acquire_purge(kn, pol);
	list_del_rcu(&pol->list);
	hlist_del_rcu(&pol->hnode);
	hlist_del(&pol->idnode);
	(*plen_count(rcu_dereference_protected(kn->spd_index[pol->dir],
					       lockdep_is_held(&kn->lock)),
		     pol->sel.family, pol->sel.dplen))--;
	kn->policy_count--;
	kn->policy_gen++;
	call_rcu(&pol->rcu, policy_free_rcu);
}

unsigned int kesp_policy_flush(struct kesp_net *kn, u8 dir)
{
	struct kesp_policy *p, *tmp;
	unsigned int n = 0;
	int i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; i < ARRAY_SIZE(kn->spd); i++) {
		if (dir && i != dir)
			continue;
		list_for_each_entry_safe(p, tmp, &kn->spd[i], list) {
			kesp_policy_unlink(kn, p);
			n++;
		}
	}
	return n;
}
