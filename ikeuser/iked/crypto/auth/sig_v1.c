// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1's signatures over the raw HASH_I/HASH_R. RSA (RFC 2409 5.1, auth
 * method 3): PKCS#1 v1.5 type 1 padding with no DigestInfo, which is
 * what strongSwan, Libreswan and the old gear sign and expect. ECDSA
 * (RFC 4754, methods 9-11 by curve): r|s, each of the curve's size, over
 * the hash as it is: strongSwan's IKEv1 signs HASH_I with
 * SIGN_ECDSA_WITH_NULL, hashing nothing again.
 */

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "sig.h"

/*
 * A PKEY context for @pk that signs or verifies the input as it is (no
 * signature md); RSA with PKCS#1 v1.5 padding. NULL on failure.
 */
static EVP_PKEY_CTX *raw_ctx(EVP_PKEY *pk, bool sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);

	if (!ctx)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) <= 0 ||
	    (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

uint8_t iked_sig_v1_method(EVP_PKEY *pk)
{
	uint8_t method = 0;
	int md;

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return IKED_AUTH_V1_RSA_SIG;
	case EVP_PKEY_EC:
		iked_ec_params(pk, &md, &method);
		return method;
	default:
		return 0;
	}
}

/* The raw signature (DER for ECDSA) of @hash into @out, its length. */
static int sign_raw(EVP_PKEY *pk, const uint8_t *hash, size_t hash_len,
		    uint8_t *out, size_t cap, size_t *len)
{
	EVP_PKEY_CTX *ctx = raw_ctx(pk, true);
	size_t n = cap;
	int r;

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

int iked_sig_v1_sign(EVP_PKEY *pk, const uint8_t *hash, size_t hash_len,
		     uint8_t *out, size_t cap, size_t *len)
{
	uint8_t method = iked_sig_v1_method(pk), der[160];
	size_t dlen;
	int half, md, r;

	*len = 0;
	if (!method)
		return -ENOTSUP;
	if (method == IKED_AUTH_V1_RSA_SIG)
		return sign_raw(pk, hash, hash_len, out, cap, len);
	half = iked_ec_params(pk, &md, &method);
	if ((size_t)(2 * half) > cap)
		return -ENOSPC;
	r = sign_raw(pk, hash, hash_len, der, sizeof(der), &dlen);
	if (!r)
		r = iked_ec_der_to_raw(der, dlen, half, out);
	if (!r)
		*len = (size_t)(2 * half);
	return r;
}

int iked_sig_v1_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *hash,
		       size_t hash_len, const uint8_t *sig, size_t sig_len)
{
	uint8_t der[160], want;
	EVP_PKEY_CTX *ctx;
	int r, md, n;

	if (iked_sig_v1_method(pub) != method)
		return -EBADMSG;
	if (method != IKED_AUTH_V1_RSA_SIG) {
		/* r|s of exactly the curve's size, as RFC 4754 has it. */
		if (sig_len != (size_t)(2 * iked_ec_params(pub, &md, &want)))
			return -EACCES;
		n = iked_ec_raw_to_der(sig, sig_len, der, sizeof(der));
		if (n < 0) {
			ERR_clear_error();
			return -EACCES;
		}
		sig = der;
		sig_len = (size_t)n;
	}
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
