// SPDX-License-Identifier: GPL-2.0
/* The IKEv2 Encrypted payload with OpenSSL 3's EVP ciphers and EVP_Q_mac HMACs. */

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "sk.h"

/* IKEv2 encryption transform IDs (IANA "Transform Type 1"). */
enum {
	ENCR_3DES = 3,
	ENCR_AES_CBC = 12,
	ENCR_AES_GCM_8 = 18,
	ENCR_AES_GCM_12 = 19,
	ENCR_AES_GCM_16 = 20,
	ENCR_CHACHA20_POLY1305 = 28,
};

/* IKEv2 integrity transform IDs (IANA "Transform Type 3"). */
enum {
	INTEG_NONE = 0,
	INTEG_HMAC_MD5_96 = 1,
	INTEG_HMAC_SHA1_96 = 2,
	INTEG_HMAC_SHA2_256_128 = 12,
	INTEG_HMAC_SHA2_384_192 = 13,
	INTEG_HMAC_SHA2_512_256 = 14,
};

/* RFC 5282 4, RFC 7634 2: the nonce is a salt from the key schedule, then the IV sent. */
#define AEAD_SALT_LEN	4
#define AEAD_IV_LEN	8
#define SK_IV_MAX	16
#define SK_ICV_MAX	32
#define SK_PAYLOAD_MAX	0xffff	/* the generic header's Payload Length */

/* What an (encr, key length, integ) triple means for the Encrypted payload. */
struct sk_alg {
	const EVP_CIPHER *cipher;
	size_t key_len;		/* the cipher's key, without salt */
	size_t salt_len;	/* AEAD: after the key in ek */
	size_t iv_len;		/* on the wire */
	size_t block;		/* what payloads, padding and pad length fill */
	size_t icv_len;
	const char *md;		/* HMAC's digest; NULL with an AEAD */
	size_t ak_len;
};

static const EVP_CIPHER *aes(uint16_t key_bits, bool gcm)
{
	switch (key_bits) {
	case 128:
		return gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
	case 192:
		return gcm ? EVP_aes_192_gcm() : EVP_aes_192_cbc();
	case 256:
		return gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
	}
	return NULL;
}

/* The integrity half of @a for a CBC cipher: RFC 2404, 2403, 4868 sizes. */
static int integ_alg(uint16_t integ, struct sk_alg *a)
{
	switch (integ) {
	case INTEG_HMAC_MD5_96:
		a->md = "MD5";
		a->ak_len = 16;
		a->icv_len = 12;
		return 0;
	case INTEG_HMAC_SHA1_96:
		a->md = "SHA1";
		a->ak_len = 20;
		a->icv_len = 12;
		return 0;
	case INTEG_HMAC_SHA2_256_128:
		a->md = "SHA2-256";
		a->ak_len = 32;
		a->icv_len = 16;
		return 0;
	case INTEG_HMAC_SHA2_384_192:
		a->md = "SHA2-384";
		a->ak_len = 48;
		a->icv_len = 24;
		return 0;
	case INTEG_HMAC_SHA2_512_256:
		a->md = "SHA2-512";
		a->ak_len = 64;
		a->icv_len = 32;
		return 0;
	}
	return -EOPNOTSUPP;
}

static int sk_alg(uint16_t encr, uint16_t key_bits, uint16_t integ,
		  struct sk_alg *a)
{
	memset(a, 0, sizeof(*a));
	switch (encr) {
	case ENCR_3DES:
		if (key_bits)
			return -EOPNOTSUPP;
		a->cipher = EVP_des_ede3_cbc();
		a->key_len = 24;
		a->iv_len = a->block = 8;
		break;
	case ENCR_AES_CBC:
		a->cipher = aes(key_bits, false);
		a->key_len = key_bits / 8u;
		a->iv_len = a->block = 16;
		break;
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
		a->cipher = aes(key_bits, true);
		a->key_len = key_bits / 8u;
		a->icv_len = encr == ENCR_AES_GCM_8 ? 8 :
			     encr == ENCR_AES_GCM_12 ? 12 : 16;
		break;
	case ENCR_CHACHA20_POLY1305:
		/* RFC 7634 2: a fixed 256-bit key, sent without Key Length. */
		if (key_bits)
			return -EOPNOTSUPP;
		a->cipher = EVP_chacha20_poly1305();
		a->key_len = 32;
		a->icv_len = 16;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!a->cipher)
		return -EOPNOTSUPP;
	if (a->icv_len) {
		/* RFC 5282 8: with an AEAD, integrity is NONE or left out. */
		if (integ != INTEG_NONE)
			return -EOPNOTSUPP;
		a->salt_len = AEAD_SALT_LEN;
		a->iv_len = AEAD_IV_LEN;
		a->block = 1;
		return 0;
	}
	return integ_alg(integ, a);
}

