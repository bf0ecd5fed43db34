// SPDX-License-Identifier: GPL-2.0
/* IKEv2 messages into an IKE SA: which SA, decryption, message IDs, retransmitted requests, and on to the exchange that answers. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike.h"
#include "ikev2.h"
#include "../peerlog.h"

/*
 * The IKE SA a message belongs to. Our SPI is the one of our role: the
 * responder's SPI when the sender says it is the original initiator.
 */
static struct ike_sa *find_sa(struct iked *d, const struct ikev2_hdr *h)
{
	bool from_initiator = h->flags & IKEV2_F_INITIATOR;
	static const uint8_t zero[8];
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD || sa->initiator == from_initiator ||
		    !is_v2(sa))
			continue;
		if (from_initiator) {
			if (!memcmp(sa->spi_r, h->spi_r, 8) &&
			    !memcmp(sa->spi_i, h->spi_i, 8))
				return sa;
		} else if (!memcmp(sa->spi_i, h->spi_i, 8) &&
			   (!memcmp(sa->spi_r, h->spi_r, 8) ||
			    !memcmp(sa->spi_r, zero, 8))) {
			return sa;
		}
	}
	return NULL;
}

/*
 * Decrypt the SK payload of @m, from @path, into @in: 0; 1 when it is
 * authentic but its payloads do not parse (why and where into @bad),
 * which 2.21.2 answers as any other malformed authentic message; or
 * -errno after logging what anyone could have sent: what fails before
 * the ICV (rate-limited), or an unsupported critical payload.
 */
static int open_sk(struct ike_sa *sa, const struct ikev2_msg *m,
		   const uint8_t *buf, size_t len,
		   const struct iked_path *path, struct ikev2_chain *in,
		   char *bad, size_t bad_len)
{
	struct iked *d = sa->d;
	struct ikev2_sk_keys k;
	struct ikev2_err err = { 0 };
	uint8_t first;
	size_t plen;
	int r;

	if (!check_outer(sa, m, path))
		return -EBADMSG;
	xchg_sk_keys(sa, !sa->initiator, &k);
	if (ikev2_chain_has(&m->chain, IKEV2_PL_SKF)) {
		/* RFC 7383: a fragment; the message once they are all here. */
		r = frag_open(sa, m, buf, len, path, &k, &plen, &first);
		if (r)
			return r;
		goto parse;
	}
	r = ikev2_sk_open(&k, buf, len, &m->chain.sk, d->plain,
			  sizeof(d->plain), &plen);
	if (r) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, ike_sa_name(sa),
			      sa->no, "dropped %s %s %u: %s",
			      ikev2_exchange_name(m->hdr.exchange),
			      m->hdr.flags & IKEV2_F_RESPONSE ? "response" :
								"request",
			      m->hdr.msg_id,
			      r == -EBADMSG ? "integrity check failed" :
					      strerror(-r));
		return r;
	}
	first = m->chain.sk.inner;
parse:
	r = ikev2_chain_parse(in, first, d->plain, plen, &err);
	if (!r)
		return 0;
	/* The parser's own words and an offset: nothing of the peer's bytes. */
	snprintf(bad, bad_len, "%s at byte %zu of the encrypted part",
		 err.why ? err.why : strerror(-r), err.off);
	/* 2.5 answers it UNSUPPORTED_CRITICAL_PAYLOAD, not sent here: dropped. */
	if (r == -EOPNOTSUPP) {
		ike_sa_log(sa, IKED_LOG_INFO, "dropped malformed %s: %s",
			   ikev2_exchange_name(m->hdr.exchange), bad);
		return r;
	}
	return 1;
}

static bool same_path(const struct iked_path *a, const struct iked_path *b)
{
	return a->rport == b->rport && a->lport == b->lport &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote));
}

/*
 * Our answer got lost: the cached one, unchanged (2.1), to where the
 * retransmission came from (2.11). Its SPIs and message ID are no proof
 * (they travel in clear): from elsewhere than the request it answers,
 * only an authentic copy gets it, as after a NAT moved the peer, or a
 * forged source would have our response reflected at it.
 */
static void resend_response(struct ike_sa *sa, const struct ikev2_msg *m,
			    const uint8_t *buf, size_t len,
			    const struct iked_path *path)
{
	char from[80], bad[160];
	bool frag = ikev2_chain_has(&m->chain, IKEV2_PL_SKF);
	struct ikev2_sk_keys k;
	bool bogus;

	/*
	 * RFC 7383 2.6.1: a fragmented request is answered once, on its
	 * first fragment, not once for each.
	 */
	if (frag && m->chain.sk.frag_num != 1)
		return;
	xchg_sk_keys(sa, !sa->initiator, &k);
	/* Authentic but unparsable (1): its answer was INVALID_SYNTAX. */
	bogus = !same_path(&sa->resp_path, path) &&
		(frag ? !frag_authentic(sa, m, buf, len, path, &k) :
			open_sk(sa, m, buf, len, path,
				&v2_msgs(sa->d)->rx_inner, bad,
				sizeof(bad)) < 0);
	if (bogus) {
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "retransmitted request %u from %s: not from where the request came and not authentic, not answered",
			   m->hdr.msg_id,
			   iked_net_format(&path->remote, path->rport, from,
					   sizeof(from)));
		return;
	}
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "retransmitted request %u: resending our response",
		   m->hdr.msg_id);
	iked_net_send_msgs(&sa->d->net, path, sa->resp, sa->resp_len);
}

