/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/net/kesp: the per-namespace status page. */

#ifndef _KESP_PROC_H
#define _KESP_PROC_H

struct net;

int kesp_proc_init(struct net *net);
void kesp_proc_exit(struct net *net);

#endif /* _KESP_PROC_H */
