/* SPDX-License-Identifier: GPL-2.0 */
/* ESP transforms: which exist, their key lengths, and their AEAD handles. */

#ifndef _KESP_CRYPTO_H
#define _KESP_CRYPTO_H

#include <linux/types.h>

struct kesp_sa;
struct kesp_sa_params;
struct netlink_ext_ack;
struct nlattr;

/*
 * Check the transforms and key lengths of @p and allocate the AEAD for the
 * SA (an IV generator wraps it, as XFRM does: seqiv for the counter-mode
 * AEADs, echainiv for CBC). @attrs are the KESP_SA_A_* attributes, for
 * pointing the extack at the culprit.
 */
int kesp_crypto_sa_init(struct kesp_sa *sa, const struct kesp_sa_params *p,
			struct nlattr **attrs, struct netlink_ext_ack *extack);
void kesp_crypto_sa_free(struct kesp_sa *sa);

/* Operator-facing names, as /proc/net/kesp prints them. */
const char *kesp_enc_name(u16 enc);
const char *kesp_integ_name(u16 integ);

#endif /* _KESP_CRYPTO_H */
