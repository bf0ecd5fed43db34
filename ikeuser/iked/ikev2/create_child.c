// SPDX-License-Identifier: GPL-2.0
/* CREATE_CHILD_SA for CHILD SAs (RFC 7296 1.3.1, 1.3.3, 2.8): new and rekeyed ones, both ends rekeying at once (2.8.1), retried or given up. */

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike.h"
#include "../crypto/dh.h"
#include "pfs.h"

#define OUR_NONCE_LEN	32

/*
 * The troubleshooting guides' "rekeys all the time" case: warned once
 * per conn, and again only when the peer's interval changes much. One
 * early rekey proves nothing: a rekey the peer retries after a crossing
 * meets a CHILD SA made moments before, with equal lifetimes. Two in a
 * row on the conn do.
 */
static void lifetime_check(struct ike_sa *sa, const struct child_sa *ch)
{
	struct iked_conn *c = iked_conn_of(sa->d, sa->conn);
	uint32_t secs = (uint32_t)((iked_now() - ch->established) / 1000);

	if (!sa->conn->lifetime)
		return;
	if (secs >= ch->soft_secs / 2) {
		c->lft_early = 0;
		return;
	}
	if (++c->lft_early < 2)
		return;
	if (c->lft_warned && secs >= c->lft_warned / 2 &&
	    secs <= c->lft_warned * 2)
		return;
	c->lft_warned = secs ? secs : 1;
	iked_log(IKED_LOG_WARN, sa->conn->name, sa->no,
		 "lifetime mismatch: the peer rekeys CHILD SA #%u after %u s, we would after about %u s (lifetime=%us): its lifetime is much shorter (said once per conn)",
		 ch->no, secs, ch->soft_secs, sa->conn->lifetime);
}

int child_create_start(struct ike_sa *sa, uint16_t group)
{
	return child_create_start_for(sa, group, NULL);
}

int child_create_start_for(struct ike_sa *sa, uint16_t group,
			   struct child_sa *old)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	const uint8_t *pub;
	uint8_t old_spi[4];
	size_t pub_len;
	bool pfs;
	int r;

	if (sa->req_kind != REQ_NONE)
		return -EBUSY;
	if (!group)
		group = pfs_offer_group(&sa->conn->esp, old ? old->prop.dh : 0,
					!old || old->from_auth, sa->prop.dh);
	else if (group == PFS_NONE)
		group = 0;
	pfs = group != 0;
	r = child_prepare(sa, group);
	if (r)
		return r;
	ikev2_chain_init(c);
	if (old) {
		/*
		 * A rekey (1.3.3): the SPI we receive on, and the same
		 * traffic as the SA it replaces, narrowed as that was.
		 */
		v2(sa)->pend.rekey_spi = old->spi_in;
		v2(sa)->pend.tsi = old->ts_local;
		v2(sa)->pend.tsr = old->ts_remote;
		ikev2_put32(old_spi, old->spi_in);
		r = ikev2_chain_add_notify(c, IKEV2_PROTO_ESP, old_spi, 4,
					   IKEV2_N_REKEY_SA, NULL, 0);
	}
	if (!r)
		r = child_add_offer(sa, c);
	if (!r)
		r = ikev2_chain_add_nonce(c, v2(sa)->pend.nonce, v2(sa)->pend.nonce_len);
	if (!r && pfs) {
		pub = iked_dh_pub(v2(sa)->pend.dh, &pub_len);
		r = ikev2_chain_add_ke(c, iked_dh_group(v2(sa)->pend.dh), pub,
				       pub_len);
	}
	if (!r)
		r = xchg_request(sa, REQ_CREATE_CHILD,
				 IKEV2_EXCH_CREATE_CHILD_SA, c);
	if (r)
		child_pending_clear(sa);
	else if (old)
		ike_sa_log(sa, IKED_LOG_INFO, "rekeying CHILD SA #%u", old->no);
	else
		ike_sa_log(sa, IKED_LOG_INFO, "creating a CHILD SA");
	return r;
}

