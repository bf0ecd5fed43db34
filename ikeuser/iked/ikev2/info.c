// SPDX-License-Identifier: GPL-2.0
/* INFORMATIONAL exchanges (RFC 7296 1.4): Delete payloads, liveness checks (DPD: the core's sa/lifetime.c says when), notifies. */

#include <errno.h>
#include <string.h>

#include "ike.h"
#include "../conn.h"

static int delete_ike(struct ike_sa *sa);

int info_delete_ike(struct ike_sa *sa)
{
	/* Nothing more goes through the tunnel once we decided (1.4.1). */
	while (sa->children)
		child_remove(sa, sa->children, "deleting the IKE SA");
	return delete_ike(sa);
}

int info_delete_ike_gently(struct ike_sa *sa)
{
	struct child_sa *ch;

	/* Gone with the IKE SA, once the peer answered (ike_sa_kill). */
	for (ch = sa->children; ch; ch = ch->next)
		child_stop_sending(sa, ch);
	return delete_ike(sa);
}

static int delete_ike(struct ike_sa *sa)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	int r;

	sa->state = IKE_DELETING;
	if (sa->req_kind != REQ_NONE && sa->req_kind != REQ_DELETE_IKE) {
		/*
		 * One request at a time (2.3): the Delete follows when the
		 * outstanding one is answered, or the SA goes when it is not.
		 */
		sa->delete_pending = true;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "deleting IKE SA once the outstanding request is answered");
		return 0;
	}
	if (sa->req_kind == REQ_DELETE_IKE)
		return 0;
	sa->delete_pending = false;
	ikev2_chain_init(c);
	r = ikev2_chain_add_delete(c, IKEV2_PROTO_IKE, 0, 0, NULL);
	if (!r)
		r = xchg_request(sa, REQ_DELETE_IKE, IKEV2_EXCH_INFORMATIONAL, c);
	if (r) {
		ike_sa_kill(sa, NULL);
		return r;
	}
	ike_sa_log(sa, IKED_LOG_INFO, "deleting IKE SA");
	return 0;
}

/*
 * Our Delete of a CHILD SA (1.4.1). We stop sending on it at once, but
 * its inbound SA stays until the peer answers: until the peer has our
 * Delete it still sends on it (it may not have switched to the SA that
 * replaces it yet), and those packets must not be lost.
 */
int child_delete_start(struct ike_sa *sa, struct child_sa *ch)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	uint8_t spi[4];
	int r;

	if (ch->state == CHILD_DELETING) {
		child_remove(sa, ch, "deleted by us");
		return 0;
	}
	/* Nothing more goes out on it, not even behind the Delete. */
	child_stop_sending(sa, ch);
	/*
	 * A replacement whose outbound SA waits (we answered its rekey)
	 * keeps waiting: only the peer's answer or Delete shows that it has
	 * the inbound SA. Until then the SA it replaces sends.
	 */
	ikev2_put32(spi, ch->spi_in);
	ikev2_chain_init(c);
	r = ikev2_chain_add_delete(c, IKEV2_PROTO_ESP, 4, 1, spi);
	if (!r)
		r = xchg_request(sa, REQ_DELETE_CHILD,
				 IKEV2_EXCH_INFORMATIONAL, c);
	if (r) {
		child_remove(sa, ch, "deleted by us");
		return r;
	}
	v2(sa)->del_spi = ch->spi_in;
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "deleting CHILD SA #%u: no longer sending on %08x, receiving on %08x until the peer answers",
		   ch->no, ch->spi_out, ch->spi_in);
	return 0;
}

void child_delete_done(struct ike_sa *sa)
{
	struct child_sa *ch = v2(sa)->del_spi ? child_find_in(sa, v2(sa)->del_spi) :
					    NULL;

	v2(sa)->del_spi = 0;
	if (ch && ch->state == CHILD_DELETING)
		child_remove(sa, ch, "deleted by us");
}

int info_liveness(struct ike_sa *sa)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;

	ikev2_chain_init(c);
	return xchg_request(sa, REQ_LIVENESS, IKEV2_EXCH_INFORMATIONAL, c);
}

void info_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
		     const struct ikev2_chain *in)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	uint8_t ours[IKEV2_MAX_PAYLOADS * 4];
	uint16_t n_ours = 0;
	bool ike = false;
	unsigned int i, j;

	ikev2_chain_init(c);
	for (i = 0; i < in->n_del; i++) {
		const struct ikev2_delete *del = &in->del[i];

		if (del->proto == IKEV2_PROTO_IKE) {
			ike = true;
			continue;
		}
		if (del->proto != IKEV2_PROTO_ESP || del->spi_len != 4)
			continue;
		for (j = 0; j < del->n_spi; j++) {
			uint32_t spi = ikev2_get32(del->spis + 4 * j);
			struct ike_sa *o = sa;
			struct child_sa *ch;

			/*
			 * Sent before the peer saw this IKE SA rekeyed: the
			 * CHILD SA has moved to the successor (2.18).
			 */
			while (!(ch = child_find_out(o, spi)) && o->successor)
				o = o->successor;
			if (!ch)
				continue;
			/* Answer with the SPI of the other direction (1.4.1). */
			if (n_ours < IKEV2_MAX_PAYLOADS)
				ikev2_put32(ours + 4 * n_ours++, ch->spi_in);
			if (!ch->replaced && !ch->redundant &&
			    ch->state != CHILD_DELETING &&
			    o->conn->autostart == IKED_AUTO_START)
				/*
				 * Not a rekey: the peer cleared it. Its
				 * traffic must not leave in clear; the next
				 * packet brings the tunnel back.
				 */
				iked_conn_route(o->d, iked_conn_of(o->d, o->conn));
			child_remove(o, ch, ch->replaced ?
				     "deleted by the peer, which rekeyed it" :
				     "deleted by the peer");
		}
	}
	if (ike) {
		ike_sa_log(sa, IKED_LOG_INFO, "IKE SA deleted by the peer");
		xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
		ike_sa_kill(sa, "deleted by the peer");
		return;
	}
	if (n_ours)
		ikev2_chain_add_delete(c, IKEV2_PROTO_ESP, 4, n_ours, ours);
	for (i = 0; i < in->n_notify; i++)
		if (in->notify[i].type < IKEV2_N_INITIAL_CONTACT)
			ike_sa_log(sa, IKED_LOG_INFO, "the peer reports %s",
				   ikev2_notify_name(in->notify[i].type) ?:
				   "an unknown error");
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
}

void info_on_response(struct ike_sa *sa, const struct ikev2_chain *in)
{
	unsigned int i, j;

	if (sa->state == IKE_DELETING && !sa->delete_pending) {
		ike_sa_log(sa, IKED_LOG_INFO, "IKE SA deleted");
		ike_sa_kill(sa, NULL);
		return;
	}
	/* The peer may have deleted more of its side than we asked. */
	for (i = 0; i < in->n_del; i++) {
		if (in->del[i].proto != IKEV2_PROTO_ESP || in->del[i].spi_len != 4)
			continue;
		for (j = 0; j < in->del[i].n_spi; j++) {
			struct child_sa *ch =
				child_find_out(sa, ikev2_get32(in->del[i].spis + 4 * j));

			if (ch && ch->state != CHILD_DELETING)
				child_remove(sa, ch, "deleted by the peer");
		}
	}
	child_delete_done(sa);
}
