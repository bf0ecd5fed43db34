// SPDX-License-Identifier: GPL-2.0
/*
 * The inbound path (RFC 4303 3.4): ESP addressed to this host is matched
 * to its SA by SPI, checked against the replay window, decrypted and
 * verified in place, and only then recorded in the window; the inner
 * packet must fit the SA's selectors and re-enters the stack through
 * GRO (gro.c) as if it had arrived on the same interface, behind the
 * Ethernet header its ESP packet came with. Decrypted
 * packets carry a secpath so that inbound policies, nftables' "meta
 * ipsec" and XFRM's own checks know they were protected; once routing
 * has decided, LOCAL_IN or FORWARD checks them against the IN or FWD
 * policies, whose template must name the SA that decrypted them.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include "ct.h"
#include "encap.h"
#include "esp.h"
#include "flow.h"
#include "gro.h"
#include "input.h"
#include "lifetime.h"
#include "netlink.h"
#include "parallel.h"
#include "pipeline.h"
#include "policy.h"
#include "spi_resv.h"
#include "stats.h"

/* RFC 4303 2.6: a dummy packet, to be dropped without a word. */
#define NEXTHDR_DUMMY 59

/* What esp_input() was told about a packet held for its SA, in skb->cb. */
struct held_cb {
	struct kesp_encap_in in;
	u16 family;
	u16 off;
	bool encap;
};

static struct held_cb *held_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct held_cb) > sizeof(skb->cb));
	return (struct held_cb *)skb->cb;
}

/*
 * What esp_input() was told, for a packet that waits for its SA or in
 * its SA's pipeline: the stack's control block is of no more use, as
 * ESP ends here.
 */
static void set_held_cb(struct sk_buff *skb, u16 family, unsigned int off,
			const struct kesp_encap_in *in)
{
	struct held_cb *cb = held_cb(skb);

	memset(cb, 0, sizeof(*cb));
	cb->family = family;
	cb->off = off;
	cb->encap = !!in;
	if (in)
		cb->in = *in;
}

static void drop(struct kesp_net *kn, struct kesp_sa *sa, struct sk_buff *skb,
		 enum kesp_stat why)
{
	if (sa)
		kesp_sa_count_error(sa, why);
	else
		kesp_stats_inc(kn, why);
	kfree_skb(skb);
}

/* The inner packet of a tunnel: a whole IP packet, trimmed to its length. */
static int inner_ip(struct sk_buff *skb, u8 nexthdr, u16 *family)
{
	if (nexthdr == IPPROTO_IPIP) {
		const struct iphdr *iph = (void *)skb->data;

		if (skb->len < sizeof(*iph) || iph->version != 4 ||
		    iph->ihl < 5 || ntohs(iph->tot_len) > skb->len ||
		    ntohs(iph->tot_len) < iph->ihl * 4)
			return -EINVAL;
		*family = AF_INET;
		skb->protocol = htons(ETH_P_IP);
		return pskb_trim(skb, ntohs(iph->tot_len));
	}
	if (nexthdr == IPPROTO_IPV6) {
		const struct ipv6hdr *ip6h = (void *)skb->data;

		if (skb->len < sizeof(*ip6h) || ip6h->version != 6 ||
		    sizeof(*ip6h) + ntohs(ip6h->payload_len) > skb->len)
			return -EINVAL;
		*family = AF_INET6;
		skb->protocol = htons(ETH_P_IPV6);
		return pskb_trim(skb, sizeof(*ip6h) + ntohs(ip6h->payload_len));
	}
	return -EINVAL;
}

/*
 * Transport mode: close the gap ESP leaves between the IP header (@hlen
 * bytes) and the payload, then say what the payload is.
 */
static int transport_header(struct sk_buff *skb, unsigned int hlen,
			    unsigned int esplen, u8 nexthdr, u16 family)
{
	memmove(skb->data + esplen, skb->data, hlen);
	__skb_pull(skb, esplen);
	skb_reset_network_header(skb);
	if (family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->protocol = nexthdr;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->nexthdr = nexthdr;
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		skb->protocol = htons(ETH_P_IPV6);
	}
	return 0;
}

