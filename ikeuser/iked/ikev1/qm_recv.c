// SPDX-License-Identifier: GPL-2.0
/* Quick Mode messages in (RFC 2409 5.5): decrypted, checked against their rules, HASH verified before anything in them is read; QM2 answered with QM3, QM1 with QM2, QM3 installs the responder's CHILD SA. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "v1.h"
#include "qm.h"
#include "../kernel.h"
#include "../sa/child_sa.h"
#include "../sa/ts.h"

static void qm_done(struct ike_sa *sa, int r)
{
	struct v1_qm *q = &v1(sa)->qm;
	/* A conn of several subnets: one Quick Mode after another. */
	bool more = !r && q->initiator && !q->rekey_spi;

	/* A rekey of ours that failed is tried again, later. */
	if (r && q->initiator && q->rekey_spi)
		v1_rekey_done(sa, q->rekey_spi, NULL, r);
	ikev1_ivs_drop(&v1(sa)->ivs, v1(sa)->qm.msg_id);
	v1_qm_clear(&v1(sa)->qm);
	ike_sa_answer(sa, r);
	if (more)
		v1_qm_more(sa);
}

/* The peer's KE: g^xy of the exchange into q->gxy. */
static int take_ke(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct ikev1_pl *ke = ikev1_chain_find(c, IKEV1_PL_KE, 0);
	int r;

	if (!q->prop.dh)
		return ke ? -EBADMSG : 0;
	if (!ke)
		return -EBADMSG;
	if (!q->dh && (r = iked_dh_new(q->prop.dh, &q->dh)))
		return r;
	return iked_dh_shared(q->dh, ke->body, ke->len, q->gxy, &q->gxy_len);
}

static int take_nonce(const struct ikev1_chain *c, uint8_t *n, size_t *len)
{
	const struct ikev1_pl *no = ikev1_chain_find(c, IKEV1_PL_NONCE, 0);

	if (no->len < 8 || no->len > V1_NONCE_MAX)
		return -EBADMSG;
	memcpy(n, no->body, no->len);
	*len = no->len;
	return 0;
}

/* QM2's proxy IDs, when it has them, are the ones QM1 proposed. */
static int init_ids_ok(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct ikev1_pl *ii = ikev1_chain_find(c, IKEV1_PL_ID, 0);
	const struct ikev1_pl *ir = ikev1_chain_find(c, IKEV1_PL_ID, 1);
	struct iked_ts_list l, r;

	if (!ii)
		return 0;
	if (v1_ts_of_id(&ii->u.id, &l) || v1_ts_of_id(&ir->u.id, &r))
		goto mismatch;
	/* A peer may answer with the addresses it sees (charon does). */
	v1_natoa_fix_ts(sa, q->mode, &l, &r);
	if (iked_ts_within(&l, &q->tsl) && iked_ts_within(&r, &q->tsr))
		return 0;
mismatch:
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "proxy ID mismatch: QM2 answers with other IDs than QM1's");
	return -EINVAL;
}

static void init_qm2(struct ike_sa *sa, struct ikev1_msg *m, size_t plen)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct ikev1_pl *pl;
	const struct ikev1_prop *p;
	const struct ikev1_xf *x;
	uint8_t zero[IKEV1_HASH_MAX] = { 0 };
	struct ikev1_chain *c;
	struct child_sa *ch = NULL;
	struct ikev1_hdr h;
	int r;

	if (!v1_rules_ok(sa, q->prop.dh ? IKEV1_K_QM2_PFS : IKEV1_K_QM2, m) ||
	    !qm_hash_ok(sa, m, plen, 2))
		return;
	retransmit_done(sa);
	pl = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	if (v1_sa2_select(sa, &m->chain, pl, &x, &p)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "phase 2 proposal mismatch: QM2 answers with a transform we did not offer (PFS group %u expected)",
			       q->prop.dh);
		return qm_done(sa, -ENOPROTOOPT);
	}
	v1_life_take_notify(sa, &m->chain);
	r = take_nonce(&m->chain, q->nr, &q->nr_len);
	if (!r)
		r = take_ke(sa, &m->chain);
	if (!r)
		r = init_ids_ok(sa, &m->chain);
	v1_natoa_take(sa, q, &m->chain);
	c = calloc(1, sizeof(*c));
	if (!r && !c)
		r = -ENOMEM;
	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_HASH, zero,
				       v1(sa)->keys.len))
		r = -E2BIG;
	v1_hdr(sa, &h, IKEV1_EXCH_QUICK, q->msg_id);
	/* QM3 is kept as our answer: a QM2 sent again gets it again. */
	if (!r)
		r = v1_send_enc(sa, &h, c, V1_REQ_NONE, qm_fill_hash3);
	free(c);
	if (m->hdr.flags & IKEV1_F_COMMIT)
		ike_sa_log(sa, IKED_LOG_INFO, "the responder set the commit bit: its CONNECTED notify will follow");
	/*
	 * A rekey's new outbound SA waits a moment: the responder installs
	 * its inbound SA when QM3 arrives, and the old pair still carries
	 * the traffic meanwhile.
	 */
	if (!r)
		r = qm_install(sa, q->rekey_spi != 0, &ch);
	if (r)
		ike_sa_log(sa, IKED_LOG_ERR, "Quick Mode %08x failed: %s",
			   q->msg_id, strerror(-r));
	else if (q->rekey_spi && q->cross_lost)
		v1_qm_cross_lost(sa, q->rekey_spi, ch);
	else if (q->rekey_spi)
		v1_rekey_done(sa, q->rekey_spi, ch, 0);
	if (!r && q->rekey_spi && !q->crossed)
		v1_qm_cross_note(sa, q, ch);
	qm_done(sa, r);
}

