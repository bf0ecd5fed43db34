// SPDX-License-Identifier: GPL-2.0
/* IKEv1 messages out of an ISAKMP SA and encrypted ones into it: headers, CBC with the IV chains, HASH payloads filled over the built bytes; the core keeps them for retransmission. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "v1.h"
#include "../sa/frag.h"

void v1_hdr(const struct ike_sa *sa, struct ikev1_hdr *h, uint8_t exchange,
	    uint32_t msg_id)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->ck_i, sa->spi_i, 8);
	memcpy(h->ck_r, sa->spi_r, 8);
	h->version = IKEV1_VERSION;
	h->exchange = exchange;
	h->msg_id = msg_id;
}

/*
 * Send @buf (one datagram or a run of fragments): as our request
 * (retransmitted by the core) or response.
 */
static int keep_send(struct ike_sa *sa, const uint8_t *buf, size_t len,
		     enum v1_req req)
{
	int r;

	if (req == V1_SEND_ONCE)
		return iked_net_send_msgs(&sa->d->net, &sa->path, buf, len) < 0 ?
		       -EIO : 0;
	if (req != V1_REQ_NONE) {
		sa->req_kind = V1_REQ_NONE;
		r = req == V1_REQ_DELETE ?
		    retransmit_keep_last(sa, req, buf, len) :
		    retransmit_keep(sa, req, buf, len);
		if (r)
			return r;
		iked_net_send_msgs(&sa->d->net, &sa->path, sa->req,
				   sa->req_len);
		return 0;
	}
	r = retransmit_keep_response(sa, buf, len);
	if (r)
		return r;
	memcpy(v1(sa)->resp_for, v1(sa)->last_in, sizeof(v1(sa)->resp_for));
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->resp, sa->resp_len);
	return 0;
}

/*
 * The built (encrypted) message, cut into fragments when it must be:
 * the fragments are what is kept, so a retransmission sends them all.
 */
static int out(struct ike_sa *sa, const uint8_t *buf, size_t len,
	       enum v1_req req)
{
	uint8_t *frags;
	size_t flen;
	int r = v1_frag_split(sa, buf, len, &frags, &flen);

	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot fragment message: %s",
			   strerror(-r));
		return r;
	}
	if (req != V1_REQ_NONE && req != V1_SEND_ONCE)
		iked_frag_note_request(sa, len, frags ? NULL : v1_frag_whole_why(sa));
	r = frags ? keep_send(sa, frags, flen, req) :
		    keep_send(sa, buf, len, req);
	free(frags);
	return r;
}

int v1_send_plain(struct ike_sa *sa, struct ikev1_msg *m, enum v1_req req)
{
	size_t len;
	int r;

	r = ikev1_msg_build(m, sa->d->out, sizeof(sa->d->out), &len);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot build message: %s",
			   strerror(-r));
		return r;
	}
	return out(sa, sa->d->out, len, req);
}

int v1_send_enc(struct ike_sa *sa, struct ikev1_hdr *h,
		const struct ikev1_chain *c, enum v1_req req,
		int (*fill)(struct ike_sa *sa, uint32_t msg_id,
			    uint8_t *plain, size_t len, size_t hlen))
{
	struct v1_sa *v = v1(sa);
	uint8_t *plain = malloc(IKED_MSG_MAX), *ct = malloc(IKED_MSG_MAX);
	size_t plen, clen, len;
	int r = plain && ct ? 0 : -ENOMEM;

	if (!r)
		r = ikev1_chain_build(c, plain, IKED_MSG_MAX, &plen);
	if (!r && fill)
		r = fill(sa, h->msg_id, plain, plen, v->keys.len);
	if (!r)
		r = ikev1_encrypt(&v->ivs, v->alg.encr, v->keys.ka,
				  v->keys.ka_len, h->msg_id, plain, plen, ct,
				  IKED_MSG_MAX, &clen);
	h->next = c->pl[0].type;
	h->flags |= IKEV1_F_ENCRYPT;
	if (!r)
		r = ikev1_msg_build_raw(h, ct, clen, sa->d->out,
					sizeof(sa->d->out), &len);
	if (plain)
		OPENSSL_cleanse(plain, IKED_MSG_MAX);
	free(plain);
	free(ct);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot build encrypted message: %s",
			   strerror(-r));
		return r;
	}
	return out(sa, sa->d->out, len, req);
}

