// SPDX-License-Identifier: GPL-2.0
/*
 * The ESP transforms kesp offers, mapped to kernel crypto API algorithms
 * with the same names and key layouts XFRM uses, so that both ends derive
 * the same bytes from the same keys.
 */

#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include "chachapoly.h"
#include "crypto.h"
#include "sa.h"

struct enc_alg {
	u16 id;
	const char *name;	/* operators' name */
	const char *cra;	/* crypto API name of the cipher or AEAD */
	const char *geniv;	/* IV generator, NULL when there is no IV */
	u8 keylens[3];		/* accepted key lengths, salt not included */
	u8 nkeylens;
	u8 salt;		/* bytes of salt after the key (AEAD) */
	bool aead;
};

struct integ_alg {
	u16 id;
	const char *name;
	const char *cra;
	u8 keylen;
	u8 icvlen;
};

static const struct enc_alg enc_algs[] = {
	{ KESP_ENC_AES_GCM_16, "aes-gcm-16", "rfc4106(gcm(aes))", "seqiv",
	  { 16, 24, 32 }, 3, 4, true },
	{ KESP_ENC_AES_CCM_16, "aes-ccm-16", "rfc4309(ccm(aes))", "seqiv",
	  { 16, 24, 32 }, 3, 3, true },
	{ KESP_ENC_CHACHA20_POLY1305, "chacha20-poly1305",
	  "rfc7539esp(chacha20,poly1305)", "seqiv", { 32 }, 1, 4, true },
	{ KESP_ENC_AES_CBC, "aes-cbc", "cbc(aes)", "echainiv",
	  { 16, 24, 32 }, 3, 0, false },
	{ KESP_ENC_3DES_CBC, "3des-cbc", "cbc(des3_ede)", "echainiv",
	  { 24 }, 1, 0, false },
	{ KESP_ENC_NULL, "null", "ecb(cipher_null)", NULL, { 0 }, 1, 0, false },
};

static const struct integ_alg integ_algs[] = {
	{ KESP_INTEG_HMAC_MD5_96, "hmac-md5-96", "hmac(md5)", 16, 12 },
	{ KESP_INTEG_HMAC_SHA1_96, "hmac-sha1-96", "hmac(sha1)", 20, 12 },
	{ KESP_INTEG_HMAC_SHA2_256_128, "hmac-sha256-128", "hmac(sha256)",
	  32, 16 },
	{ KESP_INTEG_HMAC_SHA2_384_192, "hmac-sha384-192", "hmac(sha384)",
	  48, 24 },
	{ KESP_INTEG_HMAC_SHA2_512_256, "hmac-sha512-256", "hmac(sha512)",
	  64, 32 },
};

/* ICV of the AEAD transforms: 16 bytes for all three offered. */
#define AEAD_ICV_LEN 16

static const struct enc_alg *enc_find(u16 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(enc_algs); i++)
		if (enc_algs[i].id == id)
			return &enc_algs[i];
	return NULL;
}

static const struct integ_alg *integ_find(u16 id)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(integ_algs); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

const char *kesp_enc_name(u16 enc)
{
	const struct enc_alg *e = enc_find(enc);

	return e ? e->name : "?";
}

const char *kesp_integ_name(u16 integ)
{
	const struct integ_alg *a = integ_find(integ);

	return a ? a->name : "none";
}

static bool keylen_ok(const struct enc_alg *e, unsigned int len)
{
	int i;

	for (i = 0; i < e->nkeylens; i++)
		if (e->keylens[i] + e->salt == len)
			return true;
	return false;
}

static struct crypto_aead *alloc_aead(const char *geniv, const char *inner)
{
	char name[CRYPTO_MAX_ALG_NAME];
	int n;

	if (geniv)
		n = snprintf(name, sizeof(name), "%s(%s)", geniv, inner);
	else
		n = snprintf(name, sizeof(name), "%s", inner);
	if (n >= sizeof(name))
		return ERR_PTR(-ENAMETOOLONG);
	return crypto_alloc_aead(name, 0, 0);
}

