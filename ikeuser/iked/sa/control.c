// SPDX-License-Identifier: GPL-2.0
/* What the daemon asks of IKE SAs, whatever their version: bring a conn up or down, rekey it, stop, react to the kernel's expiries. */

#include <errno.h>
#include <string.h>

#include "control.h"
#include "child_sa.h"
#include "ike_sa.h"
#include "retransmit.h"
#include "../conn.h"
#include "../ctl.h"
#include "../kernel.h"
#include "../log.h"
#include "../proto.h"

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

/* Where a new IKE SA of @c goes from, into @path: 0 or -errno (logged). */
static int initiate_path(struct iked *d, struct iked_conn *c,
			 struct iked_path *path)
{
	memset(path, 0, sizeof(*path));
	if (c->remote->addr.family == AF_UNSPEC) {
		iked_conn_fail(d, c->cfg, 0,
			       "cannot initiate: right=%%any (the peer's address is not known)");
		return -EDESTADDRREQ;
	}
	path->remote = c->remote->addr;
	path->rport = IKED_IKE_PORT;
	path->lport = d->net.port;
	path->local = c->local->addr;
	if (path->local.family == AF_UNSPEC &&
	    iked_net_source(&path->remote, &path->local)) {
		iked_conn_fail(d, c->cfg, 0, "cannot initiate: no route to %s",
			       kesp_addr_format(&path->remote,
						(char[KESP_ADDR_STRLEN]){ 0 },
						KESP_ADDR_STRLEN));
		return -ENETUNREACH;
	}
	return 0;
}

int iked_initiate(struct iked *d, struct iked_conn *c, struct ike_sa **out)
{
	struct iked_path path;
	struct ike_sa *sa = sa_of_conn(d, c);
	int r;

	*out = NULL;
	/*
	 * Stopping, or a conn a reload replaced: whatever it started would
	 * be cut off unannounced.
	 */
	if (d->stopping || c->retired)
		return -ESHUTDOWN;
	if (sa) {
		*out = sa;
		if (sa->state != IKE_ESTABLISHED || sa->children ||
		    sa->proto->child_negotiating(sa))
			return 0;
		return sa->proto->child_start(sa);
	}
	r = initiate_path(d, c, &path);
	if (r)
		return r;
	sa = ike_sa_new(d, iked_proto_of(c), true, &path);
	if (!sa)
		return -ENOMEM;
	ike_sa_set_conn(sa, c->cfg);
	c->tries++;
	r = sa->proto->ike_start(sa);
	if (r) {
		ike_sa_kill(sa, "cannot start the IKE SA");
		return r;
	}
	*out = sa;
	return 0;
}

int iked_rekey(struct iked *d, struct iked_conn *c, bool ike, bool child)
{
	struct ike_sa *sa = sa_of_conn(d, c);
	struct child_sa *ch;
	iked_ms now = iked_now();

	if (!sa || sa->state != IKE_ESTABLISHED)
		return -ENOENT;
	/* Due now: the timers start them one at a time, as the window allows. */
	if (ike)
		sa->rekey_at = now;
	for (ch = sa->children; child && ch; ch = ch->next) {
		if (ch->state != CHILD_INSTALLED || ch->redundant ||
		    ch->replaced || ch->rekeying || ch->retire_at)
			continue;
		ch->rekey_due = true;
		ch->rekey_at = now;
	}
	ike_sa_log(sa, IKED_LOG_INFO, "rekey of %s asked for by kespctl",
		   ike && child ? "the IKE SA and its CHILD SAs" :
		   ike ? "the IKE SA" : "the CHILD SAs");
	return 0;
}

int iked_terminate(struct iked *d, struct iked_conn *c)
{
	struct ike_sa *sa;
	int n = 0;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != c->cfg || sa->state == IKE_DEAD ||
		    sa->state == IKE_DELETING)
			continue;
		n++;
		if (sa->state == IKE_ESTABLISHED)
			sa->proto->delete_ike(sa, false);
		else
			ike_sa_kill(sa, "terminated");
	}
	return n ? 0 : -ENOENT;
}

bool iked_sa_goodbye(struct ike_sa *sa, const char *why)
{
	/* Our Delete is out already: it runs its course. */
	if (sa->state == IKE_DELETING && !sa->delete_pending) {
		/* A gentle one (reauth) still receives: no longer. */
		while (sa->children)
			child_remove(sa, sa->children, why);
		return true;
	}
	/* Half-open: nobody to tell. */
	if (sa->state != IKE_ESTABLISHED && sa->state != IKE_DELETING) {
		ike_sa_kill(sa, why);
		return false;
	}
	if (sa->waiter) {
		iked_ctl_done(sa->d, sa->waiter, -ECONNABORTED, why);
		sa->waiter = NULL;
	}
	/*
	 * No waiting for an outstanding answer first: the Delete goes now,
	 * what the exchange had under way is dropped (a CHILD SA it would
	 * make would carry traffic the caller wants stopped), and the
	 * peer's late answer no longer matches a request of ours.
	 */
	if (sa->req_kind) {
		retransmit_done(sa);
		sa->proto->sa_abort(sa);
	}
	sa->proto->delete_ike(sa, false);
	return sa->state == IKE_DELETING;
}

unsigned int iked_conn_drop(struct iked *d, struct iked_conn *c,
			    const char *why)
{
	struct ike_sa *sa;
	unsigned int n = 0;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != c->cfg || sa->state == IKE_DEAD)
			continue;
		iked_sa_goodbye(sa, why);
		n++;
	}
	return n;
}

