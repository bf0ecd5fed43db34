/* SPDX-License-Identifier: GPL-2.0 */
/* IKE fragmentation that both versions share (RFC 7383 for IKEv2, the Cisco extension for IKEv1): the conn's setting, the size of one fragment, the bound on a reassembled message. */

#ifndef KESP_IKED_SA_FRAG_H
#define KESP_IKED_SA_FRAG_H

#include <stddef.h>

#include "../conf/conf.h"

/*
 * The most bytes the fragments of one message may put back together:
 * what the daemon's 64 KiB message buffers hold, with room to spare.
 */
#define IKED_FRAG_BYTES_MAX	65000
/*
 * A reassembly left unfinished this long is the peer's abandoned
 * message: started over when a fragment comes (the peer retransmits
 * every fragment within its own retransmission timeout).
 */
#define IKED_FRAG_STALE_MS	30000

struct ike_sa;

/* @sa's conn's fragmentation= (yes when it has no conn yet). */
enum iked_conf_frag iked_frag_conf(const struct ike_sa *sa);

/*
 * The largest IKE message (ISAKMP header included) one datagram of @sa
 * may carry: --fragment-size, strongSwan's count of a whole IP
 * datagram, less the IP header (no options or extension headers), UDP
 * and the non-ESP marker on the NAT-T port.
 */
size_t iked_frag_msg_max(const struct ike_sa *sa);

/*
 * Why @sa's conn never sends fragments ("fragmentation=no here"), or
 * NULL when it may: the first half of the versions' reasons below.
 */
const char *iked_frag_conf_why(const struct ike_sa *sa);

/*
 * Note what the request just sealed for @sa was: @msg_len bytes of IKE
 * message sent whole, because of @why (NULL: as fragments, or whole
 * because it fits). A whole one over the fragment size is remembered
 * (sa->req_whole_why) for the line that gives the request up.
 */
void iked_frag_note_request(struct ike_sa *sa, size_t msg_len,
			    const char *why);

#endif /* KESP_IKED_SA_FRAG_H */
