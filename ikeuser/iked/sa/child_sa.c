// SPDX-License-Identifier: GPL-2.0
/* CHILD SAs as the core keeps them: found by SPI. */

#include "child_sa.h"

struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_out == spi_out)
			return ch;
	return NULL;
}

struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_in == spi_in)
			return ch;
	return NULL;
}
