// SPDX-License-Identifier: GPL-2.0
/* The kernel facade's queue: SA adds, and what must stay behind them, run on a worker thread with its own netlink socket (kernel.h has the rules). */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "kernel_int.h"
#include "log.h"

/* --- the queue: what the worker runs, what waits for it --- */

/*
 * kesp.ko's genl family is not parallel_ops: the kernel runs one request
 * of the family at a time, so a request of the event loop would wait
 * behind the worker's anyway. Ordering makes the rest of the rules
 * (kernel.h): what needs no answer joins the queue while it is not
 * empty, the rest waits for it to drain first.
 */
static bool queueing(const struct iked_kernel *k)
{
	return k->q && kq_pending(k->q);
}

void kernel_settle(struct iked_kernel *k)
{
	if (queueing(k))
		kq_drain(k->q);
}

/* The kernel id of policy @id, which may be a handle (0: none). */
static uint32_t policy_kid(struct iked_kernel *k, uint32_t id)
{
	size_t i = (id & ~IKED_KERNEL_HANDLE) - 1;
	uint32_t kid = 0;

	if (!(id & IKED_KERNEL_HANDLE))
		return id;
	pthread_mutex_lock(&k->pol_lock);
	if (i < k->n_pol)
		kid = k->pol_kid[i];
	pthread_mutex_unlock(&k->pol_lock);
	return kid;
}

/* A new handle, its kernel id unknown yet; 0 if out of memory. */
static uint32_t policy_handle(struct iked_kernel *k)
{
	uint32_t h = 0;
	uint32_t *v;
	size_t cap;

	pthread_mutex_lock(&k->pol_lock);
	if (k->n_pol == k->cap_pol) {
		cap = k->cap_pol ? k->cap_pol * 2 : 64;
		v = cap < IKED_KERNEL_HANDLE ?
		    reallocarray(k->pol_kid, cap, sizeof(*v)) : NULL;
		if (!v)
			goto out;
		k->pol_kid = v;
		k->cap_pol = cap;
	}
	k->pol_kid[k->n_pol++] = 0;
	h = IKED_KERNEL_HANDLE | (uint32_t)k->n_pol;
out:
	pthread_mutex_unlock(&k->pol_lock);
	return h;
}

static void policy_learn(struct iked_kernel *k, uint32_t handle, uint32_t kid)
{
	size_t i = (handle & ~IKED_KERNEL_HANDLE) - 1;

	pthread_mutex_lock(&k->pol_lock);
	if (i < k->n_pol)
		k->pol_kid[i] = kid;
	pthread_mutex_unlock(&k->pol_lock);
}


/* On the worker thread: @ctx is the event loop's facade, ->w the thread's. */
void kernel_run_op(void *ctx, struct kq_op *op)
{
	struct iked_kernel *k = ctx, *w = k->w;
	uint64_t t0 = iked_now_us();
	uint32_t id = 0;

	switch (op->kind) {
	case KQ_SA_ADD:
		op->err = kernel_sa_add_now(w, &op->sa);
		break;
	case KQ_SA_DEL:
		op->err = kernel_sa_del_now(w, op->sa.dir, &op->sa.dst, op->sa.spi);
		break;
	case KQ_SA_MOVE:
		op->err = kernel_sa_move_now(w, op);
		break;
	case KQ_POLICY_ADD:
		op->err = kernel_policy_add_now(w, &op->pol, &id);
		policy_learn(k, op->handle, op->err ? 0 : id);
		break;
	case KQ_POLICY_DEL:
		/* A handle whose add failed: that failure was said already. */
		id = policy_kid(k, op->handle);
		op->err = id ? kernel_policy_del_now(w, id) : 0;
		break;
	}
	op->ms = (iked_now_us() - t0) / 1000;
	if (op->err)
		kesp_nl_strerror(&w->last, op->why, sizeof(op->why));
}

int iked_kernel_async_fd(const struct iked_kernel *k)
{
	return k && k->q ? kq_fd(k->q) : -1;
}

size_t iked_kernel_async_pending(const struct iked_kernel *k)
{
	return k && k->q ? kq_pending(k->q) : 0;
}

static const int op_cmd[] = {
	[KQ_SA_ADD] = KESP_CMD_SA_NEW,
	[KQ_SA_DEL] = KESP_CMD_SA_DEL,
	[KQ_POLICY_ADD] = KESP_CMD_POLICY_NEW,
	[KQ_POLICY_DEL] = KESP_CMD_POLICY_DEL,
	[KQ_SA_MOVE] = KESP_CMD_SA_UPDATE,
};

/*
 * An SA add that took this long is said in the log: the kernel allocates
 * the SA's transforms inside the request (generic netlink runs its
 * handler in the sender's sendmsg()), and the first SA of an algorithm
 * after boot loads the crypto modules and runs their self-tests there,
 * seconds under emulation. The worker waited, not the event loop.
 */
#define SLOW_SA_ADD_MS	500

struct reap_state {
	iked_kernel_failed_fn fn;
	void *arg;
};