/*
 * Put the link-layer header the ESP packet arrived with (its Ethernet
 * header, where the outer packet's MAC header still lies in the
 * headroom) right in front of the decrypted packet, as XFRM does with
 * skb_mac_header_rebuild() before handing a tunnel's inner packet back:
 * without it a packet socket on the interface (tcpdump) would read the
 * inner IP header as the frame's header. The Ethernet type becomes the
 * inner packet's, which differs from the outer's in 4in6 and 6in4.
 * Without a usable old header (none set, or no room) the packet gets an
 * empty one, as before.
 */
static void inner_mac_header(struct sk_buff *skb)
{
	unsigned int len = skb->mac_len;
	const u8 *old;

	if (!skb_mac_header_was_set(skb) || !len || len > skb_headroom(skb) ||
	    skb_mac_header(skb) + len > skb->data) {
		skb_reset_mac_header(skb);
		skb->mac_len = 0;
		return;
	}
	old = skb_mac_header(skb);
	skb_set_mac_header(skb, -len);
	memmove(skb_mac_header(skb), old, len);
	if (len == ETH_HLEN && skb->dev && skb->dev->type == ARPHRD_ETHER)
		eth_hdr(skb)->h_proto = skb->protocol;
}

/*
 * Hand the decrypted packet back to the stack; consumes @skb. @csum_ok:
 * the inner TCP/UDP checksum need not be verified (see in_finish()).
 */
static void reinject(struct kesp_net *kn, struct kesp_sa *sa,
		     struct sk_buff *skb, bool csum_ok)
{
	struct sec_path *sp = secpath_set(skb);
	struct xfrm_state *x;

