/* SPDX-License-Identifier: GPL-2.0 */
/* NAT traversal of an IKE SA (RFC 7296 2.23, RFC 3948): detection, port 4500, keepalives, floating. */

#ifndef KESP_IKED_SA_NATT_H
#define KESP_IKED_SA_NATT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../net.h"
#include "../../common/addr.h"

/* SHA-1, the hash of IKEv2's NAT_DETECTION_*_IP (RFC 7296 2.23). */
#define IKED_NATD_LEN		20
/* Default interval of NAT keepalives (RFC 3948 4: 20 s). */
#define IKED_KEEPALIVE_SECS	20

/* The NAT-T state of one IKE SA; a rekeyed IKE SA inherits it. */
struct ike_natt {
	bool peer_natd;		/* the peer sent NAT_DETECTION payloads */
	bool local_behind;	/* its DESTINATION_IP hash: we are behind NAT */
	bool remote_behind;	/* its SOURCE_IP hash: the peer is behind NAT */
	bool forced;		/* encapsulation=yes: our SOURCE_IP is faked */
	bool in_use;		/* IKE on the NAT-T port, ESP in UDP */
	bool encap;		/* CHILD SAs get ENCAP ports (kesp.ko can) */
	/* Our NAT_D payloads' data, alive until the message is built. */
	uint8_t natd_src[IKED_NATD_LEN], natd_dst[IKED_NATD_LEN];
	uint64_t ka_at;		/* next keepalive check (iked_ms), 0: none */
	uint64_t ka_packets;	/* outbound ESP packets at the last check */
	unsigned long keepalives;	/* sent */
	/* After a MAPPING event: the request also goes there. */
	bool probe;
	struct iked_path probe_path;
};

struct iked;
struct ike_sa;
struct kesp_sa;
struct kesp_event;


/*
 * Daemon start: bind the NAT-T port, hand its sockets to kesp.ko when it
 * can encapsulate (else one line says ESP will not be). 0 or -errno.
 */
int natt_open(struct iked *d, char *err, size_t errlen);

/* Initiator after IKE_SA_INIT: move to the NAT-T port if NAT-T is used. */
void natt_float(struct ike_sa *sa);
/*
 * An authenticated message of @sa came by @path: a new address or port
 * of the peer (its NAT mapping changed) moves the IKE SA and its CHILD
 * SAs there (RFC 7296 2.23).
 */
void natt_on_authenticated(struct ike_sa *sa, const struct iked_path *path);
/* Keepalives of @sa; when to look again (0: never). */
uint64_t natt_work(struct ike_sa *sa, uint64_t now);
/* A request of @sa was retransmitted: the probe after a MAPPING too. */
void natt_retransmit(struct ike_sa *sa);
/*
 * kesp.ko saw ESP of one of our inbound SAs from a new source: a
 * liveness check goes there too (the version's liveness operation).
 */
void natt_on_mapping(struct iked *d, const struct kesp_event *ev);
/* The ENCAP ports of a CHILD SA's kernel SA @k (its ->dir set). */
void natt_fill_ksa(const struct ike_sa *sa, struct kesp_sa *k);
/* A rekeyed IKE SA @n keeps @old's NAT-T state. */
void natt_inherit(struct ike_sa *n, const struct ike_sa *old);
/* "none", "local", "remote", "both" or "forced" for ike list. */
const char *natt_status(const struct ike_sa *sa);
/* Which end is behind NAT, in words, once the NAT-D hashes said so. */
const char *natt_where(const struct ike_natt *n);
/*
 * The NAT-D hashes are checked (n->local_behind, remote_behind, forced
 * set, by either version): whether UDP encapsulation is used, logged.
 */
void natt_decide(struct ike_sa *sa);

#endif /* KESP_IKED_SA_NATT_H */
