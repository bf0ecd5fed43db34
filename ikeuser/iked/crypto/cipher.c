// SPDX-License-Identifier: GPL-2.0
/* The IKE SA's ciphers (CBC and AEAD) and HMAC integrity with OpenSSL 3's EVP ciphers and EVP_Q_mac, by IANA transform IDs. */

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cipher.h"

/* Encryption transform IDs (IANA "Transform Type 1"). */
enum {
	ENCR_3DES = 3,
	ENCR_AES_CBC = 12,
	ENCR_AES_GCM_8 = 18,
	ENCR_AES_GCM_12 = 19,
	ENCR_AES_GCM_16 = 20,
	ENCR_CHACHA20_POLY1305 = 28,
};

/* Integrity transform IDs (IANA "Transform Type 3"). */
enum {
	INTEG_NONE = 0,
	INTEG_HMAC_MD5_96 = 1,
	INTEG_HMAC_SHA1_96 = 2,
	INTEG_HMAC_SHA2_256_128 = 12,
	INTEG_HMAC_SHA2_384_192 = 13,
	INTEG_HMAC_SHA2_512_256 = 14,
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

/* The integrity half of @c for a CBC cipher: RFC 2404, 2403, 4868 sizes. */
static int integ_alg(uint16_t integ, struct iked_cipher *c)
{
	switch (integ) {
	case INTEG_HMAC_MD5_96:
		c->md = "MD5";
		c->ak_len = 16;
		c->icv_len = 12;
		return 0;
	case INTEG_HMAC_SHA1_96:
		c->md = "SHA1";
		c->ak_len = 20;
		c->icv_len = 12;
		return 0;
	case INTEG_HMAC_SHA2_256_128:
		c->md = "SHA2-256";
		c->ak_len = 32;
		c->icv_len = 16;
		return 0;
	case INTEG_HMAC_SHA2_384_192:
		c->md = "SHA2-384";
		c->ak_len = 48;
		c->icv_len = 24;
		return 0;
	case INTEG_HMAC_SHA2_512_256:
		c->md = "SHA2-512";
		c->ak_len = 64;
		c->icv_len = 32;
		return 0;
	}
	return -EOPNOTSUPP;
}

/* The encryption half of @c; an AEAD's ICV length says it is one. */
static int encr_alg(uint16_t encr, uint16_t key_bits, struct iked_cipher *c)
{
	const EVP_CIPHER *evp;

	switch (encr) {
	case ENCR_3DES:
		if (key_bits)
			return -EOPNOTSUPP;
		evp = EVP_des_ede3_cbc();
		c->key_len = 24;
		c->iv_len = c->block = 8;
		break;
	case ENCR_AES_CBC:
		evp = aes(key_bits, false);
		c->key_len = key_bits / 8u;
		c->iv_len = c->block = 16;
		break;
	case ENCR_AES_GCM_8:
	case ENCR_AES_GCM_12:
	case ENCR_AES_GCM_16:
		evp = aes(key_bits, true);
		c->key_len = key_bits / 8u;
		c->icv_len = encr == ENCR_AES_GCM_8 ? 8 :
			     encr == ENCR_AES_GCM_12 ? 12 : 16;
		break;
	case ENCR_CHACHA20_POLY1305:
		/* RFC 7634 2: a fixed 256-bit key, sent without Key Length. */
		if (key_bits)
			return -EOPNOTSUPP;
		evp = EVP_chacha20_poly1305();
		c->key_len = 32;
		c->icv_len = 16;
		break;
	default:
		return -EOPNOTSUPP;
	}
	c->evp = evp;
	return evp ? 0 : -EOPNOTSUPP;
}

int iked_cipher_get(uint16_t encr, uint16_t key_bits, uint16_t integ,
		    struct iked_cipher *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = encr_alg(encr, key_bits, c);
	if (err)
		return err;
	if (c->icv_len) {
		/* RFC 5282 8: with an AEAD, integrity is NONE or left out. */
		if (integ != INTEG_NONE)
			return -EOPNOTSUPP;
		c->salt_len = IKED_AEAD_SALT_LEN;
		c->iv_len = IKED_AEAD_IV_LEN;
		c->block = 1;
		return 0;
	}
	return integ_alg(integ, c);
}

bool iked_cipher_aead(uint16_t encr)
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

int iked_cipher_hmac(const struct iked_cipher *c, const uint8_t *ak,
		     size_t ak_len, const uint8_t *data, size_t len,
		     uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	int ret = -EIO;

	if (EVP_Q_mac(NULL, "HMAC", NULL, c->md, NULL, ak, ak_len, data,
		      len, mac, sizeof(mac), &maclen) && maclen >= c->icv_len) {
		memcpy(icv, mac, c->icv_len);
		ret = 0;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

int iked_cipher_cbc(const struct iked_cipher *c, const uint8_t *ek,
		    const uint8_t *iv, const uint8_t *in, uint8_t *out,
		    size_t len, bool enc)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ret = -EIO;

	if (ctx && len <= INT_MAX &&
	    EVP_CipherInit_ex(ctx, c->evp, NULL, ek, iv, enc) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) &&
	    EVP_CipherFinal_ex(ctx, out + n, &fin) && (size_t)(n + fin) == len)
		ret = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int iked_cipher_aead_crypt(const struct iked_cipher *c, const uint8_t *ek,
			   const uint8_t *iv, const uint8_t *aad,
			   size_t aadlen, const uint8_t *in, uint8_t *out,
			   size_t len, uint8_t *icv, bool enc)
{
	uint8_t nonce[IKED_AEAD_SALT_LEN + IKED_AEAD_IV_LEN];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, ret = -EIO;

	memcpy(nonce, ek + c->key_len, IKED_AEAD_SALT_LEN);
	memcpy(nonce + IKED_AEAD_SALT_LEN, iv, IKED_AEAD_IV_LEN);
	if (!ctx || aadlen > INT_MAX || len > INT_MAX ||
	    !EVP_CipherInit_ex(ctx, c->evp, NULL, NULL, NULL, enc) ||
	    EVP_CIPHER_CTX_get_iv_length(ctx) != (int)sizeof(nonce) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, ek, nonce, enc))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
					 (int)c->icv_len, icv))
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
					(int)c->icv_len, icv))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return ret;
}
