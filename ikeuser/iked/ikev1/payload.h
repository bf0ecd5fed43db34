/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 payloads (RFC 2408 3.4-3.15, RFC 2407 4.5-4.6, RFC 2409 appendix
 * A, RFC 3947, RFC 3706): their numbers and decoded forms, which point
 * into the bytes they were parsed from (or, to build, into the caller's).
 */

#ifndef KESP_IKEV1_PAYLOAD_H
#define KESP_IKEV1_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ikev1_payload_type {
	IKEV1_PL_NONE = 0,
	IKEV1_PL_SA = 1,
	IKEV1_PL_P = 2,		/* only inside SA */
	IKEV1_PL_T = 3,		/* only inside a Proposal */
	IKEV1_PL_KE = 4,
	IKEV1_PL_ID = 5,
	IKEV1_PL_CERT = 6,
	IKEV1_PL_CR = 7,
	IKEV1_PL_HASH = 8,
	IKEV1_PL_SIG = 9,
	IKEV1_PL_NONCE = 10,
	IKEV1_PL_N = 11,
	IKEV1_PL_D = 12,
	IKEV1_PL_VID = 13,
	IKEV1_PL_NATD = 20,		/* RFC 3947 */
	IKEV1_PL_NATOA = 21,
	IKEV1_PL_NATD_DRAFT = 130,	/* draft-ietf-ipsec-nat-t-ike-02/03 */
	IKEV1_PL_NATOA_DRAFT = 131,
};

/* Notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706). */
enum ikev1_notify_type {
	IKEV1_N_INVALID_PAYLOAD_TYPE = 1,
	IKEV1_N_DOI_NOT_SUPPORTED = 2,
	IKEV1_N_SITUATION_NOT_SUPPORTED = 3,
	IKEV1_N_INVALID_COOKIE = 4,
	IKEV1_N_INVALID_MAJOR_VERSION = 5,
	IKEV1_N_INVALID_MINOR_VERSION = 6,
	IKEV1_N_INVALID_EXCHANGE_TYPE = 7,
	IKEV1_N_INVALID_FLAGS = 8,
	IKEV1_N_INVALID_MESSAGE_ID = 9,
	IKEV1_N_INVALID_PROTOCOL_ID = 10,
	IKEV1_N_INVALID_SPI = 11,
	IKEV1_N_INVALID_TRANSFORM_ID = 12,
	IKEV1_N_ATTRIBUTES_NOT_SUPPORTED = 13,
	IKEV1_N_NO_PROPOSAL_CHOSEN = 14,
	IKEV1_N_BAD_PROPOSAL_SYNTAX = 15,
	IKEV1_N_PAYLOAD_MALFORMED = 16,
	IKEV1_N_INVALID_KEY_INFORMATION = 17,
	IKEV1_N_INVALID_ID_INFORMATION = 18,
	IKEV1_N_INVALID_CERT_ENCODING = 19,
	IKEV1_N_INVALID_CERTIFICATE = 20,
	IKEV1_N_CERT_TYPE_UNSUPPORTED = 21,
	IKEV1_N_INVALID_CERT_AUTHORITY = 22,
	IKEV1_N_INVALID_HASH_INFORMATION = 23,
	IKEV1_N_AUTHENTICATION_FAILED = 24,
	IKEV1_N_INVALID_SIGNATURE = 25,
	IKEV1_N_ADDRESS_NOTIFICATION = 26,
	IKEV1_N_NOTIFY_SA_LIFETIME = 27,
	IKEV1_N_CERTIFICATE_UNAVAILABLE = 28,
	IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE = 29,
	IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS = 30,
	IKEV1_N_CONNECTED = 16384,
	IKEV1_N_RESPONDER_LIFETIME = 24576,
	IKEV1_N_REPLAY_STATUS = 24577,
	IKEV1_N_INITIAL_CONTACT = 24578,
	IKEV1_N_R_U_THERE = 36136,
	IKEV1_N_R_U_THERE_ACK = 36137,
};

#define IKEV1_DOI_IPSEC		1
#define IKEV1_SIT_IDENTITY_ONLY	1

