/* SPDX-License-Identifier: GPL-2.0 */
/* NAT detection payloads of IKE_SA_INIT (RFC 7296 2.23). */

#ifndef KESP_IKEV2_NATD_H
#define KESP_IKEV2_NATD_H

#include <stdint.h>

#include "../sa/natt.h"

struct ikev2_chain;

/*
 * SHA-1(SPIi | SPIr | address | port) into @out, as NAT_DETECTION_*_IP
 * carry it (port in network order). 0 or -EIO.
 */
int natt_hash(const uint8_t spi_i[8], const uint8_t spi_r[8],
	      const struct kesp_addr *a, uint16_t port,
	      uint8_t out[IKED_NATD_LEN]);

/*
 * Add NAT_DETECTION_SOURCE_IP and _DESTINATION_IP to IKE_SA_INIT @c with
 * the SPIs of its header (none with encapsulation=no).
 */
int natt_add_natd(struct ike_sa *sa, struct ikev2_chain *c,
		  const uint8_t spi_i[8], const uint8_t spi_r[8]);

/*
 * The peer's IKE_SA_INIT @c (SPIs of its header) against the path it
 * came by: who is behind NAT, whether NAT-T is used, and the diagnosis
 * when one end uses it and the other cannot.
 */
void natt_check(struct ike_sa *sa, const struct ikev2_chain *c,
		const uint8_t spi_i[8], const uint8_t spi_r[8]);

#endif /* KESP_IKEV2_NATD_H */
