// SPDX-License-Identifier: GPL-2.0
/*
 * The SAD of one namespace: SAs hashed by (SPI, direction, destination)
 * for O(1) lookup under RCU from the packet path, and listed for dumps.
 * Writers hold kesp_net.lock; an SA is freed after a grace period and
 * after the last packet holding a reference lets go.
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/xfrm.h>
#include "acquire.h"
#include "crypto.h"
#include "flow.h"
#include "input.h"
#include "lifetime.h"
#include "policy.h"
#include "sa.h"
#include "spi_resv.h"
#include "stats.h"

static struct kmem_cache *sa_cache;

static const struct rhashtable_params sad_params = {
	.key_len = sizeof(struct kesp_sa_key),
	.key_offset = offsetof(struct kesp_sa, cfg.key),
	.head_offset = offsetof(struct kesp_sa, node),
	.automatic_shrinking = true,
};

int kesp_sad_init(struct kesp_net *kn)
{
	INIT_LIST_HEAD(&kn->sa_list);
	/* Dumps compare generations; 0 would read as "not started". */
	kn->sa_gen = 1;
	return rhashtable_init(&kn->sad, &sad_params);
}

void kesp_sad_exit(struct kesp_net *kn)
{
	mutex_lock(&kn->lock);
	kesp_sa_flush(kn, 0);
	mutex_unlock(&kn->lock);
	rhashtable_destroy(&kn->sad);
}

int kesp_sa_cache_init(void)
{
	/* Charged to the memory cgroup of whoever adds them. */
	sa_cache = KMEM_CACHE(kesp_sa, SLAB_ACCOUNT);
	return sa_cache ? 0 : -ENOMEM;
}

void kesp_sa_cache_exit(void)
{
	kmem_cache_destroy(sa_cache);
}

static void sa_free_rcu(struct rcu_head *head)
{
	struct kesp_sa *sa = container_of(head, struct kesp_sa, rcu);
	struct xfrm_state *x = rcu_dereference_protected(sa->mark, 1);

	if (x)
		xfrm_state_put(x);
	kesp_crypto_sa_free(sa);
	kesp_replay_free(&sa->replay);
	dst_cache_destroy(&sa->dst_cache);
	kmem_cache_free(sa_cache, sa);
}

void kesp_sa_put(struct kesp_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		call_rcu(&sa->rcu, sa_free_rcu);
}

struct kesp_sa *kesp_sa_hold_rcu(struct kesp_sa *sa)
{
	return sa && refcount_inc_not_zero(&sa->refcnt) ? sa : NULL;
}

struct kesp_sa *kesp_sa_lookup_in(struct kesp_net *kn, u16 family,
				  const union kesp_addr *dst, __be32 spi)
{
	struct kesp_sa_key key;

	memset(&key, 0, sizeof(key));
	key.family = family;
	key.dir = KESP_DIR_IN;
	key.spi = ntohl(spi);
	memcpy(&key.dst, dst, kesp_addr_len(family));
	return rhashtable_lookup(&kn->sad, &key, sad_params);
}

static u32 out_hash(u16 family, const union kesp_addr *dst)
{
	u32 h = family == AF_INET ? (__force u32)dst->a4 :
		jhash(&dst->a6, sizeof(dst->a6), 0);

	return hash_32(h, KESP_SA_OUT_BITS);
}

struct kesp_sa *kesp_sa_lookup_out(struct kesp_net *kn,
				   const struct kesp_tmpl *t,
				   const struct kesp_flow *fl)
{
	/* A transport template without addresses means: the packet's. */
	u16 family = t->family ?: fl->family;
	const union kesp_addr *dst = t->family ? &t->dst : &fl->dst;
	struct kesp_sa *sa;

	hlist_for_each_entry_rcu(sa, &kn->sa_out[out_hash(family, dst)],
				 out_node) {
		if (sa->cfg.key.family != family || sa->cfg.mode != t->mode ||
		    !kesp_addr_equal(family, &sa->cfg.key.dst, dst) ||
		    (t->reqid && sa->cfg.reqid != t->reqid) ||
		    (t->family && !kesp_addr_equal(family, &sa->cfg.src,
						   &t->src)) ||
		    READ_ONCE(sa->dead))
			continue;
		if (sa->cfg.has_sel && !kesp_sel_match(&sa->cfg.sel, fl))
			continue;
		return sa;
	}
	return NULL;
}

