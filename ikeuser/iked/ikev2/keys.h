/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv2 keys: prf+ and the IKE SA and CHILD SA key schedules (RFC 7296 2.13, 2.14, 2.17). */

#ifndef KESP_IKEV2_KEYS_H
#define KESP_IKEV2_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/prf.h"

/*
 * prf+(@key, @seed) (RFC 7296 2.13): T1 | T2 | ... truncated to @outlen,
 * with Tn = prf(K, Tn-1 | S | n). At most 255 blocks: -EMSGSIZE beyond.
 */
int ikev2_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		   const uint8_t *seed, size_t slen, uint8_t *out,
		   size_t outlen);

/* The seven keys of an IKE SA; lengths as the negotiated transforms need. */
struct ikev2_ike_keys {
	uint8_t sk_d[IKED_PRF_MAX], sk_pi[IKED_PRF_MAX], sk_pr[IKED_PRF_MAX];
	uint8_t sk_ai[64], sk_ar[64];	/* integrity keys, 0 with an AEAD */
	uint8_t sk_ei[36], sk_er[36];	/* encryption keys, salt included */
	size_t prf_len, integ_len, enc_len;
};

/*
 * RFC 7296 2.14: SKEYSEED = prf(Ni | Nr, g^ir), then
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 *     prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * Intermediate secrets are wiped. -EINVAL for an unknown PRF or key
 * lengths beyond the struct.
 */
int ikev2_derive_ike_keys(uint16_t prf, const uint8_t *ni, size_t nilen,
			  const uint8_t *nr, size_t nrlen,
			  const uint8_t *gir, size_t girlen,
			  const uint8_t spii[8], const uint8_t spir[8],
			  size_t integ_len, size_t enc_len,
			  struct ikev2_ike_keys *k);

/*
 * RFC 7296 2.18: the keys of the IKE SA a CREATE_CHILD_SA exchange makes
 * to replace another: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
 * with the old IKE SA's PRF, then prf+ with the new one's over the
 * exchange's nonces and the new SPIs (SPIi of whoever started the rekey).
 */
int ikev2_derive_rekeyed_ike_keys(uint16_t old_prf, const uint8_t *sk_d,
				  size_t sk_d_len, uint16_t prf,
				  const uint8_t *ni, size_t nilen,
				  const uint8_t *nr, size_t nrlen,
				  const uint8_t *gir, size_t girlen,
				  const uint8_t spii[8],
				  const uint8_t spir[8], size_t integ_len,
				  size_t enc_len, struct ikev2_ike_keys *k);

/* Wipe the keys of @k. */
void ikev2_ike_keys_wipe(struct ikev2_ike_keys *k);

/*
 * CHILD SA keys (RFC 7296 2.17): KEYMAT = prf+(SK_d, [g^ir (new, PFS)] |
 * Ni | Nr), taken in the order: encryption key for initiator->responder,
 * its integrity key, then encryption and integrity for
 * responder->initiator. enc_len includes the AEAD salt (RFC 4106/7634:
 * key then 4-byte salt), as kesp.ko wants it.
 */
struct ikev2_child_keys {
	uint8_t ei[64], ai[64], er[64], ar[64];
	size_t enc_len, integ_len;
};

/*
 * Fills @k; @gir_len is 0 without PFS. Intermediate secrets are wiped.
 * 0, -EINVAL for an unknown PRF or lengths beyond the struct, -ENOMEM,
 * -EIO; @k is wiped on failure.
 */
int ikev2_derive_child_keys(uint16_t prf, const uint8_t *sk_d,
			    size_t sk_d_len, const uint8_t *gir,
			    size_t gir_len, const uint8_t *ni, size_t ni_len,
			    const uint8_t *nr, size_t nr_len, size_t enc_len,
			    size_t integ_len, struct ikev2_child_keys *k);

/* Wipe the keys of @k. */
void ikev2_child_keys_wipe(struct ikev2_child_keys *k);

#endif /* KESP_IKEV2_KEYS_H */
