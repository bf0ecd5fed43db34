// SPDX-License-Identifier: GPL-2.0
/*
 * Crossing rekeys: both ends rekey one CHILD SA at once, each with a
 * Quick Mode of its own for the same proxy IDs. Both Quick Modes
 * complete and both new pairs go in (the old pair carries the traffic
 * meanwhile); the one made by the Quick Mode with the lower initiator
 * nonce (Ni) is redundant and deleted by its initiator, which leaves the
 * old pair to the winner's initiator to delete, once.
 *
 * Why this rule: IKEv1 has no rekey notion on the wire, so the ends must
 * agree by what both see. Each end has both Ni once the peer's QM1 is
 * in, before either QM2 (the four nonces that RFC 7296 2.8.1 compares
 * for IKEv2 would need both QM2s), and both compare the same two byte
 * strings the same way. strongSwan's IKEv1 (quick_mode.c) detects no
 * collision at all: it keeps both pairs and lets the redundant one
 * expire; Libreswan keeps the newest. Deleting the redundant pair at
 * once leaves each end with one pair, as the IKEv2 side of kesp does.
 */

#include <string.h>

#include "v1.h"
#include "../sa/child_sa.h"

/* <0, 0, >0 as nonce @a is lower than, equal to, higher than @b. */
static int nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		     size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c || alen == blen)
		return c;
	return alen < blen ? -1 : 1;
}

void v1_qm_cross(struct ike_sa *sa, struct v1_qm *ours,
		 const struct v1_qm *theirs, const struct child_sa *old)
{
	if (ours->st != V1_QM_WAIT_MSG2 || !ours->initiator ||
	    ours->rekey_spi != old->spi_in)
		return;
	ours->cross_lost = nonce_cmp(ours->ni, ours->ni_len, theirs->ni,
				     theirs->ni_len) < 0;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA rekey collision: the peer's Quick Mode %08x rekeys CHILD SA #%u too, as our %08x does; %s has the lower nonce, its pair is deleted by %s",
		   theirs->msg_id, old->no, ours->msg_id,
		   ours->cross_lost ? "ours" : "the peer's",
		   ours->cross_lost ? "us" : "the peer");
}

void v1_qm_cross_lost(struct ike_sa *sa, uint32_t old_spi,
		      struct child_sa *n)
{
	struct child_sa *old = child_find_in(sa, old_spi);

	if (old) {
		/* The peer's Quick Mode replaced it; the peer deletes it. */
		old->rekeying = false;
		old->rekey_due = false;
		old->replaced = true;
	}
	/*
	 * The redundant pair goes once it could send (as an old one does
	 * after a rekey): until the peer has our QM3 it may take traffic.
	 */
	child_retire(n, iked_now() + IKED_DEFER_OUT_MS);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA #%u (our rekey of #%u) lost the rekey collision: it is deleted, the peer's pair replaces #%u",
		   n->no, old ? old->no : 0, old ? old->no : 0);
}
