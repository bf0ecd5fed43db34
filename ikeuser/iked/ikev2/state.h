/* SPDX-License-Identifier: GPL-2.0 */
/* What the IKEv2 module keeps of an IKE SA (behind ike_sa->priv) and of the daemon (in its scratch room), which the core never reads. */

#ifndef KESP_IKEV2_STATE_H
#define KESP_IKEV2_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../daemon.h"
#include "ikev2.h"
#include "msg.h"
#include "keys.h"
#include "reasm.h"

struct iked_dh;

/* What the outstanding request of an IKE SA is for. */
enum ike_req_kind {
	REQ_NONE,
	REQ_INIT,
	REQ_AUTH,
	REQ_CREATE_CHILD,
	REQ_DELETE_CHILD,
	REQ_DELETE_IKE,
	REQ_LIVENESS,
	REQ_REKEY_IKE,
	REQ_NOTIFY,		/* our INVALID_SYNTAX about a malformed answer */
};

/* A CHILD SA being negotiated (by us: in IKE_AUTH or CREATE_CHILD_SA). */
struct child_pending {
	bool active;
	uint32_t spi_in;
	struct ikev2_sa offered;
	struct iked_ts_list tsi, tsr;	/* offered, initiator's view */
	struct iked_dh *dh;		/* PFS in CREATE_CHILD_SA */
	uint8_t nonce[32];
	size_t nonce_len;
	uint32_t rekey_spi;		/* the CHILD SA it replaces (our SPI) */
	/*
	 * The peer rekeyed the same CHILD SA while this was out (2.8.1):
	 * our inbound SPI of the SA it made, and the lower of that
	 * exchange's two nonces.
	 */
	uint32_t coll_spi_in;
	uint8_t coll_nonce[IKEV2_NONCE_MAX];
	size_t coll_nonce_len;
};

/* Our rekey of an IKE SA (RFC 7296 2.18), under way. */
struct ike_rekey {
	bool active;
	uint8_t spi[8];			/* the new IKE SA's SPI, ours */
	struct ikev2_sa offered;
	struct iked_dh *dh;
	uint8_t nonce[32];
	/*
	 * The peer rekeyed the IKE SA too while this was out (2.8.2): the
	 * SPIs of the IKE SA it made and the lower of its two nonces.
	 */
	bool coll;
	uint8_t coll_spi_i[8], coll_spi_r[8];
	uint8_t coll_nonce[IKEV2_NONCE_MAX];
	size_t coll_nonce_len;
};

/* The IKEv2 part of an IKE SA. */
struct ikev2_state {
	/* IKE_SA_INIT */
	struct ikev2_sa offered;	/* initiator: our SA payload */
	uint16_t ke_group;		/* initiator: the group of our KE */
	struct iked_dh *dh;
	uint8_t ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *init_req, *init_resp;	/* both messages, for AUTH */
	size_t init_req_len, init_resp_len;
	uint8_t cookie[64];
	size_t cookie_len;
	/*
	 * Initiator: answers still due to IKE_SA_INIT requests we have
	 * replaced (by a COOKIE or INVALID_KE retry); dropped as they come.
	 */
	unsigned int init_stale;
	struct ikev2_ike_keys keys;
	size_t enc_len, integ_len;
	/* RFC 7427 hashes the peer announced (bit n: hash n); 0: none. */
	uint32_t peer_hashes;
	/* The peer sent a CERTREQ (IKE_SA_INIT response or IKE_AUTH request). */
	bool peer_certreq;
	/*
	 * RFC 7383: both ends sent IKEV2_FRAGMENTATION_SUPPORTED in
	 * IKE_SA_INIT; the fragments of the peer's request and response
	 * being put back together (frag.c).
	 */
	bool frag;
	struct ikev2_reasm frag_req, frag_resp;

	/* Message IDs (2.3); the request in flight is the core's. */
	uint32_t next_req_id;		/* our next request */
	uint32_t next_peer_id;		/* the peer's next request */
	uint8_t req_exchange;		/* its exchange type */
	struct child_pending pend;
	/* PFS_RETRIED_* of our CREATE_CHILD_SA under way (child_retry.c). */
	unsigned int pfs_retried;
	/* What the CHILD SA being installed replaces, for its log line. */
	struct {
		unsigned int old_no;	/* 0: not a rekey */
		bool by_peer;
		/*
		 * Its outbound SA waits: a peer's new CHILD SA crossing ours,
		 * which may be the one that goes (create_child.c).
		 */
		bool defer_out;
	} inst;
	struct ike_rekey rk;
	uint32_t del_spi;		/* REQ_DELETE_CHILD: our inbound SPI */
};

static inline struct ikev2_state *v2(const struct ike_sa *sa)
{
	return sa->priv;
}

/* Whether IKEv2 owns @sa (d->sas holds the IKE SAs of every version). */
static inline bool is_v2(const struct ike_sa *sa)
{
	return sa->proto == &ikev2_proto;
}

/* One message in and one out at a time, in the daemon's scratch room. */
struct ikev2_msgs {
	struct ikev2_msg rx, tx;
	struct ikev2_chain rx_inner, tx_inner;
};

_Static_assert(sizeof(struct ikev2_msgs) <= IKED_PROTO_SCRATCH,
	       "IKED_PROTO_SCRATCH too small for IKEv2's messages");

static inline struct ikev2_msgs *v2_msgs(struct iked *d)
{
	return (struct ikev2_msgs *)(void *)d->proto_scratch;
}

#endif /* KESP_IKEV2_STATE_H */