/* Protocol IDs of Proposals, Notify and Delete (RFC 2407 4.4.1). */
enum ikev1_proto {
	IKEV1_PROTO_ISAKMP = 1,
	IKEV1_PROTO_AH = 2,
	IKEV1_PROTO_ESP = 3,
	IKEV1_PROTO_IPCOMP = 4,
};

/* ID types (RFC 2407 4.6.2.1). */
enum ikev1_id_type {
	IKEV1_ID_IPV4_ADDR = 1,
	IKEV1_ID_FQDN = 2,
	IKEV1_ID_USER_FQDN = 3,
	IKEV1_ID_IPV4_SUBNET = 4,
	IKEV1_ID_IPV6_ADDR = 5,
	IKEV1_ID_IPV6_SUBNET = 6,
	IKEV1_ID_IPV4_RANGE = 7,
	IKEV1_ID_IPV6_RANGE = 8,
	IKEV1_ID_DER_ASN1_DN = 9,
	IKEV1_ID_DER_ASN1_GN = 10,
	IKEV1_ID_KEY_ID = 11,
};

/* Phase 1 attribute classes (RFC 2409 appendix A). */
enum ikev1_p1_attr {
	IKEV1_A1_ENCR = 1,
	IKEV1_A1_HASH = 2,
	IKEV1_A1_AUTH = 3,
	IKEV1_A1_GROUP = 4,
	IKEV1_A1_GROUP_TYPE = 5,
	IKEV1_A1_GROUP_PRIME = 6,
	IKEV1_A1_GEN_ONE = 7,
	IKEV1_A1_GEN_TWO = 8,
	IKEV1_A1_CURVE_A = 9,
	IKEV1_A1_CURVE_B = 10,
	IKEV1_A1_LIFE_TYPE = 11,
	IKEV1_A1_LIFE_DURATION = 12,
	IKEV1_A1_PRF = 13,
	IKEV1_A1_KEY_LEN = 14,
	IKEV1_A1_FIELD_SIZE = 15,
	IKEV1_A1_GROUP_ORDER = 16,
};

/* Phase 2 (IPsec DOI) attribute classes (RFC 2407 4.5). */
enum ikev1_p2_attr {
	IKEV1_A2_LIFE_TYPE = 1,
	IKEV1_A2_LIFE_DURATION = 2,
	IKEV1_A2_GROUP = 3,
	IKEV1_A2_ENCAP = 4,
	IKEV1_A2_AUTH = 5,
	IKEV1_A2_KEY_LEN = 6,
	IKEV1_A2_KEY_ROUNDS = 7,
	IKEV1_A2_COMP_DICT = 8,
	IKEV1_A2_COMP_PRIV = 9,
	IKEV1_A2_ECN = 10,
};

/* Life types of both phases: the same numbers. */
#define IKEV1_LIFE_SECONDS	1
#define IKEV1_LIFE_KILOBYTES	2

/* Encapsulation modes (RFC 2407, RFC 3947 and the draft's numbers). */
#define IKEV1_ENCAP_TUNNEL		1
#define IKEV1_ENCAP_TRANSPORT		2
#define IKEV1_ENCAP_UDP_TUNNEL		3
#define IKEV1_ENCAP_UDP_TRANSPORT	4
#define IKEV1_ENCAP_UDP_TUNNEL_DRAFT	61443
#define IKEV1_ENCAP_UDP_TRANSPORT_DRAFT	61444

#define IKEV1_AF_BIT	0x8000	/* attribute format: TV (basic) when set */

/*
 * A data attribute. TV: @val holds the 16-bit value, @data is NULL. TLV:
 * @data/@len the value (any length, lifetimes of 1-8 bytes are common).
 */
struct ikev1_attr {
	uint16_t type;		/* without IKEV1_AF_BIT */
	bool tv;
	uint16_t val;
	uint16_t len;
	const uint8_t *data;
};

