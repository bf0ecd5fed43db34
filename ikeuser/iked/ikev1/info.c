// SPDX-License-Identifier: GPL-2.0
/* Informational exchanges (RFC 2409 5.7, RFC 2408 3.14-3.15, RFC 3706): Notify and Delete out, protected by HASH(1) once phase 1 is up; in, their HASH(1) verified before a Delete or an R-U-THERE is acted on. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "v1.h"
#include "qm.h"
#include "../sa/child_sa.h"

/* Before phase 1 is up: the notify in the clear, message ID 0. */
static int notify_plain(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));
	int r = m ? 0 : -ENOMEM;

	if (!r) {
		v1_hdr(sa, &m->hdr, IKEV1_EXCH_INFO, 0);
		m->chain = *c;
		r = v1_send_plain(sa, m, V1_SEND_ONCE);
	}
	free(m);
	return r;
}

/* @c (a HASH placeholder first) as a new Informational exchange. */
static int send_protected(struct ike_sa *sa, struct ikev1_chain *c,
			  enum v1_req req)
{
	struct ikev1_hdr h;
	uint32_t id = 0;

	while (!id)
		if (RAND_bytes((uint8_t *)&id, sizeof(id)) != 1)
			return -EIO;
	v1_hdr(sa, &h, IKEV1_EXCH_INFO, id);
	return v1_send_enc(sa, &h, c, req, qm_fill_hash1);
}

static struct ikev1_chain *info_chain(struct ike_sa *sa)
{
	/* The chain points at it until it is built: not on this stack. */
	static const uint8_t zero[IKEV1_HASH_MAX];
	struct ikev1_chain *c = calloc(1, sizeof(*c));

	if (c && v1(sa)->st == V1_MM_ACTIVE &&
	    !ikev1_chain_add_raw(c, IKEV1_PL_HASH, zero, v1(sa)->keys.len)) {
		free(c);
		return NULL;
	}
	return c;
}

static int notify(struct ike_sa *sa, uint16_t type, uint8_t proto,
		  const uint8_t *spi, uint8_t spi_size, const uint8_t *data,
		  size_t len, enum v1_req req)
{
	struct ikev1_chain *c = info_chain(sa);
	struct ikev1_pl *pl;
	int r = c ? 0 : -ENOMEM;

	if (!r && !(pl = ikev1_chain_add(c, IKEV1_PL_N)))
		r = -E2BIG;
	if (!r) {
		pl->u.n = (struct ikev1_notify){
			.doi = IKEV1_DOI_IPSEC, .proto = proto,
			.spi_size = spi_size, .type = type, .spi = spi,
			.data = data, .len = len,
		};
		r = v1(sa)->st == V1_MM_ACTIVE ?
		    send_protected(sa, c, req) : notify_plain(sa, c);
	}
	free(c);
	return r;
}

int v1_info_notify(struct ike_sa *sa, uint16_t type, uint8_t proto,
		   const uint8_t *spi, uint8_t spi_size)
{
	return notify(sa, type, proto, spi, spi_size, NULL, 0, V1_SEND_ONCE);
}

static int delete_send(struct ike_sa *sa, uint8_t proto, const uint8_t *spi,
		       uint8_t spi_size, enum v1_req req)
{
	struct ikev1_chain *c;
	struct ikev1_pl *pl;
	int r;

	if (v1(sa)->st != V1_MM_ACTIVE)
		return -ENOTCONN;
	c = info_chain(sa);
	r = c ? 0 : -ENOMEM;
	if (!r && !(pl = ikev1_chain_add(c, IKEV1_PL_D)))
		r = -E2BIG;
	if (!r) {
		pl->u.d = (struct ikev1_delete){
			.doi = IKEV1_DOI_IPSEC, .proto = proto,
			.spi_size = spi_size, .nspi = 1, .spis = spi,
		};
		r = send_protected(sa, c, req);
	}
	free(c);
	return r;
}

int v1_info_delete(struct ike_sa *sa, uint8_t proto, const uint8_t *spi,
		   uint8_t spi_size)
{
	return delete_send(sa, proto, spi, spi_size, V1_SEND_ONCE);
}

/* One Delete per IPsec SA, as peers expect them (pluto, charon). */
static void delete_ipsec_sas(struct ike_sa *sa)
{
	const struct v1_sa *v = v1(sa);
	uint8_t spi[4];
	size_t i;

	for (i = 0; i < v->n_del_spis; i++) {
		ikev1_put32(spi, v->del_spis[i]);
		v1_info_delete(sa, IKEV1_PROTO_ESP, spi, 4);
	}
}

int v1_info_delete_ike(struct ike_sa *sa)
{
	uint8_t cookies[16];

	delete_ipsec_sas(sa);
	memcpy(cookies, sa->spi_i, 8);
	memcpy(cookies + 8, sa->spi_r, 8);
	return delete_send(sa, IKEV1_PROTO_ISAKMP, cookies, 16,
			   V1_REQ_DELETE);
}

void v1_info_delete_again(struct ike_sa *sa)
{
	/* Fresh ones for the IPsec SAs; the kept bytes for the ISAKMP SA. */
	delete_ipsec_sas(sa);
	iked_net_send_msgs(&sa->d->net, &sa->path, sa->req, sa->req_len);
}

int v1_info_dpd(struct ike_sa *sa)
{
	uint8_t cookies[16], seq[4];

	memcpy(cookies, sa->spi_i, 8);
	memcpy(cookies + 8, sa->spi_r, 8);
	ikev1_put32(seq, ++v1(sa)->dpd_seq);
	return notify(sa, IKEV1_N_R_U_THERE, IKEV1_PROTO_ISAKMP, cookies, 16,
		      seq, 4, V1_REQ_DPD);
}

