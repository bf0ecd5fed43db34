// SPDX-License-Identifier: GPL-2.0
/* IKE_AUTH (RFC 7296 1.2, 2.15): identities, AUTH by way of an authenticator (crypto/auth/), the first CHILD SA. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ike.h"
#include "auth.h"
#include "../crypto/auth/auth.h"
#include "../sa/contact.h"

/* Room for what an AUTH was checked against, for the failure line. */
#define IKED_WHY_LEN	(PATH_MAX + 4096)

static int add_id(struct ikev2_chain *c, uint8_t which,
		  const struct iked_conf_id *id)
{
	return ikev2_chain_add_id(c, which, id->type, id->data, id->len);
}

/*
 * The peer's identity as the conns and secrets know them. One longer
 * than any we can hold is refused, not cut: its first IKED_ID_MAX bytes
 * could name another peer.
 */
static int id_from_payload(const struct ikev2_id *p, struct iked_conf_id *id)
{
	memset(id, 0, sizeof(*id));
	if (p->len > IKED_ID_MAX)
		return -E2BIG;
	id->type = p->type;
	id->len = (uint16_t)p->len;
	memcpy(id->data, p->data, id->len);
	return 0;
}

static const char *id_str(const struct iked_conf_id *id, char *buf,
			  size_t len)
{
	return iked_conf_id_format(id, buf, len);
}

/* Whether @c, chosen in IKE_SA_INIT for one conn, is one @l accepts. */
static bool ike_prop_allowed(const struct iked_chosen *c,
			     const struct iked_prop_list *l)
{
	struct ikev2_sa one;
	struct iked_chosen again;

	memset(&one, 0, sizeof(one));
	return ikev2_sa_from_chosen(&one, c, NULL, 0) == 0 &&
	       ikev2_sa_select(&one, l, IKEV2_PROTO_IKE, c->dh, &again) == 0;
}

/*
 * INITIAL_CONTACT (2.4): the peer has no other IKE SA with us, so any we
 * still have between the two identities, of either version, are left
 * over from before it restarted (sa/contact.c).
 */
static void initial_contact(struct ike_sa *sa, const struct ikev2_chain *in)
{
	unsigned int n;

	if (!ikev2_chain_notify(in, IKEV2_N_INITIAL_CONTACT))
		return;
	n = ike_sa_initial_contact(sa, "IKE_AUTH");
	ike_sa_log(sa, IKED_LOG_INFO,
		   "the peer sent INITIAL_CONTACT in IKE_AUTH: %u old IKE SA%s with it deleted",
		   n, n == 1 ? "" : "s");
}

/*
 * The octets the AUTH of one side covers (2.15): the initiator's are its
 * IKE_SA_INIT request, the responder's nonce and SK_pi over its ID; the
 * responder's the other way round.
 */
static int side_octets(struct ike_sa *sa, bool initiator_side,
		       uint8_t id_type, const uint8_t *id, size_t id_len,
		       uint8_t **octets, size_t *len)
{
	struct ikev2_state *v = v2(sa);

	if (initiator_side)
		return ikev2_auth_octets(sa->prop.prf, v->init_req,
					 v->init_req_len, v->nr, v->nr_len,
					 v->keys.sk_pi, v->keys.prf_len,
					 id_type, id, id_len, octets, len);
	return ikev2_auth_octets(sa->prop.prf, v->init_resp, v->init_resp_len,
				 v->ni, v->ni_len, v->keys.sk_pr,
				 v->keys.prf_len, id_type, id, id_len, octets,
				 len);
}

/*
 * Our AUTH as @us towards @peer (NULL: any), by the conn's
 * authenticator: 0, -ENOKEY (no credential: logged), another -errno.
 */
static int our_auth(struct ike_sa *sa, const struct iked_conf_id *us,
		    const struct iked_conf_id *peer, uint8_t *method,
		    uint8_t *auth, size_t cap, size_t *len)
{
	struct iked_auth_req req = {
		.sa = sa, .local = us, .remote = peer, .prf = sa->prop.prf,
		.local_end = sa->local, .remote_end = sa->remote,
		.peer_hashes = v2(sa)->peer_hashes,
	};
	uint8_t *octets;
	size_t olen;
	int r;

	r = side_octets(sa, sa->initiator, us->type, us->data, us->len,
			&octets, &olen);
	if (r)
		return r;
	req.octets = octets;
	req.octets_len = olen;
	r = iked_auth_for(sa->local)->build(&req, method, auth, cap, len);
	ikev2_auth_octets_free(octets, olen);
	return r;
}

