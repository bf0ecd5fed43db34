// SPDX-License-Identifier: GPL-2.0
/* IKEv2 AUTH (RFC 7296 2.15): the octets it covers, for whichever authenticator; PSK AUTH in one call for the test vectors. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "auth.h"
#include "keys.h"
#include "../crypto/auth/auth.h"

int ikev2_auth_octets(uint16_t prf, const uint8_t *msg, size_t msg_len,
		      const uint8_t *nonce, size_t nonce_len,
		      const uint8_t *sk_p, size_t sk_p_len, uint8_t id_type,
		      const uint8_t *id, size_t id_len, uint8_t **octets,
		      size_t *len)
{
	size_t plen = iked_prf_len(prf), ilen = 4 + id_len, olen;
	uint8_t *in, *o;
	int err;

	*octets = NULL;
	*len = 0;
	if (!plen)
		return -EINVAL;
	if (msg_len > SIZE_MAX - nonce_len - plen || id_len > SIZE_MAX - 4)
		return -EINVAL;
	olen = msg_len + nonce_len + plen;
	in = malloc(ilen);
	o = malloc(olen);
	if (!in || !o) {
		free(in);
		free(o);
		return -ENOMEM;
	}
	/* InitIDOctets / RespIDOctets: the ID payload body, RESERVED zero. */
	in[0] = id_type;
	in[1] = in[2] = in[3] = 0;
	memcpy(in + 4, id, id_len);
	/* The octets signed: RealMessage | Nonce | MACedIDFor{I,R}. */
	memcpy(o, msg, msg_len);
	memcpy(o + msg_len, nonce, nonce_len);
	err = iked_prf(prf, sk_p, sk_p_len, in, ilen, o + msg_len + nonce_len);
	free(in);
	if (err) {
		OPENSSL_cleanse(o, olen);
		free(o);
		return err;
	}
	*octets = o;
	*len = olen;
	return 0;
}

void ikev2_auth_octets_free(uint8_t *octets, size_t len)
{
	if (octets)
		OPENSSL_cleanse(octets, len);
	free(octets);
}

int ikev2_auth_psk(uint16_t prf, const uint8_t *psk, size_t psk_len,
		   const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *sk_p, size_t sk_p_len,
		   uint8_t id_type, const uint8_t *id, size_t id_len,
		   uint8_t *out, size_t *outlen)
{
	uint8_t *octets;
	size_t olen;
	int err;

	*outlen = 0;
	/* OpenSSL's HMAC refuses an empty key; a PSK never is one. */
	if (!iked_prf_len(prf) || !psk_len)
		return -EINVAL;
	err = ikev2_auth_octets(prf, msg, msg_len, nonce, nonce_len, sk_p,
				sk_p_len, id_type, id, id_len, &octets, &olen);
	if (err)
		return err;
	err = iked_psk_mac(prf, psk, psk_len, IKED_PSK_PAD_IKEV2, octets,
			   olen, out, outlen);
	ikev2_auth_octets_free(octets, olen);
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