struct kesp_sa *kesp_sa_find(struct kesp_net *kn,
			     const struct kesp_sa_key *key)
{
	lockdep_assert_held(&kn->lock);
	return rhashtable_lookup_fast(&kn->sad, key, sad_params);
}

int kesp_sa_add(struct kesp_net *kn, const struct kesp_sa_params *p,
		struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	struct xfrm_state *mark;
	struct kesp_sa *sa;
	int err;

	lockdep_assert_held(&kn->lock);
	if (kesp_sa_find(kn, &p->cfg.key)) {
		NL_SET_ERR_MSG(extack, "an SA with this SPI, direction and destination exists");
		return -EEXIST;
	}
	sa = kmem_cache_zalloc(sa_cache, GFP_KERNEL);
	if (!sa)
		return -ENOMEM;
	refcount_set(&sa->refcnt, 1);
	spin_lock_init(&sa->lock);
	kesp_seqq_init(&sa->seqq);
	kesp_pipe_init(&sa->pipe);
	sa->kn = kn;
	sa->cfg = p->cfg;
	sa->seq = p->seq;
	sa->add_time = kesp_now();
	RB_CLEAR_NODE(&sa->lft_node);

	err = kesp_replay_init(&sa->replay, p->cfg.key.dir == KESP_DIR_IN ?
			       p->cfg.replay_window : 0, GFP_KERNEL_ACCOUNT);
	if (err)
		goto free_sa;
	err = dst_cache_init(&sa->dst_cache, GFP_KERNEL_ACCOUNT);
	if (err)
		goto free_replay;
	err = kesp_crypto_sa_init(sa, p, attrs, extack);
	if (err)
		goto free_dst_cache;
	if (p->cfg.key.dir == KESP_DIR_IN) {
		err = -ENOMEM;
		mark = kesp_input_mark_alloc(kn->net, &p->cfg);
		if (!mark)
			goto free_crypto;
		RCU_INIT_POINTER(sa->mark, mark);
	}
	err = rhashtable_insert_fast(&kn->sad, &sa->node, sad_params);
	if (err)
		goto free_mark;
	list_add_tail(&sa->list, &kn->sa_list);
	kn->sa_count++;
	kn->sa_gen++;
	if (p->cfg.key.dir == KESP_DIR_IN) {
		/* ESP that came first goes through it now. */
		kesp_spi_resv_consume(kn, &p->cfg.key);
	} else {
		/* Newest first: after a rekey the new SA takes over at once. */
		hlist_add_head_rcu(&sa->out_node,
				   &kn->sa_out[out_hash(p->cfg.key.family,
							&p->cfg.key.dst)]);
		kesp_acquire_resolve(kn);
	}
	kesp_lifetime_queue(sa);
	return 0;

free_mark:
	mark = rcu_dereference_protected(sa->mark, 1);
	if (mark)
		xfrm_state_put(mark);
free_crypto:
	kesp_crypto_sa_free(sa);
free_dst_cache:
	dst_cache_destroy(&sa->dst_cache);
free_replay:
	kesp_replay_free(&sa->replay);
free_sa:
	kmem_cache_free(sa_cache, sa);
	return err;
}

void kesp_sa_count_error(struct kesp_sa *sa, enum kesp_stat why)
{
	kesp_stats_inc(sa->kn, why);
	spin_lock_bh(&sa->lock);
	sa->errors[why]++;
	spin_unlock_bh(&sa->lock);
}

