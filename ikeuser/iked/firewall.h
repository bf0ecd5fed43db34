/* SPDX-License-Identifier: GPL-2.0 */
/* leftfirewall=yes: strongSwan's default updown rules, in an nftables table of kesp's own. */

#ifndef KESP_IKED_FIREWALL_H
#define KESP_IKED_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

struct ike_sa;
struct child_sa;

/* The table every CHILD SA's chains live in, created on demand. */
#define IKED_FW_TABLE	"inet kesp"

/*
 * The nft script (for nft -f) that adds (@up) or removes @ch's rules.
 * Each CHILD SA has its own base chains, fwd_R_H, in_R_H and out_R_H (R
 * its reqid, H a hash of its conn's selectors, so a rekey of the CHILD or
 * IKE SA keeps the name), each rule commented "conn NAME reqid R": down
 * deletes exactly those chains. As strongSwan's iptables _updown does
 * for each pair of selectors: forward accepts between PLUTO_MY_CLIENT and
 * PLUTO_PEER_CLIENT both ways (input/output instead when the local
 * selector is the gateway itself, up-host), and input/output accepts for
 * ESP (and ESP in UDP under NAT-T) between the gateways. Returns the
 * length, or 0 if @cap is too small.
 */
size_t iked_firewall_script(char *buf, size_t cap, const struct ike_sa *sa,
			    const struct child_sa *ch, bool up);

/*
 * In the updown monitor process: run that script with /usr/sbin/nft -f -,
 * then drop the table if no chain is left in it; a failure is logged with
 * nft's exit status and output, and the tunnel stays.
 */
void iked_firewall_run(const struct ike_sa *sa, const struct child_sa *ch,
		       bool up);

#endif /* KESP_IKED_FIREWALL_H */
