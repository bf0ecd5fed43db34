/* SPDX-License-Identifier: GPL-2.0 */
/* Authenticators: what proves an identity in AUTH (a pre-shared key today; public-key signatures next), asked by the exchange that carries it. */

#ifndef KESP_IKED_CRYPTO_AUTH_H
#define KESP_IKED_CRYPTO_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../../daemon.h"

/* What an authenticator is asked about. */
struct iked_auth_req {
	struct ike_sa *sa;		/* whose: failures go to its conn */
	const struct iked_conf_id *local;
	const struct iked_conf_id *remote;	/* NULL: any peer */
	uint16_t prf;			/* the IKE SA's PRF */
	/* What AUTH covers (IKEv2: the signed octets of RFC 7296 2.15). */
	const uint8_t *octets;
	size_t octets_len;
};

/*
 * One way to authenticate. A new method (certificates) is a new file
 * with one of these, and a line in iked_auth_by_method().
 */
struct iked_authenticator {
	const char *name;		/* "pre-shared key" */
	uint8_t method;			/* its IKEv2 AUTH method number */
	/*
	 * Our AUTH data for @r into @out (@cap bytes), its length to
	 * *@len. 0; -ENOKEY when we have no credential for these IDs
	 * (logged as the conn's failure); another -errno.
	 */
	int (*build)(const struct iked_auth_req *r, uint8_t *out, size_t cap,
		     size_t *len);
	/*
	 * The peer's AUTH data @auth for @r: 0 when it proves the peer;
	 * -ENOKEY as for build; another -errno when it does not verify,
	 * with what it was checked against into @why ("our pre-shared key
	 * (FILE:LINE): PSK mismatch").
	 */
	int (*verify)(const struct iked_auth_req *r, const uint8_t *auth,
		      size_t len, char *why, size_t why_len);
};

extern const struct iked_authenticator iked_auth_psk;

/* The authenticator of IKEv2 AUTH method @method, or NULL. */
const struct iked_authenticator *iked_auth_by_method(uint8_t method);
/* The one we authenticate ourselves with in a conn (PSK today). */
const struct iked_authenticator *iked_auth_ours(const struct iked_conf_conn *c);

/* RFC 7296 2.15: the pad of IKEv2's PSK AUTH, 17 ASCII bytes, no NUL. */
#define IKED_PSK_PAD_IKEV2	"Key Pad for IKEv2"

/* psk.c: prf(prf(@psk, @pad), @octets) into @out (the PRF's length). */
int iked_psk_mac(uint16_t prf, const uint8_t *psk, size_t psk_len,
		 const char *pad, const uint8_t *octets, size_t octets_len,
		 uint8_t *out, size_t *outlen);

#endif /* KESP_IKED_CRYPTO_AUTH_H */
