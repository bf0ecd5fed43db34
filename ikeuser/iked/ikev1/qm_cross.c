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
 * expire; Libreswan keeps the newest.
 *
 * When the redundant pair goes: it stops sending at once (as an old pair
 * does after a rekey), but its Delete waits until a newer pair of its
 * selectors is in, or its hard lifetime nears (linger_for_newer). For
 * Libreswan the conn's newest pair is the one whose Quick Mode completed
 * last, nonces aside, and when a Delete for its newest comes, pluto 4.10
 * ("replace IPsec State #N now") takes the conn's IN and FWD policies
 * out until the Quick Mode that replaces it completes: what we send on
 * the winning pair meanwhile is dropped (XfrmInNoPols; pings lost in the
 * pluto rekey test). Which of the two pairs pluto counts as its newest
 * only pluto knows; a newer pair is newer for both. The peer's losing
 * pair is not ours to rekey or to bring back (replaced).
 *
 * The peer's QM1 may also reach us only after our Quick Mode finished
 * (lost once and sent again, or late on its way), while the peer saw a
 * true crossing and decided by the two nonces: so we keep our Ni of a
 * rekey a while (v1_qm_cross_note) and decide the same way. How long:
 * while the old pair is not yet deleted by us (IKED_DEFER_OUT_MS after
 * our QM3), and at most V1_LATE_MS or half the new pair's soft
 * lifetime. A rekey the peer starts later, of the pair we made, comes
 * at its soft lifetime (or when its operator asks), mostly after our
 * Delete of the old pair told it our rekey is done, and replaces the
 * pair as always: the wire carries nothing else that tells the two
 * apart.
 */

#include <string.h>
#include <openssl/crypto.h>

#include "v1.h"
#include "../sa/child_sa.h"
#include "../sa/ts.h"

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
	ours->crossed = true;
	ours->cross_lost = nonce_cmp(ours->ni, ours->ni_len, theirs->ni,
				     theirs->ni_len) < 0;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA rekey collision: the peer's Quick Mode %08x rekeys CHILD SA #%u too, as our %08x does; %s has the lower nonce, its pair is deleted by %s",
		   theirs->msg_id, old->no, ours->msg_id,
		   ours->cross_lost ? "ours" : "the peer's",
		   ours->cross_lost ? "us" : "the peer");
}

/*
 * Our pair @n lost, in time or late: the peer's Quick Mode replaced @old,
 * which the peer deletes. @n stops sending once it could send (as an old
 * pair does after a rekey): until the peer has our QM3 it may take
 * traffic. Its Delete waits for a newer pair (see above).
 */
static void lost_by_us(struct child_sa *old, struct child_sa *n)
{
	if (old) {
		old->rekeying = false;
		old->rekey_due = false;
		old->replaced = true;
	}
	child_retire(n, iked_now() + IKED_DEFER_OUT_MS);
	n->linger_for_newer = true;
}

void v1_qm_cross_lost(struct ike_sa *sa, uint32_t old_spi,
		      struct child_sa *n)
{
	struct child_sa *old = child_find_in(sa, old_spi);

	lost_by_us(old, n);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA #%u (our rekey of #%u) lost the rekey collision: the peer's pair replaces #%u; #%u stops sending and is deleted once a newer pair is in",
		   n->no, old ? old->no : 0, old ? old->no : 0, n->no);
}

/*
 * The peer's pair @ch lost: the peer stops sending on it and deletes it
 * in time. We never send on it either (its outbound SA stays out), nor
 * rekey it, nor bring it back when it goes.
 */
static void lost_by_peer(struct child_sa *ch)
{
	ch->redundant = true;
	ch->replaced = true;
	ch->rekey_due = false;
}

void v1_qm_cross_won(struct ike_sa *sa, struct child_sa *theirs)
{
	const struct v1_sa *v = v1(sa);

	/* Our Quick Mode in the second slot crossed the peer's and won. */
	if (!v->qr_in || !v->qr.crossed || v->qr.cross_lost)
		return;
	lost_by_peer(theirs);
}

