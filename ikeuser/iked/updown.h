/* SPDX-License-Identifier: GPL-2.0 */
/* leftupdown=: strongSwan's updown scripts, run as CHILD SAs go up and down. */

#ifndef KESP_IKED_UPDOWN_H
#define KESP_IKED_UPDOWN_H

#include <stdbool.h>

struct iked;
struct ike_sa;
struct child_sa;
struct iked_ts;
struct kesp_addr;

/* A selector as strongSwan's to_subnet() gives it: the covering prefix. */
void iked_ts_prefix(const struct iked_ts *ts, struct kesp_addr *net,
		    unsigned int *plen);

/*
 * @ch of @sa went up (installed) or down (removed): when the local side
 * of its conn has leftupdown=, run it with /bin/sh -c once per pair of
 * local and remote selectors, with strongSwan's environment (PLUTO_VERB
 * up-client, down-client, up-host, down-host, "-v6" for IPv6;
 * PLUTO_CONNECTION, PLUTO_REQID, PLUTO_UNIQUEID, PLUTO_ME, PLUTO_PEER,
 * PLUTO_MY_ID, PLUTO_PEER_ID, PLUTO_MY_CLIENT, PLUTO_PEER_CLIENT, their
 * _NET, _MASK, _PORT and _PROTOCOL, PLUTO_INTERFACE, PLUTO_PROTO,
 * PLUTO_UDP_ENC, PLUTO_VERSION). Like strongSwan, a rekey's new CHILD SA
 * (another one of @sa with the same selectors is installed) runs
 * nothing, and neither does the removal of the old one.
 *
 * Never blocks on the script: a monitor process, detached from the
 * daemon (whose only wait is for the intermediate process that forks it
 * and exits), runs the scripts in turn and logs each failure with its
 * exit status and output. The tunnel stays whatever the script does.
 * With @sa->d, the monitor holds @sa->d's updown pipe until it exits.
 */
void iked_updown(struct ike_sa *sa, const struct child_sa *ch, bool up);

/*
 * Stopping: wait until every monitor iked_updown() started for @d has
 * finished its scripts, @ms at most (then log that some still run), or
 * until a second SIGTERM or SIGINT on @d->sig_fd (-1: none).
 * Under systemd (KillMode=mixed) only the daemon gets SIGTERM, and what
 * is left of its cgroup is killed once it exits: the down-client
 * scripts of the tunnels it deleted run to their end this way.
 */
void iked_updown_wait(struct iked *d, unsigned int ms);
/* Close the pipe of iked_updown_wait without waiting (the daemon's end). */
void iked_updown_close(struct iked *d);

#endif /* KESP_IKED_UPDOWN_H */
