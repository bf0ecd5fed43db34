/* SPDX-License-Identifier: GPL-2.0 */
/* Diffie-Hellman key exchange for IKE (KE payload values and g^ir): MODP, ECP and Curve25519, by their IANA group numbers, the same in IKEv1 and IKEv2. */

#ifndef KESP_IKED_CRYPTO_DH_H
#define KESP_IKED_CRYPTO_DH_H

#include <stddef.h>
#include <stdint.h>

/* The longest shared secret (and public value but ECP-521's): MODP-8192. */
#define IKED_DH_SHARED_MAX 1024	/* bytes */

/* One side's key pair for one exchange; opaque. */
struct iked_dh;

/*
 * Length of the KE payload data for @group (IANA transform type 4 ID:
 * 2, 5, 14-18 MODP, 19-21 ECP, 31 Curve25519), 0 if unsupported.
 */
size_t iked_dh_pub_len(uint16_t group);

/* Generates a key pair: 0, -EOPNOTSUPP (unknown group), -ENOMEM, -EIO (OpenSSL). */
int iked_dh_new(uint16_t group, struct iked_dh **out);

/*
 * For known-answer tests only: the key pair of the private key @priv
 * (MODP: big-endian exponent, at most the prime's length; ECP: the
 * big-endian scalar, the field's length; Curve25519: the 32 raw bytes of
 * RFC 7748). The daemon never calls it: a fixed key is no key exchange.
 * Same errors as iked_dh_new, and -EINVAL for a private key of the wrong
 * length.
 */
int iked_dh_new_fixed(uint16_t group, const uint8_t *priv, size_t len,
		       struct iked_dh **out);

uint16_t iked_dh_group(const struct iked_dh *dh);

/*
 * Our public value as the KE payload carries it: MODP big-endian
 * left-padded to the prime's length (RFC 7296 3.4); ECP x | y each padded
 * to the field size, no 0x04 prefix (RFC 5903 7); Curve25519 the 32 bytes
 * (RFC 8031). Points into @dh; *@len is iked_dh_pub_len().
 */
const uint8_t *iked_dh_pub(const struct iked_dh *dh, size_t *len);

/*
 * The shared secret g^ir: MODP padded to the prime's length; ECP the x
 * coordinate only (RFC 5903 7); X25519 32 bytes, the all-zero result
 * refused (RFC 8031 2.3). Writes *@outlen. -EINVAL for a peer value of the
 * wrong length or invalid (not on the curve, MODP value <= 1 or >= p - 1,
 * outside the prime-order subgroup, X25519 low order), -EIO on OpenSSL
 * failure. @out needs IKED_DH_SHARED_MAX bytes.
 */
int iked_dh_shared(struct iked_dh *dh, const uint8_t *peer, size_t len,
		    uint8_t *out, size_t *outlen);

/* NULL ok; the private key is wiped by OpenSSL as it frees it. */
void iked_dh_free(struct iked_dh *dh);

/* "MODP_2048", "ECP_256", "CURVE25519", or NULL. */
const char *iked_dh_name(uint16_t group);

#endif /* KESP_IKED_CRYPTO_DH_H */
