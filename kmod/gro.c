// SPDX-License-Identifier: GPL-2.0
/*
 * Decrypted packets re-enter the stack through GRO, as WireGuard's and
 * the IP tunnels' do, rather than one by one through netif_rx(): a TCP
 * stream's segments are merged before the stack sees them, so the
 * receiver runs IP, netfilter (kesp's own inbound policy check included)
 * and TCP once per merged packet instead of once per segment.
 *
 * kesp has no device of its own: the packets keep the device their ESP
 * arrived on, and the NAPI contexts (one per CPU) hang off a dummy
 * device, as gro_cells do off a tunnel's. gro_cells cannot be used as
 * they are: they rely on the packets' device being the one that owns
 * the cells, and die with it. Ours are foreign devices, so each queued
 * packet holds a reference to its device until GRO has handed it on;
 * a device that unregisters meanwhile waits for that, a few
 * microseconds, instead of leaving a packet pointing at freed memory.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "gro.h"

/*
 * Off by default: under TCG with 2 vCPUs, TCP through one tunnel ran
 * 14% slower with it and the receivers saw 7 times the reordering
 * (README, Benchmarks); it is there to be measured where the stack's
 * per-packet cost weighs more than emulated crypto does.
 */
bool kesp_gro;
module_param_named(gro, kesp_gro, bool, 0644);
MODULE_PARM_DESC(gro,
		 "decrypted packets through GRO rather than netif_rx() (default 0)");

/*
 * Packets waiting per CPU at most (netif_rx()'s default backlog); beyond,
 * the stack is slower than decryption and the packet is dropped.
 */
#define KESP_GRO_QUEUE_MAX 1000
/* Packets per poll: their device references are kept on the stack. */
#define KESP_GRO_BATCH 32

struct kesp_gro_cell {
	struct sk_buff_head queue;	/* this CPU's only, BHs off */
	struct napi_struct napi;
};

static struct net_device *gro_dev;
static struct kesp_gro_cell __percpu *gro_cells;

static int gro_poll(struct napi_struct *napi, int budget)
{
	struct kesp_gro_cell *cell = container_of(napi, struct kesp_gro_cell,
						  napi);
	struct net_device *held[KESP_GRO_BATCH];
	int limit = min(budget - 1, KESP_GRO_BATCH);
	struct sk_buff *skb;
	int n = 0, i;

	while (n < limit && (skb = __skb_dequeue(&cell->queue))) {
		held[n++] = skb->dev;
		napi_gro_receive(napi, skb);
	}
	/*
	 * Always complete, below the budget: completing flushes what GRO
	 * still holds to the stack, and only then may the devices go.
	 * More queued: poll again, in a later round.
	 */
	if (napi_complete_done(napi, n) && !skb_queue_empty(&cell->queue))
		napi_schedule(napi);
	for (i = 0; i < n; i++)
		dev_put(held[i]);
	return n;
}

/*
 * Hand a decrypted packet, its headers reset to the inner packet's, to
 * the stack. Consumes @skb; false if it had to be dropped.
 */
bool kesp_gro_receive(struct sk_buff *skb)
{
	struct kesp_gro_cell *cell;
	bool queued = false;

	/* A clone shares its data: GRO may write into it. */
	if (!READ_ONCE(kesp_gro) || skb_cloned(skb))
		return netif_rx(skb) == NET_RX_SUCCESS;
	local_bh_disable();
	cell = this_cpu_ptr(gro_cells);
	if (skb_queue_len(&cell->queue) < KESP_GRO_QUEUE_MAX) {
		dev_hold(skb->dev);
		__skb_queue_tail(&cell->queue, skb);
		if (skb_queue_len(&cell->queue) == 1)
			napi_schedule(&cell->napi);
		queued = true;
	}
	local_bh_enable();
	if (!queued)
		kfree_skb(skb);
	return queued;
}

static void cell_exit(struct kesp_gro_cell *cell)
{
	struct sk_buff *skb;

	napi_disable(&cell->napi);
	netif_napi_del(&cell->napi);
	while ((skb = __skb_dequeue(&cell->queue))) {
		dev_put(skb->dev);
		kfree_skb(skb);
	}
}

int kesp_gro_init(void)
{
	struct kesp_gro_cell *cell;
	int cpu;

	gro_dev = kzalloc(sizeof(*gro_dev), GFP_KERNEL);
	if (!gro_dev)
		return -ENOMEM;
	init_dummy_netdev(gro_dev);
	gro_cells = alloc_percpu(struct kesp_gro_cell);
	if (!gro_cells) {
		kfree(gro_dev);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		cell = per_cpu_ptr(gro_cells, cpu);
		__skb_queue_head_init(&cell->queue);
		netif_napi_add(gro_dev, &cell->napi, gro_poll);
		napi_enable(&cell->napi);
	}
	return 0;
}

/* After the last namespace has gone: nothing queues any more. */
void kesp_gro_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		cell_exit(per_cpu_ptr(gro_cells, cpu));
	free_percpu(gro_cells);
	kfree(gro_dev);
}
