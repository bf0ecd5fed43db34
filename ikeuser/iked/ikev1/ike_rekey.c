// SPDX-License-Identifier: GPL-2.0
/*
 * ISAKMP SA rekeying, make before break, as strongSwan and Libreswan do
 * it: IKEv1 has no rekey exchange, so at the soft lifetime a new Main
 * Mode (Aggressive Mode for conns that use it) runs with the same peer
 * beside the old ISAKMP SA. Once it is up the IPsec SAs move to it (they
 * are not bound to an ISAKMP SA in IKEv1: their Quick Mode rekeys and
 * Deletes simply go over the new one), the old ISAKMP SA is deleted
 * (Informational Delete under its own HASH(1)) and freed without a
 * Delete for its IPsec SAs. The responder knows such a rekey only by a
 * new ISAKMP SA of the same conn and peer identity without
 * INITIAL-CONTACT (contact.c sends none while another IKE SA with the
 * peer exists): it moves the IPsec SAs to the new one as well and frees
 * the old one on the peer's Delete, or at the old one's own end.
 */

#include <errno.h>
#include <string.h>
#include <openssl/rand.h>

#include "ikev1.h"
#include "v1.h"
#include "../conf/conf.h"
#include "../sa/child_sa.h"

/*
 * A rekeying Main Mode that failed (no answer, a mismatch) is tried
 * again after this and a random part of as much again, while the old
 * ISAKMP SA lives; at its hard lifetime it goes as it always did.
 */
#define V1_IKE_RETRY_MS	10000

bool v1_sibling(const struct ike_sa *sa, const struct ike_sa *s)
{
	return s != sa && s->proto == sa->proto &&
	       s->state == IKE_ESTABLISHED && s->conn == sa->conn &&
	       iked_conf_id_equal(&s->peer_id, &sa->peer_id);
}

static struct ike_sa *find_by_cookies(struct iked *d, const uint8_t ck[16])
{
	struct ike_sa *s;

	for (s = d->sas; s; s = s->next)
		if (s->proto == &ikev1_proto && s->state != IKE_DEAD &&
		    !memcmp(s->spi_i, ck, 8) && !memcmp(s->spi_r, ck + 8, 8))
			return s;
	return NULL;
}

bool v1_ike_rekey_pending(const struct ike_sa *old)
{
	const struct ike_sa *s;

	for (s = old->d->sas; s; s = s->next)
		if (s->proto == &ikev1_proto && s->state != IKE_DEAD &&
		    s->state != IKE_ESTABLISHED && s->priv && v1(s)->rekey &&
		    !memcmp(v1(s)->rekey_ck, old->spi_i, 8) &&
		    !memcmp(v1(s)->rekey_ck + 8, old->spi_r, 8))
			return true;
	return false;
}

int v1_ike_rekey_start(struct ike_sa *old)
{
	struct iked *d = old->d;
	struct iked_path path = old->path;
	struct ike_sa *n;
	int r;

	if (old->successor || v1(old)->st != V1_MM_ACTIVE ||
	    v1_ike_rekey_pending(old))
		return -EBUSY;
	/* From scratch, as a first contact would: UDP 500, NAT-T floats. */
	path.rport = IKED_IKE_PORT;
	path.lport = d->net.port;
	n = ike_sa_new(d, &ikev1_proto, true, &path);
	if (!n)
		return -ENOMEM;
	ike_sa_set_conn(n, old->conn);
	v1(n)->rekey = true;
	memcpy(v1(n)->rekey_ck, old->spi_i, 8);
	memcpy(v1(n)->rekey_ck + 8, old->spi_r, 8);
	r = n->proto->ike_start(n);
	if (r) {
		ike_sa_kill(n, "cannot start the new ISAKMP SA");
		return r;
	}
	ike_sa_log(old, IKED_LOG_INFO,
		   "rekeying the ISAKMP SA: a new %s Mode %s[%u] replaces it, its IPsec SAs move there",
		   old->conn->aggressive ? "Aggressive" : "Main",
		   ike_sa_name(n), n->no);
	return 0;
}

void v1_ike_rekey_failed(struct ike_sa *n)
{
	struct ike_sa *old;
	uint16_t rnd = 0;

	if (!v1(n)->rekey || n->state == IKE_ESTABLISHED)
		return;
	old = find_by_cookies(n->d, v1(n)->rekey_ck);
	if (!old || old->state != IKE_ESTABLISHED || old->successor)
		return;
	RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
	old->rekey_at = iked_now() + V1_IKE_RETRY_MS + rnd % V1_IKE_RETRY_MS;
	ike_sa_log(old, IKED_LOG_INFO,
		   "the rekeying ISAKMP SA %s[%u] failed: trying again in %llu s",
		   ike_sa_name(n), n->no,
		   (unsigned long long)(old->rekey_at - iked_now()) / 1000);
}

/*
 * The IPsec SAs of @old go to @n, appended. A rekey of ours that was
 * under way in @old's Quick Mode is lost with it: due again, in @n.
 */
