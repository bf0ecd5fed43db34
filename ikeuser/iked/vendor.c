// SPDX-License-Identifier: GPL-2.0
/* Which product a peer runs, from its Vendor ID payloads, so that advice can use its words. */

#include <string.h>

#include "vendor.h"

/* MD5("strongSwan"), what charon sends with send_vendor_id = yes. */
static const uint8_t strongswan_vid[16] = {
	0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
	0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb,
};

/*
 * Libreswan (send-vendorid=yes) sends "OE-Libreswan-4.10"; older
 * releases and Openswan 12 bytes, "OE" and ten printable characters of
 * a hash of their version.
 */
static int is_libreswan(const uint8_t *vid, size_t len)
{
	static const char self[] = "OE-Libreswan-";
	size_t i;

	if (len >= sizeof(self) - 1 && !memcmp(vid, self, sizeof(self) - 1))
		return 1;
	if (len != 12 || vid[0] != 'O' || vid[1] != 'E')
		return 0;
	for (i = 2; i < len; i++)
		if (vid[i] < 0x21 || vid[i] > 0x7e)
			return 0;
	return 1;
}

/* MD5 of the names (RFC 3947 3.1, the drafts' 3.1). */
static const uint8_t natt_vids[__IKED_NATT_VID_N][IKED_VID_LEN] = {
	[IKED_NATT_VID_DRAFT_02] = {	/* "draft-ietf-ipsec-nat-t-ike-02" */
		0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
		0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48,
	},
	[IKED_NATT_VID_DRAFT_02N] = {	/* "draft-ietf-ipsec-nat-t-ike-02\n" */
		0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
		0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f,
	},
	[IKED_NATT_VID_DRAFT_03] = {	/* "draft-ietf-ipsec-nat-t-ike-03" */
		0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
		0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56,
	},
	[IKED_NATT_VID_RFC3947] = {	/* "RFC 3947" */
		0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
		0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
	},
};

enum iked_natt_vid iked_vendor_natt(const uint8_t *vid, size_t len)
{
	int v;

	if (!vid || len != IKED_VID_LEN)
		return IKED_NATT_VID_NONE;
	for (v = IKED_NATT_VID_DRAFT_02; v < __IKED_NATT_VID_N; v++)
		if (!memcmp(vid, natt_vids[v], IKED_VID_LEN))
			return (enum iked_natt_vid)v;
	return IKED_NATT_VID_NONE;
}

const uint8_t *iked_vendor_natt_id(enum iked_natt_vid v)
{
	return v > IKED_NATT_VID_NONE && v < __IKED_NATT_VID_N ?
	       natt_vids[v] : NULL;
}

static const uint8_t v1_frag_vid[IKED_V1_FRAG_VID_LEN] = {
	0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85,
	0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3,
	0x80, 0x00, 0x00, 0x00,
};

bool iked_vendor_v1_frag(const uint8_t *vid, size_t len)
{
	return vid && (len == 16 || len == IKED_V1_FRAG_VID_LEN) &&
	       !memcmp(vid, v1_frag_vid, 16);
}

const uint8_t *iked_vendor_v1_frag_id(void)
{
	return v1_frag_vid;
}

enum iked_peer_product iked_vendor_product(const uint8_t *vid, size_t len)
{
	if (!vid)
		return IKED_PEER_UNKNOWN;
	if (len == sizeof(strongswan_vid) &&
	    !memcmp(vid, strongswan_vid, sizeof(strongswan_vid)))
		return IKED_PEER_STRONGSWAN;
	if (is_libreswan(vid, len))
		return IKED_PEER_LIBRESWAN;
	return IKED_PEER_UNKNOWN;
}

const char *iked_peer_product_name(enum iked_peer_product p)
{
	switch (p) {
	case IKED_PEER_LIBRESWAN:
		return "Libreswan";
	case IKED_PEER_STRONGSWAN:
		return "strongSwan";
	default:
		return NULL;
	}
}
