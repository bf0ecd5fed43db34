/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv2 signature AUTH data (RFC 7296 3.8, RFC 4754, RFC 7427): made and checked by OpenSSL's EVP. */

#ifndef KESP_IKED_CRYPTO_SIG_H
#define KESP_IKED_CRYPTO_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

/* IKEv2 AUTH methods that carry signatures. */
enum iked_sig_method {
	IKED_AUTH_RSA_SIG = 1,		/* PKCS#1 v1.5, SHA-1 */
	IKED_AUTH_ECDSA_256 = 9,	/* RFC 4754: P-256 with SHA-256, r|s */
	IKED_AUTH_ECDSA_384 = 10,
	IKED_AUTH_ECDSA_521 = 11,
	IKED_AUTH_DIGITAL_SIG = 14,	/* RFC 7427: AlgorithmIdentifier | sig */
};

/* RFC 7427 hash algorithm numbers (SIGNATURE_HASH_ALGORITHMS). */
enum iked_sig_hash {
	IKED_HASH_SHA1 = 1,
	IKED_HASH_SHA256 = 2,
	IKED_HASH_SHA384 = 3,
	IKED_HASH_SHA512 = 4,
	IKED_HASH_IDENTITY = 5,
};

/* The hashes we announce and accept, as bits (1 << number). */
#define IKED_SIG_HASHES_OURS	((1u << IKED_HASH_SHA256) | \
				 (1u << IKED_HASH_SHA384) | \
				 (1u << IKED_HASH_SHA512) | \
				 (1u << IKED_HASH_IDENTITY))

/*
 * Our AUTH data over @octets with @pk into @out (@cap bytes): method 14
 * when the peer announced RFC 7427 hashes (@peer_hashes, bits as above;
 * RSA signs with RSA-PSS, ECDSA with the curve's hash if the peer takes
 * it, EdDSA with Identity), else method 1 (RSA) or 9-11 (ECDSA); the
 * method in *@method. 0, -ENOTSUP (no method both sides take, as
 * @why says) or -errno.
 */
int iked_sig_build(EVP_PKEY *pk, uint32_t peer_hashes, const uint8_t *octets,
		   size_t octets_len, uint8_t *method, uint8_t *out,
		   size_t cap, size_t *len, char *why, size_t why_len);

/*
 * Whether AUTH data @auth of @method is a signature of @octets by @pub:
 * 0, -EBADMSG (malformed, or an algorithm we do not take, @why says
 * which) or -EACCES (does not verify).
 */
int iked_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *octets,
		    size_t octets_len, const uint8_t *auth, size_t len,
		    char *why, size_t why_len);

/*
 * RFC 4754's pieces, shared with IKEv1: an EC key's size in bytes (32,
 * 48, 66), its curve's hash (NID) and auth method (9-11); a DER
 * ECDSA-Sig-Value to r|s of @half bytes each (0 or -EINVAL) and back
 * (the DER length, or -1).
 */
int iked_ec_params(EVP_PKEY *pk, int *md, uint8_t *method);
int iked_ec_der_to_raw(const uint8_t *der, size_t len, int half,
		       uint8_t *out);
int iked_ec_raw_to_der(const uint8_t *raw, size_t len, uint8_t *der,
		       size_t cap);

/* IKEv1's auth method RSA signatures (RFC 2409 appendix A): 3. */
#define IKED_AUTH_V1_RSA_SIG	3

/*
 * sig_v1.c: IKEv1's signatures over the raw @hash (HASH_I or HASH_R):
 * RSA (method 3, RFC 2409 5.1) is PKCS#1 v1.5 with no DigestInfo; ECDSA
 * (methods 9-11, RFC 4754) is r|s of the curve's size over the hash as
 * it is (strongSwan's IKEv1 signs HASH_I so, hashing nothing again).
 * iked_sig_v1_method(): the method our key signs with, 0 if none (an
 * EdDSA key). sign: 0, -ENOTSUP (no such key) or -errno. verify: 0,
 * -EBADMSG (the key is not of @method's kind) or -EACCES (does not
 * verify).
 */
uint8_t iked_sig_v1_method(EVP_PKEY *pk);
int iked_sig_v1_sign(EVP_PKEY *pk, const uint8_t *hash, size_t hash_len,
		     uint8_t *out, size_t cap, size_t *len);
int iked_sig_v1_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *hash,
		       size_t hash_len, const uint8_t *sig, size_t sig_len);

#endif /* KESP_IKED_CRYPTO_SIG_H */
