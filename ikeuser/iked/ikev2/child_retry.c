// SPDX-License-Identifier: GPL-2.0
/*
 * A CREATE_CHILD_SA the peer refused for its key exchange is tried the
 * other way (with PFS or without), as strongSwan 6 does. (A CHILD SA
 * that cannot be rekeyed is held by on-demand policies and made anew:
 * the core's child_hold().)
 */

#include <errno.h>
#include <string.h>

#include "ike.h"
#include "../crypto/dh.h"
#include "pfs.h"
#include "../conn.h"

static const char *ke_words(uint16_t g)
{
	if (!g || g == PFS_NONE)
		return "without key exchange";
	return iked_dh_name(g) ?: "in an unknown group";
}

int child_retry_pfs(struct ike_sa *sa, const struct ikev2_chain *in)
{
	const struct ikev2_notify *n = ikev2_error_notify(in);
	uint16_t tried, wanted = 0, next = 0;
	struct child_sa *old;
	unsigned int bit, done = v2(sa)->pfs_retried;
	uint32_t rekey_spi = v2(sa)->pend.rekey_spi;
	int r;

	if (!n || !v2(sa)->pend.active)
		return 1;
	tried = v2(sa)->pend.dh ? iked_dh_group(v2(sa)->pend.dh) : 0;
	if (n->type == IKEV2_N_INVALID_KE_PAYLOAD && n->len == 2)
		wanted = ikev2_get16(n->data);
	bit = pfs_retry(&sa->conn->esp, tried, n->type, wanted, sa->prop.dh,
			done, &next);
	if (!bit)
		return 1;
	old = rekey_spi ? child_find_in(sa, rekey_spi) : NULL;
	if (old)
		ike_sa_log(sa, IKED_LOG_INFO,
			   "the peer refused the rekey of CHILD SA #%u %s (%s): trying %s",
			   old->no, ke_words(tried),
			   ikev2_notify_name(n->type) ?: "?", ke_words(next));
	else
		ike_sa_log(sa, IKED_LOG_INFO,
			   "the peer refused a CHILD SA %s (%s): trying %s",
			   ke_words(tried), ikev2_notify_name(n->type) ?: "?",
			   ke_words(next));
	child_pending_clear(sa);
	r = child_create_start_for(sa, next, old);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot retry the CHILD SA: %s",
			   strerror(-r));
		return r;
	}
	v2(sa)->pfs_retried = done | bit;
	/* It is the same attempt: still ours, so no rekey starts meanwhile. */
	if (old)
		old->rekeying = true;
	return 0;
}
