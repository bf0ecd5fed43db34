// SPDX-License-Identifier: GPL-2.0
/* The scheduler of IKE SAs, whatever their version: each SA's due work through the version that owns it (sa->proto), never a version's function by name. */

#include "timers.h"
#include "child_sa.h"
#include "ike_sa.h"
#include "lifetime.h"
#include "natt.h"
#include "retransmit.h"
#include "../peerlog.h"
#include "../proto.h"

static void earliest(iked_ms *next, iked_ms t)
{
	if (t && (!*next || t < *next))
		*next = t;
}

/*
 * A redundant pair the peer should have deleted by now is ours to delete.
 * Returns true when that Delete went out (one request at a time).
 */
static bool delete_kept_redundant(struct ike_sa *sa, iked_ms now,
				  iked_ms *next)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next) {
		if (!ch->peer_deletes_by || ch->state != CHILD_INSTALLED)
			continue;
		if (ch->peer_deletes_by > now) {
			earliest(next, ch->peer_deletes_by);
			continue;
		}
		ch->peer_deletes_by = 0;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u: the peer kept its redundant pair of a crossing creation; deleting it",
			   ch->no);
		/* On failure it is gone already, and the list with it. */
		return sa->proto->delete_child(sa, ch) == 0;
	}
	return false;
}

/*
 * The CHILD SAs of @sa: deferred outbound SAs due, rekeys due (one
 * request at a time). Returns false when a request went out; the next
 * deadline into *@next.
 */
static bool work_children(struct ike_sa *sa, iked_ms now, iked_ms *next)
{
	struct child_sa *ch;

	if (delete_kept_redundant(sa, now, next))
		return false;
	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->deferred_out && !ch->redundant) {
			iked_ms t = ch->established + IKED_DEFER_OUT_MS;

			if (t <= now)
				child_install_deferred(sa, ch);
			else
				earliest(next, t);
		}
		if (!ch->rekey_due || ch->rekeying || ch->redundant ||
		    ch->replaced || ch->retire_at ||
		    ch->state == CHILD_DELETING)
			continue;
		if (ch->rekey_at <= now) {
			if (sa->proto->rekey_child(sa, ch) == 0)
				return false;
		}
		earliest(next, ch->rekey_at);
	}
	return true;
}

/*
 * What an established IKE SA has to do when it may send a request: the
 * end of its lifetime, its rekey, its CHILD SAs' rekeys, a liveness
 * check, in that order. Returns when it should look again.
 */
static iked_ms work(struct ike_sa *sa, iked_ms now)
{
	iked_ms next = 0;

	if (sa->successor) {
		/* Rekeyed: gone when the peer deletes it, or at retire_at. */
		if (sa->retire_at && sa->retire_at <= now) {
			if (sa->proto->retire_ike)
				sa->proto->retire_ike(sa);
			else
				ike_sa_kill(sa, NULL);
			return 0;
		}
		return sa->retire_at;
	}
	/* Stopping: no rekey, no new CHILD SA (sa/shutdown.c). */
	if (sa->state != IKE_ESTABLISHED || sa->d->stopping)
		return 0;
	/* Make before break: the replaced CHILD SAs go, request or not. */
	earliest(&next, child_retire_run(sa, now));
	if (sa->req_kind)
		return next;
	if (sa->hard_at && sa->hard_at <= now) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "IKE SA reached its lifetime (%us, ikelifetime=%us%s) without a rekey: deleting",
			   ike_sa_lifetime(sa), sa->conn->ikelifetime,
			   ike_sa_lifetime(sa) < sa->conn->ikelifetime ?
			   ", the peer's shorter one" : "");
		sa->proto->delete_ike(sa, false);
		return 0;
	}
	if (sa->rekey_at && sa->rekey_at <= now) {
		sa->rekey_at = 0;
		if (sa->conn->reauth)
			reauth_start(sa);
		else if (sa->proto->rekey_ike(sa) == 0)
			return 0;
	}
	if (sa->want_child && !sa->children &&
	    !sa->proto->child_negotiating(sa)) {
		sa->want_child = false;
		if (sa->proto->child_start(sa) == 0)
			return 0;
	}
	earliest(&next, sa->rekey_at);
	earliest(&next, sa->hard_at);
	if (!work_children(sa, now, &next))
		return 0;
	dpd_check(sa, now);
	if (!sa->req_kind)
		earliest(&next, dpd_next(sa));
	return next;
}

/* A responder's IKE SA that never got authenticated ends: true then. */
static bool half_open_expired(struct ike_sa *sa, iked_ms now)
{
	if (!sa->expire_at || sa->expire_at > now ||
	    sa->state == IKE_ESTABLISHED)
		return false;
	/* Anyone can leave us half-open IKE SAs. */
	iked_log_peer(sa->d, &sa->path.remote, IKED_LOG_INFO,
		      ike_sa_name(sa), sa->no, "half-open IKE SA timed out");
	ike_sa_kill(sa, "half-open IKE SA timed out");
	return true;
}

iked_ms iked_run_timers(struct iked *d, iked_ms now)
{
	struct ike_sa *sa, *head = d->sas;
	iked_ms next = 0;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD)
			continue;
		if (!retransmit_run(sa, now) || half_open_expired(sa, now))
			continue;
		/* A held message whose fetch outlived its deadline: decide. */
		if (sa->cred_wait_until && sa->cred_wait_until <= now &&
		    sa->proto->cred_ready) {
			sa->proto->cred_ready(sa, true);
			if (sa->state == IKE_DEAD)
				continue;
		}
		earliest(&next, sa->cred_wait_until);
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
