// SPDX-License-Identifier: GPL-2.0
/* Names for the Vendor IDs peers send (RFC 2408 3.16): the NAT-T, DPD and fragmentation extensions, XAUTH, and what Cisco, Microsoft, racoon, strongSwan and Libreswan say they are; an operator reading "Cisco VPN 3000" knows whose manual to open. */

#include <stdio.h>
#include <string.h>

#include "vendor.h"
#include "vendor_names.h"

/* A Vendor ID that starts with @prefix (its version bytes may follow). */
struct vid_name {
	const char *name;
	uint8_t prefix[16];
	uint8_t len;		/* of the prefix */
	uint8_t exact;		/* the Vendor ID is the prefix alone */
};

static const struct vid_name names[] = {
	/* RFC 3706 3.2: "afcad71368a1f1c96b8696fc7757", version 1.0. */
	{ "DPD (RFC 3706)", { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
			      0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 },
	  16, 1 },
	/* MD5("CISCO-UNITY") with its last two bytes the version, 1.0. */
	{ "Cisco Unity", { 0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
			   0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 },
	  16, 1 },
	/* The XAUTH draft's 8 bytes: the peer can do extended auth. */
	{ "XAUTH", { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 }, 8, 1 },
	/* 14 bytes and the software version in the last two. */
	{ "Cisco VPN 3000", { 0x1f, 0x07, 0xf7, 0x0e, 0xaa, 0x65, 0x14, 0xd3,
			      0xb0, 0xfa, 0x96, 0x54, 0x2a, 0x50 }, 14, 0 },
	/* MD5("MS NT5 ISAKMPOAKLEY"), then 4 bytes of Windows version. */
	{ "Microsoft Windows", { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c,
				 0x7d, 0x7c, 0x96, 0xfc, 0xbf, 0xb5, 0x87,
				 0xe4, 0x61 }, 16, 0 },
	/* MD5("KAME/racoon"): ipsec-tools, many embedded gateways. */
	{ "racoon (ipsec-tools)", { 0x70, 0x03, 0xcb, 0xc1, 0x09, 0x7d, 0xbe,
				    0x9c, 0x26, 0x00, 0xba, 0x69, 0x83, 0xbc,
				    0x8b, 0x35 }, 16, 1 },
};

static const char *natt_name(enum iked_natt_vid v)
{
	switch (v) {
	case IKED_NATT_VID_RFC3947:
		return "NAT-T (RFC 3947)";
	case IKED_NATT_VID_DRAFT_03:
		return "NAT-T (draft 03)";
	case IKED_NATT_VID_DRAFT_02:
	case IKED_NATT_VID_DRAFT_02N:
		return "NAT-T (draft 02)";
	default:
		return NULL;
	}
}

const char *iked_vendor_name(const uint8_t *vid, size_t len)
{
	const char *n;
	size_t i;

	if (!vid || !len)
		return NULL;
	n = natt_name(iked_vendor_natt(vid, len));
	if (n)
		return n;
	if (iked_vendor_v1_frag(vid, len))
		return "FRAGMENTATION";
	n = iked_peer_product_name(iked_vendor_product(vid, len));
	if (n)
		return n;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((names[i].exact ? len == names[i].len :
				      len >= names[i].len) &&
		    !memcmp(vid, names[i].prefix, names[i].len))
			return names[i].name;
	return NULL;
}

void iked_vendor_describe(char *buf, size_t cap, const uint8_t *vid,
			  size_t len, int first)
{
	size_t at = strnlen(buf, cap), i;
	const char *n = iked_vendor_name(vid, len);
	int w;

	if (at + 1 >= cap)
		return;
	w = snprintf(buf + at, cap - at, "%s%s", first ? "" : ", ",
		     n ? n : "unknown ");
	if (n || w < 0 || (size_t)w >= cap - at)
		return;
	at += (size_t)w;
	for (i = 0; i < len && i < 16 && at + 3 < cap; i++, at += 2)
		snprintf(buf + at, cap - at, "%02x", vid[i]);
	if (len > 16 && at + 4 < cap)
		snprintf(buf + at, cap - at, "...");
}
