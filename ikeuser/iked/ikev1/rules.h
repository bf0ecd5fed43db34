/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payloads each IKEv1 message must and may carry (RFC 2409 5-5.7,
 * RFC 3947, RFC 3706), checked before any state machine reads a message.
 */

#ifndef KESP_IKEV1_RULES_H
#define KESP_IKEV1_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "msg.h"

/* The messages of the exchanges (phase 1 with pre-shared keys, or _SIG). */
enum ikev1_kind {
	IKEV1_K_MM1,
	IKEV1_K_MM2,
	IKEV1_K_MM3,
	IKEV1_K_MM4,
	IKEV1_K_MM5,
	IKEV1_K_MM6,
	IKEV1_K_AM1,
	IKEV1_K_AM2,
	IKEV1_K_AM3,
	IKEV1_K_QM1,		/* without PFS: no KE */
	IKEV1_K_QM1_PFS,	/* with PFS: KE */
	IKEV1_K_QM2,
	IKEV1_K_QM2_PFS,
	IKEV1_K_QM3,
	IKEV1_K_INFO,		/* protected by HASH(1), after phase 1 */
	IKEV1_K_INFO_PLAIN,	/* before phase 1 completes: N only */
	/* RSA signatures (RFC 2409 5.1): SIG where HASH was, CERT and CR. */
	IKEV1_K_MM5_SIG,
	IKEV1_K_MM6_SIG,
	IKEV1_K_AM2_SIG,
	IKEV1_K_AM3_SIG,
	IKEV1_K__N,
};

/* What is wrong with a message for its kind. */
struct ikev1_rule_miss {
	enum ikev1_kind kind;
	uint8_t type;		/* the payload concerned, 0 for the header */
	const char *why;	/* "missing", "more than once", ... */
};

/*
 * Checks the header @h (exchange type, E flag, message ID, cookies) and
 * the chain @c (decrypted when @h has the E flag) against @kind's rules.
 * 0, or -EBADMSG with @miss saying what is wrong.
 */
int ikev1_rules_check(enum ikev1_kind kind, const struct ikev1_hdr *h,
		      const struct ikev1_chain *c, struct ikev1_rule_miss *miss);

/* "MM5", "QM1 (PFS)" ... */
const char *ikev1_kind_name(enum ikev1_kind kind);

/* A log line's words: "MM5: HASH payload missing". */
const char *ikev1_rules_format(const struct ikev1_rule_miss *miss, char *buf,
			       size_t len);

#endif /* KESP_IKEV1_RULES_H */
