/* SPDX-License-Identifier: GPL-2.0 */
/* The table of operations an IKE version offers the core, and the dispatcher (ike.c) that is the core's only way to a version. */

#ifndef KESP_IKED_PROTO_H
#define KESP_IKED_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

/*
 * One IKE version's protocol module. The core (conn.c, ctl.c, main.c,
 * status.c, sa/) never names a version's function: an IKEv1 module is
 * then a new table and a new folder, not branches in the core. Every IKE
 * SA records the module that owns it (sa->proto); the core's scheduler
 * (sa/timers.c), lifetimes (sa/lifetime.c) and actions (sa/control.c)
 * reach the version through it, one SA at a time.
 */
struct iked_proto {
	const char *name;		/* "IKEv2": for logs */
	uint8_t major;			/* ISAKMP header major version */
	/* A datagram of this version arrived on an IKE socket. */
	void (*recv)(struct iked *d, const uint8_t *buf, size_t len,
		     const struct iked_path *path);

	/* The life of an IKE SA (sa/ike_sa.c). */
	/* Its private state into sa->priv: 0 or -ENOMEM. */
	int (*sa_new)(struct ike_sa *sa);
	/* Free sa->priv, its secrets wiped first. */
	void (*sa_free)(struct ike_sa *sa);
	/* @sa ends: the negotiations it has under way are dropped. */
	void (*sa_abort)(struct ike_sa *sa);

	/* What the scheduler and the actions start. 0 or -errno. */
	/* The first request of a new IKE SA of ours (its conn set). */
	int (*ike_start)(struct ike_sa *sa);
	/* A new CHILD SA of sa->conn in established @sa. */
	int (*child_start)(struct ike_sa *sa);
	/* Rekey established @sa (its rekey time came, or kespctl asked). */
	int (*rekey_ike)(struct ike_sa *sa);
	/* Rekey CHILD SA @ch of @sa. */
	int (*rekey_child)(struct ike_sa *sa, struct child_sa *ch);
	/*
	 * Rekeyed @sa (it has a successor) reached retire_at: it ends, with
	 * whatever its version says then. NULL: it ends silently.
	 */
	void (*retire_ike)(struct ike_sa *sa);
	/*
	 * Delete @sa: a Delete to the peer, its CHILD SAs out of the
	 * kernel; @gently (other SAs carry the traffic already): they stop
	 * sending at once but receive until the peer answers.
	 */
	int (*delete_ike)(struct ike_sa *sa, bool gently);
	/* Delete CHILD SA @ch of @sa (a Delete to the peer). */
	int (*delete_child)(struct ike_sa *sa, struct child_sa *ch);
	/* Send a liveness check in @sa now (nothing outstanding). */
	int (*liveness)(struct ike_sa *sa);

	/* The request in flight (sa/retransmit.c says when). */
	/* Send sa->req again (and say so in the version's terms). */
	void (*retransmit)(struct ike_sa *sa);
	/*
	 * The exchange of @sa's outstanding request, for the line that
	 * gives it up; NULL when it is the opening one (nothing heard from
	 * the peer yet).
	 */
	const char *(*request_name)(const struct ike_sa *sa);

	/* What @sa waits for (`kespctl ike diagnose`), into @buf. */
	const char *(*waiting_for)(const struct ike_sa *sa, char *buf,
				   size_t len);
	/* A CHILD SA of ours is being negotiated in @sa. */
	bool (*child_negotiating)(const struct ike_sa *sa);
	/*
	 * A revocation fetch ended (any: @sa looks whether it was its
	 * own), or sa->cred_wait_until passed (@deadline): the message
	 * held for it is handled. NULL: the version holds none (IKEv2
	 * drops the message, the retransmission finds the CRL).
	 */
	void (*cred_ready)(struct ike_sa *sa, bool deadline);
};

/* ike.c: the dispatcher, the one place that knows every version. */

/*
 * The module that speaks for @c (its ike_version; IKEv2 for every conn
 * today), NULL when no module speaks that version.
 */
const struct iked_proto *iked_proto_of(const struct iked_conn *c);
/* A datagram arrived: to the module of its header's major version. */
void iked_ike_recv(struct iked *d, const uint8_t *buf, size_t len,
		   const struct iked_path *path);

#endif /* KESP_IKED_PROTO_H */
