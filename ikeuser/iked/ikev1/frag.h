/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 fragmentation (the Cisco extension that strongSwan, Libreswan
 * and Windows speak): the ISAKMP_FRAGMENTATION payload (type 132) from
 * untrusted bytes and back, and the pure bookkeeping of a message's
 * fragments put back together, with limits.
 */

#ifndef KESP_IKEV1_FRAG_H
#define KESP_IKEV1_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define IKEV1_PL_FRAG		132
/* Generic header, Fragment ID (2), Fragment Number (1), Flags (1). */
#define IKEV1_FRAG_HDR_LEN	8
#define IKEV1_FRAG_LAST		0x01
/*
 * Fragments of one message we keep: Libreswan's limit (strongSwan's
 * is higher but it never sends more than a handful).
 */
#define IKEV1_FRAG_MAX		16

/* One fragment datagram: its ISAKMP header and its one payload. */
struct ikev1_frag {
	struct ikev1_hdr hdr;
	uint16_t id;		/* the same in all fragments of a message */
	uint8_t num;		/* from 1 */
	bool last;
	const uint8_t *data;	/* a share of the whole (encrypted) message */
	size_t len;
};

/* Whether datagram @buf (untrusted) is an ISAKMP header followed by a fragment. */
bool ikev1_is_frag(const uint8_t *buf, size_t len);
/*
 * Parses a fragment datagram: the header (as ikev1_hdr_parse, its next
 * payload 132, no E flag) and one fragment payload filling the header's
 * length: next payload none, reserved zero, Fragment Number 1 or more,
 * no flag but LAST, some data. 0 or -EBADMSG/-EOPNOTSUPP with @err.
 */
int ikev1_frag_parse(struct ikev1_frag *f, const uint8_t *buf, size_t len,
		     struct ikev1_err *err);
/*
 * Encodes fragment @num (@last or not) of message @id carrying
 * @data/@dlen behind header @h (its next payload, flags and length are
 * set here): 0, -ENOSPC, -EINVAL (@num 0, @dlen 0 or too long).
 */
int ikev1_frag_build(const struct ikev1_hdr *h, uint16_t id, uint8_t num,
		     bool last, const uint8_t *data, size_t dlen,
		     uint8_t *buf, size_t cap, size_t *len);

/*
 * The fragments of the one message of the peer's being put back
 * together in an ISAKMP SA, by Fragment Number. Zeroed: empty. Nothing
 * here is authentic: the whole is decrypted and its HASH checked only
 * once complete, so the limits bound what anyone may make us keep.
 */
struct ikev1_reasm {
	bool active;
	uint16_t id;
	uint8_t last;			/* the LAST fragment's number, 0: unseen */
	uint8_t have;			/* how many are here */
	size_t bytes;			/* kept so far */
	uint64_t started;		/* the caller's clock, when it began */
	uint8_t *frag[IKEV1_FRAG_MAX];	/* frag[n - 1]: fragment n, or NULL */
	uint16_t len[IKEV1_FRAG_MAX];
};

/* What ikev1_reasm_add() did with a fragment. */
enum ikev1_reasm_res {
	IKEV1_REASM_KEPT,		/* more to come */
	IKEV1_REASM_DONE,		/* all there: ikev1_reasm_join() */
	IKEV1_REASM_REPLACED,		/* kept; a newer ID dropped the rest */
	IKEV1_REASM_DUP,		/* that number is here already: ignored */
	IKEV1_REASM_STALE,		/* an older Fragment ID: ignored */
	/* Failures: what was kept of the message is dropped. */
	IKEV1_REASM_TOO_MANY,		/* a number over IKEV1_FRAG_MAX */
	IKEV1_REASM_TOO_BIG,		/* over IKED_FRAG_BYTES_MAX */
	IKEV1_REASM_INVALID,		/* after the last, or two lasts */
	IKEV1_REASM_NOMEM,
};

/* Whether @res is a failure (the reassembly is gone). */
static inline bool ikev1_reasm_failed(enum ikev1_reasm_res res)
{
	return res >= IKEV1_REASM_TOO_MANY;
}

/*
 * Keep fragment @f's data. A Fragment ID newer than the one kept
 * (serial number arithmetic: the peer numbers its messages upwards)
 * replaces it; an older one is ignored. @now stamps a new reassembly.
 */
enum ikev1_reasm_res ikev1_reasm_add(struct ikev1_reasm *r,
				     const struct ikev1_frag *f, uint64_t now);
/* The complete message into @out: 0, -EAGAIN (not complete), -ENOSPC. */
int ikev1_reasm_join(const struct ikev1_reasm *r, uint8_t *out, size_t cap,
		     size_t *len);
/* Drop (and wipe) what is kept; @r is empty again. */
void ikev1_reasm_clear(struct ikev1_reasm *r);
/* "duplicate fragment ignored", ...: for log lines. */
const char *ikev1_reasm_res_name(enum ikev1_reasm_res res);

#endif /* KESP_IKEV1_FRAG_H */