/* The bodies of the CERT payloads in @in (the first IKED_AUTH_MAX_CERTS). */
static size_t peer_cert_payloads(const struct ikev2_chain *in,
				 struct iked_auth_blob *out)
{
	size_t n = 0, i;

	for (i = 0; i < in->n && n < IKED_AUTH_MAX_CERTS; i++) {
		if (in->pl[i].type != IKEV2_PL_CERT)
			continue;
		out[n].data = in->pl[i].body;
		out[n++].len = in->pl[i].len;
	}
	return n;
}

/*
 * CERT payloads for our AUTH (@asked: the peer sent a CERTREQ), then a
 * CERTREQ when the peer is to show a certificate (@certreq) and we
 * have CAs for it.
 */
static int add_certs(struct ike_sa *sa, struct ikev2_chain *c, bool asked,
		     bool certreq)
{
	const struct iked_authenticator *au = iked_auth_for(sa->local);
	struct iked_auth_req req = {
		.sa = sa, .local_end = sa->local, .remote_end = sa->remote,
		/* The certificate that AUTH signs with is chosen by them. */
		.peer_hashes = v2(sa)->peer_hashes,
	};
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS], cr;
	size_t n = 0, i;
	int r = 0;

	if (au->our_certs)
		n = au->our_certs(&req, asked, certs, IKED_AUTH_MAX_CERTS);
	for (i = 0; !r && i < n; i++)
		r = ikev2_chain_add_raw(c, IKEV2_PL_CERT, false, certs[i].data,
					certs[i].len);
	if (!r && certreq && iked_auth_for(sa->remote)->our_certs &&
	    iked_auth_certreq(sa->d, &cr))
		r = ikev2_chain_add_raw(c, IKEV2_PL_CERTREQ, false, cr.data,
					cr.len);
	return r;
}

/*
 * Whether the peer authenticates the way the conn wants (rightauth=):
 * a peer that may use a certificate must not get in with a PSK, nor
 * the other way round. Logged when not.
 */
static bool peer_method_ok(struct ike_sa *sa, const char *from,
			   const struct iked_authenticator *au, uint8_t method)
{
	const struct iked_authenticator *want = iked_auth_for(sa->remote);

	if (au && au == want)
		return true;
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "authentication failed: %s uses AUTH method %u (%s), but the conn wants it to authenticate with a %s (rightauth=%s); kesp-iked speaks pre-shared keys (2) and signatures (1, 9, 10, 11, 14)",
		       from, method, au ? au->name : "not supported", want->name,
		       want->keyword);
	return false;
}

/* The failure line of an AUTH that does not prove the peer. */
static void auth_fail_line(struct ike_sa *sa, const char *from,
			   const struct iked_conf_id *peer, int r,
			   const char *why)
{
	char p[IKED_ID_STRLEN];

	if (r == -EPERM)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "authentication failed: %s (ID %s): %s", from,
			       id_str(peer, p, sizeof(p)), why);
	else
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "authentication failed: the AUTH of %s (ID %s) does not verify with %s",
			       from, id_str(peer, p, sizeof(p)), why);
}

/*
 * The peer's AUTH @a over its ID payload @id, as @peer towards @us, by
 * @au: 0 when it proves the peer, -ENOKEY (no credential: logged),
 * another -errno with what it was checked against in @why.
 */
static int peer_auth(struct ike_sa *sa, const struct iked_authenticator *au,
		     const struct iked_conf_id *us,
		     const struct iked_conf_id *peer, const struct ikev2_id *id,
		     const struct ikev2_auth *a, const struct ikev2_chain *in,
		     char *why, size_t why_len)
{
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS];
	size_t n_certs = peer_cert_payloads(in, certs);
	struct iked_auth_req req = {
		.sa = sa, .local = us, .remote = peer, .prf = sa->prop.prf,
		.local_end = sa->local, .remote_end = sa->remote,
		.method = a->method, .certs = certs, .n_certs = n_certs,
	};
	uint8_t *octets;
	size_t olen;
	int r;

	snprintf(why, why_len, "our %s", au->name);
	r = side_octets(sa, !sa->initiator, id->type, id->data, id->len,
			&octets, &olen);
	if (r)
		return r;
	req.octets = octets;
	req.octets_len = olen;
	r = au->verify(&req, a->data, a->len, why, why_len);
	ikev2_auth_octets_free(octets, olen);
	return r;
}

