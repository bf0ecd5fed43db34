/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration a reload replaced, kept while IKE SAs of its removed and changed conns still wait for the answers to their Deletes. */

#ifndef KESP_IKED_CONN_RETIRED_H
#define KESP_IKED_CONN_RETIRED_H

#include "daemon.h"

/*
 * @conf and its runtime @conns (n of them), which a reload replaced,
 * owned from now on: freed at once when no IKE SA uses them, else kept
 * (every conn marked retired) until the last such SA is reaped.
 */
void iked_conf_retire(struct iked *d, struct iked_conf *conf,
		      struct iked_conn *conns, size_t n);
/* The runtime of @cfg, a conn of a retired conf; NULL if none has it. */
struct iked_conn *iked_retired_conn_of(struct iked *d,
				       const struct iked_conf_conn *cfg);
/* Free the retired confs no IKE SA uses any more (after ike_sa_reap). */
void iked_retired_reap(struct iked *d);

#endif /* KESP_IKED_CONN_RETIRED_H */
