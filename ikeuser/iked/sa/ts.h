/* SPDX-License-Identifier: GPL-2.0 */
/* Traffic selectors (RFC 7296 2.9, 3.13): config to payload, narrowing, checks, kernel form. */

#ifndef KESP_IKED_SA_TS_H
#define KESP_IKED_SA_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ts_list.h"
#include "../conf/conf.h"
#include "../../common/kesp_msg.h"

/*
 * Port ranges whose start is above their end ("OPAQUE", 3.13.1: 65535-0)
 * cannot be expressed in kesp's selectors, and the config cannot write
 * them; every function below treats such a selector as matching nothing
 * (narrowing drops it, within() refuses it, to_sels() skips it).
 */

/*
 * The configured selectors of one side as a TS payload; %dynamic entries
 * (ts->dynamic) become the single host address @dyn (which may be NULL
 * only if no entry is dynamic). Ports and protocol are copied as they
 * are: 0-65535 and 0 mean any. 0, -E2BIG, -EINVAL (no entry, a dynamic
 * one without @dyn, a prefix without a family or too long).
 */
int iked_ts_from_conf(struct iked_ts_list *l, const struct iked_conf_ts *ts,
		       size_t n, const struct kesp_addr *dyn);

/*
 * Responder narrowing: every non-empty intersection of one of the peer's
 * selectors with one of ours (address range, protocol where 0 is any,
 * port range), in the peer's order, without duplicates. The initiator's
 * first selector may be the single flow that triggered the SA (2.9); it
 * is narrowed like any other and keeps its place. -ENOENT when nothing is
 * left (TS_UNACCEPTABLE), -E2BIG past IKED_MAX_TS.
 */
int iked_ts_narrow(const struct iked_ts_list *peer,
		    const struct iked_ts_list *ours,
		    struct iked_ts_list *out);

/*
 * Initiator: each selector of @reply lies within some selector of
 * @offered (same type, protocol equal or offered 0, ports and addresses
 * inside). An empty @reply is false: a TS payload has at least one.
 */
bool iked_ts_within(const struct iked_ts_list *reply,
		     const struct iked_ts_list *offered);

/* @a and @b cover the same traffic: each lies within the other. */
bool iked_ts_same(const struct iked_ts_list *a, const struct iked_ts_list *b);

/*
 * Kernel selectors for the CHILD SA: for each pair (l in @local, r in
 * @remote) of the same family with compatible protocols (0 = any; both
 * non-zero and different: skip), the selector src=l dst=r, the OUTBOUND
 * policy's view (iked_sel_reverse() gives the inbound one). An address
 * range that is not one prefix is split into the minimal set of prefixes
 * (10.0.0.1-10.0.0.9: .1/32 .2/31 .4/30 .8/31), and each pair of prefixes
 * is one selector.
 *
 * Ports, host byte order as struct kesp_sel has them: for TCP, UDP, SCTP
 * and UDP-Lite sport is l's range and dport r's. For ICMP and ICMPv6 the
 * TS port is type << 8 | code (3.13.1), the same value in both selectors
 * of the pair, while the uapi's selector puts the type range in SPORT and
 * the code range in DPORT whatever the direction: the two 16-bit ranges
 * are intersected (no overlap: no selector) and the result is cut into at
 * most three type x code boxes that cover it exactly (a partial first
 * type, whole types, a partial last type); a type or code range of
 * 0-255 is written 0-65535 (any), so that "any ICMP" stays a selector
 * without ports. Any other protocol gets 0-65535 on both.
 *
 * Writes at most @cap selectors. Returns 0 with *@n the count, or -E2BIG
 * with *@n the count that would be needed (more than @cap).
 */
int iked_ts_to_sels(const struct iked_ts_list *local,
		     const struct iked_ts_list *remote, struct kesp_sel *out,
		     size_t cap, size_t *n);

/*
 * The inbound selector of an outbound one: addresses swapped, and ports
 * swapped except for ICMP and ICMPv6, whose type and code stay in SPORT
 * and DPORT (they do not depend on the direction).
 */
void iked_sel_reverse(struct kesp_sel *sel);

/*
 * "10.1.0.0/24 10.2.0.5/32[tcp/80] 10.3.0.1..10.3.0.9" as strongSwan
 * logs selectors: a range that is one prefix as PREFIX/LEN, else
 * START..END; then [PROTO], [PROTO/PORT] or [PROTO/FROM-TO] when not any
 * (protocol "0" when only the ports are set; ICMP ports as TYPE or
 * TYPE(CODE); OPAQUE). Truncated to @len.
 */
const char *iked_ts_format(const struct iked_ts_list *l, char *buf,
			    size_t len);

#endif /* KESP_IKED_SA_TS_H */
