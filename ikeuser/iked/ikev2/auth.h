/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv2 pre-shared key authentication: the AUTH payload's data (RFC 7296 2.15). */

#ifndef KESP_IKEV2_AUTH_H
#define KESP_IKEV2_AUTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 7296 2.15: the octets AUTH covers, @msg | @nonce | prf(@sk_p,
 * @id_type | 3 zero bytes | @id), into *@octets (allocated, *@len
 * bytes; give them back with ikev2_auth_octets_free(), which wipes
 * them). 0, -EINVAL (unknown PRF), -ENOMEM or -EIO.
 */
int ikev2_auth_octets(uint16_t prf, const uint8_t *msg, size_t msg_len,
		      const uint8_t *nonce, size_t nonce_len,
		      const uint8_t *sk_p, size_t sk_p_len, uint8_t id_type,
		      const uint8_t *id, size_t id_len, uint8_t **octets,
		      size_t *len);
void ikev2_auth_octets_free(uint8_t *octets, size_t len);

/*
 * AUTH = prf(prf(psk, "Key Pad for IKEv2"), RealMessage | peer's Nonce |
 * prf(SK_p, IDType | 3 zero bytes | IDdata)). @msg is the whole
 * IKE_SA_INIT message this side sent (initiator: its request; responder:
 * its response), @nonce the OTHER side's nonce, @sk_p this side's SK_pi
 * (initiator) or SK_pr (responder), @id_type / @id this side's ID payload
 * body fields. Writes iked_prf_len(@prf) bytes (at most IKED_PRF_MAX)
 * to @out and that length to *@outlen. 0, -EINVAL (unknown PRF, empty
 * PSK), -ENOMEM or -EIO. Intermediate values are wiped.
 */
int ikev2_auth_psk(uint16_t prf, const uint8_t *psk, size_t psk_len,
		   const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		   size_t nonce_len, const uint8_t *sk_p, size_t sk_p_len,
		   uint8_t id_type, const uint8_t *id, size_t id_len,
		   uint8_t *out, size_t *outlen);

/*
 * The same computed for the peer (its message, our nonce, its SK_p and
 * ID) and compared with the @auth it sent, in constant time: 0, -EACCES
 * when it differs (or its length does), other negative errnos as above.
 */
int ikev2_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psk_len,
			  const uint8_t *msg, size_t msg_len,
			  const uint8_t *nonce, size_t nonce_len,
			  const uint8_t *sk_p, size_t sk_p_len,
			  uint8_t id_type, const uint8_t *id, size_t id_len,
			  const uint8_t *auth, size_t auth_len);

#endif /* KESP_IKEV2_AUTH_H */
