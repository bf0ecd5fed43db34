/* SPDX-License-Identifier: GPL-2.0 */
/* The table of operations an IKE version offers the core, and the dispatcher (ike.c) that is the core's only way to a version. */

#ifndef KESP_IKED_PROTO_H
#define KESP_IKED_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

struct kesp_sa;

/*
 * One IKE version's protocol module. The core (conn.c, ctl.c, main.c,
 * status.c) never names a version's function: an IKEv1 module is then a
 * new table and a new folder, not branches in the core.
 */
struct iked_proto {
	const char *name;		/* "IKEv2": for logs */
	uint8_t major;			/* ISAKMP header major version */
	/* A datagram of this version arrived on an IKE socket. */
	void (*recv)(struct iked *d, const uint8_t *buf, size_t len,
		     const struct iked_path *path);
	/* Run what is due; the next deadline or 0. */
	iked_ms (*run_timers)(struct iked *d, iked_ms now);
	/* Free the IKE SAs marked dead. */
	void (*reap)(struct iked *d);
	/*
	 * Bring @c up (a CHILD SA in an established IKE SA, else a new
	 * IKE SA); the IKE SA to *@out. 0 or -errno.
	 */
	int (*initiate)(struct iked *d, struct iked_conn *c,
			struct ike_sa **out);
	/* Rekey @c's IKE SA and/or CHILD SAs now (-ENOENT: none up). */
	int (*rekey)(struct iked *d, struct iked_conn *c, bool ike,
		     bool child);
	/* Delete every IKE SA of @c (Delete sent, kernel state removed). */
	int (*terminate)(struct iked *d, struct iked_conn *c);
	/* Deletes for everything: the daemon is stopping. */
	void (*shutdown)(struct iked *d);
	/* The kernel expired an SA (hard: it is gone); not ours: ignored. */
	void (*sa_expired)(struct iked *d, const struct kesp_sa *ksa,
			   bool hard);
	/* What @sa waits for (`kespctl ike diagnose`), into @buf. */
	const char *(*waiting_for)(const struct ike_sa *sa, char *buf,
				   size_t len);
	/* A CHILD SA of ours is being negotiated in @sa. */
	bool (*child_negotiating)(const struct ike_sa *sa);
	/* Send a liveness check in @sa now (nothing outstanding). 0 or -errno. */
	int (*liveness)(struct ike_sa *sa);
};

/* ike.c: the dispatcher, the one place that knows every version. */

/* The module that speaks for @c (keyexchange: IKEv2 only today). */
const struct iked_proto *iked_proto_of(const struct iked_conn *c);
/* A datagram arrived: to the module of its header's major version. */
void iked_ike_recv(struct iked *d, const uint8_t *buf, size_t len,
		   const struct iked_path *path);
/* Timers of every module; the earliest next deadline or 0. */
iked_ms iked_ike_run_timers(struct iked *d, iked_ms now);
void iked_ike_reap(struct iked *d);
void iked_ike_shutdown(struct iked *d);
void iked_ike_sa_expired(struct iked *d, const struct kesp_sa *ksa,
			 bool hard);

#endif /* KESP_IKED_PROTO_H */
