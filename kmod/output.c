// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound path: a packet leaving after routing is matched against the
 * SPD; PROTECT wraps it in ESP (RFC 4303) in a new skb, encrypts it with
 * the SA's AEAD (synchronously or not) and sends the result to the peer
 * through ip_local_out()/ip6_local_out(), so that it meets netfilter and
 * routing like any locally generated packet.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "acquire.h"
#include "ct.h"
#include "esp.h"
#include "flow.h"
#include "lifetime.h"
#include "output.h"
#include "parallel.h"
#include "policy.h"
#include "stats.h"

/*
 * Set while kesp sends an ESP packet it built: the send runs the same
 * POST_ROUTING hook again, which must let its own output pass rather than
 * look it up in the SPD (a 0.0.0.0/0 policy would match it). Only touched
 * with bottom halves off, so the CPU cannot change underneath.
 */
static DEFINE_PER_CPU(bool, sending);

static void drop(struct kesp_sa *sa, struct sk_buff *skb, enum kesp_stat why)
{
	kesp_sa_count_error(sa, why);
	kfree_skb(skb);
}

static struct dst_entry *route4(struct net *net, struct kesp_sa *sa)
{
	struct flowi4 fl4 = {
		.daddr = sa->cfg.key.dst.a4,
		.saddr = sa->cfg.src.a4,
		.flowi4_proto = kesp_sa_encap(sa) ? IPPROTO_UDP : IPPROTO_ESP,
		.fl4_sport = sa->cfg.encap_sport,
		.fl4_dport = sa->cfg.encap_dport,
	};
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&sa->dst_cache, &saddr);
	if (rt)
		return &rt->dst;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return ERR_CAST(rt);
	dst_cache_set_ip4(&sa->dst_cache, &rt->dst, fl4.saddr);
	return &rt->dst;
}

static struct dst_entry *route6(struct net *net, struct kesp_sa *sa)
{
	struct flowi6 fl6 = {
		.daddr = sa->cfg.key.dst.a6,
		.saddr = sa->cfg.src.a6,
		.flowi6_proto = kesp_sa_encap(sa) ? IPPROTO_UDP : IPPROTO_ESP,
		.fl6_sport = sa->cfg.encap_sport,
		.fl6_dport = sa->cfg.encap_dport,
	};
	struct dst_entry *dst;
	struct in6_addr saddr;
	int err;

	dst = dst_cache_get_ip6(&sa->dst_cache, &saddr);
	if (dst)
		return dst;
	dst = ip6_route_output(net, NULL, &fl6);
	err = dst->error;
	if (err) {
		dst_release(dst);
		return ERR_PTR(err);
	}
	dst_cache_set_ip6(&sa->dst_cache, dst, &fl6.saddr);
	return dst;
}

/* The route to the SA's peer, cached per SA; a reference for the caller. */
static struct dst_entry *route(struct net *net, struct kesp_sa *sa)
{
	return sa->cfg.key.family == AF_INET ? route4(net, sa) :
	       route6(net, sa);
}

static void send_out(struct net *net, struct sk_buff *skb, u16 family)
{
	__this_cpu_write(sending, true);
	if (family == AF_INET)
		ip_local_out(net, NULL, skb);
	else
		ip6_local_out(net, NULL, skb);
	__this_cpu_write(sending, false);
}

/* Tunnel mode: the new outer header, addresses from the SA (RFC 4303 3.1.2). */
static void push_outer(struct kesp_pkt *pkt, struct sk_buff *skb,
		       struct dst_entry *dst)
{
	struct kesp_sa *sa = pkt->sa;

	if (sa->cfg.key.family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = pkt->tos;
		iph->tot_len = htons(skb->len);
		iph->frag_off = pkt->df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = kesp_sa_encap(sa) ? IPPROTO_UDP : IPPROTO_ESP;
		iph->saddr = sa->cfg.src.a4;
		iph->daddr = sa->cfg.key.dst.a4;
		ip_select_ident(dev_net(dst->dev), skb, NULL);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		ip6_flow_hdr(ip6h, pkt->tos, 0);
		ip6h->nexthdr = kesp_sa_encap(sa) ? IPPROTO_UDP : IPPROTO_ESP;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = sa->cfg.src.a6;
		ip6h->daddr = sa->cfg.key.dst.a6;
		skb->protocol = htons(ETH_P_IPV6);
		skb->ignore_df = !pkt->df;
	}
}

