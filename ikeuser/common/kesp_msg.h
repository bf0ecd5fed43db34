/* SPDX-License-Identifier: GPL-2.0 */
/* SAs, policies, selectors and events as C structs, to and from kesp netlink attributes. */

#ifndef KESP_COMMON_KESP_MSG_H
#define KESP_COMMON_KESP_MSG_H

#include <stdint.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/kesp.h>

#include "addr.h"

/* The presence bit of attribute @attr in a struct's ->present. */
#define KESP_BIT(attr)		(1U << (attr))

/* Longest key the structs hold: HMAC-SHA-512's 64 bytes. */
#define KESP_KEY_MAX		64

/*
 * A selector as the uapi's "Selectors" section defines it. An absent
 * attribute has its documented default here: prefixes of length 0, proto 0,
 * ports 0-65535; so a parsed and a built selector compare equal.
 */
struct kesp_sel {
	uint16_t family;		/* AF_INET or AF_INET6 */
	struct kesp_prefix src;		/* .addr.family is .family */
	struct kesp_prefix dst;
	uint8_t proto;			/* 0: any */
	struct kesp_port_range sport;	/* ICMP: type */
	struct kesp_port_range dport;	/* ICMP: code */
};

struct kesp_counters {
	uint32_t present;		/* KESP_BIT(KESP_CNT_A_*) */
	uint64_t packets;
	uint64_t bytes;
	uint32_t errors_present;	/* KESP_BIT(KESP_STAT_*) */
	uint64_t errors[__KESP_STAT_MAX];
};

/*
 * One SA. ->present says which KESP_SA_A_* fields are set (parsed, or to be
 * sent): a builder sends exactly the present fields it is asked for.
 * Holds keys: wipe it with kesp_sa_wipe().
 */
struct kesp_sa {
	uint32_t present;		/* KESP_BIT(KESP_SA_A_*) */
	uint32_t spi;
	uint8_t dir;			/* enum kesp_dir */
	uint8_t mode;			/* enum kesp_mode */
	uint16_t family;		/* of src and dst */
	struct kesp_addr src;
	struct kesp_addr dst;
	struct kesp_sel sel;
	uint16_t enc;			/* enum kesp_enc */
	uint16_t integ;			/* enum kesp_integ */
	uint16_t enc_key_len;
	uint16_t integ_key_len;
	uint8_t enc_key[KESP_KEY_MAX];
	uint8_t integ_key[KESP_KEY_MAX];
	uint32_t replay_window;
	uint32_t flags;			/* KESP_SA_F_* */
	uint32_t reqid;
	uint64_t lft[__KESP_LFT_A_MAX];	/* by KESP_LFT_A_*; 0: no limit */
	uint64_t seq;
	uint64_t add_time;		/* seconds since added (dump) */
	uint64_t use_time;		/* seconds since first used (dump) */
	struct kesp_counters cnt;	/* dump */
	uint32_t spi_min;		/* SPI_ALLOC */
	uint32_t spi_max;
	uint16_t encap_sport;		/* UDP encapsulation, host order */
	uint16_t encap_dport;
	struct kesp_addr new_src;	/* SA_UPDATE: new outer endpoints */
	struct kesp_addr new_dst;
};

/* What each SA command sends, per the uapi; AND-ed with ->present. */
#define KESP_SA_SEND_NEW						\
	(KESP_BIT(KESP_SA_A_SPI) | KESP_BIT(KESP_SA_A_DIR) |		\
	 KESP_BIT(KESP_SA_A_MODE) | KESP_BIT(KESP_SA_A_FAMILY) |	\
	 KESP_BIT(KESP_SA_A_SRC) | KESP_BIT(KESP_SA_A_DST) |		\
	 KESP_BIT(KESP_SA_A_SEL) | KESP_BIT(KESP_SA_A_ENC) |		\
	 KESP_BIT(KESP_SA_A_ENC_KEY) | KESP_BIT(KESP_SA_A_INTEG) |	\
	 KESP_BIT(KESP_SA_A_INTEG_KEY) |				\
	 KESP_BIT(KESP_SA_A_REPLAY_WINDOW) | KESP_BIT(KESP_SA_A_FLAGS) |\
	 KESP_BIT(KESP_SA_A_REQID) | KESP_BIT(KESP_SA_A_LIFETIME) |	\
	 KESP_BIT(KESP_SA_A_SEQ) | KESP_BIT(KESP_SA_A_ENCAP_SPORT) |	\
	 KESP_BIT(KESP_SA_A_ENCAP_DPORT))
/* DEL and GET; also what UPDATE finds the SA by. */
#define KESP_SA_SEND_ID							\
	(KESP_BIT(KESP_SA_A_SPI) | KESP_BIT(KESP_SA_A_DIR) |		\
	 KESP_BIT(KESP_SA_A_FAMILY) | KESP_BIT(KESP_SA_A_DST))
#define KESP_SA_SEND_UPDATE						\
	(KESP_SA_SEND_ID | KESP_BIT(KESP_SA_A_LIFETIME) |		\
	 KESP_BIT(KESP_SA_A_SEQ) | KESP_BIT(KESP_SA_A_NEW_SRC) |	\
	 KESP_BIT(KESP_SA_A_NEW_DST) | KESP_BIT(KESP_SA_A_ENCAP_SPORT) |	\
	 KESP_BIT(KESP_SA_A_ENCAP_DPORT))
#define KESP_SA_SEND_FLUSH	KESP_BIT(KESP_SA_A_DIR)
#define KESP_SA_SEND_SPI_ALLOC						\
	(KESP_BIT(KESP_SA_A_FAMILY) | KESP_BIT(KESP_SA_A_DST) |	\
	 KESP_BIT(KESP_SA_A_SPI_MIN) | KESP_BIT(KESP_SA_A_SPI_MAX))

