/* SPDX-License-Identifier: GPL-2.0 */
/* The negotiated pseudorandom functions (HMAC) by their IANA IDs, for either IKE version's key schedule and AUTH. */

#ifndef KESP_IKED_CRYPTO_PRF_H
#define KESP_IKED_CRYPTO_PRF_H

#include <stddef.h>
#include <stdint.h>

/* The longest PRF output (HMAC-SHA2-512). */
#define IKED_PRF_MAX 64

/* Output length of PRF @prf (IKEv2 transform type 2 ID), 0 if unknown. */
size_t iked_prf_len(uint16_t prf);

/* prf(@key, @data) into @out (iked_prf_len(@prf) bytes); -EINVAL if unknown. */
int iked_prf(uint16_t prf, const uint8_t *key, size_t klen,
	     const uint8_t *data, size_t dlen, uint8_t *out);

#endif /* KESP_IKED_CRYPTO_PRF_H */
