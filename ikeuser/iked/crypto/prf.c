// SPDX-License-Identifier: GPL-2.0
/* HMAC pseudorandom functions with OpenSSL, by their IANA IDs. */

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "prf.h"

/* PRF transform IDs (IANA "Transform Type 2"). */
enum {
	PRF_HMAC_MD5 = 1,
	PRF_HMAC_SHA1 = 2,
	PRF_HMAC_SHA2_256 = 5,
	PRF_HMAC_SHA2_384 = 6,
	PRF_HMAC_SHA2_512 = 7,
};

static const EVP_MD *prf_md(uint16_t prf)
{
	switch (prf) {
	case PRF_HMAC_MD5:
		return EVP_md5();
	case PRF_HMAC_SHA1:
		return EVP_sha1();
	case PRF_HMAC_SHA2_256:
		return EVP_sha256();
	case PRF_HMAC_SHA2_384:
		return EVP_sha384();
	case PRF_HMAC_SHA2_512:
		return EVP_sha512();
	}
	return NULL;
}

size_t iked_prf_len(uint16_t prf)
{
	const EVP_MD *md = prf_md(prf);

	return md ? (size_t)EVP_MD_get_size(md) : 0;
}

int iked_prf(uint16_t prf, const uint8_t *key, size_t klen,
	     const uint8_t *data, size_t dlen, uint8_t *out)
{
	const EVP_MD *md = prf_md(prf);
	unsigned int len = 0;

	if (!md || klen > INT32_MAX)
		return -EINVAL;
	if (!HMAC(md, key, (int)klen, data, dlen, out, &len))
		return -EIO;
	return 0;
}
