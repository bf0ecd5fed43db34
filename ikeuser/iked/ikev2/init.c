// SPDX-License-Identifier: GPL-2.0
/* IKE_SA_INIT (RFC 7296 1.2): proposals, key exchange, nonces, the IKE SA's keys. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike.h"
#include "ikev2.h"
#include "../crypto/dh.h"
#include "keys.h"
#include "../peerlog.h"
#include "../sa/halfopen.h"

#define OUR_NONCE_LEN	32

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len);

	if (q)
		memcpy(q, p, len);
	return q;
}

int init_start(struct ike_sa *sa, uint16_t group)
{
	const struct iked_prop_list *ike = &sa->conn->ike;
	struct ikev2_msg *m = &v2_msgs(sa->d)->tx;
	const uint8_t *pub;
	size_t pub_len;
	int r;

	if (!group)
		group = ike->props[0].dh[0];
	/*
	 * A retry with a cookie sends "all other payloads unchanged" (2.6):
	 * some responders hash our nonce into the cookie. Only a new group
	 * needs a new key.
	 */
	if (!v2(sa)->dh || group != v2(sa)->ke_group) {
		iked_dh_free(v2(sa)->dh);
		v2(sa)->dh = NULL;
		r = iked_dh_new(group, &v2(sa)->dh);
		if (r) {
			ike_sa_log(sa, IKED_LOG_ERR, "key exchange %s: %s",
				   iked_dh_name(group) ?: "?", strerror(-r));
			return r;
		}
		v2(sa)->ke_group = group;
		v2(sa)->ni_len = OUR_NONCE_LEN;
		if (RAND_bytes(v2(sa)->ni, (int)v2(sa)->ni_len) != 1)
			return -EIO;
	}
	memset(sa->spi_r, 0, 8);
	memset(&v2(sa)->offered, 0, sizeof(v2(sa)->offered));
	r = ikev2_sa_from_props(&v2(sa)->offered, ike, IKEV2_PROTO_IKE, NULL, 0,
				group, false);
	if (r)
		return r;
	pub = iked_dh_pub(v2(sa)->dh, &pub_len);
	ikev2_msg_init(m, sa->spi_i, sa->spi_r, IKEV2_EXCH_IKE_SA_INIT,
		       IKEV2_F_INITIATOR, 0);
	/* A cookie goes first (2.6). */
	if (v2(sa)->cookie_len)
		ikev2_chain_add_notify(&m->chain, 0, NULL, 0, IKEV2_N_COOKIE,
				       v2(sa)->cookie, v2(sa)->cookie_len);
	m->chain.sa = v2(sa)->offered;
	r = ikev2_chain_add(&m->chain, IKEV2_PL_SA);
	if (!r)
		r = ikev2_chain_add_ke(&m->chain, group, pub, pub_len);
	if (!r)
		r = ikev2_chain_add_nonce(&m->chain, v2(sa)->ni, v2(sa)->ni_len);
	if (!r)
		r = natt_add_natd(sa, &m->chain, sa->spi_i, sa->spi_r);
	if (!r)
		r = sig_init_add(sa, &m->chain, false);
	if (!r)
		r = frag_init_add(sa, &m->chain, false);
	if (r)
		return r;
	r = xchg_request_plain(sa, REQ_INIT, m);
	if (r)
		return r;
	free(v2(sa)->init_req);
	v2(sa)->init_req = dup_bytes(sa->req, sa->req_len);
	if (!v2(sa)->init_req)
		return -ENOMEM;
	v2(sa)->init_req_len = sa->req_len;
	sa->state = IKE_INIT_SENT;
	ike_sa_log(sa, IKED_LOG_INFO, "initiating IKE SA with %s",
		   iked_net_format(&sa->path.remote, sa->path.rport,
				   (char[80]){ 0 }, 80));
	return 0;
}

int init_derive_keys(struct ike_sa *sa, const uint8_t *ke, size_t ke_len)
{
	uint8_t gir[IKED_DH_SHARED_MAX];
	size_t gir_len;
	int r;

	r = iked_dh_shared(v2(sa)->dh, ke, ke_len, gir, &gir_len);
	if (r) {
		/* Before any authentication: rate-limited per source. */
		iked_log_peer(sa->d, &sa->path.remote, IKED_LOG_WARN,
			      ike_sa_name(sa), sa->no,
			      "peer's %s public value (%zu bytes) is invalid",
			      iked_dh_name(sa->prop.dh) ?: "?", ke_len);
		return r;
	}
	r = ikev2_sk_key_lens(sa->prop.encr, sa->prop.encr_key_bits,
			      sa->prop.integ, &v2(sa)->enc_len, &v2(sa)->integ_len);
	if (!r)
		r = ikev2_derive_ike_keys(sa->prop.prf, v2(sa)->ni, v2(sa)->ni_len,
					  v2(sa)->nr, v2(sa)->nr_len, gir, gir_len,
					  sa->spi_i, sa->spi_r, v2(sa)->integ_len,
					  v2(sa)->enc_len, &v2(sa)->keys);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (r)
		ike_sa_log(sa, IKED_LOG_ERR, "key derivation failed: %s",
			   strerror(-r));
	return r;
}

