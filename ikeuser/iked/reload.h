/* SPDX-License-Identifier: GPL-2.0 */
/* Reading ipsec.conf and ipsec.secrets again while running (`kespctl reload`, SIGHUP). */

#ifndef KESP_IKED_RELOAD_H
#define KESP_IKED_RELOAD_H

#include <stddef.h>

#include "daemon.h"

/* What a reload did with each conn, by name. */
struct iked_reload_counts {
	unsigned int added, removed, changed, unchanged;
};

/*
 * Read d->conf_path and d->secrets_path again. Both are parsed whole
 * first: a mistake refuses the reload and leaves everything running as
 * it was (-EINVAL or -errno; "FILE:LINE: ..." into @msg, logged). Else
 * conns are matched by name: a new one is routed or started as its
 * auto= says; a removed one is taken down (a Delete to the peer, its SAs
 * and policies removed); a changed one (any setting, or the PSK its
 * identities find) is taken down and brought up again with the new
 * settings; an unchanged one keeps its IKE SA, CHILD SAs, kernel SAs,
 * policies and reqid untouched. One summary line is logged and put in
 * @msg; @counts (may be NULL) gets the figures. 0.
 */
int iked_reload(struct iked *d, char *msg, size_t msglen,
		struct iked_reload_counts *counts);

#endif /* KESP_IKED_RELOAD_H */
