/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's control socket: what `kespctl ike ...` talks to. */

#ifndef KESP_IKED_CTL_H
#define KESP_IKED_CTL_H

#include <stddef.h>

#include "daemon.h"

/* Where the socket is unless -S says otherwise. */
#define IKED_CTL_PATH	"/run/kesp/iked.sock"

/*
 * The protocol: the client sends one line ("ike list", "ike list json",
 * "ike up NAME", "ike down NAME", "ike diagnose NAME", "reload") and reads until the daemon closes. The
 * answer's first line is "0" or a negative errno followed by a message;
 * the rest is what to print. "ike up" answers when the IKE SA is
 * established or has failed; in an IKE SA that has no CHILD SA, when the
 * CHILD SA it asks for by CREATE_CHILD_SA is made or has failed.
 */
int iked_ctl_open(struct iked *d, char *err, size_t errlen);
void iked_ctl_close(struct iked *d);
void iked_ctl_accept(struct iked *d);
/* The client's socket is readable (@cl may be gone: then nothing). */
void iked_ctl_read(struct iked *d, struct iked_ctl_client *cl);
/* Answer a waiting client (0: success) and close it. */
void iked_ctl_done(struct iked *d, struct iked_ctl_client *cl, int err,
		   const char *msg);
/* Fill @fds with the clients' sockets; returns how many. */
size_t iked_ctl_fds(struct iked *d, int *fds, struct iked_ctl_client **cls,
		    size_t cap);

#endif /* KESP_IKED_CTL_H */