/* The conn's subnets of @e (local or remote) for a log line. */
static const char *conn_ts_str(struct ike_sa *sa, bool local, char *buf,
			       size_t len)
{
	const struct iked_conf_end *e = local ? sa->local : sa->remote;
	struct iked_ts_list l;

	if (iked_ts_from_conf(&l, e->ts, e->n_ts, local ? &sa->path.local :
			      &sa->path.remote))
		return "?";
	return iked_ts_format(&l, buf, len);
}

/* QM1's proxy IDs in transport mode through a NAT (natoa.c). */
static void nat_ids(struct ike_sa *sa, struct v1_qm *q)
{
	struct iked_ts_list l = q->tsl, r = q->tsr;
	char a[256], b[256], e[256], f[256];

	if (!v1_natoa_fix_ts(sa, q->mode, &q->tsl, &q->tsr))
		return;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "Quick Mode %08x: transport mode through a NAT: the proxy IDs %s === %s taken as %s === %s",
		   q->msg_id, iked_ts_format(&r, a, sizeof(a)),
		   iked_ts_format(&l, b, sizeof(b)),
		   iked_ts_format(&q->tsr, e, sizeof(e)),
		   iked_ts_format(&q->tsl, f, sizeof(f)));
}

/* The proxy IDs of QM1 (or the two addresses): one subnet pair of ours. */
static int resp_ids(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct ikev1_pl *ii = ikev1_chain_find(c, IKEV1_PL_ID, 0);
	const struct ikev1_pl *ir = ikev1_chain_find(c, IKEV1_PL_ID, 1);
	char a[256], b[256], e[256], f[256];

	if (!ii) {
		q->tsl.n = q->tsr.n = 0;
		iked_ts_add(&q->tsl, sa->path.local.family == AF_INET ?
			    IKED_TS_IPV4 : IKED_TS_IPV6, 0, 0, 65535,
			    sa->path.local.bytes, sa->path.local.bytes);
		iked_ts_add(&q->tsr, sa->path.remote.family == AF_INET ?
			    IKED_TS_IPV4 : IKED_TS_IPV6, 0, 0, 65535,
			    sa->path.remote.bytes, sa->path.remote.bytes);
	} else if (v1_ts_of_id(&ii->u.id, &q->tsr) ||
		   v1_ts_of_id(&ir->u.id, &q->tsl)) {
		return -EINVAL;
	} else {
		nat_ids(sa, q);
	}
	if (!qm_ts_allowed(sa, &q->tsl, &q->tsr))
		return 0;
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "proxy ID mismatch (INVALID_ID_INFORMATION): the peer asks for %s === %s, we have %s === %s",
		       iked_ts_format(&q->tsr, a, sizeof(a)),
		       iked_ts_format(&q->tsl, b, sizeof(b)),
		       conn_ts_str(sa, false, e, sizeof(e)),
		       conn_ts_str(sa, true, f, sizeof(f)));
	return -ENOENT;
}

/* A copy of QM2, just sent (sa->resp), in its slot; none if no memory. */
static void keep_qm2(struct ike_sa *sa, struct v1_qm *q)
{
	free(q->resp);
	q->resp = malloc(sa->resp_len);
	q->resp_len = q->resp ? sa->resp_len : 0;
	if (q->resp)
		memcpy(q->resp, sa->resp, sa->resp_len);
	memcpy(q->resp_for, v1(sa)->resp_for, sizeof(q->resp_for));
}

/*
 * The peer's QM1 again, that slot @q answered: its QM2 was lost, our
 * QM2 again. Without it the peer's Quick Mode would time out when a
 * crossing Quick Mode's message was our last response since.
 */