/*
 * Whether checking the peer's certificate in @in waits for a CRL being
 * fetched (logged there): the message is then dropped unanswered, and
 * the retransmission of the request finds the CRL.
 */
static bool peer_must_wait(struct ike_sa *sa,
			   const struct iked_authenticator *au,
			   const struct ikev2_chain *in)
{
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS];
	struct iked_auth_req req = {
		.sa = sa, .local_end = sa->local, .remote_end = sa->remote,
		.certs = certs, .n_certs = peer_cert_payloads(in, certs),
	};

	return au->must_wait && au->must_wait(&req);
}

bool auth_response_waits(struct ike_sa *sa, const struct ikev2_chain *in)
{
	const struct iked_authenticator *au;

	if (!ikev2_chain_has(in, IKEV2_PL_AUTH))
		return false;
	au = iked_auth_by_method(in->auth.method);
	return au && au == iked_auth_for(sa->remote) &&
	       peer_must_wait(sa, au, in);
}

int auth_start(struct ike_sa *sa)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	struct iked_conf_id us;
	uint8_t auth[IKED_AUTH_DATA_MAX], method;
	size_t auth_len;
	int r;

	ike_sa_local_id(sa, &us);
	r = our_auth(sa, &us, sa->remote->id.type ? &sa->remote->id : NULL,
		     &method, auth, sizeof(auth), &auth_len);
	if (r)
		return r;
	r = child_prepare(sa, 0);
	if (r)
		return r;
	ikev2_chain_init(c);
	r = add_id(c, IKEV2_PL_IDI, &us);
	if (!r)
		r = add_certs(sa, c, v2(sa)->peer_certreq, true);
	/* Naming whom we expect lets a responder with many IDs pick (3.5). */
	if (!r && sa->remote->id.type != IKED_ID_ANY)
		r = add_id(c, IKEV2_PL_IDR, &sa->remote->id);
	if (!r)
		r = ikev2_chain_add_auth(c, method, auth, auth_len);
	if (!r && ike_sa_first_contact(sa))
		r = ikev2_chain_add_notify(c, 0, NULL, 0,
					   IKEV2_N_INITIAL_CONTACT, NULL, 0);
	if (!r)
		r = child_add_offer(sa, c);
	if (!r)
		r = xchg_request(sa, REQ_AUTH, IKEV2_EXCH_IKE_AUTH, c);
	if (r)
		return r;
	sa->state = IKE_AUTH_SENT;
	return 0;
}

static void respond_auth_failed(struct ike_sa *sa, uint32_t msg_id)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;

	ikev2_chain_init(c);
	ikev2_chain_add_notify(c, 0, NULL, 0, IKEV2_N_AUTHENTICATION_FAILED,
			       NULL, 0);
	xchg_respond(sa, IKEV2_EXCH_IKE_AUTH, msg_id, c);
	ike_sa_kill(sa, "authentication failed");
}

/*
 * The initiator's identity from IKE_AUTH request @in into *@peer, the
 * conn it authenticates for (set in @sa) and the authenticator of its
 * AUTH method; NULL when refused (logged; the caller answers).
 */
