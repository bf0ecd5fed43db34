// SPDX-License-Identifier: GPL-2.0
/* IKE SAs of kesp-iked: creation, lookup by SPI, timers, death. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike.h"
#include "ikev2.h"
#include "../crypto/dh.h"
#include "../ctl.h"
#include "../peerlog.h"

/*
 * A responder's half-open IKE SA (no IKE_AUTH yet) is dropped after this;
 * our own are bounded by the retransmission schedule, whose give-up says
 * why.
 */
#define HALF_OPEN_MS	30000

struct ike_sa *ike_sa_new(struct iked *d, bool initiator,
			  const struct iked_path *path)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->priv = calloc(1, sizeof(struct ikev2_state));
	if (!sa->priv) {
		free(sa);
		return NULL;
	}
	sa->proto = &ikev2_proto;
	sa->d = d;
	sa->no = ++d->next_sa_no;
	sa->initiator = initiator;
	sa->path = *path;
	sa->created = iked_now();
	sa->expire_at = initiator ? 0 : sa->created + HALF_OPEN_MS;
	/* Our SPI: random, so that an off-path attacker cannot guess it. */
	if (RAND_bytes(initiator ? sa->spi_i : sa->spi_r, 8) != 1) {
		free(sa->priv);
		free(sa);
		return NULL;
	}
	sa->next = d->sas;
	d->sas = sa;
	return sa;
}

void ike_sa_established(struct ike_sa *sa)
{
	sa->state = IKE_ESTABLISHED;
	sa->established = iked_now();
	sa->last_recv = sa->established;
	sa->expire_at = 0;
	rekey_ike_schedule(sa);
	/* The secrets that made the keys are of no more use. */
	iked_dh_free(v2(sa)->dh);
	v2(sa)->dh = NULL;
}

void ike_sa_kill(struct ike_sa *sa, const char *why)
{
	while (sa->children)
		child_remove(sa, sa->children, NULL);
	child_pending_clear(sa);
	rekey_ike_abort(sa);
	/*
	 * Whoever waits for it to come up is told it will not, with the
	 * diagnosis the log has when this SA's failure wrote one.
	 */
	if (sa->waiter) {
		const struct iked_conn *c = sa->conn ?
			iked_conn_of(sa->d, sa->conn) : NULL;
		const char *msg = why ? why : "the IKE SA was deleted";

		if (why && iked_conn_last_error(c)[0] &&
		    c->last_error_at >= sa->created)
			msg = c->last_error;
		iked_ctl_done(sa->d, sa->waiter, -ECONNABORTED, msg);
		sa->waiter = NULL;
	}
	sa->state = IKE_DEAD;
	sa->retx_at = 0;
}

