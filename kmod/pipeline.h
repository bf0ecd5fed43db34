/* SPDX-License-Identifier: GPL-2.0 */
/* Inbound pipeline: an SA's ESP decrypted on another CPU, in order. */

#ifndef _KESP_PIPELINE_H
#define _KESP_PIPELINE_H

#include <linux/atomic.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct kesp_sa;

/*
 * An inbound SA's ESP packets not yet decrypted, in the order they came;
 * one worker at a time empties it, on another CPU than the one that
 * received them.
 */
struct kesp_pipe {
	struct sk_buff_head queue;
	/* Packets queued or still being decrypted by the worker. */
	atomic_t busy;
	struct work_struct work;
};

/* Module parameter: decrypt on another CPU (true), read per packet. */
extern bool kesp_pipeline;

int kesp_pipeline_init(void);
void kesp_pipeline_exit(void);
void kesp_pipe_init(struct kesp_pipe *p);

/*
 * Should @skb of @sa go through its pipeline: the parameter is on, there
 * is another CPU, and @skb is big enough to be worth a hand-off on its
 * own, or the pipeline holds packets of @sa still (which it must not
 * overtake).
 */
bool kesp_pipe_wanted(struct kesp_sa *sa, const struct sk_buff *skb);

/*
 * Queue @skb, whose control block the caller filled, for @sa's worker,
 * which hands it to kesp_input_piped(). Consumes @skb (a full queue
 * drops it); the caller keeps its SA reference.
 */
void kesp_pipe_add(struct kesp_sa *sa, struct sk_buff *skb);

#endif /* _KESP_PIPELINE_H */
