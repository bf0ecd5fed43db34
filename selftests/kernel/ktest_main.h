/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTEST_HARNESS_MAIN: the kselftest harness's main, with each test's
 * timeout multiplied by KESP_VM_SLOWDOWN (set in the guest by
 * selftests/vm/run; 3 under `make check-debug`). The harness's timeouts
 * are compile-time seconds sized for Debian's kernel; a KASAN kernel
 * under TCG runs the same test several times slower, and a timeout
 * there says nothing about the module.
 */
#ifndef KESP_KTEST_MAIN_H
#define KESP_KTEST_MAIN_H

#include <stdlib.h>

static inline void ktest_scale_timeouts(void)
{
	const char *s = getenv("KESP_VM_SLOWDOWN");
	int k = s ? atoi(s) : 1;
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	if (k <= 1 || k > 100)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= k;
}

#define KTEST_HARNESS_MAIN \
	static void __attribute__((constructor)) \
	__constructor_order_last(void) \
	{ \
		if (!__constructor_order) \
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	} \
	int main(int argc, char **argv) \
	{ \
		ktest_scale_timeouts(); \
		return test_harness_run(argc, argv); \
	}

#endif /* KESP_KTEST_MAIN_H */
