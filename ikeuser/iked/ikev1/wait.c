// SPDX-License-Identifier: GPL-2.0
/*
 * Phase 1 held for the revocation check of the peer's certificate: a
 * CRL from its distribution point or an OCSP answer being fetched
 * (crypto/auth/crl_fetch.h). IKEv2 drops such a message and lets the
 * retransmission find the CRL; IKEv1 cannot: its phase 1 IV moved on
 * with the decryption and a copy of the message is taken as a
 * retransmission (recv.c). So the message is kept as it came, with the
 * IV it decrypts under, and handled again, as if it came anew, when a
 * fetch ends or its deadline passes; meanwhile the ISAKMP SA keeps its
 * state and ignores what the peer sends (its retransmissions).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "v1.h"
#include "../crypto/auth/crl_fetch.h"

struct v1_wait {
	uint8_t *buf;			/* the datagram, reassembled */
	size_t len;
	struct iked_path path;
	bool enc;			/* @iv decrypts it */
	uint8_t iv[IKEV1_BLOCK_MAX];
	/* recv.c's copy detection as it was when it came */
	uint8_t last_in[32];
	const char *msg;		/* "MM5", static */
	unsigned int ignored;		/* the peer's datagrams meanwhile */
	iked_ms since;
};

static unsigned int wait_ms(const struct ike_sa *sa)
{
	return sa->d->cred_wait_ms ? sa->d->cred_wait_ms : IKED_CRL_WAIT_MS;
}

static void wait_free(struct v1_wait *w)
{
	if (w)
		free(w->buf);
	free(w);
}

bool v1_wait_defer(struct ike_sa *sa, const struct ikev1_chain *c,
		   const uint8_t *iv, const char *msg)
{
	struct v1_sa *v = v1(sa);
	struct v1_wait *w;

	if (!v1_sig(sa) || v->wait_over || !v->rx_buf || !v->rx_path ||
	    !v1_sig_must_wait(sa, c))
		return false;
	w = calloc(1, sizeof(*w));
	if (w)
		w->buf = malloc(v->rx_len ? v->rx_len : 1);
	if (!w || !w->buf) {
		wait_free(w);
		ike_sa_log(sa, IKED_LOG_ERR,
			   "%s: cannot hold it for the revocation check (out of memory): decided without",
			   msg);
		return false;
	}
	memcpy(w->buf, v->rx_buf, v->rx_len);
	w->len = v->rx_len;
	w->path = *v->rx_path;
	w->enc = iv != NULL;
	if (iv)
		memcpy(w->iv, iv, v->ivs.block);
	memcpy(w->last_in, v->last_in, sizeof(w->last_in));
	w->msg = msg;
	w->since = iked_now();
	wait_free(v->wait);
	v->wait = w;
	/* It answers our request: no more copies of ours meanwhile. */
	if (sa->req_kind)
		retransmit_done(sa);
	/* Handled again (v1_wait_ready): the deadline stays the first. */
	if (!sa->cred_wait_until) {
		sa->cred_wait_until = w->since + wait_ms(sa);
		ike_sa_log(sa, IKED_LOG_INFO,
			   "%s waits for the revocation check of the peer's certificate (at most %u ms); the peer's retransmissions are ignored meanwhile",
			   msg, wait_ms(sa));
	}
	return true;
}

/* @w's message again, @sa as it was when it came. */
static void replay(struct ike_sa *sa, struct v1_wait *w, bool deadline)
{
	struct v1_sa *v = v1(sa);
	struct ikev1_msg *m = calloc(1, sizeof(*m));
	struct ikev1_err err = { 0 };

	if (!m || ikev1_msg_parse(m, w->buf, w->len, &err)) {
		/* It parsed once: only memory can be short. */
		free(m);
		ike_sa_kill(sa, "cannot handle the message held for the revocation check");
		return;
	}
	if (w->enc)
		ikev1_ivs_set(&v->ivs, 0, w->iv);
	memcpy(v->last_in, w->last_in, sizeof(v->last_in));
	v->have_last_in = true;
	v->rx_path = &w->path;
	v->rx_buf = w->buf;
	v->rx_len = w->len;
	v->wait_over = deadline;
	if (m->hdr.exchange == IKEV1_EXCH_AGGRESSIVE)
		v1_am_recv(sa, m);
	else
		v1_mm_recv(sa, m);
	v->rx_path = NULL;
	v->rx_buf = NULL;
	v->rx_len = 0;
	v->wait_over = false;
	free(m);
}

/* Once handled: how long it waited, and what came meanwhile. */
static void held_line(const struct ike_sa *sa, const struct v1_wait *w)
{
	char ign[64] = "";

	if (w->ignored)
		snprintf(ign, sizeof(ign),
			 "; %u datagrams of the peer ignored meanwhile",
			 w->ignored);
	ike_sa_log(sa, IKED_LOG_INFO,
		   "%s was held %llu ms for the revocation check of the peer's certificate%s",
		   w->msg, (unsigned long long)(iked_now() - w->since), ign);
}

void v1_wait_ready(struct ike_sa *sa, bool deadline)
{
	struct v1_sa *v = v1(sa);
	struct v1_wait *w = v->wait;

	if (!w || sa->state == IKE_DEAD)
		return;
	if (deadline)
		ike_sa_log(sa, IKED_LOG_WARN,
			   "%s: the revocation check of the peer's certificate did not end within %u ms: decided without it",
			   w->msg, wait_ms(sa));
	v->wait = NULL;
	replay(sa, w, deadline);
	if (v->wait) {
		/* Another fetch of its chain is still under way. */
		v->wait->ignored += w->ignored;
		v->wait->since = w->since;
	} else {
		sa->cred_wait_until = 0;
		if (!deadline && sa->state != IKE_DEAD)
			held_line(sa, w);
	}
	wait_free(w);
}

bool v1_wait_ignore(struct ike_sa *sa)
{
	struct v1_wait *w = v1(sa)->wait;

	if (!w)
		return false;
	w->ignored++;
	ike_sa_log(sa, IKED_LOG_DEBUG,
		   "ignored a datagram of the peer: %s waits for the revocation check of its certificate",
		   w->msg);
	return true;
}

const char *v1_wait_what(const struct ike_sa *sa)
{
	const struct v1_wait *w = v1(sa)->wait;

	return w ? w->msg : NULL;
}

void v1_wait_free(struct ike_sa *sa)
{
	wait_free(v1(sa)->wait);
	v1(sa)->wait = NULL;
}
