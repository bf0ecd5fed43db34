/* SPDX-License-Identifier: GPL-2.0 */
/* The IKEv2 state machine of kesp-iked: IKE SAs, their exchanges and CHILD SAs. */

#ifndef KESP_IKEV2_IKE_H
#define KESP_IKEV2_IKE_H

#include <stdbool.h>
#include <stdint.h>

#include "../daemon.h"
#include "state.h"
#include "../sa/ike_sa.h"
#include "../sa/child_sa.h"
#include "../sa/lifetime.h"
#include "../sa/control.h"
#include "../sa/retransmit.h"
#include "select.h"
#include "natd.h"
#include "../log.h"
#include "../conn.h"
#include "sk.h"
#include "msg.h"
#include "rules.h"
#include "../../common/kesp_msg.h"

/* recv.c: a datagram arrived on an IKE socket (the dispatcher's call). */
void ikev2_recv(struct iked *d, const uint8_t *buf, size_t len,
		const struct iked_path *path);

/* ike_sa.c: the IKEv2 half of an IKE SA, the table (ikev2.h). */
/* @sa is up (ike_sa_established()); its key exchange secrets go. */
void v2_established(struct ike_sa *sa);
/* The peer's product from the Vendor IDs of @c, if one names it. */
void ike_sa_note_vendor(struct ike_sa *sa, const struct ikev2_chain *c);

/* xchg.c: messages out of an IKE SA (recv.c: into it). */
/* The keys protecting what @from_initiator's side sends. */
void xchg_sk_keys(const struct ike_sa *sa, bool from_initiator,
		  struct ikev2_sk_keys *k);
/*
 * Send @inner encrypted as a new request of @exchange (our next message
 * ID), keep it for retransmission; @kind says what the answer is for.
 */
int xchg_request(struct ike_sa *sa, enum ike_req_kind kind, uint8_t exchange,
		 const struct ikev2_chain *inner);
/* Send @m unencrypted as a request (IKE_SA_INIT), kept for retransmission. */
int xchg_request_plain(struct ike_sa *sa, enum ike_req_kind kind,
		       const struct ikev2_msg *m);
/* Answer request @msg_id with @inner encrypted; cached for retransmits. */
int xchg_respond(struct ike_sa *sa, uint8_t exchange, uint32_t msg_id,
		 const struct ikev2_chain *inner);
/* An unencrypted answer without IKE SA state (IKE_SA_INIT errors). */
void xchg_respond_plain(struct iked *d, const struct iked_path *path,
			const struct ikev2_msg *m);

/*
 * check.c: a message against its exchange's payload rules (rules.c),
 * before any state machine reads it.
 */
/* IKE_SA_INIT (unprotected): true to go on; false: logged, to be dropped. */
bool check_plain(struct iked *d, const struct ikev2_msg *m,
		 const struct iked_path *path);
/* A protected message from @path before its ICV: SK, nothing outside it. */
bool check_outer(struct ike_sa *sa, const struct ikev2_msg *m,
		 const struct iked_path *path);
/*
 * A decrypted request: its kind into *@kind and 0; -ENOENT for an
 * exchange without rules; -EBADMSG when malformed: answered
 * INVALID_SYNTAX (and in IKE_AUTH the IKE SA ended), logged. @unparsed:
 * NULL, or why what the authentic SK decrypted to did not parse (then
 * @in is not read and the request is malformed).
 */
int check_request(struct ike_sa *sa, const struct ikev2_msg *m,
		  const struct ikev2_chain *in, const char *unparsed,
		  enum ikev2_kind *kind);
/*
 * A decrypted response to our outstanding request: true to go on;
 * false when malformed: the request failed (logged, reported to the
 * peer with INVALID_SYNTAX when the IKE SA stays). @unparsed as for
 * check_request.
 */
bool check_response(struct ike_sa *sa, const struct ikev2_msg *m,
		    const struct ikev2_chain *in, const char *unparsed);

/* init.c: IKE_SA_INIT. */
int init_start(struct ike_sa *sa, uint16_t group);
void init_on_request(struct iked *d, const struct ikev2_msg *m,
		     const uint8_t *buf, size_t len,
		     const struct iked_path *path);
void init_on_response(struct ike_sa *sa, const struct ikev2_msg *m,
		      const uint8_t *buf, size_t len);
