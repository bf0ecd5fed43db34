/* SPDX-License-Identifier: GPL-2.0 */
/* Configured connections at run time: which end is ours, traps, shared policies, failures. */

#ifndef KESP_IKED_CONN_H
#define KESP_IKED_CONN_H

#include "daemon.h"

/* Set up d->conns from d->conf. 0 or -errno with @err. */
int iked_conns_init(struct iked *d, char *err, size_t errlen);
/*
 * The runtime of each conn of @conf into *@out (malloc'd, one per
 * conf->conns[]; no reqid yet), touching nothing else: a reload builds
 * them before it decides. 0 or -errno with @err.
 */
int iked_conns_build(const struct iked_conf *conf, struct iked_conn **out,
		     char *err, size_t errlen);
/* A reqid no conn of @d uses (and none used since the start). */
uint32_t iked_conn_new_reqid(struct iked *d);
/* Warn about settings known to make trouble (logged, once per load). */
void iked_conn_warn(const struct iked_conf_conn *cfg);
/*
 * Remove the SAs and policies with kesp-iked's reqids that a daemon
 * killed before it could clean up left in the kernel: they would
 * blackhole traffic, and nobody would rekey them.
 */
void iked_conns_cleanup(struct iked *d);
/* auto=route: install the traps; auto=start: initiate. */
void iked_conns_start(struct iked *d);
/* Install @c's on-demand policies (auto=route, dpdaction=hold) once. */
int iked_conn_route(struct iked *d, struct iked_conn *c);
/* Remove every trap and shared policy left (at exit). */
void iked_conns_fini(struct iked *d);
/* The same for one conn (its SAs gone): traps, policies, last error. */
void iked_conn_release(struct iked *d, struct iked_conn *c);
struct iked_conn *iked_conn_by_name(struct iked *d, const char *name);
struct iked_conn *iked_conn_by_reqid(struct iked *d, uint32_t reqid);

/* The first conn of IKE @version (0: any) whose addresses fit @path. */
struct iked_ts_list;

const struct iked_conf_conn *conn_for_version(struct iked *d,
					      const struct iked_path *path,
					      uint8_t version);
/* Which conn a peer is for (an IKEv2 one first). */
const struct iked_conf_conn *conn_for_init(struct iked *d,
					   const struct iked_path *path);
/*
 * The conn a peer with identity @peer (and asking for our @us, may be
 * NULL) authenticates for: addresses fit and the remote ID matches. Of
 * several, the first whose subnets narrow the CHILD SA's proposed @tsi
 * and @tsr (NULL: none proposed), then the first that is @us.
 */
const struct iked_conf_conn *conn_for_auth(struct iked *d,
					   const struct iked_path *path,
					   const struct iked_conf_id *peer,
					   const struct iked_conf_id *us,
					   const struct iked_ts_list *tsi,
					   const struct iked_ts_list *tsr);

#endif /* KESP_IKED_CONN_H */
