// SPDX-License-Identifier: GPL-2.0
/* Pre-shared key authentication (RFC 7296 2.15): the secret for a pair of IDs, and AUTH from it on top of the negotiated PRF. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "../prf.h"
#include "../../sa/ike_sa.h"

int iked_psk_mac(uint16_t prf, const uint8_t *psk, size_t psk_len,
		 const char *pad, const uint8_t *octets, size_t octets_len,
		 uint8_t *out, size_t *outlen)
{
	size_t plen = iked_prf_len(prf);
	uint8_t key[IKED_PRF_MAX];
	int err;

	*outlen = 0;
	/* OpenSSL's HMAC refuses an empty key; a PSK never is one. */
	if (!plen || !psk_len)
		return -EINVAL;
	err = iked_prf(prf, psk, psk_len, (const uint8_t *)pad, strlen(pad),
		       key);
	if (!err)
		err = iked_prf(prf, key, plen, octets, octets_len, out);
	if (!err)
		*outlen = plen;
	OPENSSL_cleanse(key, sizeof(key));
	return err;
}

static const struct iked_secret *psk_for(const struct iked_auth_req *r)
{
	struct ike_sa *sa = r->sa;
	const struct iked_secret *s;
	char a[IKED_ID_STRLEN], b[IKED_ID_STRLEN];

	s = iked_secrets_lookup(sa->d->secrets, r->local, r->remote);
	if (!s)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no pre-shared key for %s - %s in %s",
			       iked_conf_id_format(r->local, a, sizeof(a)),
			       r->remote ?
			       iked_conf_id_format(r->remote, b, sizeof(b)) :
			       "%any",
			       sa->d->secrets_path);
	return s;
}

static int psk_build(const struct iked_auth_req *r, uint8_t *method,
		     uint8_t *out, size_t cap, size_t *len)
{
	const struct iked_secret *psk = psk_for(r);

	*method = IKED_AUTH_PSK_METHOD;
	if (!psk)
		return -ENOKEY;
	if (cap < iked_prf_len(r->prf))
		return -ENOSPC;
	return iked_psk_mac(r->prf, psk->key, psk->key_len, IKED_PSK_PAD_IKEV2,
			    r->octets, r->octets_len, out, len);
}

static int psk_verify(const struct iked_auth_req *r, const uint8_t *auth,
		      size_t len, char *why, size_t why_len)
{
	const struct iked_secret *psk = psk_for(r);
	uint8_t want[IKED_PRF_MAX];
	size_t want_len;
	int err;

	if (!psk)
		return -ENOKEY;
	snprintf(why, why_len, "our pre-shared key (%s:%u): PSK mismatch",
		 psk->file, psk->line);
	err = iked_psk_mac(r->prf, psk->key, psk->key_len, IKED_PSK_PAD_IKEV2,
			   r->octets, r->octets_len, want, &want_len);
	if (err)
		return err;
	/* The length is public (the PRF's); the bytes are compared in constant time. */
	if (len != want_len || CRYPTO_memcmp(want, auth, len))
		err = -EACCES;
	OPENSSL_cleanse(want, sizeof(want));
	return err;
}

static const uint8_t psk_methods[] = { IKED_AUTH_PSK_METHOD };

const struct iked_authenticator iked_auth_psk = {
	.name = "pre-shared key",
	.keyword = "psk",
	.methods = psk_methods,
	.n_methods = 1,
	.build = psk_build,
	.verify = psk_verify,
};
