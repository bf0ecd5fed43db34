// SPDX-License-Identifier: GPL-2.0
/* The daemon's stop: a Delete to every peer, then the event loop runs on until the IKEv2 Deletes are answered (the IKEv1 ones sent their few times) or IKED_DRAIN_MS passed, as charon and pluto do. */

#include "shutdown.h"
#include "control.h"
#include "ike_sa.h"
#include "../log.h"
#include "../proto.h"

static bool say_goodbye(struct ike_sa *sa)
{
	return iked_sa_goodbye(sa, "kesp-iked is stopping");
}

/* The IKE SAs whose Delete is not answered yet. */
static unsigned int waiting(const struct iked *d)
{
	const struct ike_sa *sa;
	unsigned int n = 0;

	for (sa = d->sas; sa; sa = sa->next)
		n += sa->state == IKE_DELETING;
	return n;
}

void iked_shutdown_begin(struct iked *d)
{
	struct ike_sa *sa;
	unsigned int n = 0;

	d->stopping = true;
	d->drain_until = iked_now() + IKED_DRAIN_MS;
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD)
			continue;
		if (sa->state == IKE_ESTABLISHED || sa->state == IKE_DELETING)
			n++;
		say_goodbye(sa);
	}
	d->drain_waiting = waiting(d);
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "stopping: Deletes sent for %u IKE SAs; waiting up to %u ms for the answers to %u of them",
		 n, IKED_DRAIN_MS, d->drain_waiting);
}

bool iked_shutdown_drained(struct iked *d, iked_ms now)
{
	return !waiting(d) || now >= d->drain_until;
}

void iked_shutdown_done(struct iked *d)
{
	unsigned int left = 0;
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->state == IKE_DEAD)
			continue;
		if (sa->state == IKE_DELETING)
			left++;
		else
			/* Came up during the drain: its Delete, sent once. */
			say_goodbye(sa);
		if (sa->state != IKE_DEAD)
			ike_sa_kill(sa, "kesp-iked stopped");
	}
	/* Not more than it began with: `kespctl ike down` meanwhile adds some. */
	if (left > d->drain_waiting)
		left = d->drain_waiting;
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "stopped: %u of %u Deletes answered, %u not%s",
		 d->drain_waiting - left, d->drain_waiting, left,
		 left ? " (those peers keep their SAs until DPD finds us gone)" :
		 "");
}
