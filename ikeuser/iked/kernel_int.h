/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the kernel facade: its state and what kernel.c (netlink) and kernel_queue.c (the worker's queue) share. */

#ifndef KESP_IKED_KERNEL_INT_H
#define KESP_IKED_KERNEL_INT_H

#include <pthread.h>

#include "../common/nl.h"
#include "kernel.h"
#include "kqueue.h"

/* (IN, OUT) x (500, 4500) x (IPv4, IPv6) */
#define N_BYPASS		8

struct iked_kernel {
	struct kesp_nl req;		/* requests and their replies */
	struct kesp_nl ev;		/* the "events" group, listen only */
	struct kesp_nl_error last;	/* what iked_kernel_strerror() shows */
	uint32_t bypass_id[N_BYPASS];	/* 0: not installed */
	/*
	 * The queue (kqueue.c) and the worker's own facade, whose ->req its
	 * thread alone uses; both NULL in the worker's facade itself.
	 */
	struct kq *q;
	struct iked_kernel *w;
	/*
	 * Policies added through the queue have a handle (IKED_KERNEL_HANDLE
	 * set) until the worker learns their kernel id: ->pol_kid[handle's
	 * index], 0 while unknown or if the add failed. Under ->pol_lock.
	 */
	pthread_mutex_t pol_lock;
	uint32_t *pol_kid;
	size_t n_pol, cap_pol;
};

void kernel_set_error(struct iked_kernel *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kernel_check_addr(struct iked_kernel *k, const struct kesp_addr *a,
		      const char *what);

/* The requests themselves, on @k's own socket (kernel.c). */
int kernel_sa_add_now(struct iked_kernel *k, const struct kesp_sa *sa);
/* Fill in the family from sa->dst when @sa does not say it. */
int kernel_sa_family(struct iked_kernel *k, struct kesp_sa *sa);
int kernel_sa_del_now(struct iked_kernel *k, uint8_t dir,
		      const struct kesp_addr *dst, uint32_t spi);
int kernel_sa_move_now(struct iked_kernel *k, const struct kq_op *op);
int kernel_policy_add_now(struct iked_kernel *k, const struct kesp_policy *p,
			  uint32_t *id);
int kernel_policy_del_now(struct iked_kernel *k, uint32_t id);

/* The queue (kernel_queue.c). */
/* Wait until the worker has run everything queued (kernel.h's rules). */
void kernel_settle(struct iked_kernel *k);
/* kq_open()'s run function: one request on the worker's socket. */
void kernel_run_op(void *ctx, struct kq_op *op);

#endif /* KESP_IKED_KERNEL_INT_H */
