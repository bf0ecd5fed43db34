// SPDX-License-Identifier: GPL-2.0
/* One table of the ESP transforms, shared by kespctl and the IKE daemon. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <linux/kesp.h>

#include "alg.h"

/*
 * Primary names are the IANA transform names, lower case, without the
 * "ENCR_"/"AUTH_HMAC_" noise and without a key size, because kespctl takes
 * the key size from the key itself. They keep the ICV length where IANA
 * has it ("aes-gcm-16", "hmac-sha256-128"): `ip xfrm` users know
 * "hmac(sha256)" as 96-bit truncated unless written with auth-trunc, and
 * the name should leave no doubt that kesp always truncates to 128 bits
 * as RFC 4868 says. That Linux spelling is still accepted as an alias,
 * meaning the RFC transform.
 */
static const struct kesp_alg algs[] = {
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_AES_GCM_16,
		.name = "aes-gcm-16",
		.aliases = { "aes-gcm", "aesgcm16", "aes_gcm_16",
			     "encr_aes_gcm_16", "rfc4106(gcm(aes))" },
		.key_lens = { 16, 24, 32 }, .n_key_lens = 3, .salt_len = 4,
		.icv_len = 16, .iv_len = 8, .block_len = 4, .aead = 1,
		.ike_key_attr = 1, .linux_name = "rfc4106(gcm(aes))",
	},
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_AES_CCM_16,
		.name = "aes-ccm-16",
		.aliases = { "aes-ccm", "aesccm16", "aes_ccm_16",
			     "encr_aes_ccm_16", "rfc4309(ccm(aes))" },
		.key_lens = { 16, 24, 32 }, .n_key_lens = 3, .salt_len = 3,
		.icv_len = 16, .iv_len = 8, .block_len = 4, .aead = 1,
		.ike_key_attr = 1, .linux_name = "rfc4309(ccm(aes))",
	},
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_CHACHA20_POLY1305,
		.name = "chacha20-poly1305",
		.aliases = { "chacha20poly1305", "chacha20_poly1305",
			     "encr_chacha20_poly1305",
			     "rfc7539esp(chacha20,poly1305)" },
		.key_lens = { 32 }, .n_key_lens = 1, .salt_len = 4,
		.icv_len = 16, .iv_len = 8, .block_len = 4, .aead = 1,
		.linux_name = "rfc7539esp(chacha20,poly1305)",
	},
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_AES_CBC,
		.name = "aes-cbc",
		.aliases = { "aes", "aes_cbc", "encr_aes_cbc", "cbc(aes)" },
		.key_lens = { 16, 24, 32 }, .n_key_lens = 3,
		.iv_len = 16, .block_len = 16, .ike_key_attr = 1,
		.linux_name = "cbc(aes)",
	},
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_3DES_CBC,
		.name = "3des-cbc",
		.aliases = { "3des", "des3_ede", "encr_3des",
			     "cbc(des3_ede)" },
		.key_lens = { 24 }, .n_key_lens = 1,
		.iv_len = 8, .block_len = 8, .linux_name = "cbc(des3_ede)",
	},
	{
		.type = KESP_ALG_ENC, .id = KESP_ENC_NULL,
		.name = "null",
		.aliases = { "encr_null", "cipher_null", "ecb(cipher_null)" },
		.key_lens = { 0 }, .n_key_lens = 1,
		.block_len = 4, .linux_name = "ecb(cipher_null)",
	},
	{
		.type = KESP_ALG_INTEG, .id = KESP_INTEG_HMAC_SHA2_256_128,
		.name = "hmac-sha256-128",
		.aliases = { "hmac-sha256", "sha256", "sha2_256",
			     "hmac_sha2_256_128", "auth_hmac_sha2_256_128",
			     "hmac(sha256)" },
		.key_lens = { 32 }, .n_key_lens = 1, .icv_len = 16,
		.linux_name = "hmac(sha256)",
	},
	{
		.type = KESP_ALG_INTEG, .id = KESP_INTEG_HMAC_SHA2_384_192,
		.name = "hmac-sha384-192",
		.aliases = { "hmac-sha384", "sha384", "sha2_384",
			     "hmac_sha2_384_192", "auth_hmac_sha2_384_192",
			     "hmac(sha384)" },
		.key_lens = { 48 }, .n_key_lens = 1, .icv_len = 24,
		.linux_name = "hmac(sha384)",
	},
	{
		.type = KESP_ALG_INTEG, .id = KESP_INTEG_HMAC_SHA2_512_256,
		.name = "hmac-sha512-256",
		.aliases = { "hmac-sha512", "sha512", "sha2_512",
			     "hmac_sha2_512_256", "auth_hmac_sha2_512_256",
			     "hmac(sha512)" },
		.key_lens = { 64 }, .n_key_lens = 1, .icv_len = 32,
		.linux_name = "hmac(sha512)",
	},
	{
		.type = KESP_ALG_INTEG, .id = KESP_INTEG_HMAC_SHA1_96,
		.name = "hmac-sha1-96",
		.aliases = { "hmac-sha1", "sha1", "sha", "hmac_sha1_96",
			     "auth_hmac_sha1_96", "hmac(sha1)" },
		.key_lens = { 20 }, .n_key_lens = 1, .icv_len = 12,
		.linux_name = "hmac(sha1)",
	},
	{
		.type = KESP_ALG_INTEG, .id = KESP_INTEG_HMAC_MD5_96,
		.name = "hmac-md5-96",
		.aliases = { "hmac-md5", "md5", "hmac_md5_96",
			     "auth_hmac_md5_96", "hmac(md5)" },
		.key_lens = { 16 }, .n_key_lens = 1, .icv_len = 12,
		.linux_name = "hmac(md5)",
	},
};

