/* SPDX-License-Identifier: GPL-2.0 */
/* The IKEv1 state machine of kesp-iked (Main Mode, Quick Mode, Informational with pre-shared keys): the state behind sa->priv and the calls between its files. */

#ifndef KESP_IKEV1_V1_H
#define KESP_IKEV1_V1_H

#include <stdbool.h>
#include <stdint.h>

#include "../daemon.h"
#include "../log.h"
#include "../crypto/dh.h"
#include "../sa/ike_sa.h"
#include "../sa/retransmit.h"
#include "msg.h"
#include "rules.h"
#include "keys.h"
#include "crypt.h"
#include "frag.h"

/* The states as the seeds' status pages (and Cisco, Libreswan) name them. */
enum v1_state {
	V1_MM_NO_STATE = 0,
	V1_MM_WAIT_MSG2,	/* initiator: MM1 out */
	V1_MM_WAIT_MSG3,	/* responder: MM2 out */
	V1_MM_WAIT_MSG4,	/* initiator: MM3 out */
	V1_MM_WAIT_MSG5,	/* responder: MM4 out */
	V1_MM_WAIT_MSG6,	/* initiator: MM5 out */
	V1_MM_ACTIVE,
	V1_AG_INIT_EXCH,	/* initiator: AM1 out */
	V1_AG_AUTH,		/* responder: AM2 out */
};

enum v1_qm_state {
	V1_QM_IDLE = 0,
	V1_QM_WAIT_MSG2,	/* initiator: QM1 out */
	V1_QM_WAIT_MSG3,	/* responder: QM2 out */
};

/* What a retransmitted request of ours is (sa->req_kind). */
enum v1_req {
	V1_REQ_NONE = 0,
	V1_REQ_MM1,
	V1_REQ_MM3,
	V1_REQ_MM5,
	V1_REQ_QM1,
	V1_REQ_DPD,
	/* The ISAKMP SA's Delete: not answered, sent a few times. */
	V1_REQ_DELETE,
	/* Sent once, neither kept as request nor as our last response. */
	V1_SEND_ONCE = 100,
};

#define V1_NONCE_LEN	32
#define V1_NONCE_MAX	256
#define V1_KE_MAX	1024

/* The phase 1 algorithms chosen, in IKEv1's numbers. */
struct v1_p1alg {
	uint8_t encr;		/* enum ikev1_encr */
	uint16_t key_bits;
	uint8_t hash;		/* enum ikev1_hash */
	uint16_t group;
	uint32_t life;		/* seconds, 0: none said */
};

/* One Quick Mode (v1_sa has two slots: qm, and qr for a crossing one). */
struct v1_qm {
	enum v1_qm_state st;
	bool initiator;
	uint32_t msg_id;
	uint32_t spi_in, spi_out;
	uint8_t ni[V1_NONCE_MAX], nr[V1_NONCE_MAX];
	size_t ni_len, nr_len;
	struct iked_dh *dh;
	uint8_t gxy[IKED_DH_SHARED_MAX];
	size_t gxy_len;
	struct iked_chosen prop;
	uint8_t mode;		/* enum kesp_mode */
	bool commit;		/* QM1 had the commit bit (RFC 2408 3.1) */
	/* local and remote proxy IDs, as selectors */
	struct iked_ts_list tsl, tsr;
	/* Initiator: a rekey of the CHILD SA with this inbound SPI. */
	uint32_t rekey_spi;
	/*
	 * Responder to a rekey: the new CHILD SA went in with QM2 (its
	 * inbound SA; its outbound SA waits for QM3).
	 */
	bool early;
	/*
	 * Initiator of a rekey that crossed the peer's rekey of the same
	 * CHILD SA and lost (qm_cross.c): the pair it makes is deleted.
	 */
	bool cross_lost;
	/* Initiator: the peer's Quick Mode crossed this one (qm_cross.c). */
	bool crossed;
	/* Initiator of a new CHILD SA: 1 + the conn's subnet pair (qm_ts.c). */
	uint16_t pair_no;
	/*
	 * The peer's NAT-OA (natoa.c): the Quick Mode initiator's and the
	 * responder's address as the peer knows them.
	 */
	bool have_oa;
	struct kesp_addr oa_i, oa_r;
	/*
	 * The IPsec SA's lifetime in seconds (0: the conn's): as responder
	 * the shorter of QM1's proposal and ours, as initiator a shorter one
	 * that QM2's RESPONDER-LIFETIME says (life.c).
	 */
	uint32_t life;
	uint32_t peer_life;	/* responder: QM1's, 0 when it said none */
	bool life_notify;	/* responder: QM2 says RESPONDER-LIFETIME */
	/* that notify's SPI (4 bytes) and attributes (12), until sent */
	uint8_t life_data[16];
	/*
	 * Responder: our QM2 and the SHA-256 of the QM1 it answers. The
	 * peer's QM1 again gets it again (recv.c's sa->resp may be another
	 * Quick Mode's by then: a crossing one's QM3).
	 */
	uint8_t *resp;
	size_t resp_len;
	uint8_t resp_for[32];
};

