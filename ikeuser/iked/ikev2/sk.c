// SPDX-License-Identifier: GPL-2.0
/* The IKEv2 Encrypted payload (RFC 7296 3.14, RFC 5282, RFC 7634): its format around the core's ciphers (crypto/cipher.c). */

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sk.h"
#include "../crypto/cipher.h"

#define SK_PAYLOAD_MAX	0xffff	/* the generic header's Payload Length */

bool ikev2_sk_aead(uint16_t encr)
{
	return iked_cipher_aead(encr);
}

int ikev2_sk_key_lens(uint16_t encr, uint16_t key_bits, uint16_t integ,
		      size_t *enc_len, size_t *integ_len)
{
	struct iked_cipher a;
	int err = iked_cipher_get(encr, key_bits, integ, &a);

	if (err)
		return err;
	*enc_len = a.key_len + a.salt_len;
	*integ_len = a.ak_len;
	return 0;
}

/* The algorithm of @k, its keys' lengths checked. */
static int sk_keys_alg(const struct ikev2_sk_keys *k, struct iked_cipher *a)
{
	int err = iked_cipher_get(k->encr, k->key_bits, k->integ, a);

	if (err)
		return err;
	if (!k->ek || k->ek_len != a->key_len + a->salt_len)
		return -EINVAL;
	if (a->md && (!k->ak || k->ak_len != a->ak_len))
		return -EINVAL;
	return 0;
}

/*
 * SK, or with @frag_num an Encrypted Fragment (RFC 7383 2.5): the same
 * but for Fragment Number and Total Fragments after the generic header,
 * which are associated data too.
 */
static int seal_iv(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		   uint8_t inner_first, uint16_t frag_num, uint16_t frag_total,
		   const uint8_t *inner, size_t ilen, const uint8_t *iv,
		   size_t iv_len, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t pad, ptlen, sklen, total, ct, hl;
	struct iked_cipher a;
	int err;

	*outlen = 0;
	err = sk_keys_alg(k, &a);
	if (err)
		return err;
	if (iv_len != a.iv_len)
		return -EINVAL;
	if (ilen > SK_PAYLOAD_MAX)
		return -EMSGSIZE;
	hl = IKEV2_PL_HDR_LEN + (frag_num ? 4 : 0);
	/* RFC 7296 3.14: payloads, padding and pad length fill whole blocks. */
	pad = (a.block - (ilen + 1) % a.block) % a.block;
	ptlen = ilen + pad + 1;
	sklen = hl + a.iv_len + ptlen + a.icv_len;
	if (sklen > SK_PAYLOAD_MAX)
		return -EMSGSIZE;
	total = IKEV2_HDR_LEN + sklen;
	if (total > cap)
		return -ENOSPC;
	ct = IKEV2_HDR_LEN + hl + a.iv_len;
	/* First, as the headers may overwrite an @inner built in @out. */
	memmove(out + ct, inner, ilen);
	memset(out + ct + ilen, 0, pad);
	out[ct + ilen + pad] = (uint8_t)pad;

	memcpy(out, h->spi_i, 8);
	memcpy(out + 8, h->spi_r, 8);
	out[16] = frag_num ? IKEV2_PL_SKF : IKEV2_PL_SK;
	out[17] = IKEV2_VERSION;
	out[18] = h->exchange;
	out[19] = h->flags & IKEV2_F_ALL;
	ikev2_put32(out + 20, h->msg_id);
	ikev2_put32(out + 24, (uint32_t)total);
	/* RFC 7383 2.5: only the first fragment names the first payload. */
	out[IKEV2_HDR_LEN] = frag_num > 1 ? IKEV2_PL_NONE : inner_first;
	out[IKEV2_HDR_LEN + 1] = 0;
	ikev2_put16(out + IKEV2_HDR_LEN + 2, (uint16_t)sklen);
	if (frag_num) {
		ikev2_put16(out + IKEV2_HDR_LEN + 4, frag_num);
		ikev2_put16(out + IKEV2_HDR_LEN + 6, frag_total);
	}
	memcpy(out + IKEV2_HDR_LEN + hl, iv, iv_len);

	if (a.md) {
		err = iked_cipher_cbc(&a, k->ek, iv, out + ct, out + ct, ptlen,
				      true);
		if (!err)
			err = iked_cipher_hmac(&a, k->ak, k->ak_len, out,
					       ct + ptlen, out + ct + ptlen);
	} else {
		err = iked_cipher_aead_crypt(&a, k->ek, iv, out,
					     IKEV2_HDR_LEN + hl,
					     out + ct, out + ct, ptlen,
					     out + ct + ptlen, true);
	}
	if (err) {
		OPENSSL_cleanse(out, total);
		return err;
	}
	*outlen = total;
	return 0;
}

int ikev2_sk_seal_iv(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		     uint8_t inner_first, const uint8_t *inner, size_t ilen,
		     const uint8_t *iv, size_t iv_len, uint8_t *out, size_t cap,
		     size_t *outlen)
{
	return seal_iv(k, h, inner_first, 0, 0, inner, ilen, iv, iv_len, out,
		       cap, outlen);
}

