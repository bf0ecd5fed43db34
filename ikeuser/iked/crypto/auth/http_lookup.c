// SPDX-License-Identifier: GPL-2.0
/*
 * A host name lookup under a deadline. getaddrinfo() has no timeout of
 * its own: a resolver that does not answer holds it for resolv.conf's
 * attempts times its timeout (10 s and more), and neither it nor
 * getaddrinfo_a()'s gai_cancel() can be stopped once it runs. So it
 * runs on a detached thread of its own; the caller waits for it until
 * the deadline and then leaves it, and whichever of the two lets go of
 * the lookup last frees it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_lookup.h"

struct lookup {
	pthread_mutex_t mu;
	pthread_cond_t done_cv;
	int refs;			/* the caller's and the thread's */
	bool done;
	int rc;				/* getaddrinfo()'s */
	struct addrinfo *res;
	struct addrinfo hints;
	char host[256], port[8];
};

static void lookup_free(struct lookup *l)
{
	if (l->res)
		freeaddrinfo(l->res);
	pthread_cond_destroy(&l->done_cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/* Drop one reference; the last frees @l. */
static void lookup_put(struct lookup *l)
{
	bool last;

	pthread_mutex_lock(&l->mu);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->mu);
	if (last)
		lookup_free(l);
}

static void *lookup_run(void *arg)
{
	struct lookup *l = arg;
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(l->host, l->port, &l->hints, &res);

	pthread_mutex_lock(&l->mu);
	l->rc = rc;
	l->res = rc ? NULL : res;
	l->done = true;
	pthread_cond_signal(&l->done_cv);
	pthread_mutex_unlock(&l->mu);
	lookup_put(l);
	return NULL;
}

/* @l with its host, port and hints, or NULL. */
static struct lookup *lookup_new(const char *host, const char *port,
				 const struct addrinfo *hints)
{
	struct lookup *l = calloc(1, sizeof(*l));
	pthread_condattr_t ca;

	if (!l)
		return NULL;
	snprintf(l->host, sizeof(l->host), "%s", host);
	snprintf(l->port, sizeof(l->port), "%s", port);
	l->hints = *hints;
	l->refs = 2;
	pthread_mutex_init(&l->mu, NULL);
	/* The deadline is CLOCK_MONOTONIC's: a clock step must not move it. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	return l;
}

/* Wait for @l until @deadline_ms: whether it is done. */
static bool lookup_wait(struct lookup *l, long long deadline_ms)
{
	struct timespec until = {
		.tv_sec = deadline_ms / 1000,
		.tv_nsec = (deadline_ms % 1000) * 1000000,
	};
	int r = 0;

	while (!l->done && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&l->done_cv, &l->mu, &until);
	return l->done;
}

int http_lookup(const char *host, const char *port,
		const struct addrinfo *hints, long long deadline_ms,
		struct addrinfo **res, int *gai_err)
{
	struct lookup *l = lookup_new(host, port, hints);
	pthread_attr_t attr;
	pthread_t t;
	int r;

	*res = NULL;
	if (!l)
		return -ENOMEM;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, lookup_run, l);
	pthread_attr_destroy(&attr);
	if (r) {
		lookup_free(l);
		return -r;
	}
	pthread_mutex_lock(&l->mu);
	if (!lookup_wait(l, deadline_ms)) {
		r = -ETIMEDOUT;
	} else if (l->rc) {
		*gai_err = l->rc;
		r = -EHOSTUNREACH;
	} else {
		*res = l->res;
		l->res = NULL;
	}
	pthread_mutex_unlock(&l->mu);
	lookup_put(l);
	return r;
}