void kesp_sa_unlink(struct kesp_sa *sa)
{
	struct kesp_net *kn = sa->kn;

	lockdep_assert_held(&kn->lock);
	rhashtable_remove_fast(&kn->sad, &sa->node, sad_params);
	if (sa->cfg.key.dir == KESP_DIR_OUT)
		hlist_del_rcu(&sa->out_node);
	WRITE_ONCE(sa->dead, true);
	kesp_lifetime_unqueue(sa);
	list_del(&sa->list);
	kn->sa_count--;
	kn->sa_gen++;
	kesp_sa_put(sa);
}

unsigned int kesp_sa_flush(struct kesp_net *kn, u8 dir)
{
	struct kesp_sa *sa, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry_safe(sa, tmp, &kn->sa_list, list) {
		if (dir && sa->cfg.key.dir != dir)
			continue;
		kesp_sa_unlink(sa);
		n++;
	}
	return n;
}

int kesp_sa_move(struct kesp_sa *sa, const union kesp_addr *src,
		 const union kesp_addr *dst, __be16 sport, __be16 dport)
{
	struct kesp_net *kn = sa->kn;
	struct kesp_sa_key key = sa->cfg.key, old = sa->cfg.key;
	bool out = key.dir == KESP_DIR_OUT, rehash = false;
	unsigned int alen = kesp_addr_len(key.family);
	struct xfrm_state *mark = NULL;
	struct kesp_sa_cfg cfg;
	int err = 0;

	lockdep_assert_held(&kn->lock);
	if (dst && !kesp_addr_equal(key.family, dst, &key.dst)) {
		memcpy(&key.dst, dst, alen);
		if (kesp_sa_find(kn, &key))
			return -EEXIST;
		rehash = true;
	}
	/* Inbound: the policy checks must see the new peers, so a new mark. */
	if (!out && (src || rehash)) {
		cfg = sa->cfg;
		cfg.key = key;
		if (src)
			memcpy(&cfg.src, src, alen);
		mark = kesp_input_mark_alloc(kn->net, &cfg);
		if (!mark)
			return -ENOMEM;
	}
	/*
	 * Between removal and insertion the SA is not found: a packet or
	 * two of a migration may be dropped, which the peer's move causes
	 * anyway. The packet path reads the endpoints without the lock.
	 */
	if (rehash) {
		rhashtable_remove_fast(&kn->sad, &sa->node, sad_params);
		if (out)
			hlist_del_rcu(&sa->out_node);
	}
	spin_lock_bh(&sa->lock);
	if (src)
		memcpy(&sa->cfg.src, src, alen);
	if (rehash)
		sa->cfg.key = key;
	if (sport)
		sa->cfg.encap_sport = sport;
	if (dport)
		sa->cfg.encap_dport = dport;
	spin_unlock_bh(&sa->lock);
	if (rehash) {
		err = rhashtable_insert_fast(&kn->sad, &sa->node, sad_params);
		if (err) {
			/* Back where it was; if even that fails, retire it. */
			spin_lock_bh(&sa->lock);
			sa->cfg.key = old;
			spin_unlock_bh(&sa->lock);
			if (rhashtable_insert_fast(&kn->sad, &sa->node,
						   sad_params)) {
				kesp_lifetime_retire(sa);
			}
		}
		if (out)
			hlist_add_head_rcu(&sa->out_node,
					   &kn->sa_out[out_hash(sa->cfg.key.family,
								&sa->cfg.key.dst)]);
		kn->sa_gen++;
	}
	if (mark) {
		/* Packets decrypted until now keep the old one. */
		if (!err)
			mark = rcu_replace_pointer(sa->mark, mark,
						   lockdep_is_held(&kn->lock));
		xfrm_state_put(mark);
	}
	/* The cached route went to the old peer or from the old source. */
	dst_cache_reset(&sa->dst_cache);
	return err;
}
