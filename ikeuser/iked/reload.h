/* SPDX-License-Identifier: GPL-2.0 */
/* Reading ipsec.conf, ipsec.secrets and ipsec.d again while running (`kespctl reload`, SIGHUP). */

#ifndef KESP_IKED_RELOAD_H
#define KESP_IKED_RELOAD_H

#include <stddef.h>

#include "daemon.h"

/* What a reload did with each conn, by name. */
struct iked_reload_counts {
	unsigned int added, removed, changed, unchanged;
};

/*
 * Read d->conf_path, d->secrets_path and the ipsec.d beside the first
 * again (CA and end-entity certificates, private keys, CRLs). All are
 * read whole first: a mistake refuses the reload and leaves everything
 * running as it was, the credentials too (-EINVAL or -errno;
 * "FILE:LINE: ..." or "FILE: ..." into @msg, logged). Else the new
 * credentials replace the old (freed, keys wiped; the fetched CRLs and
 * OCSP answers carry over), and conns are matched by name: a new one
 * is routed or started as its auto= says; a removed one is taken down (a Delete to the peer, its SAs
 * and policies removed); a changed one (any setting, or the PSK its
 * identities find) is taken down and brought up again with the new
 * settings; an unchanged one keeps its IKE SA, CHILD SAs, kernel SAs,
 * policies and reqid untouched (its IKE SAs were authenticated with
 * the old credentials and stay; new IKE_AUTHs use the new ones). One
 * summary line, conns and credentials, is logged and put in @msg;
 * @counts (may be NULL) gets the figures. 0.
 */
int iked_reload(struct iked *d, char *msg, size_t msglen,
		struct iked_reload_counts *counts);

#endif /* KESP_IKED_RELOAD_H */
