/* SPDX-License-Identifier: GPL-2.0 */
/* Authenticators: what proves an identity in AUTH (a pre-shared key today; public-key signatures next), asked by the exchange that carries it. */

#ifndef KESP_IKED_CRYPTO_AUTH_H
#define KESP_IKED_CRYPTO_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../daemon.h"

/* A payload body of the peer's (CERT) or ours. */
struct iked_auth_blob {
	const uint8_t *data;
	size_t len;
};

/* Certificates a peer may send with its AUTH, and we with ours. */
#define IKED_AUTH_MAX_CERTS	8
/* Room for AUTH data: an RSA-8192 signature and its AlgorithmIdentifier. */
#define IKED_AUTH_DATA_MAX	1400

/* What an authenticator is asked about. */
struct iked_auth_req {
	struct ike_sa *sa;		/* whose: failures go to its conn */
	const struct iked_conf_id *local;
	const struct iked_conf_id *remote;	/* NULL: any peer */
	uint16_t prf;			/* the IKE SA's PRF */
	/* What AUTH covers (IKEv2: the signed octets of RFC 7296 2.15). */
	const uint8_t *octets;
	size_t octets_len;
	/* The conn's ends, ours and the peer's (certificates, rightca=). */
	const struct iked_conf_end *local_end, *remote_end;
	/* verify: the AUTH method the peer used. */
	uint8_t method;
	/* build: the RFC 7427 hashes the peer announced, bit n for hash n. */
	uint32_t peer_hashes;
	/*
	 * IKEv1 (RFC 2409 5.1): @octets is HASH_I or HASH_R, signed raw
	 * with PKCS#1 v1.5 and no DigestInfo (sig_v1.c); RSA keys only.
	 */
	bool ikev1;
	/* verify: the peer's CERT payload bodies, in the order sent. */
	const struct iked_auth_blob *certs;
	size_t n_certs;
};

/*
 * One way to authenticate. A new method is a new file with one of
 * these, and a line in auth.c.
 */
struct iked_authenticator {
	const char *name;		/* "pre-shared key" */
	const char *keyword;		/* leftauth= value: "psk", "pubkey" */
	/* The IKEv2 AUTH method numbers it speaks for. */
	const uint8_t *methods;
	size_t n_methods;
	/*
	 * Our AUTH data for @r into @out (@cap bytes), its length to
	 * *@len, its AUTH method to *@method. 0; -ENOKEY when we have no
	 * credential for these IDs (logged as the conn's failure);
	 * another -errno.
	 */
	int (*build)(const struct iked_auth_req *r, uint8_t *method,
		     uint8_t *out, size_t cap, size_t *len);
	/*
	 * The peer's AUTH data @auth for @r: 0 when it proves the peer;
	 * -ENOKEY as for build; -EACCES when it does not verify, with what
	 * it was checked against into @why ("our pre-shared key
	 * (FILE:LINE): PSK mismatch"); -EPERM when the peer's credential
	 * is refused before that, with the whole reason in @why (an
	 * untrusted CA, an ID not in its certificate); another -errno.
	 */
	int (*verify)(const struct iked_auth_req *r, const uint8_t *auth,
		      size_t len, char *why, size_t why_len);
	/*
	 * The CERT payload bodies to send with our AUTH for @r (@asked:
	 * the peer sent a CERTREQ), at most @max, their count; NULL when
	 * the method has none.
	 */
	size_t (*our_certs)(const struct iked_auth_req *r, bool asked,
			    struct iked_auth_blob *out, size_t max);
	/*
	 * Whether checking the peer's credential of @r must wait for
	 * something fetched off the loop (a CRL from a distribution
	 * point): true, and the message that carries it is dropped for
	 * its retransmission to find it; NULL when the method never waits.
	 */
	bool (*must_wait)(const struct iked_auth_req *r);
};

extern const struct iked_authenticator iked_auth_psk;
extern const struct iked_authenticator iked_auth_pubkey;

/* The authenticator of IKEv2 AUTH method @method, or NULL. */
const struct iked_authenticator *iked_auth_by_method(uint8_t method);
/* The one a conn end authenticates with (leftauth=, authby=). */
const struct iked_authenticator *iked_auth_for(const struct iked_conf_end *e);
/*
 * IKEv1: the phase 1 auth method of @sa's signatures, by our key (its
 * certificate's): 3 for RSA, 9-11 for ECDSA P-256/384/521 (RFC 4754).
 * In IKEv1 the proposal names one method for both ends, so the peer
 * must sign with a key of the same kind.
 */
uint8_t iked_auth_v1_method(const struct ike_sa *sa);
/*
 * pubkey.c: of leftcert='s certificates, the one that speaks for us in
 * @sa (sent in CERT, signs AUTH or SIG): with one, it; with several,
 * of those whose key is loaded, which hold our ID and whose key the
 * peer's @peer_hashes (IKEv2) or the proposed method (@ikev1) allow,
 * the first whose chain reaches a CA the peer's CERTREQ or CR named,
 * else the first of them, else the first. NULL: none loaded.
 */
struct iked_cred_cert;
const struct iked_cred_cert *iked_auth_our_cert(const struct ike_sa *sa,
						 uint32_t peer_hashes,
						 bool ikev1);
/*
 * The CERTREQ body we send when the peer is to authenticate with a
 * certificate (encoding 4 and our CAs' key hashes), or NULL.
 */
const struct iked_auth_blob *iked_auth_certreq(const struct iked *d,
					       struct iked_auth_blob *b);

/* IKEv2 AUTH method: Shared Key Message Integrity Code. */
#define IKED_AUTH_PSK_METHOD	2

/* RFC 7296 2.15: the pad of IKEv2's PSK AUTH, 17 ASCII bytes, no NUL. */
#define IKED_PSK_PAD_IKEV2	"Key Pad for IKEv2"

/* psk.c: prf(prf(@psk, @pad), @octets) into @out (the PRF's length). */
int iked_psk_mac(uint16_t prf, const uint8_t *psk, size_t psk_len,
		 const char *pad, const uint8_t *octets, size_t octets_len,
		 uint8_t *out, size_t *outlen);

#endif /* KESP_IKED_CRYPTO_AUTH_H */