/* Transport mode: the packet's own header, now announcing ESP. */
static void push_own_header(struct kesp_pkt *pkt, struct sk_buff *skb)
{
	u8 *h = skb_push(skb, pkt->hdrlen);
	u8 proto = kesp_sa_encap(pkt->sa) ? IPPROTO_UDP : IPPROTO_ESP;

	memcpy(h, pkt->hdr, pkt->hdrlen);
	skb_reset_network_header(skb);
	if (pkt->sa->cfg.key.family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->protocol = proto;
		iph->tot_len = htons(skb->len);
		/* ESP makes it longer than the sender measured: may fragment. */
		iph->frag_off &= ~htons(IP_DF);
		skb->protocol = htons(ETH_P_IP);
	} else {
		ipv6_hdr(skb)->nexthdr = proto;
		skb->protocol = htons(ETH_P_IPV6);
		skb->ignore_df = 1;
	}
}

/*
 * RFC 3948 2.1: the UDP header in front of ESP. Its checksum is 0 over
 * IPv4 (3.1); IPv6 needs one (RFC 8200 8.1), filled in by udp6_csum()
 * once the addresses are in place.
 */
static void push_udp(struct kesp_sa *sa, struct sk_buff *skb)
{
	struct udphdr *uh = skb_push(skb, sizeof(*uh));

	skb_reset_transport_header(skb);
	uh->source = READ_ONCE(sa->cfg.encap_sport);
	uh->dest = READ_ONCE(sa->cfg.encap_dport);
	uh->len = htons(skb->len);
	uh->check = 0;
}

