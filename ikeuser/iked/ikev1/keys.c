// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 key material with pre-shared keys (RFC 2409): SKEYID*, the
 * encryption key, IVs, the authentication and exchange hashes, KEYMAT.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "../crypto/prf.h"
#include "keys.h"

/* The IKEv2 PRF ID (crypto/prf.h) of the HMAC of IKEv1 hash @hash. */
static uint16_t prf_of(uint8_t hash)
{
	switch (hash) {
	case IKEV1_HASH_MD5: return 1;
	case IKEV1_HASH_SHA1: return 2;
	case IKEV1_HASH_SHA2_256: return 5;
	case IKEV1_HASH_SHA2_384: return 6;
	case IKEV1_HASH_SHA2_512: return 7;
	}
	return 0;
}

static const EVP_MD *md_of(uint8_t hash)
{
	switch (hash) {
	case IKEV1_HASH_MD5: return EVP_md5();
	case IKEV1_HASH_SHA1: return EVP_sha1();
	case IKEV1_HASH_SHA2_256: return EVP_sha256();
	case IKEV1_HASH_SHA2_384: return EVP_sha384();
	case IKEV1_HASH_SHA2_512: return EVP_sha512();
	}
	return NULL;
}

size_t ikev1_hash_len(uint8_t hash)
{
	return iked_prf_len(prf_of(hash));
}

struct piece {
	const uint8_t *p;
	size_t len;
};

/* Concatenates @n pieces into a fresh buffer (*@len bytes); NULL: ENOMEM. */
static uint8_t *cat(const struct piece *v, size_t n, size_t *len)
{
	size_t i, total = 0, pos = 0;
	uint8_t *buf;

	for (i = 0; i < n; i++)
		total += v[i].len;
	buf = malloc(total ? total : 1);
	if (!buf)
		return NULL;
	for (i = 0; i < n; i++) {
		if (v[i].len)
			memcpy(buf + pos, v[i].p, v[i].len);
		pos += v[i].len;
	}
	*len = total;
	return buf;
}

/* prf(@key, v[0] | v[1] | ...) with the HMAC of @hash. */
static int prfv(uint8_t hash, const uint8_t *key, size_t klen,
		const struct piece *v, size_t n, uint8_t *out)
{
	size_t len;
	uint8_t *buf = cat(v, n, &len);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = iked_prf(prf_of(hash), key, klen, buf, len, out);
	OPENSSL_clear_free(buf, len);
	return ret;
}

/* hash(v[0] | v[1] | ...), the plain hash of the IV derivations. */
static int hashv(uint8_t hash, const struct piece *v, size_t n, uint8_t *out)
{
	const EVP_MD *md = md_of(hash);
	size_t len;
	uint8_t *buf;
	int ok;

	if (!md)
		return -EINVAL;
	buf = cat(v, n, &len);
	if (!buf)
		return -ENOMEM;
	ok = EVP_Digest(buf, len, out, NULL, md, NULL);
	free(buf);
	return ok ? 0 : -EIO;
}

