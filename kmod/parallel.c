// SPDX-License-Identifier: GPL-2.0
/*
 * Ordered parallel crypto. Serially, an SA's packets are encrypted or
 * decrypted on the CPU that handles them, and a single flow keeps one
 * CPU busy while the others idle. Here each packet takes its place in
 * its SA's queue (struct kesp_seqq) in sequence order, is handed to a
 * per-CPU worker, round robin over the online CPUs, and whichever CPU
 * completes the head of the queue finishes the packets at the head that
 * are done, in order: outbound they leave with strictly increasing
 * sequence numbers, inbound they meet the replay window and the stack
 * in the order they arrived. The only shared state per packet is the
 * SA's own lock, which the serial path takes as well; no global lock.
 * Asynchronous transforms keep working: their completion callback ends
 * in the same place as a synchronous return.
 */

#include <linux/cpumask.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include "esp.h"
#include "parallel.h"

/*
 * Off by default: measured under TCG with 2 vCPUs it sent less than the
 * serial path (README, Benchmarks); the hand-off to a worker and back
 * costs more there than the second CPU gives.
 */
bool kesp_parallel;
module_param_named(parallel, kesp_parallel, bool, 0644);
MODULE_PARM_DESC(parallel,
		 "crypt one SA's packets on every CPU, in order (default 0: on the CPU that handles them)");

/*
 * Packets in an SA's queue at most: beyond, the peer or the sender is
 * faster than every CPU together, and queueing more only adds delay.
 */
#define KESP_SEQQ_MAX 1024

struct crypt_cpu {
	struct llist_head list;		/* packets to crypt, newest first */
	struct work_struct work;
};

static DEFINE_PER_CPU(struct crypt_cpu, crypt_cpu);
static struct workqueue_struct *crypt_wq;

bool kesp_seqq_add(struct kesp_sa *sa, struct kesp_pkt *pkt)
{
	struct kesp_seqq *q = &sa->seqq;
	int cpu;

	lockdep_assert_held(&sa->lock);
	if (q->len >= KESP_SEQQ_MAX)
		return false;
	cpu = cpumask_next(q->cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	q->cpu = cpu;
	pkt->cpu = cpu;
	pkt->done = false;
	list_add_tail(&pkt->qnode, &q->head);
	q->len++;
	return true;
}

/* Move the done packets at the head of @q to @ready; under the SA lock. */
static void take_done(struct kesp_seqq *q, struct list_head *ready)
{
	struct kesp_pkt *p, *t;

	list_for_each_entry_safe(p, t, &q->head, qnode) {
		if (!p->done)
			break;
		list_move_tail(&p->qnode, ready);
		q->len--;
	}
}

/*
 * @pkt's transform ended with @err. If no other CPU is at it, finish the
 * done packets at the head of the queue, until the head is one still in
 * a transform; that packet's CPU carries on when it is done. A packet
 * done while this CPU finishes others is seen at its next look.
 */
static void crypt_done(struct kesp_pkt *pkt, int err)
{
	struct kesp_sa *sa = pkt->sa;
	struct kesp_net *kn = sa->kn;
	struct kesp_seqq *q = &sa->seqq;
	struct kesp_pkt *p, *t;
	LIST_HEAD(ready);

	spin_lock_bh(&sa->lock);
	pkt->err = err;
	pkt->done = true;
	if (q->draining) {
		spin_unlock_bh(&sa->lock);
		return;
	}
	q->draining = true;
	/*
	 * Finishing the last packet drops its SA reference and lets the
	 * namespace go: hold both while the SA's lock is in use.
	 */
	refcount_inc(&sa->refcnt);
	atomic_inc(&kn->inflight);
	for (;;) {
		take_done(q, &ready);
		if (list_empty(&ready))
			break;
		spin_unlock_bh(&sa->lock);
		local_bh_disable();
		list_for_each_entry_safe(p, t, &ready, qnode)
			p->finish(p, p->err);
		local_bh_enable();
		INIT_LIST_HEAD(&ready);
		spin_lock_bh(&sa->lock);
	}
	q->draining = false;
	spin_unlock_bh(&sa->lock);
	kesp_sa_put(sa);
	if (atomic_dec_and_test(&kn->inflight))
		wake_up_var(&kn->inflight);
}

static void crypt_async_done(struct crypto_async_request *base, int err)
{
	/* The backlog notice: the request is now in the transform. */
	if (err == -EINPROGRESS)
		return;
	crypt_done(base->data, err);
}

static void crypt_one(struct kesp_pkt *pkt)
{
	int err;

	if (pkt->req)
		aead_request_set_callback(pkt->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
					  crypt_async_done, pkt);
	err = kesp_pkt_crypt(pkt);
	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	crypt_done(pkt, err);
}

static void crypt_worker(struct work_struct *work)
{
	struct crypt_cpu *c = container_of(work, struct crypt_cpu, work);
	struct llist_node *first = llist_del_all(&c->list);
	struct kesp_pkt *pkt, *next;

	/* Oldest first: the queue's head is likeliest among them. */
	first = llist_reverse_order(first);
	llist_for_each_entry_safe(pkt, next, first, cnode) {
		crypt_one(pkt);
		cond_resched();
	}
}

void kesp_parallel_submit(struct kesp_pkt *pkt)
{
	struct crypt_cpu *c = per_cpu_ptr(&crypt_cpu, pkt->cpu);

	/* The first packet on an empty list wakes the worker. */
	if (llist_add(&pkt->cnode, &c->list))
		queue_work_on(pkt->cpu, crypt_wq, &c->work);
}

int kesp_parallel_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct crypt_cpu *c = per_cpu_ptr(&crypt_cpu, cpu);

		init_llist_head(&c->list);
		INIT_WORK(&c->work, crypt_worker);
	}
	/* Bound to their CPUs, as the point is to use each of them. */
	crypt_wq = alloc_workqueue("kesp_crypt",
				   WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	return crypt_wq ? 0 : -ENOMEM;
}

/* After every namespace is gone: no packet is left to crypt. */
void kesp_parallel_exit(void)
{
	destroy_workqueue(crypt_wq);
}