/* The SA a PROTECT policy wants. */
struct kesp_tmpl {
	uint32_t present;		/* KESP_BIT(KESP_TMPL_A_*) */
	uint8_t mode;
	uint16_t family;
	struct kesp_addr src;
	struct kesp_addr dst;
	uint32_t reqid;
};

struct kesp_policy {
	uint32_t present;		/* KESP_BIT(KESP_POL_A_*) */
	uint32_t id;
	uint8_t dir;			/* enum kesp_dir */
	struct kesp_sel sel;
	uint8_t action;			/* enum kesp_action */
	uint32_t priority;		/* lower wins */
	struct kesp_tmpl tmpl;
	uint64_t packets;		/* dump */
	uint16_t mss;			/* KESP_POL_A_MSS, if present */
};

#define KESP_POL_SEND_NEW						\
	(KESP_BIT(KESP_POL_A_DIR) | KESP_BIT(KESP_POL_A_SEL) |		\
	 KESP_BIT(KESP_POL_A_ACTION) | KESP_BIT(KESP_POL_A_PRIORITY) |	\
	 KESP_BIT(KESP_POL_A_TMPL) | KESP_BIT(KESP_POL_A_MSS))
#define KESP_POL_SEND_ID	KESP_BIT(KESP_POL_A_ID)
#define KESP_POL_SEND_FLUSH	KESP_BIT(KESP_POL_A_DIR)

/*
 * A multicast event: ACQUIRE fills policy and flow, EXPIRE sa and hard,
 * MAPPING sa, map_src and map_sport.
 */
struct kesp_event {
	uint8_t cmd;			/* KESP_CMD_ACQUIRE, _EXPIRE, _MAPPING */
	struct kesp_policy policy;
	struct kesp_sel flow;
	struct kesp_sa sa;
	uint8_t hard;			/* 1: the SA is gone */
	struct kesp_addr map_src;	/* MAPPING: the new source address */
	uint16_t map_sport;		/* MAPPING: the new port, host order */
};

/* A request for kesp_nl_request(): what to send of which SA or policy. */
struct kesp_sa_req {
	const struct kesp_sa *sa;
	uint32_t send;			/* KESP_SA_SEND_* */
};

struct kesp_policy_req {
	const struct kesp_policy *pol;
	uint32_t send;			/* KESP_POL_SEND_* */
};

/* Builders: 0, -EMSGSIZE if the message is full, -EINVAL for a bad family. */
int kesp_msg_put_sel(struct nl_msg *msg, int attrtype,
		     const struct kesp_sel *sel);
/* A KESP_A_SA nest with the fields in (@send & sa->present). */
int kesp_msg_put_sa(struct nl_msg *msg, const struct kesp_sa *sa,
		    uint32_t send);
/* A KESP_A_POLICY nest with the fields in (@send & pol->present). */
int kesp_msg_put_policy(struct nl_msg *msg, const struct kesp_policy *pol,
			uint32_t send);
/* kesp_nl_build_fn adaptors; @arg is a struct kesp_sa_req / _policy_req. */
int kesp_msg_build_sa(struct nl_msg *msg, void *arg);
int kesp_msg_build_policy(struct nl_msg *msg, void *arg);

/*
 * Parsers of what the kernel sends: 0, or -EPROTO for an attribute of the
 * wrong length or an address that does not fit its family. Unknown
 * attribute types are skipped, as the uapi asks. Key attributes are read
 * too (only this side's builder sends them), so a built message parses
 * back to the struct it came from.
 */
int kesp_msg_parse_sel(struct nlattr *nest, struct kesp_sel *sel);
int kesp_msg_parse_sa(struct nlattr *nest, struct kesp_sa *sa);
int kesp_msg_parse_policy(struct nlattr *nest, struct kesp_policy *pol);
/* A whole reply or dump message carrying KESP_A_SA / KESP_A_POLICY. */
int kesp_msg_parse_sa_reply(struct nlmsghdr *nlh, struct kesp_sa *sa);
int kesp_msg_parse_policy_reply(struct nlmsghdr *nlh,
				struct kesp_policy *pol);
/*
 * An ACQUIRE, EXPIRE or MAPPING message. Returns 0, -EPROTO if malformed, or
 * -EOPNOTSUPP for another command (a newer event to skip).
 */
int kesp_msg_parse_event(struct nlmsghdr *nlh, struct kesp_event *ev);

/* The selector matching all traffic of @family. */
void kesp_sel_any(struct kesp_sel *sel, int family);
/* Erase the keys (and the rest) of @sa where the compiler cannot skip it. */
void kesp_sa_wipe(struct kesp_sa *sa);
/* Sum of the per-cause error counters. */
uint64_t kesp_counters_errors(const struct kesp_counters *cnt);

/* Text of the uapi enums: NULL for values without a name. */
const char *kesp_dir_name(unsigned int dir);
const char *kesp_mode_name(unsigned int mode);
const char *kesp_action_name(unsigned int action);
/* "soft-bytes", ... for KESP_LFT_A_*; NULL for the others. */
const char *kesp_lft_name(unsigned int attr);
/* "in-no-sa", ... from KESP_STAT_NAMES; NULL for unknown counters. */
const char *kesp_stat_name(unsigned int stat);
/* The value named @name in the table of the enum, or -1. */
int kesp_dir_parse(const char *name);
int kesp_mode_parse(const char *name);
int kesp_action_parse(const char *name);

#endif /* KESP_COMMON_KESP_MSG_H */
