/* SPDX-License-Identifier: GPL-2.0 */
/* Decrypted packets back to the stack through GRO (per-CPU NAPI). */

#ifndef _KESP_GRO_H
#define _KESP_GRO_H

#include <linux/skbuff.h>
#include <linux/types.h>

/* Module parameter: through GRO (true) or netif_rx(), read per packet. */
extern bool kesp_gro;

int kesp_gro_init(void);
void kesp_gro_exit(void);
bool kesp_gro_receive(struct sk_buff *skb);

#endif /* _KESP_GRO_H */