struct ikev1_xf {
	uint8_t num;
	uint8_t id;		/* KEY_IKE (1) in phase 1, ESP_AES ... */
	uint16_t first_attr;	/* index into the chain's attr[] */
	uint16_t nattr;
};

struct ikev1_prop {
	uint8_t num;
	uint8_t proto;		/* enum ikev1_proto */
	uint8_t spi_size;	/* 0 (ISAKMP), 2 (IPCOMP CPI), 4, 16 */
	uint8_t spi[16];
	uint16_t first_xf;	/* index into the chain's xf[] */
	uint16_t nxf;
};

struct ikev1_sa {
	uint32_t doi;		/* IKEV1_DOI_IPSEC */
	uint32_t situation;	/* IKEV1_SIT_IDENTITY_ONLY */
	uint16_t first_prop;	/* index into the chain's prop[] */
	uint16_t nprop;
};

/* ID (RFC 2407 4.6.2): phase 1 identities and phase 2 proxy IDs. */
struct ikev1_id {
	uint8_t type;		/* enum ikev1_id_type */
	uint8_t proto;		/* IP protocol, 0 for any */
	uint16_t port;		/* 0 for any */
	const uint8_t *data;
	size_t len;
};

/* CERT (encoding) and CR (certificate type) share a form. */
struct ikev1_cert {
	uint8_t enc;
	const uint8_t *data;
	size_t len;
};

struct ikev1_notify {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;		/* enum ikev1_notify_type */
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ikev1_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;	/* 16 (cookie pair) for ISAKMP, 4 for ESP/AH */
	uint16_t nspi;
	const uint8_t *spis;	/* nspi * spi_size bytes */
};

/* NAT-OA (RFC 3947 5.2): ID type IPV4_ADDR or IPV6_ADDR and the address. */
struct ikev1_natoa {
	uint8_t type;
	const uint8_t *addr;
	size_t len;
};

struct ikev1_chain;
struct ikev1_pl;
struct ikev1_err;

/*
 * Decodes @pl's body (pl->body/len, at offset @off of the parsed input)
 * into pl->u, SA contents into @c's arrays. Errors as ikev1_chain_parse.
 */
int ikev1_pl_parse(struct ikev1_chain *c, struct ikev1_pl *pl, size_t off,
		   struct ikev1_err *err);
/* Encodes @pl's body (no generic header): 0, -ENOSPC, -EINVAL. */
int ikev1_pl_build(const struct ikev1_chain *c, const struct ikev1_pl *pl,
		   uint8_t *buf, size_t cap, size_t *len);
/* Same decoded contents (SA: proposals, transforms, attributes). */
bool ikev1_pl_same(const struct ikev1_chain *ca, const struct ikev1_pl *a,
		   const struct ikev1_chain *cb, const struct ikev1_pl *b);

/* "SA", "KE", "NAT-D" ... or NULL for a type the codec does not know. */
const char *ikev1_pl_name(uint8_t type);

/* The attribute is one RFC 2409 A / RFC 2407 4.5 says must be basic (TV). */
bool ikev1_attr_basic_only(uint8_t proto, uint16_t type);

/*
 * The value of a TV attribute, or of a TLV attribute of up to 8 bytes
 * once leading zeros are skipped (a lifetime). -ERANGE when longer.
 */
int ikev1_attr_u64(const struct ikev1_attr *a, uint64_t *out);

/* The life type and life duration attributes' types in @proto's class. */
uint16_t ikev1_life_type_of(uint8_t proto);
uint16_t ikev1_life_duration_of(uint8_t proto);
/*
 * A bare data attribute list (a RESPONDER-LIFETIME notify's data, RFC
 * 2407 4.6.3.1) in a transform's encoding for protocol @proto: up to
 * @cap attributes into @out (pointing into @p), their number into *@n.
 * 0; -EBADMSG or -E2BIG with *@why a fixed sentence (no peer bytes).
 */
int ikev1_attr_list_parse(uint8_t proto, const uint8_t *p, size_t len,
			  struct ikev1_attr *out, size_t cap, size_t *n,
			  const char **why);

#endif /* KESP_IKEV1_PAYLOAD_H */
