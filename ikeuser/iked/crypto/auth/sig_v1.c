// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1's RSA signature (RFC 2409 5.1, auth method 3): PKCS#1 v1.5 type
 * 1 padding over the raw HASH_I/HASH_R, with no DigestInfo, which is
 * what strongSwan, Libreswan and the old gear sign and expect.
 */

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "sig.h"

/* A PKEY context for @pk set to raw PKCS#1 v1.5 (no digest), or NULL. */
static EVP_PKEY_CTX *raw_ctx(EVP_PKEY *pk, bool sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);

	if (!ctx)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	/* No signature md: the hash is signed as it is, without DigestInfo. */
	return ctx;
}

int iked_sig_v1_sign(EVP_PKEY *pk, const uint8_t *hash, size_t hash_len,
		     uint8_t *out, size_t cap, size_t *len)
{
	EVP_PKEY_CTX *ctx;
	size_t n = cap;
	int r;

	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		return -ENOTSUP;
	ctx = raw_ctx(pk, true);
	if (!ctx) {
		ERR_clear_error();
		return -EIO;
	}
	r = EVP_PKEY_sign(ctx, NULL, &n, hash, hash_len) > 0 && n <= cap &&
	    EVP_PKEY_sign(ctx, out, &n, hash, hash_len) > 0 ? 0 : -EIO;
	EVP_PKEY_CTX_free(ctx);
	if (r)
		ERR_clear_error();
	*len = r ? 0 : n;
	return r;
}

int iked_sig_v1_verify(EVP_PKEY *pub, const uint8_t *hash, size_t hash_len,
		       const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY_CTX *ctx;
	int r;

	if (EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA)
		return -EBADMSG;
	ctx = raw_ctx(pub, false);
	if (!ctx) {
		ERR_clear_error();
		return -EIO;
	}
	r = EVP_PKEY_verify(ctx, sig, sig_len, hash, hash_len) == 1 ? 0 :
									 -EACCES;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}
