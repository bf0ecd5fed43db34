// SPDX-License-Identifier: GPL-2.0
/* IKEv2 message fragmentation (RFC 7383) in an IKE SA: the notify in IKE_SA_INIT, our messages sealed as fragments, the peer's put back together. */

#include <errno.h>
#include <string.h>

#include "ike.h"
#include "../peerlog.h"
#include "../sa/frag.h"

int frag_init_add(struct ike_sa *sa, struct ikev2_chain *c, bool responder)
{
	if (iked_frag_conf(sa) == IKED_FRAG_NO)
		return 0;
	/* 2.3: a responder announces it only to an initiator that did. */
	if (responder && !v2(sa)->frag)
		return 0;
	return ikev2_chain_add_notify(c, 0, NULL, 0,
				      IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
				      NULL, 0);
}

void frag_init_note(struct ike_sa *sa, const struct ikev2_chain *c)
{
	v2(sa)->frag = ikev2_chain_notify(
			       c, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) &&
		       iked_frag_conf(sa) != IKED_FRAG_NO;
}

/* Why a message larger than a fragment would go whole; NULL: it would not. */
static const char *whole_why(const struct ike_sa *sa)
{
	const char *why = iked_frag_conf_why(sa);

	if (!why && !v2(sa)->frag)
		why = "the peer did not announce IKE fragmentation (RFC 7383) in IKE_SA_INIT";
	return why;
}

int frag_seal(struct ike_sa *sa, const struct ikev2_hdr *h, uint8_t first,
	      const uint8_t *inner, size_t ilen, uint8_t *out, size_t cap,
	      size_t *len)
{
	enum iked_conf_frag f = iked_frag_conf(sa);
	size_t max = iked_frag_msg_max(sa), room, off = 0, pos = 0, n, one;
	struct ikev2_sk_keys k;
	unsigned int i;
	int r;

	xchg_sk_keys(sa, sa->initiator, &k);
	r = ikev2_sk_seal(&k, h, first, inner, ilen, out, cap, len);
	if (r)
		return r;
	if (!(h->flags & IKEV2_F_RESPONSE))
		iked_frag_note_request(sa, *len, whole_why(sa));
	if (!v2(sa)->frag || f == IKED_FRAG_ACCEPT || f == IKED_FRAG_NO ||
	    *len <= max)
		return 0;
	r = ikev2_skf_room(&k, max, &room);
	if (r)
		return r;
	n = (ilen + room - 1) / room;
	if (n > 0xffff)
		return -EMSGSIZE;
	for (i = 1; i <= n; i++) {
		one = ilen - off < room ? ilen - off : room;
		r = ikev2_skf_seal(&k, h, first, (uint16_t)i, (uint16_t)n,
				   inner + off, one, out + pos, cap - pos,
				   len);
		if (r)
			return r;
		off += one;
		pos += *len;
	}
	*len = pos;
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "%s %s %u in %zu fragments of at most %zu bytes",
		   ikev2_exchange_name(h->exchange) ?: "message",
		   h->flags & IKEV2_F_RESPONSE ? "response" : "request",
		   h->msg_id, n, max);
	return 0;
}

bool frag_authentic(struct ike_sa *sa, const struct ikev2_msg *m,
		    const uint8_t *buf, size_t len,
		    const struct iked_path *path,
		    const struct ikev2_sk_keys *k)
{
	size_t plen;

	if (!check_outer(sa, m, path))
		return false;
	return !ikev2_sk_open(k, buf, len, &m->chain.sk, sa->d->plain,
			      sizeof(sa->d->plain), &plen);
}

/* One line per fragment not kept: numbers and the reason, no peer bytes. */
static void dropped(struct ike_sa *sa, const struct ikev2_msg *m,
		    enum iked_log_level lvl, const char *why)
{
	ike_sa_log(sa, lvl, "%s %s %u: fragment %u of %u: %s",
		   ikev2_exchange_name(m->hdr.exchange) ?: "message",
		   m->hdr.flags & IKEV2_F_RESPONSE ? "response" : "request",
		   m->hdr.msg_id, m->chain.sk.frag_num, m->chain.sk.frag_total,
		   why);
}

int frag_open(struct ike_sa *sa, const struct ikev2_msg *m,
	      const uint8_t *buf, size_t len, const struct iked_path *path,
	      const struct ikev2_sk_keys *k, size_t *plen, uint8_t *first)
{
	struct ikev2_reasm *ra = m->hdr.flags & IKEV2_F_RESPONSE ?
				 &v2(sa)->frag_resp : &v2(sa)->frag_req;
	const struct ikev2_sk *sk = &m->chain.sk;
	enum ikev2_reasm_res res;
	struct iked *d = sa->d;
	iked_ms now = iked_now();
	size_t flen;
	int r;

	if (ra->active && now - ra->started > IKED_FRAG_STALE_MS) {
		dropped(sa, m, IKED_LOG_INFO,
			"an earlier reassembly timed out, starting over");
		ikev2_reasm_clear(ra);
	}
	/* The cheap checks first: nothing is decrypted for what is refused. */
	res = ikev2_reasm_precheck(ra, m->hdr.msg_id, sk->frag_num,
				   sk->frag_total);
	if (res != IKEV2_REASM_KEPT) {
		dropped(sa, m, res == IKEV2_REASM_DUP ? IKED_LOG_DEBUG :
							IKED_LOG_INFO,
			ikev2_reasm_res_name(res));
		return res == IKEV2_REASM_DUP ? -EINPROGRESS : -EBADMSG;
	}
	/* Hostile bytes until the ICV says otherwise: never kept before. */
	r = ikev2_sk_open(k, buf, len, sk, d->plain, sizeof(d->plain), &flen);
	if (r) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, ike_sa_name(sa),
			      sa->no, "dropped %s %s %u fragment %u of %u: %s",
			      ikev2_exchange_name(m->hdr.exchange) ?: "message",
			      m->hdr.flags & IKEV2_F_RESPONSE ? "response" :
								"request",
			      m->hdr.msg_id, sk->frag_num, sk->frag_total,
			      r == -EBADMSG ? "integrity check failed" :
					      strerror(-r));
		return r;
	}
	res = ikev2_reasm_add(ra, m->hdr.msg_id, m->hdr.exchange,
			      sk->frag_num, sk->frag_total, sk->inner,
			      d->plain, flen, now);
	switch (res) {
	case IKEV2_REASM_KEPT:
		return -EINPROGRESS;
	case IKEV2_REASM_RESTART:
		dropped(sa, m, IKED_LOG_DEBUG, ikev2_reasm_res_name(res));
		return -EINPROGRESS;
	case IKEV2_REASM_DONE:
		break;
	default:
		dropped(sa, m, IKED_LOG_INFO, ikev2_reasm_res_name(res));
		return res == IKEV2_REASM_NOMEM ? -ENOMEM : -EBADMSG;
	}
	r = ikev2_reasm_join(ra, d->plain, sizeof(d->plain), plen);
	*first = ra->inner;
	ike_sa_log(sa, IKED_LOG_DEBUG, "%s %s %u reassembled from %u fragments",
		   ikev2_exchange_name(m->hdr.exchange) ?: "message",
		   m->hdr.flags & IKEV2_F_RESPONSE ? "response" : "request",
		   m->hdr.msg_id, ra->total);
	/* The exchange has its message: nothing of it is kept any longer. */
	ikev2_reasm_clear(ra);
	return r;
}