	if (!sp || sp->len == XFRM_MAX_DEPTH)
		return drop(kn, sa, skb, KESP_STAT_NOMEM);
	/* SA_UPDATE may swap the mark; the old one is freed after RCU. */
	rcu_read_lock();
	x = rcu_dereference(sa->mark);
	if (x && !refcount_inc_not_zero(&x->refcnt))
		x = NULL;
	rcu_read_unlock();
	if (!x)
		return drop(kn, sa, skb, KESP_STAT_NOMEM);
	sp->xvec[sp->len++] = x;
	skb_reset_network_header(skb);
	inner_mac_header(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = csum_ok ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	/* The stack is behind: the packet is gone, counted as no buffer. */
	if (!kesp_gro_receive(skb))
		kesp_sa_count_error(sa, KESP_STAT_NOMEM);
}

/*
 * An authenticated ESP-in-UDP packet from another address or port than
 * the SA's: the peer's NAT mapping changed. Tell the daemon, once a
 * second at most; the SA stays as it is until the daemon moves it.
 */
static void check_mapping(struct kesp_sa *sa, const struct kesp_encap_in *in)
{
	unsigned long now = jiffies;
	bool tell = false;

	/* Under the lock: SA_UPDATE changes the endpoints under it too. */
	spin_lock_bh(&sa->lock);
	if ((in->sport != sa->cfg.encap_sport ||
	     !kesp_addr_equal(sa->cfg.key.family, &in->saddr, &sa->cfg.src)) &&
	    (!sa->mapping_sent || time_after_eq(now, sa->mapping_sent + HZ))) {
		sa->mapping_sent = now ?: 1;
		tell = true;
	}
	spin_unlock_bh(&sa->lock);
	if (tell)
		kesp_nl_notify_mapping(sa, &in->saddr, in->sport, GFP_ATOMIC);
}

static void in_finish(struct kesp_pkt *pkt, int err)
{
	struct sk_buff *skb = pkt->skb;
	struct kesp_sa *sa = pkt->sa;
	struct kesp_net *kn = sa->kn;
	unsigned int esplen = KESP_ESP_HLEN + pkt->sz.ivlen;
	unsigned int off = pkt->esp_off, padlen;
	struct ip_esp_hdr *esph;
	struct kesp_flow fl;
	u16 family = sa->cfg.key.family;
	int cause = 0, lim;
	u8 nexthdr;

	esph = (struct ip_esp_hdr *)(skb->data + off);
	if (sa->cfg.flags & KESP_SA_F_ESN) {
		memcpy(&esph->spi, (u8 *)esph - KESP_ESN_EXTRA,
		       sizeof(esph->spi));
		memcpy((u8 *)esph - KESP_ESN_EXTRA, pkt->saved,
		       KESP_ESN_EXTRA);
	}
	if (err) {
		drop(kn, sa, skb, err == -EBADMSG ? KESP_STAT_IN_AUTH :
		     KESP_STAT_CRYPTO);
		goto out;
	}
	/* Verified: now, and only now, the packet may move the window. */
	spin_lock_bh(&sa->lock);
	cause = kesp_replay_check(&sa->replay, pkt->seq);
	/* Accepted, but behind one already in: count what the path reorders. */
	if (!cause && pkt->seq < sa->replay.top)
		this_cpu_inc(kn->stats->in_reordered);
	if (!cause) {
		kesp_replay_advance(&sa->replay, pkt->seq);
		lim = kesp_sa_count_packet(sa, pkt->clen);
	}
	spin_unlock_bh(&sa->lock);
	if (cause) {
		drop(kn, sa, skb, cause);
		goto out;
	}
	kesp_sa_limit_reached(sa, lim);
	if (pkt->encap)
		check_mapping(sa, &pkt->in);

	if (!kesp_esp_check_trailer(esph->enc_data + pkt->sz.ivlen + pkt->clen,
				    pkt->clen, &padlen, &nexthdr)) {
		drop(kn, sa, skb, KESP_STAT_IN_PADDING);
		goto out;
	}
	if (nexthdr == NEXTHDR_DUMMY) {
		consume_skb(skb);
		goto out;
	}
	err = pskb_trim(skb, off + esplen + pkt->clen - padlen - 2);
	if (err)
		goto nomem;
	if (sa->cfg.mode == KESP_MODE_TUNNEL) {
		__skb_pull(skb, off + esplen);
		skb_reset_network_header(skb);
		err = inner_ip(skb, nexthdr, &family);
		if (err == -EINVAL) {
			drop(kn, sa, skb, KESP_STAT_IN_MALFORMED);
			goto out;
		}
	} else {
		err = transport_header(skb, off, esplen, nexthdr, family);
	}
	if (err)
		goto nomem;
	if (sa->cfg.has_sel &&
	    (!kesp_flow_from_skb(skb, family, &fl) ||
	     !kesp_sel_match(&sa->cfg.sel, &fl))) {
		drop(kn, sa, skb, KESP_STAT_IN_SELECTOR);
		goto out;
	}
	/*
	 * RFC 3948 3.1.2: in transport mode a NAT on the way changed the
	 * addresses the inner TCP/UDP checksum covers; the ICV has
	 * authenticated the packet, so its checksum is not verified.
	 */
	reinject(kn, sa, skb, pkt->encap && sa->cfg.mode == KESP_MODE_TRANSPORT);
	goto out;
nomem:
	drop(kn, sa, skb, KESP_STAT_NOMEM);
out:
	kesp_sa_put(sa);
	kesp_pkt_free(pkt);
}

static void in_done(struct crypto_async_request *base, int err)
{
	struct kesp_pkt *pkt = base->data;

	local_bh_disable();
	in_finish(pkt, err);
	local_bh_enable();
}

/*
 * Decrypt on any CPU (parallel.c); the packets of one SA reach the
 * replay window and the stack in the order they arrived here.
 */
static void parallel_decrypt(struct kesp_pkt *pkt)
{
	struct kesp_sa *sa = pkt->sa;
	bool queued;

	spin_lock_bh(&sa->lock);
	queued = kesp_seqq_add(sa, pkt);
	spin_unlock_bh(&sa->lock);
	if (!queued) {
		/* More waiting than the CPUs decrypt: as if out of memory. */
		drop(sa->kn, sa, pkt->skb, KESP_STAT_NOMEM);
		kesp_sa_put(sa);
		kesp_pkt_free(pkt);
		return;
	}
	pkt->finish = in_finish;
	kesp_parallel_submit(pkt);
}

/*
 * Where ESP starts, or 0 if @skb is not ESP. IPv4 is reassembled before
 * LOCAL_IN; IPv6 only after it, so fragmented ESP (a peer's outer
 * fragmentation) is reassembled here first: -EINPROGRESS means it was
 * kept for that, another error that it must be dropped.
 */
static int esp_offset(struct net *net, struct sk_buff *skb, u16 family)
{
	struct frag_hdr _fh, *fh;
	__be16 frag_off;
	u8 nexthdr;
	int off, err;

	if (family == AF_INET)
		return ip_hdr(skb)->protocol == IPPROTO_ESP ? ip_hdrlen(skb) : 0;
	nexthdr = ipv6_hdr(skb)->nexthdr;
	if (nexthdr == IPPROTO_ESP)
		return sizeof(struct ipv6hdr);
	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	if (off < 0 || !frag_off)
		return 0;	/* not a fragment: the stack's business */
	if (nexthdr == NEXTHDR_FRAGMENT) {
		/* A later fragment: its header says what it carries. */
		fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
		if (!fh)
			return 0;
		nexthdr = fh->nexthdr;
	}
	if (nexthdr != IPPROTO_ESP)
		return 0;
	err = kesp_defrag6(net, skb, KESP_DEFRAG_IN);
	if (err)
		return err;
	/* Whole again, fragment header gone. */
	return ipv6_hdr(skb)->nexthdr == IPPROTO_ESP ?
	       sizeof(struct ipv6hdr) : 0;
}

/*
 * Decrypt @skb, ESP at @off; always takes the packet. @in: where it came
 * from if it arrived in UDP, else NULL.
 */
static void esp_input(struct kesp_net *kn, struct sk_buff *skb, u16 family,
		      unsigned int off, const struct kesp_encap_in *in);

/*
 * ESP for an SPI with no SA: if the SPI is reserved, its SA may be a
 * moment away; keep the packet for it. Consumes @skb.
 */
static void no_sa(struct kesp_net *kn, struct sk_buff *skb, u16 family,
		  const union kesp_addr *daddr, __be32 spi, unsigned int off,
		  const struct kesp_encap_in *in)
{
	struct kesp_sa_key key;

	memset(&key, 0, sizeof(key));
	key.family = family;
	key.dir = KESP_DIR_IN;
	key.spi = ntohl(spi);
	memcpy(&key.dst, daddr, kesp_addr_len(family));
	set_held_cb(skb, family, off, in);
	if (!kesp_spi_resv_hold(kn, &key, skb))
		drop(kn, NULL, skb, KESP_STAT_IN_NO_SA);
}

void kesp_input_held(struct kesp_net *kn, struct sk_buff_head *q)
{
	struct kesp_encap_in in;
	struct sk_buff *skb;
	struct held_cb *cb;

	while ((skb = __skb_dequeue(q))) {
		cb = held_cb(skb);
		in = cb->in;
		esp_input(kn, skb, cb->family, cb->off,
			  cb->encap ? &in : NULL);
	}
}

static void esp_input_sa(struct kesp_net *kn, struct kesp_sa *sa,
			 struct sk_buff *skb, u16 family, unsigned int off,
			 const struct kesp_encap_in *in);

static void esp_input(struct kesp_net *kn, struct sk_buff *skb, u16 family,
		      unsigned int off, const struct kesp_encap_in *in)
{
	struct ip_esp_hdr *esph;
	union kesp_addr daddr;
	struct kesp_sa *sa;

	if (!pskb_may_pull(skb, off + KESP_ESP_HLEN))
		return drop(kn, NULL, skb, KESP_STAT_IN_MALFORMED);
	esph = (struct ip_esp_hdr *)(skb->data + off);
	if (family == AF_INET)
		daddr.a4 = ip_hdr(skb)->daddr;
	else
		daddr.a6 = ipv6_hdr(skb)->daddr;
	sa = kesp_sa_hold_rcu(kesp_sa_lookup_in(kn, family, &daddr,
						esph->spi));
	if (!sa)
		return no_sa(kn, skb, family, &daddr, esph->spi, off, in);
	if (!kesp_pipe_wanted(sa, skb))
		return esp_input_sa(kn, sa, skb, family, off, in);
	set_held_cb(skb, family, off, in);
	kesp_pipe_add(sa, skb);
	kesp_sa_put(sa);
}

void kesp_input_piped(struct kesp_sa *sa, struct sk_buff *skb)
{
	struct held_cb *cb = held_cb(skb);
	struct kesp_encap_in in = cb->in;

	/* esp_input_sa() takes a reference; the worker keeps its own. */
	refcount_inc(&sa->refcnt);
	esp_input_sa(sa->kn, sa, skb, cb->family, cb->off,
		     cb->encap ? &in : NULL);
}

/* Decrypt @skb, ESP at @off, with @sa; takes @skb and the SA reference. */
static void esp_input_sa(struct kesp_net *kn, struct kesp_sa *sa,
			 struct sk_buff *skb, u16 family, unsigned int off,
			 const struct kesp_encap_in *in)
{
	struct kesp_esp_sizes sz;
	struct ip_esp_hdr *esph;
	struct kesp_pkt *pkt;
	int elen, cause, err;
	u8 *ad;
	u64 seq;

	if (READ_ONCE(sa->dead)) {
		drop(kn, sa, skb, KESP_STAT_IN_EXPIRED);
		goto put;
	}
	/* ESP in UDP only for an SA with encapsulation, to its port. */
	if (in ? in->dport != READ_ONCE(sa->cfg.encap_dport) :
	    kesp_sa_encap(sa)) {
		drop(kn, sa, skb, KESP_STAT_IN_ENCAP_MISMATCH);
		goto put;
	}
	esph = (struct ip_esp_hdr *)(skb->data + off);
	kesp_esp_sizes(sa, &sz);
	elen = skb->len - off - KESP_ESP_HLEN - sz.ivlen - sz.icvlen;
	if (elen <= 0 || elen % sz.blksize) {
		drop(kn, sa, skb, KESP_STAT_IN_MALFORMED);
		goto put;
	}
	seq = kesp_replay_infer(&sa->replay, sa->cfg.flags & KESP_SA_F_ESN,
				ntohl(esph->seq_no));
	spin_lock_bh(&sa->lock);
	cause = kesp_replay_check(&sa->replay, seq);
	spin_unlock_bh(&sa->lock);
	if (!seq)	/* never sent: the first number is 1 */
		cause = KESP_STAT_IN_REPLAY;
	if (cause) {
		drop(kn, sa, skb, cause);
		goto put;
	}
	if (kesp_ct_confirm(skb) != NF_ACCEPT || skb_linearize_cow(skb)) {
		drop(kn, sa, skb, KESP_STAT_NOMEM);
		goto put;
	}
	pkt = kesp_pkt_alloc(sa, GFP_ATOMIC);
	if (!pkt) {
		drop(kn, sa, skb, KESP_STAT_NOMEM);
		goto put;
	}
	pkt->skb = skb;
	pkt->seq = seq;
	pkt->esp_off = off;
	pkt->clen = elen;
	pkt->encap = !!in;
	if (in)
		pkt->in = *in;
	esph = (struct ip_esp_hdr *)(skb->data + off);
	ad = (u8 *)esph;
	if (sa->cfg.flags & KESP_SA_F_ESN) {
		/* SPI, high and low sequence: borrow 4 bytes of IP header. */
		ad -= KESP_ESN_EXTRA;
		memcpy(pkt->saved, ad, KESP_ESN_EXTRA);
		memcpy(ad, &esph->spi, sizeof(esph->spi));
		esph->spi = htonl(upper_32_bits(seq));
	}
	pkt->buf = ad;
	pkt->decrypt = true;
	if (pkt->req) {
		sg_init_one(&pkt->sg, ad,
			    sz.assoclen + sz.ivlen + elen + sz.icvlen);
		aead_request_set_crypt(pkt->req, &pkt->sg, &pkt->sg,
				       sz.ivlen + elen + sz.icvlen, pkt->iv);
		aead_request_set_ad(pkt->req, sz.assoclen);
	}
	/* The packet's reference to the SA goes with pkt from here. */
	if (READ_ONCE(kesp_parallel))
		return parallel_decrypt(pkt);
	if (pkt->req)
		aead_request_set_callback(pkt->req, 0, in_done, pkt);
	err = kesp_pkt_crypt(pkt);
	if (err != -EINPROGRESS)
		in_finish(pkt, err);
	return;
put:
	kesp_sa_put(sa);
}

/*
 * Tells kesp's marks from XFRM's states in a secpath: their ->data, which
 * XFRM's own states only set through their type, never to this.
 */
static const char mark_tag[] = "kesp";

struct xfrm_state *kesp_input_mark_alloc(struct net *net,
					 const struct kesp_sa_cfg *cfg)
{
	unsigned int alen = kesp_addr_len(cfg->key.family);
	struct xfrm_state *x = xfrm_state_alloc(net);

	if (!x)
		return NULL;
	/*
	 * Never in XFRM's tables: dead from birth, so the last put frees it
	 * (after an RCU grace period, in XFRM's garbage collector). XFRM's
	 * own policy checks read the last state of the path: transport mode
	 * and a selector that matches everything make them accept the
	 * packet in a namespace without XFRM policies. kesp's mode goes in
	 * the outer mode, which only XFRM's own input and output read.
	 */
	x->km.state = XFRM_STATE_DEAD;
	x->props.mode = XFRM_MODE_TRANSPORT;
	x->outer_mode.encap = cfg->mode == KESP_MODE_TUNNEL ?
			      XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	x->id.proto = IPPROTO_ESP;
	x->id.spi = htonl(cfg->key.spi);
	x->props.family = cfg->key.family;
	x->props.reqid = cfg->reqid;
	memcpy(&x->id.daddr, &cfg->key.dst, alen);
	memcpy(&x->props.saddr, &cfg->src, alen);
	x->data = (void *)mark_tag;
	return x;
}

/* The mark of the kesp SA that decrypted @skb last, or NULL. */
static const struct xfrm_state *decap_mark(const struct sk_buff *skb)
{
	const struct sec_path *sp = skb_sec_path(skb);
	const struct xfrm_state *x;

	if (!sp || !sp->len)
		return NULL;
	x = sp->xvec[sp->len - 1];
	return x->data == mark_tag ? x : NULL;
}

/* Whether the SA that @x stands for is one that template @t asks for. */
static bool tmpl_match(const struct kesp_tmpl *t, const struct xfrm_state *x)
{
	u8 mode = x->outer_mode.encap == XFRM_MODE_TUNNEL ? KESP_MODE_TUNNEL :
		  KESP_MODE_TRANSPORT;
	unsigned int alen;

	if (t->mode != mode || (t->reqid && t->reqid != x->props.reqid))
		return false;
	/* A transport template without addresses takes any peer. */
	if (!t->family)
		return true;
	alen = kesp_addr_len(t->family);
	return t->family == x->props.family &&
	       !memcmp(&t->src, &x->props.saddr, alen) &&
	       !memcmp(&t->dst, &x->id.daddr, alen);
}

/*
 * A packet kesp decrypted (SA mark @x), now delivered (IN) or forwarded
 * (FWD): as with XFRM's inbound policy check, it needs a PROTECT policy
 * of that direction whose template the SA fits. A DISCARD or BYPASS
 * policy, another SA's policy or none drop it: the SA's own selectors,
 * checked at decryption, do not make up for a missing policy.
 */
static unsigned int decrypted(struct kesp_net *kn, struct sk_buff *skb,
			      u16 family, u8 dir, const struct xfrm_state *x)
{
	struct kesp_policy *pol;
	struct kesp_flow fl;

	if (!kesp_flow_from_skb(skb, family, &fl))
		goto drop;
	pol = kesp_spd_lookup(kn, dir, &fl);
	if (!pol)
		goto drop;
	atomic64_inc(&pol->packets);
	if (pol->action == KESP_ACTION_PROTECT && tmpl_match(&pol->tmpl, x))
		return NF_ACCEPT;
drop:
	kesp_stats_inc(kn, KESP_STAT_IN_POLICY);
	return NF_DROP;
}

/* A cleartext packet meets the inbound or forward SPD. */
static unsigned int cleartext(struct kesp_net *kn, struct sk_buff *skb,
			      u16 family, u8 dir)
{
	struct kesp_policy *pol;
	struct kesp_flow fl;

	/* XFRM's decrypted packets: XFRM's policies decide. */
	if (list_empty(&kn->spd[dir]) || secpath_exists(skb))
		return NF_ACCEPT;
	/* Selectors that cannot be read cannot be let past the policies. */
	if (!kesp_flow_from_skb(skb, family, &fl)) {
		kesp_stats_inc(kn, KESP_STAT_IN_MALFORMED);
		return NF_DROP;
	}
	/*
	 * ESP in UDP is checked once decrypted, and IKE on the same port
	 * must reach the daemon whatever the policies say.
	 */
	if (dir == KESP_DIR_IN && fl.proto == IPPROTO_UDP && fl.has_ports &&
	    kesp_encap_port(kn, htons(fl.dport)))
		return NF_ACCEPT;
	pol = kesp_spd_lookup(kn, dir, &fl);
	if (!pol)
		return NF_ACCEPT;
	atomic64_inc(&pol->packets);
	switch (pol->action) {
	case KESP_ACTION_PROTECT:
		kesp_stats_inc(kn, KESP_STAT_IN_CLEARTEXT);
		return NF_DROP;
	case KESP_ACTION_DISCARD:
		kesp_stats_inc(kn, KESP_STAT_IN_DISCARD);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

/* What is not ESP meets the policies of @dir, decrypted or not. */
static unsigned int check_policy(struct kesp_net *kn, struct sk_buff *skb,
				 u16 family, u8 dir)
{
	const struct xfrm_state *x;

	if (secpath_exists(skb)) {
		x = decap_mark(skb);
		if (x)
			return decrypted(kn, skb, family, dir, x);
	}
	return cleartext(kn, skb, family, dir);
}

unsigned int kesp_in_hook(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct kesp_net *kn = kesp_net(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	int off;

	/*
	 * A packet decrypted here is checked even if its SA is gone; ESP
	 * for a reserved SPI waits for its SA even if it is the first.
	 */
	if (!READ_ONCE(kn->sa_count) && list_empty(&kn->spd[KESP_DIR_IN]) &&
	    !READ_ONCE(kn->spi_resv_count) && !secpath_exists(skb))
		return NF_ACCEPT;
	off = esp_offset(state->net, skb, family);
	if (off == -EINPROGRESS)
		return NF_STOLEN;
	if (off < 0) {
		kesp_stats_inc(kn, KESP_STAT_IN_MALFORMED);
		return NF_DROP;
	}
	if (!off)
		return check_policy(kn, skb, family, KESP_DIR_IN);
	local_bh_disable();
	esp_input(kn, skb, family, off, NULL);
	local_bh_enable();
	return NF_STOLEN;
}

void kesp_input_encap(struct kesp_net *kn, struct sk_buff *skb, u16 family,
		      unsigned int off, const struct kesp_encap_in *in)
{
	esp_input(kn, skb, family, off, in);
}

unsigned int kesp_fwd_hook(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct kesp_net *kn = kesp_net(state->net);

	return check_policy(kn, skb, state->pf == NFPROTO_IPV4 ? AF_INET :
			    AF_INET6, KESP_DIR_FWD);
}
