/* SPDX-License-Identifier: GPL-2.0 */
/* PFS in CREATE_CHILD_SA: which key exchange we offer, and the other way when the peer refuses it. */

#ifndef KESP_IKEV2_PFS_H
#define KESP_IKEV2_PFS_H

#include <stdbool.h>
#include <stdint.h>

#include "../proposal.h"

/*
 * child_create_start_for()'s group meaning "no key exchange", where 0
 * means "choose": IKE's group numbers stop well below it.
 */
#define PFS_NONE	0xffffu

/* @esp accepts a CHILD SA without key exchange (a proposal without groups, or with "none"). */
bool pfs_allows_none(const struct iked_prop_list *esp);
/* @esp lists group @g (not NONE). */
bool pfs_allows_group(const struct iked_prop_list *esp, uint16_t g);
/* The first group @esp lists, 0 when it lists none. */
uint16_t pfs_first_group(const struct iked_prop_list *esp);

/*
 * The key exchange of our CREATE_CHILD_SA, 0 for none. A rekey keeps
 * what the SA it replaces agreed on (@old_dh, @old_from_auth false);
 * otherwise, and for the CHILD SA of IKE_AUTH (which had no choice), the
 * IKE SA's group @ike_dh when @esp lists it, as Libreswan's pfs=yes asks
 * for exactly that, else @esp's first group; none when @esp has no group.
 */
uint16_t pfs_offer_group(const struct iked_prop_list *esp, uint16_t old_dh,
			 bool old_from_auth, uint16_t ike_dh);

/* What pfs_retry() did already for one CREATE_CHILD_SA: bits. */
#define PFS_RETRIED_FLIP	1u	/* the other way: with or without KE */
#define PFS_RETRIED_GROUP	2u	/* INVALID_KE's group */

/*
 * The peer refused our CREATE_CHILD_SA that offered key exchange
 * @tried (0: none) with @notify (NO_PROPOSAL_CHOSEN, or
 * INVALID_KE_PAYLOAD asking for @wanted). Whether to try once more, and
 * how (*@next: a group, or PFS_NONE): INVALID_KE for a group @esp lists,
 * that group (once); with PFS refused, without it if @esp allows;
 * without PFS refused, with the IKE SA's group @ike_dh if @esp lists
 * it, else @esp's first. @done: the PFS_RETRIED_* bits of what was
 * tried for this request already (each way once, then it is a
 * mismatch). Returns the bit to add to @done, 0 to give up.
 */
unsigned int pfs_retry(const struct iked_prop_list *esp, uint16_t tried,
		       uint16_t notify, uint16_t wanted, uint16_t ike_dh,
		       unsigned int done, uint16_t *next);

#endif /* KESP_IKEV2_PFS_H */