void v1_qm_cross_newer(struct ike_sa *sa, const struct child_sa *n)
{
	iked_ms soon = iked_now() + V1_LINGER_MS;
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next) {
		if (ch == n || !ch->linger_for_newer || !ch->linger_until ||
		    ch->linger_until <= soon ||
		    !iked_ts_same(&ch->ts_local, &n->ts_local) ||
		    !iked_ts_same(&ch->ts_remote, &n->ts_remote))
			continue;
		ch->linger_until = soon;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u (lost a rekey collision): #%u is newer, its Delete goes in %u ms",
			   ch->no, n->no, V1_LINGER_MS);
	}
}

/* How long a rekey of ours waits for a crossing QM1 (see above). */
#define V1_LATE_MS	32000

static iked_ms late_window(const struct child_sa *n)
{
	iked_ms half = (iked_ms)n->soft_secs * 500;

	return half && half < V1_LATE_MS ? half : V1_LATE_MS;
}

void v1_qm_cross_note(struct ike_sa *sa, const struct v1_qm *q,
		      const struct child_sa *n)
{
	struct v1_qm_late *l = v1(sa)->late, *oldest = l;
	size_t i;

	/* A free slot, or the oldest: it is the first out of its window. */
	for (i = 0; i < V1_LATE_MAX; i++) {
		if (!l[i].new_spi) {
			oldest = &l[i];
			break;
		}
		if (l[i].at < oldest->at)
			oldest = &l[i];
	}
	oldest->new_spi = n->spi_in;
	oldest->old_spi = q->rekey_spi;
	memcpy(oldest->ni, q->ni, q->ni_len);
	oldest->ni_len = q->ni_len;
	oldest->at = iked_now();
}

static struct v1_qm_late *late_find(struct ike_sa *sa,
				    const struct child_sa *n)
{
	struct v1_qm_late *l = v1(sa)->late;
	size_t i;

	struct child_sa *old;

	for (i = 0; i < V1_LATE_MAX; i++) {
		if (!l[i].new_spi || l[i].new_spi != n->spi_in ||
		    iked_now() - l[i].at > late_window(n))
			continue;
		/* Our Delete of the old pair went: the window is over. */
		old = child_find_in(sa, l[i].old_spi);
		if (old && old->state == CHILD_INSTALLED && old->retire_at)
			return &l[i];
	}
	return NULL;
}

/*
 * Ours lost, decided late: the peer's pair replaces the old one, which
 * the peer deletes (our Delete of it, due at retire_at, is not sent).
 */
static void late_lost(struct child_sa *old, struct child_sa *n)
{
	if (old)
		old->retire_at = 0;
	lost_by_us(old, n);
}

bool v1_qm_cross_late(struct ike_sa *sa, const struct v1_qm *theirs,
		      struct child_sa *target, struct child_sa *ch)
{
	struct v1_qm_late *l = late_find(sa, target);
	struct child_sa *old;
	bool lost;

	if (!l)
		return false;
	lost = nonce_cmp(l->ni, l->ni_len, theirs->ni, theirs->ni_len) < 0;
	old = child_find_in(sa, l->old_spi);
	OPENSSL_cleanse(l, sizeof(*l));
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA rekey collision, found late: the peer's Quick Mode %08x rekeys what our finished rekey did (CHILD SA #%u); %s has the lower nonce, its pair is deleted by %s",
		   theirs->msg_id, target->no, lost ? "ours" : "the peer's",
		   lost ? "us" : "the peer");
	if (lost) {
		late_lost(old, target);
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u (our rekey) lost the rekey collision: #%u replaces it; #%u stops sending and is deleted once a newer pair is in",
			   target->no, ch->no, target->no);
	}
	/* Won: the peer deletes #ch; ours still deletes the old pair. */
	if (!lost)
		lost_by_peer(ch);
	return true;
}