/* An error answer to IKE_SA_INIT, with no state kept (2.6, 2.7). */
static void refuse(struct iked *d, const struct ikev2_msg *req,
		   const struct iked_path *path, uint16_t type,
		   const void *data, size_t len)
{
	struct ikev2_msg *m = &v2_msgs(d)->tx;
	static const uint8_t zero[8];

	ikev2_msg_init(m, req->hdr.spi_i, zero, IKEV2_EXCH_IKE_SA_INIT,
		       IKEV2_F_RESPONSE, 0);
	ikev2_chain_add_notify(&m->chain, 0, NULL, 0, type, data, len);
	xchg_respond_plain(d, path, m);
}

/*
 * Under load (cookie_threshold half-open SAs), an IKE_SA_INIT is
 * answered with a COOKIE (RFC 7296 2.6; the core's sa/halfopen.c makes
 * it) unless it brings a valid one: true when the request may go on.
 */
static bool cookie_ok(struct iked *d, const struct ikev2_msg *m,
		      const struct iked_path *path, unsigned int half_open,
		      const char *from)
{
	const struct ikev2_notify *n = ikev2_chain_notify(&m->chain,
							  IKEV2_N_COOKIE);
	uint8_t want[IKED_COOKIE_LEN];

	if (!cookie_required(d, half_open))
		return true;
	cookie_make(d, &path->remote, m->hdr.spi_i, m->chain.nonce.data,
		    m->chain.nonce.len, want);
	if (n && cookie_matches(want, n->data, n->len))
		return true;
	refuse(d, m, path, IKEV2_N_COOKIE, want, IKED_COOKIE_LEN);
	cookie_asked(d, half_open, from);
	return false;
}

static bool group_configured(const struct iked_prop_list *l, uint16_t group)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->props[i].n_dh; j++)
			if (l->props[i].dh[j] == group)
				return true;
	return false;
}

static const char *ours_format(const struct iked_prop_list *l, char *buf,
			       size_t len)
{
	size_t i, off = 0;
	char one[256];

	buf[0] = '\0';
	for (i = 0; i < l->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "",
					iked_prop_format(&l->props[i], one,
							 sizeof(one)));
	return buf;
}

/*
 * Whether an IKE_SA_INIT request may make a new IKE SA: not a
 * retransmission (answered again, 2.1), not one half-open SA too many
 * (the core counts them, of every version); the half-open count into
 * *@half_open. A retransmission is the same bytes: a request with the
 * same SPI but other bytes (a retry with the cookie we asked for, or in
 * the group we asked for, after an earlier copy got a full answer)
 * replaces the half-open SA that answer made, else the initiator would
 * get our old answer and sign its new request over the old exchange.
 */
static bool init_same_request(const struct ike_sa *sa, const uint8_t *buf,
			      size_t len)
{
	return v2(sa)->init_req && v2(sa)->init_req_len == len &&
	       !memcmp(v2(sa)->init_req, buf, len);
}

static bool init_admit(struct iked *d, const struct ikev2_msg *m,
		       const struct iked_path *path, const char *from,
		       const uint8_t *buf, size_t len, unsigned int *half_open)
{
	unsigned int half_open_peer;
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->initiator || sa->state == IKE_DEAD || !is_v2(sa) ||
		    memcmp(&sa->path.remote, &path->remote,
			   sizeof(path->remote)) ||
		    memcmp(sa->spi_i, m->hdr.spi_i, 8))
			continue;
		if (sa->state == IKE_INIT_DONE &&
		    !init_same_request(sa, buf, len)) {
			ike_sa_kill(sa, "replaced by a new IKE_SA_INIT with its SPI");
			break;
		}
		if (sa->state == IKE_INIT_DONE && v2(sa)->init_resp)
			iked_net_send(&d->net, &sa->path, v2(sa)->init_resp,
				      v2(sa)->init_resp_len);
		*half_open = 0;
		return false;
	}
	if (halfopen_full(d, &path->remote, half_open, &half_open_peer)) {
		iked_log_peer(d, &path->remote, IKED_LOG_DEBUG, NULL, 0,
			      "IKE_SA_INIT from %s dropped: %u half-open IKE SAs (%u from it)",
			      from, *half_open, half_open_peer);
		return false;
	}
	return true;
}

