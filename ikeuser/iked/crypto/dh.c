// SPDX-License-Identifier: GPL-2.0
/* Diffie-Hellman key exchange with OpenSSL 3 EVP_PKEY: MODP groups, NIST curves and X25519, for either IKE version. */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include "dh.h"

enum dh_kind {
	DH_MODP,
	DH_ECP,
	DH_X25519,
};

struct dh_group {
	uint16_t id;
	uint8_t kind;		/* enum dh_kind */
	uint16_t pub_len;	/* KE payload data */
	/* OpenSSL's name; NULL for MODP-1024, which OpenSSL 3.0 does not name. */
	const char *ossl;
	const char *name;
};

/*
 * OpenSSL names RFC 3526's groups "modp_1536" to "modp_8192"; RFC 2409's
 * MODP-768 and MODP-1024 it has no name for, so group 2 is built from its
 * prime below.
 */
static const struct dh_group dh_groups[] = {
	{ 2, DH_MODP, 128, NULL, "MODP_1024" },
	{ 5, DH_MODP, 192, "modp_1536", "MODP_1536" },
	{ 14, DH_MODP, 256, "modp_2048", "MODP_2048" },
	{ 15, DH_MODP, 384, "modp_3072", "MODP_3072" },
	{ 16, DH_MODP, 512, "modp_4096", "MODP_4096" },
	{ 17, DH_MODP, 768, "modp_6144", "MODP_6144" },
	{ 18, DH_MODP, 1024, "modp_8192", "MODP_8192" },
	{ 19, DH_ECP, 64, "P-256", "ECP_256" },
	{ 20, DH_ECP, 96, "P-384", "ECP_384" },
	{ 21, DH_ECP, 132, "P-521", "ECP_521" },
	{ 31, DH_X25519, 32, "X25519", "CURVE25519" },
};

/*
 * RFC 2409 6.2, the Second Oakley Group: 2^1024 - 2^960 - 1 +
 * 2^64 * (floor(2^894 pi) + 129093), generator 2. It is a safe prime, but
 * OpenSSL 3.0 is given no q = (p - 1) / 2: with a q it runs FIPS 186-4's
 * checks on (p, q), which know only 160-bit q for 1024-bit p, and refuses
 * to generate a key. Without q the private key is a full 1023 bits and the
 * peer check stops at 1 < y < p - 1, which for a safe prime excludes the
 * only small subgroup, {1, p - 1}.
 */
static const uint8_t modp1024_p[128] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc9, 0x0f, 0xda, 0xa2, 0x21, 0x68, 0xc2, 0x34,
	0xc4, 0xc6, 0x62, 0x8b, 0x80, 0xdc, 0x1c, 0xd1,
	0x29, 0x02, 0x4e, 0x08, 0x8a, 0x67, 0xcc, 0x74,
	0x02, 0x0b, 0xbe, 0xa6, 0x3b, 0x13, 0x9b, 0x22,
	0x51, 0x4a, 0x08, 0x79, 0x8e, 0x34, 0x04, 0xdd,
	0xef, 0x95, 0x19, 0xb3, 0xcd, 0x3a, 0x43, 0x1b,
	0x30, 0x2b, 0x0a, 0x6d, 0xf2, 0x5f, 0x14, 0x37,
	0x4f, 0xe1, 0x35, 0x6d, 0x6d, 0x51, 0xc2, 0x45,
	0xe4, 0x85, 0xb5, 0x76, 0x62, 0x5e, 0x7e, 0xc6,
	0xf4, 0x4c, 0x42, 0xe9, 0xa6, 0x37, 0xed, 0x6b,
	0x0b, 0xff, 0x5c, 0xb6, 0xf4, 0x06, 0xb7, 0xed,
	0xee, 0x38, 0x6b, 0xfb, 0x5a, 0x89, 0x9f, 0xa5,
	0xae, 0x9f, 0x24, 0x11, 0x7c, 0x4b, 0x1f, 0xe6,
	0x49, 0x28, 0x66, 0x51, 0xec, 0xe6, 0x53, 0x81,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

