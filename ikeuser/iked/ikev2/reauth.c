// SPDX-License-Identifier: GPL-2.0
/*
 * reauth=yes, as strongSwan offers it: instead of rekeying the IKE SA
 * with CREATE_CHILD_SA, authenticate the peer again in a new IKE SA made
 * from scratch (IKE_SA_INIT, IKE_AUTH with the conn's CHILD SA), and
 * delete the old IKE SA and its CHILD SAs once the new ones carry the
 * traffic: make before break, so that nothing is lost. The new IKE SA
 * sends no INITIAL_CONTACT (the old one still exists), so the peer keeps
 * the old SAs until our Delete.
 */

#include <errno.h>
#include <string.h>

#include "ike.h"

int reauth_start(struct ike_sa *old)
{
	struct iked *d = old->d;
	struct iked_path path = old->path;
	struct ike_sa *n;
	int r;

	/* From scratch, as a first contact would: IKE on UDP 500. */
	path.rport = IKED_IKE_PORT;
	path.lport = d->net.port;
	n = ike_sa_new(d, true, &path);
	if (!n)
		return -ENOMEM;
	ike_sa_set_conn(n, old->conn);
	n->reauth = true;
	memcpy(n->reauth_spi_i, old->spi_i, 8);
	memcpy(n->reauth_spi_r, old->spi_r, 8);
	r = init_start(n, 0);
	if (r) {
		ike_sa_kill(n, "cannot start IKE_SA_INIT");
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
		info_delete_ike_gently(old);
		return;
	}
}
