// SPDX-License-Identifier: GPL-2.0
/*
 * UDP encapsulation of ESP (RFC 3948, NAT traversal). The daemon hands
 * kesp its UDP socket (port 4500) with KESP_CMD_ENCAP_SOCK, as GTP's
 * userspace hands over its sockets; kesp becomes the socket's encap_rcv,
 * which sorts each datagram: NAT keepalives are absorbed, IKE (behind the
 * non-ESP marker) goes on to the socket unchanged, ESP loses its UDP
 * header and enters kesp's own inbound path (not the kernel's esp4/esp6,
 * which -IPPROTO_ESP resubmission would reach). The sockets are tracked
 * per namespace and detached at module unload, so no socket is left
 * pointing into freed code.
 *
 * kesp holds no reference on a socket: its owner may set UDP_ENCAP back
 * to 0 (then udp_destroy_sock() never calls encap_destroy), and a
 * reference that only encap_destroy gave back would pin the socket and
 * its namespace for ever. As L2TP does, kesp chains itself into the
 * socket's sk_destruct, which runs whatever the owner did, and forgets
 * the socket there.
 */

#include <linux/file.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <asm/unaligned.h>
#include "encap.h"
#include "input.h"
#include "kesp.h"
#include "netlink.h"
#include "stats.h"

/* RFC 3948 2.2: the non-ESP marker, then at least an IKE header. */
#define NON_ESP_MARKER_LEN	4
#define IKE_HDR_LEN		28

struct kesp_encap_sock {
	struct list_head list;		/* kesp_net.encap_socks */
	struct kesp_encap_sock *next_gone;	/* kesp_encap_exit() only */
	/*
	 * No reference: valid while @list holds this entry under the
	 * namespace's encap_lock, as the socket's sk_destruct unlinks it
	 * under that lock before the socket is freed.
	 */
	struct sock *sk;
	struct kesp_net *kn;
	void (*old_destruct)(struct sock *sk);
	__be16 port;
	bool linked;			/* on @list; under encap_lock */
	bool closed;			/* encap_destroy ran: no more IKE port */
	struct rcu_head rcu;
};

const struct nla_policy kesp_encap_cmd_policy[KESP_A_ENCAP_FD + 1] = {
	[KESP_A_ENCAP_FD] = { .type = NLA_U32 },
};