void child_hold(struct ike_sa *sa, struct child_sa *ch, bool renew)
{
	struct iked_conn *c = iked_conn_of(sa->d, sa->conn);

	/*
	 * Below the CHILD SA's own policies (IKED_PRIO_TRAP), so harmless
	 * while it lives; once it is gone they hold its traffic and ask
	 * for a new one, whatever auto= says: never in clear.
	 */
	if (!c->n_trap && !iked_conn_route(sa->d, c))
		ike_sa_log(sa, IKED_LOG_INFO,
			   "CHILD SA #%u may end without a successor: on-demand policies hold its traffic meanwhile",
			   ch->no);
	if (renew)
		sa->want_child = true;
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

/* The CHILD SA (and its IKE SA, into *@owner) of kernel SA @ksa. */
static struct child_sa *child_of_ksa(struct iked *d, const struct kesp_sa *ksa,
				     struct ike_sa **owner)
{
	bool in = ksa->dir == KESP_DIR_IN;
	struct child_sa *ch;
	struct ike_sa *sa;

	/* An SPI is unique only for its destination: the peer picks ours. */
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD ||
		    memcmp(&ksa->dst, in ? &sa->path.local : &sa->path.remote,
			   sizeof(ksa->dst)))
			continue;
		ch = in ? child_find_in(sa, ksa->spi) :
			  child_find_out(sa, ksa->spi);
		if (ch) {
			*owner = sa;
			return ch;
		}
	}
	return NULL;
}

/* The soft lifetime of @ch: a rekey is due. */
static void soft_expired(struct ike_sa *sa, struct child_sa *ch,
			 const struct kesp_sa *ksa)
{
	/* Both directions say so; one rekey does for both. */
	if (ch->rekey_due || ch->rekeying || ch->redundant ||
	    ch->replaced || ch->retire_at || ch->state == CHILD_DELETING)
		return;
	ike_sa_log(sa, IKED_LOG_INFO,
		   "CHILD SA #%u reached its soft lifetime (%s SA %08x): rekeying",
		   ch->no, kesp_dir_name(ksa->dir), ksa->spi);
	ch->rekey_due = true;
	ch->rekey_at = iked_now();
}

void iked_sa_expired(struct iked *d, const struct kesp_sa *ksa, bool hard)
{
	struct ike_sa *sa = NULL;
	struct child_sa *ch = child_of_ksa(d, ksa, &sa);

	if (!ch)
		return;
	if (!hard) {
		soft_expired(sa, ch, ksa);
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
	    !ch->retire_at && ch->state != CHILD_DELETING)
		/*
		 * As after "clear crypto ipsec sa", or a rekey that never
		 * succeeded: the tunnel comes back by itself, whatever
		 * auto= says. Until then on-demand policies hold the
		 * traffic, which must not leave in clear when the CHILD SA's
		 * own policies go with it.
		 */
		child_hold(sa, ch, true);
	if (sa->state == IKE_ESTABLISHED && !sa->req_kind &&
	    ch->state != CHILD_DELETING)
		sa->proto->delete_child(sa, ch);
	else
		child_remove(sa, ch, "expired");
}

/*
 * The kernel refused an SA the daemon took for installed (the answer to
 * the peer may be out already): the CHILD SA cannot carry traffic, so it
 * goes, announced as an expired one is.
 */
static void install_failed(struct iked *d, const struct kesp_sa *ksa,
			   const char *why)
{
	const char *dir = ksa->dir == KESP_DIR_IN ? "inbound" : "outbound";
	struct ike_sa *sa = NULL;
	struct child_sa *ch = child_of_ksa(d, ksa, &sa);

	if (!ch) {
		iked_log(IKED_LOG_ERR, NULL, 0,
			 "cannot install %s SA %08x: %s (its CHILD SA is gone already)",
			 dir, ksa->spi, why);
		return;
	}
	ike_sa_log(sa, IKED_LOG_ERR,
		   "cannot install %s SA %08x: %s: deleting CHILD SA #%u",
		   dir, ksa->spi, why, ch->no);
	if (ch->state == CHILD_DELETING)
		return;
	if (sa->state == IKE_ESTABLISHED && !sa->req_kind)
		sa->proto->delete_child(sa, ch);
	else
		child_remove(sa, ch, "its kernel SA could not be installed");
}

void iked_kernel_failed(const struct iked_kernel_failure *f, void *arg)
{
	struct iked *d = arg;

	switch (f->cmd) {
	case KESP_CMD_SA_NEW:
		install_failed(d, f->sa, f->why);
		return;
	case KESP_CMD_SA_DEL:
	case KESP_CMD_POLICY_DEL:
		/* As when they ran at once: gone already is what was wanted. */
		if (f->err == -ENOENT)
			return;
		if (f->cmd == KESP_CMD_SA_DEL)
			iked_log(IKED_LOG_WARN, NULL, 0,
				 "cannot remove %s SA %08x: %s",
				 kesp_dir_name(f->sa->dir), f->sa->spi, f->why);
		else
			iked_log(IKED_LOG_WARN, NULL, 0,
				 "cannot remove a policy: %s", f->why);
		return;
	case KESP_CMD_SA_UPDATE:
		iked_log(IKED_LOG_ERR, NULL, 0,
			 "cannot move %s SA %08x to the new NAT mapping: %s",
			 kesp_dir_name(f->sa->dir), f->sa->spi, f->why);
		return;
	default:
		iked_log(IKED_LOG_ERR, NULL, 0,
			 "cannot install a policy (reqid %u): %s",
			 f->pol->tmpl.reqid, f->why);
		return;
	}
}
