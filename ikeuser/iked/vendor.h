/* SPDX-License-Identifier: GPL-2.0 */
/* Which product a peer runs, from its Vendor ID payloads, so that advice can use its words. */

#ifndef KESP_IKED_VENDOR_H
#define KESP_IKED_VENDOR_H

#include <stdbool.h>
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

/*
 * IKEv1 NAT traversal as a Vendor ID announces it (RFC 3947 3.1): the
 * RFC, or the drafts older gear still sends (NAT-D payload 130, UDP
 * encapsulation modes 61443/61444), ordered from worst to best.
 */
enum iked_natt_vid {
	IKED_NATT_VID_NONE = 0,
	IKED_NATT_VID_DRAFT_02,		/* "draft-ietf-ipsec-nat-t-ike-02" */
	IKED_NATT_VID_DRAFT_02N,	/* the same with a newline */
	IKED_NATT_VID_DRAFT_03,
	IKED_NATT_VID_RFC3947,
	__IKED_NATT_VID_N,
};

#define IKED_VID_LEN	16

/* The NAT-T method one Vendor ID names (@vid untrusted, @len bytes). */
enum iked_natt_vid iked_vendor_natt(const uint8_t *vid, size_t len);
/* The 16 bytes of NAT-T Vendor ID @v (not NONE), as sent. */
const uint8_t *iked_vendor_natt_id(enum iked_natt_vid v);

/*
 * IKEv1 fragmentation's Vendor ID, "FRAGMENTATION" in strongSwan's and
 * Libreswan's tables: 16 bytes of Cisco's and 4 of capabilities
 * (0x80000000), as those two and Cisco send it.
 */
#define IKED_V1_FRAG_VID_LEN	20
/*
 * Whether a Vendor ID (@vid untrusted, @len bytes) announces it: the 16
 * bytes, with any capabilities after them or none (Windows sends none).
 */
bool iked_vendor_v1_frag(const uint8_t *vid, size_t len);
/* The IKED_V1_FRAG_VID_LEN bytes we send. */
const uint8_t *iked_vendor_v1_frag_id(void);

/* "Libreswan", "strongSwan", or NULL for IKED_PEER_UNKNOWN. */
const char *iked_peer_product_name(enum iked_peer_product p);

#endif /* KESP_IKED_VENDOR_H */
