// SPDX-License-Identifier: GPL-2.0
/* The Vendor IDs of phase 1's first message of each side (MM1/MM2, AM1/AM2): those kesp-iked sends, the extensions it speaks; and what the peer's say, logged in words. */

#include <errno.h>
#include <stdio.h>

#include "v1.h"
#include "../vendor.h"
#include "../vendor_names.h"

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

void v1_vids_note(struct ike_sa *sa, const struct ikev1_chain *c)
{
	char line[512] = "";
	unsigned int i, n = 0;

	for (i = 0; i < c->n; i++) {
		const struct ikev1_pl *pl = &c->pl[i];

		if (pl->type != IKEV1_PL_VID)
			continue;
		iked_vendor_describe(line, sizeof(line), pl->body, pl->len,
				     !n++);
		if (!sa->product)
			sa->product = iked_vendor_product(pl->body, pl->len);
	}
	if (n)
		ike_sa_log(sa, IKED_LOG_INFO, "the peer's Vendor IDs: %s",
			   line);
}
