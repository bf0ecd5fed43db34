// SPDX-License-Identifier: GPL-2.0
/* Dead peer detection (RFC 7296 2.4): liveness checks when the peer is silent, and dpdaction. */

#include <errno.h>
#include <string.h>

#include "ike.h"
#include "../conn.h"
#include "../kernel.h"

static const char *const action_names[] = { "none", "clear", "hold",
					    "restart" };

static bool dpd_on(const struct ike_sa *sa)
{
	return sa->conn && sa->conn->dpdaction != IKED_DPD_NONE &&
	       sa->conn->dpddelay;
}

/* Bytes through the CHILD SAs of @sa, as kesp.ko counts them. */
static void child_bytes(struct ike_sa *sa, uint64_t *in, uint64_t *out)
{
	struct child_sa *ch;
	struct kesp_sa k;

	*in = *out = 0;
	for (ch = sa->children; ch; ch = ch->next) {
		if (!iked_kernel_sa_get(sa->d->kern, KESP_DIR_IN,
					&sa->path.local, ch->spi_in, &k))
			*in += k.cnt.bytes;
		if (!iked_kernel_sa_get(sa->d->kern, KESP_DIR_OUT,
					&sa->path.remote, ch->spi_out, &k))
			*out += k.cnt.bytes;
	}
}

iked_ms dpd_next(const struct ike_sa *sa)
{
	if (!dpd_on(sa) || sa->state != IKE_ESTABLISHED || sa->successor)
		return 0;
	return sa->last_recv + (iked_ms)sa->conn->dpddelay * 1000;
}

int dpd_send_liveness(struct ike_sa *sa)
{
	struct ikev2_chain *c = &v2_msgs(sa->d)->tx_inner;

	ikev2_chain_init(c);
	return xchg_request(sa, REQ_LIVENESS, IKEV2_EXCH_INFORMATIONAL, c);
}

void dpd_check(struct ike_sa *sa, iked_ms now)
{
	iked_ms due = dpd_next(sa);
	uint64_t in, out;

	if (!due || due > now || sa->req_kind != REQ_NONE)
		return;
	/* ESP from the peer is as good a sign of life as IKE (2.4). */
	child_bytes(sa, &in, &out);
	if (in != sa->dpd_in_bytes) {
		sa->dpd_in_bytes = in;
		sa->last_recv = now;
		return;
	}
	if (dpd_send_liveness(sa) == 0)
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "nothing from the peer for %llu s: liveness check",
			   (unsigned long long)(now - sa->last_recv) / 1000);
}

bool dpd_dead(struct ike_sa *sa, iked_ms now)
{
	struct iked *d = sa->d;
	struct iked_conn *c;
	uint64_t in, out;
	char peer[80];

	if (!dpd_on(sa) || sa->state != IKE_ESTABLISHED)
		return false;
	c = iked_conn_of(d, sa->conn);
	child_bytes(sa, &in, &out);
	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	iked_conn_fail(d, sa->conn, sa->no,
		       "dead peer detected: %s did not answer %u retransmits in %llu s, last heard from %llu s ago; its CHILD SAs carried %llu bytes in, %llu out; dpdaction=%s",
		       peer, sa->retx,
		       (unsigned long long)(now - sa->req_sent) / 1000,
		       (unsigned long long)(now - sa->last_recv) / 1000,
		       (unsigned long long)in, (unsigned long long)out,
		       action_names[sa->conn->dpdaction]);
	xchg_request_done(sa);
	ike_sa_kill(sa, "dead peer detected");
	switch (sa->conn->dpdaction) {
	case IKED_DPD_HOLD:
		/* The next packet for the tunnel brings it back. */
		iked_conn_route(d, c);
		break;
	case IKED_DPD_RESTART: {
		struct ike_sa *again;

		ikev2_initiate(d, c, &again);
		break;
	}
	default:
		break;
	}
	return true;
}
