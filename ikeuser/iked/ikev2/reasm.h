/* SPDX-License-Identifier: GPL-2.0 */
/* IKEv2 message fragments (RFC 7383) put back together: one message per direction of an IKE SA, authentic fragments only, bounded. */

#ifndef KESP_IKEV2_REASM_H
#define KESP_IKEV2_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sa/frag.h"

/*
 * Bounds on what a peer may make us keep: fragments of one message, and
 * the bytes they decrypt to (the inner chain of one IKE message, which
 * the daemon's 64 KiB buffers must hold).
 */
#define IKEV2_FRAG_MAX		64
#define IKEV2_FRAG_BYTES_MAX	IKED_FRAG_BYTES_MAX

/*
 * The fragments of the one message being received in one direction
 * (requests or responses) of an IKE SA: the decrypted share of each,
 * by Fragment Number. Zeroed: empty. Callers hand in only fragments
 * whose ICV verified (RFC 7383 2.6: before that they are anyone's
 * bytes) and whose message ID is the one expected.
 */
struct ikev2_reasm {
	bool active;
	uint32_t msg_id;
	uint8_t exchange;
	uint16_t total;			/* Total Fragments of those kept */
	uint16_t have;			/* how many of them are here */
	uint8_t inner;			/* first payload, from fragment 1 */
	size_t bytes;			/* kept so far */
	uint64_t started;		/* the caller's clock, when it began */
	uint8_t *frag[IKEV2_FRAG_MAX];	/* frag[n - 1]: fragment n, or NULL */
	uint16_t len[IKEV2_FRAG_MAX];
};

/* What ikev2_reasm_add() did with a fragment. */
enum ikev2_reasm_res {
	IKEV2_REASM_KEPT,		/* more to come */
	IKEV2_REASM_DONE,		/* all there: ikev2_reasm_join() */
	IKEV2_REASM_DUP,		/* that number is here already: ignored */
	IKEV2_REASM_STALE,		/* fewer Total Fragments than kept: dropped */
	IKEV2_REASM_RESTART,		/* more Total Fragments: the rest dropped, kept */
	IKEV2_REASM_TOO_MANY,		/* Total Fragments over IKEV2_FRAG_MAX */
	IKEV2_REASM_TOO_BIG,		/* over IKEV2_FRAG_BYTES_MAX: all dropped */
	IKEV2_REASM_INVALID,		/* number 0 or over its total: dropped */
	IKEV2_REASM_NOMEM,
};

/*
 * Whether a fragment numbered @num of @total would be refused before its
 * ICV is checked (the cheap checks: range, limits, a Total below the one
 * kept for the same message): IKEV2_REASM_KEPT when it is worth
 * decrypting, else the result ikev2_reasm_add() would give.
 */
enum ikev2_reasm_res ikev2_reasm_precheck(const struct ikev2_reasm *r,
					  uint32_t msg_id, uint16_t num,
					  uint16_t total);
/*
 * Keep fragment @num of @total of message @msg_id (@exchange), its
 * decrypted share @data/@len, and for fragment 1 its first payload
 * @inner. A fragment of another message ID or exchange replaces what is
 * kept (the peer moved on, or gave that message up). RFC 7383 2.6: a
 * greater Total Fragments than kept starts over with this fragment (the
 * sender changed its fragment size), a smaller one is dropped. @now
 * stamps a new reassembly (r->started).
 */
enum ikev2_reasm_res ikev2_reasm_add(struct ikev2_reasm *r, uint32_t msg_id,
				     uint8_t exchange, uint16_t num,
				     uint16_t total, uint8_t inner,
				     const uint8_t *data, size_t len,
				     uint64_t now);
/*
 * The complete message's inner chain (fragments in order) into @out;
 * its first payload is r->inner. 0, -EAGAIN when not complete, -ENOSPC.
 */
int ikev2_reasm_join(const struct ikev2_reasm *r, uint8_t *out, size_t cap,
		     size_t *len);
/* Drop (and wipe) what is kept; @r is empty again. */
void ikev2_reasm_clear(struct ikev2_reasm *r);
/* "kept", "duplicate", ...: for log lines. */
const char *ikev2_reasm_res_name(enum ikev2_reasm_res res);

#endif /* KESP_IKEV2_REASM_H */
