/* SPDX-License-Identifier: GPL-2.0 */
/* What a peer's Vendor IDs say, in words for a log line: the extensions and the products kesp-iked knows, the others in hex. */

#ifndef KESP_IKED_VENDOR_NAMES_H
#define KESP_IKED_VENDOR_NAMES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The name of the Vendor ID @vid (@len bytes, untrusted): "Cisco Unity",
 * "XAUTH", "DPD (RFC 3706)", "NAT-T (RFC 3947)", "strongSwan" ...; NULL
 * for one kesp-iked does not know.
 */
const char *iked_vendor_name(const uint8_t *vid, size_t len);

/*
 * Append to @buf (@cap bytes, NUL-terminated, cut to fit) one Vendor ID
 * as iked_vendor_name() says it, or, unknown, as "unknown " and at most
 * its first 16 bytes in hex ("..." after when longer): never the peer's
 * bytes as they are. @first: no ", " before it.
 */
void iked_vendor_describe(char *buf, size_t cap, const uint8_t *vid,
			  size_t len, int first);

#endif /* KESP_IKED_VENDOR_NAMES_H */
