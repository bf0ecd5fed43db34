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
