// SPDX-License-Identifier: GPL-2.0
/* Rekeying (RFC 7296 1.3.2, 1.3.3, 2.8, 2.18): IKE SAs and CHILD SAs, make before break. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike.h"
#include "ikev2.h"
#include "../crypto/dh.h"
#include "../conn.h"

#define OUR_NONCE_LEN	32
/* An IKE SA replaced by a rekey is gone this long after, Delete or not. */
#define RETIRE_MS	30000
/*
 * A rekey the peer refused (TEMPORARY_FAILURE, ...) is tried again after
 * this and a random part of as much again, so that two ends that refused
 * each other's rekey at once do not collide again.
 */
#define RETRY_MS	5000

static iked_ms retry_at(void)
{
	uint16_t r = 0;

	RAND_bytes((unsigned char *)&r, sizeof(r));
	return iked_now() + RETRY_MS + r % RETRY_MS;
}

int rekey_nonce_cmp(const uint8_t *a, size_t a_len, const uint8_t *b,
		    size_t b_len)
{
	int r = memcmp(a, b, a_len < b_len ? a_len : b_len);

	if (r)
		return r;
	return a_len < b_len ? -1 : a_len > b_len;
}

void rekey_nonce_lower(const uint8_t *a, size_t a_len, const uint8_t *b,
		       size_t b_len, const uint8_t **lo, size_t *lo_len)
{
	bool first = rekey_nonce_cmp(a, a_len, b, b_len) <= 0;

	*lo = first ? a : b;
	*lo_len = first ? a_len : b_len;
}

static void rekey_clear(struct ike_sa *sa)
{
	iked_dh_free(v2(sa)->rk.dh);
	OPENSSL_cleanse(&v2(sa)->rk, sizeof(v2(sa)->rk));
}

void rekey_ike_abort(struct ike_sa *sa)
{
	rekey_clear(sa);
}

void rekey_ike_failed(struct ike_sa *sa)
{
	rekey_clear(sa);
	sa->rekey_at = retry_at();
}

int rekey_ike_start(struct ike_sa *sa, uint16_t group)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	struct ike_rekey *rk = &v2(sa)->rk;
	const uint8_t *pub;
	size_t pub_len;
	int r;

	if (sa->req_kind != REQ_NONE)
		return -EBUSY;
	rekey_clear(sa);
	if (!group)
		group = sa->prop.dh;
	if (RAND_bytes(rk->spi, 8) != 1 ||
	    RAND_bytes(rk->nonce, OUR_NONCE_LEN) != 1)
		return -EIO;
	r = iked_dh_new(group, &rk->dh);
	if (!r)
		r = ikev2_sa_from_props(&rk->offered, &sa->conn->ike,
					IKEV2_PROTO_IKE, rk->spi, 8, group,
					false);
	if (r) {
		rekey_clear(sa);
		return r;
	}
	pub = iked_dh_pub(rk->dh, &pub_len);
	ikev2_chain_init(c);
	c->sa = rk->offered;
	r = ikev2_chain_add(c, IKEV2_PL_SA);
	if (!r)
		r = ikev2_chain_add_nonce(c, rk->nonce, OUR_NONCE_LEN);
	if (!r)
		r = ikev2_chain_add_ke(c, group, pub, pub_len);
	if (!r)
		r = xchg_request(sa, REQ_REKEY_IKE, IKEV2_EXCH_CREATE_CHILD_SA,
				 c);
	if (r) {
		rekey_clear(sa);
		return r;
	}
	rk->active = true;
	ike_sa_log(sa, IKED_LOG_INFO, "rekeying the IKE SA (%s)",
		   iked_dh_name(group) ?: "?");
	return 0;
}

/*
 * The IKE SA that replaces @old: its SPIs, the keys from the exchange's
 * nonces and key exchange, and everything @old carried (conn, peer,
 * CHILD SAs). @we_started: we sent the CREATE_CHILD_SA, which makes us
 * the new SA's original initiator (2.18).
 */