static bool resend_qm2(struct ike_sa *sa, const struct v1_qm *q)
{
	if (q->st != V1_QM_WAIT_MSG3 || !q->resp ||
	    memcmp(q->resp_for, v1(sa)->last_in, sizeof(q->resp_for)))
		return false;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "Quick Mode %08x: QM1 again, our QM2 again", q->msg_id);
	iked_net_send_msgs(&sa->d->net, &sa->path, q->resp, q->resp_len);
	return true;
}

static int send_qm2(struct ike_sa *sa, const struct ikev1_msg *m,
		    const struct ikev1_prop *p, const struct ikev1_xf *x)
{
	struct v1_qm *q = &v1(sa)->qm;
	struct ikev1_chain *c = calloc(1, sizeof(*c));
	const struct ikev1_pl *ii = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 0);
	const struct ikev1_pl *ir = ikev1_chain_find(&m->chain, IKEV1_PL_ID, 1);
	uint8_t zero[IKEV1_HASH_MAX] = { 0 }, spi[4];
	struct ikev1_pl *pl;
	const uint8_t *pub;
	struct ikev1_hdr h;
	size_t pub_len;
	int r = c ? 0 : -ENOMEM;

	ikev1_put32(spi, q->spi_in);
	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_HASH, zero,
				       v1(sa)->keys.len))
		r = -E2BIG;
	if (!r)
		r = v1_sa_echo(c, &m->chain, p, x, spi, 4);
	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_NONCE, q->nr, q->nr_len))
		r = -E2BIG;
	if (!r && q->dh) {
		pub = iked_dh_pub(q->dh, &pub_len);
		if (!ikev1_chain_add_raw(c, IKEV1_PL_KE, pub, pub_len))
			r = -E2BIG;
	}
	/* The proxy IDs as the initiator wrote them (RFC 2409 5.5). */
	if (!r && ii) {
		if (!(pl = ikev1_chain_add(c, IKEV1_PL_ID)))
			r = -E2BIG;
		else
			pl->u.id = ii->u.id;
		if (!r && !(pl = ikev1_chain_add(c, IKEV1_PL_ID)))
			r = -E2BIG;
		else if (!r)
			pl->u.id = ir->u.id;
	}
	if (!r)
		r = v1_natoa_add(sa, c, q->mode, false);
	if (!r)
		r = v1_life_add_notify(sa, c);
	v1_hdr(sa, &h, IKEV1_EXCH_QUICK, q->msg_id);
	if (!r)
		r = v1_send_enc(sa, &h, c, V1_REQ_NONE, qm_fill_hash2);
	free(c);
	if (!r)
		keep_qm2(sa, q);
	return r;
}

/* The responder's choice, nonces, g^xy and proxy IDs for QM1 @m. */
static int resp_take(struct ike_sa *sa, const struct ikev1_msg *m,
		     const struct ikev1_prop **p, const struct ikev1_xf **x)
{
	struct v1_qm *q = &v1(sa)->qm;
	const struct ikev1_pl *pl = ikev1_chain_find(&m->chain, IKEV1_PL_SA, 0);
	int r;

	if (v1_sa2_select(sa, &m->chain, pl, x, p)) {
		char *ours = iked_prop_list_format(&sa->conn->esp);

		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "phase 2 proposal mismatch (NO_PROPOSAL_CHOSEN): nothing in QM1 %08x fits esp= %s (mode %s, PFS %s)",
			       m->hdr.msg_id, ours ? ours : "",
			       sa->conn->mode == IKED_MODE_TRANSPORT ?
			       "transport" : "tunnel",
			       ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0) ?
			       "offered by the peer" : "not offered by the peer");
		free(ours);
		v1_info_notify(sa, IKEV1_N_NO_PROPOSAL_CHOSEN, IKEV1_PROTO_ESP,
			       NULL, 0);
		return -ENOPROTOOPT;
	}
	r = take_nonce(&m->chain, q->ni, &q->ni_len);
	if (!r)
		r = take_ke(sa, &m->chain);
	if (r)
		return r;
	v1_natoa_take(sa, q, &m->chain);
	r = resp_ids(sa, &m->chain);
	if (r) {
		v1_info_notify(sa, IKEV1_N_INVALID_ID_INFORMATION,
			       IKEV1_PROTO_ESP, NULL, 0);
		return r;
	}
	q->nr_len = V1_NONCE_LEN;
	if (RAND_bytes(q->nr, V1_NONCE_LEN) != 1)
		return -EIO;
	return iked_kernel_spi_alloc(sa->d->kern, &sa->path.local, &q->spi_in);
}