/*
 * The conn and the IKE algorithms for an IKE_SA_INIT request, into
 * *@cfg and @chosen; false when refused (answered, logged).
 */
static bool init_choose(struct iked *d, const struct ikev2_msg *m,
			const struct iked_path *path, const char *from,
			const struct iked_conf_conn **cfg,
			struct iked_chosen *chosen)
{
	char theirs[1024], ours[1024], here[80];
	uint8_t g[2];

	*cfg = conn_for_init(d, path);
	if (!*cfg) {
		iked_log_peer(d, &path->remote, IKED_LOG_WARN, NULL, 0,
			      "no conn for peer %s talking to %s: check right= and left= (answered NO_PROPOSAL_CHOSEN)",
			      from, iked_net_format(&path->local, path->lport,
						    here, sizeof(here)));
		refuse(d, m, path, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return false;
	}
	if (iked_conn_of(d, *cfg)->ike_version != 2) {
		iked_conn_fail_peer(d, *cfg, 0, &path->remote,
			       "IKE version mismatch: %s sent IKEv2 IKE_SA_INIT, but conn %s is keyexchange=ikev1 (answered NO_PROPOSAL_CHOSEN); make one side's conn the other's version",
			       from, (*cfg)->name);
		refuse(d, m, path, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return false;
	}
	if (ikev2_sa_select(&m->chain.sa, &(*cfg)->ike, IKEV2_PROTO_IKE,
			    m->chain.ke.group, chosen)) {
		iked_conn_fail_peer(d, *cfg, 0, &path->remote,
			       "no proposal chosen: IKE proposal mismatch with %s: peer offered %s; we accept %s",
			       from, ikev2_sa_format(&m->chain.sa, theirs,
						     sizeof(theirs)),
			       ours_format(&(*cfg)->ike, ours, sizeof(ours)));
		refuse(d, m, path, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return false;
	}
	if (chosen->dh != m->chain.ke.group) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, (*cfg)->name, 0,
			      "peer %s sent a %s key exchange, asking for %s (INVALID_KE_PAYLOAD)",
			      from, iked_dh_name(m->chain.ke.group) ?: "unknown",
			      iked_dh_name(chosen->dh) ?: "?");
		ikev2_put16(g, chosen->dh);
		refuse(d, m, path, IKEV2_N_INVALID_KE_PAYLOAD, g, sizeof(g));
		return false;
	}
	return true;
}

/*
 * Our IKE_SA_INIT response for @sa to @m into d->out, its length to
 * *@rlen; NAT detection is checked on the way (ours only if the
 * initiator does it too, 2.23). 0 or -errno.
 */
static int init_build_response(struct ike_sa *sa, const struct ikev2_msg *m,
			       size_t *rlen)
{
	struct iked *d = sa->d;
	struct ikev2_msg *out = &v2_msgs(d)->tx;
	const uint8_t *pub;
	size_t pub_len;
	int r;

	pub = iked_dh_pub(v2(sa)->dh, &pub_len);
	ikev2_msg_init(out, sa->spi_i, sa->spi_r, IKEV2_EXCH_IKE_SA_INIT,
		       IKEV2_F_RESPONSE, 0);
	memset(&out->chain.sa, 0, sizeof(out->chain.sa));
	r = ikev2_sa_from_chosen(&out->chain.sa, &sa->prop, NULL, 0);
	if (!r)
		r = ikev2_chain_add(&out->chain, IKEV2_PL_SA);
	if (!r)
		r = ikev2_chain_add_ke(&out->chain, sa->prop.dh, pub, pub_len);
	if (!r)
		r = ikev2_chain_add_nonce(&out->chain, v2(sa)->nr,
					  v2(sa)->nr_len);
	natt_check(sa, &m->chain, m->hdr.spi_i, m->hdr.spi_r);
	if (!r && sa->natt.peer_natd)
		r = natt_add_natd(sa, &out->chain, sa->spi_i, sa->spi_r);
	if (!r)
		r = sig_init_add(sa, &out->chain, true);
	if (!r)
		r = frag_init_add(sa, &out->chain, true);
	if (!r)
		r = ikev2_msg_build(out, d->out, sizeof(d->out), rlen);
	return r;
}

void init_on_request(struct iked *d, const struct ikev2_msg *m,
		     const uint8_t *buf, size_t len,
		     const struct iked_path *path)
{
	static const uint8_t zero[8];
	const struct iked_conf_conn *cfg;
	struct iked_chosen chosen;
	unsigned int half_open;
	struct ike_sa *sa;
	char from[80];
	size_t rlen;
	int r;

	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	if (m->hdr.msg_id != 0 || memcmp(m->hdr.spi_r, zero, 8) ||
	    !(m->hdr.flags & IKEV2_F_INITIATOR))
		return;
	if (!init_admit(d, m, path, from, buf, len, &half_open))
		return;
	/* SA, KE and Nonce are there: check_plain() saw to it. */
	if (!cookie_ok(d, m, path, half_open, from) ||
	    !init_choose(d, m, path, from, &cfg, &chosen))
		return;
	sa = ike_sa_new(d, &ikev2_proto, false, path);
	if (!sa)
		return;
	ike_sa_set_conn(sa, cfg);
	memcpy(sa->spi_i, m->hdr.spi_i, 8);
	ike_sa_note_vendor(sa, &m->chain);
	sig_init_note(sa, &m->chain);
	frag_init_note(sa, &m->chain);
	sa->prop = chosen;
	v2(sa)->ni_len = m->chain.nonce.len;
	memcpy(v2(sa)->ni, m->chain.nonce.data, v2(sa)->ni_len);
	v2(sa)->nr_len = OUR_NONCE_LEN;
	r = RAND_bytes(v2(sa)->nr, (int)v2(sa)->nr_len) == 1 ? 0 : -EIO;
	if (!r)
		r = iked_dh_new(chosen.dh, &v2(sa)->dh);
	if (!r)
		r = init_derive_keys(sa, m->chain.ke.data, m->chain.ke.len);
	if (r) {
		refuse(d, m, path, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		ike_sa_kill(sa, NULL);
		return;
	}
	r = init_build_response(sa, m, &rlen);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot build IKE_SA_INIT response: %s",
			   strerror(-r));
		ike_sa_kill(sa, NULL);
		return;
	}
	v2(sa)->init_req = dup_bytes(buf, len);
	v2(sa)->init_resp = dup_bytes(d->out, rlen);
	if (!v2(sa)->init_req || !v2(sa)->init_resp) {
		ike_sa_kill(sa, NULL);
		return;
	}
	v2(sa)->init_req_len = len;
	v2(sa)->init_resp_len = rlen;
	v2(sa)->next_peer_id = 1;
	sa->state = IKE_INIT_DONE;
	iked_log_peer(d, &path->remote, IKED_LOG_INFO, ike_sa_name(sa), sa->no,
		      "%s is initiating an IKE SA (%s)", from,
		      iked_chosen_format(&chosen, (char[256]){ 0 }, 256));
	iked_net_send(&d->net, path, v2(sa)->init_resp, rlen);
}