struct iked_dh {
	const struct dh_group *g;
	EVP_PKEY *key;
	uint8_t pub[IKED_DH_SHARED_MAX];
};

static const struct dh_group *dh_group(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

size_t iked_dh_pub_len(uint16_t group)
{
	const struct dh_group *g = dh_group(group);

	return g ? g->pub_len : 0;
}

const char *iked_dh_name(uint16_t group)
{
	const struct dh_group *g = dh_group(group);

	return g ? g->name : NULL;
}

uint16_t iked_dh_group(const struct iked_dh *dh)
{
	return dh->g->id;
}

const uint8_t *iked_dh_pub(const struct iked_dh *dh, size_t *len)
{
	*len = dh->g->pub_len;
	return dh->pub;
}

void iked_dh_free(struct iked_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}

/* ECP shares only x (RFC 5903 7), so half of what the KE payload carries. */
static size_t shared_len(const struct dh_group *g)
{
	return g->kind == DH_ECP ? g->pub_len / 2u : g->pub_len;
}

/* MODP-1024's p and g as a parameters-only key. */
static EVP_PKEY *modp1024_domain(void)
{
	BIGNUM *p = BN_bin2bn(modp1024_p, sizeof(modp1024_p), NULL);
	BIGNUM *g = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (!p || !g || !bld || !BN_set_word(g, 2) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(g);
	BN_free(p);
	return key;
}

/* The domain of MODP or ECP group @g as a parameters-only key, or NULL. */
static EVP_PKEY *domain(const struct dh_group *g)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	if (!g->ossl)
		return modp1024_domain();
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)g->ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->kind == DH_ECP ? "EC" : "DH",
					 NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* A fresh key pair of group @g. */
static EVP_PKEY *keygen(const struct dh_group *g)
{
	EVP_PKEY *dom = NULL, *key = NULL;
	EVP_PKEY_CTX *ctx;

	if (g->kind == DH_X25519) {
		ctx = EVP_PKEY_CTX_new_from_name(NULL, g->ossl, NULL);
	} else {
		dom = domain(g);
		ctx = dom ? EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL) : NULL;
	}
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_keygen(ctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(dom);
	return key;
}

/*
 * Copies the public value of @dh->key into @dh->pub in the KE payload's
 * form. OpenSSL's encoded form is already that for MODP (padded to the
 * prime) and X25519; for ECP it is the uncompressed point, 0x04 | x | y.
 */
static int export_pub(struct iked_dh *dh)
{
	uint8_t buf[IKED_DH_SHARED_MAX + 1];
	size_t len = 0, skip = dh->g->kind == DH_ECP ? 1 : 0;
	int ret = -EIO;

	if (!EVP_PKEY_get_octet_string_param(dh->key,
					     OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     buf, sizeof(buf), &len))
		goto out;
	if (len != dh->g->pub_len + skip || (skip && buf[0] != 0x04))
		goto out;
	memcpy(dh->pub, buf + skip, dh->g->pub_len);
	ret = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}

/* Takes @key (freed on error). */
static int dh_wrap(const struct dh_group *g, EVP_PKEY *key,
		   struct iked_dh **out)
{
	struct iked_dh *dh;
	int err;

	*out = NULL;
	dh = calloc(1, sizeof(*dh));
	if (!dh) {
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	dh->g = g;
	dh->key = key;
	err = export_pub(dh);
	if (err) {
		iked_dh_free(dh);
		return err;
	}
	*out = dh;
	return 0;
}

int iked_dh_new(uint16_t group, struct iked_dh **out)
{
	const struct dh_group *g = dh_group(group);
	EVP_PKEY *key;

	*out = NULL;
	if (!g)
		return -EOPNOTSUPP;
	key = keygen(g);
	if (!key)
		return -EIO;
	return dh_wrap(g, key, out);
}

/*
 * The public value for a fixed private key. OpenSSL 3.0's fromdata does
 * not derive it (a key imported with only OSSL_PKEY_PARAM_PRIV_KEY has no
 * public half), so compute it with the (not deprecated) BIGNUM and
 * EC_POINT arithmetic. Test-only, like its caller.
 */
static int fixed_pub(const struct dh_group *g, EVP_PKEY *dom,
		     const BIGNUM *x, uint8_t *pub, size_t *len)
{
	BIGNUM *p = NULL, *gen = NULL, *y = NULL;
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	BN_CTX *bnctx = BN_CTX_new();
	int ret = -EIO;

	if (!bnctx)
		goto out;
	if (g->kind == DH_MODP) {
		y = BN_new();
		if (!y ||
		    !EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_P, &p) ||
		    !EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_G, &gen) ||
		    !BN_mod_exp(y, gen, x, p, bnctx) ||
		    BN_bn2binpad(y, pub, g->pub_len) < 0)
			goto out;
		*len = g->pub_len;
	} else {
		grp = EC_GROUP_new_by_curve_name_ex(NULL, NULL,
						    EC_curve_nist2nid(g->ossl));
		pt = grp ? EC_POINT_new(grp) : NULL;
		if (!pt || !EC_POINT_mul(grp, pt, x, NULL, NULL, bnctx))
			goto out;
		*len = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED,
					  pub, g->pub_len + 1u, bnctx);
		if (*len != g->pub_len + 1u)
			goto out;
	}
	ret = 0;
out:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_free(y);
	BN_free(gen);
	BN_free(p);
	BN_CTX_free(bnctx);
	return ret;
}

/* A MODP or ECP key pair from private key @x: the domain, x and its public value. */
static EVP_PKEY *fixed_key(const struct dh_group *g, const BIGNUM *x)
{
	OSSL_PARAM *dparams = NULL, *kparams = NULL, *all = NULL;
	uint8_t pub[IKED_DH_SHARED_MAX + 1];
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *dom = domain(g), *key = NULL;
	BIGNUM *y = NULL;
	size_t len;

	if (!dom || fixed_pub(g, dom, x, pub, &len))
		goto out;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x))
		goto out;
	if (g->kind == DH_MODP) {
		y = BN_bin2bn(pub, (int)len, NULL);
		if (!y || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY,
						  y))
			goto out;
	} else if (!OSSL_PARAM_BLD_push_octet_string(bld,
						      OSSL_PKEY_PARAM_PUB_KEY,
						      pub, len)) {
		goto out;
	}
	kparams = OSSL_PARAM_BLD_to_param(bld);
	if (!kparams ||
	    EVP_PKEY_todata(dom, EVP_PKEY_KEY_PARAMETERS, &dparams) <= 0)
		goto out;
	all = OSSL_PARAM_merge(dparams, kparams);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->kind == DH_ECP ? "EC" : "DH",
					 NULL);
	if (!all || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, all) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(all);
	OSSL_PARAM_free(dparams);
	OSSL_PARAM_free(kparams);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	EVP_PKEY_free(dom);
	return key;
}

int iked_dh_new_fixed(uint16_t group, const uint8_t *priv, size_t len,
		       struct iked_dh **out)
{
	const struct dh_group *g = dh_group(group);
	EVP_PKEY *key;
	BIGNUM *x;

	*out = NULL;
	if (!g)
		return -EOPNOTSUPP;
	if (g->kind == DH_MODP ? len == 0 || len > g->pub_len :
	    len != shared_len(g))
		return -EINVAL;
	if (g->kind == DH_X25519) {
		key = EVP_PKEY_new_raw_private_key_ex(NULL, g->ossl, NULL, priv,
						      len);
	} else {
		x = BN_secure_new();
		if (!x)
			return -ENOMEM;
		key = BN_bin2bn(priv, (int)len, x) ? fixed_key(g, x) : NULL;
		BN_clear_free(x);
	}
	if (!key)
		return -EIO;
	return dh_wrap(g, key, out);
}

/*
 * 1 < y < p - 1 and y^q = 1 (RFC 7296 2.12 leaves the checks to the
 * implementation; these are SP 800-56A 5.6.2.3.1's). Every MODP group
 * has a safe prime p = 2q + 1, whose order-q subgroup is exactly the
 * quadratic residues: y^q = 1 is the Legendre symbol (y/p) = 1, which
 * costs a gcd, not the full-length exponentiation OpenSSL's own peer
 * check does. That one was nine tenths of the time between a rekey's
 * answer and our inbound SA, the time in which the peer's first
 * packets on the new SA find none. Done here so that a bad value is
 * -EINVAL, not an OpenSSL failure.
 */