static void udp6_csum(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct udphdr *uh = udp_hdr(skb);
	unsigned int len = ntohs(uh->len);

	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
				    IPPROTO_UDP, csum_partial(uh, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/* Free a packet's state that never reached out_finish(). */
static void out_free(struct kesp_pkt *pkt)
{
	dst_release(pkt->dst);
	kesp_pkt_free(pkt);
}

static void out_finish(struct kesp_pkt *pkt, int err)
{
	struct sk_buff *skb = pkt->skb;
	struct kesp_sa *sa = pkt->sa;
	struct ip_esp_hdr *esph;

	if (err) {
		drop(sa, skb, KESP_STAT_CRYPTO);
		kesp_sa_put(sa);
		out_free(pkt);
		return;
	}
	/* ESN borrowed the SPI's place for the high sequence bits. */
	esph = (struct ip_esp_hdr *)skb->data;
	esph->spi = htonl(sa->cfg.key.spi);
	esph->seq_no = htonl(lower_32_bits(pkt->seq));

	skb_dst_set(skb, pkt->dst);
	if (kesp_sa_encap(sa))
		push_udp(sa, skb);
	if (sa->cfg.mode == KESP_MODE_TUNNEL)
		push_outer(pkt, skb, pkt->dst);
	else
		push_own_header(pkt, skb);
	if (kesp_sa_encap(sa) && sa->cfg.key.family == AF_INET6)
		udp6_csum(skb);
	send_out(pkt->net, skb, sa->cfg.key.family);
	kesp_sa_put(sa);
	kesp_pkt_free(pkt);
}

static void out_done(struct crypto_async_request *base, int err)
{
	struct kesp_pkt *pkt = base->data;

	local_bh_disable();
	out_finish(pkt, err);
	local_bh_enable();
}

/* The crypto API's request for @pkt->buf, and its IV generator's seed. */
static void set_request(struct kesp_pkt *pkt, unsigned int clen, u64 seq)
{
	struct kesp_esp_sizes *sz = &pkt->sz;
	unsigned int n = min(sz->ivlen, 8U);
	__be64 seqbe = cpu_to_be64(seq);

	sg_init_one(&pkt->sg, pkt->buf,
		    sz->assoclen + sz->ivlen + clen + sz->icvlen);
	aead_request_set_crypt(pkt->req, &pkt->sg, &pkt->sg, sz->ivlen + clen,
			       pkt->iv);
	aead_request_set_ad(pkt->req, sz->assoclen);
	/* The IV generator (seqiv, echainiv) makes the IV from this seed. */
	memset(pkt->iv, 0, sz->ivlen);
	memcpy(pkt->iv + sz->ivlen - n, (u8 *)&seqbe + 8 - n, n);
}

/*
 * Take the next sequence number; 0 and a drop cause if there is none.
 * @par: the packet goes to parallel crypto, and takes its place in the
 * SA's queue with its number, in the same critical section, so that the
 * queue's order is the numbers' order.
 */
static u64 next_seq(struct kesp_sa *sa, struct kesp_pkt *par,
		    unsigned int bytes, int *cause, int *lim)
{
	u64 last = sa->cfg.flags & KESP_SA_F_ESN ? U64_MAX : U32_MAX;
	u64 seq = 0;

	*lim = KESP_LIM_NONE;
	spin_lock(&sa->lock);
	if (READ_ONCE(sa->dead)) {
		*cause = KESP_STAT_OUT_EXPIRED;
	} else if (sa->seq >= last) {
		/* RFC 4303 3.3.3: a counter must never cycle under one key. */
		*cause = KESP_STAT_OUT_SEQ_OVERFLOW;
		*lim = KESP_LIM_HARD;
	} else if (par && !kesp_seqq_add(sa, par)) {
		*cause = KESP_STAT_NOMEM;	/* more queued than CPUs crypt */
	} else {
		*cause = 0;
		seq = ++sa->seq;
		*lim = kesp_sa_count_packet(sa, bytes);
		if (seq == last)
			*lim = KESP_LIM_HARD;
	}
	spin_unlock(&sa->lock);
	return seq;
}

/*
 * Encapsulate one packet (no GSO) for @sa and send it along @dst, now or
 * when the transform completes. Consumes @skb and the reference on @dst;
 * the caller keeps its SA reference.
 */
static void esp_output(struct net *net, struct kesp_sa *sa,
		       struct sk_buff *skb, u16 family, struct dst_entry *dst)
{
	bool tunnel = sa->cfg.mode == KESP_MODE_TUNNEL;
	unsigned int hlen = 0, plen, clen, room;
	struct kesp_esp_sizes *sz;
	struct ip_esp_hdr *esph;
	struct kesp_pkt *pkt;
	struct sk_buff *nskb;
	int cause, lim, err;
	u8 nexthdr, *ad;
	bool par;
	u64 seq;

	pkt = kesp_pkt_alloc(sa, GFP_ATOMIC);
	if (!pkt) {
		dst_release(dst);
		return drop(sa, skb, KESP_STAT_NOMEM);
	}
	pkt->dst = dst;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		out_free(pkt);
		return drop(sa, skb, KESP_STAT_NOMEM);
	}
	if (tunnel) {
		nexthdr = family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	} else if (family == AF_INET) {
		hlen = ip_hdrlen(skb);
		nexthdr = ip_hdr(skb)->protocol;
	} else {
		/* Extension headers, if any, travel inside ESP. */
		hlen = sizeof(struct ipv6hdr);
		nexthdr = ipv6_hdr(skb)->nexthdr;
	}
	sz = &pkt->sz;
	plen = skb->len - hlen;
	clen = ALIGN(plen + 2, sz->blksize);
	room = LL_MAX_HEADER + KESP_ESN_EXTRA + sizeof(struct udphdr) +
	       (tunnel ? sizeof(struct ipv6hdr) : hlen);
	nskb = alloc_skb(room + KESP_ESP_HLEN + sz->ivlen + clen + sz->icvlen,
			 GFP_ATOMIC);
	if (!nskb) {
		out_free(pkt);
		return drop(sa, skb, KESP_STAT_NOMEM);
	}
	skb_reserve(nskb, room);
	esph = skb_put(nskb, KESP_ESP_HLEN + sz->ivlen + clen + sz->icvlen);
	if (skb_copy_bits(skb, hlen, esph->enc_data + sz->ivlen, plen))
		goto bad_copy;
	kesp_esp_fill_trailer(esph->enc_data + sz->ivlen + plen,
			      clen - plen - 2, nexthdr);
	if (family == AF_INET) {
		pkt->tos = ipv4_get_dsfield(ip_hdr(skb));
		pkt->df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else {
		pkt->tos = ipv6_get_dsfield(ipv6_hdr(skb));
		pkt->df = true;
	}
	memcpy(pkt->hdr, skb_network_header(skb), hlen);
	pkt->hdrlen = hlen;
	nskb->mark = skb->mark;
	nskb->priority = skb->priority;
	consume_skb(skb);

	par = READ_ONCE(kesp_parallel);
	seq = next_seq(sa, par ? pkt : NULL, plen, &cause, &lim);
	kesp_sa_limit_reached(sa, lim);
	if (cause) {
		out_free(pkt);
		return drop(sa, nskb, cause);
	}
	refcount_inc(&sa->refcnt);
	pkt->skb = nskb;
	pkt->net = net;
	pkt->seq = seq;

	esph->spi = htonl(sa->cfg.key.spi);
	esph->seq_no = htonl(lower_32_bits(seq));
	ad = (u8 *)esph;
	if (sa->cfg.flags & KESP_SA_F_ESN) {
		/* Associated data: SPI, high and low sequence, contiguous. */
		ad -= KESP_ESN_EXTRA;
		memcpy(ad, &esph->spi, sizeof(esph->spi));
		esph->spi = htonl(upper_32_bits(seq));
	}
	pkt->buf = ad;
	pkt->clen = clen;
	pkt->decrypt = false;
	if (pkt->req)
		set_request(pkt, clen, seq);
	if (par) {
		pkt->finish = out_finish;
		kesp_parallel_submit(pkt);
		return;
	}
	if (pkt->req)
		aead_request_set_callback(pkt->req, 0, out_done, pkt);
	err = kesp_pkt_crypt(pkt);
	if (err == -EINPROGRESS)
		return;
	out_finish(pkt, err);
	return;

bad_copy:
	kfree_skb(nskb);
	out_free(pkt);
	drop(sa, skb, KESP_STAT_IN_MALFORMED);
}

/*
 * Where fragments go while ip_do_fragment() calls back: the callback has
 * no argument for it. BHs are off, so the CPU stays the same.
 */
struct frag_target {
	struct kesp_sa *sa;
	struct dst_entry *dst;
};

static DEFINE_PER_CPU(struct frag_target, frag_to);

static int frag_out(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct frag_target *to = this_cpu_ptr(&frag_to);

	esp_output(net, to->sa, skb, skb->protocol == htons(ETH_P_IP) ?
		   AF_INET : AF_INET6, dst_clone(to->dst));
	return 0;
}

/*
 * Cut the inner packet to fragments of at most @max bytes before
 * encryption (RFC 4301 8.1: the peer then reassembles cleartext, not
 * ESP), as the stack would have after POST_ROUTING. Consumes @skb.
 */
static void fragment(struct net *net, struct kesp_sa *sa, struct sk_buff *skb,
		     u16 family, unsigned int max, struct dst_entry *dst)
{
	struct frag_target *to = this_cpu_ptr(&frag_to);
	const struct nf_ipv6_ops *v6ops;

	to->sa = sa;
	to->dst = dst;
	if (family == AF_INET) {
		IPCB(skb)->frag_max_size = max;
		ip_do_fragment(net, skb->sk, skb, frag_out);
	} else {
		v6ops = nf_get_ipv6_ops();
		if (!v6ops) {
			drop(sa, skb, KESP_STAT_OUT_TOO_BIG);
			goto out;
		}
		IP6CB(skb)->frag_max_size = max;
		v6ops->fragment(net, skb->sk, skb, frag_out);
	}
out:
	to->sa = NULL;
	to->dst = NULL;
}

/*
 * Lower the MSS option of a TCP SYN to @mss, for policies that ask: hosts
 * behind a gateway then never send segments the tunnel must cut or bounce
 * (path MTU discovery is often broken by filtered ICMP on the way back).
 */
static void clamp_mss(struct sk_buff *skb, u16 family, unsigned int mss)
{
	unsigned int thoff, optlen, i;
	struct tcphdr *th;
	__be16 frag_off;
	u8 nexthdr, *op;
	u16 old;
	int off;

	if (family == AF_INET) {
		if (ip_hdr(skb)->protocol != IPPROTO_TCP ||
		    ip_hdr(skb)->frag_off & htons(IP_OFFSET))
			return;
		thoff = ip_hdrlen(skb);
	} else {
		nexthdr = ipv6_hdr(skb)->nexthdr;
		off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
				       &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
			return;
		thoff = off;
	}
	if (!pskb_may_pull(skb, thoff + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	if (!th->syn || th->doff * 4 < sizeof(*th) ||
	    skb_ensure_writable(skb, thoff + th->doff * 4))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	op = (u8 *)(th + 1);
	optlen = th->doff * 4 - sizeof(*th);
	for (i = 0; i < optlen && op[i] != TCPOPT_EOL;) {
		if (op[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || op[i + 1] < 2 || i + op[i + 1] > optlen)
			return;
		if (op[i] == TCPOPT_MSS && op[i + 1] == TCPOLEN_MSS) {
			old = get_unaligned_be16(op + i + 2);
			if (old <= mss)
				return;
			put_unaligned_be16(mss, op + i + 2);
			inet_proto_csum_replace2(&th->check, skb, htons(old),
						 htons(mss), false);
			return;
		}
		i += op[i + 1];
	}
}

/*
 * The largest inner packet (tunnel) or payload (transport) that fits a
 * path MTU of @mtu once wrapped.
 */
static unsigned int fit(struct kesp_sa *sa, struct sk_buff *skb, u16 family,
			unsigned int mtu)
{
	struct kesp_esp_sizes sz;
	unsigned int hlen;

	if (sa->cfg.mode == KESP_MODE_TUNNEL)
		hlen = sa->cfg.key.family == AF_INET ? sizeof(struct iphdr) :
		       sizeof(struct ipv6hdr);
	else
		hlen = family == AF_INET ? ip_hdrlen(skb) :
		       sizeof(struct ipv6hdr);
	if (kesp_sa_encap(sa))
		hlen += sizeof(struct udphdr);
	kesp_esp_sizes(sa, &sz);
	return kesp_esp_max_payload(&sz, mtu, hlen);
}

/*
 * Make the packet fit the path to the peer once wrapped (RFC 4301 8.2):
 * tunnel mode packets that may be fragmented are cut before encryption;
 * those that may not (IPv4 DF, IPv6 not from this host) are answered
 * with the MTU that fits, so the sender's PMTU discovery works through
 * the tunnel. Transport mode keeps the packet's own header: the ESP
 * packet is fragmented after encryption. Consumes @skb.
 */
static void protect_one(struct net *net, const struct kesp_policy *pol,
			struct kesp_sa *sa, struct sk_buff *skb, u16 family)
{
	struct dst_entry *dst;
	unsigned int max, mss;
	bool may_fragment;

	/* One route lookup per packet: for the MTU, then for sending. */
	dst = route(net, sa);
	if (IS_ERR(dst))
		return drop(sa, skb, KESP_STAT_OUT_NO_ROUTE);
	max = fit(sa, skb, family, dst_mtu(dst));
	if (pol->mss_clamp) {
		mss = pol->mss;
		if (!mss && max)
			mss = max - sizeof(struct tcphdr) -
			      (sa->cfg.mode == KESP_MODE_TRANSPORT ? 0 :
			       family == AF_INET ? sizeof(struct iphdr) :
			       sizeof(struct ipv6hdr));
		if (mss)
			clamp_mss(skb, family, mss);
	}
	/* Held packets lost their route: nobody to tell, let ESP fragment. */
	if (sa->cfg.mode != KESP_MODE_TUNNEL || !skb_dst(skb) || !max ||
	    skb->len <= max)
		goto fits;
	if (family == AF_INET)
		may_fragment = skb->ignore_df ||
			       !(ip_hdr(skb)->frag_off & htons(IP_DF));
	else
		may_fragment = skb->ignore_df;
	if (may_fragment) {
		/* ip6_fragment() refuses a size above the route's PMTU. */
		fragment(net, sa, skb, family,
			 min(max, dst_mtu(skb_dst(skb))), dst);
		dst_release(dst);
		return;
	}
	if (family == AF_INET) {
		if (max < 576)
			goto fits;	/* too small to ask for: ESP fragments */
		skb_dst_update_pmtu_no_confirm(skb, max);
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(max));
	} else {
		if (max < IPV6_MIN_MTU)
			goto fits;
		skb_dst_update_pmtu_no_confirm(skb, max);
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, max);
	}
	dst_release(dst);
	drop(sa, skb, KESP_STAT_OUT_TOO_BIG);
	return;
fits:
	esp_output(net, sa, skb, family, dst);
}

/* PROTECT: find the SA or hold the packet for one; consumes @skb. */
static void protect(struct kesp_net *kn, struct kesp_policy *pol,
		    struct sk_buff *skb, const struct kesp_flow *fl)
{
	struct sk_buff *segs, *next;
	struct kesp_sa *sa;

	sa = kesp_sa_hold_rcu(kesp_sa_lookup_out(kn, &pol->tmpl, fl));
	if (!sa) {
		kesp_acquire_hold(kn, pol, skb, fl);
		return;
	}
	if (!skb_is_gso(skb)) {
		protect_one(kn->net, pol, sa, skb, fl->family);
		goto out;
	}
	/* ESP cannot be offloaded here: cut the super-packet first. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		drop(sa, skb, KESP_STAT_NOMEM);
		goto out;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		protect_one(kn->net, pol, sa, skb, fl->family);
	}
out:
	kesp_sa_put(sa);
}

/* What the SPD says about @skb; NF_STOLEN when kesp took it. */
static unsigned int decide(struct kesp_net *kn, struct sk_buff *skb,
			   u16 family)
{
	struct kesp_policy *pol;
	struct kesp_flow fl;

	/*
	 * Without its selectors (next header 59, an extension header chain
	 * cut short, a bad IP header) no policy can be said to miss it, as
	 * XFRM drops what it cannot decode.
	 */
	if (!kesp_flow_from_skb(skb, family, &fl)) {
		kesp_stats_inc(kn, KESP_STAT_OUT_MALFORMED);
		return NF_DROP;
	}
	pol = kesp_spd_lookup(kn, KESP_DIR_OUT, &fl);
	if (!pol)
		return NF_ACCEPT;
	atomic64_inc(&pol->packets);
	switch (pol->action) {
	case KESP_ACTION_BYPASS:
		return NF_ACCEPT;
	case KESP_ACTION_DISCARD:
		kesp_stats_inc(kn, KESP_STAT_OUT_DISCARD);
		return NF_DROP;
	}
	if (kesp_ct_confirm(skb) != NF_ACCEPT)
		return NF_DROP;
	protect(kn, pol, skb, &fl);
	return NF_STOLEN;
}

/* Queues of kesp's own outbound reassembly, past the kernel's users. */
#define KESP_DEFRAG4_OUT (IP_DEFRAG_MACVLAN + 1)

/*
 * Fragments of one datagram are reassembled before the SPD sees them
 * (RFC 4301 7): a later fragment has no ports and would miss a policy
 * for its datagram's ports, and leave in clear. Forwarded packets are
 * not reassembled by the stack (conntrack's defragmentation, when
 * active, already did it), and locally sent ones are fragmented only
 * after POST_ROUTING. A whole packet that the SPD lets pass is cut again
 * by the stack (frag_max_size), as after conntrack's reassembly.
 * NF_ACCEPT: @skb is whole; anything else: the hook's verdict.
 */
static unsigned int defrag(struct kesp_net *kn, struct sk_buff *skb,
			   u16 family)
{
	__be16 frag_off;
	u8 nexthdr;
	int err;

	if (family == AF_INET) {
		if (!ip_is_fragment(ip_hdr(skb)))
			return NF_ACCEPT;
		/* Not 0: taken, kept in the queue or freed. */
		return ip_defrag(kn->net, skb, KESP_DEFRAG4_OUT) ? NF_STOLEN :
		       NF_ACCEPT;
	}
	nexthdr = ipv6_hdr(skb)->nexthdr;
	if (ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
			     &frag_off) < 0 || !frag_off)
		return NF_ACCEPT;	/* unreadable: decide() drops it */
	err = kesp_defrag6(kn->net, skb, KESP_DEFRAG_OUT);
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	/* A fragment left alone (no reassembly, a truncated first one). */
	nexthdr = ipv6_hdr(skb)->nexthdr;
	if (err || ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
				    &frag_off) < 0 || frag_off) {
		kesp_stats_inc(kn, KESP_STAT_OUT_MALFORMED);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

unsigned int kesp_out_hook(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct kesp_net *kn = kesp_net(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	unsigned int verdict;

	/* No outbound policy: the namespace is not kesp's (XFRM may be). */
	if (list_empty(&kn->spd[KESP_DIR_OUT]) || this_cpu_read(sending))
		return NF_ACCEPT;
	local_bh_disable();
	verdict = defrag(kn, skb, family);
	if (verdict == NF_ACCEPT)
		verdict = decide(kn, skb, family);
	local_bh_enable();
	return verdict;
}

void kesp_output_resend(struct kesp_net *kn, struct sk_buff *skb)
{
	u16 family = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;

	local_bh_disable();
	rcu_read_lock();
	/* Anything but PROTECT now: the decision it was held for is gone. */
	if (decide(kn, skb, family) != NF_STOLEN) {
		kesp_stats_inc(kn, KESP_STAT_OUT_NO_SA);
		kfree_skb(skb);
	}
	rcu_read_unlock();
	local_bh_enable();
}