#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

/*
 * strongSwan's proposal keywords put the key size in the name; accepting
 * them lets an operator paste a proposal, and the daemon read one from its
 * configuration, with the size enforced.
 */
static const struct {
	const char *name;
	uint16_t id;
	uint8_t key_len;
} sized[] = {
	{ "aes128", KESP_ENC_AES_CBC, 16 },
	{ "aes192", KESP_ENC_AES_CBC, 24 },
	{ "aes256", KESP_ENC_AES_CBC, 32 },
	{ "aes128gcm16", KESP_ENC_AES_GCM_16, 16 },
	{ "aes192gcm16", KESP_ENC_AES_GCM_16, 24 },
	{ "aes256gcm16", KESP_ENC_AES_GCM_16, 32 },
	{ "aes128gcm128", KESP_ENC_AES_GCM_16, 16 },
	{ "aes192gcm128", KESP_ENC_AES_GCM_16, 24 },
	{ "aes256gcm128", KESP_ENC_AES_GCM_16, 32 },
	{ "aes128ccm16", KESP_ENC_AES_CCM_16, 16 },
	{ "aes192ccm16", KESP_ENC_AES_CCM_16, 24 },
	{ "aes256ccm16", KESP_ENC_AES_CCM_16, 32 },
	{ "aes128ccm128", KESP_ENC_AES_CCM_16, 16 },
	{ "aes192ccm128", KESP_ENC_AES_CCM_16, 24 },
	{ "aes256ccm128", KESP_ENC_AES_CCM_16, 32 },
};

#define N_SIZED (sizeof(sized) / sizeof(sized[0]))

size_t kesp_alg_count(void)
{
	return N_ALGS;
}

const struct kesp_alg *kesp_alg_at(size_t i)
{
	return i < N_ALGS ? &algs[i] : NULL;
}

const struct kesp_alg *kesp_alg_by_id(enum kesp_alg_type type,
				      unsigned int id)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].type == type && algs[i].id == id)
			return &algs[i];
	return NULL;
}

static int has_name(const struct kesp_alg *a, const char *name)
{
	size_t i;

	if (!strcasecmp(a->name, name))
		return 1;
	for (i = 0; i < KESP_ALG_MAX_ALIASES && a->aliases[i]; i++)
		if (!strcasecmp(a->aliases[i], name))
			return 1;
	return 0;
}

const struct kesp_alg *kesp_alg_by_name(enum kesp_alg_type type,
					const char *name,
					unsigned int *key_len)
{
	size_t i;

	if (key_len)
		*key_len = 0;
	for (i = 0; i < N_ALGS; i++)
		if (algs[i].type == type && has_name(&algs[i], name))
			return &algs[i];
	if (type != KESP_ALG_ENC)
		return NULL;
	for (i = 0; i < N_SIZED; i++) {
		if (strcasecmp(sized[i].name, name))
			continue;
		if (key_len)
			*key_len = sized[i].key_len;
		return kesp_alg_by_id(type, sized[i].id);
	}
	return NULL;
}

/* "16, 24 or 32" from a list of lengths, each plus @add. */
static void list_lens(const uint8_t *lens, size_t n, unsigned int add,
		      char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%u", sep,
				 lens[i] + add);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

int kesp_alg_check_key(const struct kesp_alg *a, size_t len,
		       unsigned int key_len, char *err, size_t errlen)
{
	uint8_t one = (uint8_t)key_len;
	const uint8_t *lens = key_len ? &one : a->key_lens;
	size_t n = key_len ? 1 : a->n_key_lens, i;
	char total[32], bare[32];

	for (i = 0; i < n; i++)
		if (len == (size_t)lens[i] + a->salt_len)
			return 0;
	if (a->n_key_lens == 1 && a->key_lens[0] == 0) {
		snprintf(err, errlen, "%s takes no key", a->name);
		return -EINVAL;
	}
	list_lens(lens, n, a->salt_len, total, sizeof(total));
	list_lens(lens, n, 0, bare, sizeof(bare));
	if (a->salt_len)
		snprintf(err, errlen, "%s takes a key of %s bytes (%s of key, then %u of salt), not %zu",
			 a->name, total, bare, a->salt_len, len);
	else
		snprintf(err, errlen, "%s takes a key of %s bytes, not %zu",
			 a->name, total, len);
	return -EINVAL;
}

const char *kesp_alg_name(enum kesp_alg_type type, unsigned int id,
			  char *buf, size_t len)
{
	const struct kesp_alg *a = kesp_alg_by_id(type, id);

	if (a)
		snprintf(buf, len, "%s", a->name);
	else if (type == KESP_ALG_INTEG && id == KESP_INTEG_NONE)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s-%u",
			 type == KESP_ALG_ENC ? "enc" : "integ", id);
	return buf;
}

const char *kesp_alg_names(enum kesp_alg_type type, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < N_ALGS && used < len; i++) {
		int w;

		if (algs[i].type != type)
			continue;
		w = snprintf(buf + used, len - used, "%s%s",
			     used ? ", " : "", algs[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}
