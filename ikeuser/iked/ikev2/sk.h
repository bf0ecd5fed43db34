/* SPDX-License-Identifier: GPL-2.0 */
/* The Encrypted payload (RFC 7296 3.14, RFC 5282, RFC 7634): sealing and opening messages. */

#ifndef KESP_IKEV2_SK_H
#define KESP_IKEV2_SK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "msg.h"

/*
 * One direction's keys of an IKE SA and what they are for: the
 * algorithms the core's crypto/cipher.h supports (3DES, AES-CBC with
 * HMAC-MD5/SHA1/SHA2, AES-GCM, ChaCha20-Poly1305).
 */
struct ikev2_sk_keys {
	uint16_t encr;		/* IKEv2 ENCR ID */
	uint16_t key_bits;	/* Key Length attribute; 0 for fixed-size ciphers */
	uint16_t integ;		/* 0 with an AEAD */
	/* Encryption key; with an AEAD the 4-byte salt follows (RFC 5282 4, 7634 2). */
	const uint8_t *ek;
	size_t ek_len;
	const uint8_t *ak;	/* integrity key; unused with an AEAD */
	size_t ak_len;
};

/*
 * The key lengths the key schedule must produce for this combination:
 * encryption key with salt, and integrity key (0 with an AEAD). 0, or
 * -EOPNOTSUPP for an unknown algorithm, a Key Length the cipher does not
 * take, an AEAD with an integrity algorithm or a CBC cipher without one.
 */
int ikev2_sk_key_lens(uint16_t encr, uint16_t key_bits, uint16_t integ,
		      size_t *enc_len, size_t *integ_len);

/* Whether @encr is an AEAD (AES-GCM, ChaCha20-Poly1305). */
bool ikev2_sk_aead(uint16_t encr);

/*
 * Seal: writes the whole datagram into @out: the 28-byte IKE header from
 * @h (Next Payload SK, version 2.0, @h's exchange, flags, message ID and
 * SPIs, the total length filled in), the SK generic header (Next Payload
 * @inner_first, not critical, its length), a fresh random IV (8 bytes for
 * GCM and ChaCha20-Poly1305, the block for CBC), the encrypted @inner
 * (@ilen bytes, the inner payload chain as ikev2_chain_build made it;
 * it may lie inside @out) with padding and pad length, and the ICV.
 * With an AEAD the associated data is the IKE header and the SK generic
 * header (RFC 5282 5.1); for CBC the ICV is the truncated HMAC of
 * everything from the IKE header through the pad length byte. Returns 0,
 * -ENOSPC when @cap is too small, -EMSGSIZE when the SK payload would
 * exceed its 16-bit length, -EINVAL when a key has the wrong length for
 * the algorithms, -EOPNOTSUPP for an unknown algorithm, -EIO on OpenSSL
 * failure. Nothing of @inner stays in @out on failure.
 */
int ikev2_sk_seal(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		  uint8_t inner_first, const uint8_t *inner, size_t ilen,
		  uint8_t *out, size_t cap, size_t *outlen);

/*
 * ikev2_sk_seal with the IV given (@iv_len must be the algorithm's), for
 * known-answer tests: ikev2_sk_seal calls it with RAND_bytes' IV. CBC
 * padding is zero bytes, the fewest that fill the block; an AEAD gets
 * none, its stream mode having no block to fill (just the pad length
 * byte, 0).
 */
int ikev2_sk_seal_iv(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		     uint8_t inner_first, const uint8_t *inner, size_t ilen,
		     const uint8_t *iv, size_t iv_len, uint8_t *out, size_t cap,
		     size_t *outlen);

/*
 * The same for one Encrypted Fragment payload (RFC 7383 2.5): @inner is
 * this fragment's share of the inner chain, @frag_num from 1 to
 * @frag_total; the first fragment's Next Payload is @inner_first, the
 * others' 0. Fragment Number and Total Fragments are associated data
 * (with an AEAD) and under the ICV (with CBC). Same errors, and -EINVAL
 * for a fragment number out of range.
 */
int ikev2_skf_seal(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		   uint8_t inner_first, uint16_t frag_num, uint16_t frag_total,
		   const uint8_t *inner, size_t ilen, uint8_t *out, size_t cap,
		   size_t *outlen);
int ikev2_skf_seal_iv(const struct ikev2_sk_keys *k,
		      const struct ikev2_hdr *h, uint8_t inner_first,
		      uint16_t frag_num, uint16_t frag_total,
		      const uint8_t *inner, size_t ilen, const uint8_t *iv,
		      size_t iv_len, uint8_t *out, size_t cap, size_t *outlen);
/*
 * How many bytes of inner chain one fragment sealed with @k carries
 * when the whole IKE message may be @msg_max bytes (IKE header, SKF
 * header, IV, padding, ICV counted) into *@room. 0, -EMSGSIZE when
 * @msg_max leaves no room, -EOPNOTSUPP for an unknown algorithm.
 */
int ikev2_skf_room(const struct ikev2_sk_keys *k, size_t msg_max,
		   size_t *room);

/*
 * Open: @msg/@len is the whole received datagram as ikev2_msg_parse took
 * it (IKE header first, any non-ESP marker stripped), @sk the parsed SK
 * (or Encrypted Fragment) payload, whose ->data points into @msg: the bytes before it (IKE
 * header, any payloads before SK, SK generic header) are the associated
 * data. Verifies the ICV first (in constant time), then decrypts and
 * removes the padding into @plain (@cap at least sk->len bytes); the
 * inner chain, starting with a payload of type sk->inner, is the first
 * *@plen bytes. Returns 0, -EBADMSG for an SK payload too short or not a
 * whole number of blocks, an ICV mismatch or a pad length beyond the
 * plaintext, -ENOSPC when @cap is too small, -EINVAL when @sk does not
 * lie in @msg or a key has the wrong length, -EOPNOTSUPP for an unknown
 * algorithm, -EIO on OpenSSL failure. @plain holds nothing on failure.
 */
int ikev2_sk_open(const struct ikev2_sk_keys *k, const uint8_t *msg,
		  size_t len, const struct ikev2_sk *sk, uint8_t *plain,
		  size_t cap, size_t *plen);

#endif /* KESP_IKEV2_SK_H */
