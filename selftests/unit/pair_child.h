/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHILD SA helpers for the in-process pair tests (inst_pair.h): the live
 * SPIs, the kernel's soft expiry, time passing for the CHILD SAs. Kept
 * out of inst_pair.h so that a test file which still has its own copies
 * builds as before; include it after inst_pair.h (or ikev1_pair.h).
 * Not every test uses every helper, hence the unused attributes.
 */

#ifndef KESP_TEST_PAIR_CHILD_H
#define KESP_TEST_PAIR_CHILD_H

#include <stdint.h>

#include "iked/sa/child_sa.h"
#include "iked/sa/ike_sa.h"
#include "iked/sa/timers.h"
#include "inst_pair.h"

/* SPIs of the pair live now: A in, A out (0 unless exactly one). */
static __attribute__((unused)) void live_spis(const struct pair *p,
					       uint32_t *a_in,
					       uint32_t *a_out)
{
	const struct kesp_sa *s[1];

	*a_in = live_sas(&p->a.rec, KESP_DIR_IN, s, 1) == 1 ? s[0]->spi : 0;
	*a_out = live_sas(&p->a.rec, KESP_DIR_OUT, s, 1) == 1 ? s[0]->spi : 0;
}

/*
 * The kernel's soft expiry of @in's inbound SA @spi, as kesp.ko says it;
 * nothing without an established IKE SA that no rekey replaced (whose
 * local address is the SA's destination).
 */
static __attribute__((unused)) void soft_expire(struct inst *in,
						uint32_t spi)
{
	struct kesp_sa k = { .dir = KESP_DIR_IN, .spi = spi };
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && !sa->successor)
			break;
	if (!sa)
		return;
	k.dst = sa->path.local;
	iked_sa_expired(in->d, &k, false);
}

/*
 * Time passes for @in's CHILD SAs by @ms: their deferred outbound SAs,
 * retirements, lingering and the wait for the peer's Delete of a
 * redundant pair (IKEv2) are due that much sooner.
 */
static __attribute__((unused)) void age_children(struct inst *in, iked_ms ms)
{
	struct ike_sa *sa;
	struct child_sa *ch;

	for (sa = in->d->sas; sa; sa = sa->next)
		for (ch = sa->children; ch; ch = ch->next) {
			ch->established -= ms;
			if (ch->retire_at)
				ch->retire_at = ch->retire_at > ms ?
						ch->retire_at - ms : 1;
			if (ch->linger_until)
				ch->linger_until = ch->linger_until > ms ?
						   ch->linger_until - ms : 1;
			if (ch->peer_deletes_by)
				ch->peer_deletes_by =
					ch->peer_deletes_by > ms ?
					ch->peer_deletes_by - ms : 1;
		}
}

/* @in's outbound SAs in its kernel: how many, and the last one's SPI. */
static __attribute__((unused)) unsigned int out_sa_count(const struct inst *in,
							 uint32_t *spi)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < in->rec.n_sa; i++)
		if (in->rec.sa[i].live && in->rec.sa[i].sa.dir == KESP_DIR_OUT) {
			n++;
			*spi = in->rec.sa[i].sa.spi;
		}
	return n;
}

#endif /* KESP_TEST_PAIR_CHILD_H */
