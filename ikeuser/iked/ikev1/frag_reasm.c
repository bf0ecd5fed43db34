// SPDX-License-Identifier: GPL-2.0
/* IKEv1 fragment reassembly: pure bookkeeping of one message's fragments, unauthenticated until the whole decrypts, hence bounded. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "frag.h"
#include "../sa/frag.h"

void ikev1_reasm_clear(struct ikev1_reasm *r)
{
	unsigned int i;

	for (i = 0; i < IKEV1_FRAG_MAX; i++) {
		if (r->frag[i]) {
			OPENSSL_cleanse(r->frag[i], r->len[i]);
			free(r->frag[i]);
		}
	}
	memset(r, 0, sizeof(*r));
}

/*
 * A failure drops the whole message: a peer that sends an inconsistent
 * set will send it again, whole, when it retransmits.
 */
static enum ikev1_reasm_res fail(struct ikev1_reasm *r,
				 enum ikev1_reasm_res res)
{
	ikev1_reasm_clear(r);
	return res;
}

/* Whether @f contradicts what is kept of its message. */
static bool inconsistent(const struct ikev1_reasm *r,
			 const struct ikev1_frag *f)
{
	unsigned int i;

	if (r->last && (f->num > r->last || (f->last && f->num != r->last)))
		return true;
	if (f->last)
		for (i = f->num; i < IKEV1_FRAG_MAX; i++)
			if (r->frag[i])
				return true;
	return false;
}

enum ikev1_reasm_res ikev1_reasm_add(struct ikev1_reasm *r,
				     const struct ikev1_frag *f, uint64_t now)
{
	enum ikev1_reasm_res res = IKEV1_REASM_KEPT;
	uint8_t *copy;

	if (r->active && r->id != f->id) {
		if ((int16_t)(f->id - r->id) < 0)
			return IKEV1_REASM_STALE;
		ikev1_reasm_clear(r);
		res = IKEV1_REASM_REPLACED;
	}
	if (!f->num)
		return fail(r, IKEV1_REASM_INVALID);
	if (f->num > IKEV1_FRAG_MAX)
		return fail(r, IKEV1_REASM_TOO_MANY);
	if (r->active && r->frag[f->num - 1])
		return IKEV1_REASM_DUP;
	if (inconsistent(r, f))
		return fail(r, IKEV1_REASM_INVALID);
	if (f->len > IKED_FRAG_BYTES_MAX - r->bytes)
		return fail(r, IKEV1_REASM_TOO_BIG);
	copy = malloc(f->len ? f->len : 1);
	if (!copy)
		return fail(r, IKEV1_REASM_NOMEM);
	if (f->len)
		memcpy(copy, f->data, f->len);
	if (!r->active) {
		r->active = true;
		r->id = f->id;
		r->started = now;
	}
	r->frag[f->num - 1] = copy;
	r->len[f->num - 1] = (uint16_t)f->len;
	r->bytes += f->len;
	r->have++;
	if (f->last)
		r->last = f->num;
	return r->last && r->have == r->last ? IKEV1_REASM_DONE : res;
}

int ikev1_reasm_join(const struct ikev1_reasm *r, uint8_t *out, size_t cap,
		     size_t *len)
{
	size_t off = 0;
	unsigned int i;

	*len = 0;
	if (!r->active || !r->last || r->have != r->last)
		return -EAGAIN;
	if (r->bytes > cap)
		return -ENOSPC;
	for (i = 0; i < r->last; i++) {
		memcpy(out + off, r->frag[i], r->len[i]);
		off += r->len[i];
	}
	*len = off;
	return 0;
}

const char *ikev1_reasm_res_name(enum ikev1_reasm_res res)
{
	switch (res) {
	case IKEV1_REASM_KEPT:
		return "kept";
	case IKEV1_REASM_DONE:
		return "complete";
	case IKEV1_REASM_REPLACED:
		return "a newer fragment ID: the older message's fragments dropped";
	case IKEV1_REASM_DUP:
		return "duplicate fragment ignored";
	case IKEV1_REASM_STALE:
		return "an older fragment ID: ignored";
	case IKEV1_REASM_TOO_MANY:
		return "fragment number over the limit of 16";
	case IKEV1_REASM_TOO_BIG:
		return "reassembled message too large";
	case IKEV1_REASM_INVALID:
		return "fragment number after the last fragment, or a second last fragment";
	case IKEV1_REASM_NOMEM:
		return "out of memory";
	}
	return "?";
}