static int modp_check(const struct iked_dh *dh, const uint8_t *peer,
		      size_t len)
{
	BIGNUM *p = NULL, *y = BN_bin2bn(peer, (int)len, NULL);
	BN_CTX *bn = BN_CTX_new();
	int ret = -EIO, qr;

	if (!y || !bn ||
	    !EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p))
		goto out;
	qr = BN_kronecker(y, p, bn);
	if (qr == -2 || !BN_sub_word(p, 1))
		goto out;
	ret = BN_is_zero(y) || BN_is_one(y) || BN_cmp(y, p) >= 0 || qr != 1 ?
	      -EINVAL : 0;
out:
	BN_CTX_free(bn);
	BN_free(p);
	BN_free(y);
	return ret;
}

/*
 * The peer's public value as a key of our group. For ECP, OpenSSL
 * refuses a point not on the curve (or with a coordinate >= p) here.
 */
static int peer_key(const struct iked_dh *dh, const uint8_t *peer,
		    size_t len, EVP_PKEY **out)
{
	uint8_t enc[IKED_DH_SHARED_MAX + 1];
	size_t enclen = 0;
	EVP_PKEY *key;
	int err;

	*out = NULL;
	if (dh->g->kind == DH_X25519) {
		key = EVP_PKEY_new_raw_public_key_ex(NULL, dh->g->ossl, NULL,
						     peer, len);
		if (!key)
			return -EIO;
		*out = key;
		return 0;
	}
	if (dh->g->kind == DH_MODP) {
		err = modp_check(dh, peer, len);
		if (err)
			return err;
		memcpy(enc, peer, len);
		enclen = len;
	} else {
		enc[0] = 0x04;	/* uncompressed, as SEC 1 2.3.3 encodes it */
		memcpy(enc + 1, peer, len);
		enclen = len + 1;
	}
	key = EVP_PKEY_new();
	if (!key)
		return -ENOMEM;
	if (EVP_PKEY_copy_parameters(key, dh->key) <= 0) {
		EVP_PKEY_free(key);
		return -EIO;
	}
	if (EVP_PKEY_set1_encoded_public_key(key, enc, enclen) <= 0) {
		EVP_PKEY_free(key);
		return -EINVAL;
	}
	*out = key;
	return 0;
}

static bool all_zero(const uint8_t *b, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= b[i];
	return acc == 0;
}

int iked_dh_shared(struct iked_dh *dh, const uint8_t *peer, size_t len,
		    uint8_t *out, size_t *outlen)
{
	size_t want = shared_len(dh->g), got = IKED_DH_SHARED_MAX;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int err;

	*outlen = 0;
	if (len != dh->g->pub_len)
		return -EINVAL;
	err = peer_key(dh, peer, len, &pkey);
	if (err)
		return err;
	err = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* RFC 7296 3.4: g^ir has the prime's length, leading zeros kept. */
	if (dh->g->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	/*
	 * OpenSSL validates the peer's key here: n * Q = O for ECP. MODP
	 * values were checked in full by modp_check(). Failing that is
	 * the peer's fault.
	 */
	if (EVP_PKEY_derive_set_peer_ex(ctx, pkey,
					dh->g->kind != DH_MODP) <= 0) {
		err = -EINVAL;
		goto out;
	}
	if (EVP_PKEY_derive(ctx, out, &got) <= 0) {
		/*
		 * OpenSSL's X25519 fails exactly when the result is all
		 * zeros, a low-order point that RFC 8031 2.3 has us refuse.
		 */
		if (dh->g->kind == DH_X25519)
			err = -EINVAL;
		goto out;
	}
	if (got != want)
		goto out;
	if (dh->g->kind == DH_X25519 && all_zero(out, got)) {
		err = -EINVAL;
		goto out;
	}
	*outlen = got;
	err = 0;
out:
	if (err)
		OPENSSL_cleanse(out, IKED_DH_SHARED_MAX);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return err;
}
