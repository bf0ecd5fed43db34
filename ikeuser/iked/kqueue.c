// SPDX-License-Identifier: GPL-2.0
/* The kernel request queue: the event loop submits, one worker thread runs each request in order and says so on an eventfd (as the CRL fetch threads do). */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "kqueue.h"

struct kq {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* the worker: work, or stop */
	pthread_cond_t idle;		/* kq_drain(): the worker caught up */
	/* Under ->lock: waiting, being run (->running), done. */
	struct kq_op *todo, **todo_tail;
	struct kq_op *done, **done_tail;
	bool running, stop;
	/* The event loop's own: submitted and not reaped (no lock). */
	size_t pending;
	int efd;
	kq_run_fn run;
	void *ctx;
};

static void *worker(void *arg)
{
	struct kq *q = arg;
	struct kq_op *op;
	uint64_t one = 1;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->todo && !q->stop)
			pthread_cond_wait(&q->wake, &q->lock);
		if (!q->todo)
			break;
		op = q->todo;
		q->todo = op->next;
		if (!q->todo)
			q->todo_tail = &q->todo;
		op->next = NULL;
		q->running = true;
		/* The request may take seconds: submitting must not wait. */
		pthread_mutex_unlock(&q->lock);
		q->run(q->ctx, op);
		pthread_mutex_lock(&q->lock);
		q->running = false;
		*q->done_tail = op;
		q->done_tail = &op->next;
		if (!q->todo)
			pthread_cond_broadcast(&q->idle);
		if (write(q->efd, &one, sizeof(one)) != sizeof(one)) {
			/* An eventfd takes a write until its counter overflows. */
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/*
 * The worker with every signal blocked: kesp-iked takes SIGTERM, SIGINT
 * and SIGHUP through a signalfd, which works only while no thread
 * accepts them, and the kernel facade (so this thread) starts before
 * the main thread blocks them. A thread that inherited an open mask got
 * SIGTERM and the process died of it (exit 143) instead of draining.
 */
static int start_worker(struct kq *q)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&q->thread, NULL, worker, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int kq_open(struct kq **out, kq_run_fn run, void *ctx)
{
	struct kq *q = calloc(1, sizeof(*q));
	int r;

	*out = NULL;
	if (!q)
		return -ENOMEM;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		r = -errno;
		free(q);
		return r;
	}
	q->todo_tail = &q->todo;
	q->done_tail = &q->done;
	q->run = run;
	q->ctx = ctx;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	pthread_cond_init(&q->idle, NULL);
	r = start_worker(q);
	if (r) {
		pthread_cond_destroy(&q->idle);
		pthread_cond_destroy(&q->wake);
		pthread_mutex_destroy(&q->lock);
		close(q->efd);
		free(q);
		return -r;
	}
	*out = q;
	return 0;
}

static void free_list(struct kq_op *op)
{
	struct kq_op *next;

	for (; op; op = next) {
		next = op->next;
		kq_op_free(op);
	}
}

void kq_close(struct kq *q)
{
	if (!q)
		return;
	/* The worker runs what is queued before it sees ->stop. */
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	free_list(q->done);
	pthread_cond_destroy(&q->idle);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	close(q->efd);
	free(q);
}

int kq_fd(const struct kq *q)
{
	return q->efd;
}

struct kq_op *kq_op_new(enum kq_kind kind)
{
	struct kq_op *op = calloc(1, sizeof(*op));

	if (op)
		op->kind = kind;
	return op;
}

void kq_op_free(struct kq_op *op)
{
	if (!op)
		return;
	/* SA_ADD carries keys. */
	kesp_sa_wipe(&op->sa);
	free(op);
}

void kq_submit(struct kq *q, struct kq_op *op)
{
	op->next = NULL;
	q->pending++;
	pthread_mutex_lock(&q->lock);
	*q->todo_tail = op;
	q->todo_tail = &op->next;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

size_t kq_pending(const struct kq *q)
{
	return q->pending;
}

void kq_drain(struct kq *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->todo || q->running)
		pthread_cond_wait(&q->idle, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

size_t kq_reap(struct kq *q, kq_done_fn fn, void *arg)
{
	struct kq_op *list, *op;
	uint64_t v;
	size_t n = 0;

	if (read(q->efd, &v, sizeof(v)) != sizeof(v)) {
		/* Nothing signalled: a drain may still have left some done. */
	}
	pthread_mutex_lock(&q->lock);
	list = q->done;
	q->done = NULL;
	q->done_tail = &q->done;
	pthread_mutex_unlock(&q->lock);
	/* @fn may submit more (a Delete): the lock is not held. */
	while ((op = list)) {
		list = op->next;
		op->next = NULL;
		if (fn)
			fn(op, arg);
		kq_op_free(op);
		q->pending--;
		n++;
	}
	return n;
}
