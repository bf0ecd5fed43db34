// SPDX-License-Identifier: GPL-2.0
/* IKEv1's algorithm numbers against the neutral (IKEv2) ones. */

#include <errno.h>
#include <stdio.h>
#include <linux/kesp.h>

#include "v1.h"
#include "alg.h"
#include "../proposal.h"

static const struct {
	uint16_t integ;		/* IKEv2 / kesp.ko */
	uint8_t hash;		/* phase 1 Hash */
	uint16_t prf;		/* IKEv2 PRF of the same hash */
	uint16_t auth;		/* ESP Authentication Algorithm */
	const char *name;
} hashes[] = {
	{ KESP_INTEG_HMAC_MD5_96, IKEV1_HASH_MD5, IKED_PROP_PRF_HMAC_MD5, 1,
	  "md5" },
	{ KESP_INTEG_HMAC_SHA1_96, IKEV1_HASH_SHA1, IKED_PROP_PRF_HMAC_SHA1,
	  2, "sha1" },
	{ KESP_INTEG_HMAC_SHA2_256_128, IKEV1_HASH_SHA2_256,
	  IKED_PROP_PRF_HMAC_SHA2_256, 5, "sha256" },
	{ KESP_INTEG_HMAC_SHA2_384_192, IKEV1_HASH_SHA2_384,
	  IKED_PROP_PRF_HMAC_SHA2_384, 6, "sha384" },
	{ KESP_INTEG_HMAC_SHA2_512_256, IKEV1_HASH_SHA2_512,
	  IKED_PROP_PRF_HMAC_SHA2_512, 7, "sha512" },
};
#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))

int v1_alg_p1(uint16_t encr, uint16_t key_bits, uint16_t integ, uint16_t dh,
	      struct v1_p1alg *a)
{
	size_t i;

	a->key_bits = 0;
	if (encr == KESP_ENC_3DES_CBC)
		a->encr = IKEV1_ENCR_3DES_CBC;
	else if (encr == KESP_ENC_AES_CBC && key_bits)
		a->encr = IKEV1_ENCR_AES_CBC, a->key_bits = key_bits;
	else
		return -EOPNOTSUPP;
	for (i = 0; i < N_HASHES && hashes[i].integ != integ; i++)
		;
	if (i == N_HASHES || dh == IKED_PROP_DH_CURVE25519 ||
	    !iked_dh_pub_len(dh))
		return -EOPNOTSUPP;
	a->hash = hashes[i].hash;
	a->group = dh;
	a->life = 0;
	return 0;
}

const char *v1_alg_p1_format(const struct v1_p1alg *a, bool same_auth, char *buf,
			     size_t len)
{
	const char *h = "hash?";
	const char *g = iked_dh_name(a->group);
	size_t i;

	for (i = 0; i < N_HASHES; i++)
		if (hashes[i].hash == a->hash)
			h = hashes[i].name;
	if (a->encr == IKEV1_ENCR_AES_CBC)
		snprintf(buf, len, "aes%u-%s-%s%s", a->key_bits, h,
			 g ? g : "group?", same_auth ? "" : ", other auth method");
	else
		snprintf(buf, len, "%s-%s-%s%s",
			 a->encr == IKEV1_ENCR_3DES_CBC ? "3des" : "encr?", h,
			 g ? g : "group?", same_auth ? "" : ", other auth method");
	return buf;
}

uint16_t v1_alg_encr_v2(uint8_t encr)
{
	return encr == IKEV1_ENCR_3DES_CBC ? KESP_ENC_3DES_CBC :
	       encr == IKEV1_ENCR_AES_CBC ? KESP_ENC_AES_CBC : 0;
}

uint16_t v1_alg_hash_integ(uint8_t hash)
{
	size_t i;

	for (i = 0; i < N_HASHES; i++)
		if (hashes[i].hash == hash)
			return hashes[i].integ;
	return 0;
}

uint16_t v1_alg_hash_prf(uint8_t hash)
{
	size_t i;

	for (i = 0; i < N_HASHES; i++)
		if (hashes[i].hash == hash)
			return hashes[i].prf;
	return 0;
}

uint16_t v1_alg_esp_auth(uint16_t integ)
{
	size_t i;

	for (i = 0; i < N_HASHES; i++)
		if (hashes[i].integ == integ)
			return hashes[i].auth;
	return 0;
}

uint16_t v1_alg_esp_integ(uint16_t auth)
{
	size_t i;

	for (i = 0; i < N_HASHES; i++)
		if (hashes[i].auth == auth)
			return hashes[i].integ;
	return 0;
}

uint8_t v1_alg_esp_id(uint16_t encr)
{
	/* RFC 2407 4.4.4 ESP_3DES 3, ESP_NULL 11, ESP_AES 12; RFC 4106 20. */
	switch (encr) {
	case KESP_ENC_3DES_CBC:
	case KESP_ENC_NULL:
	case KESP_ENC_AES_CBC:
	case KESP_ENC_AES_GCM_16:
		return (uint8_t)encr;
	}
	return 0;
}