/* Answer request @m with @c and the one notify @type (about @spi of @proto). */
static void respond_notify(struct ike_sa *sa, const struct ikev2_msg *m,
			   struct ikev2_chain *c, uint8_t proto,
			   const uint8_t *spi, uint8_t spi_len, uint16_t type,
			   const uint8_t *data, size_t len)
{
	ikev2_chain_add_notify(c, proto, spi, spi_len, type, data, len);
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
}

/*
 * The CHILD SA a CREATE_CHILD_SA request's REKEY_SA names into *@old
 * (NULL: a new CHILD SA); false when the request is refused (answered).
 */
static bool create_target(struct ike_sa *sa, const struct ikev2_msg *m,
			  const struct ikev2_chain *in, struct ikev2_chain *c,
			  struct child_sa **old)
{
	const struct ikev2_notify *rekey;
	struct child_sa *ch = NULL;

	*old = NULL;
	if (sa->state == IKE_DELETING) {
		/* We are closing it (2.25.1): the peer will get our Delete. */
		respond_notify(sa, m, c, 0, NULL, 0, IKEV2_N_TEMPORARY_FAILURE,
			       NULL, 0);
		return false;
	}
	rekey = ikev2_chain_notify(in, IKEV2_N_REKEY_SA);
	if (rekey && rekey->proto == IKEV2_PROTO_ESP && rekey->spi_len == 4)
		ch = child_find_out(sa, ikev2_get32(rekey->spi));
	if (ch && (ch->redundant || ch->replaced ||
		   ch->state == CHILD_DELETING)) {
		/* Being deleted (2.25, 2.8.1): nothing to rekey. */
		respond_notify(sa, m, c, 0, NULL, 0, IKEV2_N_TEMPORARY_FAILURE,
			       NULL, 0);
		return false;
	}
	if (ch)
		lifetime_check(sa, ch);
	if (rekey && !ch) {
		/*
		 * A rekey of what we do not have (2.25). A rekey of what we
		 * have is a new CHILD SA like any other here; the peer then
		 * deletes the old one.
		 */
		if (rekey->spi_len == 4)
			respond_notify(sa, m, c, IKEV2_PROTO_ESP, rekey->spi, 4,
				       IKEV2_N_CHILD_SA_NOT_FOUND, NULL, 0);
		else
			respond_notify(sa, m, c, 0, NULL, 0,
				       IKEV2_N_CHILD_SA_NOT_FOUND, NULL, 0);
		return false;
	}
	*old = ch;
	return true;
}

/*
 * PFS of a CREATE_CHILD_SA request with a KE: our key pair in *@dh and
 * g^ir in @gir (*@gir_len 0: no PFS after all). False when the peer's
 * group is not the one we want (answered INVALID_KE_PAYLOAD).
 */
static bool create_pfs(struct ike_sa *sa, const struct ikev2_msg *m,
		       const struct ikev2_chain *in, struct ikev2_chain *c,
		       struct iked_dh **dh, uint8_t *gir, size_t *gir_len)
{
	struct iked_chosen probe;
	uint8_t g[2];

	/* Answer in the group the peer chose, if we allow it. */
	if (ikev2_sa_select(&in->sa, &sa->conn->esp, IKEV2_PROTO_ESP,
			    in->ke.group, &probe) == 0 && probe.dh &&
	    probe.dh != in->ke.group) {
		ikev2_put16(g, probe.dh);
		respond_notify(sa, m, c, 0, NULL, 0,
			       IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		return false;
	}
	if (iked_dh_new(in->ke.group, dh) != 0 ||
	    iked_dh_shared(*dh, in->ke.data, in->ke.len, gir, gir_len) != 0)
		*gir_len = 0;
	return true;
}

/*
 * Both ends rekeyed CHILD SA @old at once (2.8.1): remember the SA we
 * just made for the peer (first in the list) and the lower nonce, so
 * that our own answer's arrival can tell which goes.
 */
static void create_collision(struct ike_sa *sa, const struct child_sa *old,
			     const struct ikev2_chain *in, const uint8_t *nr,
			     size_t nr_len)
{
	struct ikev2_state *v = v2(sa);
	const uint8_t *lo;
	size_t lo_len;

	rekey_nonce_lower(in->nonce.data, in->nonce.len, nr, nr_len, &lo,
			  &lo_len);
	v->pend.coll_spi_in = sa->children->spi_in;
	memcpy(v->pend.coll_nonce, lo, lo_len);
	v->pend.coll_nonce_len = lo_len;
	if (old)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA rekey collision: the peer rekeys CHILD SA #%u too (its new one is #%u); the lowest nonce decides which stays (RFC 7296 2.8.1)",
			   old->no, sa->children->no);
	else
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA creation collision: the peer creates one too (#%u) while ours is out; the lowest nonce decides which stays",
			   sa->children->no);
}

