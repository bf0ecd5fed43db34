// SPDX-License-Identifier: GPL-2.0
/* Libreswan's ike= and esp= syntax, rewritten as strongSwan's for proposal.c. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../words.h"

/*
 * Libreswan's proposals: "ENC-INTEG;DH" ("aes256-sha2_256;modp2048"),
 * "+" between alternatives of one kind ("aes_gcm256-sha2_512+sha2_256;
 * dh19+dh20"), its own names (aes_gcm, sha2_256, dh19, ...), names
 * without a key length meaning 256 and 128 bits, and no DH group meaning
 * its default groups. A list is exactly what is proposed and accepted,
 * like strongSwan's "!".
 */

/* Libreswan 4's default groups, in its order. */
#define LSW_DEFAULT_DH \
	"ecp256-ecp384-ecp521-modp2048-modp3072-modp4096-modp8192-curve25519"

/* Room for any rewritten list; longer input is refused by proposal.c. */
#define OUT_MAX		4096

enum cls { C_ENC, C_INTEG, C_DH };

/* Names that map to one strongSwan word; "" drops the word. */
static const struct {
	const char *lsw;
	enum cls cls;
	const char *sw;
} names[] = {
	{ "sha", C_INTEG, "sha1" },
	{ "sha1", C_INTEG, "sha1" },
	{ "sha1_96", C_INTEG, "sha1" },
	{ "sha2", C_INTEG, "sha256" },
	{ "sha2_256", C_INTEG, "sha256" },
	{ "sha2_256_128", C_INTEG, "sha256" },
	{ "sha2_384", C_INTEG, "sha384" },
	{ "sha2_384_192", C_INTEG, "sha384" },
	{ "sha2_512", C_INTEG, "sha512" },
	{ "sha2_512_256", C_INTEG, "sha512" },
	{ "md5_96", C_INTEG, "md5" },
	{ "aes_xcbc", C_INTEG, "aesxcbc" },
	{ "aes_cmac", C_INTEG, "aescmac" },
	{ "3des_cbc", C_ENC, "3des" },
	{ "chacha20_poly1305", C_ENC, "chacha20poly1305" },
	{ "dh0", C_DH, "none" },
	{ "dh1", C_DH, "modp768" },
	{ "dh2", C_DH, "modp1024" },
	{ "dh5", C_DH, "modp1536" },
	{ "dh14", C_DH, "modp2048" },
	{ "dh15", C_DH, "modp3072" },
	{ "dh16", C_DH, "modp4096" },
	{ "dh17", C_DH, "modp6144" },
	{ "dh18", C_DH, "modp8192" },
	{ "dh19", C_DH, "ecp256" },
	{ "dh20", C_DH, "ecp384" },
	{ "dh21", C_DH, "ecp521" },
	{ "dh22", C_DH, "modp1024s160" },
	{ "dh23", C_DH, "modp2048s224" },
	{ "dh24", C_DH, "modp2048s256" },
	{ "dh31", C_DH, "curve25519" },
	{ "ecp_256", C_DH, "ecp256" },
	{ "ecp_384", C_DH, "ecp384" },
	{ "ecp_521", C_DH, "ecp521" },
};

/* AES modes: Libreswan's name (before a key length), strongSwan's suffix. */
static const struct {
	const char *lsw;
	const char *sw;
} aes_modes[] = {
	{ "aes", "" },
	{ "aes_cbc", "" },
	{ "aes_gcm", "gcm16" },
	{ "aes_gcm_c", "gcm16" },
	{ "aes_gcm_16", "gcm16" },
	{ "aes_gcm16", "gcm16" },
	{ "aes_gcm_b", "gcm12" },
	{ "aes_gcm_12", "gcm12" },
	{ "aes_gcm_a", "gcm8" },
	{ "aes_gcm_8", "gcm8" },
	{ "aes_ccm", "ccm16" },
	{ "aes_ccm_c", "ccm16" },
	{ "aes_ccm_16", "ccm16" },
	{ "aes_ccm_b", "ccm12" },
	{ "aes_ccm_12", "ccm12" },
	{ "aes_ccm_a", "ccm8" },
	{ "aes_ccm_8", "ccm8" },
	{ "aes_ctr", "ctr" },
};

struct out {
	char buf[OUT_MAX];
	size_t used;
	int changed;		/* some word was Libreswan's own */
};

static void put(struct out *o, const char *w)
{
	iked_addf(o->buf, sizeof(o->buf), &o->used, "%s%s",
		  o->used && o->buf[o->used - 1] != ',' ? "-" : "", w);
}