bool ikev2_sk_aead(uint16_t encr)
{
	switch (encr) {
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
	case ENCR_CHACHA20_POLY1305:
		return true;
	}
	return false;
}

int ikev2_sk_key_lens(uint16_t encr, uint16_t key_bits, uint16_t integ,
		      size_t *enc_len, size_t *integ_len)
{
	struct sk_alg a;
	int err = sk_alg(encr, key_bits, integ, &a);

	if (err)
		return err;
	*enc_len = a.key_len + a.salt_len;
	*integ_len = a.ak_len;
	return 0;
}

/* The algorithm of @k, its keys' lengths checked. */
static int sk_keys_alg(const struct ikev2_sk_keys *k, struct sk_alg *a)
{
	int err = sk_alg(k->encr, k->key_bits, k->integ, a);

	if (err)
		return err;
	if (!k->ek || k->ek_len != a->key_len + a->salt_len)
		return -EINVAL;
	if (a->md && (!k->ak || k->ak_len != a->ak_len))
		return -EINVAL;
	return 0;
}

/* The truncated HMAC of @data into @icv (a->icv_len bytes). */
static int sk_hmac(const struct sk_alg *a, const struct ikev2_sk_keys *k,
		   const uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	int ret = -EIO;

	if (EVP_Q_mac(NULL, "HMAC", NULL, a->md, NULL, k->ak, k->ak_len, data,
		      len, mac, sizeof(mac), &maclen) && maclen >= a->icv_len) {
		memcpy(icv, mac, a->icv_len);
		ret = 0;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

/*
 * Encrypts (@enc) or decrypts @len bytes from @in to @out (which may be
 * @in) with the CBC cipher of @a, no padding: the payload's own padding
 * fills the blocks.
 */
static int cbc_crypt(const struct sk_alg *a, const uint8_t *ek,
		     const uint8_t *iv, const uint8_t *in, uint8_t *out,
		     size_t len, int enc)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ret = -EIO;

	if (ctx && EVP_CipherInit_ex(ctx, a->cipher, NULL, ek, iv, enc) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) &&
	    EVP_CipherFinal_ex(ctx, out + n, &fin) && (size_t)(n + fin) == len)
		ret = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/*
 * AEAD encryption (@enc: the tag goes to @icv) or decryption (@icv
 * checked; -EBADMSG when it does not match) of @len bytes with
 * associated data @aad. The nonce is the salt after the key, then @iv.
 */
static int aead_crypt(const struct sk_alg *a, const uint8_t *ek,
		      const uint8_t *iv, const uint8_t *aad, size_t aadlen,
		      const uint8_t *in, uint8_t *out, size_t len,
		      uint8_t *icv, int enc)
{
	uint8_t nonce[AEAD_SALT_LEN + AEAD_IV_LEN];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ret = -EIO;

	memcpy(nonce, ek + a->key_len, AEAD_SALT_LEN);
	memcpy(nonce + AEAD_SALT_LEN, iv, AEAD_IV_LEN);
	if (!ctx || aadlen > INT_MAX ||
	    !EVP_CipherInit_ex(ctx, a->cipher, NULL, NULL, NULL, enc) ||
	    EVP_CIPHER_CTX_get_iv_length(ctx) != (int)sizeof(nonce) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, ek, nonce, enc))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
					 (int)a->icv_len, icv))
		goto out;
	if (!EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + n, &fin)) {
		/* Decryption's only way to fail here: the tag. */
		ret = enc ? -EIO : -EBADMSG;
		goto out;
	}
	if ((size_t)(n + fin) != len)
		goto out;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
					(int)a->icv_len, icv))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return ret;
}