/* On the event loop's thread, so that logging needs no lock. */
static void reaped(const struct kq_op *op, void *arg)
{
	struct reap_state *st = arg;
	struct iked_kernel_failure f = {
		.cmd = op_cmd[op->kind], .err = op->err, .why = op->why,
		.sa = &op->sa, .pol = &op->pol,
	};

	if (op->kind == KQ_SA_ADD && op->ms >= SLOW_SA_ADD_MS)
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "kesp.ko took %llu ms to add SA %08x (%s) (the kernel loads and self-tests an algorithm's crypto on its first use); the daemon went on meanwhile",
			 (unsigned long long)op->ms, op->sa.spi,
			 kesp_dir_name(op->sa.dir));
	if (op->err && st->fn)
		st->fn(&f, st->arg);
}

size_t iked_kernel_async_reap(struct iked_kernel *k,
			      iked_kernel_failed_fn fn, void *arg)
{
	struct reap_state st = { .fn = fn, .arg = arg };

	return k && k->q ? kq_reap(k->q, reaped, &st) : 0;
}

size_t iked_kernel_async_flush(struct iked_kernel *k,
			       iked_kernel_failed_fn fn, void *arg)
{
	if (!k || !k->q)
		return 0;
	kq_drain(k->q);
	return iked_kernel_async_reap(k, fn, arg);
}


/* A request the worker runs; NULL (said in ->last) if out of memory. */
static struct kq_op *new_op(struct iked_kernel *k, enum kq_kind kind)
{
	struct kq_op *op = kq_op_new(kind);

	if (!op)
		kernel_set_error(k, -ENOMEM, "out of memory for a kernel request");
	return op;
}

int iked_kernel_sa_add(struct iked_kernel *k, const struct kesp_sa *sa)
{
	struct kq_op *op;
	struct kesp_sa tmp;
	int err;

	if (k->q) {
		op = new_op(k, KQ_SA_ADD);
		if (!op)
			return -ENOMEM;
		op->sa = *sa;
		err = kernel_sa_family(k, &op->sa);
		if (err) {
			kq_op_free(op);
			return err;
		}
		kq_submit(k->q, op);
		return 0;
	}
	/* A copy, as @sa is const. */
	tmp = *sa;
	err = kernel_sa_family(k, &tmp);
	if (!err)
		err = kernel_sa_add_now(k, &tmp);
	kesp_sa_wipe(&tmp);
	return err;
}

int iked_kernel_sa_del(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi)
{
	struct kq_op *op;

	if (!queueing(k))
		return kernel_sa_del_now(k, dir, dst, spi);
	if (kernel_check_addr(k, dst, "the SA's destination"))
		return -EAFNOSUPPORT;
	op = new_op(k, KQ_SA_DEL);
	if (!op)
		return -ENOMEM;
	op->sa.dir = dir;
	op->sa.dst = *dst;
	op->sa.spi = spi;
	kq_submit(k->q, op);
	return 0;
}

int iked_kernel_policy_add(struct iked_kernel *k, const struct kesp_policy *p,
			   uint32_t *id)
{
	struct kq_op *op;

	if (!queueing(k))
		return kernel_policy_add_now(k, p, id);
	op = new_op(k, KQ_POLICY_ADD);
	if (!op)
		return -ENOMEM;
	op->handle = policy_handle(k);
	if (!op->handle) {
		kq_op_free(op);
		kernel_set_error(k, -ENOMEM, "out of memory for a policy handle");
		return -ENOMEM;
	}
	op->pol = *p;
	*id = op->handle;
	kq_submit(k->q, op);
	return 0;
}

int iked_kernel_policy_del(struct iked_kernel *k, uint32_t id)
{
	struct kq_op *op;

	if (queueing(k)) {
		op = new_op(k, KQ_POLICY_DEL);
		if (!op)
			return -ENOMEM;
		op->handle = id;
		kq_submit(k->q, op);
		return 0;
	}
	id = policy_kid(k, id);
	return id ? kernel_policy_del_now(k, id) : 0;
}


int iked_kernel_sa_move(struct iked_kernel *k, uint8_t dir,
			const struct kesp_addr *dst, uint32_t spi,
			const struct kesp_addr *new_src,
			const struct kesp_addr *new_dst, uint16_t sport,
			uint16_t dport)
{
	struct kq_op m = { .kind = KQ_SA_MOVE }, *op;

	if (kernel_check_addr(k, dst, "the SA's destination"))
		return -EAFNOSUPPORT;
	if ((new_src && new_src->family != dst->family) ||
	    (new_dst && new_dst->family != dst->family)) {
		kernel_set_error(k, -EINVAL, "the new %s is of another family",
				 new_src && new_src->family != dst->family ?
				 "source" : "destination");
		return -EINVAL;
	}
	m.sa.dir = dir;
	m.sa.dst = *dst;
	m.sa.spi = spi;
	if (new_src)
		m.new_src = *new_src;
	if (new_dst)
		m.new_dst = *new_dst;
	m.sport = sport;
	m.dport = dport;
	if (!queueing(k))
		return kernel_sa_move_now(k, &m);
	op = new_op(k, KQ_SA_MOVE);
	if (!op)
		return -ENOMEM;
	*op = m;
	kq_submit(k->q, op);
	return 0;
}
