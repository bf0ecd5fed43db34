/* SPDX-License-Identifier: GPL-2.0 */
/* What an IKE SA's peer asked for in CERTREQ or CR payloads: taken from its messages, logged, and said when our chain cannot satisfy it. */

#ifndef KESP_IKED_CRYPTO_PEER_CAS_H
#define KESP_IKED_CRYPTO_PEER_CAS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "creds.h"

/*
 * The CAs the CERTREQ (IKEv2) or CR (@ikev1) bodies @bodies[@n] of one
 * message of @sa's peer name, in place of what an earlier message
 * named, into sa->peer_cas; nothing when @n is 0. Logged per peer
 * address, rate-limited (nothing is authenticated yet): each body
 * refused as malformed (warning, counted in d->certreq_refused), each
 * of an encoding we do not send (a note), and the CAs asked for.
 */
void iked_peer_cas_take(struct ike_sa *sa, const struct iked_auth_blob *bodies,
			size_t n, bool ikev1);
/* Frees sa->peer_cas. */
void iked_peer_cas_free(struct ike_sa *sa);
/*
 * The CAs to send after our certificate @ours to @sa's peer (at most
 * @max into @out, their count), up to one it asked for; when it asked
 * for CAs and none is in our chain, a warning that says so.
 */
size_t iked_peer_cas_chain(struct ike_sa *sa, const struct iked_cred_cert *ours,
			   const struct iked_cred_cert **out, size_t max);

#endif /* KESP_IKED_CRYPTO_PEER_CAS_H */