int ikev1_natd_hash(uint8_t hash, const uint8_t ck_i[8], const uint8_t ck_r[8],
		    const uint8_t *addr, size_t alen, uint16_t port,
		    uint8_t *out)
{
	uint8_t pb[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	const struct piece v[] = {
		{ ck_i, 8 }, { ck_r, 8 }, { addr, alen }, { pb, 2 },
	};

	if (alen != 4 && alen != 16)
		return -EINVAL;
	return hashv(hash, v, 4, out);
}

/*
 * Appendix B: the key is the start of SKEYID_e when that is long enough,
 * else K1 = prf(SKEYID_e, 0), Kn+1 = prf(SKEYID_e, Kn), Ka = K1 | K2 ...
 */
static int expand_ka(struct ikev1_keys *k, size_t key_len)
{
	uint8_t kn[IKEV1_HASH_MAX], zero = 0, buf[3 * IKEV1_HASH_MAX];
	size_t have = 0;
	int ret;

	k->ka_len = key_len;
	if (key_len <= k->len) {
		memcpy(k->ka, k->skeyid_e, key_len);
		return 0;
	}
	ret = iked_prf(prf_of(k->hash), k->skeyid_e, k->len, &zero, 1, kn);
	while (!ret) {
		memcpy(buf + have, kn, k->len);
		have += k->len;
		if (have >= key_len)
			break;
		ret = iked_prf(prf_of(k->hash), k->skeyid_e, k->len, kn,
			       k->len, kn);
	}
	if (!ret)
		memcpy(k->ka, buf, key_len);
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(kn, sizeof(kn));
	return ret;
}

static int skeyid_children(struct ikev1_keys *k, const struct ikev1_p1_in *in)
{
	uint8_t b0 = 0, b1 = 1, b2 = 2;
	struct piece d[] = {
		{ in->gxy, in->gxy_len }, { in->ck_i, 8 }, { in->ck_r, 8 },
		{ &b0, 1 },
	};
	struct piece a[] = {
		{ k->skeyid_d, k->len }, { in->gxy, in->gxy_len },
		{ in->ck_i, 8 }, { in->ck_r, 8 }, { &b1, 1 },
	};
	struct piece e[] = {
		{ k->skeyid_a, k->len }, { in->gxy, in->gxy_len },
		{ in->ck_i, 8 }, { in->ck_r, 8 }, { &b2, 1 },
	};

	return prfv(k->hash, k->skeyid, k->len, d, 4, k->skeyid_d) ?:
	       prfv(k->hash, k->skeyid, k->len, a, 5, k->skeyid_a) ?:
	       prfv(k->hash, k->skeyid, k->len, e, 5, k->skeyid_e);
}

/*
 * 5: SKEYID = prf(PSK, Ni_b | Nr_b) for pre-shared keys, and
 * prf(Ni_b | Nr_b, g^xy) for signatures (there is no shared secret
 * but the DH one).
 */
static int skeyid(struct ikev1_keys *k, const struct ikev1_p1_in *in,
		  bool sig)
{
	struct piece nonces[] = { { in->ni, in->ni_len }, { in->nr, in->nr_len } };
	struct piece gxy = { in->gxy, in->gxy_len };
	uint8_t key[2 * 256];
	int ret;

	if (!sig)
		return prfv(k->hash, in->psk, in->psk_len, nonces, 2, k->skeyid);
	if (in->ni_len + in->nr_len > sizeof(key))
		return -EINVAL;
	memcpy(key, in->ni, in->ni_len);
	memcpy(key + in->ni_len, in->nr, in->nr_len);
	ret = prfv(k->hash, key, in->ni_len + in->nr_len, &gxy, 1, k->skeyid);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

static int derive(struct ikev1_keys *k, const struct ikev1_p1_in *in,
		  bool sig)
{
	struct piece gx[] = { { in->gxi, in->gxi_len }, { in->gxr, in->gxr_len } };
	uint8_t h[IKEV1_HASH_MAX];
	int ret;

	memset(k, 0, sizeof(*k));
	k->hash = in->hash;
	k->len = ikev1_hash_len(in->hash);
	if (!k->len || in->key_len > IKEV1_KEY_MAX ||
	    in->key_len > 3 * k->len || !in->block_len ||
	    in->block_len > IKEV1_BLOCK_MAX || in->block_len > k->len)
		return -EINVAL;
	ret = skeyid(k, in, sig) ?: skeyid_children(k, in) ?: expand_ka(k, in->key_len) ?:
	      hashv(k->hash, gx, 2, h);
	if (ret) {
		ikev1_keys_wipe(k);
		return ret;
	}
	k->block_len = in->block_len;
	memcpy(k->iv, h, in->block_len);
	return 0;
}

int ikev1_keys_psk(struct ikev1_keys *k, const struct ikev1_p1_in *in)
{
	return derive(k, in, false);
}

int ikev1_keys_sig(struct ikev1_keys *k, const struct ikev1_p1_in *in)
{
	return derive(k, in, true);
}

int ikev1_hash_auth(const struct ikev1_keys *k, const struct ikev1_p1_in *in,
		    bool initiator, const uint8_t *sai_b, size_t sai_len,
		    const uint8_t *id_b, size_t id_len, uint8_t *out)
{
	struct piece gi = { in->gxi, in->gxi_len }, gr = { in->gxr, in->gxr_len };
	struct piece ci = { in->ck_i, 8 }, cr = { in->ck_r, 8 };
	struct piece v[6] = {
		initiator ? gi : gr, initiator ? gr : gi,
		initiator ? ci : cr, initiator ? cr : ci,
		{ sai_b, sai_len }, { id_b, id_len },
	};

	return prfv(k->hash, k->skeyid, k->len, v, 6, out);
}

int ikev1_iv_phase2(uint8_t hash, const uint8_t *last, size_t block_len,
		    uint32_t msg_id, uint8_t *out)
{
	uint8_t mid[4], h[IKEV1_HASH_MAX];
	struct piece v[] = { { last, block_len }, { mid, 4 } };
	int ret;

	if (!ikev1_hash_len(hash) || block_len > ikev1_hash_len(hash))
		return -EINVAL;
	ikev1_put32(mid, msg_id);
	ret = hashv(hash, v, 2, h);
	if (!ret)
		memcpy(out, h, block_len);
	return ret;
}

int ikev1_hash1(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t mid[4];
	struct piece v[] = { { mid, 4 }, { rest, rest_len } };

	ikev1_put32(mid, msg_id);
	return prfv(k->hash, k->skeyid_a, k->len, v, 2, out);
}

int ikev1_hash2(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *ni, size_t ni_len, const uint8_t *rest,
		size_t rest_len, uint8_t *out)
{
	uint8_t mid[4];
	struct piece v[] = { { mid, 4 }, { ni, ni_len }, { rest, rest_len } };

	ikev1_put32(mid, msg_id);
	return prfv(k->hash, k->skeyid_a, k->len, v, 3, out);
}

int ikev1_hash3(const struct ikev1_keys *k, uint32_t msg_id,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		size_t nr_len, uint8_t *out)
{
	uint8_t zero = 0, mid[4];
	struct piece v[] = {
		{ &zero, 1 }, { mid, 4 }, { ni, ni_len }, { nr, nr_len },
	};

	ikev1_put32(mid, msg_id);
	return prfv(k->hash, k->skeyid_a, k->len, v, 4, out);
}

int ikev1_after_hash(const struct ikev1_chain *c, const uint8_t *plain,
		     size_t len, const uint8_t **rest, size_t *rest_len)
{
	const uint8_t *start;

	if (!c->n || c->pl[0].type != IKEV1_PL_HASH ||
	    c->pl[0].body < plain || c->trailing > len)
		return -EBADMSG;
	start = c->pl[0].body + c->pl[0].len;
	if (start > plain + len - c->trailing)
		return -EBADMSG;
	*rest = start;
	*rest_len = (size_t)(plain + len - c->trailing - start);
	return 0;
}

int ikev1_keymat(const struct ikev1_keys *k, const uint8_t *gxy,
		 size_t gxy_len, uint8_t proto, const uint8_t *spi,
		 const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		 size_t nr_len, uint8_t *out, size_t out_len)
{
	uint8_t kn[IKEV1_HASH_MAX];
	struct piece v[] = {
		{ kn, 0 }, { gxy, gxy ? gxy_len : 0 }, { &proto, 1 },
		{ spi, 4 }, { ni, ni_len }, { nr, nr_len },
	};
	size_t have = 0, n;
	int ret;

	while (have < out_len) {
		ret = prfv(k->hash, k->skeyid_d, k->len, v, 6, kn);
		if (ret) {
			OPENSSL_cleanse(kn, sizeof(kn));
			return ret;
		}
		n = out_len - have < k->len ? out_len - have : k->len;
		memcpy(out + have, kn, n);
		have += n;
		v[0].len = k->len;	/* Kn+1 = prf(SKEYID_d, Kn | ...) */
	}
	OPENSSL_cleanse(kn, sizeof(kn));
	return 0;
}

void ikev1_keys_wipe(struct ikev1_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