/* Set up the keys after the exchange: 0 or -errno (logged). */
int init_derive_keys(struct ike_sa *sa, const uint8_t *ke, size_t ke_len);

/* ike_auth.c: IKE_AUTH. */
int auth_start(struct ike_sa *sa);

/*
 * sig_init.c: the peer's SIGNATURE_HASH_ALGORITHMS and CERTREQ from its
 * IKE_SA_INIT message @c into @sa; ours (and, @responder, a CERTREQ) into
 * @c when the conn uses certificates. 0 or -errno.
 */
void sig_init_note(struct ike_sa *sa, const struct ikev2_chain *c);
int sig_init_add(struct ike_sa *sa, struct ikev2_chain *c, bool responder);
/* The CAs the CERTREQ payloads of @c name into @sa (peer_cas.h). */
void sig_certreq_take(struct ike_sa *sa, const struct ikev2_chain *c);

/*
 * frag.c: IKE fragmentation (RFC 7383). IKEV2_FRAGMENTATION_SUPPORTED
 * into our IKE_SA_INIT message (the initiator's unless its conn says
 * fragmentation=no; the responder's only in answer to one), and noted
 * from the peer's.
 */
int frag_init_add(struct ike_sa *sa, struct ikev2_chain *c, bool responder);
void frag_init_note(struct ike_sa *sa, const struct ikev2_chain *c);
/*
 * Seal @inner (@ilen bytes in d->plain, first payload @first) under
 * header @h into @out: one message, or, when both ends support
 * fragmentation, the conn sends fragments and the message would exceed
 * the fragment size, its fragments back to back. 0 or -errno.
 */
int frag_seal(struct ike_sa *sa, const struct ikev2_hdr *h, uint8_t first,
	      const uint8_t *inner, size_t ilen, uint8_t *out, size_t cap,
	      size_t *len);
/*
 * An Encrypted Fragment @m (from @path) of the request or response
 * expected: ICV checked with @k, kept; when it completes the message,
 * the inner chain is in d->plain (*@plen bytes, first payload
 * *@first) and 0 is returned. -EINPROGRESS: kept, more to come (or a
 * duplicate); other -errno: dropped, logged once.
 */
int frag_open(struct ike_sa *sa, const struct ikev2_msg *m,
	      const uint8_t *buf, size_t len, const struct iked_path *path,
	      const struct ikev2_sk_keys *k, size_t *plen, uint8_t *first);
/* Whether fragment @m alone is authentic (a retransmission's first). */
bool frag_authentic(struct ike_sa *sa, const struct ikev2_msg *m,
		    const uint8_t *buf, size_t len,
		    const struct iked_path *path,
		    const struct ikev2_sk_keys *k);
void auth_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
		     const struct ikev2_chain *in);
void auth_on_response(struct ike_sa *sa, const struct ikev2_chain *in);
/*
 * Whether the IKE_AUTH response @in must wait for a CRL being fetched:
 * then it is dropped, our retransmission brings it again.
 */
bool auth_response_waits(struct ike_sa *sa, const struct ikev2_chain *in);

/* child.c: negotiating CHILD SAs: proposals, selectors, keys. */
/*
 * Fill sa->pend for a CHILD SA we propose (SPI reserved, SA, TS), with
 * a key exchange in @group for PFS (0: none, as in IKE_AUTH).
 */
int child_prepare(struct ike_sa *sa, uint16_t group);
void child_pending_clear(struct ike_sa *sa);
/* Add the SA, TSi, TSr payloads of sa->pend to @c. */
int child_add_offer(struct ike_sa *sa, struct ikev2_chain *c);
/*
 * Responder side of a CHILD SA request (SA, TSi, TSr in @in, the
 * exchange's nonces): select, install, and add the answer's SA, TSi, TSr
 * to @out, or an error notify. Returns 0 (installed; *@used_ke, if not
 * NULL, says whether @gir went into the keys, so the answer carries our
 * KE), or a negative errno with the notify added.
 */
int child_respond(struct ike_sa *sa, const struct ikev2_chain *in,
		  const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		  size_t nr_len, const uint8_t *gir, size_t gir_len,
		  bool in_auth, bool *used_ke, struct ikev2_chain *out);