static unsigned int move_children(struct ike_sa *old, struct ike_sa *n)
{
	struct child_sa **pp = &n->children, *ch;
	unsigned int moved = 0;

	while (*pp)
		pp = &(*pp)->next;
	*pp = old->children;
	old->children = NULL;
	for (ch = *pp; ch; ch = ch->next) {
		moved++;
		if (!ch->rekeying)
			continue;
		ch->rekeying = false;
		ch->rekey_due = true;
		ch->rekey_at = iked_now() + 1000;
	}
	if (old->n_children_done > n->n_children_done)
		n->n_children_done = old->n_children_done;
	n->want_child = n->want_child || old->want_child;
	if (!n->waiter) {
		n->waiter = old->waiter;
		old->waiter = NULL;
	}
	return moved;
}

/* @n replaces @old: its IPsec SAs move, the line IKEv2 writes too. */
static void handover(struct ike_sa *old, struct ike_sa *n)
{
	unsigned int moved = move_children(old, n);

	old->successor = n;
	old->rekey_at = 0;
	ike_sa_log(old, IKED_LOG_INFO,
		   "IKE SA rekeyed: now %s[%u], %s; %u IPsec SA pair%s moved to it",
		   ike_sa_name(n), n->no,
		   iked_chosen_format(&n->prop, (char[256]){ 0 }, 256), moved,
		   moved == 1 ? "" : "s");
}

/*
 * Our rekey of the ISAKMP SA with cookies v1(n)->rekey_ck is up. When
 * the peer's own rekey (crossing ours) took the IPsec SAs first, they
 * stay there: both new ISAKMP SAs live on, the old one goes either way.
 */
static bool ours_done(struct ike_sa *n)
{
	struct ike_sa *old = find_by_cookies(n->d, v1(n)->rekey_ck);

	v1(n)->rekey = false;
	/*
	 * It reached its hard lifetime first (gone, or still sending its
	 * Delete): @n starts afresh.
	 */
	if (!old || old->state != IKE_ESTABLISHED)
		return false;
	if (!old->successor || old->successor->state != IKE_ESTABLISHED) {
		handover(old, n);
	} else {
		ike_sa_log(old, IKED_LOG_INFO,
			   "rekey collision: the peer's new ISAKMP SA %s[%u] has the IPsec SAs already, ours %s[%u] stays beside it",
			   ike_sa_name(old->successor), old->successor->no,
			   ike_sa_name(n), n->no);
		move_children(old, old->successor);
	}
	/*
	 * Its Delete waits: charon moves the IPsec SAs to the new ISAKMP
	 * SA in a job queued once it is up, and a Delete of the old one
	 * handled before that job takes the IPsec SAs with it (seen in
	 * iked-v1-rekey: the tunnel gone after the second rekey).
	 */
	old->retire_at = iked_now() + n->d->v1_retire_ms;
	old->hard_at = 0;
	v1(old)->delete_at_retire = true;
	return true;
}

void v1_ike_retire(struct ike_sa *old)
{
	uint8_t ck[16];

	/* What a Quick Mode of the peer put here meanwhile goes along. */
	v1_ike_rekey_deleted(old);
	if (v1(old)->delete_at_retire) {
		memcpy(ck, old->spi_i, 8);
		memcpy(ck + 8, old->spi_r, 8);
		if (v1_info_delete(old, IKEV1_PROTO_ISAKMP, ck, 16))
			ike_sa_log(old, IKED_LOG_WARN,
				   "cannot send the Delete of the replaced ISAKMP SA: the peer keeps it until its lifetime ends");
	}
	ike_sa_kill(old, NULL);
}

bool v1_ike_rekey_done(struct ike_sa *n)
{
	struct ike_sa *s;
	bool found = false;

	if (v1(n)->rekey)
		return ours_done(n);
	/* A new ISAKMP SA of ours that is no rekey adopts nothing. */
	if (n->initiator)
		return false;
	for (s = n->d->sas; s; s = s->next) {
		if (!v1_sibling(n, s) || s->successor)
			continue;
		handover(s, n);
		/* The peer deletes it; else it goes when it would have. */
		s->retire_at = s->hard_at ? s->hard_at : iked_now() + 1;
		s->hard_at = 0;
		found = true;
	}
	return found;
}

void v1_ike_rekey_deleted(struct ike_sa *old)
{
	/* What a Quick Mode put here since the handover goes along. */
	if (old->successor && old->successor->state == IKE_ESTABLISHED)
		move_children(old, old->successor);
}

struct child_sa *v1_child_find_out(struct ike_sa *sa, uint32_t spi,
				   struct ike_sa **owner)
{
	struct child_sa *ch = child_find_out(sa, spi);
	struct ike_sa *s;

	*owner = sa;
	if (ch || sa->state != IKE_ESTABLISHED)
		return ch;
	/* Moved by an ISAKMP SA rekey, ours or the peer's. */
	for (s = sa->d->sas; s; s = s->next) {
		if (!v1_sibling(sa, s))
			continue;
		ch = child_find_out(s, spi);
		if (ch) {
			*owner = s;
			return ch;
		}
	}
	return NULL;
}
