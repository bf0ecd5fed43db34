// SPDX-License-Identifier: GPL-2.0
/* PFS in CREATE_CHILD_SA: which key exchange we offer, and the other way when the peer refuses it. */

#include "pfs.h"
#include "payload.h"

bool pfs_allows_none(const struct iked_prop_list *esp)
{
	size_t i, j;

	for (i = 0; i < esp->n; i++) {
		if (!esp->props[i].n_dh)
			return true;
		for (j = 0; j < esp->props[i].n_dh; j++)
			if (esp->props[i].dh[j] == IKED_PROP_DH_NONE)
				return true;
	}
	return false;
}

bool pfs_allows_group(const struct iked_prop_list *esp, uint16_t g)
{
	size_t i, j;

	if (g == IKED_PROP_DH_NONE || g == PFS_NONE)
		return false;
	for (i = 0; i < esp->n; i++)
		for (j = 0; j < esp->props[i].n_dh; j++)
			if (esp->props[i].dh[j] == g)
				return true;
	return false;
}

uint16_t pfs_first_group(const struct iked_prop_list *esp)
{
	size_t i, j;

	for (i = 0; i < esp->n; i++)
		for (j = 0; j < esp->props[i].n_dh; j++)
			if (esp->props[i].dh[j] != IKED_PROP_DH_NONE)
				return esp->props[i].dh[j];
	return 0;
}

uint16_t pfs_offer_group(const struct iked_prop_list *esp, uint16_t old_dh,
			 bool old_from_auth, uint16_t ike_dh)
{
	if (!old_from_auth) {
		if (old_dh && pfs_allows_group(esp, old_dh))
			return old_dh;
		/* It settled on no PFS: asking again costs a round trip. */
		if (!old_dh && pfs_allows_none(esp))
			return 0;
	}
	if (pfs_allows_group(esp, ike_dh))
		return ike_dh;
	return pfs_first_group(esp);
}

unsigned int pfs_retry(const struct iked_prop_list *esp, uint16_t tried,
		       uint16_t notify, uint16_t wanted, uint16_t ike_dh,
		       unsigned int done, uint16_t *next)
{
	if (notify == IKEV2_N_INVALID_KE_PAYLOAD && wanted &&
	    wanted != tried && !(done & PFS_RETRIED_GROUP) &&
	    pfs_allows_group(esp, wanted)) {
		*next = wanted;
		return PFS_RETRIED_GROUP;
	}
	if ((notify != IKEV2_N_NO_PROPOSAL_CHOSEN &&
	     notify != IKEV2_N_INVALID_KE_PAYLOAD) || (done & PFS_RETRIED_FLIP))
		return 0;
	if (tried) {
		if (!pfs_allows_none(esp))
			return 0;
		*next = PFS_NONE;
		return PFS_RETRIED_FLIP;
	}
	/* INVALID_KE to an offer without KE names no group we list. */
	if (notify != IKEV2_N_NO_PROPOSAL_CHOSEN)
		return 0;
	*next = pfs_allows_group(esp, ike_dh) ? ike_dh : pfs_first_group(esp);
	return *next ? PFS_RETRIED_FLIP : 0;
}
