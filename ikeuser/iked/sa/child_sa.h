/* SPDX-License-Identifier: GPL-2.0 */
/* CHILD SAs as the core keeps them. */

#ifndef KESP_IKED_SA_CHILD_SA_H
#define KESP_IKED_SA_CHILD_SA_H

#include <stdint.h>

#include "../daemon.h"

/* The CHILD SA of @sa with our outbound (inbound) SPI, or NULL. */
struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out);
struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in);

#endif /* KESP_IKED_SA_CHILD_SA_H */
