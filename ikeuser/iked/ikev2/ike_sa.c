// SPDX-License-Identifier: GPL-2.0
/* The IKEv2 half of an IKE SA (behind sa->priv) and the table of what the core asks of IKEv2: per IKE SA, what to start, resend, delete. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/crypto.h>

#include "ike.h"
#include "ikev2.h"
#include "../crypto/dh.h"

static int sa_new(struct ike_sa *sa)
{
	sa->priv = calloc(1, sizeof(struct ikev2_state));
	return sa->priv ? 0 : -ENOMEM;
}

static void sa_free(struct ike_sa *sa)
{
	struct ikev2_state *v = v2(sa);

	iked_dh_free(v->dh);
	ikev2_ike_keys_wipe(&v->keys);
	ikev2_reasm_clear(&v->frag_req);
	ikev2_reasm_clear(&v->frag_resp);
	free(v->init_req);
	free(v->init_resp);
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
	sa->priv = NULL;
}

static void sa_abort(struct ike_sa *sa)
{
	child_pending_clear(sa);
	rekey_ike_abort(sa);
}

void v2_established(struct ike_sa *sa)
{
	ike_sa_established(sa);
	/* The secrets that made the keys are of no more use. */
	iked_dh_free(v2(sa)->dh);
	v2(sa)->dh = NULL;
}

static int ike_start(struct ike_sa *sa)
{
	return init_start(sa, 0);
}

static int child_start(struct ike_sa *sa)
{
	return child_create_start(sa, 0);
}

static int rekey_ike(struct ike_sa *sa)
{
	return rekey_ike_start(sa, 0);
}

static int delete_ike(struct ike_sa *sa, bool gently)
{
	return gently ? info_delete_ike_gently(sa) : info_delete_ike(sa);
}

static void retransmit(struct ike_sa *sa)
{
	ike_sa_log(sa, IKED_LOG_INFO, "retransmit %u of request %u", sa->retx,
		   v2(sa)->next_req_id - 1);
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->req, sa->req_len);
}

static const char *request_name(const struct ike_sa *sa)
{
	switch (sa->req_kind) {
	case REQ_INIT:
		return NULL;
	case REQ_AUTH:
		return "IKE_AUTH";
	case REQ_CREATE_CHILD:
	case REQ_REKEY_IKE:
		return "CREATE_CHILD_SA";
	default:
		return "INFORMATIONAL";
	}
}

/* For `kespctl ike diagnose`: what the IKE SA waits for, in IKEv2's terms. */
static const char *waiting_for(const struct ike_sa *sa, char *buf,
			       size_t len)
{
	static const char *const what[] = {
		[REQ_INIT] = "IKE_SA_INIT",
		[REQ_AUTH] = "IKE_AUTH",
		[REQ_CREATE_CHILD] = "CREATE_CHILD_SA (a CHILD SA)",
		[REQ_DELETE_CHILD] = "INFORMATIONAL (our Delete of a CHILD SA)",
		[REQ_DELETE_IKE] = "INFORMATIONAL (our Delete of the IKE SA)",
		[REQ_LIVENESS] = "INFORMATIONAL (a liveness check)",
		[REQ_REKEY_IKE] = "CREATE_CHILD_SA (our IKE SA rekey)",
		[REQ_NOTIFY] = "INFORMATIONAL (our INVALID_SYNTAX notify)",
	};
	iked_ms now = iked_now();

	if (sa->req_kind == REQ_NONE) {
		if (sa->state == IKE_INIT_DONE)
			snprintf(buf, len, "waiting for the peer's IKE_AUTH request");
		else
			snprintf(buf, len, "nothing outstanding");
		return buf;
	}
	snprintf(buf, len,
		 "waiting for the answer to %s request %u, sent %llus ago, %u retransmits so far (gives up after %u)",
		 what[sa->req_kind], v2(sa)->next_req_id - 1,
		 (unsigned long long)(sa->req_sent && now > sa->req_sent ?
				      (now - sa->req_sent) / 1000 : 0),
		 sa->retx, sa->d->retx_tries);
	return buf;
}

static bool child_negotiating(const struct ike_sa *sa)
{
	return v2(sa)->pend.active;
}

void ike_sa_note_vendor(struct ike_sa *sa, const struct ikev2_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->n && !sa->product; i++)
		if (c->pl[i].type == IKEV2_PL_VENDOR)
			sa->product = iked_vendor_product(c->pl[i].body,
							  c->pl[i].len);
	if (sa->product)
		ike_sa_log(sa, IKED_LOG_DEBUG, "the peer runs %s (Vendor ID)",
			   iked_peer_product_name(sa->product));
}

const struct iked_proto ikev2_proto = {
	.name = "IKEv2",
	.major = IKEV2_VERSION >> 4,
	.recv = ikev2_recv,
	.sa_new = sa_new,
	.sa_free = sa_free,
	.sa_abort = sa_abort,
	.ike_start = ike_start,
	.child_start = child_start,
	.rekey_ike = rekey_ike,
	.rekey_child = rekey_child_start,
	.delete_ike = delete_ike,
	.delete_child = child_delete_start,
	.liveness = info_liveness,
	.retransmit = retransmit,
	.request_name = request_name,
	.waiting_for = waiting_for,
	.child_negotiating = child_negotiating,
};
