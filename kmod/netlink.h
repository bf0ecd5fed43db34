/* SPDX-License-Identifier: GPL-2.0 */
/* The kesp generic netlink family: registration and the events it multicasts. */

#ifndef _KESP_NETLINK_H
#define _KESP_NETLINK_H

#include <net/genetlink.h>
#include <linux/kesp.h>

struct kesp_sa;

int kesp_genl_init(void);
void kesp_genl_exit(void);

struct genl_family *kesp_genl_family_ptr(void);
/* A reply to @info with the family header for @cmd, or NULL without memory. */
struct sk_buff *kesp_genl_reply_new(struct genl_info *info, u8 cmd,
				    void **hdr);
/*
 * Start one message of a dump of @cmd objects, flagged NLM_F_DUMP_INTR if
 * the table changed since the dump began (cb->seq holds its generation).
 * NULL when the skb is full.
 */
void *kesp_genl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd);
/* Send an event to the "events" group of @net; consumes @msg. */
void kesp_genl_multicast(struct net *net, struct sk_buff *msg, gfp_t gfp);

/* SA commands (nl_sa.c) */
extern const struct nla_policy kesp_sa_cmd_policy[KESP_A_SA + 1];
int kesp_nl_sa_new(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_sa_update(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_sa_del(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_sa_get(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kesp_nl_sa_flush(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_spi_alloc(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_put_sa(struct sk_buff *skb, struct kesp_sa *sa);
void kesp_nl_notify_expire(struct kesp_sa *sa, bool hard, gfp_t gfp);
union kesp_addr;
/* An authenticated ESP-in-UDP packet of inbound @sa came from elsewhere. */
void kesp_nl_notify_mapping(struct kesp_sa *sa, const union kesp_addr *src,
			    __be16 sport, gfp_t gfp);
/* KESP_CMD_ENCAP_SOCK (encap.c) */
extern const struct nla_policy kesp_encap_cmd_policy[KESP_A_ENCAP_FD + 1];
int kesp_nl_encap_sock(struct sk_buff *skb, struct genl_info *info);

/* Policy commands (nl_policy.c) */
struct kesp_policy;
extern const struct nla_policy kesp_policy_cmd_policy[KESP_A_POLICY + 1];
int kesp_nl_policy_new(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_policy_del(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_policy_get(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kesp_nl_policy_flush(struct sk_buff *skb, struct genl_info *info);
int kesp_nl_put_policy(struct sk_buff *skb, const struct kesp_policy *pol);
struct kesp_net;
struct kesp_flow;
/* Tell the daemon @pol needs an SA for a packet of @fl; any context. */
void kesp_nl_notify_acquire(struct kesp_net *kn, const struct kesp_policy *pol,
			    const struct kesp_flow *fl);

#endif /* _KESP_NETLINK_H */
