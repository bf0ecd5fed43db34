/* SPDX-License-Identifier: GPL-2.0 */
/* SA payload proposals (RFC 7296 2.7, 3.3): our offer, our pick from theirs, the check of it. */

#ifndef KESP_IKEV2_SELECT_H
#define KESP_IKEV2_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "../proposal.h"
#include "../crypto/chosen.h"


/*
 * Initiator's SA payload: one proposal per entry of @l in order, numbered
 * 1.., with @spi (ESP: our 4-byte inbound SPI; IKE: none in IKE_SA_INIT,
 * 8 bytes in a rekey). DH transforms: for IKE all groups of each proposal
 * with @first_dh moved first when present (the group whose KE we send);
 * for ESP only when @pfs is true (also with @first_dh first), else none;
 * with @pfs, NONE is a transform only if configured ("PFS optional").
 * ESN transforms as configured. Key Length attributes from
 * iked_prop_alg.key_bits. @sa is reset first. 0, -E2BIG (more than
 * IKEV2_MAX_PROPOSALS proposals or IKEV2_MAX_TRANSFORMS transforms),
 * -EINVAL (@l is for the other protocol, SPI size wrong for @proto).
 */
int ikev2_sa_from_props(struct ikev2_sa *sa, const struct iked_prop_list *l,
			uint8_t proto, const uint8_t *spi, uint8_t spi_len,
			uint16_t first_dh, bool pfs);

/*
 * Responder's choice among the peer's proposals. Our configured order
 * wins (strongSwan's default): for each of our proposals in order, for
 * each of the peer's proposals of @proto in order, the first pair where
 * every transform type we need has an algorithm in common; within a type
 * our most preferred algorithm the peer offers, key length included.
 * Peer transforms with unknown attributes are ignored (3.3.6); a peer
 * proposal with a transform type we do not know, or one that does not
 * belong to @proto (ESN in IKE, PRF in ESP), is skipped; an ESP proposal
 * needs ESN transforms (3.3.3).
 *
 * Key exchange: IKE needs a group in common. ESP: our proposal without
 * groups means "no PFS", i.e. only NONE; the peer's without KE transforms
 * offers only NONE; otherwise a group (or NONE) both sides list.
 * @ke_group is the KE payload's group (0 if none: CREATE_CHILD_SA without
 * PFS). It never changes which pair of proposals is chosen, only the
 * group within the chosen pair: if @ke_group (0 meaning NONE for ESP) is
 * among the groups both sides of that pair accept, it is picked,
 * otherwise our most preferred group the peer offers. So an acceptable
 * guess costs no round trip (1.2), and a guess never buys a proposal we
 * like less. out->dh != @ke_group is not an error here: the caller sends
 * INVALID_KE_PAYLOAD.
 *
 * Returns 0 and fills @out (with the peer's SPI from its proposal),
 * -ENOPROTOOPT when nothing matches (NO_PROPOSAL_CHOSEN), -EINVAL when
 * @ours is for another protocol.
 */
int ikev2_sa_select(const struct ikev2_sa *peer,
		    const struct iked_prop_list *ours, uint8_t proto,
		    uint16_t ke_group, struct iked_chosen *out);

/*
 * The CHILD SA of IKE_AUTH: as ikev2_sa_select() for ESP, but Key
 * Exchange transforms are ignored on both sides and out->dh is 0. RFC
 * 7296 1.2: IKE_AUTH carries no KE, so a conn whose esp= has groups (PFS
 * for rekeys) must still accept the first CHILD SA, and a peer that lists
 * groups there anyway (against the RFC) is treated as strongSwan does.
 */
int ikev2_sa_select_no_ke(const struct ikev2_sa *peer,
			  const struct iked_prop_list *ours,
			  struct iked_chosen *out);

/*
 * Responder's SA payload: exactly the chosen proposal, with its number
 * and @spi (our SPI). @sa is reset first. 0, -E2BIG, or -EINVAL (bad
 * protocol, number 0, SPI size wrong for the protocol, IKE without PRF or
 * group).
 */
int ikev2_sa_from_chosen(struct ikev2_sa *sa, const struct iked_chosen *c,
			 const uint8_t *spi, uint8_t spi_len);

/*
 * Initiator: the responder's SA payload must hold exactly one proposal,
 * whose number is one we sent, of @proto, with our SPI size, with exactly
 * one transform of each type that proposal needs, each among what we
 * offered in that proposal (key length included) and without unknown
 * attributes. For ESP, when we offered NONE among the groups, an answer
 * without a KE transform means NONE. Fills @out (with the responder's
 * SPI). -EBADMSG otherwise (2.7: the initiator must check).
 */
int ikev2_sa_check_reply(const struct ikev2_sa *reply,
			 const struct ikev2_sa *offered, uint8_t proto,
			 struct iked_chosen *out);

/*
 * Every proposal of an SA payload, each with its protocol as strongSwan
 * logs received proposals ("IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/
 * PRF_HMAC_SHA2_256/ECP_256/MODP_2048"), separated by ", ", for "no
 * proposal chosen" logs that show both sides. Truncated to @len.
 */
const char *ikev2_sa_format(const struct ikev2_sa *sa, char *buf, size_t len);

#endif /* KESP_IKEV2_SELECT_H */
