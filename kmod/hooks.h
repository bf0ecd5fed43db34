/* SPDX-License-Identifier: GPL-2.0 */
/* Where kesp meets packets: its netfilter hooks, per namespace. */

#ifndef _KESP_HOOKS_H
#define _KESP_HOOKS_H

struct net;

int kesp_hooks_register(struct net *net);
void kesp_hooks_unregister(struct net *net);

#endif /* _KESP_HOOKS_H */
