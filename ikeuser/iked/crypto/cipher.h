/* SPDX-License-Identifier: GPL-2.0 */
/* The IKE SA's ciphers and integrity algorithms through OpenSSL EVP, by their IANA IDs, for either version's message protection. */

#ifndef KESP_IKED_CRYPTO_CIPHER_H
#define KESP_IKED_CRYPTO_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evp_cipher_st;

/* The longest IV on the wire (AES-CBC) and ICV (HMAC-SHA2-512-256). */
#define IKED_CIPHER_IV_MAX	16
#define IKED_CIPHER_ICV_MAX	32
/* RFC 5282 4, RFC 7634 2: an AEAD's nonce is a salt, then the IV sent. */
#define IKED_AEAD_SALT_LEN	4
#define IKED_AEAD_IV_LEN	8

/*
 * What an (encryption, Key Length, integrity) triple means, the IDs
 * IANA's "Transform Type 1" and "Transform Type 3" ones (proposal.h's
 * neutral form). Supported: ENCR 3 (3DES), 12 (AES-CBC, Key Length
 * 128/192/256), 18/19/20 (AES-GCM with an 8/12/16-byte ICV,
 * 128/192/256), 28 (ChaCha20-Poly1305); with a CBC cipher INTEG 1
 * (HMAC-MD5-96), 2 (HMAC-SHA1-96), 12/13/14 (HMAC-SHA2-256-128/384-192/
 * 512-256).
 */
struct iked_cipher {
	const struct evp_cipher_st *evp;
	size_t key_len;		/* the cipher's key, without salt */
	size_t salt_len;	/* AEAD: after the key */
	size_t iv_len;		/* on the wire */
	size_t block;		/* what the plaintext must fill (1: a stream) */
	size_t icv_len;		/* the AEAD's tag, or the truncated HMAC */
	const char *md;		/* HMAC's digest; NULL with an AEAD */
	size_t ak_len;		/* HMAC's key */
};

/*
 * The cipher of @encr with @key_bits (0 for fixed-size ciphers) and
 * integrity @integ (0 with an AEAD) into @c: 0, or -EOPNOTSUPP for an
 * unknown algorithm, a Key Length the cipher does not take, an AEAD with
 * an integrity algorithm or a CBC cipher without one.
 */
int iked_cipher_get(uint16_t encr, uint16_t key_bits, uint16_t integ,
		    struct iked_cipher *c);
/* Whether @encr is an AEAD (AES-GCM, ChaCha20-Poly1305). */
bool iked_cipher_aead(uint16_t encr);

/* The truncated HMAC of @data with key @ak into @icv (c->icv_len bytes). */
int iked_cipher_hmac(const struct iked_cipher *c, const uint8_t *ak,
		     size_t ak_len, const uint8_t *data, size_t len,
		     uint8_t *icv);
/*
 * Encrypts (@enc) or decrypts @len bytes, whole blocks, from @in to @out
 * (which may be @in) with the CBC cipher of @c and key @ek, no padding:
 * the message's own padding fills the blocks. 0 or -EIO.
 */
int iked_cipher_cbc(const struct iked_cipher *c, const uint8_t *ek,
		    const uint8_t *iv, const uint8_t *in, uint8_t *out,
		    size_t len, bool enc);
/*
 * AEAD encryption (@enc: the tag goes to @icv) or decryption (@icv
 * checked; -EBADMSG when it does not match) of @len bytes with
 * associated data @aad. The nonce is the salt after the key in @ek, then
 * @iv (IKED_AEAD_IV_LEN bytes). 0, -EBADMSG or -EIO.
 */
int iked_cipher_aead_crypt(const struct iked_cipher *c, const uint8_t *ek,
			   const uint8_t *iv, const uint8_t *aad,
			   size_t aadlen, const uint8_t *in, uint8_t *out,
			   size_t len, uint8_t *icv, bool enc);

#endif /* KESP_IKED_CRYPTO_CIPHER_H */