/*
 * Retry IKE_SA_INIT (with a cookie or another group). Each copy of the
 * request we replace may still be answered, and its answer is not to
 * ours: a full answer to it would have us sign the new request over the
 * old exchange's keys (AUTH fails at the peer), a second INVALID_KE or
 * an answer in the old group would end the IKE SA. The one answer
 * being handled is not due any more.
 */
static void init_retry(struct ike_sa *sa, uint16_t group)
{
	v2(sa)->init_stale += sa->retx;
	if (init_start(sa, group))
		ike_sa_kill(sa, "cannot retry IKE_SA_INIT");
}

/*
 * Whether an answer is one due to a request we replaced (dropped). Once
 * we have retransmitted the new request, those answers are seconds late
 * and lost, and what comes answers ours.
 */
static bool init_response_stale(struct ike_sa *sa)
{
	if (sa->retx)
		v2(sa)->init_stale = 0;
	if (!v2(sa)->init_stale)
		return false;
	v2(sa)->init_stale--;
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "dropped an answer to an IKE_SA_INIT we have replaced (%u more due)",
		   v2(sa)->init_stale);
	return true;
}

/*
 * An IKE_SA_INIT response that is a notify: a COOKIE or another group
 * to retry with, or a refusal (the IKE SA ends). True when @c was one
 * (handled); false when it is an answer to go on with.
 */
