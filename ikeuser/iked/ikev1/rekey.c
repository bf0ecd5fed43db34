// SPDX-License-Identifier: GPL-2.0
/*
 * Rekeying of IKEv1 CHILD SAs (IPsec SA pairs), make before break: at
 * the soft lifetime (sa/lifetime.c, the kernel's soft expiry) a new
 * Quick Mode with the same proxy IDs runs on the ISAKMP SA; the new pair
 * goes into the kernel before the old one leaves it, and the old one is
 * deleted (an Informational Delete with HASH(1)) only once the new one
 * sends. IKEv1 has no rekey notion on the wire (RFC 2409 has none, a
 * Delete has no answer): both ends go by the proxy IDs and by time.
 */

#include <errno.h>
#include <string.h>
#include <openssl/rand.h>

#include "v1.h"
#include "../sa/child_sa.h"
#include "../sa/control.h"
#include "../sa/ts.h"

/*
 * How long before the old pair's hard lifetime it stops sending at the
 * latest: the peer's copy of it ends about then too (earlier by the time
 * our QM2 took to arrive), and what is sent on it after is lost.
 */
#define V1_HARD_MARGIN_MS	1500

/*
 * When the old pair of our rekey stops sending (and the new one starts):
 * IKED_DEFER_OUT_MS after the rekey, so that a peer that installs the
 * new inbound SA only on QM3 has it, but no later than V1_HARD_MARGIN_MS
 * before the old pair's hard lifetime ends. A rekey begun late in the
 * lifetime (rekeymargin 3 s, a slow Quick Mode) otherwise kept sending
 * on the old pair past the end of pluto's copy: one ping lost in CI.
 */
/* When @ch's hard lifetime ends (life_secs not 0). */
static iked_ms hard_end(const struct child_sa *ch)
{
	return ch->established + (iked_ms)ch->life_secs * 1000;
}

static iked_ms switch_at(const struct child_sa *old)
{
	iked_ms at = iked_now() + IKED_DEFER_OUT_MS, end;

	if (!old->life_secs)
		return at;
	end = hard_end(old);
	end = end > V1_HARD_MARGIN_MS ? end - V1_HARD_MARGIN_MS : 1;
	return end < at ? end : at;
}

int v1_rekey_start(struct ike_sa *sa, struct child_sa *old)
{
	uint16_t rnd = 0;
	/*
	 * Not while a new ISAKMP SA is being made for @sa: the pair moves
	 * there once it is up, this Quick Mode would be cut off.
	 */
	int r = v1_ike_rekey_pending(sa) ? -EBUSY : v1_qm_start(sa, old);

	if (!r) {
		old->rekeying = true;
		old->rekey_due = false;
		return 0;
	}
	/* Another Quick Mode (the peer's) is under way: again shortly. */
	RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
	old->rekey_at = iked_now() + 1000 + rnd % 1000;
	return r;
}

static struct child_sa *target_in(struct ike_sa *sa,
				  const struct iked_ts_list *l,
				  const struct iked_ts_list *r)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->state == CHILD_INSTALLED && !ch->retire_at &&
		    !ch->replaced && iked_ts_same(&ch->ts_local, l) &&
		    iked_ts_same(&ch->ts_remote, r))
			return ch;
	return NULL;
}

struct child_sa *v1_rekey_target(struct ike_sa *sa,
				 const struct iked_ts_list *l,
				 const struct iked_ts_list *r)
{
	struct child_sa *ch = target_in(sa, l, r);
	struct ike_sa *s;

	/*
	 * Moved by an ISAKMP SA rekey to another ISAKMP SA of the peer's:
	 * its Quick Mode may still come over the old one.
	 */
	for (s = sa->d->sas; s && !ch; s = s->next)
		if (v1_sibling(sa, s))
			ch = target_in(s, l, r);
	return ch;
}

void v1_rekey_taken(struct ike_sa *sa, struct child_sa *old,
		    struct child_sa *n)
{
	/* The peer deletes it (or its hard lifetime ends it); not us. */
	old->replaced = true;
	old->rekey_due = false;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA #%u rekeyed by the peer: #%u replaces it, #%u stays until the peer deletes it or its lifetime ends",
		   old->no, n->no, old->no);
}

void v1_rekey_done(struct ike_sa *sa, uint32_t old_spi, struct child_sa *n,
		   int r)
{
	struct child_sa *old = child_find_in(sa, old_spi);
	uint16_t rnd = 0;

	if (!old || old->state != CHILD_INSTALLED)
		return;
	old->rekeying = false;
	if (!r) {
		/*
		 * The new pair's outbound SA goes in when the old pair
		 * stops sending (child_linger(), by switch_at()).
		 */
		child_retire(old, switch_at(old));
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u rekeyed: #%u replaces it, #%u is deleted once #%u sends",
			   old->no, n->no, old->no, n->no);
		return;
	}
	RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
	old->rekey_due = true;
	old->rekey_at = iked_now() + 1000 + rnd % 2000;
	/* Should it never succeed, its traffic is held, not sent in clear. */
	child_hold(sa, old, false);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "rekey of CHILD SA #%u failed (%s): trying again",
		   old->no, strerror(-r));
}

/*
 * How long the pair that lost a rekey collision waits for a newer one
 * before its Delete (qm_cross.c): until V1_HARD_MARGIN_MS before its
 * hard lifetime ends, when the peer's copy ends too; V1_LINGER_MS at
 * least; a day when it has no lifetime.
 */
static unsigned int newer_wait(const struct child_sa *ch)
{
	iked_ms now = iked_now(), end;

	if (!ch->life_secs)
		return 86400u * 1000;
	end = hard_end(ch);
	if (end < now + V1_HARD_MARGIN_MS + V1_LINGER_MS)
		return V1_LINGER_MS;
	return end - V1_HARD_MARGIN_MS - now;
}

int v1_rekey_delete(struct ike_sa *sa, struct child_sa *ch)
{
	unsigned int ms;
	uint8_t spi[4];

	ikev1_put32(spi, ch->spi_in);
	if (ch->delete_at_end || !ch->retire_at) {
		v1_info_delete(sa, IKEV1_PROTO_ESP, spi, 4);
		child_remove(sa, ch, ch->delete_at_end ? "replaced by a rekey" :
				     "deleted");
		return 0;
	}
	/*
	 * Replaced by a rekey: it stops sending now and receives a while
	 * longer; the Delete goes at the end of that (child_retire_run()),
	 * so that what we sent on it just before reaches a peer that still
	 * has it (under load the last ping before the switch was lost).
	 */
	if (ch->linger_for_newer) {
		ms = newer_wait(ch);
		child_linger(sa, ch, ms);
		ch->delete_at_end = true;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u (lost a rekey collision): no longer sending on %08x, receiving on %08x until a newer pair is in (at most %u s), then the Delete",
			   ch->no, ch->spi_out, ch->spi_in, ms / 1000);
		return 0;
	}
	child_linger(sa, ch, V1_LINGER_MS);
	ch->delete_at_end = true;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "deleting CHILD SA #%u (replaced by a rekey): no longer sending on %08x, receiving on %08x for %u ms, then the Delete",
		   ch->no, ch->spi_out, ch->spi_in, V1_LINGER_MS);
	return 0;
}
