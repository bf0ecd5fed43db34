// SPDX-License-Identifier: GPL-2.0
/* Parse strongSwan proposal strings into IKEv2 transform IDs, with kesp's defaults. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/kesp.h>

#include "../common/alg.h"
#include "proposal.h"
#include "words.h"

#define T_WEAK	0x01	/* never a default; a warning when configured */
#define T_ESP	0x02	/* kesp.ko has it, kesp-iked's IKE code does not */

struct tok {
	const char *name;
	uint8_t type;
	uint16_t id;
	uint16_t key_bits;
	uint8_t flags;
};

/*
 * strongSwan's keywords for what kesp supports. The first name of a
 * (type, id, key size) is the one printed, so "aes128" comes before its
 * synonym "aes" and "curve25519" before "x25519".
 */
static const struct tok toks[] = {
	{ "aes128", IKED_PROP_ENCR, KESP_ENC_AES_CBC, 128, 0 },
	{ "aes192", IKED_PROP_ENCR, KESP_ENC_AES_CBC, 192, 0 },
	{ "aes256", IKED_PROP_ENCR, KESP_ENC_AES_CBC, 256, 0 },
	{ "aes", IKED_PROP_ENCR, KESP_ENC_AES_CBC, 128, 0 },
	{ "aes128gcm16", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 128, 0 },
	{ "aes192gcm16", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 192, 0 },
	{ "aes256gcm16", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 256, 0 },
	{ "aes128gcm128", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 128, 0 },
	{ "aes192gcm128", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 192, 0 },
	{ "aes256gcm128", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 256, 0 },
	{ "aes128gcm", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 128, 0 },
	{ "aes192gcm", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 192, 0 },
	{ "aes256gcm", IKED_PROP_ENCR, KESP_ENC_AES_GCM_16, 256, 0 },
	{ "chacha20poly1305", IKED_PROP_ENCR, KESP_ENC_CHACHA20_POLY1305, 0, 0 },
	{ "3des", IKED_PROP_ENCR, KESP_ENC_3DES_CBC, 0, 0 },
	{ "aes128ccm16", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 128, T_ESP },
	{ "aes192ccm16", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 192, T_ESP },
	{ "aes256ccm16", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 256, T_ESP },
	{ "aes128ccm128", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 128, T_ESP },
	{ "aes192ccm128", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 192, T_ESP },
	{ "aes256ccm128", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 256, T_ESP },
	{ "aes128ccm", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 128, T_ESP },
	{ "aes192ccm", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 192, T_ESP },
	{ "aes256ccm", IKED_PROP_ENCR, KESP_ENC_AES_CCM_16, 256, T_ESP },
	{ "null", IKED_PROP_ENCR, KESP_ENC_NULL, 0, T_ESP | T_WEAK },
	{ "sha1", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA1_96, 0, 0 },
	{ "sha", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA1_96, 0, 0 },
	{ "sha256", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha2_256", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha384", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha2_384", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha512", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "sha2_512", IKED_PROP_INTEG, KESP_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "md5", IKED_PROP_INTEG, KESP_INTEG_HMAC_MD5_96, 0, T_WEAK },
	{ "prfsha1", IKED_PROP_PRF, IKED_PROP_PRF_HMAC_SHA1, 0, 0 },
	{ "prfsha256", IKED_PROP_PRF, IKED_PROP_PRF_HMAC_SHA2_256, 0, 0 },
	{ "prfsha384", IKED_PROP_PRF, IKED_PROP_PRF_HMAC_SHA2_384, 0, 0 },
	{ "prfsha512", IKED_PROP_PRF, IKED_PROP_PRF_HMAC_SHA2_512, 0, 0 },
	{ "prfmd5", IKED_PROP_PRF, IKED_PROP_PRF_HMAC_MD5, 0, T_WEAK },
	{ "modp2048", IKED_PROP_DH, IKED_PROP_DH_MODP_2048, 0, 0 },
	{ "modp3072", IKED_PROP_DH, IKED_PROP_DH_MODP_3072, 0, 0 },
	{ "modp4096", IKED_PROP_DH, IKED_PROP_DH_MODP_4096, 0, 0 },
	{ "modp6144", IKED_PROP_DH, IKED_PROP_DH_MODP_6144, 0, 0 },
	{ "modp8192", IKED_PROP_DH, IKED_PROP_DH_MODP_8192, 0, 0 },
	{ "ecp256", IKED_PROP_DH, IKED_PROP_DH_ECP_256, 0, 0 },
	{ "ecp384", IKED_PROP_DH, IKED_PROP_DH_ECP_384, 0, 0 },
	{ "ecp521", IKED_PROP_DH, IKED_PROP_DH_ECP_521, 0, 0 },
	{ "curve25519", IKED_PROP_DH, IKED_PROP_DH_CURVE25519, 0, 0 },
	{ "x25519", IKED_PROP_DH, IKED_PROP_DH_CURVE25519, 0, 0 },
	{ "modp1024", IKED_PROP_DH, IKED_PROP_DH_MODP_1024, 0, T_WEAK },
	{ "modp1536", IKED_PROP_DH, IKED_PROP_DH_MODP_1536, 0, T_WEAK },
	{ "none", IKED_PROP_DH, IKED_PROP_DH_NONE, 0, 0 },
	{ "modpnone", IKED_PROP_DH, IKED_PROP_DH_NONE, 0, 0 },
	{ "noesn", IKED_PROP_ESN, IKED_PROP_ESN_NO, 0, T_ESP },
	{ "esn", IKED_PROP_ESN, IKED_PROP_ESN_YES, 0, T_ESP },
};