/* Whether a request of @exchange may come in @sa's state (else: dropped). */
static bool request_in_state(const struct ike_sa *sa, uint8_t exchange)
{
	switch (exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		return sa->state == IKE_INIT_DONE;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		return sa->state == IKE_ESTABLISHED ||
		       sa->state == IKE_DELETING;
	case IKEV2_EXCH_INFORMATIONAL:
		return sa->state >= IKE_ESTABLISHED;
	default:
		return true;
	}
}

static void on_request(struct ike_sa *sa, const struct ikev2_msg *m,
		       const uint8_t *buf, size_t len,
		       const struct iked_path *path)
{
	struct ikev2_chain *in = &v2_msgs(sa->d)->rx_inner;
	enum ikev2_kind kind;
	char bad[160];
	int r;

	if (m->hdr.msg_id + 1 == v2(sa)->next_peer_id && sa->have_resp) {
		resend_response(sa, m, buf, len, path);
		return;
	}
	if (m->hdr.msg_id != v2(sa)->next_peer_id) {
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "dropped request with message ID %u, expected %u",
			   m->hdr.msg_id, v2(sa)->next_peer_id);
		return;
	}
	r = open_sk(sa, m, buf, len, path, in, bad, sizeof(bad));
	if (r < 0)
		return;
	/* Authenticated and new: the peer's NAT may have moved it (2.23). */
	natt_on_authenticated(sa, path);
	sa->last_recv = iked_now();
	if (!request_in_state(sa, m->hdr.exchange))
		return;
	r = check_request(sa, m, in, r ? bad : NULL, &kind);
	if (r == -ENOENT) {
		ike_sa_log(sa, IKED_LOG_INFO, "ignored %s request",
			   ikev2_exchange_name(m->hdr.exchange) ?: "unknown");
		return;
	}
	/* Answered, malformed or not: the message ID is used. */
	v2(sa)->next_peer_id++;
	sa->resp_path = *path;
	if (r)
		return;
	switch (kind) {
	case IKEV2_K_AUTH_REQ:
		auth_on_request(sa, m, in);
		break;
	case IKEV2_K_INFO_REQ:
		info_on_request(sa, m, in);
		break;
	case IKEV2_K_IKE_REKEY_REQ:
		/* CREATE_CHILD_SA with an IKE proposal (1.3.2). */
		rekey_ike_on_request(sa, m, in);
		break;
	default:
		/* CREATE_CHILD_SA of a CHILD SA, new or rekeyed. */
		child_create_on_request(sa, m, in);
	}
}

static void on_response(struct ike_sa *sa, const struct ikev2_msg *m,
			const uint8_t *buf, size_t len,
			const struct iked_path *path)
{
	struct ikev2_chain *in = &v2_msgs(sa->d)->rx_inner;
	enum ike_req_kind kind = sa->req_kind;
	char bad[160];
	int r;

	if (kind == REQ_NONE || m->hdr.msg_id + 1 != v2(sa)->next_req_id ||
	    m->hdr.exchange != v2(sa)->req_exchange) {
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "dropped %s response %u: no such request outstanding",
			   ikev2_exchange_name(m->hdr.exchange) ?: "unknown",
			   m->hdr.msg_id);
		return;
	}
	if (kind == REQ_INIT) {
		if (check_plain(sa->d, m, path))
			init_on_response(sa, m, buf, len);
		return;
	}
	r = open_sk(sa, m, buf, len, path, in, bad, sizeof(bad));
	if (r < 0)
		return;
	natt_on_authenticated(sa, path);
	sa->last_recv = iked_now();
	if (!check_response(sa, m, in, r ? bad : NULL))
		goto done;
	/* Our retransmission will bring it again, the CRL fetched by then. */
	if (kind == REQ_AUTH && auth_response_waits(sa, in))
		return;
	retransmit_done(sa);
	switch (kind) {
	case REQ_AUTH:
		auth_on_response(sa, in);
		break;
	case REQ_CREATE_CHILD:
		child_create_on_response(sa, in);
		break;
	case REQ_REKEY_IKE:
		rekey_ike_on_response(sa, in);
		break;
	default:
		info_on_response(sa, in);
	}
done:
	/* Our Delete waited for this exchange to end (2.3: window of one). */
	if (sa->delete_pending && sa->state != IKE_DEAD &&
	    sa->req_kind == REQ_NONE)
		info_delete_ike(sa);
}

void ikev2_recv(struct iked *d, const uint8_t *buf, size_t len,
		const struct iked_path *path)
{
	struct ikev2_msg *m = &v2_msgs(d)->rx;
	struct ikev2_err err = { 0 };
	char from[80];
	struct ike_sa *sa;
	int r;

	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	/* The dispatcher (../ike.c) checked the version already. */
	r = ikev2_msg_parse(m, buf, len, &err);
	if (r) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "dropped malformed message from %s: %s at byte %zu",
			      from, err.why ? err.why : strerror(-r), err.off);
		return;
	}
	if (m->hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
	    !(m->hdr.flags & IKEV2_F_RESPONSE)) {
		if (check_plain(d, m, path))
			init_on_request(d, m, buf, len, path);
		return;
	}
	sa = find_sa(d, &m->hdr);
	if (!sa) {
		iked_log_peer(d, &path->remote, IKED_LOG_DEBUG, NULL, 0,
			      "dropped %s from %s: no IKE SA with these SPIs",
			      ikev2_exchange_name(m->hdr.exchange) ?: "message",
			      from);
		return;
	}
	if (m->hdr.flags & IKEV2_F_RESPONSE)
		on_response(sa, m, buf, len, path);
	else
		on_request(sa, m, buf, len, path);
}
