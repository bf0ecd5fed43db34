/* SPDX-License-Identifier: GPL-2.0 */
/* What fixes a mismatch: on our side in ipsec.conf words, on the peer's in its product's own words. */

#ifndef KESP_IKED_ADVICE_H
#define KESP_IKED_ADVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "vendor.h"

/*
 * The end of a "PFS mismatch" line, malloc'd (NULL: no memory): "fix:
 * ..." for us and the peer. @peer_wants_pfs: the peer insists on a key
 * exchange (in @group, 0 if not known) and our esp= allows none; else
 * the peer refuses one and our esp= insists on @group. An unknown
 * product gets the words of both Libreswan and strongSwan.
 */
char *iked_advice_pfs(enum iked_peer_product p, bool peer_wants_pfs,
		      uint16_t group);

/*
 * The end of an "IKE version mismatch" line for a peer that sent IKEv1
 * to an IKEv2-only conn, malloc'd (NULL: no memory).
 */
char *iked_advice_ikev1(enum iked_peer_product p);

#endif /* KESP_IKED_ADVICE_H */
