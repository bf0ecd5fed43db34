// SPDX-License-Identifier: GPL-2.0
/*
 * Names for a peer's Vendor IDs (vendor_names.c): each known one by its
 * bytes (those with a version after a prefix too), the NAT-T, DPD and
 * fragmentation ones, the products; an unknown one as hex, cut after 16
 * bytes, never as the peer's bytes; a line of several cut to fit.
 */

#include <string.h>
#include "kselftest_harness.h"
#include "iked/vendor_names.h"

static const uint8_t unity[16] = {
	0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
	0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00,
};

TEST(known_ones_by_name)
{
	static const uint8_t xauth[8] = {
		0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12,
	};
	static const uint8_t vpn3k[16] = {
		0x1f, 0x07, 0xf7, 0x0e, 0xaa, 0x65, 0x14, 0xd3,
		0xb0, 0xfa, 0x96, 0x54, 0x2a, 0x50, 0x04, 0x07,
	};
	static const uint8_t rfc3947[16] = {
		0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
		0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
	};
	static const uint8_t dpd[16] = {
		0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
		0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
	};
	static const uint8_t frag[20] = {
		0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85,
		0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3,
		0x80, 0x00, 0x00, 0x00,
	};
	static const uint8_t windows[20] = {
		0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d,
		0x7c, 0x96, 0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61,
		0x00, 0x00, 0x00, 0x09,
	};

	EXPECT_STREQ("Cisco Unity", iked_vendor_name(unity, 16));
	EXPECT_STREQ("XAUTH", iked_vendor_name(xauth, 8));
	EXPECT_STREQ("Cisco VPN 3000", iked_vendor_name(vpn3k, 16));
	EXPECT_STREQ("NAT-T (RFC 3947)", iked_vendor_name(rfc3947, 16));
	EXPECT_STREQ("DPD (RFC 3706)", iked_vendor_name(dpd, 16));
	EXPECT_STREQ("FRAGMENTATION", iked_vendor_name(frag, 20));
	EXPECT_STREQ("Microsoft Windows", iked_vendor_name(windows, 20));
	EXPECT_STREQ("Libreswan",
		     iked_vendor_name((const uint8_t *)"OE-Libreswan-4.10",
				      17));
}

TEST(a_prefix_alone_or_a_longer_exact_one_is_not_it)
{
	uint8_t longer[17];

	memcpy(longer, unity, 16);
	longer[16] = 0;
	/* Cisco Unity is exactly 16 bytes; 14 of VPN 3000's are not it. */
	EXPECT_EQ(NULL, iked_vendor_name(longer, 17));
	EXPECT_EQ(NULL, iked_vendor_name(unity, 8));
	EXPECT_EQ(NULL, iked_vendor_name(unity, 0));
	EXPECT_EQ(NULL, iked_vendor_name(NULL, 16));
}

TEST(unknown_ones_in_hex_cut_after_16_bytes)
{
	const uint8_t odd[20] = { 'O', 'K', '\n', 0x1b, '[', '2', 'J' };
	char line[128] = "";

	iked_vendor_describe(line, sizeof(line), unity, 16, 1);
	iked_vendor_describe(line, sizeof(line), odd, 4, 0);
	iked_vendor_describe(line, sizeof(line), odd, 20, 0);
	EXPECT_STREQ("Cisco Unity, unknown 4f4b0a1b, unknown 4f4b0a1b5b324a000000000000000000...",
		     line);
}

TEST(a_full_line_is_cut_not_overrun)
{
	char line[24];
	int i;

	memset(line, 0, sizeof(line));
	for (i = 0; i < 10; i++)
		iked_vendor_describe(line, sizeof(line), unity, 16, !i);
	EXPECT_EQ(sizeof(line) - 1, strlen(line));
	EXPECT_EQ(0, strncmp(line, "Cisco Unity, Cisco Unit", 23));
}

TEST_HARNESS_MAIN
