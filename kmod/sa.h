/* SPDX-License-Identifier: GPL-2.0 */
/* Security associations and the per-namespace SAD that finds them. */

#ifndef _KESP_SA_H
#define _KESP_SA_H

#include <linux/in6.h>
#include <linux/rhashtable-types.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <net/dst_cache.h>
#include "kesp.h"
#include "parallel.h"
#include "pipeline.h"
#include "replay.h"

struct crypto_aead;
struct kesp_chachapoly;
struct netlink_ext_ack;
struct xfrm_state;
struct nlattr;

union kesp_addr {
	__be32 a4;
	struct in6_addr a6;
};

/* Traffic selectors; ports are host order, inclusive ranges. */
struct kesp_sel {
	union kesp_addr src, dst;
	u16 family;
	u8 splen, dplen;
	u8 proto;		/* 0: any */
	u16 sport_min, sport_max;
	u16 dport_min, dport_max;
};

/* Limits from KESP_SA_A_LIFETIME, in uapi order; 0 means none. */
struct kesp_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_add_secs, hard_add_secs;
	u64 soft_use_secs, hard_use_secs;
};

/* What identifies an SA in the SAD: SPI, direction and destination. */
struct kesp_sa_key {
	union kesp_addr dst;
	u32 spi;
	u16 family;
	u8 dir;
	u8 pad;
};

/* What userspace chose for an SA and may read back, keys excepted. */
struct kesp_sa_cfg {
	struct kesp_sa_key key;
	union kesp_addr src;
	struct kesp_sel sel;
	bool has_sel;
	u8 mode;
	u16 enc, integ;
	u32 flags, reqid, replay_window;
	struct kesp_lifetime lft;
	/* UDP encapsulation (RFC 3948): both 0 for plain ESP. */
	__be16 encap_sport, encap_dport;
};

struct kesp_sa {
	struct rhash_head node;		/* kesp_net.sad, by cfg.key */
	struct list_head list;		/* kesp_net.sa_list, for dump/flush */
	struct hlist_node out_node;	/* kesp_net.sa_out, outbound only */
	struct rcu_head rcu;
	refcount_t refcnt;
	struct kesp_net *kn;

	struct kesp_sa_cfg cfg;
	u16 enc_bits;		/* cipher key size, for status pages */
	struct crypto_aead *aead;
	/* ChaCha20-Poly1305 through the library (chachapoly.c), or NULL. */
	struct kesp_chachapoly *chachapoly;
	time64_t add_time;		/* kesp_now() */
	struct dst_cache dst_cache;	/* outbound: the route to the peer */
	/*
	 * Inbound: what a decrypted packet's secpath carries, for the IN
	 * and FWD policy checks (input.h). SA_UPDATE replaces it.
	 */
	struct xfrm_state __rcu *mark;

	/* Changed by the packet path under @lock. */
	spinlock_t lock;
	u64 seq;		/* outbound: the last number sent */
	struct kesp_replay replay;	/* inbound */
	struct kesp_seqq seqq;		/* packets in parallel crypto */
	struct kesp_pipe pipe;		/* inbound: ESP for another CPU */
	time64_t use_time;	/* kesp_now(); 0 until the first packet */
	u64 packets, bytes;
	u64 errors[__KESP_STAT_MAX];
	bool soft_sent;		/* the soft EXPIRE went out */
	unsigned long mapping_sent;	/* jiffies of the last MAPPING event */
	/*
	 * Past a hard limit: no packet uses it any more and the lifetime
	 * worker removes it. Read locklessly by the packet path.
	 */
	bool dead;

	/*
	 * The namespace's lifetime queue (lifetime.c), under
	 * kesp_net.lft_lock: when the SA's time limits next need a look.
	 * Empty node: not queued; @lft_gone: unlinked, never again.
	 */
	struct rb_node lft_node;
	time64_t lft_due;
	bool lft_gone;
};

/* The SA as netlink described it, keys included, before it is built. */
struct kesp_sa_params {
	struct kesp_sa_cfg cfg;
	const u8 *enc_key, *integ_key;
	unsigned int enc_keylen, integ_keylen;
	u64 seq;		/* outbound: the last sequence number sent */
};

int kesp_sad_init(struct kesp_net *kn);
void kesp_sad_exit(struct kesp_net *kn);

int kesp_sa_cache_init(void);
void kesp_sa_cache_exit(void);

/*
 * Build and insert an SA; the caller holds kn->lock. @attrs (KESP_SA_A_*)
 * only serve to point the extack at a bad attribute.
 */
int kesp_sa_add(struct kesp_net *kn, const struct kesp_sa_params *p,
		struct nlattr **attrs, struct netlink_ext_ack *extack);
/* Lookup with kn->lock held (writers). */
struct kesp_sa *kesp_sa_find(struct kesp_net *kn,
			     const struct kesp_sa_key *key);
/* Unlink and drop the table's reference; the caller holds kn->lock. */
void kesp_sa_unlink(struct kesp_sa *sa);
void kesp_sa_put(struct kesp_sa *sa);
/* A packet of @sa dropped for @why: counted on the SA and namespace-wide. */
void kesp_sa_count_error(struct kesp_sa *sa, enum kesp_stat why);
/* Remove every SA of @dir (0: all); returns how many. Holds kn->lock. */
unsigned int kesp_sa_flush(struct kesp_net *kn, u8 dir);

/* The inbound SA for an ESP packet, under rcu_read_lock(); no reference. */
struct kesp_sa *kesp_sa_lookup_in(struct kesp_net *kn, u16 family,
				  const union kesp_addr *dst, __be32 spi);
struct kesp_sa *kesp_sa_hold_rcu(struct kesp_sa *sa);
struct kesp_tmpl;
struct kesp_flow;
/*
 * The outbound SA a PROTECT policy's template @t wants for a packet of
 * flow @fl: the newest live one, under rcu_read_lock(); no reference.
 */
struct kesp_sa *kesp_sa_lookup_out(struct kesp_net *kn,
				   const struct kesp_tmpl *t,
				   const struct kesp_flow *fl);

/*
 * Move @sa to new outer endpoints (SA_UPDATE after a NAT mapping change);
 * NULL or 0 keeps a part. The caller holds kn->lock. -EEXIST if the new
 * destination names another SA.
 */
int kesp_sa_move(struct kesp_sa *sa, const union kesp_addr *src,
		 const union kesp_addr *dst, __be16 sport, __be16 dport);

/*
 * Seconds on the clock of lifetimes, ages and SPI reservations: boot
 * time, which setting the date does not move and which counts time
 * suspended (keys age then too). Never 0, so that 0 can mean "never".
 */
static inline time64_t kesp_now(void)
{
	return ktime_get_boottime_seconds() + 1;
}

static inline bool kesp_sa_encap(const struct kesp_sa *sa)
{
	return sa->cfg.encap_dport != 0;
}

static inline unsigned int kesp_addr_len(u16 family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(__be32);
}

#endif /* _KESP_SA_H */
