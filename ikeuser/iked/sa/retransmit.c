// SPDX-License-Identifier: GPL-2.0
/* The request in flight of an IKE SA, whatever version: kept, resent on a doubling timeout, given up; the last response kept for the peer's retransmissions. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retransmit.h"
#include "control.h"
#include "ike_sa.h"
#include "lifetime.h"
#include "natt.h"
#include "../conn.h"
#include "../proto.h"

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len);

	if (q)
		memcpy(q, p, len);
	return q;
}

/* When to send the outstanding request again, after retransmission sa->retx. */
static iked_ms next_gap(const struct ike_sa *sa)
{
	iked_ms first = sa->d->retx_first_ms, gap;

	if (sa->req_last && first > IKED_LAST_GAP_MS)
		first = IKED_LAST_GAP_MS;
	gap = first << sa->retx;

	/* Stopping: as many tries as fit before the drain deadline. */
	if (sa->d->stopping && gap > IKED_DRAIN_RETX_MS)
		gap = IKED_DRAIN_RETX_MS;
	return gap;
}

int retransmit_keep(struct ike_sa *sa, int kind, const uint8_t *buf,
		    size_t len)
{
	uint8_t *copy = dup_bytes(buf, len);

	if (!copy)
		return -ENOMEM;
	free(sa->req);
	sa->req = copy;
	sa->req_len = len;
	sa->req_kind = kind;
	sa->retx = 0;
	sa->req_last = false;
	sa->req_sent = iked_now();
	sa->retx_at = sa->req_sent + next_gap(sa);
	return 0;
}

int retransmit_keep_last(struct ike_sa *sa, int kind, const uint8_t *buf,
			 size_t len)
{
	int r = retransmit_keep(sa, kind, buf, len);

	if (!r) {
		sa->req_last = true;
		sa->retx_at = sa->req_sent + next_gap(sa);
	}
	return r;
}

void retransmit_done(struct ike_sa *sa)
{
	sa->req_kind = 0;
	sa->req_last = false;
	sa->retx_at = 0;
	free(sa->req);
	sa->req = NULL;
	sa->req_len = 0;
}

int retransmit_keep_response(struct ike_sa *sa, const uint8_t *buf,
			     size_t len)
{
	uint8_t *copy = dup_bytes(buf, len);

	if (!copy)
		return -ENOMEM;
	free(sa->resp);
	sa->resp = copy;
	sa->resp_len = len;
	sa->have_resp = true;
	return 0;
}

static unsigned int frag_size(const struct iked *d)
{
	return d->fragment_size ? d->fragment_size : IKED_FRAG_SIZE_DEFAULT;
}

/* No answer to the last retransmission either: the IKE SA ends. */
static void give_up(struct ike_sa *sa, iked_ms now)
{
	char peer[80];
	struct iked_conn *c = sa->conn ? iked_conn_of(sa->d, sa->conn) : NULL;
	unsigned int secs = (unsigned int)((now - sa->req_sent) / 1000);
	const char *what;

	if (dpd_dead(sa, now))
		return;
	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	what = sa->proto->request_name(sa);
	if (!what)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no response from %s: giving up after %u retransmits in %u s (peer down, UDP 500 blocked on the way, or the peer does not know this gateway)",
			       peer, sa->retx, secs);
	else if (sa->req_whole_why)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no response from %s to %s request: giving up after %u retransmits in %u s; it went as one IP datagram of %zu bytes, over the fragment size of %u, because %s: a path that drops IP fragments never lets it arrive (fragmentation=yes on both ends sends it in pieces)",
			       peer, what, sa->retx, secs,
			       sa->req_whole_ip_len, frag_size(sa->d),
			       sa->req_whole_why);
	else
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no response from %s to %s request: giving up after %u retransmits in %u s",
			       peer, what, sa->retx, secs);
	retransmit_done(sa);
	ike_sa_kill(sa, "no response from the peer");
	if (!c)
		return;
	c->give_ups++;
	/* auto=start keeps trying, keyingtries times (0: for ever). */
	if (c->cfg->autostart == IKED_AUTO_START && !c->retired &&
	    (!c->cfg->keyingtries || c->tries < c->cfg->keyingtries)) {
		struct ike_sa *again;
		char of[16] = "unlimited";

		if (c->cfg->keyingtries)
			snprintf(of, sizeof(of), "%u", c->cfg->keyingtries);
		ike_sa_log(sa, IKED_LOG_INFO, "trying again (%u of %s)",
			   c->tries + 1, of);
		iked_initiate(sa->d, c, &again);
	}
}

bool retransmit_run(struct ike_sa *sa, iked_ms now)
{
	struct iked *d = sa->d;

	if (!sa->retx_at || sa->retx_at > now)
		return true;
	if (!sa->req_last && sa->retx >= d->retx_tries) {
		if (d->stopping) {
			/* No restart, no failure: the drain's end drops it. */
			sa->retx_at = 0;
			return true;
		}
		give_up(sa, now);
		return false;
	}
	sa->retx++;
	sa->proto->retransmit(sa);
	natt_retransmit(sa);
	if (sa->req_last && sa->retx >= IKED_LAST_RESENDS) {
		/* Its last copy is out, and no answer comes: it ends. */
		ike_sa_log(sa, IKED_LOG_INFO,
			   "IKE SA deleted (its Delete sent %u times; it is not answered)",
			   sa->retx + 1);
		retransmit_done(sa);
		ike_sa_kill(sa, NULL);
		return false;
	}
	sa->retx_at = now + next_gap(sa);
	return true;
}
