// SPDX-License-Identifier: GPL-2.0
/* The IKEv1 half of an IKE (ISAKMP) SA behind sa->priv, and the table of what the core asks of IKEv1: per SA, what to start, resend, delete. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "ikev1.h"
#include "v1.h"
#include "../sa/lifetime.h"
#include "../sa/child_sa.h"

static const char *const state_names[] = {
	[V1_MM_NO_STATE] = "MM_NO_STATE",
	[V1_MM_WAIT_MSG2] = "MM_WAIT_MSG2",
	[V1_MM_WAIT_MSG3] = "MM_WAIT_MSG3",
	[V1_MM_WAIT_MSG4] = "MM_WAIT_MSG4",
	[V1_MM_WAIT_MSG5] = "MM_WAIT_MSG5",
	[V1_MM_WAIT_MSG6] = "MM_WAIT_MSG6",
	[V1_MM_ACTIVE] = "MM_ACTIVE",
	[V1_AG_INIT_EXCH] = "AG_INIT_EXCH",
	[V1_AG_AUTH] = "AG_AUTH",
};

const char *v1_state_name(enum v1_state st)
{
	return (size_t)st < sizeof(state_names) / sizeof(state_names[0]) ?
	       state_names[st] : "?";
}

static int sa_new(struct ike_sa *sa)
{
	sa->priv = calloc(1, sizeof(struct v1_sa));
	return sa->priv ? 0 : -ENOMEM;
}

static void sa_free(struct ike_sa *sa)
{
	struct v1_sa *v = v1(sa);

	iked_dh_free(v->dh);
	v1_qm_clear(&v->qm);
	v1_qm_clear(&v->qr);
	ikev1_reasm_clear(&v->reasm);
	ikev1_keys_wipe(&v->keys);
	free(v->sai_b);
	free(v->idi_b);
	free(v->cr_mem);
	free(v->sig_mem);
	free(v->del_spis);
	v1_wait_free(sa);
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
	sa->priv = NULL;
}

static void sa_abort(struct ike_sa *sa)
{
	v1_qm_clear(&v1(sa)->qm);
	v1_qm_clear(&v1(sa)->qr);
	v1_ike_rekey_failed(sa);
}

void v1_established(struct ike_sa *sa)
{
	char alg[256];
	int r;

	v1(sa)->st = V1_MM_ACTIVE;
	ike_sa_established(sa);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "ISAKMP SA established (IKEv1 %s Mode, %s), %s, lifetime %us",
		   v1(sa)->aggressive ? "Aggressive" : "Main",
		   sa->initiator ? "initiator" : "responder",
		   iked_chosen_format(&sa->prop, alg, sizeof(alg)),
		   ike_sa_lifetime(sa));
	/* A rekey carries the IPsec SAs over: no Quick Mode for it. */
	if (v1_ike_rekey_done(sa) || !sa->initiator)
		return;
	r = v1_qm_start(sa, NULL);
	if (r)
		ike_sa_answer(sa, r);
}

static int ike_start(struct ike_sa *sa)
{
	return sa->conn->aggressive ? v1_am_start(sa) : v1_mm_start(sa);
}

static int child_start(struct ike_sa *sa)
{
	return v1_qm_start(sa, NULL);
}

static int rekey_child(struct ike_sa *sa, struct child_sa *ch)
{
	return v1_rekey_start(sa, ch);
}

/*
 * Nothing answers an IKEv1 Delete (RFC 2408 3.15): it goes a few times
 * (retransmit_keep_last), so that one lost datagram does not leave the
 * peer with SAs until its DPD or lifetime ends them. Meanwhile the
 * ISAKMP SA only receives Informational exchanges (recv.c).
 */
