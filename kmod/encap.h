/* SPDX-License-Identifier: GPL-2.0 */
/* UDP encapsulation of ESP (RFC 3948): the sockets ESP in UDP arrives on. */

#ifndef _KESP_ENCAP_H
#define _KESP_ENCAP_H

#include <linux/types.h>
#include "sa.h"

struct kesp_net;

/* Where an ESP-in-UDP packet came from, for the SA checks and MAPPING. */
struct kesp_encap_in {
	union kesp_addr saddr;
	__be16 sport, dport;
};

void kesp_encap_init(struct kesp_net *kn);
/*
 * Detach every encapsulation socket of the namespace: afterwards no
 * socket points into kesp's code or data. Sleeps.
 */
void kesp_encap_exit(struct kesp_net *kn);
/* True if UDP to @port (network order) lands on an encapsulation socket. */
bool kesp_encap_port(struct kesp_net *kn, __be16 port);

#endif /* _KESP_ENCAP_H */
