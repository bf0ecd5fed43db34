/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 messages (RFC 2408 3.1-3.2): the ISAKMP header and the payload
 * chain, parsed from untrusted bytes and built, without allocation.
 */

#ifndef KESP_IKEV1_MSG_H
#define KESP_IKEV1_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "payload.h"

#define IKEV1_HDR_LEN		28
#define IKEV1_VERSION		0x10	/* major 1, minor 0 */
#define IKEV1_PL_HDR_LEN	4
/*
 * Limits of one chain. strongSwan offers every combination of its phase
 * 1 proposal as one transform of about 7 attributes (a hundred and more
 * for a broad ike=); the rest is room for vendor IDs and NAT-D payloads.
 */
#define IKEV1_MAX_PAYLOADS	32
#define IKEV1_MAX_PROPS		32
#define IKEV1_MAX_XFS		256
#define IKEV1_MAX_ATTRS		2048

enum ikev1_exchange {
	IKEV1_EXCH_BASE = 1,
	IKEV1_EXCH_MAIN = 2,		/* Identity Protection */
	IKEV1_EXCH_AUTH_ONLY = 3,
	IKEV1_EXCH_AGGRESSIVE = 4,
	IKEV1_EXCH_INFO = 5,
	IKEV1_EXCH_QUICK = 32,
	IKEV1_EXCH_NEW_GROUP = 33,
};

#define IKEV1_F_ENCRYPT		0x01
#define IKEV1_F_COMMIT		0x02
#define IKEV1_F_AUTH_ONLY	0x04
#define IKEV1_F_ALL	(IKEV1_F_ENCRYPT | IKEV1_F_COMMIT | IKEV1_F_AUTH_ONLY)

struct ikev1_hdr {
	uint8_t ck_i[8];
	uint8_t ck_r[8];
	uint8_t next;		/* first payload (also when encrypted) */
	uint8_t version;	/* parse: as received; build sends 1.0 */
	uint8_t exchange;	/* enum ikev1_exchange */
	uint8_t flags;		/* IKEV1_F_* */
	uint32_t msg_id;
	uint32_t length;	/* parse: from the header; build fills it */
};

/* One payload, in chain order, with its decoded form. */
struct ikev1_pl {
	uint8_t type;		/* enum ikev1_payload_type */
	/*
	 * The body after the generic header: set by parse; build reads it
	 * for the kinds kept raw (KE, HASH, SIG, NONCE, VID, NAT-D).
	 */
	const uint8_t *body;
	size_t len;
	union {
		struct ikev1_sa sa;
		struct ikev1_id id;
		struct ikev1_cert cert;		/* CERT and CR */
		struct ikev1_notify n;
		struct ikev1_delete d;
		struct ikev1_natoa oa;
	} u;
};

/*
 * A payload chain (the message's or what its encrypted body decrypts
 * to). The proposals, transforms and attributes of every SA payload are
 * kept in the shared arrays, each SA/proposal/transform naming its range.
 */
struct ikev1_chain {
	uint8_t first;		/* the type of pl[0]; build derives it */
	uint8_t n;
	struct ikev1_pl pl[IKEV1_MAX_PAYLOADS];
	uint16_t nprop, nxf, nattr;
	struct ikev1_prop prop[IKEV1_MAX_PROPS];
	struct ikev1_xf xf[IKEV1_MAX_XFS];
	struct ikev1_attr attr[IKEV1_MAX_ATTRS];
	/* parse: bytes after the last payload (padding of a decrypted body) */
	size_t trailing;
};

struct ikev1_msg {
	struct ikev1_hdr hdr;
	/* parse: the bytes after the header (ciphertext when encrypted) */
	const uint8_t *body;
	size_t body_len;
	/* parse: datagram bytes after the header's length, ignored */
	size_t junk;
	/* the chain; empty after parsing an encrypted message */
	struct ikev1_chain chain;
};

/*
 * Why a parse failed: @why a fixed sentence, @off the offset in the
 * input where the fault lies, @notify the RFC 2408 notify type a
 * responder would answer with (enum ikev1_notify_type).
 */
struct ikev1_err {
	const char *why;
	size_t off;
	uint16_t notify;
};