static struct ike_sa *successor(struct ike_sa *old, bool we_started,
				const struct iked_chosen *prop,
				const uint8_t spi_i[8], const uint8_t spi_r[8],
				const uint8_t *ni, size_t ni_len,
				const uint8_t *nr, size_t nr_len,
				const uint8_t *gir, size_t gir_len)
{
	struct ike_sa *n = ike_sa_new(old->d, &ikev2_proto, we_started,
				   &old->path);
	int r;

	if (!n)
		return NULL;
	ike_sa_set_conn(n, old->conn);
	memcpy(n->spi_i, spi_i, 8);
	memcpy(n->spi_r, spi_r, 8);
	n->prop = *prop;
	r = ikev2_sk_key_lens(prop->encr, prop->encr_key_bits, prop->integ,
			      &v2(n)->enc_len, &v2(n)->integ_len);
	if (!r)
		r = ikev2_derive_rekeyed_ike_keys(old->prop.prf,
						  v2(old)->keys.sk_d,
						  v2(old)->keys.prf_len, prop->prf,
						  ni, ni_len, nr, nr_len, gir,
						  gir_len, n->spi_i, n->spi_r,
						  v2(n)->integ_len, v2(n)->enc_len,
						  &v2(n)->keys);
	if (r) {
		ike_sa_log(old, IKED_LOG_ERR, "rekeyed IKE SA keys: %s",
			   strerror(-r));
		ike_sa_kill(n, NULL);
		return NULL;
	}
	n->peer_id = old->peer_id;
	natt_inherit(n, old);
	n->children = old->children;
	old->children = NULL;
	n->n_children_done = old->n_children_done;
	n->waiter = old->waiter;
	old->waiter = NULL;
	v2_established(n);
	n->last_recv = iked_now();
	old->successor = n;
	old->retire_at = iked_now() + RETIRE_MS;
	old->rekey_at = old->hard_at = 0;
	ike_sa_log(old, IKED_LOG_INFO, "IKE SA rekeyed: now %s[%u], %s",
		   ike_sa_name(n), n->no,
		   iked_chosen_format(prop, (char[256]){ 0 }, 256));
	return n;
}

static struct ike_sa *find_ike_sa(struct iked *d, const uint8_t spi_i[8],
				  const uint8_t spi_r[8])
{
	struct ike_sa *s;

	for (s = d->sas; s; s = s->next)
		if (s->state == IKE_ESTABLISHED && is_v2(s) &&
		    !memcmp(s->spi_i, spi_i, 8) &&
		    !memcmp(s->spi_r, spi_r, 8))
			return s;
	return NULL;
}

/*
 * Both ends rekeyed @old at once (2.8.2): @ours came from our request,
 * @theirs from the peer's. The exchange with the lowest of the four
 * nonces made the redundant one, which its creator deletes; the creator
 * of the other deletes @old. The CHILD SAs end up on the survivor.
 */
static void resolve_collision(struct ike_sa *old, struct ike_sa *ours,
			      struct ike_sa *theirs,
			      const struct ikev2_chain *in)
{
	const struct ike_rekey *rk = &v2(old)->rk;
	const uint8_t *lo;
	size_t lo_len;

	rekey_nonce_lower(rk->nonce, OUR_NONCE_LEN, in->nonce.data,
			  in->nonce.len, &lo, &lo_len);
	if (rekey_nonce_cmp(lo, lo_len, rk->coll_nonce,
			    rk->coll_nonce_len) < 0) {
		/* Ours goes; the peer deletes @old, the CHILD SAs stay. */
		ike_sa_log(old, IKED_LOG_INFO,
			   "IKE SA rekey collision: our new IKE SA %s[%u] has the lowest nonce and is deleted; the peer's %s[%u] replaces it",
			   ike_sa_name(ours), ours->no, ike_sa_name(theirs),
			   theirs->no);
		old->successor = theirs;
		info_delete_ike(ours);
		return;
	}
	/* Theirs goes: the peer deletes it; the CHILD SAs move to ours. */
	ike_sa_log(old, IKED_LOG_INFO,
		   "IKE SA rekey collision: the peer's new IKE SA %s[%u] has the lowest nonce, the peer deletes it; ours %s[%u] replaces it",
		   ike_sa_name(theirs), theirs->no, ike_sa_name(ours),
		   ours->no);
	ours->children = theirs->children;
	theirs->children = NULL;
	if (theirs->n_children_done > ours->n_children_done)
		ours->n_children_done = theirs->n_children_done;
	if (!ours->waiter) {
		ours->waiter = theirs->waiter;
		theirs->waiter = NULL;
	}
	/* Retiring, as a rekeyed SA: no timers but its end. */
	theirs->successor = ours;
	theirs->retire_at = iked_now() + RETIRE_MS;
	theirs->rekey_at = theirs->hard_at = 0;
	info_delete_ike(old);
}

