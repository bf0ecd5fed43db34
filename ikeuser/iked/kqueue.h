/* SPDX-License-Identifier: GPL-2.0 */
/* A FIFO of kernel requests that one worker thread runs in order, so that the event loop never waits in the kernel's sendmsg(). */

#ifndef KESP_IKED_KQUEUE_H
#define KESP_IKED_KQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/kesp_msg.h"

enum kq_kind {
	KQ_SA_ADD,	/* ->sa */
	KQ_SA_DEL,	/* ->sa.dir, ->sa.dst, ->sa.spi */
	KQ_POLICY_ADD,	/* ->pol, under ->handle */
	KQ_POLICY_DEL,	/* ->handle */
	KQ_SA_MOVE,	/* ->sa (id), ->new_src, ->new_dst, ->sport, ->dport */
};

/* One request; what the worker did with it comes back in ->err, ->why. */
struct kq_op {
	struct kq_op *next;
	enum kq_kind kind;
	struct kesp_sa sa;
	struct kesp_policy pol;
	uint32_t handle;
	struct kesp_addr new_src, new_dst;
	uint16_t sport, dport;
	int err;		/* 0 or -errno, set by the worker */
	uint64_t ms;		/* how long the kernel took */
	char why[320];		/* the error as text, the kernel's extack in it */
};

/*
 * Runs one request on the worker thread (the kernel facade's netlink
 * socket of its own; a test's stand-in): sets op->err and op->why.
 */
typedef void (*kq_run_fn)(void *ctx, struct kq_op *op);

struct kq;

/* Start the worker. 0 or -errno. */
int kq_open(struct kq **out, kq_run_fn run, void *ctx);
/* Run what is queued, stop and join the worker, free what was not reaped. */
void kq_close(struct kq *q);

/* Readable (an eventfd) when kq_reap() has something to hand back. */
int kq_fd(const struct kq *q);

/* A zeroed request, or NULL; kq_submit() or kq_op_free() takes it. */
struct kq_op *kq_op_new(enum kq_kind kind);
void kq_op_free(struct kq_op *op);
/* Queue @op behind everything submitted before; never waits. */
void kq_submit(struct kq *q, struct kq_op *op);

/* Requests submitted and not yet handed back by kq_reap(). */
size_t kq_pending(const struct kq *q);
/* Wait until the worker has run everything submitted so far. */
void kq_drain(struct kq *q);
/*
 * Hand back what the worker finished, in submission order: @fn (may be
 * NULL) sees each request, then it is freed. Returns how many.
 */
typedef void (*kq_done_fn)(const struct kq_op *op, void *arg);
size_t kq_reap(struct kq *q, kq_done_fn fn, void *arg);

#endif /* KESP_IKED_KQUEUE_H */