static const struct iked_authenticator *
auth_request_peer(struct ike_sa *sa, const struct ikev2_chain *in,
		  const char *from, struct iked_conf_id *peer)
{
	const struct iked_authenticator *au;
	const struct iked_conf_conn *cfg;
	struct iked_conf_id us_asked;
	char p[IKED_ID_STRLEN];

	/* IDi is there (rules.c); no AUTH is a wish for EAP (2.16). */
	if (!ikev2_chain_has(in, IKEV2_PL_AUTH)) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "IKE_AUTH from %s without AUTH (EAP is not supported)",
			   from);
		return NULL;
	}
	if (id_from_payload(&in->idi, peer) ||
	    (ikev2_chain_has(in, IKEV2_PL_IDR) &&
	     id_from_payload(&in->idr, &us_asked))) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "authentication failed: %s sent an identity longer than %u bytes",
			       from, IKED_ID_MAX);
		return NULL;
	}
	cfg = conn_for_auth(sa->d, &sa->path, peer,
			    ikev2_chain_has(in, IKEV2_PL_IDR) ? &us_asked : NULL,
			    ikev2_chain_has(in, IKEV2_PL_TSI) ? &in->tsi : NULL,
			    ikev2_chain_has(in, IKEV2_PL_TSR) ? &in->tsr : NULL);
	if (!cfg) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "peer ID mismatch: %s identified as %s, which no conn for this address accepts (rightid=%s in %s)",
			       from, id_str(peer, p, sizeof(p)),
			       id_str(&sa->remote->id, (char[IKED_ID_STRLEN]){ 0 },
				      IKED_ID_STRLEN),
			       sa->conn->name);
		return NULL;
	}
	if (cfg != sa->conn && !ike_prop_allowed(&sa->prop, &cfg->ike)) {
		iked_conn_fail(sa->d, cfg, sa->no,
			       "authentication failed: %s identified as %s for this conn, but the IKE SA uses %s, which its ike= does not allow",
			       from, id_str(peer, p, sizeof(p)),
			       iked_chosen_format(&sa->prop, (char[256]){ 0 },
						   256));
		return NULL;
	}
	ike_sa_set_conn(sa, cfg);
	au = iked_auth_by_method(in->auth.method);
	if (!peer_method_ok(sa, from, au, in->auth.method))
		return NULL;
	return au;
}

void auth_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
		     const struct ikev2_chain *in)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	const struct iked_authenticator *au;
	struct iked_conf_id peer, us;
	char p[IKED_ID_STRLEN], from[80], why[IKED_WHY_LEN];
	uint8_t auth[IKED_AUTH_DATA_MAX], method;
	size_t auth_len;
	int r;

	iked_net_format(&sa->path.remote, sa->path.rport, from, sizeof(from));
	au = auth_request_peer(sa, in, from, &peer);
	if (!au) {
		respond_auth_failed(sa, m->hdr.msg_id);
		return;
	}
	if (peer_must_wait(sa, au, in)) {
		/* Unanswered: the retransmission comes in as a new request. */
		v2(sa)->next_peer_id--;
		return;
	}
	ike_sa_local_id(sa, &us);
	v2(sa)->peer_certreq = ikev2_chain_has(in, IKEV2_PL_CERTREQ);
	sig_certreq_take(sa, in);
	r = peer_auth(sa, au, &us, &peer, &in->idi, &in->auth, in, why,
		      sizeof(why));
	if (r == -ENOKEY) {
		respond_auth_failed(sa, m->hdr.msg_id);
		return;
	}
	if (r) {
		auth_fail_line(sa, from, &peer, r, why);
		respond_auth_failed(sa, m->hdr.msg_id);
		return;
	}
	sa->peer_id = peer;
	r = our_auth(sa, &us, &peer, &method, auth, sizeof(auth), &auth_len);
	if (r) {
		ike_sa_kill(sa, "cannot compute AUTH");
		return;
	}
	ikev2_chain_init(c);
	r = add_id(c, IKEV2_PL_IDR, &us);
	if (!r)
		r = add_certs(sa, c, v2(sa)->peer_certreq, false);
	if (!r)
		r = ikev2_chain_add_auth(c, method, auth, auth_len);
	if (r) {
		ike_sa_kill(sa, "cannot build IKE_AUTH response");
		return;
	}
	v2_established(sa);
	initial_contact(sa, in);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "IKE SA established with %s (ID %s), %s", from,
		   id_str(&peer, p, sizeof(p)),
		   iked_chosen_format(&sa->prop, (char[256]){ 0 }, 256));
	if (ikev2_chain_has(in, IKEV2_PL_SA))
		child_respond(sa, in, v2(sa)->ni, v2(sa)->ni_len, v2(sa)->nr, v2(sa)->nr_len,
			      NULL, 0, true, NULL, c);
	xchg_respond(sa, IKEV2_EXCH_IKE_AUTH, m->hdr.msg_id, c);
}

