// SPDX-License-Identifier: GPL-2.0
/*
 * Inbound pipeline. Serially, the CPU that receives an SA's ESP also
 * decrypts it, and with the tunnel's peer on one outer 5-tuple (one
 * receive queue) every packet of the tunnel lands on that CPU: with one
 * TCP sender behind the peer the CPUs that encrypt and decrypt were one
 * and the same, the others idle. Here an SA's ESP goes, in arrival
 * order, to the SA's worker on the next CPU, which checks, decrypts and
 * delivers it as the serial path would: the receiving CPU goes back to
 * receiving (and encrypting). One worker per SA, fed in order, keeps the
 * arrival order at the replay window and towards the stack, without the
 * reordering queue that per-packet spreading (parallel.c) needs. Small
 * packets (TCP's ACKs, pings) skip the hand-off while nothing of their
 * SA is in the pipeline: waking a worker costs more than decrypting
 * them. Outbound packets are not handed off: measured under TCG, the
 * outbound half sent less with the inbound half than the inbound half
 * alone (README, Benchmarks).
 */

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/smp.h>
#include "input.h"
#include "kesp.h"
#include "pipeline.h"
#include "sa.h"
#include "stats.h"

/* Read per packet: it can be changed with SAs and traffic live. */
bool kesp_pipeline = true;
module_param_named(pipeline, kesp_pipeline, bool, 0644);
MODULE_PARM_DESC(pipeline,
		 "decrypt an SA's ESP on another CPU than the one that received it (default 1)");

/*
 * Below this many bytes an ESP packet is decrypted where it came in,
 * unless its SA's pipeline is in use: a hand-off costs more than a TCP
 * ACK's decryption.
 */
#define KESP_PIPE_MIN_LEN 512
/*
 * Packets an SA's queue holds at most (netif_rx()'s default backlog):
 * beyond, the worker's CPU is the bottleneck and more only adds delay.
 */
#define KESP_PIPE_MAX 1000
/* Packets the worker decrypts before it lets softirqs and the scheduler in. */
#define KESP_PIPE_BATCH 16

static struct workqueue_struct *pipe_wq;

/* The namespace's exit waits for packets in flight: this was one. */
static void inflight_put(struct kesp_net *kn)
{
	if (atomic_dec_and_test(&kn->inflight))
		wake_up_var(&kn->inflight);
}

static void pipe_worker(struct work_struct *work)
{
	struct kesp_pipe *p = container_of(work, struct kesp_pipe, work);
	struct kesp_sa *sa = container_of(p, struct kesp_sa, pipe);
	struct kesp_net *kn = sa->kn;
	struct net_device *dev;
	struct sk_buff *skb;
	unsigned int n = 0;

	local_bh_disable();
	while ((skb = skb_dequeue(&p->queue))) {
		dev = skb->dev;
		rcu_read_lock();
		kesp_input_piped(sa, skb);
		rcu_read_unlock();
		dev_put(dev);
		atomic_dec(&p->busy);
		if (++n % KESP_PIPE_BATCH)
			continue;
		/* Let the decrypted packets on through the stack. */
		local_bh_enable();
		cond_resched();
		local_bh_disable();
	}
	local_bh_enable();
	/* The reference kesp_pipe_add() took for this run of the work. */
	kesp_sa_put(sa);
	inflight_put(kn);
}

/* The CPU after this one, or -1 if this is the only one online. */
static int other_cpu(void)
{
	int me = smp_processor_id(), cpu;

	cpu = cpumask_next(me, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	return cpu == me ? -1 : cpu;
}

bool kesp_pipe_wanted(struct kesp_sa *sa, const struct sk_buff *skb)
{
	if (!READ_ONCE(kesp_pipeline) || num_online_cpus() < 2)
		return false;
	return skb->len >= KESP_PIPE_MIN_LEN || atomic_read(&sa->pipe.busy);
}

void kesp_pipe_add(struct kesp_sa *sa, struct sk_buff *skb)
{
	struct kesp_pipe *p = &sa->pipe;
	struct kesp_net *kn = sa->kn;
	int cpu = other_cpu();

	if (cpu < 0)
		cpu = smp_processor_id();	/* the other went offline */
	if (skb_queue_len(&p->queue) >= KESP_PIPE_MAX) {
		kesp_sa_count_error(sa, KESP_STAT_NOMEM);
		kfree_skb(skb);
		return;
	}
	/* Unlike a backlog queue, nothing purges this one on unregister. */
	dev_hold(skb->dev);
	atomic_inc(&p->busy);
	skb_queue_tail(&p->queue, skb);
	/*
	 * Each queued run of the work holds the SA and counts as in flight
	 * for the namespace; a run already pending takes this packet too.
	 */
	refcount_inc(&sa->refcnt);
	atomic_inc(&kn->inflight);
	if (!queue_work_on(cpu, pipe_wq, &p->work)) {
		kesp_sa_put(sa);
		inflight_put(kn);
	}
}

void kesp_pipe_init(struct kesp_pipe *p)
{
	skb_queue_head_init(&p->queue);
	atomic_set(&p->busy, 0);
	INIT_WORK(&p->work, pipe_worker);
}

int kesp_pipeline_init(void)
{
	/* Bound to a CPU: the point is to run beside the receiving one. */
	pipe_wq = alloc_workqueue("kesp_pipe",
				  WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	return pipe_wq ? 0 : -ENOMEM;
}

/* After every namespace is gone: no packet is left in a pipeline. */
void kesp_pipeline_exit(void)
{
	destroy_workqueue(pipe_wq);
}
