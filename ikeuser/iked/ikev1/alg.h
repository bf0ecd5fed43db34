/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv1's algorithm numbers (RFC 2409 appendix A, RFC 2407 4.4.4 and 4.5) and the neutral IKEv2 ones the config and kesp.ko use. */

#ifndef KESP_IKEV1_ALG_H
#define KESP_IKEV1_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct v1_p1alg;

/*
 * The phase 1 transform of IKEv2 encryption @encr (@key_bits), integrity
 * @integ and group @dh: 0, or -EOPNOTSUPP when IKEv1 cannot carry it.
 */
int v1_alg_p1(uint16_t encr, uint16_t key_bits, uint16_t integ, uint16_t dh,
	      struct v1_p1alg *a);
/* "aes128-sha256-modp2048" (", other auth method" unless @same_auth). */
const char *v1_alg_p1_format(const struct v1_p1alg *a, bool same_auth, char *buf,
			     size_t len);
uint16_t v1_alg_encr_v2(uint8_t encr);
uint16_t v1_alg_hash_integ(uint8_t hash);
uint16_t v1_alg_hash_prf(uint8_t hash);
/* ESP Authentication Algorithm (RFC 2407 4.5) of IKEv2 integrity @integ; 0 none. */
uint16_t v1_alg_esp_auth(uint16_t integ);
/* And back: 0 when unknown (and for none). */
uint16_t v1_alg_esp_integ(uint16_t auth);
/* The ESP transform ID of IKEv2 encryption @encr (the same numbers), 0 when IKEv1 has none. */
uint8_t v1_alg_esp_id(uint16_t encr);

#endif /* KESP_IKEV1_ALG_H */
