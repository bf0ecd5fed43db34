/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv2 payload bodies (RFC 7296, section 3): decoded forms, parse and build. */

#ifndef KESP_IKEV2_PAYLOAD_H
#define KESP_IKEV2_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../sa/ts_list.h"

/*
 * Payload types (RFC 7296, 3.2). The codec decodes SA to SK; CERT,
 * CERTREQ, CP and EAP are known (their critical bit is ignored, as 3.2
 * says for every type the recipient understands) but kept raw, since a
 * PSK gateway only needs to tell they are there.
 */
enum ikev2_payload_type {
	IKEV2_PL_NONE = 0,
	IKEV2_PL_SA = 33,
	IKEV2_PL_KE = 34,
	IKEV2_PL_IDI = 35,
	IKEV2_PL_IDR = 36,
	IKEV2_PL_CERT = 37,
	IKEV2_PL_CERTREQ = 38,
	IKEV2_PL_AUTH = 39,
	IKEV2_PL_NONCE = 40,
	IKEV2_PL_NOTIFY = 41,
	IKEV2_PL_DELETE = 42,
	IKEV2_PL_VENDOR = 43,
	IKEV2_PL_TSI = 44,
	IKEV2_PL_TSR = 45,
	IKEV2_PL_SK = 46,
	IKEV2_PL_CP = 47,
	IKEV2_PL_EAP = 48,
	IKEV2_PL_SKF = 53,	/* Encrypted Fragment (RFC 7383 2.5) */
};

/* Protocol IDs of proposals, notifies and deletes (3.3.1). */
enum ikev2_proto {
	IKEV2_PROTO_IKE = 1,
	IKEV2_PROTO_AH = 2,
	IKEV2_PROTO_ESP = 3,
};

/* Transform types (3.3.2). */
enum ikev2_transform_type {
	IKEV2_TR_ENCR = 1,
	IKEV2_TR_PRF = 2,
	IKEV2_TR_INTEG = 3,
	IKEV2_TR_KE = 4,	/* "D-H" in RFC 7296, "Key Exchange Method" in 9370 */
	IKEV2_TR_ESN = 5,
};

/* The one transform attribute IKEv2 defines (3.3.5), in bits. */
#define IKEV2_ATTR_KEY_LENGTH	14

/* Identification types (3.5). */
enum ikev2_id_type {
	IKEV2_ID_IPV4_ADDR = 1,
	IKEV2_ID_FQDN = 2,
	IKEV2_ID_RFC822_ADDR = 3,
	IKEV2_ID_IPV6_ADDR = 5,
	IKEV2_ID_DER_ASN1_DN = 9,
	IKEV2_ID_DER_ASN1_GN = 10,
	IKEV2_ID_KEY_ID = 11,
};

/* Authentication methods (3.8). */
enum ikev2_auth_method {
	IKEV2_AUTH_RSA_SIG = 1,
	IKEV2_AUTH_PSK = 2,
	IKEV2_AUTH_DSS_SIG = 3,
	IKEV2_AUTH_DIGITAL_SIG = 14,	/* RFC 7427 */
};

/* Traffic selector types (3.13.1): the core's neutral form uses them. */
enum ikev2_ts_type {
	IKEV2_TS_IPV4_ADDR_RANGE = IKED_TS_IPV4,
	IKEV2_TS_IPV6_ADDR_RANGE = IKED_TS_IPV6,
};

