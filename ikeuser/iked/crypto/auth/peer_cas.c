// SPDX-License-Identifier: GPL-2.0
/* What an IKE SA's peer asked for in CERTREQ or CR payloads: taken from its messages (malformed ones refused and counted), logged, and which chain of ours answers it. */

#include <errno.h>
#include <stdlib.h>

#include "peer_cas.h"
#include "certreq.h"
#include "chain.h"
#include "../../peerlog.h"
#include "../../sa/ike_sa.h"

/* Room for the names of the CAs a peer asked for, in a log line. */
#define CAS_TEXT_MAX	2048

static const char *conn_name(const struct ike_sa *sa)
{
	return sa->conn ? sa->conn->name : NULL;
}

/* One body into @cr; a refusal or a note logged. */
static void take_one(struct ike_sa *sa, struct iked_certreq *cr,
		     const struct iked_auth_blob *b, size_t i, size_t n,
		     bool ikev1)
{
	const char *what = ikev1 ? "CR" : "CERTREQ";
	char why[256];
	int r = iked_certreq_parse(cr, b->data, b->len, ikev1, why, sizeof(why));

	if (r == -EBADMSG) {
		sa->d->certreq_refused++;
		iked_log_peer(sa->d, &sa->path.remote, IKED_LOG_WARN,
			      conn_name(sa), sa->no,
			      "%s payload %zu of %zu (%zu bytes) refused: %s",
			      what, i + 1, n, b->len, why);
	} else if (r) {
		iked_log_peer(sa->d, &sa->path.remote, IKED_LOG_INFO,
			      conn_name(sa), sa->no,
			      "%s payload %zu of %zu: %s", what, i + 1, n, why);
	}
}

void iked_peer_cas_take(struct ike_sa *sa, const struct iked_auth_blob *bodies,
			size_t n, bool ikev1)
{
	struct iked_certreq *cr = sa->peer_cas;
	char *text;
	size_t i;

	if (!n)
		return;
	if (cr)
		iked_certreq_clear(cr);
	else
		cr = sa->peer_cas = calloc(1, sizeof(*cr));
	if (!cr)
		return;
	for (i = 0; i < n; i++)
		take_one(sa, cr, &bodies[i], i, n, ikev1);
	if (!cr->n && !cr->any)
		return;
	text = malloc(CAS_TEXT_MAX);
	if (text)
		iked_log_peer(sa->d, &sa->path.remote, IKED_LOG_INFO,
			      conn_name(sa), sa->no,
			      "peer asks for certificates from %s",
			      iked_certreq_format(cr, sa->d->creds, text,
						  CAS_TEXT_MAX));
	free(text);
}

void iked_peer_cas_free(struct ike_sa *sa)
{
	if (!sa->peer_cas)
		return;
	iked_certreq_clear(sa->peer_cas);
	free(sa->peer_cas);
	sa->peer_cas = NULL;
}

/* The warning that the peer asked for CAs our certificate does not chain to. */
static void say_untrusted(struct ike_sa *sa, const struct iked_cred_cert *ours)
{
	const struct iked_certreq *cr = sa->peer_cas;
	char *text = malloc(CAS_TEXT_MAX), top[512];

	if (!text)
		return;
	ike_sa_log(sa, IKED_LOG_WARN,
		   "peer asked for certificates from CAs %s, ours (%s) chains to %s: the peer %s not trust it",
		   iked_certreq_format(cr, sa->d->creds, text, CAS_TEXT_MAX),
		   ours->path, iked_chain_top(sa->d->creds, ours->x, top,
					      sizeof(top)),
		   cr->n_dropped ? "may" : "will");
	free(text);
}

size_t iked_peer_cas_chain(struct ike_sa *sa, const struct iked_cred_cert *ours,
			   const struct iked_cred_cert **out, size_t max)
{
	bool found;
	size_t n = iked_chain_for(sa->d->creds, ours->x, sa->peer_cas, out,
				  max, &found);

	if (!found && sa->peer_cas && sa->peer_cas->n)
		say_untrusted(sa, ours);
	return n;
}