int ikev2_skf_seal_iv(const struct ikev2_sk_keys *k,
		      const struct ikev2_hdr *h, uint8_t inner_first,
		      uint16_t frag_num, uint16_t frag_total,
		      const uint8_t *inner, size_t ilen, const uint8_t *iv,
		      size_t iv_len, uint8_t *out, size_t cap, size_t *outlen)
{
	*outlen = 0;
	if (!frag_num || frag_num > frag_total)
		return -EINVAL;
	return seal_iv(k, h, inner_first, frag_num, frag_total, inner, ilen,
		       iv, iv_len, out, cap, outlen);
}

/* A fresh IV for @k: its length to *@iv_len. */
static int fresh_iv(const struct ikev2_sk_keys *k, uint8_t *iv,
		    size_t *iv_len)
{
	struct iked_cipher a;
	int err = iked_cipher_get(k->encr, k->key_bits, k->integ, &a);

	if (err)
		return err;
	/*
	 * CBC needs an unpredictable IV (3.14), an AEAD a unique one, which
	 * 64 random bits are for the few thousand messages of an IKE SA.
	 */
	if (RAND_bytes(iv, (int)a.iv_len) != 1)
		return -EIO;
	*iv_len = a.iv_len;
	return 0;
}

int ikev2_sk_seal(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		  uint8_t inner_first, const uint8_t *inner, size_t ilen,
		  uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t iv[IKED_CIPHER_IV_MAX];
	size_t iv_len;
	int err;

	*outlen = 0;
	err = fresh_iv(k, iv, &iv_len);
	if (err)
		return err;
	return ikev2_sk_seal_iv(k, h, inner_first, inner, ilen, iv, iv_len,
				out, cap, outlen);
}

int ikev2_skf_seal(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		   uint8_t inner_first, uint16_t frag_num, uint16_t frag_total,
		   const uint8_t *inner, size_t ilen, uint8_t *out, size_t cap,
		   size_t *outlen)
{
	uint8_t iv[IKED_CIPHER_IV_MAX];
	size_t iv_len;
	int err;

	*outlen = 0;
	err = fresh_iv(k, iv, &iv_len);
	if (err)
		return err;
	return ikev2_skf_seal_iv(k, h, inner_first, frag_num, frag_total,
				 inner, ilen, iv, iv_len, out, cap, outlen);
}

int ikev2_skf_room(const struct ikev2_sk_keys *k, size_t msg_max,
		   size_t *room)
{
	struct iked_cipher a;
	size_t over, ct;
	int err = iked_cipher_get(k->encr, k->key_bits, k->integ, &a);

	*room = 0;
	if (err)
		return err;
	over = IKEV2_HDR_LEN + IKEV2_PL_HDR_LEN + 4 + a.iv_len + a.icv_len;
	if (msg_max <= over)
		return -EMSGSIZE;
	/* Whole blocks of ciphertext, the last ending in the pad length. */
	ct = (msg_max - over) / a.block * a.block;
	if (ct < 2)
		return -EMSGSIZE;
	*room = ct - 1;
	return 0;
}

int ikev2_sk_open(const struct ikev2_sk_keys *k, const uint8_t *msg,
		  size_t len, const struct ikev2_sk *sk, uint8_t *plain,
		  size_t cap, size_t *plen)
{
	uint8_t icv[IKED_CIPHER_ICV_MAX];
	const uint8_t *iv, *ct;
	size_t aadlen, ctlen, padlen;
	struct iked_cipher a;
	int err;

	*plen = 0;
	err = sk_keys_alg(k, &a);
	if (err)
		return err;
	if (!sk->data || sk->data < msg + IKEV2_HDR_LEN + IKEV2_PL_HDR_LEN ||
	    sk->data > msg + len || sk->len > (size_t)(msg + len - sk->data))
		return -EINVAL;
	aadlen = (size_t)(sk->data - msg);
	/* At least the pad length byte, and whole blocks of it for CBC. */
	if (sk->len < a.iv_len + a.block + a.icv_len)
		return -EBADMSG;
	ctlen = sk->len - a.iv_len - a.icv_len;
	if (ctlen % a.block)
		return -EBADMSG;
	if (cap < ctlen)
		return -ENOSPC;
	iv = sk->data;
	ct = iv + a.iv_len;
	if (a.md) {
		/* 3.14: from the IKE header through the pad length. */
		err = iked_cipher_hmac(&a, k->ak, k->ak_len, msg,
				       aadlen + a.iv_len + ctlen, icv);
		if (err)
			return err;
		if (CRYPTO_memcmp(icv, ct + ctlen, a.icv_len))
			return -EBADMSG;
		err = iked_cipher_cbc(&a, k->ek, iv, ct, plain, ctlen, false);
	} else {
		memcpy(icv, ct + ctlen, a.icv_len);
		err = iked_cipher_aead_crypt(&a, k->ek, iv, msg, aadlen, ct,
					     plain, ctlen, icv, false);
	}
	if (err)
		goto fail;
	padlen = plain[ctlen - 1];
	if (padlen >= ctlen) {
		err = -EBADMSG;
		goto fail;
	}
	*plen = ctlen - 1 - padlen;
	return 0;
fail:
	OPENSSL_cleanse(plain, ctlen);
	return err;
}
