/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 messages (RFC 7296, 3.1-3.2): the IKE header and the payload chain,
 * parsed and built in place, without allocation.
 */

#ifndef KESP_IKEV2_MSG_H
#define KESP_IKEV2_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "payload.h"

#define IKEV2_HDR_LEN		28
#define IKEV2_VERSION		0x20	/* major 2, minor 0 */
#define IKEV2_PL_HDR_LEN	4
#define IKEV2_CRITICAL		0x80	/* in the generic payload header */
/*
 * Payloads in one chain (the message, or what SK decrypts to). strongSwan
 * sends about 15 in IKE_AUTH; the rest is room for MOBIKE address lists
 * and vendor IDs.
 */
#define IKEV2_MAX_PAYLOADS	64

enum ikev2_exchange {
	IKEV2_EXCH_IKE_SA_INIT = 34,
	IKEV2_EXCH_IKE_AUTH = 35,
	IKEV2_EXCH_CREATE_CHILD_SA = 36,
	IKEV2_EXCH_INFORMATIONAL = 37,
	IKEV2_EXCH_IKE_INTERMEDIATE = 43,	/* RFC 9242 */
};

/* Header flags (3.1); the other bits are ignored on input, sent as 0. */
#define IKEV2_F_INITIATOR	0x08
#define IKEV2_F_VERSION		0x10
#define IKEV2_F_RESPONSE	0x20
#define IKEV2_F_ALL	(IKEV2_F_INITIATOR | IKEV2_F_VERSION | IKEV2_F_RESPONSE)

struct ikev2_hdr {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next;		/* parse: first payload; build derives it */
	uint8_t version;	/* parse: as received; build sends 2.0 */
	uint8_t exchange;	/* enum ikev2_exchange, not checked here */
	uint8_t flags;		/* IKEV2_F_*, other bits cleared */
	uint32_t msg_id;
	uint32_t length;	/* parse: == datagram length; build fills it */
};

/* One payload, in chain order. */
struct ikev2_pl {
	uint8_t type;		/* enum ikev2_payload_type, or one not known */
	uint8_t critical;	/* IKEV2_CRITICAL as received; sent as set */
	uint8_t idx;		/* Notify, Delete: index in notify[], del[] */
	/*
	 * The body after the generic header. Parse sets it for every
	 * payload; build reads it only for the kinds the codec keeps raw
	 * (Vendor ID, CERT, CERTREQ, CP, EAP, and types it does not know).
	 */
	const uint8_t *body;
	size_t len;
};

/*
 * A payload chain: its order in pl[], and the decoded form of each
 * payload in the field of its type. Types that may appear once (SA, KE,
 * IDi, IDr, AUTH, Nonce, TSi, TSr, SK, CP, EAP) have one field, marked in
 * @seen; Notify and Delete have arrays.
 */
struct ikev2_chain {
	uint8_t n;
	struct ikev2_pl pl[IKEV2_MAX_PAYLOADS];
	uint32_t seen;		/* bit (type - 32) for each known type present */
	struct ikev2_sa sa;
	struct ikev2_ke ke;
	struct ikev2_id idi;
	struct ikev2_id idr;
	struct ikev2_auth auth;
	struct ikev2_nonce nonce;
	struct iked_ts_list tsi;
	struct iked_ts_list tsr;
	struct ikev2_sk sk;
	uint8_t n_notify;
	struct ikev2_notify notify[IKEV2_MAX_PAYLOADS];
	uint8_t n_del;
	struct ikev2_delete del[IKEV2_MAX_PAYLOADS];
};

struct ikev2_msg {
	struct ikev2_hdr hdr;
	struct ikev2_chain chain;
};

/*
 * Parses the datagram @buf of @len bytes (after the non-ESP marker on
 * port 4500) into @m, which then points into @buf. Every payload is
 * validated, the known ones decoded; unknown ones without the critical bit
 * are kept in the chain undecoded. Returns 0 or:
 *
 *   -EBADMSG          malformed: truncated, a length or count that does not
 *                     add up, a field out of range (reply INVALID_SYNTAX
 *                     or drop)
 *   -EPROTONOSUPPORT  major version not 2 (IKEv1, or a future version:
 *                     log "IKE version mismatch", INVALID_MAJOR_VERSION)
 *   -EMSGSIZE         header length is not the datagram length
 *   -EOPNOTSUPP       an unknown payload with the critical bit; its type is
 *                     in err->payload for UNSUPPORTED_CRITICAL_PAYLOAD (3.2)
 *   -EEXIST           a second payload of a type allowed once
 *   -E2BIG            more payloads, proposals, transforms or selectors
 *                     than the IKEV2_MAX_* bounds
 *
 * @err (may be NULL) says why and where; err->off counts from @buf. Once
 * the 28 header bytes are there m->hdr is filled, whatever follows, so
 * that an error notify can name the SPIs and message ID.
 */
