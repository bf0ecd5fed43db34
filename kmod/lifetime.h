/* SPDX-License-Identifier: GPL-2.0 */
/* SA lifetimes (soft and hard, by bytes, packets and time) and their timer. */

#ifndef _KESP_LIFETIME_H
#define _KESP_LIFETIME_H

#include "sa.h"

enum kesp_limit {
	KESP_LIM_NONE,
	KESP_LIM_SOFT,		/* tell the daemon to rekey, once */
	KESP_LIM_HARD,		/* the SA must not carry another packet */
};

/*
 * Count a packet of @bytes on @sa, with sa->lock held; which limit that
 * reached. A packet that reaches a hard limit is the last one carried.
 */
enum kesp_limit kesp_sa_count_packet(struct kesp_sa *sa, unsigned int bytes);
/* Act on what kesp_sa_count_packet() said, with no lock held. */
void kesp_sa_limit_reached(struct kesp_sa *sa, enum kesp_limit lim);

/*
 * (Re)compute when @sa's time limits next need a look and queue it for
 * then (or take it off the queue: no time limit left). After SA_NEW and
 * SA_UPDATE of its lifetime; the _locked form with sa->lock held.
 */
void kesp_lifetime_queue(struct kesp_sa *sa);
void kesp_lifetime_queue_locked(struct kesp_sa *sa);
/* @sa must carry no more packets: the timer removes it at once. */
void kesp_lifetime_retire(struct kesp_sa *sa);
/* @sa leaves the SAD: off the queue for good. kn->lock held. */
void kesp_lifetime_unqueue(struct kesp_sa *sa);

/*
 * Have the namespace's timer run within a second: packets are held for
 * an ACQUIRE or an SPI reservation, which it expires.
 */
void kesp_lifetime_start(struct kesp_net *kn);
void kesp_lifetime_init(struct kesp_net *kn);
/* Stop the timer for good; the namespace is going. */
void kesp_lifetime_exit(struct kesp_net *kn);

#endif /* _KESP_LIFETIME_H */
