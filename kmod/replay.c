// SPDX-License-Identifier: GPL-2.0
/* Anti-replay: which sequence numbers an inbound SA has already accepted. */

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/kesp.h>
#include "replay.h"

int kesp_replay_init(struct kesp_replay *r, u32 window, gfp_t gfp)
{
	r->top = 0;
	r->window = window;
	r->size = window ? roundup_pow_of_two(max_t(u32, window, BITS_PER_LONG)) : 0;
	r->bitmap = NULL;
	if (!window)
		return 0;
	r->bitmap = bitmap_zalloc(r->size, gfp);
	return r->bitmap ? 0 : -ENOMEM;
}

void kesp_replay_free(struct kesp_replay *r)
{
	bitmap_free(r->bitmap);
	r->bitmap = NULL;
}

u64 kesp_replay_infer(const struct kesp_replay *r, bool esn, u32 seq_lo)
{
	/* A window of 0 still needs a span to guess the high half from. */
	u32 w = max_t(u32, r->window, 64);
	u32 tl = lower_32_bits(r->top), th = upper_32_bits(r->top);

	if (!esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* Case A: the window does not straddle a 2^32 boundary. */
		if (seq_lo >= tl - w + 1)
			return ((u64)th << 32) | seq_lo;
		return ((u64)(th + 1) << 32) | seq_lo;
	}
	/* Case B: it does; a number high in the space is from before it. */
	if (seq_lo >= tl - w + 1 && th)
		return ((u64)(th - 1) << 32) | seq_lo;
	return ((u64)th << 32) | seq_lo;
}

int kesp_replay_check(const struct kesp_replay *r, u64 seq)
{
	if (!r->window || seq > r->top)
		return 0;
	if (r->top - seq >= r->window)
		return KESP_STAT_IN_OLD;
	if (test_bit(seq & (r->size - 1), r->bitmap))
		return KESP_STAT_IN_REPLAY;
	return 0;
}

void kesp_replay_advance(struct kesp_replay *r, u64 seq)
{
	u64 s;

	if (!r->window) {
		r->top = max(r->top, seq);
		return;
	}
	if (seq > r->top) {
		if (seq - r->top >= r->size)
			bitmap_zero(r->bitmap, r->size);
		else
			for (s = r->top + 1; s < seq; s++)
				clear_bit(s & (r->size - 1), r->bitmap);
		r->top = seq;
	}
	set_bit(seq & (r->size - 1), r->bitmap);
}