/* Notify message types the daemon sends or acts on (3.10.1 and IANA). */
enum ikev2_notify_type {
	IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKEV2_N_INVALID_IKE_SPI = 4,
	IKEV2_N_INVALID_MAJOR_VERSION = 5,
	IKEV2_N_INVALID_SYNTAX = 7,
	IKEV2_N_INVALID_MESSAGE_ID = 9,
	IKEV2_N_INVALID_SPI = 11,
	IKEV2_N_NO_PROPOSAL_CHOSEN = 14,
	IKEV2_N_INVALID_KE_PAYLOAD = 17,
	IKEV2_N_AUTHENTICATION_FAILED = 24,
	IKEV2_N_SINGLE_PAIR_REQUIRED = 34,
	IKEV2_N_NO_ADDITIONAL_SAS = 35,
	IKEV2_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKEV2_N_FAILED_CP_REQUIRED = 37,
	IKEV2_N_TS_UNACCEPTABLE = 38,
	IKEV2_N_INVALID_SELECTORS = 39,
	IKEV2_N_TEMPORARY_FAILURE = 43,
	IKEV2_N_CHILD_SA_NOT_FOUND = 44,
	/* Status types start here; below are errors. */
	IKEV2_N_INITIAL_CONTACT = 16384,
	IKEV2_N_SET_WINDOW_SIZE = 16385,
	IKEV2_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKEV2_N_IPCOMP_SUPPORTED = 16387,
	IKEV2_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKEV2_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKEV2_N_COOKIE = 16390,
	IKEV2_N_USE_TRANSPORT_MODE = 16391,
	IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	IKEV2_N_REKEY_SA = 16393,
	IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKEV2_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKEV2_N_MOBIKE_SUPPORTED = 16396,
	IKEV2_N_MULTIPLE_AUTH_SUPPORTED = 16404,
	IKEV2_N_REDIRECT_SUPPORTED = 16406,
	IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,
	IKEV2_N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

/*
 * Bounds. What a peer may send is bounded so that parsing needs no
 * allocation; the limits are well above what strongSwan, Libreswan or
 * Windows send (strongSwan's default IKE proposal has about 30 transforms).
 */
#define IKEV2_MAX_PROPOSALS	16
#define IKEV2_MAX_TRANSFORMS	128	/* in one SA payload, all proposals */
#define IKEV2_MAX_TS		IKED_MAX_TS	/* selectors in one TS payload */
#define IKEV2_SPI_MAX		8
#define IKEV2_NONCE_MIN		16	/* 3.9 */
#define IKEV2_NONCE_MAX		256
/* A payload's length field is 16 bits and counts its 4-byte header. */
#define IKEV2_BODY_MAX		(0xffff - 4)

/*
 * Why a parse failed: static text for the one log line, where, and in
 * which payload. For -EOPNOTSUPP @payload is the unsupported critical
 * type, the one byte an UNSUPPORTED_CRITICAL_PAYLOAD notify carries.
 */
struct ikev2_err {
	const char *why;
	size_t off;		/* bytes from the start of what was parsed */
	uint8_t payload;	/* payload type being read; 0 for the IKE header */
};

struct ikev2_transform {
	uint8_t type;		/* enum ikev2_transform_type; others kept */
	uint16_t id;
	uint16_t key_len;	/* Key Length attribute in bits; 0 when absent */
	/*
	 * Attributes other than Key Length seen on input. They are not
	 * rebuilt: 3.3.6 has the responder reject such a transform, which is
	 * the proposal selector's job, not a reason to drop the message.
	 */
	uint8_t unknown_attrs;
};

struct ikev2_proposal {
	uint8_t num;		/* Proposal Num: 1, 2, ... in a request */
	uint8_t proto;		/* enum ikev2_proto */
	uint8_t spi_len;	/* IKE: 0 or 8; AH, ESP: 4 */
	uint8_t spi[IKEV2_SPI_MAX];
	uint8_t first;		/* index of its first transform in sa->tr */
	uint8_t n_tr;
};

/* An SA payload; proposals index into one transform table. */
struct ikev2_sa {
	uint8_t n_prop;
	uint8_t n_tr;
	struct ikev2_proposal prop[IKEV2_MAX_PROPOSALS];
	struct ikev2_transform tr[IKEV2_MAX_TRANSFORMS];
};

/*
 * The variable-length parts below point into the parsed datagram, or for
 * building into the caller's memory, which must outlive the build.
 */
struct ikev2_ke {
	uint16_t group;		/* transform ID of type 4 */
	const uint8_t *data;
	size_t len;
};

struct ikev2_id {
	uint8_t type;		/* enum ikev2_id_type */
	const uint8_t *data;	/* IPV4_ADDR: 4 bytes, IPV6_ADDR: 16 */
	size_t len;
};

struct ikev2_auth {
	uint8_t method;		/* enum ikev2_auth_method */
	const uint8_t *data;
	size_t len;
};

struct ikev2_nonce {
	const uint8_t *data;	/* IKEV2_NONCE_MIN to IKEV2_NONCE_MAX bytes */
	size_t len;
};

struct ikev2_notify {
	uint8_t proto;		/* 0 when there is no SPI */
	uint8_t spi_len;	/* 0, 4 or 8 */
	uint8_t spi[IKEV2_SPI_MAX];
	uint16_t type;		/* enum ikev2_notify_type */
	const uint8_t *data;
	size_t len;
};

struct ikev2_delete {
	uint8_t proto;		/* enum ikev2_proto */
	uint8_t spi_len;	/* IKE: 0 (the SA the message travels in); AH, ESP: 4 */
	uint16_t n_spi;
	const uint8_t *spis;	/* n_spi * spi_len bytes, network order */
};


/*
 * The Encrypted payload as a container: IV, ciphertext, padding and ICV
 * are the crypto layer's business. @inner is the SK header's Next Payload,
 * the type of the first payload inside.
 */
struct ikev2_sk {
	uint8_t inner;
	const uint8_t *data;
	size_t len;
	/*
	 * An Encrypted Fragment payload (SKF, RFC 7383 2.5) is decoded
	 * here too, with its Fragment Number (1 to total) and Total
	 * Fragments; both 0 for SK. data then starts after them, so that
	 * what precedes it is the associated data for both kinds.
	 */
	uint16_t frag_num, frag_total;
};

/*
 * Body parsers: @b and @len are a payload's body (after the 4-byte generic
 * header). They return 0, -EBADMSG or -E2BIG, filling @err (offsets
 * relative to @b). The decoded form points into @b.
 */
int ikev2_sa_parse(struct ikev2_sa *sa, const uint8_t *b, size_t len,
		   struct ikev2_err *err);
int ikev2_ke_parse(struct ikev2_ke *ke, const uint8_t *b, size_t len,
		   struct ikev2_err *err);
int ikev2_id_parse(struct ikev2_id *id, const uint8_t *b, size_t len,
		   struct ikev2_err *err);
int ikev2_auth_parse(struct ikev2_auth *auth, const uint8_t *b, size_t len,
		     struct ikev2_err *err);
int ikev2_nonce_parse(struct ikev2_nonce *n, const uint8_t *b, size_t len,
		      struct ikev2_err *err);
int ikev2_notify_parse(struct ikev2_notify *n, const uint8_t *b, size_t len,
		       struct ikev2_err *err);
int ikev2_delete_parse(struct ikev2_delete *d, const uint8_t *b, size_t len,
		       struct ikev2_err *err);
int ikev2_ts_parse(struct iked_ts_list *l, const uint8_t *b, size_t len,
		   struct ikev2_err *err);
/* Bodies the codec keeps raw (CERT, CERTREQ, CP, EAP, Vendor ID): minimum sizes only. */
int ikev2_raw_parse(uint8_t type, size_t len, struct ikev2_err *err);

/*
 * Body builders: write the body into @buf (at most @cap bytes) and return
 * its length, or -ENOSPC when it does not fit, or -EINVAL when the decoded
 * form is something the parser would refuse (so the daemon cannot send
 * what it would not accept).
 */
int ikev2_sa_build(const struct ikev2_sa *sa, uint8_t *buf, size_t cap);
int ikev2_ke_build(const struct ikev2_ke *ke, uint8_t *buf, size_t cap);
int ikev2_id_build(const struct ikev2_id *id, uint8_t *buf, size_t cap);
int ikev2_auth_build(const struct ikev2_auth *auth, uint8_t *buf, size_t cap);
int ikev2_nonce_build(const struct ikev2_nonce *n, uint8_t *buf, size_t cap);
int ikev2_notify_build(const struct ikev2_notify *n, uint8_t *buf,
		       size_t cap);
int ikev2_delete_build(const struct ikev2_delete *d, uint8_t *buf,
		       size_t cap);
int ikev2_ts_build(const struct iked_ts_list *l, uint8_t *buf, size_t cap);

/*
 * Filling an SA for building. A proposal gets the number after the
 * previous one (1 for the first); a responder echoing the accepted
 * proposal sets ->num afterwards. Transforms go to the last proposal.
 * Return 0, -E2BIG (table full) or -EINVAL (no proposal, SPI too long).
 */
int ikev2_sa_add_proposal(struct ikev2_sa *sa, uint8_t proto,
			  const uint8_t *spi, uint8_t spi_len);
int ikev2_sa_add_transform(struct ikev2_sa *sa, uint8_t type, uint16_t id,
			   uint16_t key_len);
/* The transforms of @p, p->n_tr of them. */
const struct ikev2_transform *ikev2_proposal_tr(const struct ikev2_sa *sa,
						const struct ikev2_proposal *p);


/* Names for log lines ("SA", "NAT_DETECTION_SOURCE_IP"); NULL when unknown. */
const char *ikev2_payload_name(uint8_t type);
const char *ikev2_notify_name(uint16_t type);

/* Big-endian field access that needs no alignment. */
static inline uint16_t ikev2_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned int)p[0] << 8 | p[1]);
}

static inline uint32_t ikev2_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void ikev2_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ikev2_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* KESP_IKEV2_PAYLOAD_H */