int v1_decrypt(struct ike_sa *sa, struct ikev1_msg *m, size_t *plain_len)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_err err = { 0 };
	int r;

	if (!(m->hdr.flags & IKEV1_F_ENCRYPT) || !v->keys.ka_len) {
		ike_sa_log(sa, IKED_LOG_INFO, "dropped %s message: %s",
			   m->hdr.flags & IKEV1_F_ENCRYPT ? "encrypted" :
			   "unencrypted",
			   v->keys.ka_len ? "it must be encrypted" :
			   "no keys yet");
		return -EBADMSG;
	}
	r = ikev1_decrypt(&v->ivs, v->alg.encr, v->keys.ka, v->keys.ka_len,
			  m->hdr.msg_id, m->body, m->body_len, sa->d->plain);
	if (!r)
		r = ikev1_chain_parse(&m->chain, m->hdr.next, sa->d->plain,
				      m->body_len, true, &err);
	if (r && !m->hdr.msg_id) {
		/* Phase 1: the conn's failure (ike list), as the peer caused it. */
		iked_conn_fail_peer(sa->d, sa->conn, sa->no, &sa->path.remote,
				    "dropped encrypted phase 1 message (exchange %u): it does not decrypt to valid payloads (%s at byte %zu): pre-shared key mismatch likely",
				    m->hdr.exchange,
				    err.why ? err.why : strerror(-r), err.off);
		return r;
	}
	if (r) {
		/* The codec's sentences for NAT-OA all begin so (payload.c). */
		if (err.why && !strncmp(err.why, "NAT-OA", 6))
			sa->d->natoa_refused++;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped encrypted message (exchange %u, ID %08x): it does not decrypt to valid payloads (%s at byte %zu)",
			   m->hdr.exchange, m->hdr.msg_id,
			   err.why ? err.why : strerror(-r), err.off);
		return r;
	}
	*plain_len = m->body_len;
	return 0;
}

bool v1_rules_ok(struct ike_sa *sa, enum ikev1_kind kind,
		 const struct ikev1_msg *m)
{
	struct ikev1_rule_miss miss;
	char why[128];

	if (!ikev1_rules_check(kind, &m->hdr, &m->chain, &miss))
		return true;
	ike_sa_log(sa, IKED_LOG_INFO, "dropped message: %s",
		   ikev1_rules_format(&miss, why, sizeof(why)));
	return false;
}

int v1_sa_echo(struct ikev1_chain *out, const struct ikev1_chain *in,
	       const struct ikev1_prop *p, const struct ikev1_xf *x,
	       const uint8_t *spi, uint8_t spi_size)
{
	struct ikev1_pl *pl = ikev1_chain_add(out, IKEV1_PL_SA);
	struct ikev1_prop *op;
	struct ikev1_xf *ox;
	uint16_t i;
	int r = 0;

	if (!pl || !(op = ikev1_sa_add_prop(out, &pl->u.sa, p->num, p->proto,
					    spi, spi_size)) ||
	    !(ox = ikev1_prop_add_xf(out, op, x->num, x->id)))
		return -E2BIG;
	for (i = 0; i < x->nattr && !r; i++) {
		const struct ikev1_attr *a = &in->attr[x->first_attr + i];

		r = a->tv ? ikev1_xf_add_tv(out, ox, a->type, a->val) :
			    ikev1_xf_add_tlv(out, ox, a->type, a->data, a->len);
	}
	return r;
}
