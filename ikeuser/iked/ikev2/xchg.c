// SPDX-License-Identifier: GPL-2.0
/* IKEv2 messages out of an IKE SA: headers, encryption, message IDs; the core keeps them for retransmission (sa/retransmit.c). */

#include <errno.h>
#include <string.h>

#include "ike.h"

void xchg_sk_keys(const struct ike_sa *sa, bool from_initiator,
		  struct ikev2_sk_keys *k)
{
	k->encr = sa->prop.encr;
	k->key_bits = sa->prop.encr_key_bits;
	k->integ = sa->prop.integ;
	k->ek = from_initiator ? v2(sa)->keys.sk_ei : v2(sa)->keys.sk_er;
	k->ek_len = v2(sa)->keys.enc_len;
	k->ak = from_initiator ? v2(sa)->keys.sk_ai : v2(sa)->keys.sk_ar;
	k->ak_len = v2(sa)->keys.integ_len;
}

/* Encrypt @inner into a message with header @h in d->out. */
static int seal(struct ike_sa *sa, const struct ikev2_hdr *h,
		const struct ikev2_chain *inner, size_t *len)
{
	struct iked *d = sa->d;
	size_t ilen;
	int r;

	r = ikev2_chain_build(inner, d->plain, sizeof(d->plain), &ilen);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot build message: %s",
			   strerror(-r));
		return r;
	}
	r = frag_seal(sa, h, ikev2_chain_first(inner), d->plain, ilen,
		      d->out, sizeof(d->out), len);
	if (r)
		ike_sa_log(sa, IKED_LOG_ERR, "cannot encrypt message: %s",
			   strerror(-r));
	return r;
}

static void fill_hdr(const struct ike_sa *sa, struct ikev2_hdr *h,
		     uint8_t exchange, bool response, uint32_t msg_id)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, sa->spi_i, 8);
	memcpy(h->spi_r, sa->spi_r, 8);
	h->exchange = exchange;
	h->flags = (uint8_t)((sa->initiator ? IKEV2_F_INITIATOR : 0) |
			     (response ? IKEV2_F_RESPONSE : 0));
	h->msg_id = msg_id;
}

/* Our next request: kept by the core for retransmission, its ID used. */
static int keep_request(struct ike_sa *sa, enum ike_req_kind kind,
			uint8_t exchange, const uint8_t *buf, size_t len)
{
	int r = retransmit_keep(sa, kind, buf, len);

	if (r)
		return r;
	v2(sa)->req_exchange = exchange;
	v2(sa)->next_req_id++;
	return 0;
}

int xchg_request(struct ike_sa *sa, enum ike_req_kind kind, uint8_t exchange,
		 const struct ikev2_chain *inner)
{
	struct ikev2_hdr h;
	size_t len;
	int r;

	if (sa->req_kind != REQ_NONE)
		return -EBUSY;
	fill_hdr(sa, &h, exchange, false, v2(sa)->next_req_id);
	r = seal(sa, &h, inner, &len);
	if (r)
		return r;
	r = keep_request(sa, kind, exchange, sa->d->out, len);
	if (r)
		return r;
	ike_sa_log(sa, IKED_LOG_DEBUG, "sending %s request %u (%zu bytes)",
		   ikev2_exchange_name(exchange), h.msg_id, len);
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->req, sa->req_len);
	return 0;
}

int xchg_request_plain(struct ike_sa *sa, enum ike_req_kind kind,
		       const struct ikev2_msg *m)
{
	size_t len;
	int r;

	r = ikev2_msg_build(m, sa->d->out, sizeof(sa->d->out), &len);
	if (r)
		return r;
	/* A retry (cookie, other group) starts over at message ID 0. */
	v2(sa)->next_req_id = m->hdr.msg_id;
	sa->req_kind = REQ_NONE;
	r = keep_request(sa, kind, m->hdr.exchange, sa->d->out, len);
	if (r)
		return r;
	iked_net_send(&sa->d->net, &sa->path, sa->req, sa->req_len);
	return 0;
}

int xchg_respond(struct ike_sa *sa, uint8_t exchange, uint32_t msg_id,
		 const struct ikev2_chain *inner)
{
	struct ikev2_hdr h;
	size_t len;
	int r;

	fill_hdr(sa, &h, exchange, true, msg_id);
	r = seal(sa, &h, inner, &len);
	if (r)
		return r;
	r = retransmit_keep_response(sa, sa->d->out, len);
	if (r)
		return r;
	ike_sa_log(sa, IKED_LOG_DEBUG, "sending %s response %u (%zu bytes)",
		   ikev2_exchange_name(exchange), msg_id, len);
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->resp, sa->resp_len);
	return 0;
}

void xchg_respond_plain(struct iked *d, const struct iked_path *path,
			const struct ikev2_msg *m)
{
	size_t len;

	if (ikev2_msg_build(m, d->out, sizeof(d->out), &len) == 0)
		iked_net_send(&d->net, path, d->out, len);
}
