// SPDX-License-Identifier: GPL-2.0
/* The IKE SA as the core sees it, whatever version negotiates it: the clock, its life (new, established, killed, freed), names, identity, log lines, the waiting `kespctl ike up`. */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_sa.h"
#include "child_sa.h"
#include "lifetime.h"
#include "../conn.h"
#include "../conn_retired.h"
#include "../crypto/auth/peer_cas.h"
#include "../ctl.h"
#include "../proto.h"

/*
 * A responder's half-open IKE SA (not authenticated yet) is dropped after
 * this; our own are bounded by the retransmission schedule, whose
 * give-up says why.
 */
#define HALF_OPEN_MS	30000

uint64_t iked_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

iked_ms iked_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (iked_ms)ts.tv_sec * 1000 + (iked_ms)ts.tv_nsec / 1000000;
}

struct ike_sa *ike_sa_new(struct iked *d, const struct iked_proto *proto,
			  bool initiator, const struct iked_path *path)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->proto = proto;
	if (proto->sa_new(sa)) {
		free(sa);
		return NULL;
	}
	sa->d = d;
	sa->no = ++d->next_sa_no;
	sa->initiator = initiator;
	sa->path = *path;
	sa->created = iked_now();
	sa->expire_at = initiator ? 0 : sa->created + HALF_OPEN_MS;
	/* Our SPI: random, so that an off-path attacker cannot guess it. */
	if (RAND_bytes(initiator ? sa->spi_i : sa->spi_r, 8) != 1) {
		proto->sa_free(sa);
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
	lifetime_schedule_ike(sa);
}

void ike_sa_kill(struct ike_sa *sa, const char *why)
{
	while (sa->children)
		child_remove(sa, sa->children, NULL);
	sa->proto->sa_abort(sa);
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
	sa->cred_wait_until = 0;
}

static void ike_sa_free(struct ike_sa *sa)
{
	sa->proto->sa_free(sa);
	iked_peer_cas_free(sa);
	free(sa->req);
	free(sa->resp);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void ike_sa_reap(struct iked *d)
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
	/* A conf a reload replaced goes with the last SA that used it. */
	if (d->retired)
		iked_retired_reap(d);
}

void ike_sa_creds_ready(struct iked *d)
{
	struct ike_sa *sa;

	/* Any may have ended: each SA's version checks its own again. */
	for (sa = d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && sa->cred_wait_until &&
		    sa->proto->cred_ready)
			sa->proto->cred_ready(sa, false);
}

const char *ike_sa_name(const struct ike_sa *sa)
{
	return sa->conn ? sa->conn->name : "(unknown)";
}

void ike_sa_set_conn(struct ike_sa *sa, const struct iked_conf_conn *cfg)
{
	struct iked_conn *c = iked_conn_of(sa->d, cfg);

	sa->conn = cfg;
	sa->local = c->local;
	sa->remote = c->remote;
}

void ike_sa_log(const struct ike_sa *sa, enum iked_log_level lvl,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	iked_vlog(lvl, ike_sa_name(sa), sa->no, fmt, ap);
	va_end(ap);
}

void ike_sa_local_id(const struct ike_sa *sa, struct iked_conf_id *id)
{
	const struct kesp_addr *a = &sa->path.local;

	if (sa->local && sa->local->id.type != IKED_ID_ANY) {
		*id = sa->local->id;
		return;
	}
	/* No leftid and left=%any: we are the address the peer talks to. */
	memset(id, 0, sizeof(*id));
	id->type = a->family == AF_INET ? IKED_ID_IPV4_ADDR :
					  IKED_ID_IPV6_ADDR;
	id->len = (uint16_t)kesp_addr_len(a->family);
	memcpy(id->data, a->bytes, id->len);
}

void ike_sa_answer(struct ike_sa *sa, int err)
{
	const struct iked_conn *c;

	if (!sa->waiter)
		return;
	c = sa->conn ? iked_conn_of(sa->d, sa->conn) : NULL;
	iked_ctl_done(sa->d, sa->waiter, err,
		      !err ? "established" :
		      iked_conn_last_error(c)[0] ? iked_conn_last_error(c) :
		      strerror(-err));
	sa->waiter = NULL;
}