/* Initiator side: the answer to sa->pend. 0 or -errno (logged). */
int child_complete(struct ike_sa *sa, const struct ikev2_chain *in,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		   size_t nr_len, const uint8_t *gir, size_t gir_len);

/* create_child.c: CREATE_CHILD_SA for CHILD SAs, new or rekeyed. */
/* A new CHILD SA by CREATE_CHILD_SA; PFS in @group (0: esp='s first). */
int child_create_start(struct ike_sa *sa, uint16_t group);
void child_create_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
			     const struct ikev2_chain *in);
void child_create_on_response(struct ike_sa *sa,
			      const struct ikev2_chain *in);
/* Our CREATE_CHILD_SA came to nothing (@err): a rekey is tried again. */
void child_create_failed(struct ike_sa *sa, int err);
/* The same, replacing CHILD SA @old (REKEY_SA, its selectors) if not NULL. */
int child_create_start_for(struct ike_sa *sa, uint16_t group,
			   struct child_sa *old);

/* child_diag.c: what is said about CHILD SAs. */
/*
 * "CHILD SA established", or for a rekey (sa->inst says of what, and
 * whose) "CHILD SA #N rekeyed [by the peer]: #M ...", with for ours the
 * time from the answer's arrival to the inbound SA's install (@in_us).
 */
void child_log_new(struct ike_sa *sa, const struct child_sa *ch,
		   uint64_t in_us, const char *tsl, const char *tsr);
/*
 * As responder: nothing of the peer's @theirs matched. @pfs_only: all
 * but the key exchange (@ke_group, 0 when the peer sent none) would do.
 */
void child_diag_respond(struct ike_sa *sa, const struct ikev2_sa *theirs,
			uint16_t ke_group, bool pfs_only);
/* As initiator: the peer refused @offered (key exchange @tried, 0: none). */
void child_diag_refused(struct ike_sa *sa, const struct ikev2_sa *offered,
			uint16_t tried);

/* child_retry.c: PFS the other way. */
/*
 * A refusal of our CREATE_CHILD_SA (@in) that another key exchange may
 * cure: 0 when the new request went out, -errno when it could not, 1
 * when this is not such a refusal (the caller handles @in).
 */
int child_retry_pfs(struct ike_sa *sa, const struct ikev2_chain *in);

/* rekey.c: rekeying IKE and CHILD SAs. */
int rekey_ike_start(struct ike_sa *sa, uint16_t group);
void rekey_ike_abort(struct ike_sa *sa);
void rekey_ike_on_response(struct ike_sa *sa, const struct ikev2_chain *in);
/* Our IKE SA rekey came to nothing: tried again in a few seconds. */
void rekey_ike_failed(struct ike_sa *sa);
void rekey_ike_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
			  const struct ikev2_chain *in);
int rekey_child_start(struct ike_sa *sa, struct child_sa *ch);
/*
 * Rekey collisions (RFC 7296 2.8.1, 2.8.2): nonces compare octet by
 * octet, a nonce that is a prefix of the other is the lower one.
 */
int rekey_nonce_cmp(const uint8_t *a, size_t a_len, const uint8_t *b,
		    size_t b_len);
/* Point @lo at the lower of two nonces. */
void rekey_nonce_lower(const uint8_t *a, size_t a_len, const uint8_t *b,
		       size_t b_len, const uint8_t **lo, size_t *lo_len);

/* info.c: INFORMATIONAL. */
/* Our Delete of CHILD SA @ch: it stops sending, receives until answered. */
int child_delete_start(struct ike_sa *sa, struct child_sa *ch);
/* The peer answered our Delete of a CHILD SA: its inbound SA goes too. */
void child_delete_done(struct ike_sa *sa);
void info_on_request(struct ike_sa *sa, const struct ikev2_msg *m,
		     const struct ikev2_chain *in);
void info_on_response(struct ike_sa *sa, const struct ikev2_chain *in);
int info_delete_ike(struct ike_sa *sa);
/*
 * The same when other SAs carry the traffic already (reauth): the CHILD
 * SAs stop sending at once, but receive until the peer answers.
 */
int info_delete_ike_gently(struct ike_sa *sa);
/* An empty INFORMATIONAL request: the peer's answer proves it is there. */
int info_liveness(struct ike_sa *sa);

#endif /* KESP_IKEV2_IKE_H */
