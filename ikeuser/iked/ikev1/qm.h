/* SPDX-License-Identifier: GPL-2.0 */
/* What the Quick Mode files (qm.c, qm_recv.c) share. */

#ifndef KESP_IKEV1_QM_H
#define KESP_IKEV1_QM_H

#include "v1.h"

/* v1_send_enc() fillers of HASH(1), HASH(2), HASH(3). */
int qm_fill_hash1(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen);
int qm_fill_hash2(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen);
int qm_fill_hash3(struct ike_sa *sa, uint32_t msg_id, uint8_t *plain,
		  size_t len, size_t hlen);
/* HASH(@which) of decrypted @m (@plen bytes in d->plain) verifies. */
bool qm_hash_ok(struct ike_sa *sa, const struct ikev1_msg *m, size_t plen,
		int which);
/*
 * qm_ts.c: a Quick Mode carries one (local, remote) subnet pair of the
 * conn. The first pair no CHILD SA of @sa has (-ENOENT: each has one),
 * the conn's first pair, whether the peer's @l === @r (ours, its) lies
 * within one pair (0, -ENOENT); as a selector list of one each.
 */
int qm_next_ts(struct ike_sa *sa, struct iked_ts_list *l,
	       struct iked_ts_list *r, unsigned int *idx);
int qm_first_ts(struct ike_sa *sa, struct iked_ts_list *l,
		struct iked_ts_list *r);
int qm_ts_allowed(struct ike_sa *sa, const struct iked_ts_list *l,
		  const struct iked_ts_list *r);
/* Initiator, a Quick Mode done: the next subnet pair that has no SA. */
void v1_qm_more(struct ike_sa *sa);
/* Initiator: the peer refused our Quick Mode's subnet pair. */
void v1_qm_refused(struct ike_sa *sa);
/* ID payloads for @i and @r (@buf: 64 bytes that outlive the build). */
int qm_add_ids(struct ikev1_chain *c, const struct iked_ts_list *i,
	       const struct iked_ts_list *r, uint8_t *buf);
/*
 * KEYMAT both ways, the CHILD SA into the kernel (into *@out); with
 * @defer_out its outbound SA waits (child_install_deferred()).
 */
int qm_install(struct ike_sa *sa, bool defer_out, struct child_sa **out);

#endif /* KESP_IKEV1_QM_H */
