// SPDX-License-Identifier: GPL-2.0
/* What an IKEv1 conn (keyexchange=ikev1, ikev2=no) may say: the algorithms IKEv1 can carry, Aggressive Mode only there. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include <linux/kesp.h>

/* Phase 1 (RFC 2409 appendix A): CBC ciphers, a hash; no AEAD. */
static const char *ike_alg_unfit(const struct iked_prop *p)
{
	size_t i;

	for (i = 0; i < p->n_encr; i++)
		if (p->encr[i].id != KESP_ENC_3DES_CBC &&
		    p->encr[i].id != KESP_ENC_AES_CBC)
			return "IKEv1 phase 1 encrypts with 3des or aes128/192/256 (CBC) only";
	for (i = 0; i < p->n_integ; i++)
		if (p->integ[i] != KESP_INTEG_HMAC_MD5_96 &&
		    p->integ[i] != KESP_INTEG_HMAC_SHA1_96 &&
		    p->integ[i] != KESP_INTEG_HMAC_SHA2_256_128 &&
		    p->integ[i] != KESP_INTEG_HMAC_SHA2_384_192 &&
		    p->integ[i] != KESP_INTEG_HMAC_SHA2_512_256)
			return "IKEv1 phase 1 hashes with md5, sha1, sha256, sha384 or sha512 only";
	if (!p->n_integ)
		return "IKEv1 phase 1 needs a hash (md5, sha1, sha256, sha384, sha512)";
	for (i = 0; i < p->n_dh; i++)
		if (p->dh[i] == 31)
			return "IKEv1 has no curve25519 group; use modp2048 or ecp256";
	return NULL;
}

/* Phase 2 (RFC 2407 4.4.4, 4.5): no ChaCha20, no CCM, no ESN. */
static const char *esp_alg_unfit(const struct iked_prop *p)
{
	size_t i;

	for (i = 0; i < p->n_encr; i++)
		if (p->encr[i].id == KESP_ENC_CHACHA20_POLY1305 ||
		    p->encr[i].id == KESP_ENC_AES_CCM_16)
			return "IKEv1 quick mode carries 3des, aes (CBC) and aes*gcm16 only";
	for (i = 0; i < p->n_dh; i++)
		if (p->dh[i] == 31)
			return "IKEv1 has no curve25519 group; use modp2048 or ecp256";
	for (i = 0; i < p->n_esn; i++)
		if (p->esn[i] == 1)
			return "IKEv1 quick mode does not negotiate extended sequence numbers; drop esn";
	return NULL;
}

static int check_list(struct reader *r, const struct entry *e,
		      const struct iked_prop_list *l, bool ike)
{
	size_t i;

	if (!e)
		return 0;
	for (i = 0; i < l->n_configured; i++) {
		const char *why = ike ? ike_alg_unfit(&l->props[i]) :
					esp_alg_unfit(&l->props[i]);
		char buf[256];

		if (why)
			return conf_fail(r, e->file, e->line,
					 "%s: proposal %zu (%s) does not fit keyexchange=ikev1: %s",
					 e->kw->name, i + 1,
					 iked_prop_format(&l->props[i], buf,
							  sizeof(buf)),
					 why);
	}
	return 0;
}

int conf_check_ikev1(struct reader *r, const struct iked_conf_conn *c,
		     const struct entry *const *win)
{
	const struct entry *ag = win[KW_AGGRESSIVE];

	if (c->ike_version != 1) {
		if (c->aggressive && ag)
			return conf_fail(r, ag->file, ag->line,
					 "aggressive: \"yes\" is IKEv1's Aggressive Mode, but the conn speaks IKEv2; add keyexchange=ikev1 or set aggressive=no");
		return 0;
	}
	/*
	 * One phase 1 auth method covers both ends in IKEv1 (RFC 2409 5):
	 * pre-shared keys or signatures, not one of each.
	 */
	if (c->left.auth != c->right.auth ||
	    (c->left.auth != IKED_CONF_AUTH_PSK &&
	     c->left.auth != IKED_CONF_AUTH_PUBKEY))
		return conf_fail(r, c->file, c->line,
				 "conn %s: keyexchange=ikev1 authenticates both ends the same way, with pre-shared keys (authby=secret) or signatures (authby=rsasig, ecdsasig or pubkey); leftauth= and rightauth= differ",
				 c->name);
	if (check_list(r, win[KW_IKE], &c->ike, true) ||
	    check_list(r, win[KW_ESP], &c->esp, false))
		return -EINVAL;
	if (c->aggressive && ag && c->left.auth == IKED_CONF_AUTH_PSK)
		return conf_warn(r, ag->file, ag->line,
				 "aggressive: conn %s answers Aggressive Mode, whose PSK hash travels in the clear and can be attacked offline; prefer Main Mode",
				 c->name);
	return 0;
}
