/* SPDX-License-Identifier: GPL-2.0 */
/* The anti-replay window of an inbound SA (RFC 4303 3.4.3, Appendix A). */

#ifndef _KESP_REPLAY_H
#define _KESP_REPLAY_H

#include <linux/types.h>

/*
 * A bitmap of 2^n bits, at least the window, used as a ring: bit (seq mod
 * size) says whether seq was received. Bits left of the window are stale
 * but never consulted, so moving right only clears the bits it passes.
 */
struct kesp_replay {
	u64 top;		/* highest verified sequence number, 0: none */
	u32 window;		/* packets; 0 turns the check off */
	u32 size;		/* bits in @bitmap, a power of two */
	unsigned long *bitmap;
};

int kesp_replay_init(struct kesp_replay *r, u32 window, gfp_t gfp);
void kesp_replay_free(struct kesp_replay *r);

/*
 * The full sequence number of a packet that carries @seq_lo: itself
 * without ESN, else with the high half inferred as RFC 4303 A.2 does.
 */
u64 kesp_replay_infer(const struct kesp_replay *r, bool esn, u32 seq_lo);

/*
 * 0 if @seq may be accepted, or the drop cause (KESP_STAT_IN_REPLAY or
 * KESP_STAT_IN_OLD). Called before decryption to save the work, and again
 * with kesp_replay_advance() under the SA lock after verification.
 */
int kesp_replay_check(const struct kesp_replay *r, u64 seq);
/* Record @seq, which passed the check and verified. */
void kesp_replay_advance(struct kesp_replay *r, u64 seq);

#endif /* _KESP_REPLAY_H */
