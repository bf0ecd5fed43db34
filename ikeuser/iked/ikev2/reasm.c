// SPDX-License-Identifier: GPL-2.0
/* IKEv2 fragment reassembly (RFC 7383 2.6): pure bookkeeping of fragments already authenticated, with limits. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "reasm.h"

void ikev2_reasm_clear(struct ikev2_reasm *r)
{
	unsigned int i;

	for (i = 0; i < IKEV2_FRAG_MAX; i++) {
		if (r->frag[i]) {
			OPENSSL_cleanse(r->frag[i], r->len[i]);
			free(r->frag[i]);
		}
	}
	memset(r, 0, sizeof(*r));
}

static bool same_message(const struct ikev2_reasm *r, uint32_t msg_id)
{
	return r->active && r->msg_id == msg_id;
}

enum ikev2_reasm_res ikev2_reasm_precheck(const struct ikev2_reasm *r,
					  uint32_t msg_id, uint16_t num,
					  uint16_t total)
{
	if (!num || num > total)
		return IKEV2_REASM_INVALID;
	if (total > IKEV2_FRAG_MAX)
		return IKEV2_REASM_TOO_MANY;
	if (!same_message(r, msg_id))
		return IKEV2_REASM_KEPT;
	if (total < r->total)
		return IKEV2_REASM_STALE;
	if (total == r->total && r->frag[num - 1])
		return IKEV2_REASM_DUP;
	return IKEV2_REASM_KEPT;
}

enum ikev2_reasm_res ikev2_reasm_add(struct ikev2_reasm *r, uint32_t msg_id,
				     uint8_t exchange, uint16_t num,
				     uint16_t total, uint8_t inner,
				     const uint8_t *data, size_t len,
				     uint64_t now)
{
	enum ikev2_reasm_res res = ikev2_reasm_precheck(r, msg_id, num, total);
	uint8_t *copy;

	if (res != IKEV2_REASM_KEPT)
		return res;
	if (same_message(r, msg_id) && r->exchange == exchange &&
	    total > r->total) {
		res = IKEV2_REASM_RESTART;
		ikev2_reasm_clear(r);
	} else if (!same_message(r, msg_id) || r->exchange != exchange) {
		ikev2_reasm_clear(r);
	}
	if (!r->active) {
		r->active = true;
		r->msg_id = msg_id;
		r->exchange = exchange;
		r->total = total;
		r->started = now;
	}
	if (len > IKEV2_FRAG_BYTES_MAX - r->bytes) {
		ikev2_reasm_clear(r);
		return IKEV2_REASM_TOO_BIG;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return IKEV2_REASM_NOMEM;
	if (len)
		memcpy(copy, data, len);
	r->frag[num - 1] = copy;
	r->len[num - 1] = (uint16_t)len;
	r->bytes += len;
	r->have++;
	if (num == 1)
		r->inner = inner;
	if (r->have == r->total)
		return IKEV2_REASM_DONE;
	return res;
}

int ikev2_reasm_join(const struct ikev2_reasm *r, uint8_t *out, size_t cap,
		     size_t *len)
{
	size_t off = 0;
	unsigned int i;

	*len = 0;
	if (!r->active || r->have != r->total)
		return -EAGAIN;
	if (r->bytes > cap)
		return -ENOSPC;
	for (i = 0; i < r->total; i++) {
		memcpy(out + off, r->frag[i], r->len[i]);
		off += r->len[i];
	}
	*len = off;
	return 0;
}

const char *ikev2_reasm_res_name(enum ikev2_reasm_res res)
{
	switch (res) {
	case IKEV2_REASM_KEPT:
		return "kept";
	case IKEV2_REASM_DONE:
		return "complete";
	case IKEV2_REASM_DUP:
		return "duplicate fragment ignored";
	case IKEV2_REASM_STALE:
		return "fewer Total Fragments than before: fragment dropped";
	case IKEV2_REASM_RESTART:
		return "more Total Fragments than before: reassembly restarted";
	case IKEV2_REASM_TOO_MANY:
		return "Total Fragments over the limit: dropped";
	case IKEV2_REASM_TOO_BIG:
		return "reassembled message too large: dropped";
	case IKEV2_REASM_INVALID:
		return "fragment number out of range: dropped";
	case IKEV2_REASM_NOMEM:
		return "out of memory";
	}
	return "?";
}
