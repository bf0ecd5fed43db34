// SPDX-License-Identifier: GPL-2.0
/* IKEv2 keys: prf+ and the key schedules of IKE SAs and CHILD SAs. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"

int ikev2_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		   const uint8_t *seed, size_t slen, uint8_t *out,
		   size_t outlen)
{
	size_t plen = iked_prf_len(prf), done = 0, inlen, n;
	uint8_t t[IKED_PRF_MAX], *in;
	unsigned int i;
	int err = 0;

	if (!plen)
		return -EINVAL;
	if (outlen > 255 * plen)
		return -EMSGSIZE;
	/* Tn-1 | S | n, the largest input any round sees. */
	in = malloc(plen + slen + 1);
	if (!in)
		return -ENOMEM;
	for (i = 1; done < outlen; i++) {
		inlen = 0;
		if (i > 1) {
			memcpy(in, t, plen);
			inlen = plen;
		}
		memcpy(in + inlen, seed, slen);
		inlen += slen;
		in[inlen++] = (uint8_t)i;
		err = iked_prf(prf, key, klen, in, inlen, t);
		if (err)
			break;
		n = outlen - done < plen ? outlen - done : plen;
		memcpy(out + done, t, n);
		done += n;
	}
	explicit_bzero(in, plen + slen + 1);
	explicit_bzero(t, sizeof(t));
	free(in);
	return err;
}

void ikev2_ike_keys_wipe(struct ikev2_ike_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* Copy the next @n bytes of keying material to @dst; what follows them. */
static const uint8_t *take(const uint8_t *km, uint8_t *dst, size_t n)
{
	memcpy(dst, km, n);
	return km + n;
}

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 *     prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), in the order RFC 7296 2.14
 * lists them.
 */
static int expand(uint16_t prf, const uint8_t *skeyseed, size_t sklen,
		  const uint8_t *ni, size_t nilen, const uint8_t *nr,
		  size_t nrlen, const uint8_t spii[8], const uint8_t spir[8],
		  size_t integ_len, size_t enc_len, struct ikev2_ike_keys *k)
{
	size_t plen = iked_prf_len(prf), total, slen = nilen + nrlen + 16;
	uint8_t *seed, *km;
	const uint8_t *p;
	int err;

	memset(k, 0, sizeof(*k));
	if (!plen || integ_len > sizeof(k->sk_ai) ||
	    enc_len > sizeof(k->sk_ei))
		return -EINVAL;
	total = 3 * plen + 2 * integ_len + 2 * enc_len;
	seed = malloc(slen);
	km = malloc(total);
	if (!seed || !km) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(seed, ni, nilen);
	memcpy(seed + nilen, nr, nrlen);
	memcpy(seed + nilen + nrlen, spii, 8);
	memcpy(seed + nilen + nrlen + 8, spir, 8);
	err = ikev2_prf_plus(prf, skeyseed, sklen, seed, slen, km, total);
	if (err)
		goto out;
	p = km;
	p = take(p, k->sk_d, plen);
	p = take(p, k->sk_ai, integ_len);
	p = take(p, k->sk_ar, integ_len);
	p = take(p, k->sk_ei, enc_len);
	p = take(p, k->sk_er, enc_len);
	p = take(p, k->sk_pi, plen);
	take(p, k->sk_pr, plen);
	k->prf_len = plen;
	k->integ_len = integ_len;
	k->enc_len = enc_len;
out:
	if (km)
		explicit_bzero(km, total);
	if (seed)
		explicit_bzero(seed, slen);
	free(km);
	free(seed);
	if (err)
		ikev2_ike_keys_wipe(k);
	return err;
}

int ikev2_derive_ike_keys(uint16_t prf, const uint8_t *ni, size_t nilen,
			  const uint8_t *nr, size_t nrlen,
			  const uint8_t *gir, size_t girlen,
			  const uint8_t spii[8], const uint8_t spir[8],
			  size_t integ_len, size_t enc_len,
			  struct ikev2_ike_keys *k)
{
	size_t plen = iked_prf_len(prf);
	uint8_t skeyseed[IKED_PRF_MAX], *key;
	int err;