bool kesp_encap_port(struct kesp_net *kn, __be16 port)
{
	struct kesp_encap_sock *es;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(es, &kn->encap_socks, list) {
		if (es->port == port && !READ_ONCE(es->closed)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Remove the UDP header: the IP header moves up to the ESP header, so
 * the packet looks as if it had come as plain ESP. Returns the length
 * of the network header, or a negative error.
 */
static int strip_udp(struct sk_buff *skb, u16 family)
{
	unsigned int nhlen = skb_transport_header(skb) -
			     skb_network_header(skb);

	if (family == AF_INET6 && nhlen != sizeof(struct ipv6hdr))
		return -EINVAL;	/* extension headers before UDP */
	if (skb_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	__skb_push(skb, nhlen);
	memmove(skb->data + sizeof(struct udphdr), skb->data, nhlen);
	__skb_pull(skb, sizeof(struct udphdr));
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, nhlen);
	if (family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->protocol = IPPROTO_ESP;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->nexthdr = IPPROTO_ESP;
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	}
	/* The UDP checksum was verified; nothing else is. */
	skb->ip_summed = CHECKSUM_NONE;
	return nhlen;
}

/*
 * The socket's encap_rcv, in softirq under RCU with the UDP checksum
 * verified and skb->data at the UDP header. 0: kesp took the packet;
 * >0: the socket gets it (IKE).
 */
static int encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kesp_encap_sock *es = rcu_dereference_sk_user_data(sk);
	struct kesp_encap_in in;
	struct kesp_net *kn;
	unsigned int len;
	struct udphdr *uh;
	u16 family;
	int off;
	u8 *data;

	if (!es)
		return 1;
	kn = es->kn;
	len = skb->len - sizeof(struct udphdr);
	if (!pskb_may_pull(skb, sizeof(struct udphdr) + min(len, 8U)))
		goto malformed;
	uh = udp_hdr(skb);
	data = (u8 *)(uh + 1);
	if (len == 1 && data[0] == 0xff) {
		kesp_stats_inc(kn, KESP_STAT_IN_UDP_KEEPALIVE);
		consume_skb(skb);
		return 0;
	}
	if (len >= NON_ESP_MARKER_LEN && !get_unaligned((u32 *)data)) {
		if (len >= NON_ESP_MARKER_LEN + IKE_HDR_LEN)
			return 1;
		goto malformed;
	}
	if (len <= 8)
		goto malformed;

	/* ESP: a dual-stack socket sees both families. */
	family = ip_hdr(skb)->version == 4 ? AF_INET : AF_INET6;
	memset(&in, 0, sizeof(in));
	if (family == AF_INET)
		in.saddr.a4 = ip_hdr(skb)->saddr;
	else
		in.saddr.a6 = ipv6_hdr(skb)->saddr;
	in.sport = uh->source;
	in.dport = uh->dest;
	off = strip_udp(skb, family);
	if (off == -ENOMEM) {
		kesp_stats_inc(kn, KESP_STAT_NOMEM);
		kfree_skb(skb);
		return 0;
	}
	if (off < 0)
		goto malformed;
	kesp_input_encap(kn, skb, family, off, &in);
	return 0;

malformed:
	kesp_stats_inc(kn, KESP_STAT_IN_UDP_MALFORMED);
	kfree_skb(skb);
	return 0;
}

/* Undo what attach() did to @sk's UDP side; the caller holds its lock. */
static void detach(struct sock *sk)
{
	struct udp_sock *up = udp_sk(sk);

	WRITE_ONCE(up->encap_type, 0);
	WRITE_ONCE(up->encap_rcv, NULL);
	WRITE_ONCE(up->encap_destroy, NULL);
}

/* Take @es off its namespace's list; true if this call did it. */
static bool unlink_es(struct kesp_encap_sock *es)
{
	struct kesp_net *kn = es->kn;
	bool was;

	spin_lock_bh(&kn->encap_lock);
	was = es->linked;
	if (was)
		list_del_rcu(&es->list);
	es->linked = false;
	spin_unlock_bh(&kn->encap_lock);
	return was;
}

/*
 * The socket's sk_destruct, chained in front of its own: the socket is
 * being freed, from any context (an RCU callback for UDP), whatever
 * became of its encapsulation. Nothing else can hold it now.
 */
static void encap_sk_destruct(struct sock *sk)
{
	struct kesp_encap_sock *es = sk->sk_user_data;
	struct kesp_net *kn = es->kn;

	sk->sk_destruct = es->old_destruct;
	sk->sk_user_data = NULL;
	unlink_es(es);
	/* kesp_encap_exit() may wait for this socket to go. */
	wake_up_var(&kn->encap_socks);
	kfree_rcu(es, rcu);
	if (sk->sk_destruct)
		sk->sk_destruct(sk);
}

/*
 * The socket's encap_destroy: it is being closed (with its encapsulation
 * still set), from process context with the socket's reference held. Its
 * port stops being an encapsulation port now; sk_destruct forgets it.
 */
static void encap_destroy(struct sock *sk)
{
	struct kesp_encap_sock *es;

	lock_sock(sk);
	rcu_read_lock();
	es = rcu_dereference_sk_user_data(sk);
	if (es)
		WRITE_ONCE(es->closed, true);
	rcu_read_unlock();
	detach(sk);
	release_sock(sk);
}

static int attach(struct kesp_net *kn, struct sock *sk,
		  struct netlink_ext_ack *extack)
{
	struct udp_sock *up = udp_sk(sk);
	struct kesp_encap_sock *es;
	int err = 0;

	/* Charged to the caller's memory cgroup, as the socket is. */
	es = kzalloc(sizeof(*es), GFP_KERNEL_ACCOUNT);
	if (!es)
		return -ENOMEM;
	es->sk = sk;
	es->kn = kn;
	lock_sock(sk);
	es->port = inet_sk(sk)->inet_sport;
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG(extack, "the UDP socket is not bound to a port");
		err = -EINVAL;
	} else if (READ_ONCE(up->encap_type) || sk->sk_user_data) {
		NL_SET_ERR_MSG(extack, "the socket already has an encapsulation");
		err = -EBUSY;
	}
	if (err) {
		release_sock(sk);
		kfree(es);
		return err;
	}
	spin_lock_bh(&kn->encap_lock);
	list_add_tail_rcu(&es->list, &kn->encap_socks);
	es->linked = true;
	spin_unlock_bh(&kn->encap_lock);
	write_lock_bh(&sk->sk_callback_lock);
	es->old_destruct = sk->sk_destruct;
	sk->sk_destruct = encap_sk_destruct;
	rcu_assign_sk_user_data(sk, es);
	write_unlock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(up->encap_destroy, encap_destroy);
	WRITE_ONCE(up->encap_rcv, encap_rcv);
	WRITE_ONCE(up->encap_type, UDP_ENCAP_ESPINUDP);
	/* Core's static keys (v4, and v6 for an AF_INET6 socket). */
	udp_tunnel_encap_enable(sk);
	release_sock(sk);
	return 0;
}

int kesp_nl_encap_sock(struct sk_buff *skb, struct genl_info *info)
{
	struct kesp_net *kn = kesp_net(genl_info_net(info));
	struct nlattr *attr = info->attrs[KESP_A_ENCAP_FD];
	struct socket *sock;
	struct sock *sk;
	int err;

	if (!attr) {
		GENL_REQ_ATTR_CHECK(info, KESP_A_ENCAP_FD);
		NL_SET_ERR_MSG(info->extack, "missing required attribute KESP_A_ENCAP_FD");
		return -EINVAL;
	}
	sock = sockfd_lookup(nla_get_u32(attr), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the descriptor is not a socket");
		return err == -ENOTSOCK ? -EINVAL : err;
	}
	sk = sock->sk;
	if (!sk || sk->sk_type != SOCK_DGRAM ||
	    sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the descriptor is not a UDP socket");
		err = -EINVAL;
	} else if (!net_eq(sock_net(sk), genl_info_net(info))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the socket belongs to another network namespace");
		err = -EINVAL;
	} else {
		err = attach(kn, sk, info->extack);
	}
	sockfd_put(sock);
	return err;
}

void kesp_encap_init(struct kesp_net *kn)
{
	spin_lock_init(&kn->encap_lock);
	INIT_LIST_HEAD(&kn->encap_socks);
}

static bool encap_none(struct kesp_net *kn)
{
	bool none;

	spin_lock_bh(&kn->encap_lock);
	none = list_empty(&kn->encap_socks);
	spin_unlock_bh(&kn->encap_lock);
	return none;
}

void kesp_encap_exit(struct kesp_net *kn)
{
	struct kesp_encap_sock *es, *tmp, *gone = NULL;

	/*
	 * Sockets still alive are held for a moment and detached; those
	 * whose last reference went already run encap_sk_destruct() soon
	 * (once their queued packets are freed) and unlink themselves.
	 * Under the lock an entry's socket cannot be freed under us.
	 */
	spin_lock_bh(&kn->encap_lock);
	list_for_each_entry_safe(es, tmp, &kn->encap_socks, list) {
		if (!refcount_inc_not_zero(&es->sk->sk_refcnt))
			continue;
		list_del_rcu(&es->list);
		es->linked = false;
		es->next_gone = gone;
		gone = es;
	}
	spin_unlock_bh(&kn->encap_lock);
	for (es = gone; es; es = es->next_gone) {
		lock_sock(es->sk);
		if (READ_ONCE(udp_sk(es->sk)->encap_rcv) == encap_rcv)
			detach(es->sk);
		write_lock_bh(&es->sk->sk_callback_lock);
		if (es->sk->sk_destruct == encap_sk_destruct)
			es->sk->sk_destruct = es->old_destruct;
		rcu_assign_sk_user_data(es->sk, NULL);
		write_unlock_bh(&es->sk->sk_callback_lock);
		release_sock(es->sk);
	}
	/* No CPU is inside encap_rcv() any more, nor will one enter. */
	synchronize_net();
	while (gone) {
		es = gone;
		gone = es->next_gone;
		sock_put(es->sk);
		kfree(es);
	}
	/* The dying ones: the module's rcu_barrier() then waits them out. */
	wait_var_event(&kn->encap_socks, encap_none(kn));
}
