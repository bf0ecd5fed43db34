// SPDX-License-Identifier: GPL-2.0
/* IKEv2 PSK authentication (RFC 7296 2.15) on top of the negotiated PRF. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "auth.h"
#include "keys.h"

/* 2.15: the pad is these 17 ASCII bytes, no NUL. */
static const char key_pad[] = "Key Pad for IKEv2";

int ikev2_auth_psk(uint16_t prf, const uint8_t *psk, size_t psk_len,
		   const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *sk_p, size_t sk_p_len,
		   uint8_t id_type, const uint8_t *id, size_t id_len,
		   uint8_t *out, size_t *outlen)
{
	size_t plen = iked_prf_len(prf), ilen = 4 + id_len, olen;
	uint8_t key[IKED_PRF_MAX], *in, *octets = NULL;
	int err;

	*outlen = 0;
	/* OpenSSL's HMAC refuses an empty key; a PSK never is one. */
	if (!plen || !psk_len)
		return -EINVAL;
	if (msg_len > SIZE_MAX - nonce_len - plen || id_len > SIZE_MAX - 4)
		return -EINVAL;
	olen = msg_len + nonce_len + plen;
	in = malloc(ilen);
	octets = malloc(olen);
	if (!in || !octets) {
		err = -ENOMEM;
		goto out;
	}
	/* InitIDOctets / RespIDOctets: the ID payload body, RESERVED zero. */
	in[0] = id_type;
	in[1] = in[2] = in[3] = 0;
	memcpy(in + 4, id, id_len);
	/* The octets signed: RealMessage | Nonce | MACedIDFor{I,R}. */
	memcpy(octets, msg, msg_len);
	memcpy(octets + msg_len, nonce, nonce_len);
	err = iked_prf(prf, sk_p, sk_p_len, in, ilen,
			octets + msg_len + nonce_len);
	if (err)
		goto out;
	err = iked_prf(prf, psk, psk_len, (const uint8_t *)key_pad,
			sizeof(key_pad) - 1, key);
	if (err)
		goto out;
	err = iked_prf(prf, key, plen, octets, olen, out);
	if (err)
		goto out;
	*outlen = plen;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (octets)
		OPENSSL_cleanse(octets, olen);
	free(octets);
	free(in);
	return err;
}

int ikev2_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
			  const uint8_t *msg, size_t msg_len,
			  const uint8_t *nonce, size_t nonce_len,
			  const uint8_t *sk_p, size_t sk_p_len,
			  uint8_t id_type, const uint8_t *id, size_t id_len,
			  const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKED_PRF_MAX];
	size_t len;
	int err;

	err = ikev2_auth_psk(prf, psk, psk_len, msg, msg_len, nonce, nonce_len,
			     sk_p, sk_p_len, id_type, id, id_len, want, &len);
	if (err)
		return err;
	/* The length is public (the PRF's); the bytes are compared in constant time. */
	if (auth_len != len || CRYPTO_memcmp(want, auth, len))
		err = -EACCES;
	OPENSSL_cleanse(want, sizeof(want));
	return err;
}
