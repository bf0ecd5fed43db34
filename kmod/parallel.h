/* SPDX-License-Identifier: GPL-2.0 */
/* Ordered parallel crypto: one SA's packets on every CPU, sent in order. */

#ifndef _KESP_PARALLEL_H
#define _KESP_PARALLEL_H

#include <linux/list.h>
#include <linux/types.h>

struct kesp_pkt;
struct kesp_sa;

/*
 * An SA's packets between the moment they take their place (outbound:
 * their sequence number; inbound: their arrival) and the moment they
 * leave the transform, in that order. Under the SA's lock.
 */
struct kesp_seqq {
	struct list_head head;
	unsigned int len;
	int cpu;		/* where the last packet went to be crypted */
	bool draining;		/* a CPU is finishing the head's packets */
};

/* Module parameter: parallel (true) or the serial path, read per packet. */
extern bool kesp_parallel;

int kesp_parallel_init(void);
void kesp_parallel_exit(void);

static inline void kesp_seqq_init(struct kesp_seqq *q)
{
	INIT_LIST_HEAD(&q->head);
	q->cpu = -1;
}

/*
 * Give @pkt its place at the tail of its SA's queue; with the SA's lock
 * held, so that the place follows the sequence number taken under it.
 * False when the queue is full: the caller drops the packet.
 */
bool kesp_seqq_add(struct kesp_sa *sa, struct kesp_pkt *pkt);

/*
 * Hand @pkt, queued by kesp_seqq_add() and ready for its transform, to a
 * CPU's crypt worker. Once done, pkt->finish runs in queue order.
 */
void kesp_parallel_submit(struct kesp_pkt *pkt);

#endif /* _KESP_PARALLEL_H */
