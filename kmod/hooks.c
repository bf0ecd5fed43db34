// SPDX-License-Identifier: GPL-2.0
/*
 * kesp's netfilter hooks. Outbound after routing (POST_ROUTING sees local
 * and forwarded packets with their route decided), inbound after local
 * delivery was decided (LOCAL_IN, IPv4 reassembled), forwarded cleartext
 * at FORWARD. Each runs just before conntrack confirmation, after NAT and
 * filtering, so firewall rules see the cleartext packet as with XFRM; the
 * hooks confirm the entry themselves before taking a packet.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include "hooks.h"
#include "input.h"
#include "output.h"

#define LATE4 (NF_IP_PRI_CONNTRACK_CONFIRM - 1)
#define LATE6 (NF_IP6_PRI_LAST - 1)

static const struct nf_hook_ops ops[] = {
	{ .hook = kesp_out_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_POST_ROUTING, .priority = LATE4 },
	{ .hook = kesp_in_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_IN, .priority = LATE4 },
	{ .hook = kesp_fwd_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_FORWARD, .priority = LATE4 },
	{ .hook = kesp_out_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_POST_ROUTING, .priority = LATE6 },
	{ .hook = kesp_in_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_IN, .priority = LATE6 },
	{ .hook = kesp_fwd_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_FORWARD, .priority = LATE6 },
};

int kesp_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, ops, ARRAY_SIZE(ops));
}

void kesp_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, ops, ARRAY_SIZE(ops));
}
