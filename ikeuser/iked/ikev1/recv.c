// SPDX-License-Identifier: GPL-2.0
/* IKEv1 datagrams in: the header and chain parsed, the ISAKMP SA found by its cookies (or a responder's made for a Main Mode MM1), a retransmitted request answered with our last message, the rest to Main Mode, Quick Mode or Informational. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

#include "ikev1.h"
#include "v1.h"
#include "../conn.h"
#include "../peerlog.h"

const struct iked_conf_conn *v1_conn_for(struct iked *d,
					 const struct iked_path *path)
{
	return conn_for_version(d, path, 1);
}

static bool zero8(const uint8_t *p)
{
	static const uint8_t z[8];

	return !memcmp(p, z, 8);
}

struct ike_sa *v1_find_sa(struct iked *d, const struct ikev1_hdr *h)
{
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->proto != &ikev1_proto || sa->state == IKE_DEAD ||
		    memcmp(sa->spi_i, h->ck_i, 8))
			continue;
		if (!memcmp(sa->spi_r, h->ck_r, 8))
			return sa;
		/* MM1 again: the responder's cookie is not in it yet. */
		if (!sa->initiator && zero8(h->ck_r))
			return sa;
		/* Our MM1 is answered: the responder's cookie is new. */
		if (sa->initiator && zero8(sa->spi_r) &&
		    (v1(sa)->st == V1_MM_WAIT_MSG2 ||
		     v1(sa)->st == V1_AG_INIT_EXCH))
			return sa;
	}
	return NULL;
}

/* A Main Mode MM1 for no SA: a responder's ISAKMP SA, if a conn fits. */
static struct ike_sa *new_responder(struct iked *d, const struct ikev1_msg *m,
				    const struct iked_path *path,
				    const char *from)
{
	const struct iked_conf_conn *cfg;
	struct ike_sa *sa;

	if ((m->hdr.exchange != IKEV1_EXCH_MAIN &&
	     m->hdr.exchange != IKEV1_EXCH_AGGRESSIVE) || !zero8(m->hdr.ck_r)) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "dropped IKEv1 message from %s: exchange %u for no ISAKMP SA of ours",
			      from, m->hdr.exchange);
		return NULL;
	}
	cfg = v1_conn_for(d, path);
	if (!cfg) {
		iked_log_peer(d, &path->remote, IKED_LOG_WARN, NULL, 0,
			      "no IKEv1 conn for peer %s: check right=, left= and keyexchange=ikev1",
			      from);
		return NULL;
	}
	if (m->hdr.exchange == IKEV1_EXCH_AGGRESSIVE && !cfg->aggressive) {
		iked_conn_fail_peer(d, cfg, 0, &path->remote,
				    "%s starts Aggressive Mode, which conn %s does not allow (its PSK hash can be attacked offline); configure the peer for Main Mode, or set aggressive=yes",
				    from, cfg->name);
		return NULL;
	}
	sa = ike_sa_new(d, &ikev1_proto, false, path);
	if (!sa)
		return NULL;
	memcpy(sa->spi_i, m->hdr.ck_i, 8);
	ike_sa_set_conn(sa, cfg);
	ike_sa_log(sa, IKED_LOG_INFO, "%s is initiating %s Mode", from,
		   m->hdr.exchange == IKEV1_EXCH_MAIN ? "Main" : "Aggressive");
	return sa;
}

/*
 * A copy of a datagram taken in already: the one our last response
 * answers gets that response again (the peer lost it), any other is
 * dropped. Returns true when @buf was such a copy.
 */
static bool resent(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	struct v1_sa *v = v1(sa);
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256(buf, len, md);
	if (sa->have_resp && !memcmp(md, v->resp_for, sizeof(md))) {
		ike_sa_log(sa, IKED_LOG_INFO, "retransmitted request: our answer again");
		iked_net_send_msgs(&sa->d->net, &sa->path, sa->resp,
				   sa->resp_len);
		return true;
	}
	if (v->have_last_in && !memcmp(md, v->last_in, sizeof(md)))
		return true;
	memcpy(v->last_in, md, sizeof(md));
	v->have_last_in = true;
	return false;
}

static void dispatch(struct ike_sa *sa, struct ikev1_msg *m)
{
	/* Deleting: no new IPsec SA, only the peer's Delete or DPD. */
	if (sa->state == IKE_DELETING && m->hdr.exchange != IKEV1_EXCH_INFO) {
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "dropped IKEv1 exchange %u: the ISAKMP SA is being deleted",
			   m->hdr.exchange);
		return;
	}
	switch (m->hdr.exchange) {
	case IKEV1_EXCH_MAIN:
		return v1_mm_recv(sa, m);
	case IKEV1_EXCH_AGGRESSIVE:
		return v1_am_recv(sa, m);
	case IKEV1_EXCH_QUICK:
		return v1_qm_recv(sa, m);
	case IKEV1_EXCH_INFO:
		return v1_info_recv(sa, m);
	default:
		ike_sa_log(sa, IKED_LOG_INFO,
			   "dropped IKEv1 exchange %u: not supported (ikev1/recv.c)",
			   m->hdr.exchange);
	}
}

void ikev1_recv(struct iked *d, const uint8_t *buf, size_t len,
		const struct iked_path *path)
{
	struct ikev1_msg *m;
	struct ikev1_err err = { 0 };
	struct ike_sa *sa;
	char from[80];

	/* Put back together first: the whole comes back here. */
	if (ikev1_is_frag(buf, len))
		return v1_frag_recv(d, buf, len, path);
	m = calloc(1, sizeof(*m));
	iked_net_format(&path->remote, path->rport, from, sizeof(from));
	if (!m)
		return;
	if (ikev1_msg_parse(m, buf, len, &err)) {
		iked_log_peer(d, &path->remote, IKED_LOG_INFO, NULL, 0,
			      "dropped malformed IKEv1 message from %s: %s at byte %zu",
			      from, err.why ? err.why : "unparsable", err.off);
		goto out;
	}
	sa = v1_find_sa(d, &m->hdr);
	if (!sa) {
		sa = new_responder(d, m, path, from);
		if (!sa)
			goto out;
	}
	/* Held for a revocation fetch: a copy must not get an answer. */
	if (v1_wait_ignore(sa) || resent(sa, buf, len))
		goto out;
	v1(sa)->rx_path = path;
	v1(sa)->rx_buf = buf;
	v1(sa)->rx_len = len;
	dispatch(sa, m);
	if (sa->priv) {
		v1(sa)->rx_path = NULL;
		v1(sa)->rx_buf = NULL;
	}
out:
	free(m);
}