	memset(k, 0, sizeof(*k));
	if (!plen)
		return -EINVAL;
	key = malloc(nilen + nrlen);
	if (!key)
		return -ENOMEM;
	/* SKEYSEED = prf(Ni | Nr, g^ir). */
	memcpy(key, ni, nilen);
	memcpy(key + nilen, nr, nrlen);
	err = iked_prf(prf, key, nilen + nrlen, gir, girlen, skeyseed);
	explicit_bzero(key, nilen + nrlen);
	free(key);
	if (!err)
		err = expand(prf, skeyseed, plen, ni, nilen, nr, nrlen, spii,
			     spir, integ_len, enc_len, k);
	explicit_bzero(skeyseed, sizeof(skeyseed));
	return err;
}

int ikev2_derive_rekeyed_ike_keys(uint16_t old_prf, const uint8_t *sk_d,
				  size_t sk_d_len, uint16_t prf,
				  const uint8_t *ni, size_t nilen,
				  const uint8_t *nr, size_t nrlen,
				  const uint8_t *gir, size_t girlen,
				  const uint8_t spii[8],
				  const uint8_t spir[8], size_t integ_len,
				  size_t enc_len, struct ikev2_ike_keys *k)
{
	size_t oplen = iked_prf_len(old_prf), dlen = girlen + nilen + nrlen;
	uint8_t skeyseed[IKED_PRF_MAX], *data;
	int err;

	memset(k, 0, sizeof(*k));
	if (!oplen || !iked_prf_len(prf))
		return -EINVAL;
	data = malloc(dlen);
	if (!data)
		return -ENOMEM;
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), the old PRF. */
	memcpy(data, gir, girlen);
	memcpy(data + girlen, ni, nilen);
	memcpy(data + girlen + nilen, nr, nrlen);
	err = iked_prf(old_prf, sk_d, sk_d_len, data, dlen, skeyseed);
	explicit_bzero(data, dlen);
	free(data);
	if (!err)
		err = expand(prf, skeyseed, oplen, ni, nilen, nr, nrlen, spii,
			     spir, integ_len, enc_len, k);
	explicit_bzero(skeyseed, sizeof(skeyseed));
	return err;
}

void ikev2_child_keys_wipe(struct ikev2_child_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

int ikev2_derive_child_keys(uint16_t prf, const uint8_t *sk_d,
			    size_t sk_d_len, const uint8_t *gir,
			    size_t gir_len, const uint8_t *ni, size_t ni_len,
			    const uint8_t *nr, size_t nr_len, size_t enc_len,
			    size_t integ_len, struct ikev2_child_keys *k)
{
	size_t total = 2 * enc_len + 2 * integ_len, slen;
	uint8_t *seed = NULL, *km = NULL;
	const uint8_t *p;
	int err;

	memset(k, 0, sizeof(*k));
	if (!iked_prf_len(prf) || enc_len > sizeof(k->ei) ||
	    integ_len > sizeof(k->ai) || gir_len > SIZE_MAX / 2 ||
	    ni_len > SIZE_MAX / 4 || nr_len > SIZE_MAX / 4)
		return -EINVAL;
	slen = gir_len + ni_len + nr_len;
	seed = malloc(slen ? slen : 1);
	km = malloc(total ? total : 1);
	if (!seed || !km) {
		err = -ENOMEM;
		goto out;
	}
	/* With PFS the new g^ir comes first (2.17). */
	if (gir_len)
		memcpy(seed, gir, gir_len);
	memcpy(seed + gir_len, ni, ni_len);
	memcpy(seed + gir_len + ni_len, nr, nr_len);
	err = ikev2_prf_plus(prf, sk_d, sk_d_len, seed, slen, km, total);
	if (err)
		goto out;
	p = km;
	p = take(p, k->ei, enc_len);
	p = take(p, k->ai, integ_len);
	p = take(p, k->er, enc_len);
	take(p, k->ar, integ_len);
	k->enc_len = enc_len;
	k->integ_len = integ_len;
out:
	if (km)
		explicit_bzero(km, total);
	if (seed)
		explicit_bzero(seed, slen);
	free(km);
	free(seed);
	if (err)
		ikev2_child_keys_wipe(k);
	return err;
}
