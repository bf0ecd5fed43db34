// SPDX-License-Identifier: GPL-2.0
/* The answer an IKEv1 peer understands when a conn speaks IKEv2 only: an unencrypted IKEv1 INFORMATIONAL. */

#include <string.h>

#include "ikev1_reject.h"

#define HDR_LEN		28
#define EXCH_MAIN	2	/* Identity Protection */
#define EXCH_AGGRESSIVE	4
#define EXCH_INFO	5
#define PL_NOTIFY	11
#define PL_VID		13
#define DOI_IPSEC	1
#define PROTO_ISAKMP	1
#define F_ENCRYPTED	0x01

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

size_t ikev1_reject_build(const uint8_t *req, size_t len, uint16_t notify,
			  uint8_t *out, size_t cap)
{
	static const uint8_t zero[8];
	uint8_t *n = out + HDR_LEN;

	if (len < HDR_LEN || cap < IKEV1_REJECT_LEN || req[17] >> 4 != 1 ||
	    (req[18] != EXCH_MAIN && req[18] != EXCH_AGGRESSIVE) ||
	    (req[19] & F_ENCRYPTED) || memcmp(req + 8, zero, 8) ||
	    get32(req + 24) != len)
		return 0;
	memset(out, 0, IKEV1_REJECT_LEN);
	memcpy(out, req, 16);			/* both cookies */
	out[16] = PL_NOTIFY;
	out[17] = 0x10;				/* version 1.0 */
	out[18] = EXCH_INFO;
	put32(out + 24, IKEV1_REJECT_LEN);
	/* Notification: next 0, length, DOI, protocol, SPI size 0, type. */
	put16(n + 2, 12);
	put32(n + 4, DOI_IPSEC);
	n[8] = PROTO_ISAKMP;
	put16(n + 10, notify);
	return IKEV1_REJECT_LEN;
}

enum iked_peer_product ikev1_vendor_product(const uint8_t *req, size_t len)
{
	enum iked_peer_product p = IKED_PEER_UNKNOWN;
	size_t off = HDR_LEN;
	uint8_t next;

	if (len < HDR_LEN || (req[19] & F_ENCRYPTED))
		return p;
	next = req[16];
	/* Generic payload headers: next type, reserved, length. */
	while (next && off + 4 <= len && p == IKED_PEER_UNKNOWN) {
		size_t plen = (size_t)req[off + 2] << 8 | req[off + 3];

		if (plen < 4 || plen > len - off)
			break;
		if (next == PL_VID)
			p = iked_vendor_product(req + off + 4, plen - 4);
		next = req[off];
		off += plen;
	}
	return p;
}
