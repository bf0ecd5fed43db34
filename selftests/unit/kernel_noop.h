/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel facade's functions that the in-process fixtures (iked_fixture.h,
 * iked_pair.h) leave inert: no events, no dumps, no capabilities, no
 * encapsulation sockets. Included by each fixture, so each test binary still
 * links exactly one facade and never kernel.o.
 */

#ifndef KESP_TEST_KERNEL_NOOP_H
#define KESP_TEST_KERNEL_NOOP_H

#include <stdint.h>
#include "iked/kernel.h"

void iked_kernel_close(struct iked_kernel *k)
{
	(void)k;
}

int iked_kernel_event_fd(const struct iked_kernel *k)
{
	(void)k;
	return -1;
}

int iked_kernel_events(struct iked_kernel *k, iked_kernel_event_fn fn,
		       void *arg)
{
	(void)k;
	(void)fn;
	(void)arg;
	return 0;
}

int iked_kernel_bypass_ike(struct iked_kernel *k)
{
	(void)k;
	return 0;
}

int iked_kernel_sa_dump(struct iked_kernel *k,
			int (*fn)(const struct kesp_sa *sa, void *arg),
			void *arg)
{
	(void)k;
	(void)fn;
	(void)arg;
	return 0;
}

int iked_kernel_policy_dump(struct iked_kernel *k,
			    int (*fn)(const struct kesp_policy *p, void *arg),
			    void *arg)
{
	(void)k;
	(void)fn;
	(void)arg;
	return 0;
}

int iked_kernel_caps(struct iked_kernel *k, uint64_t *caps)
{
	(void)k;
	*caps = 0;
	return 0;
}

int iked_kernel_encap_sock(struct iked_kernel *k, int fd)
{
	(void)k;
	(void)fd;
	return 0;
}

/* No queue: every call of the fixtures' facade is synchronous. */
int iked_kernel_async_fd(const struct iked_kernel *k)
{
	(void)k;
	return -1;
}

size_t iked_kernel_async_pending(const struct iked_kernel *k)
{
	(void)k;
	return 0;
}

size_t iked_kernel_async_reap(struct iked_kernel *k, iked_kernel_failed_fn fn,
			      void *arg)
{
	(void)k;
	(void)fn;
	(void)arg;
	return 0;
}

size_t iked_kernel_async_flush(struct iked_kernel *k, iked_kernel_failed_fn fn,
			       void *arg)
{
	(void)k;
	(void)fn;
	(void)arg;
	return 0;
}

#endif
