// SPDX-License-Identifier: GPL-2.0
/* kesp.ko: module init/exit and the per-network-namespace lifecycle. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/wait_bit.h>
#include "chachapoly.h"
#include "ct.h"
#include "encap.h"
#include "gro.h"
#include "hooks.h"
#include "kesp.h"
#include "lifetime.h"
#include "netlink.h"
#include "parallel.h"
#include "pipeline.h"
#include "policy.h"
#include "proc.h"
#include "sa.h"
#include "spi_resv.h"
#include "stats.h"

unsigned int kesp_net_id __read_mostly;

static int __net_init kesp_net_init(struct net *net)
{
	struct kesp_net *kn = kesp_net(net);
	int err;

	kn->net = net;
	mutex_init(&kn->lock);
	kesp_encap_init(kn);
	err = kesp_stats_init(kn);
	if (err)
		return err;
	err = kesp_sad_init(kn);
	if (err)
		goto free_stats;
	err = kesp_spi_resv_init(kn);
	if (err)
		goto free_sad_table;
	kesp_spd_init(kn);
	kesp_lifetime_init(kn);
	err = kesp_proc_init(net);
	if (err)
		goto free_sad;
	err = kesp_hooks_register(net);
	if (err)
		goto free_proc;
	return 0;

free_proc:
	kesp_proc_exit(net);
free_sad:
	kesp_spd_exit(kn);
	kesp_spi_resv_exit(kn);
free_sad_table:
	kesp_sad_exit(kn);
free_stats:
	kesp_stats_free(kn);
	return err;
}

static void __net_exit kesp_net_exit(struct net *net)
{
	struct kesp_net *kn = kesp_net(net);

	/*
	 * No new packets (hooks, then encapsulation sockets, which unload
	 * detaches from the sockets still open), then none left in a
	 * transform, then no timer.
	 */
	kesp_hooks_unregister(net);
	kesp_encap_exit(kn);
	wait_var_event(&kn->inflight, !atomic_read(&kn->inflight));
	kesp_lifetime_exit(kn);
	kesp_proc_exit(net);
	kesp_spd_exit(kn);
	kesp_spi_resv_exit(kn);
	kesp_sad_exit(kn);
	kesp_stats_free(kn);
}

static struct pernet_operations kesp_net_ops = {
	.init = kesp_net_init,
	.exit = kesp_net_exit,
	.id = &kesp_net_id,
	.size = sizeof(struct kesp_net),
};

static int __init kesp_init(void)
{
	int err;

	kesp_ct_init();
	err = kesp_parallel_init();
	if (err)
		goto put_ct;
	err = kesp_pipeline_init();
	if (err)
		goto exit_parallel;
	err = kesp_gro_init();
	if (err)
		goto exit_pipeline;
	err = kesp_sa_cache_init();
	if (err)
		goto exit_gro;
	err = kesp_policy_cache_init();
	if (err)
		goto destroy_sa_cache;
	err = register_pernet_subsys(&kesp_net_ops);
	if (err)
		goto destroy_policy_cache;
	err = kesp_spi_resv_notifier_init();
	if (err)
		goto unregister_pernet;
	err = kesp_genl_init();
	if (err)
		goto unregister_notifier;
	pr_info("kesp %s loaded\n", KESP_VERSION);
	return 0;

unregister_notifier:
	kesp_spi_resv_notifier_exit();
unregister_pernet:
	unregister_pernet_subsys(&kesp_net_ops);
destroy_policy_cache:
	kesp_policy_cache_exit();
destroy_sa_cache:
	kesp_sa_cache_exit();
exit_gro:
	kesp_gro_exit();
exit_pipeline:
	kesp_pipeline_exit();
exit_parallel:
	kesp_parallel_exit();
put_ct:
	kesp_ct_exit();
	return err;
}

static void __exit kesp_exit(void)
{
	/* The family goes first so no request can reach a dying namespace. */
	kesp_genl_exit();
	kesp_spi_resv_notifier_exit();
	unregister_pernet_subsys(&kesp_net_ops);
	/* Decrypted packets still queued for GRO hold SAs' marks. */
	kesp_gro_exit();
	/* SAs and policies are freed after a grace period: wait for them. */
	rcu_barrier();
	kesp_pipeline_exit();
	kesp_parallel_exit();
	/* No SA is left to use the ChaCha20/Poly1305 library. */
	kesp_chachapoly_exit();
	kesp_ct_exit();
	kesp_policy_cache_exit();
	kesp_sa_cache_exit();
}

module_init(kesp_init);
module_exit(kesp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kesp: an ESP (RFC 4303) gateway with its own SPD and SAD");
MODULE_VERSION(KESP_VERSION);
MODULE_ALIAS_GENL_FAMILY(KESP_GENL_NAME);
