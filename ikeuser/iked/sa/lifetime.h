/* SPDX-License-Identifier: GPL-2.0 */
/* Lifetimes of IKE and CHILD SAs: when to rekey. */

#ifndef KESP_IKED_SA_LIFETIME_H
#define KESP_IKED_SA_LIFETIME_H

#include <stdint.h>

#include "../conf/conf.h"

/* @secs minus rekeymargin and up to rekeyfuzz% of it: when to rekey. */
uint32_t rekey_secs(const struct iked_conf_conn *cfg, uint32_t secs);

#endif /* KESP_IKED_SA_LIFETIME_H */
