/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payloads each IKEv2 message must, may or must not carry (RFC 7296
 * 1.2-1.5, 2.6, 2.17, 2.18, 3.14): one table per exchange and message
 * kind, checked right after parsing and decryption, before any state
 * machine reads the message.
 */

#ifndef KESP_IKEV2_RULES_H
#define KESP_IKEV2_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include "msg.h"

enum ikev2_kind {
	IKEV2_K_INIT_REQ,
	IKEV2_K_INIT_RESP,
	IKEV2_K_AUTH_REQ,
	IKEV2_K_AUTH_RESP,
	IKEV2_K_CHILD_REQ,		/* CREATE_CHILD_SA: a new CHILD SA */
	IKEV2_K_CHILD_RESP,
	IKEV2_K_CHILD_REKEY_REQ,	/* CREATE_CHILD_SA with REKEY_SA */
	IKEV2_K_CHILD_REKEY_RESP,
	IKEV2_K_IKE_REKEY_REQ,		/* CREATE_CHILD_SA of an IKE SA */
	IKEV2_K_IKE_REKEY_RESP,
	IKEV2_K_INFO_REQ,
	IKEV2_K_INFO_RESP,
	IKEV2_K__N,
};

/* What a message got wrong: the payload (and notify type) at fault. */
struct ikev2_rule_miss {
	uint8_t payload;	/* enum ikev2_payload_type */
	uint16_t notify;	/* a Notify of this type; 0: the payload itself */
	const char *why;	/* "missing", "more than once", ... */
};

/* "IKE_AUTH request", "CREATE_CHILD_SA response (CHILD SA rekey)", ... */
const char *ikev2_kind_name(enum ikev2_kind kind);

/* Whether @exchange's messages travel in an Encrypted payload. */
bool ikev2_rules_protected(uint8_t exchange);

/*
 * The kind of a request of @exchange whose payloads are @c (decrypted,
 * for a protected exchange): what a CREATE_CHILD_SA request is for comes
 * from its SA (an IKE proposal) and REKEY_SA notify, as RFC 7296 1.3
 * tells them apart. -ENOENT for an exchange without rules (unknown ones,
 * IKE_INTERMEDIATE, which kesp-iked does not speak).
 */
int ikev2_rules_request_kind(uint8_t exchange, const struct ikev2_chain *c,
			     enum ikev2_kind *kind);

/*
 * The first error Notify (a type below 16384) of @c, or NULL. A response
 * that carries one is a refusal: what a success must carry may be absent.
 */
const struct ikev2_notify *ikev2_error_notify(const struct ikev2_chain *c);

/*
 * Check a message of @kind. @outer is the chain of the message itself;
 * @inner what its Encrypted payload decrypted to, or NULL: then only the
 * outer chain is checked (before decryption: whatever must be inside SK
 * must not be outside, and SK must be there), so that a protected message
 * can be checked twice, before and after its ICV. Payloads of types RFC
 * 7296 does not define are not checked (the parser refused them if
 * critical). Returns 0, or -EBADMSG with @miss saying what is wrong.
 */
int ikev2_rules_check(enum ikev2_kind kind, const struct ikev2_chain *outer,
		      const struct ikev2_chain *inner,
		      struct ikev2_rule_miss *miss);

/* What is wrong, for a log line: "Nonce payload missing", "REKEY_SA notify missing". */
const char *ikev2_rules_format(const struct ikev2_rule_miss *miss, char *buf,
			       size_t len);

#endif /* KESP_IKEV2_RULES_H */
