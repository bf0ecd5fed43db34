// SPDX-License-Identifier: GPL-2.0
/* Lifetimes of IKE and CHILD SAs, whatever version: when to rekey. */

#include <openssl/rand.h>

#include "lifetime.h"

/* @secs minus the margin and up to rekeyfuzz% more of it, at random. */
uint32_t rekey_secs(const struct iked_conf_conn *cfg, uint32_t secs)
{
	uint32_t margin = cfg->rekeymargin, fuzz = 0, r;

	if (margin >= secs)
		margin = secs / 2;
	if (cfg->rekeyfuzz && margin &&
	    RAND_bytes((unsigned char *)&r, sizeof(r)) == 1)
		fuzz = (uint32_t)((uint64_t)r % ((uint64_t)margin *
						 cfg->rekeyfuzz / 100 + 1));
	if (margin + fuzz >= secs)
		fuzz = 0;
	return secs - margin - fuzz;
}
