/* SPDX-License-Identifier: GPL-2.0 */
/* `kespctl ike list`: the IKE SAs, their CHILD SAs and each conn's last failure. */

#ifndef KESP_IKED_STATUS_H
#define KESP_IKED_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "daemon.h"

/*
 * Human form: one block per IKE SA (as an operator's status page shows
 * it: remote gateway, state, algorithms, elapsed time, lifetime, NAT-T,
 * CHILD SAs negotiated) with a line per CHILD SA, then the conns without
 * an IKE SA and the last failure of each conn, and the IKEv1 fragments
 * dropped (when any were).
 *
 * JSON form (-j), keys stable:
 *   {"ike_sas": [{"conn", "no", "state" ("negotiating", "established",
 *     "deleting"), "state_no" (1-4, as enum ike_state), "initiator",
 *     "local", "local_port", "remote", "remote_port", "local_id",
 *     "remote_id", "spi_i", "spi_r" (hex), "algorithm", "elapsed" (s since
 *     established, or since created while negotiating), "lifetime" (s),
 *     "nat_t" ("none"; "local", "remote", "both": which
 *     end is behind a NAT; "forced": encapsulation=yes without NAT),
 *     "nat_t_in_use" (true: IKE on UDP 4500, ESP wanted in UDP, the outer
 *     ports in local_port and remote_port), "nat_t_encap" (true: the
 *     CHILD SAs are ESP in UDP in kesp.ko; false with nat_t_in_use when
 *     kesp.ko cannot encapsulate), "nat_t_keepalives" (sent),
 *     "child_sas_negotiated",
 *     "child_sas": [{"no", "state" ("installed", "deleting"), "mode",
 *       "spi_in", "spi_out" (hex), "algorithm", "local_ts", "remote_ts",
 *       "elapsed", "bytes_in", "packets_in", "bytes_out",
 *       "packets_out"}]}],
 *   "conns": [{"name", "auto", "remote", "ike_sas", "last_error",
 *     "last_error_age" (s; absent with no failure)}],
 *   "ikev1_fragments": {"unknown_cookies" (fragments dropped for
 *     cookies of no ISAKMP SA), "reassembly_failed" (malformed
 *     fragments and failed reassemblies)},
 *   "certreq_refused" (CERTREQ and CR payloads refused as malformed:
 *     CA hashes not a multiple of 20 bytes, a CA name no DN),
 *   "natoa_refused" (IKEv1 Quick Mode messages dropped for a malformed
 *     NAT-OA payload, and NAT-OA payloads ignored: one alone, or of
 *     another address family than the ISAKMP SA's)}
 */
void iked_status_write(struct iked *d, FILE *f, bool json);

/*
 * `kespctl ike diagnose NAME`: what conn @c is configured to do, each of
 * its IKE SAs with its state and what it is waiting for (and the CAs its
 * peer asked for certificates from), and its last failure with the cause.
 */
struct iked_conn;
void iked_status_diagnose(struct iked *d, const struct iked_conn *c,
			  FILE *f);

#endif /* KESP_IKED_STATUS_H */
