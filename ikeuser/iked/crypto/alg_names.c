// SPDX-License-Identifier: GPL-2.0
/* Algorithms by their strongSwan names, as logs and kespctl show negotiated sets, whichever IKE version chose them. */

#include <stdbool.h>
#include <stdio.h>

#include "chosen.h"
#include "../words.h"

/* Transform types 1 to 5 are all RFC 7296 knows; RFC 9370 adds 6 to 12. */
#define TR_TYPES	6

/* Names as strongSwan prints them (its enum names, IANA's less prefixes). */

struct name {
	uint16_t id;
	const char *name;
};

static const struct name encr_names[] = {
	{ 2, "DES_CBC" },
	{ 3, "3DES_CBC" },
	{ 11, "NULL" },
	{ 12, "AES_CBC" },
	{ 13, "AES_CTR" },
	{ 14, "AES_CCM_8" },
	{ 15, "AES_CCM_12" },
	{ 16, "AES_CCM_16" },
	{ 18, "AES_GCM_8" },
	{ 19, "AES_GCM_12" },
	{ 20, "AES_GCM_16" },
	{ 21, "NULL_AES_GMAC" },
	{ 23, "CAMELLIA_CBC" },
	{ 24, "CAMELLIA_CTR" },
	{ 25, "CAMELLIA_CCM_8" },
	{ 26, "CAMELLIA_CCM_12" },
	{ 27, "CAMELLIA_CCM_16" },
	{ 28, "CHACHA20_POLY1305" },
};

static const struct name integ_names[] = {
	{ 0, "NONE" },
	{ 1, "HMAC_MD5_96" },
	{ 2, "HMAC_SHA1_96" },
	{ 5, "AES_XCBC_96" },
	{ 6, "HMAC_MD5_128" },
	{ 7, "HMAC_SHA1_160" },
	{ 8, "AES_CMAC_96" },
	{ 9, "AES_128_GMAC" },
	{ 10, "AES_192_GMAC" },
	{ 11, "AES_256_GMAC" },
	{ 12, "HMAC_SHA2_256_128" },
	{ 13, "HMAC_SHA2_384_192" },
	{ 14, "HMAC_SHA2_512_256" },
};

static const struct name prf_names[] = {
	{ 1, "PRF_HMAC_MD5" },
	{ 2, "PRF_HMAC_SHA1" },
	{ 4, "PRF_AES128_XCBC" },
	{ 5, "PRF_HMAC_SHA2_256" },
	{ 6, "PRF_HMAC_SHA2_384" },
	{ 7, "PRF_HMAC_SHA2_512" },
	{ 8, "PRF_AES128_CMAC" },
};

static const struct name ke_names[] = {
	{ 0, "MODP_NONE" },
	{ 1, "MODP_768" },
	{ 2, "MODP_1024" },
	{ 5, "MODP_1536" },
	{ 14, "MODP_2048" },
	{ 15, "MODP_3072" },
	{ 16, "MODP_4096" },
	{ 17, "MODP_6144" },
	{ 18, "MODP_8192" },
	{ 19, "ECP_256" },
	{ 20, "ECP_384" },
	{ 21, "ECP_521" },
	{ 22, "MODP_1024_160" },
	{ 23, "MODP_2048_224" },
	{ 24, "MODP_2048_256" },
	{ 25, "ECP_192" },
	{ 26, "ECP_224" },
	{ 27, "ECP_224_BP" },
	{ 28, "ECP_256_BP" },
	{ 29, "ECP_384_BP" },
	{ 30, "ECP_512_BP" },
	{ 31, "CURVE_25519" },
	{ 32, "CURVE_448" },
	{ 35, "ML_KEM_512" },
	{ 36, "ML_KEM_768" },
	{ 37, "ML_KEM_1024" },
};

static const struct name esn_names[] = {
	{ 0, "NO_EXT_SEQ" },
	{ 1, "EXT_SEQ" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct name *v, size_t n, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].name;
	return NULL;
}

void iked_alg_add(char *buf, size_t len, size_t *used, bool *first,
		   uint8_t type, uint16_t id, uint16_t key_bits)
{
	static const char *const labels[TR_TYPES] = {
		NULL, "ENCR", "PRF", "INTEG", "KE", "ESN",
	};
	const char *sep = *first ? "" : "/";
	const char *name = NULL;

	*first = false;
	switch (type) {
	case IKED_PROP_ENCR:
		name = lookup(encr_names, N(encr_names), id);
		break;
	case IKED_PROP_PRF:
		name = lookup(prf_names, N(prf_names), id);
		break;
	case IKED_PROP_INTEG:
		name = lookup(integ_names, N(integ_names), id);
		break;
	case IKED_PROP_DH:
		name = lookup(ke_names, N(ke_names), id);
		break;
	case IKED_PROP_ESN:
		name = lookup(esn_names, N(esn_names), id);
		break;
	}
	if (name)
		iked_addf(buf, len, used, "%s%s", sep, name);
	else if (type < TR_TYPES)
		iked_addf(buf, len, used, "%s%s_%u", sep, labels[type], id);
	else
		iked_addf(buf, len, used, "%sTYPE_%u_%u", sep, type, id);
	if (key_bits)
		iked_addf(buf, len, used, "_%u", key_bits);
}

const char *iked_chosen_format(const struct iked_chosen *c, char *buf,
			       size_t len)
{
	bool ike = c->proto == IKED_PROP_IKE, first = true;
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	iked_alg_add(buf, len, &used, &first, IKED_PROP_ENCR, c->encr,
		     c->encr_key_bits);
	if (c->integ)
		iked_alg_add(buf, len, &used, &first, IKED_PROP_INTEG, c->integ, 0);
	if (ike)
		iked_alg_add(buf, len, &used, &first, IKED_PROP_PRF, c->prf, 0);
	if (ike || c->dh)
		iked_alg_add(buf, len, &used, &first, IKED_PROP_DH, c->dh, 0);
	if (!ike)
		iked_alg_add(buf, len, &used, &first, IKED_PROP_ESN, c->esn, 0);
	return buf;
}
