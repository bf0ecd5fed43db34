/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One end's IKE SA and CHILD SAs for the in-process pair tests
 * (inst_pair.h), and both loops run for a given time. Include it after
 * inst_pair.h (or ikev1_pair.h). Not every test uses every helper, hence
 * the unused attributes.
 */

#ifndef KESP_TEST_PAIR_SA_H
#define KESP_TEST_PAIR_SA_H

#include <stdint.h>

#include "iked/sa/child_sa.h"
#include "iked/sa/ike_sa.h"
#include "inst_pair.h"

/* @in's first established IKE SA (a replaced one too), or NULL. */
static __attribute__((unused)) struct ike_sa *live_sa(const struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED)
			return sa;
	return NULL;
}

/* CHILD SAs of @in's live IKE SA, whatever their state. */
static __attribute__((unused)) unsigned int n_children(const struct inst *in)
{
	const struct ike_sa *sa = live_sa(in);
	const struct child_sa *ch;
	unsigned int n = 0;

	for (ch = sa ? sa->children : NULL; ch; ch = ch->next)
		n++;
	return n;
}

/*
 * Both loops for @ms, whatever is (not) in flight: pair_settle() ends
 * when nothing is, before lingering SAs go.
 */
static __attribute__((unused)) void settle_for(struct pair *p,
					       unsigned int ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end)
		pair_settle(p, 100);
}

#endif /* KESP_TEST_PAIR_SA_H */
