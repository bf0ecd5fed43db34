/* SPDX-License-Identifier: GPL-2.0 */
/* Whether a peer's certificate is one we trust (chain to our CAs, dates) and names the identity the peer claims. */

#ifndef KESP_IKED_CRYPTO_TRUST_H
#define KESP_IKED_CRYPTO_TRUST_H

#include <stddef.h>
#include <openssl/x509.h>

#include "creds.h"

/*
 * Validates @leaf with X509_verify_cert() against the CAs of @c, the
 * peer's other certificates @untrusted (may be NULL) as intermediates
 * only. With @ca (rightca=) of a type other than 0 the chain must hold a
 * CA of that subject. 0, or -EACCES with one line in @why: unknown or
 * untrusted CA (the issuer and the CAs we trust), expired or not yet
 * valid (the dates), revoked by a CRL of ipsec.d/crls/ (serial, CRL
 * file, date), no current CRL under strictcrlpolicy=yes, an
 * extendedKeyUsage of @leaf that allows no IKE use, the CA not in the
 * chain, or OpenSSL's reason. On 0 @why is "" or a warning for the log
 * (an expired CRL used under strictcrlpolicy=no).
 */
int iked_trust_verify(const struct iked_creds *c, X509 *leaf,
		      STACK_OF(X509) *untrusted, const struct iked_conf_id *ca,
		      char *why, size_t why_len);

/*
 * Whether @x names @id: a DN as its subject, an FQDN, email address or
 * IP address in its subjectAltName. 1 or 0.
 */
int iked_trust_id_in_cert(X509 *x, const struct iked_conf_id *id);

/* "subject ..., SANs ..." of @x for a log line, escaped. */
const char *iked_trust_describe(X509 *x, char *buf, size_t len);

#endif /* KESP_IKED_CRYPTO_TRUST_H */