/* "aes_gcm256", "aes_gcm_c_256", "aes": the strongSwan words, or 0. */
static int put_aes(struct out *o, const char *w)
{
	size_t n = strlen(w), k, i;
	char *end;
	unsigned long bits = 0;

	k = n;
	while (k && isdigit((unsigned char)w[k - 1]))
		k--;
	for (i = 0; i < sizeof(aes_modes) / sizeof(aes_modes[0]); i++) {
		size_t ml = strlen(aes_modes[i].lsw);
		char word[40];

		if (!strcmp(w, aes_modes[i].lsw)) {
			bits = 0;
		} else if (k < n && (ml == k || (ml + 1 == k && w[ml] == '_')) &&
			   !strncmp(w, aes_modes[i].lsw, ml)) {
			bits = strtoul(w + k, &end, 10);
			if (bits > 65535)
				return 0;
		} else {
			continue;
		}
		/* No key length: Libreswan proposes 256 and 128 bits. */
		if (bits) {
			snprintf(word, sizeof(word), "aes%lu%s", bits, aes_modes[i].sw);
			put(o, word);
		} else {
			snprintf(word, sizeof(word), "aes256%s", aes_modes[i].sw);
			put(o, word);
			snprintf(word, sizeof(word), "aes128%s", aes_modes[i].sw);
			put(o, word);
		}
		if (strcmp(w, "aes128") && strcmp(w, "aes192") &&
		    strcmp(w, "aes256"))
			o->changed = 1;
		return 1;
	}
	return 0;
}

/* One word of a proposal; @after_semi: it follows the ";" (a DH group). */
static void put_word(struct out *o, const char *w, int first, int after_semi,
		     int *has_dh, int *has_integ)
{
	size_t i;

	if (!strcmp(w, "null") || !strcmp(w, "none")) {
		/* Integrity "none" beside AEAD; a DH "none" is no PFS. */
		if (first && !strcmp(w, "null")) {
			put(o, w);
		} else if (after_semi) {
			put(o, "none");
			*has_dh = 1;
		} else {
			o->changed = 1;
		}
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(w, names[i].lsw)) {
			put(o, names[i].sw);
			o->changed = 1;
			*has_dh |= names[i].cls == C_DH;
			*has_integ |= names[i].cls == C_INTEG;
			return;
		}
	}
	if (put_aes(o, w))
		return;
	/* strongSwan's own names pass, proposal.c judges them. */
	if (!strncmp(w, "modp", 4) || !strncmp(w, "ecp", 3) ||
	    !strcmp(w, "curve25519") || !strcmp(w, "x25519"))
		*has_dh = 1;
	if (!strncmp(w, "sha", 3) || !strncmp(w, "md5", 3) ||
	    !strncmp(w, "prf", 3) || !strcmp(w, "aesxcbc") ||
	    !strcmp(w, "aescmac"))
		*has_integ = 1;
	put(o, w);
}

/* One proposal, @s to @e, into @o. */
static void put_proposal(struct out *o, enum iked_prop_proto proto,
			 const char *s, const char *e)
{
	int has_dh = 0, has_integ = 0, after_semi = 0, first = 1;

	while (s < e) {
		const char *w = s;
		char word[64];
		size_t n, i;

		while (s < e && *s != '-' && *s != '+' && *s != ';')
			s++;
		n = (size_t)(s - w);
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		for (i = 0; i < n; i++)
			word[i] = (char)tolower((unsigned char)w[i]);
		word[n] = '\0';
		if (n)
			put_word(o, word, first, after_semi, &has_dh,
				 &has_integ);
		first = 0;
		if (s < e && *s == ';') {
			after_semi = 1;
			o->changed = 1;
		} else if (s < e && *s == '+') {
			o->changed = 1;
		}
		if (s < e)
			s++;
	}
	/*
	 * No integrity or PRF: Libreswan's default, which is also the PRF
	 * of an AEAD IKE proposal (AEAD ESP drops it again). Alone it does
	 * not make a list Libreswan's: strongSwan's esp=aes128 stays refused.
	 */
	if (!has_integ)
		put(o, "sha512-sha256");
	if (has_dh)
		return;
	/*
	 * Libreswan's defaults. For ESP that is PFS (its pfs=yes) with a
	 * group kesp-iked may choose, or none when the peer asks for none.
	 */
	if (proto == IKED_PROP_IKE) {
		put(o, LSW_DEFAULT_DH);
		o->changed = 1;
	} else {
		put(o, LSW_DEFAULT_DH "-none");
	}
}

int conf_lsw_proposals(enum iked_prop_proto proto, const char *v, char **out,
		       char *err, size_t errlen)
{
	struct out *o;
	const char *s = v;

	*out = NULL;
	/* A "!" is strongSwan's. */
	if (strchr(v, '!'))
		return 0;
	o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (*s) {
		const char *e = strchr(s, ',');

		if (!e)
			e = s + strlen(s);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		put_proposal(o, proto, s, e);
		if (*e)
			iked_addf(o->buf, sizeof(o->buf), &o->used, ",");
		s = *e ? e + 1 : e;
	}
	iked_addf(o->buf, sizeof(o->buf), &o->used, "!");
	/* Nothing of Libreswan's: strongSwan's message says what is wrong. */
	if (o->changed && o->used < sizeof(o->buf) - 1) {
		*out = strdup(o->buf);
		if (!*out) {
			free(o);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	free(o);
	return 0;
}