/*
 * Parses an ISAKMP header of version 1 from the datagram @buf/@len.
 * Bytes past the header's length are tolerated (some peers pad the
 * datagram) and counted in *@junk. 0; -EBADMSG (short, length smaller
 * than the header or larger than the datagram), -EPROTONOSUPPORT (major
 * version not 1), -EOPNOTSUPP (unknown exchange type or flags).
 */
int ikev1_hdr_parse(struct ikev1_hdr *h, const uint8_t *buf, size_t len,
		    size_t *junk, struct ikev1_err *err);

/*
 * The whole datagram: the header and, unless the E flag is set, the
 * chain. @m may be large (the chain's arrays): keep it off small stacks.
 * Errors as ikev1_hdr_parse and ikev1_chain_parse.
 */
int ikev1_msg_parse(struct ikev1_msg *m, const uint8_t *buf, size_t len,
		    struct ikev1_err *err);

/*
 * The payload chain starting with type @first in @buf/@len. @padded
 * allows bytes after the last payload (a decrypted body's padding,
 * counted in @c->trailing); otherwise they are an error. 0; -EBADMSG
 * (a length that lies, a malformed payload, an attribute in the wrong
 * form), -EOPNOTSUPP (unknown payload type, DOI, situation, ID type),
 * -E2BIG (more payloads, proposals, transforms or attributes than the
 * limits above).
 */
int ikev1_chain_parse(struct ikev1_chain *c, uint8_t first,
		      const uint8_t *buf, size_t len, bool padded,
		      struct ikev1_err *err);

/* Encodes the chain into @buf (@cap bytes): 0, -ENOSPC, -EINVAL. */
int ikev1_chain_build(const struct ikev1_chain *c, uint8_t *buf, size_t cap,
		      size_t *len);

/*
 * Encodes header and chain (cleartext), the header's next payload and
 * length derived: 0, -ENOSPC, -EINVAL.
 */
int ikev1_msg_build(const struct ikev1_msg *m, uint8_t *buf, size_t cap,
		    size_t *len);

/*
 * Encodes the header @h (next as given, E flag as given) followed by
 * @body (an encrypted body): 0, -ENOSPC.
 */
int ikev1_msg_build_raw(const struct ikev1_hdr *h, const uint8_t *body,
			size_t body_len, uint8_t *buf, size_t cap,
			size_t *len);

/* Chain helpers. */
void ikev1_chain_init(struct ikev1_chain *c);
/* Appends a payload of @type (its u is zeroed): NULL when full. */
struct ikev1_pl *ikev1_chain_add(struct ikev1_chain *c, uint8_t type);
/* Appends a raw-body payload (KE, HASH, NONCE, VID ...): NULL when full. */
struct ikev1_pl *ikev1_chain_add_raw(struct ikev1_chain *c, uint8_t type,
				     const uint8_t *body, size_t len);
/* Adds a proposal to SA payload @sa (the last SA added): NULL when full. */
struct ikev1_prop *ikev1_sa_add_prop(struct ikev1_chain *c,
				     struct ikev1_sa *sa, uint8_t num,
				     uint8_t proto, const uint8_t *spi,
				     uint8_t spi_size);
struct ikev1_xf *ikev1_prop_add_xf(struct ikev1_chain *c,
				   struct ikev1_prop *p, uint8_t num,
				   uint8_t id);
/* TV attribute; the TLV one points at @data (@len up to 65535). */
int ikev1_xf_add_tv(struct ikev1_chain *c, struct ikev1_xf *x, uint16_t type,
		    uint16_t val);
int ikev1_xf_add_tlv(struct ikev1_chain *c, struct ikev1_xf *x, uint16_t type,
		     const uint8_t *data, uint16_t len);

/* The @i-th payload of @type (0 first), or NULL. */
const struct ikev1_pl *ikev1_chain_find(const struct ikev1_chain *c,
					uint8_t type, unsigned int i);
unsigned int ikev1_chain_count(const struct ikev1_chain *c, uint8_t type);
/* Same payloads in the same order with the same decoded contents. */
bool ikev1_chain_same(const struct ikev1_chain *a,
		      const struct ikev1_chain *b);

static inline uint16_t ikev1_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ikev1_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void ikev1_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ikev1_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* KESP_IKEV1_MSG_H */
