/* SPDX-License-Identifier: GPL-2.0 */
/* The CAs a peer's CERTREQ (IKEv2) or CR (IKEv1) payloads name: parsed strictly and bounded, matched against our CAs, formatted for the log without a raw peer byte. */

#ifndef KESP_IKED_CRYPTO_CERTREQ_H
#define KESP_IKED_CRYPTO_CERTREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

/* SHA-1, the hash of RFC 7296 3.7. */
#define IKED_CERTREQ_HASH_LEN	20
/*
 * CAs kept of what one peer asks for: a site with more trust anchors
 * than this is rare; the rest are counted, not kept.
 */
#define IKED_CERTREQ_MAX	64
/* An IKEv1 CA name longer than this is no DN we would hold. */
#define IKED_CERTREQ_DN_MAX	2048

/* One CA a peer asked for: by its key's hash (IKEv2) or its DN (IKEv1). */
struct iked_certreq_ca {
	uint8_t hash[IKED_CERTREQ_HASH_LEN];
	X509_NAME *dn;			/* NULL: @hash names it */
};

struct iked_certreq {
	struct iked_certreq_ca v[IKED_CERTREQ_MAX];
	size_t n;
	size_t n_dropped;		/* named beyond IKED_CERTREQ_MAX */
	/* A request naming no CA (an empty CR): any CA will do. */
	bool any;
};

/*
 * Adds the CAs of one CERTREQ (@ikev1 false) or CR body @body (@len
 * bytes, the encoding first) to @cr. 0; -EBADMSG for a malformed one
 * (hashes not a multiple of 20 bytes, a DN that does not parse), and
 * -ENOTSUP for an encoding other than X.509 Signature (4), each with
 * the reason in @why, @cr unchanged.
 */
int iked_certreq_parse(struct iked_certreq *cr, const uint8_t *body,
		       size_t len, bool ikev1, char *why, size_t why_len);
/* Frees what @cr holds and empties it. */
void iked_certreq_clear(struct iked_certreq *cr);
/* Whether @cr names the CA certificate @ca (its key hash or its DN). */
bool iked_certreq_names(const struct iked_certreq *cr, const X509 *ca);
/* The SHA-1 of @x's SubjectPublicKeyInfo into @out: 0 or -ENOMEM. */
int iked_certreq_key_hash(const X509 *x, uint8_t out[IKED_CERTREQ_HASH_LEN]);

struct iked_creds;
/*
 * The CAs of @cr into @buf, "; "-separated: the subject of one we hold
 * in @c (may be NULL), else its DN (escaped) or "key hash HEX"; then
 * how many were not kept.
 */
const char *iked_certreq_format(const struct iked_certreq *cr,
				const struct iked_creds *c, char *buf,
				size_t len);

#endif /* KESP_IKED_CRYPTO_CERTREQ_H */