static bool init_response_notify(struct ike_sa *sa,
				 const struct ikev2_chain *c,
				 const char *peer)
{
	const struct ikev2_notify *n;

	n = ikev2_chain_notify(c, IKEV2_N_COOKIE);
	if (n && (n->len < 1 || n->len > sizeof(v2(sa)->cookie))) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped IKE_SA_INIT response from %s: a cookie of %zu bytes",
			   peer, n->len);
		return true;
	}
	if (n) {
		/* Only one cookie round: a second one is a loop. */
		if (v2(sa)->cookie_len) {
			ike_sa_log(sa, IKED_LOG_WARN, "%s asked for a cookie twice", peer);
			return true;
		}
		memcpy(v2(sa)->cookie, n->data, n->len);
		v2(sa)->cookie_len = n->len;
		ike_sa_log(sa, IKED_LOG_INFO, "%s asked for a cookie: retrying",
			   peer);
		init_retry(sa, v2(sa)->ke_group);
		return true;
	}
	n = ikev2_chain_notify(c, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n) {
		uint16_t g = n->len == 2 ? ikev2_get16(n->data) : 0;

		if (g && g != v2(sa)->ke_group &&
		    group_configured(&sa->conn->ike, g)) {
			ike_sa_log(sa, IKED_LOG_INFO,
				   "%s wants key exchange %s instead of %s: retrying",
				   peer, iked_dh_name(g) ?: "?",
				   iked_dh_name(v2(sa)->ke_group) ?: "?");
			init_retry(sa, g);
			return true;
		}
		retransmit_done(sa);
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no proposal chosen: %s wants key exchange group %u (%s), which ike= does not allow",
			       peer, g, iked_dh_name(g) ?: "unknown");
		ike_sa_kill(sa, "peer wants a key exchange group we do not allow");
		return true;
	}
	n = ikev2_error_notify(c);
	if (n) {
		retransmit_done(sa);
		if (n->type == IKEV2_N_NO_PROPOSAL_CHOSEN) {
			char ours[1024];

			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "no proposal chosen: IKE proposal mismatch: %s accepted none of ours: %s (or it has no IKEv2 conn for us at all: IKEv1 only?)",
				       peer, ikev2_sa_format(&v2(sa)->offered, ours,
							     sizeof(ours)));
		} else {
			iked_conn_fail(sa->d, sa->conn, sa->no,
				       "%s answered IKE_SA_INIT with %s",
				       peer,
				       ikev2_notify_name(n->type) ?:
				       "an unknown error");
		}
		ike_sa_kill(sa, "IKE_SA_INIT refused");
		return true;
	}
	return false;
}

void init_on_response(struct ike_sa *sa, const struct ikev2_msg *m,
		      const uint8_t *buf, size_t len)
{
	const struct ikev2_chain *c = &m->chain;
	char peer[80];
	int r;

	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	if (init_response_stale(sa) || init_response_notify(sa, c, peer))
		return;
	/* Not a refusal: SA, KE and Nonce are there (check_plain()). */
	r = ikev2_sa_check_reply(&c->sa, &v2(sa)->offered, IKEV2_PROTO_IKE,
				 &sa->prop);
	if (r || sa->prop.dh != c->ke.group || c->ke.group != v2(sa)->ke_group) {
		retransmit_done(sa);
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "%s chose an IKE proposal we did not offer", peer);
		ike_sa_kill(sa, "invalid IKE_SA_INIT response");
		return;
	}
	retransmit_done(sa);
	memcpy(sa->spi_r, m->hdr.spi_r, 8);
	ike_sa_note_vendor(sa, c);
	sig_init_note(sa, c);
	frag_init_note(sa, c);
	v2(sa)->nr_len = c->nonce.len;
	memcpy(v2(sa)->nr, c->nonce.data, v2(sa)->nr_len);
	v2(sa)->init_resp = dup_bytes(buf, len);
	if (!v2(sa)->init_resp) {
		ike_sa_kill(sa, "out of memory");
		return;
	}
	v2(sa)->init_resp_len = len;
	if (init_derive_keys(sa, c->ke.data, c->ke.len)) {
		ike_sa_kill(sa, "key exchange failed");
		return;
	}
	ike_sa_log(sa, IKED_LOG_DEBUG, "IKE_SA_INIT done: %s",
		   iked_chosen_format(&sa->prop, (char[256]){ 0 }, 256));
	/* NAT detection; IKE_AUTH on UDP 4500 if a NAT is in between. */
	natt_check(sa, c, sa->spi_i, sa->spi_r);
	natt_float(sa);
	r = auth_start(sa);
	if (r)
		ike_sa_kill(sa, "cannot send IKE_AUTH");
}