static int init_aead(struct kesp_sa *sa, const struct enc_alg *e,
		     const struct kesp_sa_params *p)
{
	struct crypto_aead *aead;
	int err;

	aead = alloc_aead(e->geniv, e->cra);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	sa->aead = aead;
	err = crypto_aead_setkey(aead, p->enc_key, p->enc_keylen);
	if (!err)
		err = crypto_aead_setauthsize(aead, AEAD_ICV_LEN);
	/*
	 * Chosen once per SA, so that one key never has IVs from both
	 * generators (seqiv's are the number XOR a salt of its own).
	 */
	if (!err && e->id == KESP_ENC_CHACHA20_POLY1305 &&
	    READ_ONCE(kesp_chacha_lib))
		err = kesp_chachapoly_init(sa, p->enc_key, p->enc_keylen);
	return err;
}

/* authenc keys are an rtattr with the cipher key length, then both keys. */
static int init_authenc(struct kesp_sa *sa, const struct enc_alg *e,
			const struct integ_alg *a,
			const struct kesp_sa_params *p)
{
	struct crypto_authenc_key_param *param;
	char inner[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *aead;
	unsigned int keylen;
	struct rtattr *rta;
	u8 *key, *pos;
	int err;

	if (snprintf(inner, sizeof(inner), "%s(%s,%s)",
		     sa->cfg.flags & KESP_SA_F_ESN ? "authencesn" : "authenc",
		     a->cra, e->cra) >= sizeof(inner))
		return -ENAMETOOLONG;
	aead = alloc_aead(e->geniv, inner);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	sa->aead = aead;

	keylen = RTA_SPACE(sizeof(*param)) + p->integ_keylen + p->enc_keylen;
	key = kmalloc(keylen, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	rta = (struct rtattr *)key;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(p->enc_keylen);
	pos = key + RTA_SPACE(sizeof(*param));
	memcpy(pos, p->integ_key, p->integ_keylen);
	memcpy(pos + p->integ_keylen, p->enc_key, p->enc_keylen);

	err = crypto_aead_setauthsize(aead, a->icvlen);
	if (!err)
		err = crypto_aead_setkey(aead, key, keylen);
	kfree_sensitive(key);
	return err;
}

int kesp_crypto_sa_init(struct kesp_sa *sa, const struct kesp_sa_params *p,
			struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	const struct enc_alg *e = enc_find(p->cfg.enc);
	const struct integ_alg *a = NULL;
	int err;

	if (!e) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KESP_SA_A_ENC],
				    "unknown encryption transform");
		return -EINVAL;
	}
	if (!keylen_ok(e, p->enc_keylen)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KESP_SA_A_ENC_KEY] ?:
				    attrs[KESP_SA_A_ENC],
				    "key length (with salt) wrong for this encryption transform");
		return -EINVAL;
	}
	if (e->aead && p->cfg.integ) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KESP_SA_A_INTEG],
				    "an AEAD transform takes no integrity transform");
		return -EINVAL;
	}
	if (!e->aead) {
		a = integ_find(p->cfg.integ);
		if (!a) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[KESP_SA_A_INTEG] ?:
					    attrs[KESP_SA_A_ENC],
					    "missing or unknown integrity transform");
			return -EINVAL;
		}
		if (p->integ_keylen != a->keylen) {
			NL_SET_ERR_MSG_ATTR(extack,
					    attrs[KESP_SA_A_INTEG_KEY] ?:
					    attrs[KESP_SA_A_INTEG],
					    "key length wrong for this integrity transform");
			return -EINVAL;
		}
	}

	sa->enc_bits = (p->enc_keylen - e->salt) * 8;
	err = e->aead ? init_aead(sa, e, p) : init_authenc(sa, e, a, p);
	if (err) {
		kesp_crypto_sa_free(sa);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(extack, "the kernel's crypto API lacks this transform");
		else
			NL_SET_ERR_MSG(extack, "the crypto API refused the transform or key");
	}
	return err;
}

void kesp_crypto_sa_free(struct kesp_sa *sa)
{
	/* crypto_free_aead() zeroes the key schedule with the tfm. */
	if (!IS_ERR_OR_NULL(sa->aead))
		crypto_free_aead(sa->aead);
	sa->aead = NULL;
	kesp_chachapoly_free(sa);
}