void rekey_ike_on_response(struct ike_sa *sa, const struct ikev2_chain *in)
{
	struct ike_rekey *rk = &v2(sa)->rk;
	struct ike_sa *ours, *theirs;
	uint8_t gir[IKED_DH_SHARED_MAX];
	const struct ikev2_notify *n;
	struct iked_chosen chosen;
	size_t gir_len;
	unsigned int i;

	if (!rk->active)
		return;
	n = ikev2_chain_notify(in, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n && n->len == 2) {
		uint16_t g = ikev2_get16(n->data);

		if (g != iked_dh_group(rk->dh)) {
			ike_sa_log(sa, IKED_LOG_INFO,
				   "the peer wants %s to rekey the IKE SA: retrying",
				   iked_dh_name(g) ?: "?");
			rekey_clear(sa);
			if (rekey_ike_start(sa, g))
				sa->rekey_at = retry_at();
			return;
		}
	}
	for (i = 0; i < in->n_notify; i++) {
		if (in->notify[i].type >= IKEV2_N_INITIAL_CONTACT)
			continue;
		/* A collision or a busy peer: it will rekey, or we retry. */
		ike_sa_log(sa, IKED_LOG_INFO,
			   "the peer answered our IKE SA rekey with %s: retrying",
			   ikev2_notify_name(in->notify[i].type) ?: "an error");
		rekey_clear(sa);
		sa->rekey_at = retry_at();
		return;
	}
	/* Not a refusal: SA, Nonce and KE are there (rules.c). */
	if (ikev2_sa_check_reply(&in->sa, &rk->offered, IKEV2_PROTO_IKE,
				 &chosen) || chosen.spi_len != 8 ||
	    chosen.dh != in->ke.group ||
	    in->ke.group != iked_dh_group(rk->dh) ||
	    iked_dh_shared(rk->dh, in->ke.data, in->ke.len, gir, &gir_len)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "the peer's answer to our IKE SA rekey is not acceptable");
		rekey_ike_failed(sa);
		return;
	}
	ours = successor(sa, true, &chosen, rk->spi, chosen.spi, rk->nonce,
			 OUR_NONCE_LEN, in->nonce.data, in->nonce.len, gir,
			 gir_len);
	OPENSSL_cleanse(gir, sizeof(gir));
	theirs = rk->coll ? find_ike_sa(sa->d, rk->coll_spi_i,
					 rk->coll_spi_r) : NULL;
	if (ours && theirs)
		resolve_collision(sa, ours, theirs, in);
	else if (ours)
		info_delete_ike(sa);
	rekey_clear(sa);
}

/*
 * Both ends rekey @sa at once (2.8.2): answer as usual, and when our own
 * answer arrives the lowest of the four nonces says which new IKE SA
 * goes; remember the one we just made for the peer (@n) and its lower
 * nonce.
 */