void child_create_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
			     const struct ikev2_chain *in)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	uint8_t nr[OUR_NONCE_LEN], gir[IKED_DH_SHARED_MAX];
	struct child_sa *ch;
	struct iked_dh *dh = NULL;
	size_t gir_len = 0, pub_len;
	const uint8_t *pub;
	bool used_ke = false, collide, collide_new;
	int r;

	ikev2_chain_init(c);
	if (!create_target(sa, m, in, c, &ch))
		return;
	/*
	 * Both ends rekey it at once (2.8.1, 2.25): answer as usual; when
	 * our own answer arrives, the lowest nonce says which goes.
	 */
	collide = ch && ch->rekeying && v2(sa)->pend.active &&
		  v2(sa)->pend.rekey_spi == ch->spi_in;
	/*
	 * Both ends create a new CHILD SA at once (both bring the tunnel
	 * back after a flush): RFC 7296 defines no collision for that, but
	 * two pairs for one conn are one too many; the same nonce rule as
	 * for rekeys says which goes, and both ends reach the same answer.
	 */
	collide_new = !ch && v2(sa)->pend.active && !v2(sa)->pend.rekey_spi &&
		      v2(sa)->req_exchange == IKEV2_EXCH_CREATE_CHILD_SA;
	if (RAND_bytes(nr, sizeof(nr)) != 1) {
		respond_notify(sa, m, c, 0, NULL, 0, IKEV2_N_INVALID_SYNTAX,
			       NULL, 0);
		return;
	}
	if (ikev2_chain_has(in, IKEV2_PL_KE) &&
	    !create_pfs(sa, m, in, c, &dh, gir, &gir_len))
		goto out;
	v2(sa)->inst.old_no = ch ? ch->no : 0;
	v2(sa)->inst.by_peer = true;
	/*
	 * Held packets would leave on its outbound SA at once, before the
	 * peer has our answer and its inbound SA (seen against charon);
	 * ours is safe to send on once answered, so this one waits.
	 */
	v2(sa)->inst.defer_out = collide_new;
	r = child_respond(sa, in, in->nonce.data, in->nonce.len, nr,
			  sizeof(nr), gir, gir_len, false, &used_ke, c);
	v2(sa)->inst.old_no = 0;
	v2(sa)->inst.defer_out = false;
	if (!r && ch && !collide)
		/* The peer deletes it next; no rekey of ours meanwhile. */
		ch->replaced = true;
	if (!r && (collide || collide_new) && sa->children)
		create_collision(sa, ch, in, nr, sizeof(nr));
	if (!r) {
		ikev2_chain_add_nonce(c, nr, sizeof(nr));
		if (used_ke) {
			pub = iked_dh_pub(dh, &pub_len);
			ikev2_chain_add_ke(c, iked_dh_group(dh), pub, pub_len);
		}
	}
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
out:
	iked_dh_free(dh);
	OPENSSL_cleanse(gir, sizeof(gir));
}

/*
 * Both ends rekeyed @old at once (2.8.1): @ours came from our request,
 * @theirs from the peer's. The exchange with the lowest of the four
 * nonces (@ours_lost: ours) made the redundant SA, which its creator
 * deletes; the creator of the other deletes @old. We never send on the
 * redundant SA: that is what keeps a collision loss-free.
 */