/*
 * An IKE_AUTH response that refuses us (AUTHENTICATION_FAILED, or no
 * AUTH but an error): logged, the IKE SA ended, true. False otherwise.
 */
static bool auth_refused(struct ike_sa *sa, const struct ikev2_chain *in,
			 const char *from, const struct iked_conf_id *us)
{
	char p[IKED_ID_STRLEN], want[IKED_ID_STRLEN];

	if (ikev2_chain_notify(in, IKEV2_N_AUTHENTICATION_FAILED)) {
		char asked[IKED_ID_STRLEN + 64] = "";

		/* The peer does not say which: name both halves we sent. */
		if (sa->remote->id.type != IKED_ID_ANY)
			snprintf(asked, sizeof(asked),
				 ", or it has no conn for the ID we asked it to be (rightid=%s)",
				 id_str(&sa->remote->id, want, sizeof(want)));
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "authentication failed: %s rejected us (AUTHENTICATION_FAILED): %s, the peer does not accept our ID %s%s",
			       from,
			       sa->local->auth == IKED_CONF_AUTH_PUBKEY ?
			       "it does not trust our certificate (or wants another authentication method)" :
			       "the pre-shared keys differ",
			       id_str(us, p, sizeof(p)), asked);
		ike_sa_kill(sa, "authentication failed");
		return true;
	}
	/* Without IDr and AUTH it is a refusal, with its error (rules.c). */
	if (!ikev2_chain_has(in, IKEV2_PL_AUTH)) {
		const struct ikev2_notify *n = ikev2_error_notify(in);

		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "%s answered IKE_AUTH with %s", from,
			       n && ikev2_notify_name(n->type) ?
			       ikev2_notify_name(n->type) : "an unknown error");
		ike_sa_kill(sa, "IKE_AUTH refused");
		return true;
	}
	return false;
}

void auth_on_response(struct ike_sa *sa, const struct ikev2_chain *in)
{
	const struct iked_authenticator *au;
	struct iked_conf_id peer, us;
	char p[IKED_ID_STRLEN], want[IKED_ID_STRLEN], from[80];
	char why[IKED_WHY_LEN];
	int r;

	iked_net_format(&sa->path.remote, sa->path.rport, from, sizeof(from));
	ike_sa_local_id(sa, &us);
	if (auth_refused(sa, in, from, &us))
		return;
	if (id_from_payload(&in->idr, &peer)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "authentication failed: %s sent an identity longer than %u bytes",
			       from, IKED_ID_MAX);
		ike_sa_kill(sa, "authentication failed");
		return;
	}
	if (!iked_conf_id_match(&sa->remote->id, &peer)) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "peer ID mismatch: %s identified as %s, rightid=%s expected",
			       from, id_str(&peer, p, sizeof(p)),
			       id_str(&sa->remote->id, want, sizeof(want)));
		ike_sa_kill(sa, "peer ID mismatch");
		return;
	}
	au = iked_auth_by_method(in->auth.method);
	if (!peer_method_ok(sa, from, au, in->auth.method)) {
		ike_sa_kill(sa, "authentication failed");
		return;
	}
	r = peer_auth(sa, au, &us, &peer, &in->idr, &in->auth, in, why,
		      sizeof(why));
	if (r == -ENOKEY) {
		ike_sa_kill(sa, "no credential");
		return;
	}
	if (r) {
		auth_fail_line(sa, from, &peer, r, why);
		ike_sa_kill(sa, "authentication failed");
		return;
	}
	sa->peer_id = peer;
	initial_contact(sa, in);
	ike_sa_log(sa, IKED_LOG_INFO, "IKE SA established with %s (ID %s), %s",
		   from, id_str(&peer, p, sizeof(p)),
		   iked_chosen_format(&sa->prop, (char[256]){ 0 }, 256));
	r = child_complete(sa, in, v2(sa)->ni, v2(sa)->ni_len, v2(sa)->nr, v2(sa)->nr_len,
			   NULL, 0);
	v2_established(sa);
	if (!r)
		reauth_done(sa);
	ike_sa_answer(sa, r);
}
