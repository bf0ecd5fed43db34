// SPDX-License-Identifier: GPL-2.0
/* What the daemon asks of IKEv2: bring a conn up or down, stop, react to the kernel's expiries. */

#include <errno.h>
#include <string.h>

#include "ike.h"
#include "ikev2.h"
#include "../conn.h"

/*
 * The IKE SA to use for @c: the newest established one (the list is
 * newest first) that no rekey replaced, else one we are initiating. A
 * half-open SA that a peer started does not count: anyone can start one
 * with a spoofed address, and it must not stop us from initiating.
 */
static struct ike_sa *sa_of_conn(struct iked *d, const struct iked_conn *c)
{
	struct ike_sa *sa, *ours = NULL;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != c->cfg)
			continue;
		if (sa->state == IKE_ESTABLISHED && !sa->successor)
			return sa;
		if (!ours && sa->initiator &&
		    (sa->state == IKE_INIT_SENT || sa->state == IKE_AUTH_SENT))
			ours = sa;
	}
	return ours;
}

int ikev2_initiate(struct iked *d, struct iked_conn *c, struct ike_sa **out)
{
	struct iked_path path = { 0 };
	struct ike_sa *sa = sa_of_conn(d, c);
	int r;

	*out = NULL;
	if (sa) {
		*out = sa;
		if (sa->state != IKE_ESTABLISHED || sa->children ||
		    v2(sa)->pend.active)
			return 0;
		return child_create_start(sa, 0);
	}
	if (c->remote->addr.family == AF_UNSPEC) {
		iked_conn_fail(d, c->cfg, 0,
			       "cannot initiate: right=%%any (the peer's address is not known)");
		return -EDESTADDRREQ;
	}
	path.remote = c->remote->addr;
	path.rport = IKED_IKE_PORT;
	path.lport = d->net.port;
	path.local = c->local->addr;
	if (path.local.family == AF_UNSPEC &&
	    iked_net_source(&path.remote, &path.local)) {
		iked_conn_fail(d, c->cfg, 0, "cannot initiate: no route to %s",
			       kesp_addr_format(&path.remote,
						(char[KESP_ADDR_STRLEN]){ 0 },
						KESP_ADDR_STRLEN));
		return -ENETUNREACH;
	}
	sa = ike_sa_new(d, true, &path);
	if (!sa)
		return -ENOMEM;
	ike_sa_set_conn(sa, c->cfg);
	c->tries++;
	r = init_start(sa, 0);
	if (r) {
		ike_sa_kill(sa, "cannot start IKE_SA_INIT");
		return r;
	}
	*out = sa;
	return 0;
}

int ikev2_rekey(struct iked *d, struct iked_conn *c, bool ike, bool child)
{
	struct ike_sa *sa = sa_of_conn(d, c);
	struct child_sa *ch;
	iked_ms now = iked_now();

	if (!sa || sa->state != IKE_ESTABLISHED)
		return -ENOENT;
	/* Due now: work() starts them one at a time, as the window allows. */
	if (ike)
		sa->rekey_at = now;
	for (ch = sa->children; child && ch; ch = ch->next) {
		if (ch->state != CHILD_INSTALLED || ch->redundant ||
		    ch->replaced || ch->rekeying)
			continue;
		ch->rekey_due = true;
		ch->rekey_at = now;
	}
	ike_sa_log(sa, IKED_LOG_INFO, "rekey of %s asked for by kespctl",
		   ike && child ? "the IKE SA and its CHILD SAs" :
		   ike ? "the IKE SA" : "the CHILD SAs");
	return 0;
}

int ikev2_terminate(struct iked *d, struct iked_conn *c)
{
	struct ike_sa *sa;
	int n = 0;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != c->cfg || sa->state == IKE_DEAD ||
		    sa->state == IKE_DELETING)
			continue;
		n++;
		if (sa->state == IKE_ESTABLISHED)
			info_delete_ike(sa);
		else
			ike_sa_kill(sa, "terminated");
	}
	return n ? 0 : -ENOENT;
}

void ikev2_shutdown(struct iked *d)
{
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_ESTABLISHED) {
			/*
			 * No time to wait for an outstanding answer: the Delete
			 * goes now, and a peer that ignores it finds out by DPD.
			 */
			if (sa->req_kind != REQ_NONE)
				xchg_request_done(sa);
			info_delete_ike(sa);
		}
		ike_sa_kill(sa, "kesp-iked is stopping");
	}
}

/* Whether @k ended at a hard limit, or was removed by someone. */
static bool hard_limit_reached(const struct kesp_sa *k)
{
	const uint64_t *l = k->lft;

	return (l[KESP_LFT_A_HARD_ADD_SECS] &&
		k->add_time >= l[KESP_LFT_A_HARD_ADD_SECS]) ||
	       (l[KESP_LFT_A_HARD_USE_SECS] &&
		k->use_time >= l[KESP_LFT_A_HARD_USE_SECS]) ||
	       (l[KESP_LFT_A_HARD_BYTES] &&
		k->cnt.bytes >= l[KESP_LFT_A_HARD_BYTES]) ||
	       (l[KESP_LFT_A_HARD_PACKETS] &&
		k->cnt.packets >= l[KESP_LFT_A_HARD_PACKETS]);
}