static void resolve_collision(struct ike_sa *sa, struct child_sa *old,
			      struct child_sa *ours, struct child_sa *theirs,
			      bool ours_lost)
{
	old->rekeying = false;
	old->rekey_due = false;
	if (ours_lost) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA rekey collision: our #%u has the lowest nonce and is deleted; the peer's #%u replaces #%u",
			   ours->no, theirs->no, old->no);
		ours->redundant = true;
		old->replaced = true;
		child_delete_start(sa, ours);
		/* The peer deletes @old; #theirs then sends (deferred). */
		return;
	}
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA rekey collision: the peer's #%u has the lowest nonce, the peer deletes it; our #%u replaces #%u",
		   theirs->no, ours->no, old->no);
	theirs->redundant = true;
	/* Never sent on, so the peer's Delete loses nothing. */
	if (theirs->deferred_out)
		child_sa_drop_deferred_out(theirs);
	ike_sa_log(sa, IKED_LOG_INFO, "CHILD SA #%u rekeyed", old->no);
	child_delete_start(sa, old);
}

/*
 * Both ends created a new CHILD SA at once: @ours from our request,
 * @theirs from the peer's. The one made by the exchange with the lowest
 * nonce (@ours_lost: ours) is deleted by its creator; the other end
 * keeps it until that Delete, so nothing sent on it is lost.
 */
static void resolve_new_collision(struct ike_sa *sa, struct child_sa *ours,
				  struct child_sa *theirs, bool ours_lost)
{
	struct child_sa *gone = ours_lost ? ours : theirs;

	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA creation collision: %s #%u has the lowest nonce and is deleted by %s; #%u stays",
		   ours_lost ? "our" : "the peer's", gone->no,
		   ours_lost ? "us" : "the peer",
		   ours_lost ? theirs->no : ours->no);
	gone->redundant = true;
	if (!ours_lost) {
		/* Never sent on, so the peer's Delete loses nothing. */
		if (theirs->deferred_out)
			child_sa_drop_deferred_out(theirs);
		/*
		 * RFC 7296 has no rule for crossing creations: charon keeps
		 * both pairs, so we delete it ourselves if it does not.
		 */
		theirs->peer_deletes_by = iked_now() + IKED_REDUNDANT_WAIT_MS;
		return;
	}
	/* Theirs stays: it sends from now on (the peer has had our answer). */
	child_install_deferred(sa, theirs);
	child_delete_start(sa, ours);
}

/* Our CREATE_CHILD_SA is over with @r: the CHILD SA it rekeyed goes, or is retried. */
static void create_done(struct ike_sa *sa, uint32_t rekey_spi, int r)
{
	struct child_sa *old = rekey_spi ? child_find_in(sa, rekey_spi) : NULL;

	v2(sa)->pfs_retried = 0;
	if (old && !r) {
		/* Make before break: the new SA carries traffic already. */
		child_delete_start(sa, old);
	} else if (old) {
		uint16_t rnd = 0;

		/* Soon, before its hard lifetime; at random after a collision. */
		RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
		old->rekeying = false;
		old->rekey_due = true;
		old->rekey_at = iked_now() + 1000 + rnd % 2000;
		/* Should it never succeed, its traffic is held, not sent in clear. */
		child_hold(sa, old, false);
	}
	ike_sa_answer(sa, r);
}