static int delete_ike(struct ike_sa *sa, bool gently)
{
	struct v1_sa *v = v1(sa);
	struct child_sa *ch;
	size_t n = 0;
	int r;

	(void)gently;
	for (ch = sa->children; ch; ch = ch->next)
		n++;
	free(v->del_spis);
	v->n_del_spis = 0;
	v->del_spis = n ? calloc(n, sizeof(*v->del_spis)) : NULL;
	for (ch = sa->children; ch && v->del_spis; ch = ch->next)
		v->del_spis[v->n_del_spis++] = ch->spi_in;
	/* Nothing more goes through the tunnel once we decided. */
	while (sa->children)
		child_remove(sa, sa->children, NULL);
	if (sa->req_kind)
		retransmit_done(sa);
	r = v1_info_delete_ike(sa);
	if (r) {
		ike_sa_kill(sa, NULL);
		return r;
	}
	sa->state = IKE_DELETING;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "deleting ISAKMP SA: its Delete goes %u times more (it is not answered)",
		   IKED_LAST_RESENDS);
	return 0;
}

static int liveness(struct ike_sa *sa)
{
	return v1_info_dpd(sa);
}

static void retransmit(struct ike_sa *sa)
{
	ike_sa_log(sa, IKED_LOG_INFO, "retransmit %u of %s", sa->retx,
		   sa->req_kind == V1_REQ_MM1 ? "MM1" :
		   sa->req_kind == V1_REQ_MM3 ? "MM3" :
		   sa->req_kind == V1_REQ_MM5 ? "MM5" :
		   sa->req_kind == V1_REQ_QM1 ? "QM1" :
		   sa->req_kind == V1_REQ_DELETE ? "Delete" : "R-U-THERE");
	if (sa->req_kind == V1_REQ_DELETE) {
		v1_info_delete_again(sa);
		return;
	}
	/* All the fragments again, when it went as fragments. */
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->req, sa->req_len);
}

static const char *request_name(const struct ike_sa *sa)
{
	switch (sa->req_kind) {
	case V1_REQ_MM1:
		return NULL;
	case V1_REQ_MM3:
		return "Main Mode MM3";
	case V1_REQ_MM5:
		return "Main Mode MM5 (pre-shared key mismatch likely)";
	case V1_REQ_QM1:
		return "Quick Mode QM1";
	case V1_REQ_DELETE:
		return "Delete";
	default:
		return "DPD R-U-THERE";
	}
}

static const char *waiting_for(const struct ike_sa *sa, char *buf, size_t len)
{
	const struct v1_qm *q = &v1(sa)->qm;
	const char *held = v1_wait_what(sa);

	snprintf(buf, len, "IKEv1 %s%s%s%s", v1_state_name(v1(sa)->st),
		 q->st == V1_QM_WAIT_MSG2 ? ", QM_WAIT_MSG2 (Quick Mode answer)" :
		 q->st == V1_QM_WAIT_MSG3 ? ", QM_WAIT_MSG3 (Quick Mode commit)" :
		 "", held ? ", the peer's " : "",
		 held ? held : "");
	if (held)
		snprintf(buf + strlen(buf), len - strlen(buf),
			 " held for the revocation check of its certificate");
	return buf;
}

/*
 * A Quick Mode in the main slot, ours or the peer's (as before there was
 * a second slot), or one of ours in the second: `kespctl ike up` waits
 * for it. The peer's Quick Mode in the second slot does not count: it
 * may never end (a peer that gives up on it says nothing), and waiting
 * on it hung `ike up` against pluto in CI.
 */
static bool child_negotiating(const struct ike_sa *sa)
{
	const struct v1_qm *q = &v1(sa)->qm, *r = &v1(sa)->qr;

	return q->st != V1_QM_IDLE || (r->st != V1_QM_IDLE && r->initiator);
}

const struct iked_proto ikev1_proto = {
	.name = "IKEv1",
	.major = 1,
	.recv = ikev1_recv,
	.sa_new = sa_new,
	.sa_free = sa_free,
	.sa_abort = sa_abort,
	.ike_start = ike_start,
	.child_start = child_start,
	.rekey_ike = v1_ike_rekey_start,
	.retire_ike = v1_ike_retire,
	.rekey_child = rekey_child,
	.delete_ike = delete_ike,
	.delete_child = v1_rekey_delete,
	.liveness = liveness,
	.retransmit = retransmit,
	.request_name = request_name,
	.waiting_for = waiting_for,
	.child_negotiating = child_negotiating,
	.cred_ready = v1_wait_ready,
};