#define N_TOKS (sizeof(toks) / sizeof(toks[0]))

/*
 * Words strongSwan knows and kesp does not: named as unsupported rather
 * than unknown, so the operator is not sent looking for a typo. A word
 * matches when it starts with @prefix and ends with @suffix.
 */
static const struct {
	const char *prefix;
	const char *suffix;
	const char *why;
} unsupported[] = {
	{ "des", "", "single DES is broken; use aes128 or better" },
	{ "aes", "ctr", "AES-CTR is not supported; use aes128 (CBC) or aes128gcm16" },
	{ "aes", "gcm8", "only AES-GCM with a 16-byte ICV is supported, e.g. aes128gcm16" },
	{ "aes", "gcm64", "only AES-GCM with a 16-byte ICV is supported, e.g. aes128gcm16" },
	{ "aes", "gcm12", "only AES-GCM with a 16-byte ICV is supported, e.g. aes128gcm16" },
	{ "aes", "gcm96", "only AES-GCM with a 16-byte ICV is supported, e.g. aes128gcm16" },
	{ "aes", "ccm8", "only AES-CCM with a 16-byte ICV is supported, e.g. aes128ccm16" },
	{ "aes", "ccm64", "only AES-CCM with a 16-byte ICV is supported, e.g. aes128ccm16" },
	{ "aes", "ccm12", "only AES-CCM with a 16-byte ICV is supported, e.g. aes128ccm16" },
	{ "aes", "ccm96", "only AES-CCM with a 16-byte ICV is supported, e.g. aes128ccm16" },
	{ "aes", "gmac", "AES-GMAC (integrity without encryption) is not supported" },
	{ "chacha20poly1305compat", "", "use chacha20poly1305 (RFC 7634)" },
	{ "camellia", NULL, "Camellia is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
	{ "blowfish", NULL, "Blowfish is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
	{ "cast", NULL, "CAST is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
	{ "serpent", NULL, "Serpent is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
	{ "twofish", NULL, "Twofish is not supported; kesp offers AES, ChaCha20-Poly1305 and 3DES" },
	{ "sha1_160", "", "only HMAC-SHA1-96 is supported: write sha1" },
	{ "sha256_96", "", "only HMAC-SHA2-256-128 (RFC 4868) is supported: write sha256" },
	{ "sha2_256_96", "", "only HMAC-SHA2-256-128 (RFC 4868) is supported: write sha256" },
	{ "md5_128", "", "only HMAC-MD5-96 is supported" },
	{ "aesxcbc", "", "AES-XCBC is not supported; use sha256" },
	{ "aescmac", "", "AES-CMAC is not supported; use sha256" },
	{ "camelliaxcbc", "", "Camellia-XCBC is not supported; use sha256" },
	{ "prfaesxcbc", "", "the AES-XCBC PRF is not supported; use prfsha256" },
	{ "prfaescmac", "", "the AES-CMAC PRF is not supported; use prfsha256" },
	{ "prfcamelliaxcbc", "", "the Camellia-XCBC PRF is not supported; use prfsha256" },
	{ "modp768", "", "MODP-768 is broken; use modp2048 or better" },
	{ "modpnull", "", "the null DH group is for testing only" },
	{ "modp1024s160", "", "the RFC 5114 groups are not supported; use modp2048 or ecp256" },
	{ "modp2048s224", "", "the RFC 5114 groups are not supported; use modp2048 or ecp256" },
	{ "modp2048s256", "", "the RFC 5114 groups are not supported; use modp2048 or ecp256" },
	{ "ecp192", "", "ECP-192 is not supported; use ecp256 or better" },
	{ "ecp224", "", "ECP-224 is not supported; use ecp256 or better" },
	{ "ecp", "bp", "Brainpool curves are not supported; use ecp256, ecp384 or ecp521" },
	{ "curve448", "", "Curve448 is not supported; use curve25519" },
	{ "x448", "", "Curve448 is not supported; use curve25519" },
	{ "ntru", NULL, "post-quantum key exchanges are not supported" },
	{ "kyber", NULL, "post-quantum key exchanges are not supported" },
	{ "mlkem", NULL, "post-quantum key exchanges are not supported" },
	{ "saber", NULL, "post-quantum key exchanges are not supported" },
	{ "bike", NULL, "post-quantum key exchanges are not supported" },
	{ "frodo", NULL, "post-quantum key exchanges are not supported" },
	{ "hqc", NULL, "post-quantum key exchanges are not supported" },
	{ "sike", NULL, "post-quantum key exchanges are not supported" },
};

#define N_UNSUPPORTED (sizeof(unsupported) / sizeof(unsupported[0]))

/*
 * kesp's defaults, appended to lists without "!": strongSwan's default
 * proposals less what kesp lacks (CTR, CCM and XCBC for IKE, Camellia,
 * Curve448, Brainpool) and less 3DES, which strongSwan still offers but
 * kesp only uses when configured. Order as strongSwan's: classic before
 * AEAD for IKE, AEAD before classic for ESP.
 */
#define DEFAULT_DH "ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp6144-modp8192-modp2048"
#define DEFAULT_PRF "prfsha256-prfsha384-prfsha512-prfsha1"

static const char ike_defaults[] =
	"aes128-aes192-aes256-sha256-sha384-sha512-sha1-" DEFAULT_PRF "-" DEFAULT_DH ","
	"aes128gcm16-aes192gcm16-aes256gcm16-chacha20poly1305-" DEFAULT_PRF "-" DEFAULT_DH;
/*
 * ESP: every group kesp has plus "none", as strongSwan 6 does, so that a
 * rekey with PFS (Libreswan's pfs=yes, its default) and one without
 * (strongSwan 5's default) are both accepted.
 */
static const char esp_defaults[] =
	"aes128gcm16-aes192gcm16-aes256gcm16-" DEFAULT_DH "-none-noesn,"
	"aes128-aes192-aes256-sha256-sha384-sha512-sha1-" DEFAULT_DH "-none-noesn";

/* The IKE SA payload numbers proposals with one byte; defaults need room. */
#define MAX_CONFIGURED	200
/* Longer than any keyword: a word this long is simply unknown. */
#define WORD_MAX	40

static const struct tok *tok_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < N_TOKS; i++)
		if (!strcasecmp(toks[i].name, name))
			return &toks[i];
	return NULL;
}

static const struct tok *tok_by_id(uint8_t type, uint16_t id,
				   uint16_t key_bits)
{
	size_t i;

	for (i = 0; i < N_TOKS; i++)
		if (toks[i].type == type && toks[i].id == id &&
		    toks[i].key_bits == key_bits)
			return &toks[i];
	return NULL;
}

static const char *why_unsupported(const char *w)
{
	size_t i, n = strlen(w);

	for (i = 0; i < N_UNSUPPORTED; i++) {
		size_t pl = strlen(unsupported[i].prefix);
		const char *suf = unsupported[i].suffix;

		if (n < pl || strncasecmp(w, unsupported[i].prefix, pl))
			continue;
		if (!suf)
			return unsupported[i].why;
		if (!*suf && n == pl)
			return unsupported[i].why;
		if (*suf && n >= pl + strlen(suf) &&
		    !strcasecmp(w + n - strlen(suf), suf))
			return unsupported[i].why;
	}
	return NULL;
}


/* Append to a message buffer that keeps its terminating NUL. */

static int usable(const struct tok *t, enum iked_prop_proto proto)
{
	/* IKE takes "none" (strongSwan drops it) but never needs it. */
	if (proto == IKED_PROP_IKE)
		return !(t->flags & T_ESP) &&
		       !(t->type == IKED_PROP_DH && t->id == IKED_PROP_DH_NONE);
	return t->type != IKED_PROP_PRF;
}

/* The words of @type usable for @proto, synonyms left out. */
static void list_words(enum iked_prop_proto proto, uint8_t type, char *buf,
		       size_t len, size_t *used)
{
	size_t i, n = 0;

	for (i = 0; i < N_TOKS; i++) {
		const struct tok *t = &toks[i];

		if (t->type != type || !usable(t, proto) ||
		    tok_by_id(t->type, t->id, t->key_bits) != t)
			continue;
		iked_addf(buf, len, used, "%s%s", n++ ? ", " : "", t->name);
	}
}

/* Words usable for @arg's protocol, for suggestions. */
static const char *tok_name(size_t i, const void *arg)
{
	return usable(&toks[i], *(const enum iked_prop_proto *)arg) ?
	       toks[i].name : NULL;
}

static int unknown_word(enum iked_prop_proto proto, const char *w,
			char *err, size_t errlen)
{
	size_t used = 0;

	iked_addf(err, errlen, &used, "unknown algorithm \"%s\"", w);
	if (iked_suggest(err, errlen, &used, w, N_TOKS, tok_name, &proto))
		return -EINVAL;
	iked_addf(err, errlen, &used, ": expected encryption (");
	list_words(proto, IKED_PROP_ENCR, err, errlen, &used);
	iked_addf(err, errlen, &used, "), integrity (");
	list_words(proto, IKED_PROP_INTEG, err, errlen, &used);
	if (proto == IKED_PROP_IKE) {
		iked_addf(err, errlen, &used, "), PRF (");
		list_words(proto, IKED_PROP_PRF, err, errlen, &used);
		iked_addf(err, errlen, &used, ") or DH group (");
		list_words(proto, IKED_PROP_DH, err, errlen, &used);
		iked_addf(err, errlen, &used, ")");
	} else {
		iked_addf(err, errlen, &used, "), DH group for PFS (");
		list_words(proto, IKED_PROP_DH, err, errlen, &used);
		iked_addf(err, errlen, &used, ") or esn/noesn");
	}
	return -EINVAL;
}

static int add_id(uint16_t *v, uint8_t *n, size_t max, uint16_t id,
		  const char *what, char *err, size_t errlen)
{
	size_t i;

	/* A repeated word adds nothing to the offer. */
	for (i = 0; i < *n; i++)
		if (v[i] == id)
			return 0;
	if (*n >= max) {
		snprintf(err, errlen, "more than %zu %s in one proposal", max,
			 what);
		return -EINVAL;
	}
	v[(*n)++] = id;
	return 0;
}

static int add_encr(struct iked_prop *p, const struct tok *t, char *err,
		    size_t errlen)
{
	size_t i;

	for (i = 0; i < p->n_encr; i++)
		if (p->encr[i].id == t->id && p->encr[i].key_bits == t->key_bits)
			return 0;
	if (p->n_encr >= IKED_PROP_MAX_ALGS) {
		snprintf(err, errlen, "more than %d encryption algorithms in one proposal",
			 IKED_PROP_MAX_ALGS);
		return -EINVAL;
	}
	p->encr[p->n_encr].id = t->id;
	p->encr[p->n_encr].key_bits = t->key_bits;
	p->n_encr++;
	return 0;
}

static int add_tok(struct iked_prop *p, const struct tok *t, char *err,
		   size_t errlen)
{
	switch (t->type) {
	case IKED_PROP_ENCR:
		return add_encr(p, t, err, errlen);
	case IKED_PROP_INTEG:
		return add_id(p->integ, &p->n_integ, IKED_PROP_MAX_ALGS, t->id,
			      "integrity algorithms", err, errlen);
	case IKED_PROP_PRF:
		return add_id(p->prf, &p->n_prf, IKED_PROP_MAX_ALGS, t->id,
			      "PRFs", err, errlen);
	case IKED_PROP_DH:
		return add_id(p->dh, &p->n_dh, IKED_PROP_MAX_ALGS, t->id,
			      "DH groups", err, errlen);
	default:
		return add_id(p->esn, &p->n_esn, 2, t->id, "ESN modes", err,
			      errlen);
	}
}

/* The PRF strongSwan pairs with an integrity algorithm, or 0. */
static uint16_t integ_prf(uint16_t integ)
{
	switch (integ) {
	case KESP_INTEG_HMAC_SHA1_96:
		return IKED_PROP_PRF_HMAC_SHA1;
	case KESP_INTEG_HMAC_SHA2_256_128:
		return IKED_PROP_PRF_HMAC_SHA2_256;
	case KESP_INTEG_HMAC_SHA2_384_192:
		return IKED_PROP_PRF_HMAC_SHA2_384;
	case KESP_INTEG_HMAC_SHA2_512_256:
		return IKED_PROP_PRF_HMAC_SHA2_512;
	case KESP_INTEG_HMAC_MD5_96:
		return IKED_PROP_PRF_HMAC_MD5;
	default:
		return 0;
	}
}

static int is_aead(uint16_t encr)
{
	const struct kesp_alg *a = kesp_alg_by_id(KESP_ALG_ENC, encr);

	return a && a->aead;
}

/* The whole-proposal rules, strongSwan's check_proposal() in substance. */
static int check_prop(enum iked_prop_proto proto, struct iked_prop *p,
		      const char *s, int n, char *err, size_t errlen)
{
	const char *pname = proto == IKED_PROP_IKE ? "IKE" : "ESP";
	int any_aead = -1, any_classic = -1;
	char a[24], c[24];
	size_t i, k;

	if (proto == IKED_PROP_IKE && !p->n_prf) {
		/* No PRF written: the integrity algorithms' own. */
		for (i = 0; i < p->n_integ; i++) {
			uint16_t prf = integ_prf(p->integ[i]);

			if (prf && add_id(p->prf, &p->n_prf, IKED_PROP_MAX_ALGS,
					  prf, "PRFs", err, errlen))
				return -EINVAL;
		}
	}
	for (i = 0; i < p->n_encr; i++) {
		if (is_aead(p->encr[i].id)) {
			if (any_aead < 0)
				any_aead = (int)i;
		} else if (any_classic < 0) {
			any_classic = (int)i;
		}
	}
	if (!p->n_encr) {
		snprintf(err, errlen, "\"%.*s\" has no encryption algorithm, which every %s proposal needs, e.g. aes128gcm16 or aes128-sha256",
			 n, s, pname);
		return -EINVAL;
	}
	if (any_aead >= 0 && any_classic >= 0) {
		snprintf(err, errlen, "\"%.*s\" mixes AEAD (%s) and classic (%s) encryption: write them as two proposals separated by a comma",
			 n, s,
			 iked_prop_alg_name(IKED_PROP_ENCR, p->encr[any_aead].id,
					    p->encr[any_aead].key_bits, a, sizeof(a)),
			 iked_prop_alg_name(IKED_PROP_ENCR, p->encr[any_classic].id,
					    p->encr[any_classic].key_bits, c, sizeof(c)));
		return -EINVAL;
	}
	if (any_aead >= 0) {
		/* AEAD carries its own integrity; strongSwan drops the rest. */
		p->n_integ = 0;
		p->aead = 1;
	} else if (!p->n_integ) {
		/* strongSwan allows ESP without integrity; kesp does not. */
		snprintf(err, errlen, "\"%.*s\" has no integrity algorithm, which %s with classic (non-AEAD) encryption needs: add one, e.g. sha256",
			 n, s, pname);
		return -EINVAL;
	}
	if (proto == IKED_PROP_IKE) {
		if (!p->n_prf) {
			snprintf(err, errlen, "\"%.*s\" has no PRF: an AEAD IKE proposal must name one, e.g. prfsha256",
				 n, s);
			return -EINVAL;
		}
		/* "none" means "no PFS", which has no place in IKE. */
		for (i = 0, k = 0; i < p->n_dh; i++)
			if (p->dh[i] != IKED_PROP_DH_NONE)
				p->dh[k++] = p->dh[i];
		p->n_dh = (uint8_t)k;
		if (!p->n_dh) {
			snprintf(err, errlen, "\"%.*s\" has no DH group, which every IKE proposal needs: add one, e.g. ecp256 or modp3072",
				 n, s);
			return -EINVAL;
		}
	} else if (!p->n_esn) {
		p->esn[p->n_esn++] = IKED_PROP_ESN_NO;
	}
	return 0;
}

static const char *type_label(uint8_t type)
{
	switch (type) {
	case IKED_PROP_ENCR:
		return "encryption algorithm";
	case IKED_PROP_INTEG:
		return "integrity algorithm";
	case IKED_PROP_PRF:
		return "PRF";
	case IKED_PROP_DH:
		return "DH group";
	default:
		return "ESN mode";
	}
}

static int check_tok(enum iked_prop_proto proto, const struct tok *t,
		     char *err, size_t errlen)
{
	if (proto == IKED_PROP_IKE && t->type == IKED_PROP_ESN) {
		snprintf(err, errlen, "\"%s\" belongs in esp=, not ike=: IKE SAs have no ESN",
			 t->name);
		return -EINVAL;
	}
	if (proto == IKED_PROP_IKE && (t->flags & T_ESP)) {
		snprintf(err, errlen, "\"%s\" is for esp= only: kesp-iked does not use it for IKE",
			 t->name);
		return -EINVAL;
	}
	if (proto == IKED_PROP_ESP && t->type == IKED_PROP_PRF) {
		snprintf(err, errlen, "\"%s\" belongs in ike=, not esp=: ESP has no PRF",
			 t->name);
		return -EINVAL;
	}
	return 0;
}

/* One proposal, @s[0 .. n-1]: keywords separated by dashes. */
static int parse_one(enum iked_prop_proto proto, const char *s, size_t n,
		     struct iked_prop *p, char *err, size_t errlen)
{
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	while (i <= n) {
		size_t b = i, e, wl;
		char w[WORD_MAX + 1];
		const struct tok *t;
		const char *why;

		while (i < n && s[i] != '-')
			i++;
		e = i++;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		wl = e - b;
		if (!wl) {
			snprintf(err, errlen, "empty algorithm name in \"%.*s\"",
				 (int)n, s);
			return -EINVAL;
		}
		if (wl > WORD_MAX) {
			snprintf(err, errlen, "unknown algorithm \"%.*s...\"",
				 WORD_MAX, s + b);
			return -EINVAL;
		}
		memcpy(w, s + b, wl);
		w[wl] = '\0';
		t = tok_by_name(w);
		if (!t) {
			why = why_unsupported(w);
			if (why) {
				snprintf(err, errlen, "\"%s\" is not supported: %s",
					 w, why);
				return -EINVAL;
			}
			return unknown_word(proto, w, err, errlen);
		}
		if (check_tok(proto, t, err, errlen) ||
		    add_tok(p, t, err, errlen))
			return -EINVAL;
	}
	return check_prop(proto, p, s, (int)n, err, errlen);
}

static int push(struct iked_prop_list *l, const struct iked_prop *p)
{
	struct iked_prop *v;

	v = realloc(l->props, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->props = v;
	l->props[l->n++] = *p;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Comma-separated proposals of @s[b .. e-1], appended to @l. */
static int parse_props(enum iked_prop_proto proto, const char *s, size_t b,
		       size_t e, struct iked_prop_list *l, char *err,
		       size_t errlen)
{
	size_t i = b;

	while (i <= e) {
		size_t pb = i, pe;
		struct iked_prop p;
		int ret;

		while (i < e && s[i] != ',')
			i++;
		pe = i++;
		while (pb < pe && is_space(s[pb]))
			pb++;
		while (pe > pb && is_space(s[pe - 1]))
			pe--;
		if (pb == pe) {
			snprintf(err, errlen, "empty proposal in \"%.*s\": proposals are separated by single commas",
				 (int)(e - b), s + b);
			return -EINVAL;
		}
		if (l->n >= MAX_CONFIGURED) {
			snprintf(err, errlen, "more than %d proposals",
				 MAX_CONFIGURED);
			return -EINVAL;
		}
		ret = parse_one(proto, s + pb, pe - pb, &p, err, errlen);
		if (ret)
			return ret;
		ret = push(l, &p);
		if (ret) {
			snprintf(err, errlen, "out of memory");
			return ret;
		}
	}
	return 0;
}

static int prop_equal(const struct iked_prop *a, const struct iked_prop *b)
{
	size_t i;

	if (a->n_encr != b->n_encr || a->n_integ != b->n_integ ||
	    a->n_prf != b->n_prf || a->n_dh != b->n_dh ||
	    a->n_esn != b->n_esn || a->aead != b->aead)
		return 0;
	for (i = 0; i < a->n_encr; i++)
		if (a->encr[i].id != b->encr[i].id ||
		    a->encr[i].key_bits != b->encr[i].key_bits)
			return 0;
	return !memcmp(a->integ, b->integ, a->n_integ * sizeof(a->integ[0])) &&
	       !memcmp(a->prf, b->prf, a->n_prf * sizeof(a->prf[0])) &&
	       !memcmp(a->dh, b->dh, a->n_dh * sizeof(a->dh[0])) &&
	       !memcmp(a->esn, b->esn, a->n_esn * sizeof(a->esn[0]));
}

static int append_defaults(struct iked_prop_list *l, char *err,
			   size_t errlen)
{
	const char *d = l->proto == IKED_PROP_IKE ? ike_defaults : esp_defaults;
	struct iked_prop_list def = { .proto = l->proto };
	size_t i, k;
	int ret;

	ret = parse_props(l->proto, d, 0, strlen(d), &def, err, errlen);
	for (i = 0; !ret && i < def.n; i++) {
		int dup = 0;

		for (k = 0; k < l->n && !dup; k++)
			dup = prop_equal(&l->props[k], &def.props[i]);
		if (!dup && push(l, &def.props[i])) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		}
	}
	free(def.props);
	return ret;
}

int iked_prop_parse(enum iked_prop_proto proto, const char *s,
		    struct iked_prop_list *out, char *err, size_t errlen)
{
	size_t b = 0, e, i;
	int ret;

	memset(out, 0, sizeof(*out));
	out->proto = proto;
	if (!s)
		s = "";
	e = strlen(s);
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	if (e > b && s[e - 1] == '!') {
		out->strict = 1;
		e--;
		while (e > b && is_space(s[e - 1]))
			e--;
		if (e == b) {
			snprintf(err, errlen, "\"!\" with no proposal before it");
			return -EINVAL;
		}
	}
	for (i = b; i < e; i++) {
		if (s[i] == '!') {
			snprintf(err, errlen, "\"!\" (strict) may only end the whole list, e.g. aes256-sha256-modp3072,aes128-sha256-modp2048!");
			return -EINVAL;
		}
	}
	ret = e > b ? parse_props(proto, s, b, e, out, err, errlen) : 0;
	out->n_configured = out->n;
	if (!ret && !out->strict)
		ret = append_defaults(out, err, errlen);
	if (ret) {
		iked_prop_list_free(out);
		return ret;
	}
	return 0;
}

void iked_prop_list_free(struct iked_prop_list *l)
{
	free(l->props);
	l->props = NULL;
	l->n = 0;
	l->n_configured = 0;
}

const char *iked_prop_alg_name(enum iked_prop_type type, uint16_t id,
			       uint16_t key_bits, char *buf, size_t len)
{
	const struct tok *t = tok_by_id((uint8_t)type, id, key_bits);

	if (t)
		snprintf(buf, len, "%s", t->name);
	else if (key_bits)
		snprintf(buf, len, "%s-%u/%u", type_label((uint8_t)type), id,
			 key_bits);
	else
		snprintf(buf, len, "%s-%u", type_label((uint8_t)type), id);
	return buf;
}

const char *iked_prop_format(const struct iked_prop *p, char *buf,
			     size_t len)
{
	size_t used = 0, i;
	char w[48];

	buf[0] = '\0';
	for (i = 0; i < p->n_encr; i++)
		iked_addf(buf, len, &used, "%s%s", used ? "-" : "",
		     iked_prop_alg_name(IKED_PROP_ENCR, p->encr[i].id,
					p->encr[i].key_bits, w, sizeof(w)));
	for (i = 0; i < p->n_integ; i++)
		iked_addf(buf, len, &used, "-%s",
		     iked_prop_alg_name(IKED_PROP_INTEG, p->integ[i], 0, w,
					sizeof(w)));
	for (i = 0; i < p->n_prf; i++)
		iked_addf(buf, len, &used, "-%s",
		     iked_prop_alg_name(IKED_PROP_PRF, p->prf[i], 0, w,
					sizeof(w)));
	for (i = 0; i < p->n_dh; i++)
		iked_addf(buf, len, &used, "-%s",
		     iked_prop_alg_name(IKED_PROP_DH, p->dh[i], 0, w,
					sizeof(w)));
	for (i = 0; i < p->n_esn; i++)
		iked_addf(buf, len, &used, "-%s",
		     iked_prop_alg_name(IKED_PROP_ESN, p->esn[i], 0, w,
					sizeof(w)));
	return buf;
}

/* Add @t's name to the weak list unless it is there already. */
static void note_weak(const struct tok *t, char *buf, size_t len,
		      size_t *used, size_t *count)
{
	const char *hit = buf;
	size_t nl;

	if (!t || !(t->flags & T_WEAK))
		return;
	nl = strlen(t->name);
	while ((hit = strstr(hit, t->name))) {
		if ((hit == buf || hit[-1] == ' ') &&
		    (hit[nl] == ',' || hit[nl] == '\0'))
			return;
		hit += nl;
	}
	iked_addf(buf, len, used, "%s%s", *count ? ", " : "", t->name);
	(*count)++;
}

size_t iked_prop_weak(const struct iked_prop_list *l, char *buf, size_t len)
{
	size_t used = 0, count = 0, i, k;

	buf[0] = '\0';
	for (i = 0; i < l->n_configured; i++) {
		const struct iked_prop *p = &l->props[i];

		for (k = 0; k < p->n_encr; k++)
			note_weak(tok_by_id(IKED_PROP_ENCR, p->encr[k].id,
					    p->encr[k].key_bits),
				  buf, len, &used, &count);
		for (k = 0; k < p->n_integ; k++)
			note_weak(tok_by_id(IKED_PROP_INTEG, p->integ[k], 0),
				  buf, len, &used, &count);
		for (k = 0; k < p->n_prf; k++)
			note_weak(tok_by_id(IKED_PROP_PRF, p->prf[k], 0),
				  buf, len, &used, &count);
		for (k = 0; k < p->n_dh; k++)
			note_weak(tok_by_id(IKED_PROP_DH, p->dh[k], 0),
				  buf, len, &used, &count);
	}
	return count;
}

char *iked_prop_list_format(const struct iked_prop_list *l)
{
	/* One algorithm word is at most WORD_MAX; 5 types, their dashes. */
	size_t one = 5 * IKED_PROP_MAX_ALGS * (WORD_MAX + 1) + 1;
	char *s = NULL, *buf = malloc(one);
	size_t len = 0, i;
	FILE *f;

	if (!buf)
		return NULL;
	f = open_memstream(&s, &len);
	if (!f) {
		free(buf);
		return NULL;
	}
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s%s", i ? ", " : "",
			iked_prop_format(&l->props[i], buf, one));
	free(buf);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}