void ikev2_sa_expired(struct iked *d, const struct kesp_sa *ksa, bool hard)
{
	struct child_sa *ch = NULL;
	struct ike_sa *sa;

	/* An SPI is unique only for its destination: the peer picks ours. */
	for (sa = d->sas; sa && !ch; sa = sa->next) {
		bool in = ksa->dir == KESP_DIR_IN;

		if (sa->state == IKE_DEAD ||
		    memcmp(&ksa->dst, in ? &sa->path.local : &sa->path.remote,
			   sizeof(ksa->dst)))
			continue;
		ch = in ? child_find_in(sa, ksa->spi) :
			  child_find_out(sa, ksa->spi);
		if (ch)
			break;
	}
	if (!ch)
		return;
	if (!hard) {
		/* Both directions say so; one rekey does for both. */
		if (ch->rekey_due || ch->rekeying || ch->redundant ||
		    ch->replaced || ch->state == CHILD_DELETING)
			return;
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u reached its soft lifetime (%s SA %08x): rekeying",
			   ch->no, kesp_dir_name(ksa->dir), ksa->spi);
		ch->rekey_due = true;
		ch->rekey_at = iked_now();
		return;
	}
	if (ch->state != CHILD_DELETING) {
		if (hard_limit_reached(ksa))
			ike_sa_log(sa, IKED_LOG_INFO,
				   "CHILD SA #%u reached its hard lifetime (%s SA %08x)",
				   ch->no, kesp_dir_name(ksa->dir), ksa->spi);
		else
			ike_sa_log(sa, IKED_LOG_INFO,
				   "CHILD SA #%u: its %s SA %08x was removed from the kernel (kespctl sa flush or sa del): deleting the CHILD SA",
				   ch->no, kesp_dir_name(ksa->dir), ksa->spi);
	}
	if (sa->state == IKE_ESTABLISHED && !ch->redundant && !ch->replaced &&
	    ch->state != CHILD_DELETING)
		/*
		 * As after "clear crypto ipsec sa", or a rekey that never
		 * succeeded: the tunnel comes back by itself, whatever
		 * auto= says. Until then on-demand policies hold the
		 * traffic, which must not leave in clear when the CHILD SA's
		 * own policies go with it.
		 */
		child_hold(sa, ch, true);
	if (sa->state == IKE_ESTABLISHED && sa->req_kind == REQ_NONE &&
	    ch->state != CHILD_DELETING)
		child_delete_start(sa, ch);
	else
		child_remove(sa, ch, "expired");
}

/* For `kespctl ike diagnose`: what the IKE SA waits for, in IKEv2's terms. */
static const char *waiting_for(const struct ike_sa *sa, char *buf,
			       size_t len)
{
	static const char *const what[] = {
		[REQ_INIT] = "IKE_SA_INIT",
		[REQ_AUTH] = "IKE_AUTH",
		[REQ_CREATE_CHILD] = "CREATE_CHILD_SA (a CHILD SA)",
		[REQ_DELETE_CHILD] = "INFORMATIONAL (our Delete of a CHILD SA)",
		[REQ_DELETE_IKE] = "INFORMATIONAL (our Delete of the IKE SA)",
		[REQ_LIVENESS] = "INFORMATIONAL (a liveness check)",
		[REQ_REKEY_IKE] = "CREATE_CHILD_SA (our IKE SA rekey)",
		[REQ_NOTIFY] = "INFORMATIONAL (our INVALID_SYNTAX notify)",
	};
	iked_ms now = iked_now();

	if (sa->req_kind == REQ_NONE) {
		if (sa->state == IKE_INIT_DONE)
			snprintf(buf, len, "waiting for the peer's IKE_AUTH request");
		else
			snprintf(buf, len, "nothing outstanding");
		return buf;
	}
	snprintf(buf, len,
		 "waiting for the answer to %s request %u, sent %llus ago, %u retransmits so far (gives up after %u)",
		 what[sa->req_kind], v2(sa)->next_req_id - 1,
		 (unsigned long long)(sa->req_sent && now > sa->req_sent ?
				      (now - sa->req_sent) / 1000 : 0),
		 sa->retx, sa->d->retx_tries);
	return buf;
}

/* A CHILD SA of ours is being negotiated in @sa. */
static bool child_negotiating(const struct ike_sa *sa)
{
	return v2(sa)->pend.active;
}

const struct iked_proto ikev2_proto = {
	.name = "IKEv2",
	.major = IKEV2_VERSION >> 4,
	.recv = ikev2_recv,
	.run_timers = ikev2_run_timers,
	.reap = ikev2_reap,
	.initiate = ikev2_initiate,
	.rekey = ikev2_rekey,
	.terminate = ikev2_terminate,
	.shutdown = ikev2_shutdown,
	.sa_expired = ikev2_sa_expired,
	.waiting_for = waiting_for,
	.child_negotiating = child_negotiating,
	.liveness = dpd_send_liveness,
};
