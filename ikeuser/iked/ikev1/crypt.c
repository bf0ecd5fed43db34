// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 message bodies encrypted and decrypted in CBC mode (3DES, AES)
 * with OpenSSL, and the per-exchange IV chains.
 */

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "crypt.h"

size_t ikev1_encr_key_len(uint8_t encr, uint16_t key_bits)
{
	switch (encr) {
	case IKEV1_ENCR_3DES_CBC:
		return key_bits == 0 || key_bits == 192 ? 24 : 0;
	case IKEV1_ENCR_AES_CBC:
		/* RFC 3602: the Key Length attribute is mandatory */
		return key_bits == 128 || key_bits == 192 || key_bits == 256 ?
		       key_bits / 8 : 0;
	}
	return 0;
}

size_t ikev1_encr_block_len(uint8_t encr)
{
	switch (encr) {
	case IKEV1_ENCR_3DES_CBC:
		return 8;
	case IKEV1_ENCR_AES_CBC:
		return 16;
	}
	return 0;
}

static const EVP_CIPHER *cipher_of(uint8_t encr, size_t key_len)
{
	if (encr == IKEV1_ENCR_3DES_CBC && key_len == 24)
		return EVP_des_ede3_cbc();
	if (encr != IKEV1_ENCR_AES_CBC)
		return NULL;
	switch (key_len) {
	case 16: return EVP_aes_128_cbc();
	case 24: return EVP_aes_192_cbc();
	case 32: return EVP_aes_256_cbc();
	}
	return NULL;
}

int ikev1_ivs_init(struct ikev1_ivs *s, uint8_t hash, const uint8_t *iv,
		   size_t block)
{
	if (!block || block > IKEV1_BLOCK_MAX || !ikev1_hash_len(hash))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->hash = hash;
	s->block = block;
	memcpy(s->p1, iv, block);
	return 0;
}

static int slot_find(const struct ikev1_ivs *s, uint32_t msg_id)
{
	int i;

	for (i = 0; i < IKEV1_IV_SLOTS; i++)
		if (s->slot[i].msg_id == msg_id)
			return i;
	return -1;
}

/* A free slot, or the one used longest ago. */
static int slot_new(struct ikev1_ivs *s, uint32_t msg_id)
{
	int i, pick = 0;

	for (i = 0; i < IKEV1_IV_SLOTS; i++) {
		if (!s->slot[i].msg_id) {
			pick = i;
			break;
		}
		if (s->slot[i].age < s->slot[pick].age)
			pick = i;
	}
	s->slot[pick].msg_id = msg_id;
	return pick;
}

int ikev1_ivs_get(struct ikev1_ivs *s, uint32_t msg_id, uint8_t *iv)
{
	int i, ret;

	if (!msg_id) {
		memcpy(iv, s->p1, s->block);
		return 0;
	}
	i = slot_find(s, msg_id);
	if (i < 0) {
		i = slot_new(s, msg_id);
		ret = ikev1_iv_phase2(s->hash, s->p1, s->block, msg_id,
				      s->slot[i].iv);
		if (ret) {
			s->slot[i].msg_id = 0;
			return ret;
		}
	}
	s->slot[i].age = ++s->clock;
	memcpy(iv, s->slot[i].iv, s->block);
	return 0;
}

void ikev1_ivs_set(struct ikev1_ivs *s, uint32_t msg_id, const uint8_t *iv)
{
	int i;

	if (!msg_id) {
		memcpy(s->p1, iv, s->block);
		return;
	}
	i = slot_find(s, msg_id);
	if (i < 0)
		i = slot_new(s, msg_id);
	s->slot[i].age = ++s->clock;
	memcpy(s->slot[i].iv, iv, s->block);
}

void ikev1_ivs_drop(struct ikev1_ivs *s, uint32_t msg_id)
{
	int i = msg_id ? slot_find(s, msg_id) : -1;

	if (i >= 0)
		memset(&s->slot[i], 0, sizeof(s->slot[i]));
}

/* CBC over @len bytes (a multiple of the block), no padding by OpenSSL. */
static int cbc(uint8_t encr, const uint8_t *key, size_t key_len,
	       const uint8_t *iv, int enc, const uint8_t *in, size_t len,
	       uint8_t *out)
{
	const EVP_CIPHER *c = cipher_of(encr, key_len);
	EVP_CIPHER_CTX *ctx;
	int n1 = 0, n2 = 0, ok;

	if (!c || len > INT32_MAX)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &n1, in, (int)len) &&
	     EVP_CipherFinal_ex(ctx, out + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(n1 + n2) == len ? 0 : -EIO;
}

int ikev1_encrypt(struct ikev1_ivs *s, uint8_t encr, const uint8_t *key,
		  size_t key_len, uint32_t msg_id, const uint8_t *plain,
		  size_t plen, uint8_t *out, size_t cap, size_t *olen)
{
	uint8_t iv[IKEV1_BLOCK_MAX];
	size_t b = ikev1_encr_block_len(encr), len;
	int ret;

	if (b != s->block)
		return -EINVAL;
	/* RFC 2408 3.1: padded to the block size; zeros, as strongSwan */
	len = (plen + b - 1) / b * b;
	if (!len)
		len = b;
	if (len > cap)
		return -ENOSPC;
	memmove(out, plain, plen);
	memset(out + plen, 0, len - plen);
	ret = ikev1_ivs_get(s, msg_id, iv) ?:
	      cbc(encr, key, key_len, iv, 1, out, len, out);
	if (ret)
		return ret;
	ikev1_ivs_set(s, msg_id, out + len - b);
	*olen = len;
	return 0;
}

int ikev1_decrypt(struct ikev1_ivs *s, uint8_t encr, const uint8_t *key,
		  size_t key_len, uint32_t msg_id, const uint8_t *ct,
		  size_t clen, uint8_t *out)
{
	uint8_t iv[IKEV1_BLOCK_MAX], last[IKEV1_BLOCK_MAX];
	size_t b = ikev1_encr_block_len(encr);
	int ret;

	if (b != s->block)
		return -EINVAL;
	if (!clen || clen % b)
		return -EBADMSG;
	memcpy(last, ct + clen - b, b);	/* @out may be @ct */
	ret = ikev1_ivs_get(s, msg_id, iv) ?:
	      cbc(encr, key, key_len, iv, 0, ct, clen, out);
	if (ret)
		return ret;
	ikev1_ivs_set(s, msg_id, last);
	return 0;
}
