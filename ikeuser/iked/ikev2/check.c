// SPDX-License-Identifier: GPL-2.0
/*
 * Messages checked against their exchange's payload rules (rules.c)
 * before any state machine reads them, and what a malformed one gets
 * (RFC 7296 2.21): an unprotected one is dropped, a protected one whose
 * ICV verifies (even if what it decrypted to does not parse) is answered
 * or reported with INVALID_SYNTAX.
 */

#include <errno.h>

#include "ike.h"
#include "rules.h"
#include "../peerlog.h"

/* The kind of the answer to our outstanding request. */
static enum ikev2_kind response_kind(const struct ike_sa *sa)
{
	switch (sa->req_kind) {
	case REQ_INIT:
		return IKEV2_K_INIT_RESP;
	case REQ_AUTH:
		return IKEV2_K_AUTH_RESP;
	case REQ_CREATE_CHILD:
		return v2(sa)->pend.rekey_spi ? IKEV2_K_CHILD_REKEY_RESP :
					    IKEV2_K_CHILD_RESP;
	case REQ_REKEY_IKE:
		return IKEV2_K_IKE_REKEY_RESP;
	default:
		return IKEV2_K_INFO_RESP;
	}
}

bool check_plain(struct iked *d, const struct ikev2_msg *m,
		 const struct iked_path *path)
{
	enum ikev2_kind kind = m->hdr.flags & IKEV2_F_RESPONSE ?
			       IKEV2_K_INIT_RESP : IKEV2_K_INIT_REQ;
	struct ikev2_rule_miss miss;
	char from[80], why[160];

	if (!ikev2_rules_check(kind, &m->chain, NULL, &miss))
		return true;
	/* Anyone can send it from any address: dropped, never answered. */
	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
		      "dropped malformed %s from %s: %s",
		      ikev2_kind_name(kind), from,
		      ikev2_rules_format(&miss, why, sizeof(why)));
	return false;
}

bool check_outer(struct ike_sa *sa, const struct ikev2_msg *m,
		 const struct iked_path *path)
{
	enum ikev2_kind kind = m->hdr.flags & IKEV2_F_RESPONSE ?
			       response_kind(sa) : IKEV2_K_INFO_REQ;
	struct ikev2_rule_miss miss;
	char why[160];

	/* Before the ICV: the outer rules are the same for every kind. */
	if (!ikev2_rules_check(kind, &m->chain, NULL, &miss))
		return true;
	iked_log_peer(sa->d, &path->remote, IKED_LOG_INFO, ike_sa_name(sa),
		      sa->no, "dropped %s %s %u: %s",
		      ikev2_exchange_name(m->hdr.exchange) ?: "message",
		      m->hdr.flags & IKEV2_F_RESPONSE ? "response" : "request",
		      m->hdr.msg_id,
		      ikev2_rules_format(&miss, why, sizeof(why)));
	return false;
}

int check_request(struct ike_sa *sa, const struct ikev2_msg *m,
		  const struct ikev2_chain *in, const char *unparsed,
		  enum ikev2_kind *kind)
{
	static const struct ikev2_chain none;
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;
	struct ikev2_rule_miss miss;
	const char *why = unparsed;
	char buf[160], from[80];

	/* Unparsed payloads cannot tell what a CREATE_CHILD_SA is for. */
	if (ikev2_rules_request_kind(m->hdr.exchange, unparsed ? &none : in,
				     kind))
		return -ENOENT;
	if (!why) {
		if (!ikev2_rules_check(*kind, &m->chain, in, &miss))
			return 0;
		why = ikev2_rules_format(&miss, buf, sizeof(buf));
	}
	iked_net_format(&sa->path.remote, sa->path.rport, from, sizeof(from));
	ikev2_chain_init(c);
	ikev2_chain_add_notify(c, 0, NULL, 0, IKEV2_N_INVALID_SYNTAX, NULL, 0);
	xchg_respond(sa, m->hdr.exchange, m->hdr.msg_id, c);
	if (*kind != IKEV2_K_AUTH_REQ) {
		ike_sa_log(sa, IKED_LOG_WARN,
			   "malformed %s from %s: %s: answered INVALID_SYNTAX",
			   ikev2_kind_name(*kind), from, why);
		return -EBADMSG;
	}
	/* No IKE SA comes of it (2.21.2). */
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "malformed %s from %s: %s: answered INVALID_SYNTAX",
		       ikev2_kind_name(*kind), from, why);
	ike_sa_kill(sa, "malformed IKE_AUTH request");
	return -EBADMSG;
}

/*
 * 2.21.2, 2.21.3: an error in a response may be reported in an
 * INFORMATIONAL of its own. Not in answer to such a report, or two
 * broken peers would bounce reports for ever.
 */
static void report(struct ike_sa *sa, enum ike_req_kind was)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;

	if (was == REQ_NOTIFY || sa->state != IKE_ESTABLISHED ||
	    sa->req_kind != REQ_NONE)
		return;
	ikev2_chain_init(c);
	if (!ikev2_chain_add_notify(c, 0, NULL, 0, IKEV2_N_INVALID_SYNTAX,
				    NULL, 0))
		xchg_request(sa, REQ_NOTIFY, IKEV2_EXCH_INFORMATIONAL, c);
}

bool check_response(struct ike_sa *sa, const struct ikev2_msg *m,
		    const struct ikev2_chain *in, const char *unparsed)
{
	enum ikev2_kind kind = response_kind(sa);
	const char *name = ikev2_kind_name(kind);
	enum ike_req_kind was = sa->req_kind;
	static const struct ikev2_chain none;
	struct ikev2_rule_miss miss;
	const char *why = unparsed;
	char buf[160], from[80];

	if (!why) {
		if (!ikev2_rules_check(kind, &m->chain, in, &miss))
			return true;
		why = ikev2_rules_format(&miss, buf, sizeof(buf));
	}
	iked_net_format(&sa->path.remote, sa->path.rport, from, sizeof(from));
	retransmit_done(sa);
	switch (was) {
	case REQ_AUTH:
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "malformed %s from %s: %s", name, from, why);
		ike_sa_kill(sa, "malformed IKE_AUTH response");
		return false;
	case REQ_CREATE_CHILD:
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "malformed %s from %s: %s: no CHILD SA installed",
			       name, from, why);
		child_create_failed(sa, -EBADMSG);
		break;
	case REQ_REKEY_IKE:
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "malformed %s from %s: %s: IKE SA not rekeyed",
			       name, from, why);
		rekey_ike_failed(sa);
		break;
	default:
		/* Answered all the same; what it carried is not read. */
		ike_sa_log(sa, IKED_LOG_WARN, "malformed %s from %s: %s",
			   name, from, why);
		info_on_response(sa, &none);
	}
	if (sa->state != IKE_DEAD)
		report(sa, was);
	return false;
}
