/* SPDX-License-Identifier: GPL-2.0 */
/* Which product a peer runs, from its Vendor ID payloads, so that advice can use its words. */

#ifndef KESP_IKED_VENDOR_H
#define KESP_IKED_VENDOR_H

#include <stddef.h>
#include <stdint.h>

enum iked_peer_product {
	IKED_PEER_UNKNOWN,
	IKED_PEER_LIBRESWAN,	/* also Openswan: the same "OE" IDs, the same words */
	IKED_PEER_STRONGSWAN,
};

/*
 * The product one Vendor ID names, IKED_PEER_UNKNOWN for any other
 * (DPD, NAT-T, XAUTH, fragmentation IDs say nothing about the product).
 * @vid is the payload's body, untrusted, of @len bytes.
 */
enum iked_peer_product iked_vendor_product(const uint8_t *vid, size_t len);

/* "Libreswan", "strongSwan", or NULL for IKED_PEER_UNKNOWN. */
const char *iked_peer_product_name(enum iked_peer_product p);

#endif /* KESP_IKED_VENDOR_H */
