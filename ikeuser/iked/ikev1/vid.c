// SPDX-License-Identifier: GPL-2.0
/* The Vendor IDs kesp-iked sends in the first message of each side of phase 1 (MM1/MM2, AM1/AM2): the extensions it speaks. */

#include <errno.h>

#include "v1.h"

/*
 * RFC 3706 3.2: "afcad71368a1f1c96b8696fc7757" with major 1, minor 0.
 * Without it Libreswan and strongSwan never send R-U-THERE to us, so
 * their dpdaction= would never clear a tunnel whose peer is gone.
 */
static const uint8_t dpd_vid[16] = {
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

const uint8_t *v1_dpd_vid(void)
{
	return dpd_vid;
}

int v1_add_vids(struct ike_sa *sa, struct ikev1_chain *c)
{
	if (!ikev1_chain_add_raw(c, IKEV1_PL_VID, dpd_vid, sizeof(dpd_vid)))
		return -E2BIG;
	return v1_frag_add_vid(sa, c);
}
