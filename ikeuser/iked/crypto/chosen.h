/* SPDX-License-Identifier: GPL-2.0 */
/* The algorithms a negotiation settled on, in the neutral form both IKE versions map to (IKEv2's transform IDs, as proposal.h). */

#ifndef KESP_IKED_CRYPTO_CHOSEN_H
#define KESP_IKED_CRYPTO_CHOSEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proposal.h"

/* What a negotiation settled on: one algorithm per transform type. */
struct iked_chosen {
	uint8_t proto;		/* enum iked_prop_proto */
	uint8_t num;		/* Proposal Num of the accepted proposal */
	uint8_t spi_len;	/* the proposal's SPI: IKE 0 or 8, ESP 4 */
	uint8_t spi[8];
	/* key_bits 0 when the transform has no Key Length attribute */
	uint16_t encr, encr_key_bits;
	uint16_t integ;		/* 0 for AEAD / none */
	uint16_t prf;		/* IKE only */
	uint16_t dh;		/* IKE: the group; ESP: 0 without PFS */
	uint16_t esn;		/* ESP: IKED_PROP_ESN_NO/YES */
	/*
	 * Bit (1 << type) for each of IKED_PROP_INTEG and IKED_PROP_DH whose
	 * accepted transform is an explicit NONE (ID 0) rather than absent:
	 * the peer's proposal had that type with NONE among it (an AEAD
	 * proposal with integrity NONE, optional PFS), and RFC 7296 2.7
	 * wants one transform of every type proposed in the answer.
	 * the IKEv2 SA payload builder writes them; 0 omits both.
	 */
	uint8_t none_types;
};

/*
 * strongSwan-style text of a chosen set,
 * "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048" (ESP:
 * ".../NO_EXT_SEQ" or "EXT_SEQ", the group only with PFS). Truncated to
 * @len.
 */
const char *iked_chosen_format(const struct iked_chosen *c, char *buf,
			       size_t len);
/*
 * Append to @buf (@used of @len taken) transform @id of @type (enum
 * iked_prop_type, or a newer type's number) by its strongSwan name,
 * after a "/" unless it is the first (*@first is then cleared); an
 * unknown ID shows as its type's label and number.
 */
void iked_alg_add(char *buf, size_t len, size_t *used, bool *first,
		  uint8_t type, uint16_t id, uint16_t key_bits);

#endif /* KESP_IKED_CRYPTO_CHOSEN_H */