int ikev2_sk_seal_iv(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		     uint8_t inner_first, const uint8_t *inner, size_t ilen,
		     const uint8_t *iv, size_t iv_len, uint8_t *out, size_t cap,
		     size_t *outlen)
{
	size_t pad, ptlen, sklen, total, ct;
	struct sk_alg a;
	int err;

	*outlen = 0;
	err = sk_keys_alg(k, &a);
	if (err)
		return err;
	if (iv_len != a.iv_len)
		return -EINVAL;
	if (ilen > SK_PAYLOAD_MAX)
		return -EMSGSIZE;
	/* RFC 7296 3.14: payloads, padding and pad length fill whole blocks. */
	pad = (a.block - (ilen + 1) % a.block) % a.block;
	ptlen = ilen + pad + 1;
	sklen = IKEV2_PL_HDR_LEN + a.iv_len + ptlen + a.icv_len;
	if (sklen > SK_PAYLOAD_MAX)
		return -EMSGSIZE;
	total = IKEV2_HDR_LEN + sklen;
	if (total > cap)
		return -ENOSPC;
	ct = IKEV2_HDR_LEN + IKEV2_PL_HDR_LEN + a.iv_len;
	/* First, as the headers may overwrite an @inner built in @out. */
	memmove(out + ct, inner, ilen);
	memset(out + ct + ilen, 0, pad);
	out[ct + ilen + pad] = (uint8_t)pad;

	memcpy(out, h->spi_i, 8);
	memcpy(out + 8, h->spi_r, 8);
	out[16] = IKEV2_PL_SK;
	out[17] = IKEV2_VERSION;
	out[18] = h->exchange;
	out[19] = h->flags & IKEV2_F_ALL;
	ikev2_put32(out + 20, h->msg_id);
	ikev2_put32(out + 24, (uint32_t)total);
	out[IKEV2_HDR_LEN] = inner_first;
	out[IKEV2_HDR_LEN + 1] = 0;
	ikev2_put16(out + IKEV2_HDR_LEN + 2, (uint16_t)sklen);
	memcpy(out + IKEV2_HDR_LEN + IKEV2_PL_HDR_LEN, iv, iv_len);

	if (a.md) {
		err = cbc_crypt(&a, k->ek, iv, out + ct, out + ct, ptlen, 1);
		if (!err)
			err = sk_hmac(&a, k, out, ct + ptlen, out + ct + ptlen);
	} else {
		err = aead_crypt(&a, k->ek, iv, out, IKEV2_HDR_LEN +
				 IKEV2_PL_HDR_LEN, out + ct, out + ct, ptlen,
				 out + ct + ptlen, 1);
	}
	if (err) {
		OPENSSL_cleanse(out, total);
		return err;
	}
	*outlen = total;
	return 0;
}

int ikev2_sk_seal(const struct ikev2_sk_keys *k, const struct ikev2_hdr *h,
		  uint8_t inner_first, const uint8_t *inner, size_t ilen,
		  uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t iv[SK_IV_MAX];
	struct sk_alg a;
	int err;

	*outlen = 0;
	err = sk_alg(k->encr, k->key_bits, k->integ, &a);
	if (err)
		return err;
	/*
	 * CBC needs an unpredictable IV (3.14), an AEAD a unique one, which
	 * 64 random bits are for the few thousand messages of an IKE SA.
	 */
	if (RAND_bytes(iv, (int)a.iv_len) != 1)
		return -EIO;
	return ikev2_sk_seal_iv(k, h, inner_first, inner, ilen, iv, a.iv_len,
				out, cap, outlen);
}

int ikev2_sk_open(const struct ikev2_sk_keys *k, const uint8_t *msg,
		  size_t len, const struct ikev2_sk *sk, uint8_t *plain,
		  size_t cap, size_t *plen)
{
	uint8_t icv[SK_ICV_MAX];
	const uint8_t *iv, *ct;
	size_t aadlen, ctlen, padlen;
	struct sk_alg a;
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
		err = sk_hmac(&a, k, msg, aadlen + a.iv_len + ctlen, icv);
		if (err)
			return err;
		if (CRYPTO_memcmp(icv, ct + ctlen, a.icv_len))
			return -EBADMSG;
		err = cbc_crypt(&a, k->ek, iv, ct, plain, ctlen, 0);
	} else {
		memcpy(icv, ct + ctlen, a.icv_len);
		err = aead_crypt(&a, k->ek, iv, msg, aadlen, ct, plain, ctlen,
				 icv, 0);
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
