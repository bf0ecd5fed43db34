// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes of IKE and CHILD SAs, whatever version: when to rekey, when
 * to reauthenticate (reauth=yes) and when to check that a silent peer is
 * still there (DPD, RFC 7296 2.4). The version builds and answers the
 * messages; here is only when.
 */

#include <errno.h>
#include <string.h>
#include <openssl/rand.h>

#include "lifetime.h"
#include "control.h"
#include "ike_sa.h"
#include "retransmit.h"
#include "../conn.h"
#include "../kernel.h"
#include "../proto.h"

/* @secs minus the margin and up to rekeyfuzz% more of it, at random. */
uint32_t rekey_secs(const struct iked_conf_conn *cfg, uint32_t secs)
{
	uint32_t margin = cfg->rekeymargin, fuzz = 0, r;

	if (margin >= secs)
		margin = secs / 2;
	if (cfg->rekeyfuzz && margin &&
	    RAND_bytes((unsigned char *)&r, sizeof(r)) == 1)
		fuzz = (uint32_t)((uint64_t)r % ((uint64_t)margin *
						 cfg->rekeyfuzz / 100 + 1));
	if (margin + fuzz >= secs)
		fuzz = 0;
	return secs - margin - fuzz;
}

uint32_t ike_sa_lifetime(const struct ike_sa *sa)
{
	if (!sa->conn)
		return 0;
	return sa->life_secs && sa->life_secs < sa->conn->ikelifetime ?
	       sa->life_secs : sa->conn->ikelifetime;
}

void lifetime_schedule_ike(struct ike_sa *sa)
{
	const struct iked_conf_conn *cfg = sa->conn;
	uint32_t life = ike_sa_lifetime(sa);

	sa->hard_at = sa->established + (iked_ms)life * 1000;
	sa->rekey_at = cfg->rekey ?
		sa->established + (iked_ms)rekey_secs(cfg, life) * 1000 : 0;
}

/*
 * The new IKE SA sends no initial contact (the old one still exists), so
 * the peer keeps the old SAs until our Delete.
 */
int reauth_start(struct ike_sa *old)
{
	struct iked *d = old->d;
	struct iked_path path = old->path;
	struct ike_sa *n;
	int r;

	/* From scratch, as a first contact would: IKE on UDP 500. */
	path.rport = IKED_IKE_PORT;
	path.lport = d->net.port;
	n = ike_sa_new(d, old->proto, true, &path);
	if (!n)
		return -ENOMEM;
	ike_sa_set_conn(n, old->conn);
	n->reauth = true;
	memcpy(n->reauth_spi_i, old->spi_i, 8);
	memcpy(n->reauth_spi_r, old->spi_r, 8);
	r = n->proto->ike_start(n);
	if (r) {
		ike_sa_kill(n, "cannot start the new IKE SA");
		return r;
	}
	ike_sa_log(old, IKED_LOG_INFO,
		   "reauthenticating (reauth=yes): a new IKE SA %s[%u] replaces this one once its CHILD SA is up",
		   ike_sa_name(n), n->no);
	return 0;
}

void reauth_done(struct ike_sa *n)
{
	struct ike_sa *old;

	if (!n->reauth)
		return;
	n->reauth = false;
	for (old = n->d->sas; old; old = old->next) {
		if (old->state != IKE_ESTABLISHED ||
		    memcmp(old->spi_i, n->reauth_spi_i, 8) ||
		    memcmp(old->spi_r, n->reauth_spi_r, 8))
			continue;
		ike_sa_log(old, IKED_LOG_INFO,
			   "reauthenticated: %s[%u] replaces this IKE SA; deleting it and its CHILD SAs",
			   ike_sa_name(n), n->no);
		old->proto->delete_ike(old, true);
		return;
	}
}

static const char *const dpd_action_names[] = { "none", "clear", "hold",
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

void dpd_check(struct ike_sa *sa, iked_ms now)
{
	iked_ms due = dpd_next(sa);
	uint64_t in, out;

	if (!due || due > now || sa->req_kind)
		return;
	/* ESP from the peer is as good a sign of life as IKE (2.4). */
	child_bytes(sa, &in, &out);
	if (in != sa->dpd_in_bytes) {
		sa->dpd_in_bytes = in;
		sa->last_recv = now;
		return;
	}
	if (sa->proto->liveness(sa) == 0)
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
		       dpd_action_names[sa->conn->dpdaction]);
	retransmit_done(sa);
	ike_sa_kill(sa, "dead peer detected");
	switch (sa->conn->dpdaction) {
	case IKED_DPD_HOLD:
		/* The next packet for the tunnel brings it back. */
		iked_conn_route(d, c);
		break;
	case IKED_DPD_RESTART: {
		struct ike_sa *again;

		iked_initiate(d, c, &again);
		break;
	}
	default:
		break;
	}
	return true;
}