/*
 * A rekey of ours that finished without the peer's Quick Mode crossing
 * it, a short while ago: the peer's QM1 may yet come, sent before our
 * QM1 reached it (qm_cross.c).
 */
struct v1_qm_late {
	uint32_t new_spi;	/* the new pair's inbound SPI, 0: unused */
	uint32_t old_spi;	/* the replaced pair's inbound SPI */
	uint8_t ni[V1_NONCE_MAX];
	size_t ni_len;
	iked_ms at;		/* when our QM3 left */
};

#define V1_LATE_MAX	4

struct v1_sa {
	enum v1_state st;
	struct v1_p1alg alg;
	struct iked_dh *dh;
	uint8_t ni[V1_NONCE_MAX], nr[V1_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t gxi[V1_KE_MAX], gxr[V1_KE_MAX];
	size_t gxi_len, gxr_len;
	uint8_t *sai_b;		/* the initiator's SA payload body */
	size_t sai_len;
	/* Aggressive Mode's responder: AM1's ID body, until AM3 proves it. */
	uint8_t *idi_b;
	size_t idi_len;
	bool aggressive;
	/*
	 * RSA signatures (sig.c): the peer sent CR (leftsendcert=ifasked
	 * sends our certificate then); our CR and SIG payloads' bodies,
	 * alive until their message is built.
	 */
	bool cr_in;
	uint8_t *cr_mem, *sig_mem;
	size_t sig_len;
	uint8_t life_be[4];	/* our offer's lifetimes, as sent */
	uint8_t life2_be[4];
	/*
	 * Responder: MM6 or AM2 says RESPONDER-LIFETIME for the ISAKMP SA
	 * (life.c); that notify's SPI and attributes, until sent.
	 */
	bool life1_notify;
	uint8_t life1_spi[16], life1_data[12];
	struct ikev1_keys keys;
	struct ikev1_ivs ivs;
	/*
	 * SHA-256 of the last datagram taken in, and of the one our cached
	 * response (sa->resp) answers: only a copy of that one gets the
	 * response again, so that two ends never echo each other.
	 */
	uint8_t last_in[32], resp_for[32];
	bool have_last_in;
	struct v1_qm qm;
	/*
	 * A Quick Mode of the peer's that came while ours (qm) waited for
	 * QM2: it runs in this slot, swapped into qm while one of its
	 * messages is handled (qm_recv.c), so that crossing rekeys both
	 * complete.
	 */
	struct v1_qm qr;
	bool qr_in;		/* qm and qr are swapped just now */
	struct v1_qm_late late[V1_LATE_MAX];
	/* The conn's subnet pairs the peer refused, by index (qm_ts.c). */
	uint8_t refused[IKED_MAX_TS * IKED_MAX_TS / 8];
	uint32_t dpd_seq;	/* our last R-U-THERE */
	uint8_t cookies[16];	/* INITIAL-CONTACT's SPI, while it is sent */
	/* NAT-T (natt.c): the method agreed by Vendor IDs, 0 none */
	uint8_t natt;		/* enum iked_natt_vid */
	uint8_t peer_natt;	/* the best the peer offered, even if unused */
	/* our NAT-D hashes, alive until the message is built */
	uint8_t natd[2][IKEV1_HASH_MAX];
	/* the path of the datagram being handled, NULL outside it */
	const struct iked_path *rx_path;
	/* that datagram (reassembled), kept if it must wait (wait.c) */
	const uint8_t *rx_buf;
	size_t rx_len;
	/*
	 * The peer's MM5, MM6, AM2 or AM3 held until the revocation check
	 * of its certificate ends (wait.c); NULL: none. @wait_over: it is
	 * handled again past its deadline, and waits no more.
	 */
	struct v1_wait *wait;
	bool wait_over;
	/*
	 * Our new ISAKMP SA that replaces the one with cookies rekey_ck
	 * (ike_rekey.c), until it is up.
	 */
	bool rekey;
	uint8_t rekey_ck[16];
	/* Replaced by our rekey: its Delete goes out at retire_at. */
	bool delete_at_retire;
	/*
	 * Being deleted (IKE_DELETING): the inbound SPIs of the IPsec SAs
	 * it had, whose Deletes go again with each copy of its own.
	 */
	uint32_t *del_spis;
	size_t n_del_spis;
	/*
	 * Fragmentation (frag.c): the peer sent the FRAGMENTATION Vendor
	 * ID (and the conn allows it), our last Fragment ID, and the
	 * peer's message being put back together.
	 */
	bool frag_peer;
	uint16_t frag_id;
	struct ikev1_reasm reasm;
};

static inline struct v1_sa *v1(const struct ike_sa *sa)
{
	return sa->priv;
}

/* recv.c: a datagram arrived (the dispatcher's call). */
void ikev1_recv(struct iked *d, const uint8_t *buf, size_t len,
		const struct iked_path *path);
/* The live ISAKMP SA that a message with header @h is for, or NULL. */
struct ike_sa *v1_find_sa(struct iked *d, const struct ikev1_hdr *h);
/* A conn speaking IKEv1 that a peer on @path could be for, or NULL. */
const struct iked_conf_conn *v1_conn_for(struct iked *d,
					 const struct iked_path *path);

/* xchg.c: messages out. */
/* The header of our next message in @sa. */
void v1_hdr(const struct ike_sa *sa, struct ikev1_hdr *h, uint8_t exchange,
	    uint32_t msg_id);
/*
 * Build @m (cleartext), send it, keep it as our request (@req non-zero)
 * or our last response.
 */
int v1_send_plain(struct ike_sa *sa, struct ikev1_msg *m, enum v1_req req);
/*
 * Encrypt @c under @sa's keys with the IV chain of @h->msg_id and send
 * it; kept as with v1_send_plain. With @hash_first the chain's first
 * payload is a HASH whose value the caller computes in @fill (over the
 * built bytes), before the encryption.
 */
int v1_send_enc(struct ike_sa *sa, struct ikev1_hdr *h,
		const struct ikev1_chain *c, enum v1_req req,
		int (*fill)(struct ike_sa *sa, uint32_t msg_id,
			    uint8_t *plain, size_t len, size_t hlen));
/*
 * Decrypt @m (an E-flagged message of @sa) into d->plain and parse its
 * chain into @m->chain. 0, or -errno logged.
 */
int v1_decrypt(struct ike_sa *sa, struct ikev1_msg *m, size_t *plain_len);
/*
 * An SA payload into @out answering with transform @x of proposal @p of
 * @in, with our SPI @spi (@spi_size bytes; 0 for phase 1).
 */
int v1_sa_echo(struct ikev1_chain *out, const struct ikev1_chain *in,
	       const struct ikev1_prop *p, const struct ikev1_xf *x,
	       const uint8_t *spi, uint8_t spi_size);
/* Checks @m against @kind's rules: false (logged) to drop it. */
bool v1_rules_ok(struct ike_sa *sa, enum ikev1_kind kind,
		 const struct ikev1_msg *m);

/* sa1.c: phase 1 proposals. */
/* Our SA payload from sa->conn->ike into @c (only group @group: 0 any). */
int v1_sa1_offer(struct ike_sa *sa, struct ikev1_chain *c, uint16_t group);
/*
 * The peer's SA payload @pl of @c: as responder, choose a transform
 * (*@xf) of ours; as initiator, check the one answered is one of ours.
 * 0 or -ENOPROTOOPT (logged with both sides' transforms).
 */
int v1_sa1_select(struct ike_sa *sa, const struct ikev1_chain *c,
		  const struct ikev1_pl *pl, const struct ikev1_xf **xf);
/* The neutral form of the chosen algorithms into sa->prop. */
void v1_sa1_chosen(struct ike_sa *sa);

/* sa2.c: phase 2 proposals and proxy IDs. */
int v1_sa2_offer(struct ike_sa *sa, struct ikev1_chain *c, uint16_t group);
/*
 * The peer's ESP SA payload: responder: choose (into qm->prop, the
 * peer's SPI into qm->spi_out, *@xf the transform); initiator: check the
 * answer. 0 or -ENOPROTOOPT.
 */
int v1_sa2_select(struct ike_sa *sa, const struct ikev1_chain *c,
		  const struct ikev1_pl *pl, const struct ikev1_xf **xf,
		  const struct ikev1_prop **prop);
/* An ID payload for selector @ts (its first). */
void v1_id_of_ts(const struct iked_ts *ts, struct ikev1_id *id,
		 uint8_t *buf);
/* A selector from a proxy ID: 0 or -EINVAL. */
int v1_ts_of_id(const struct ikev1_id *id, struct iked_ts_list *l);

/* mm.c: Main Mode's first message and its pieces. */
int v1_mm_start(struct ike_sa *sa);
/* A malloc'd copy of payload @pl's body (what the hashes cover). */
int v1_pl_body(const struct ikev1_chain *c, const struct ikev1_pl *pl,
	       uint8_t **out, size_t *len);
/* Our DH value and nonce into v1(sa) and as KE and NONCE into @c. */
int v1_mm_make_ke_nonce(struct ike_sa *sa, struct ikev1_chain *c);
/* The peer's KE and NONCE of @c (checked for length). */
int v1_mm_take_ke_nonce(struct ike_sa *sa, const struct ikev1_chain *c);
/* g^xy, SKEYID..., Ka and the phase 1 IV; the DH key goes. */
int v1_mm_derive(struct ike_sa *sa);
/* HASH_I (@of_initiator) or HASH_R over the ID body @id_b. */
int v1_mm_auth_hash(struct ike_sa *sa, bool of_initiator,
		    const uint8_t *id_b, size_t id_len, uint8_t *out);
/* MM5 (initiator, kept for retransmission) or MM6. */
int v1_mm_send_id_hash(struct ike_sa *sa);

/* mm_recv.c: Main Mode messages in, both roles. */
void v1_mm_recv(struct ike_sa *sa, struct ikev1_msg *m);
/*
 * The peer's HASH (or SIG, v1_sig()) in @c over its ID (@id, body
 * @id_b) verifies and the ID is the conn's rightid: 0 (sa->peer_id
 * set), or -EACCES logged as the conn's failure (@msg names the
 * message: "MM5").
 */
int v1_check_peer(struct ike_sa *sa, const struct ikev1_id *id,
		  const uint8_t *id_b, size_t id_len,
		  const struct ikev1_chain *c, const char *msg);

/* sig.c: phase 1 with RSA signatures (RFC 2409 5.1). */
/* The conn authenticates with certificates (authby=rsasig, pubkey). */
bool v1_sig(const struct ike_sa *sa);
/* sa1.c: the phase 1 auth method @sa proposes and takes (1, 3, 9-11). */
uint16_t v1_auth_method(const struct ike_sa *sa);
/*
 * CR payloads into @c (MM3/MM4, AM1/AM2) naming each CA we trust, when
 * the conn uses signatures and the peer's certificate is not pinned.
 */
int v1_sig_add_cr(struct ike_sa *sa, struct ikev1_chain *c);
/*
 * Notes whether the peer's @c asked for our certificate (CR), and the
 * CAs its CR payloads name (crypto/auth/peer_cas.h).
 */
void v1_sig_take_cr(struct ike_sa *sa, const struct ikev1_chain *c);
/*
 * Our CERT payloads (per leftsendcert=) and SIG (over our HASH_I or
 * HASH_R, with our ID body @id_b) into @c. 0 or -errno (-ENOKEY logged).
 */
int v1_sig_add_auth(struct ike_sa *sa, struct ikev1_chain *c,
		    const uint8_t *id_b, size_t id_len);
/*
 * The peer's SIG in @c (checked by the rules to be there) over its ID
 * @peer (body @id_b), with the certificate of its CERT payloads (or
 * rightcert=): chain to our CAs, @peer in the certificate, signature.
 * 0, or -EACCES logged as the conn's failure and notified to the peer.
 */
int v1_sig_check(struct ike_sa *sa, const struct ikev1_chain *c,
		 const struct iked_conf_id *peer, const uint8_t *id_b,
		 size_t id_len, const char *what);

/*
 * Whether the revocation check of the certificate in the peer's CERT
 * payloads of @c must wait for a CRL fetch or an OCSP query (started
 * then, logged once per fetch).
 */
bool v1_sig_must_wait(struct ike_sa *sa, const struct ikev1_chain *c);

/* wait.c: phase 1 held for the revocation check of the peer's certificate. */
/*
 * The peer's message being handled (rx_buf; its decrypted chain @c,
 * decrypted under phase 1 IV @iv, NULL when in the clear), named @msg
 * ("MM5"), waits for a fetch the certificate in it needs: then it is
 * kept, our outstanding request (answered by it) is no longer sent
 * again, and true: the caller returns at once, having changed nothing
 * but the IV, which the message's second handling restores.
 */
bool v1_wait_defer(struct ike_sa *sa, const struct ikev1_chain *c,
		   const uint8_t *iv, const char *msg);
/* The version's cred_ready: the held message handled again. */
void v1_wait_ready(struct ike_sa *sa, bool deadline);
/* A datagram for @sa while it holds one: ignored, counted (true). */
bool v1_wait_ignore(struct ike_sa *sa);
/* The message held ("MM5"), or NULL. */
const char *v1_wait_what(const struct ike_sa *sa);
void v1_wait_free(struct ike_sa *sa);

/* am.c: Aggressive Mode (conns with aggressive=yes), both roles. */
int v1_am_start(struct ike_sa *sa);
void v1_am_recv(struct ike_sa *sa, struct ikev1_msg *m);

/* qm.c: Quick Mode. */
/* A new Quick Mode; with @old, its rekey (the same proxy IDs). */
int v1_qm_start(struct ike_sa *sa, const struct child_sa *old);
void v1_qm_recv(struct ike_sa *sa, struct ikev1_msg *m);
void v1_qm_clear(struct v1_qm *q);

/* info.c: Informational exchanges. */
void v1_info_recv(struct ike_sa *sa, struct ikev1_msg *m);
/* Send a Notify (@type) or a Delete protected by HASH(1). */
int v1_info_notify(struct ike_sa *sa, uint16_t type, uint8_t proto,
		   const uint8_t *spi, uint8_t spi_size);
int v1_info_delete(struct ike_sa *sa, uint8_t proto, const uint8_t *spi,
		   uint8_t spi_size);
/*
 * The end of @sa announced: Deletes of the IPsec SAs in del_spis, then
 * of the ISAKMP SA, which is kept as the last message (V1_REQ_DELETE);
 * v1_info_delete_again() sends them all again.
 */
int v1_info_delete_ike(struct ike_sa *sa);
void v1_info_delete_again(struct ike_sa *sa);
/* DPD R-U-THERE (RFC 3706), kept for retransmission until its ACK. */
int v1_info_dpd(struct ike_sa *sa);

/*
 * vid.c: our Vendor IDs (DPD, RFC 3706; FRAGMENTATION unless the conn
 * says fragmentation=no) appended to @c (MM1/MM2, AM1/AM2).
 */
int v1_add_vids(struct ike_sa *sa, struct ikev1_chain *c);
/* The 16 bytes of RFC 3706's DPD Vendor ID. */
const uint8_t *v1_dpd_vid(void);

/* contact.c: INITIAL-CONTACT (RFC 2407 4.6.3.3). */
/* Adds it to @c when we have no other IKE SA with the peer. */
int v1_add_initial_contact(struct ike_sa *sa, struct ikev1_chain *c);
/* Whether (decrypted) @c carries it. */
bool v1_has_initial_contact(const struct ikev1_chain *c);
/*
 * The peer authenticated in @sa said it: our other IKE SAs of either
 * version between its identity and ours go, their IPsec SAs with them
 * (sa/contact.c). @where names the message.
 */
void v1_initial_contact(struct ike_sa *sa, const char *where);
/*
 * vid.c: the peer's Vendor IDs in @c (MM1/MM2, AM1/AM2) in one log line,
 * in words where known; the product they name kept for advice.
 */
void v1_vids_note(struct ike_sa *sa, const struct ikev1_chain *c);
/* natt.c: NAT traversal (RFC 3947 and its drafts). */
/*
 * Our NAT-T Vendor IDs into MM1/AM1 (all of them), MM2/AM2 (the one
 * chosen from the peer's); none with encapsulation=no.
 */
int v1_natt_add_vids(struct ike_sa *sa, struct ikev1_chain *c);
/* The NAT-T method the peer's Vendor IDs in @c offer (the best). */
void v1_natt_take_vids(struct ike_sa *sa, const struct ikev1_chain *c);
/* Our two NAT-D payloads (MM3/MM4, AM2/AM3) when NAT-T was agreed. */
int v1_natt_add_natd(struct ike_sa *sa, struct ikev1_chain *c);
/*
 * The peer's NAT-D payloads of @c against the path they came by: who
 * is behind NAT, whether NAT-T is used (sa->natt).
 */
void v1_natt_check(struct ike_sa *sa, const struct ikev1_chain *c);
/*
 * Pure: from the peer's NAT-D hashes @got (@n of @len bytes, the first
 * of our address as it saw it) and the two we expect: *@local_behind,
 * *@remote_behind. false when there are fewer than two.
 */
bool v1_natt_detect(const uint8_t *const *got, size_t n, size_t len,
		    const uint8_t *want_local, const uint8_t *want_remote,
		    bool *local_behind, bool *remote_behind);
/* The Encapsulation Mode attribute for tunnel or @transport mode. */
uint16_t v1_natt_encap(const struct ike_sa *sa, bool transport);
/* Whether the peer's Encapsulation Mode @got is ours (either numbering). */
bool v1_natt_encap_ok(const struct ike_sa *sa, bool transport, uint16_t got);
/* An authenticated message came by sa's rx_path: follow the peer's NAT. */
void v1_natt_authenticated(struct ike_sa *sa);
/*
 * Phase 1 authenticated without NAT-T (encapsulation=no here, or a peer
 * without it): say so when a NAT is in between all the same, as ESP
 * will not cross it unencapsulated.
 */
void v1_natt_diagnose(struct ike_sa *sa);
/* natoa.c: NAT-OA in Quick Mode (RFC 3947 5.2). */
/* Quick Mode of @mode carries NAT-OA: transport mode and NAT-T in use. */
bool v1_natoa_used(const struct ike_sa *sa, uint8_t mode);
/*
 * NAT-OAi and NAT-OAr into QM1 (@qm_initiator) or QM2 when used: type
 * 21, 131 for a draft's NAT-T.
 */
int v1_natoa_add(const struct ike_sa *sa, struct ikev1_chain *c,
		 uint8_t mode, bool qm_initiator);
/*
 * The peer's NAT-OA payloads of @c into @q (have_oa), logged: 0, or
 * -ENOENT (none), -EINVAL (not a pair of the IKE SA's family; ignored).
 */
int v1_natoa_take(struct ike_sa *sa, struct v1_qm *q,
		  const struct ikev1_chain *c);
/*
 * Transport mode through a NAT: host proxy IDs @l (ours) and @r (the
 * peer's) onto the IKE SA's addresses; true when one changed.
 */
bool v1_natoa_fix_ts(const struct ike_sa *sa, uint8_t mode,
		     struct iked_ts_list *l, struct iked_ts_list *r);
/* rekey.c: CHILD SA rekeying, make before break. */
/* Our rekey of @old: a new Quick Mode with its proxy IDs. */
int v1_rekey_start(struct ike_sa *sa, struct child_sa *old);
/*
 * The installed CHILD SA that a peer's Quick Mode for proxy IDs @l, @r
 * (ours, the peer's) replaces, or NULL: it is not a rekey.
 */
struct child_sa *v1_rekey_target(struct ike_sa *sa,
				 const struct iked_ts_list *l,
				 const struct iked_ts_list *r);
/* Responder: @n (installed) replaces @old; the peer deletes @old. */
void v1_rekey_taken(struct ike_sa *sa, struct child_sa *old,
		    struct child_sa *n);
/*
 * Initiator: our rekey of the CHILD SA with inbound SPI @old_spi ended
 * with @r (@n: the new CHILD SA). The old one is retired once the new
 * one sends, or the rekey is tried again later.
 */
void v1_rekey_done(struct ike_sa *sa, uint32_t old_spi, struct child_sa *n,
		   int r);
/* The version's delete_child: a Delete for @ch, then it goes (or lingers). */
int v1_rekey_delete(struct ike_sa *sa, struct child_sa *ch);

/* qm_cross.c: rekeys of one CHILD SA by both ends at once. */
/*
 * Responder to the peer's Quick Mode @theirs that rekeys @old while our
 * Quick Mode @ours (waiting for QM2) may rekey it too: which one loses.
 */
void v1_qm_cross(struct ike_sa *sa, struct v1_qm *ours,
		 const struct v1_qm *theirs, const struct child_sa *old);
/*
 * Initiator: our rekey of the CHILD SA with inbound SPI @old_spi lost
 * a crossing (@n: the pair it made, which we delete; the peer deletes
 * the old one).
 */
void v1_qm_cross_lost(struct ike_sa *sa, uint32_t old_spi,
		      struct child_sa *n);
/*
 * Initiator: our rekey @q, which no Quick Mode of the peer's crossed,
 * made @n: kept a while for a crossing QM1 still on its way.
 */
void v1_qm_cross_note(struct ike_sa *sa, const struct v1_qm *q,
		      const struct child_sa *n);
/*
 * Responder: the peer's Quick Mode @theirs for the proxy IDs of @target
 * made @ch. When @target is the pair a rekey of ours made moments ago
 * (v1_qm_cross_note), it is a crossing decided late, as v1_qm_cross()
 * decides it: true, handled. false: a plain rekey of @target.
 */
bool v1_qm_cross_late(struct ike_sa *sa, const struct v1_qm *theirs,
		      struct child_sa *target, struct child_sa *ch);
/*
 * Responder: the peer's Quick Mode made @theirs; if ours crossed it and
 * won, @theirs is the peer's to delete, not ours to rekey.
 */
void v1_qm_cross_won(struct ike_sa *sa, struct child_sa *theirs);
/*
 * @n went in: a lingering pair that lost a crossing, of the same
 * selectors, is no longer the peer's newest; its Delete goes soon.
 */
void v1_qm_cross_newer(struct ike_sa *sa, const struct child_sa *n);

/*
 * After our Delete of an old pair its inbound SA still takes what the
 * peer sent before it switched to the new pair.
 */
#define V1_LINGER_MS	2000

/* ike_rekey.c: ISAKMP SA rekeying, make before break. */
/* @s is another established ISAKMP SA of @sa's conn, with the same peer. */
bool v1_sibling(const struct ike_sa *sa, const struct ike_sa *s);
/* The version's rekey_ike: a new Main (Aggressive) Mode beside @old. */
int v1_ike_rekey_start(struct ike_sa *old);
/* A new ISAKMP SA of ours for @old is under way. */
bool v1_ike_rekey_pending(const struct ike_sa *old);
/* @n ends before it is up: its old ISAKMP SA tries again later. */
void v1_ike_rekey_failed(struct ike_sa *n);
/*
 * @n is up: when it replaces an ISAKMP SA (ours to rekey, or, as
 * responder, another of the same conn and peer), the IPsec SAs move to
 * it and the old one is deleted (ours) or waits for the peer's Delete.
 * true then: no Quick Mode is needed.
 */
bool v1_ike_rekey_done(struct ike_sa *n);
/* The peer deleted @old: what it still holds goes to its successor. */
void v1_ike_rekey_deleted(struct ike_sa *old);
/* Replaced @old reached retire_at: our Delete for it, if ours, then gone. */
void v1_ike_retire(struct ike_sa *old);
/*
 * The CHILD SA with our outbound SPI @spi in @sa or, moved by an ISAKMP
 * SA rekey, in another of its conn and peer (its ISAKMP SA to *@owner).
 */
struct child_sa *v1_child_find_out(struct ike_sa *sa, uint32_t spi,
				   struct ike_sa **owner);

/* life.c: RESPONDER-LIFETIME (RFC 2407 4.6.3.1) in Quick Mode and phase 1. */
/* Responder: the IPsec SA's lifetime from QM1's proposal (q->peer_life). */
void v1_life_choose(struct ike_sa *sa);
/* Responder: the notify into QM2's chain @c, when ours is shorter. */
int v1_life_add_notify(struct ike_sa *sa, struct ikev1_chain *c);
/* Initiator: QM2's notifies in @c; a shorter lifetime is honoured. */
void v1_life_take_notify(struct ike_sa *sa, const struct ikev1_chain *c);
/*
 * The ISAKMP SA's lifetime once its transform is chosen, @peer the one
 * proposed (0: none): the shorter of it and ikelifetime, into
 * sa->life_secs; a responder whose own is shorter says so.
 */
void v1_life1_choose(struct ike_sa *sa, uint32_t peer);
/* Responder: the notify into MM6's or AM2's chain @c, when due. */
int v1_life1_add_notify(struct ike_sa *sa, struct ikev1_chain *c);
/*
 * The peer authenticated: its RESPONDER-LIFETIME notifies for the ISAKMP
 * SA in @c (@where: "MM6", "AM2", "an Informational"); a shorter
 * lifetime is honoured, the SA's timers move if it is up.
 */
void v1_life1_take_notify(struct ike_sa *sa, const struct ikev1_chain *c,
			  const char *where);
/* One such notify @n (an Informational's, protected by HASH(1)). */
void v1_life1_take(struct ike_sa *sa, const struct ikev1_notify *n,
		   const char *where);

/* frag.c: IKEv1 fragmentation (the Cisco extension). */
/* Our FRAGMENTATION Vendor ID into MM1/AM1, and MM2/AM2 if the peer's had it. */
int v1_frag_add_vid(struct ike_sa *sa, struct ikev1_chain *c);
/* Whether the peer's Vendor IDs in @c (MM1/MM2, AM1/AM2) say it takes fragments. */
void v1_frag_take_vids(struct ike_sa *sa, const struct ikev1_chain *c);
/*
 * Our built message @msg/@len as fragments, when it must be: *@out a
 * malloc'd run of fragment datagrams (@olen bytes; free() it), or NULL
 * to send @msg as it is. 0 or -errno.
 */
int v1_frag_split(struct ike_sa *sa, const uint8_t *msg, size_t len,
		  uint8_t **out, size_t *olen);
/*
 * Why a message of ours larger than a fragment would go whole (our
 * fragmentation=, or the peer's missing vendor ID); NULL: it would not.
 */
const char *v1_frag_whole_why(const struct ike_sa *sa);
/* frag_recv.c: a datagram whose first payload is a fragment. */
void v1_frag_recv(struct iked *d, const uint8_t *buf, size_t len,
		  const struct iked_path *path);

/* ike_sa.c */
const char *v1_state_name(enum v1_state st);
/* Phase 1 is up: the core's IKE SA established, first Quick Mode. */
void v1_established(struct ike_sa *sa);

#endif /* KESP_IKEV1_V1_H */