static void resp_qm1(struct ike_sa *sa, struct ikev1_msg *m, size_t plen)
{
	struct v1_qm *q = &v1(sa)->qm;
	bool pfs = ikev1_chain_find(&m->chain, IKEV1_PL_KE, 0) != NULL;
	const struct ikev1_prop *p;
	const struct ikev1_xf *x;
	struct child_sa *old, *ch;
	int r;

	if (!v1_rules_ok(sa, pfs ? IKEV1_K_QM1_PFS : IKEV1_K_QM1, m) ||
	    !qm_hash_ok(sa, m, plen, 1))
		return;
	v1_qm_clear(q);
	q->msg_id = m->hdr.msg_id;
	q->commit = m->hdr.flags & IKEV1_F_COMMIT;
	q->mode = sa->conn->mode == IKED_MODE_TRANSPORT ?
		  KESP_MODE_TRANSPORT : KESP_MODE_TUNNEL;
	r = resp_take(sa, m, &p, &x);
	if (!r) {
		v1_life_choose(sa);
		r = send_qm2(sa, m, p, x);
	}
	/*
	 * A rekey: the new inbound SA goes in now, as QM2 leaves (the
	 * initiator may send on the new pair as soon as it has QM2); the
	 * outbound SA waits for QM3, the old pair sends meanwhile.
	 */
	old = r ? NULL : v1_rekey_target(sa, &q->tsl, &q->tsr);
	if (old && v1(sa)->qr_in)
		v1_qm_cross(sa, &v1(sa)->qr, q, old);
	if (old) {
		r = qm_install(sa, true, &ch);
		if (!r) {
			q->early = true;
			if (!v1_qm_cross_late(sa, q, old, ch))
				v1_rekey_taken(sa, old, ch);
			v1_qm_cross_won(sa, ch);
		}
	}
	if (r) {
		ike_sa_log(sa, IKED_LOG_INFO, "Quick Mode %08x refused: %s",
			   m->hdr.msg_id, strerror(-r));
		return qm_done(sa, r);
	}
	q->st = V1_QM_WAIT_MSG3;
}

static void resp_qm3(struct ike_sa *sa, struct ikev1_msg *m, size_t plen)
{
	struct v1_qm *q = &v1(sa)->qm;
	struct child_sa *ch;
	uint8_t spi[4];
	int r = 0;

	if (!v1_rules_ok(sa, IKEV1_K_QM3, m) || !qm_hash_ok(sa, m, plen, 3))
		return;
	if (q->early) {
		/* The initiator has both SAs: the new pair sends now. */
		ch = child_find_in(sa, q->spi_in);
		if (ch)
			child_install_deferred(sa, ch);
	} else {
		r = qm_install(sa, false, &ch);
	}
	if (!r && q->commit) {
		ikev1_put32(spi, q->spi_in);
		v1_info_notify(sa, IKEV1_N_CONNECTED, IKEV1_PROTO_ESP, spi, 4);
	}
	qm_done(sa, r);
}

/* The two Quick Mode slots trade places (v1_sa.qr). */
static void swap_slots(struct v1_sa *v)
{
	struct v1_qm t;

	memcpy(&t, &v->qm, sizeof(t));
	memcpy(&v->qm, &v->qr, sizeof(t));
	memcpy(&v->qr, &t, sizeof(t));
	OPENSSL_cleanse(&t, sizeof(t));
	v->qr_in = !v->qr_in;
}

static void dispatch(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_qm *q = &v1(sa)->qm;
	size_t plen;

	if (v1_decrypt(sa, m, &plen))
		return;
	sa->last_recv = iked_now();
	if (q->st == V1_QM_WAIT_MSG2)
		init_qm2(sa, m, plen);
	else if (q->st == V1_QM_WAIT_MSG3)
		resp_qm3(sa, m, plen);
	else
		resp_qm1(sa, m, plen);
}

void v1_qm_recv(struct ike_sa *sa, struct ikev1_msg *m)
{
	struct v1_sa *v = v1(sa);
	uint32_t id = m->hdr.msg_id;
	bool second;

	if (v->st != V1_MM_ACTIVE) {
		ike_sa_log(sa, IKED_LOG_INFO, "dropped Quick Mode message: phase 1 is not up (%s)",
			   v1_state_name(v->st));
		return;
	}
	if (resend_qm2(sa, &v->qm) || resend_qm2(sa, &v->qr))
		return;
	/*
	 * The peer's Quick Mode beside our own, which waits for its QM2:
	 * both ends may have sent QM1 at once (crossing rekeys, qm_cross.c).
	 */
	second = v->qr.st != V1_QM_IDLE ? id == v->qr.msg_id :
		 v->qm.st == V1_QM_WAIT_MSG2 && id != v->qm.msg_id;
	if (!second && v->qm.st != V1_QM_IDLE && id != v->qm.msg_id) {
		ike_sa_log(sa, IKED_LOG_INFO, "dropped Quick Mode %08x: %08x is under way",
			   id, v->qm.msg_id);
		return;
	}
	if (second)
		swap_slots(v);
	dispatch(sa, m);
	if (second)
		swap_slots(v);
}