int ikev2_msg_parse(struct ikev2_msg *m, const uint8_t *buf, size_t len,
		    struct ikev2_err *err);

/*
 * Parses a chain without IKE header starting with a payload of type
 * @first: what an SK payload decrypts to (c->sk.inner is @first), minus
 * padding. Same errors as ikev2_msg_parse but the header ones; an SK
 * inside is -EBADMSG.
 */
int ikev2_chain_parse(struct ikev2_chain *c, uint8_t first,
		      const uint8_t *buf, size_t len, struct ikev2_err *err);

/*
 * Builds @m into @buf: header (version 2.0, length filled in) and every
 * payload with its Next Payload chained. Writes the length to *@len.
 * Returns 0, -ENOSPC when @cap is too small (nothing useful in @buf),
 * -EINVAL when a payload holds what the parser would refuse (or SK is not
 * the last payload).
 *
 * SK is written as its data: the crypto layer encrypts the inner chain
 * (built with ikev2_chain_build), builds the message around it, and
 * computes the ICV over the result. After parsing, c->sk.data - buf is
 * where the SK body starts: the bytes before it are the AEAD associated
 * data (RFC 5282).
 */
int ikev2_msg_build(const struct ikev2_msg *m, uint8_t *buf, size_t cap,
		    size_t *len);
int ikev2_chain_build(const struct ikev2_chain *c, uint8_t *buf, size_t cap,
		      size_t *len);

/* Filling a chain for building, payloads in the order of the calls. */

/* Empties @c (and @m) for building. */
void ikev2_chain_init(struct ikev2_chain *c);
void ikev2_msg_init(struct ikev2_msg *m, const uint8_t spi_i[8],
		    const uint8_t spi_r[8], uint8_t exchange, uint8_t flags,
		    uint32_t msg_id);

/*
 * Appends a payload of a type allowed once whose content the caller
 * fills in the chain's field for it (c->sa with ikev2_sa_add_*, c->tsi with
 * iked_ts_add, ...). The functions below also fill the field. Return 0,
 * -EEXIST (already there), -E2BIG (chain full) or -EINVAL (a type that
 * needs its own function below).
 */
int ikev2_chain_add(struct ikev2_chain *c, uint8_t type);
int ikev2_chain_add_ke(struct ikev2_chain *c, uint16_t group,
		       const void *data, size_t len);
/* @which is IKEV2_PL_IDI or IKEV2_PL_IDR. */
int ikev2_chain_add_id(struct ikev2_chain *c, uint8_t which, uint8_t type,
		       const void *data, size_t len);
int ikev2_chain_add_auth(struct ikev2_chain *c, uint8_t method,
			 const void *data, size_t len);
int ikev2_chain_add_nonce(struct ikev2_chain *c, const void *data,
			  size_t len);
/* The SK container, which build keeps last; @inner is its first payload's type. */
int ikev2_chain_add_sk(struct ikev2_chain *c, uint8_t inner,
		       const void *data, size_t len);
int ikev2_chain_add_notify(struct ikev2_chain *c, uint8_t proto,
			   const void *spi, uint8_t spi_len, uint16_t type,
			   const void *data, size_t len);
int ikev2_chain_add_delete(struct ikev2_chain *c, uint8_t proto,
			   uint8_t spi_len, uint16_t n_spi, const void *spis);
/* Vendor ID, CERT, CERTREQ, CP, EAP, or a type the codec does not know. */
int ikev2_chain_add_raw(struct ikev2_chain *c, uint8_t type, bool critical,
			const void *body, size_t len);

/* Looking things up in a parsed chain. */
bool ikev2_chain_has(const struct ikev2_chain *c, uint8_t type);
unsigned int ikev2_chain_count(const struct ikev2_chain *c, uint8_t type);
/* The first Notify of @type, or NULL. */
const struct ikev2_notify *ikev2_chain_notify(const struct ikev2_chain *c,
					      uint16_t type);
/* The type of the first payload, as a header or SK Next Payload names it. */
uint8_t ikev2_chain_first(const struct ikev2_chain *c);

/*
 * Whether two chains say the same thing, wherever their bytes live: same
 * payloads in the same order with the same decoded contents (unknown
 * transform attributes, which are not rebuilt, aside). For tests and the
 * fuzzer's rebuild check.
 */
bool ikev2_chain_same(const struct ikev2_chain *a,
		      const struct ikev2_chain *b);

/* "IKE_SA_INIT", ...; NULL when unknown. */
const char *ikev2_exchange_name(uint8_t exchange);

#endif /* KESP_IKEV2_MSG_H */