static void on_notify(struct ike_sa *sa, const struct ikev1_notify *n)
{
	uint8_t cookies[16];

	if (n->type == IKEV1_N_R_U_THERE && n->len == 4) {
		memcpy(cookies, sa->spi_i, 8);
		memcpy(cookies + 8, sa->spi_r, 8);
		notify(sa, IKEV1_N_R_U_THERE_ACK, IKEV1_PROTO_ISAKMP, cookies,
		       16, n->data, 4, V1_SEND_ONCE);
		return;
	}
	if (n->type == IKEV1_N_R_U_THERE_ACK && n->len == 4) {
		if (sa->req_kind == V1_REQ_DPD &&
		    ikev1_get32(n->data) == v1(sa)->dpd_seq)
			retransmit_done(sa);
		return;
	}
	/* An error while our Quick Mode waits: its answer, the QM ends. */
	if (n->type < 16384 && v1(sa)->qm.st == V1_QM_WAIT_MSG2 &&
	    sa->req_kind == V1_REQ_QM1) {
		bool next = !v1(sa)->qm.rekey_spi;

		retransmit_done(sa);
		if (v1(sa)->qm.rekey_spi)
			v1_rekey_done(sa, v1(sa)->qm.rekey_spi, NULL,
				      -ECONNREFUSED);
		v1_qm_refused(sa);
		ikev1_ivs_drop(&v1(sa)->ivs, v1(sa)->qm.msg_id);
		v1_qm_clear(&v1(sa)->qm);
		ike_sa_answer(sa, -ECONNREFUSED);
		/* The conn's other subnet pairs may still be welcome. */
		if (next)
			v1_qm_more(sa);
	}
	if (n->type == IKEV1_N_RESPONDER_LIFETIME &&
	    n->proto == IKEV1_PROTO_ISAKMP) {
		v1_life1_take(sa, n, "an Informational");
		return;
	}
	if (n->type < 16384)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "the peer sent notify %u (%s)", n->type,
			       n->type == IKEV1_N_NO_PROPOSAL_CHOSEN ?
			       "NO_PROPOSAL_CHOSEN" :
			       n->type == IKEV1_N_INVALID_ID_INFORMATION ?
			       "INVALID_ID_INFORMATION" :
			       n->type == IKEV1_N_INVALID_HASH_INFORMATION ?
			       "INVALID_HASH_INFORMATION" :
			       n->type == IKEV1_N_AUTHENTICATION_FAILED ?
			       "AUTHENTICATION_FAILED" : "an error");
	else
		ike_sa_log(sa, IKED_LOG_INFO, "the peer sent notify %u",
			   n->type);
}

/* Returns false when @sa ended. */
static bool on_delete(struct ike_sa *sa, const struct ikev1_delete *d)
{
	uint16_t i;

	if (d->proto == IKEV1_PROTO_ISAKMP && d->spi_size == 16 &&
	    d->nspi >= 1 && !memcmp(d->spis, sa->spi_i, 8) &&
	    !memcmp(d->spis + 8, sa->spi_r, 8)) {
		ike_sa_log(sa, IKED_LOG_INFO, "the peer deleted the ISAKMP SA");
		v1_ike_rekey_deleted(sa);
		ike_sa_kill(sa, "deleted by the peer");
		return false;
	}
	if (d->proto != IKEV1_PROTO_ESP || d->spi_size != 4)
		return true;
	for (i = 0; i < d->nspi; i++) {
		uint32_t spi = ikev1_get32(d->spis + 4 * i);
		struct ike_sa *owner;
		struct child_sa *ch = v1_child_find_out(sa, spi, &owner);

		if (!ch)
			continue;
		ike_sa_log(owner, IKED_LOG_INFO, "the peer deleted CHILD SA %u (SPI %08x)",
			   ch->no, spi);
		child_remove(owner, ch, "deleted by the peer");
	}
	return true;
}

static void info_unprotected(struct ike_sa *sa, struct ikev1_msg *m)
{
	const struct ikev1_pl *n;

	if (!v1_rules_ok(sa, IKEV1_K_INFO_PLAIN, m))
		return;
	n = ikev1_chain_find(&m->chain, IKEV1_PL_N, 0);
	iked_conn_fail_peer(sa->d, sa->conn, sa->no, &sa->path.remote,
			    "the peer sent notify %u in the clear (unauthenticated)%s",
			    n->u.n.type,
			    n->u.n.type == IKEV1_N_NO_PROPOSAL_CHOSEN ?
			    ": NO_PROPOSAL_CHOSEN, phase 1 proposal mismatch likely" :
			    n->u.n.type == IKEV1_N_PAYLOAD_MALFORMED ?
			    ": PAYLOAD_MALFORMED, pre-shared key mismatch likely" :
			    "");
}

void v1_info_recv(struct ike_sa *sa, struct ikev1_msg *m)
{
	size_t plen;
	unsigned int i;

	if (!(m->hdr.flags & IKEV1_F_ENCRYPT))
		return info_unprotected(sa, m);
	if (v1(sa)->st != V1_MM_ACTIVE || v1_decrypt(sa, m, &plen))
		return;
	ikev1_ivs_drop(&v1(sa)->ivs, m->hdr.msg_id);
	if (!v1_rules_ok(sa, IKEV1_K_INFO, m) || !qm_hash_ok(sa, m, plen, 1))
		return;
	sa->last_recv = iked_now();
	for (i = 0; i < m->chain.n; i++) {
		const struct ikev1_pl *pl = &m->chain.pl[i];

		if (pl->type == IKEV1_PL_N)
			on_notify(sa, &pl->u.n);
		else if (pl->type == IKEV1_PL_D && !on_delete(sa, &pl->u.d))
			return;
	}
}