void child_create_on_response(struct ike_sa *sa, const struct ikev2_chain *in)
{
	uint32_t rekey_spi = v2(sa)->pend.rekey_spi, coll_spi = 0;
	struct child_sa *old, *theirs;
	const struct ikev2_notify *n;
	uint8_t gir[IKED_DH_SHARED_MAX];
	bool ours_lost = false;
	size_t gir_len = 0;
	int r;

	/* Refused for its key exchange: the other way, before giving up. */
	r = child_retry_pfs(sa, in);
	if (!r)
		return;
	if (r < 0)
		goto out;
	n = ikev2_chain_notify(in, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n && v2(sa)->pend.dh) {
		uint16_t g = n->len == 2 ? ikev2_get16(n->data) : 0;

		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: PFS group mismatch: the peer wants group %u (%s), which esp= does not allow",
			       g, iked_dh_name(g) ?: "unknown");
		child_pending_clear(sa);
		r = -ENOPROTOOPT;
		goto out;
	}
	if (ikev2_error_notify(in)) {
		/* A refusal: child_complete() names it, installs nothing. */
		r = child_complete(sa, in, NULL, 0, NULL, 0, NULL, 0);
		goto out;
	}
	/* Not a refusal: SA, Nonce, TSi and TSr are there (rules.c). */
	if (v2(sa)->pend.dh && ikev2_chain_has(in, IKEV2_PL_KE)) {
		if (iked_dh_shared(v2(sa)->pend.dh, in->ke.data, in->ke.len, gir,
				    &gir_len)) {
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "the peer's PFS key exchange value is invalid");
			child_pending_clear(sa);
			r = -EPROTO;
			goto out;
		}
	} else if (v2(sa)->pend.dh && !pfs_allows_none(&sa->conn->esp)) {
		/* With "none" offered too, no KE in the answer means none. */
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "PFS group mismatch: we asked for %s, the peer answered without key exchange",
			       iked_dh_name(iked_dh_group(v2(sa)->pend.dh)) ?: "?");
		child_pending_clear(sa);
		r = -EPROTO;
		goto out;
	}
	if (v2(sa)->pend.coll_spi_in) {
		const uint8_t *lo;
		size_t lo_len;

		/* A collision: did our exchange have the lowest nonce? */
		rekey_nonce_lower(v2(sa)->pend.nonce, v2(sa)->pend.nonce_len,
				  in->nonce.data, in->nonce.len, &lo, &lo_len);
		coll_spi = v2(sa)->pend.coll_spi_in;
		ours_lost = rekey_nonce_cmp(lo, lo_len, v2(sa)->pend.coll_nonce,
					    v2(sa)->pend.coll_nonce_len) < 0;
	}
	old = rekey_spi ? child_find_in(sa, rekey_spi) : NULL;
	v2(sa)->inst.old_no = old ? old->no : 0;
	v2(sa)->inst.by_peer = false;
	r = child_complete(sa, in, v2(sa)->pend.nonce, v2(sa)->pend.nonce_len,
			   in->nonce.data, in->nonce.len, gir, gir_len);
	v2(sa)->inst.old_no = 0;
	OPENSSL_cleanse(gir, sizeof(gir));
	theirs = coll_spi ? child_find_in(sa, coll_spi) : NULL;
	old = rekey_spi ? child_find_in(sa, rekey_spi) : NULL;
	if (!r && old && theirs && sa->children) {
		resolve_collision(sa, old, sa->children, theirs, ours_lost);
		ike_sa_answer(sa, r);
		return;
	}
	if (!r && !rekey_spi && theirs && sa->children &&
	    sa->children != theirs) {
		resolve_new_collision(sa, sa->children, theirs, ours_lost);
		ike_sa_answer(sa, r);
		return;
	}
	if (!rekey_spi && theirs)
		/* Ours failed: the peer's crossing one is all there is. */
		child_install_deferred(sa, theirs);
out:
	create_done(sa, rekey_spi, r);
}

void child_create_failed(struct ike_sa *sa, int err)
{
	uint32_t rekey_spi = v2(sa)->pend.rekey_spi;
	uint32_t coll_spi = v2(sa)->pend.coll_spi_in;
	struct child_sa *theirs;

	child_pending_clear(sa);
	theirs = !rekey_spi && coll_spi ? child_find_in(sa, coll_spi) : NULL;
	if (theirs)
		/* Ours never came: the peer's crossing one sends now. */
		child_install_deferred(sa, theirs);
	create_done(sa, rekey_spi, err);
}
