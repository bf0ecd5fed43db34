/* SPDX-License-Identifier: GPL-2.0 */
/* The answer an IKEv1 peer understands when a conn speaks IKEv2 only: an unencrypted IKEv1 INFORMATIONAL. */

#ifndef KESP_IKED_IKEV1_REJECT_H
#define KESP_IKED_IKEV1_REJECT_H

#include <stddef.h>
#include <stdint.h>

#include "vendor.h"

/* IKEv1 notify message types (RFC 2408 3.14.1). */
#define IKEV1_N_INVALID_MAJOR_VERSION	5
#define IKEV1_N_NO_PROPOSAL_CHOSEN	14

/* An ISAKMP header and a Notification payload without SPI. */
#define IKEV1_REJECT_LEN	(28 + 12)

/*
 * Into @out (@cap bytes) the answer to the IKEv1 datagram @req (@len
 * bytes, untrusted): what strongSwan sends with IKEv1 disabled, an
 * INFORMATIONAL exchange (5) with the request's cookies, message ID 0,
 * no flags (unencrypted), one Notification (DOI 1, protocol ISAKMP, no
 * SPI) of type @notify. Only a request that opens an exchange is
 * answered (Main or Aggressive Mode, responder cookie zero): an
 * INFORMATIONAL never, so that two such ends cannot answer each other
 * forever. Returns the length, or 0 for "do not answer".
 */
size_t ikev1_reject_build(const uint8_t *req, size_t len, uint16_t notify,
			  uint8_t *out, size_t cap);

/* The product the Vendor IDs of the IKEv1 message @req name, if any. */
enum iked_peer_product ikev1_vendor_product(const uint8_t *req, size_t len);

#endif /* KESP_IKED_IKEV1_REJECT_H */