static void ike_sa_free(struct ike_sa *sa)
{
	struct ikev2_state *v = v2(sa);

	iked_dh_free(v->dh);
	ikev2_ike_keys_wipe(&v->keys);
	free(v->init_req);
	free(v->init_resp);
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
	free(sa->req);
	free(sa->resp);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void ikev2_reap(struct iked *d)
{
	struct ike_sa **pp = &d->sas, *sa;

	while ((sa = *pp)) {
		if (sa->state == IKE_DEAD) {
			*pp = sa->next;
			ike_sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

static void give_up(struct ike_sa *sa, iked_ms now)
{
	char peer[80];
	struct iked_conn *c = sa->conn ? iked_conn_of(sa->d, sa->conn) : NULL;
	unsigned int secs = (unsigned int)((now - sa->req_sent) / 1000);

	if (dpd_dead(sa, now))
		return;
	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	if (sa->req_kind == REQ_INIT) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no response from %s: giving up after %u retransmits in %u s (peer down, UDP 500 blocked on the way, or the peer does not know this gateway)",
			       peer, sa->retx, secs);
	} else {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no response from %s to %s request: giving up after %u retransmits in %u s",
			       peer,
			       sa->req_kind == REQ_AUTH ? "IKE_AUTH" :
			       sa->req_kind == REQ_CREATE_CHILD ?
			       "CREATE_CHILD_SA" : "INFORMATIONAL",
			       sa->retx, secs);
	}
	xchg_request_done(sa);
	ike_sa_kill(sa, "no response from the peer");
	if (!c)
		return;
	c->give_ups++;
	/* auto=start keeps trying, keyingtries times (0: for ever). */
	if (c->cfg->autostart == IKED_AUTO_START &&
	    (!c->cfg->keyingtries || c->tries < c->cfg->keyingtries)) {
		struct ike_sa *again;
		char of[16] = "unlimited";

		if (c->cfg->keyingtries)
			snprintf(of, sizeof(of), "%u", c->cfg->keyingtries);
		ike_sa_log(sa, IKED_LOG_INFO, "trying again (%u of %s)",
			   c->tries + 1, of);
		ikev2_initiate(sa->d, c, &again);
	}
}

static void earliest(iked_ms *next, iked_ms t)
{
	if (t && (!*next || t < *next))
		*next = t;
}

/*
 * What an established IKE SA has to do when it may send a request: the
 * end of its lifetime, its rekey, its CHILD SAs' rekeys, a liveness
 * check, in that order. Returns when it should look again.
 */
static iked_ms work(struct ike_sa *sa, iked_ms now)
{
	struct child_sa *ch;
	iked_ms next = 0;

	if (sa->successor) {
		/* Rekeyed: gone when the peer deletes it, or at retire_at. */
		if (sa->retire_at && sa->retire_at <= now)
			ike_sa_kill(sa, NULL);
		return sa->retire_at;
	}
	if (sa->state != IKE_ESTABLISHED || sa->req_kind != REQ_NONE)
		return 0;
	if (sa->hard_at && sa->hard_at <= now) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "IKE SA reached its lifetime (ikelifetime=%us) without a rekey: deleting",
			   sa->conn->ikelifetime);
		info_delete_ike(sa);
		return 0;
	}
	if (sa->rekey_at && sa->rekey_at <= now) {
		sa->rekey_at = 0;
		if (sa->conn->reauth)
			reauth_start(sa);
		else if (rekey_ike_start(sa, 0) == 0)
			return 0;
	}
	if (sa->want_child && !sa->children && !v2(sa)->pend.active) {
		sa->want_child = false;
		if (child_create_start(sa, 0) == 0)
			return 0;
	}
	earliest(&next, sa->rekey_at);
	earliest(&next, sa->hard_at);
	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->deferred_out && !ch->redundant) {
			iked_ms t = ch->established + IKED_DEFER_OUT_MS;

			if (t <= now)
				child_install_deferred(sa, ch);
			else
				earliest(&next, t);
		}
		if (!ch->rekey_due || ch->rekeying || ch->redundant ||
		    ch->replaced || ch->state == CHILD_DELETING)
			continue;
		if (ch->rekey_at <= now) {
			if (rekey_child_start(sa, ch) == 0)
				return 0;
		}
		earliest(&next, ch->rekey_at);
	}
	dpd_check(sa, now);
	if (sa->req_kind == REQ_NONE)
		earliest(&next, dpd_next(sa));
	return next;
}

iked_ms ikev2_run_timers(struct iked *d, iked_ms now)
{
	struct ike_sa *sa, *head = d->sas;
	iked_ms next = 0;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD)
			continue;
		if (sa->retx_at && sa->retx_at <= now) {
			if (sa->retx >= d->retx_tries) {
				give_up(sa, now);
				continue;
			}
			sa->retx++;
			ike_sa_log(sa, IKED_LOG_INFO,
				   "retransmit %u of request %u", sa->retx,
				   v2(sa)->next_req_id - 1);
			iked_net_send(&d->net, &sa->path, sa->req, sa->req_len);
			natt_retransmit(sa);
			sa->retx_at = now + ((iked_ms)d->retx_first_ms << sa->retx);
		}
		if (sa->expire_at && sa->expire_at <= now &&
		    sa->state != IKE_ESTABLISHED) {
			/* Anyone can leave us half-open IKE SAs. */
			iked_log_peer(d, &sa->path.remote, IKED_LOG_INFO,
				      ike_sa_name(sa), sa->no,
				      "half-open IKE SA timed out");
			ike_sa_kill(sa, "half-open IKE SA timed out");
			continue;
		}
		earliest(&next, work(sa, now));
		if (sa->state == IKE_DEAD)
			continue;
		earliest(&next, natt_work(sa, now));
		earliest(&next, sa->retx_at);
		earliest(&next, sa->expire_at);
	}
	/*
	 * IKE SAs started in this pass (a restart, keyingtries) are in
	 * front of where it began: another pass takes their deadlines.
	 */
	if (d->sas != head)
		earliest(&next, now + 1);
	earliest(&next, iked_log_peer_flush(d, now));
	return next;
}

void ike_sa_note_vendor(struct ike_sa *sa, const struct ikev2_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->n && !sa->product; i++)
		if (c->pl[i].type == IKEV2_PL_VENDOR)
			sa->product = iked_vendor_product(c->pl[i].body,
							  c->pl[i].len);
	if (sa->product)
		ike_sa_log(sa, IKED_LOG_DEBUG, "the peer runs %s (Vendor ID)",
			   iked_peer_product_name(sa->product));
}