static void ike_collision(struct ike_sa *sa, const struct ike_sa *n,
			  const struct ikev2_chain *in, const uint8_t *nr,
			  size_t nr_len)
{
	struct ike_rekey *rk = &v2(sa)->rk;
	const uint8_t *lo;
	size_t lo_len;

	rekey_nonce_lower(in->nonce.data, in->nonce.len, nr, nr_len, &lo,
			  &lo_len);
	rk->coll = true;
	memcpy(rk->coll_spi_i, n->spi_i, 8);
	memcpy(rk->coll_spi_r, n->spi_r, 8);
	memcpy(rk->coll_nonce, lo, lo_len);
	rk->coll_nonce_len = lo_len;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "IKE SA rekey collision: the peer rekeys it too; the lowest nonce decides which new IKE SA stays (RFC 7296 2.8.2)");
}

void rekey_ike_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
			  const struct ikev2_chain *in)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	uint8_t nr[OUR_NONCE_LEN], gir[IKED_DH_SHARED_MAX], spi[8];
	struct iked_dh *dh = NULL;
	struct iked_chosen chosen;
	const uint8_t *pub;
	size_t gir_len, pub_len;
	uint16_t notify = 0;
	struct ike_sa *n;

	ikev2_chain_init(c);
	if (sa->state != IKE_ESTABLISHED || sa->successor ||
	    sa->req_kind == REQ_CREATE_CHILD ||
	    sa->req_kind == REQ_DELETE_CHILD) {
		/*
		 * Closing or replaced already (2.25), or a CHILD SA exchange
		 * of ours is under way, whose answer must find its CHILD SAs
		 * where it left them: the peer tries again shortly.
		 */
		notify = IKEV2_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	/* SA, Nonce and KE are there: the rules (rules.c) saw to it. */
	if (ikev2_sa_select(&in->sa, &sa->conn->ike, IKEV2_PROTO_IKE,
			    in->ke.group, &chosen) || chosen.spi_len != 8) {
		char theirs[1024];

		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: the peer's IKE SA rekey offers %s",
			       ikev2_sa_format(&in->sa, theirs, sizeof(theirs)));
		notify = IKEV2_N_NO_PROPOSAL_CHOSEN;
		goto refuse;
	}
	if (chosen.dh != in->ke.group) {
		uint8_t g[2];

		ikev2_put16(g, chosen.dh);
		ikev2_chain_add_notify(c, 0, NULL, 0,
				       IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
		return;
	}
	if (RAND_bytes(nr, sizeof(nr)) != 1 || RAND_bytes(spi, 8) != 1 ||
	    iked_dh_new(chosen.dh, &dh) ||
	    iked_dh_shared(dh, in->ke.data, in->ke.len, gir, &gir_len)) {
		notify = IKEV2_N_INVALID_SYNTAX;
		goto refuse;
	}
	n = successor(sa, false, &chosen, chosen.spi, spi, in->nonce.data,
		      in->nonce.len, nr, sizeof(nr), gir, gir_len);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (!n) {
		notify = IKEV2_N_TEMPORARY_FAILURE;
		goto refuse;
	}
	if (sa->req_kind == REQ_REKEY_IKE && v2(sa)->rk.active)
		ike_collision(sa, n, in, nr, sizeof(nr));
	pub = iked_dh_pub(dh, &pub_len);
	memset(&c->sa, 0, sizeof(c->sa));
	if (ikev2_sa_from_chosen(&c->sa, &chosen, spi, 8) == 0 &&
	    ikev2_chain_add(c, IKEV2_PL_SA) == 0 &&
	    ikev2_chain_add_nonce(c, nr, sizeof(nr)) == 0)
		ikev2_chain_add_ke(c, chosen.dh, pub, pub_len);
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
	iked_dh_free(dh);
	return;
refuse:
	iked_dh_free(dh);
	ikev2_chain_add_notify(c, 0, NULL, 0, notify, NULL, 0);
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
}

int rekey_child_start(struct ike_sa *sa, struct child_sa *ch)
{
	int r;

	r = child_create_start_for(sa, 0, ch);
	if (!r) {
		ch->rekeying = true;
		ch->rekey_due = false;
	}
	return r;
}
