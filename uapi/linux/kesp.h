/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kesp: the generic netlink contract between kesp.ko and its userspace.
 *
 * Documentation
 * =============
 *
 * kesp.ko is driven over the generic netlink family KESP_GENL_NAME, version
 * KESP_GENL_VERSION. The family is per network namespace (netnsok): every
 * request acts on the namespace of the socket that sent it, and no request
 * can see or change another namespace's state.
 *
 * Permissions: commands marked "admin" need CAP_NET_ADMIN in the user
 * namespace that owns the caller's network namespace (GENL_UNS_ADMIN_PERM),
 * so a container's root manages its own namespace and nobody else's.
 * Commands not marked "admin" are open to every user and never return key
 * material.
 *
 * Validation: every command is validated strictly. An unknown attribute, an
 * attribute of the wrong length, or a reserved header field that is not zero
 * fails with -EINVAL and an extended ack message naming the attribute.
 *
 * Attribute notation below: NAME: TYPE, meaning (unit). "absent" says what
 * the kernel does when the attribute is not sent.
 *
 * KESP_CMD_GET_INFO
 * -----------------
 *
 * Request: no attributes. Reply (one message):
 *
 *    KESP_A_INFO_VERSION: NLA_NUL_STRING, the module version ("0.1.0")
 *    KESP_A_INFO_API: NLA_U32, KESP_GENL_VERSION the module speaks
 *    KESP_A_INFO_CAPS: NLA_U64, a bit set of enum kesp_cap: what this build
 *        of the module can do. Userspace must ignore bits it does not know.
 *
 * KESP_CMD_STATS_GET
 * ------------------
 *
 * Request: no attributes. Reply (one message):
 *
 *    KESP_A_STATS: NLA_NESTED, the namespace-wide error counters
 *        KESP_STAT_*: NLA_U64, packets dropped for that cause since the
 *            namespace was created or the counters were last reset.
 *            Counters the module does not know yet are absent; userspace
 *            must ignore types it does not know.
 *
 * KESP_CMD_STATS_RESET (admin)
 * ----------------------------
 *
 * Request: no attributes. Sets every namespace-wide error counter to zero.
 * Per-SA counters are not touched. Reply: an ack only.
 */

#ifndef _UAPI_LINUX_KESP_H
#define _UAPI_LINUX_KESP_H

#define KESP_GENL_NAME		"kesp"
#define KESP_GENL_VERSION	1
#define KESP_GENL_MCGRP_EVENTS	"events"

enum kesp_cmd {
	KESP_CMD_UNSPEC,
	KESP_CMD_GET_INFO,
	KESP_CMD_STATS_GET,
	KESP_CMD_STATS_RESET,
	__KESP_CMD_MAX
};

#define KESP_CMD_MAX (__KESP_CMD_MAX - 1)

/* Top-level attributes of every command. */
enum kesp_attr {
	KESP_A_UNSPEC,
	KESP_A_PAD,		/* alignment padding for 64-bit values */
	KESP_A_INFO_VERSION,
	KESP_A_INFO_API,
	KESP_A_INFO_CAPS,
	KESP_A_STATS,
	__KESP_A_MAX
};

#define KESP_A_MAX (__KESP_A_MAX - 1)

/*
 * Capability bits of KESP_A_INFO_CAPS. A bit is only set once the feature
 * behind it works in this build of the module.
 */
enum kesp_cap {
	KESP_CAP_STATS		= 1ULL << 0,	/* STATS_GET and STATS_RESET */
};

/*
 * Namespace-wide drop counters, the attribute types inside KESP_A_STATS.
 * Each names one cause, so an operator can tell "wrong key" from "replay"
 * from "no SA" without a packet capture. /proc/net/kesp prints the same
 * counters with the names given in the comments.
 */
enum kesp_stat {
	KESP_STAT_UNSPEC,
	KESP_STAT_PAD,		/* alignment padding inside KESP_A_STATS */
	KESP_STAT_IN_NO_SA,	/* ESP with an SPI we do not know */
	KESP_STAT_IN_MALFORMED,	/* too short or bad header */
	KESP_STAT_IN_AUTH,	/* ICV did not verify */
	KESP_STAT_IN_REPLAY,	/* sequence number seen before */
	KESP_STAT_IN_OLD,	/* left of the replay window */
	KESP_STAT_IN_PADDING,	/* padding or pad length */
	KESP_STAT_IN_SELECTOR,	/* inner packet outside the SA */
	KESP_STAT_IN_CLEARTEXT,	/* inbound protect policy hit */
	KESP_STAT_IN_EXPIRED,	/* SA past its hard limit */
	KESP_STAT_OUT_DISCARD,	/* a discard policy matched */
	KESP_STAT_OUT_NO_SA,	/* protect policy, no SA, queue full */
	KESP_STAT_OUT_SEQ_OVERFLOW, /* sequence exhausted */
	KESP_STAT_OUT_EXPIRED,	/* SA past its hard limit */
	KESP_STAT_NOMEM,	/* allocation failed */
	KESP_STAT_CRYPTO,	/* the transform failed */
	__KESP_STAT_MAX
};

#define KESP_STAT_MAX (__KESP_STAT_MAX - 1)

/*
 * The counters' names, as /proc/net/kesp and kespctl print them and as the
 * JSON keys of `kespctl -j stats`: one table for both halves, so the names
 * cannot drift. Use as: static const char * const n[] = KESP_STAT_NAMES;
 */
#define KESP_STAT_NAMES {					\
	[KESP_STAT_IN_NO_SA]		= "in-no-sa",		\
	[KESP_STAT_IN_MALFORMED]	= "in-malformed",	\
	[KESP_STAT_IN_AUTH]		= "in-auth-failed",	\
	[KESP_STAT_IN_REPLAY]		= "in-replay",		\
	[KESP_STAT_IN_OLD]		= "in-too-old",		\
	[KESP_STAT_IN_PADDING]		= "in-bad-trailer",	\
	[KESP_STAT_IN_SELECTOR]		= "in-selector",	\
	[KESP_STAT_IN_CLEARTEXT]	= "in-cleartext",	\
	[KESP_STAT_IN_EXPIRED]		= "in-expired",		\
	[KESP_STAT_OUT_DISCARD]		= "out-discard",	\
	[KESP_STAT_OUT_NO_SA]		= "out-no-sa",		\
	[KESP_STAT_OUT_SEQ_OVERFLOW]	= "out-seq-overflow",	\
	[KESP_STAT_OUT_EXPIRED]		= "out-expired",	\
	[KESP_STAT_NOMEM]		= "no-buffer",		\
	[KESP_STAT_CRYPTO]		= "crypto-error",	\
}

#endif /* _UAPI_LINUX_KESP_H */
