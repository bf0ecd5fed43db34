/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two kesp-iked instances in one process that negotiate IKEv1 with each
 * other (inst_pair.h: loopback UDP, a netns of their own, the recorder
 * as kernel, both logs captured), A with the PSK below: what the IKEv1
 * exchange tests share. Include it from one test file only, before the
 * tests; it includes kselftest_harness.h itself (after its log stream).
 */

#ifndef KESP_TEST_IKEV1_PAIR_H
#define KESP_TEST_IKEV1_PAIR_H

/* Not needed here: what the IKEv1 tests have long had from this file. */
#include "iked/sa/control.h"
#include "iked/ikev1/v1.h"
#include "inst_pair.h"

#define IKE_PSK		"kesp-in-process-ikev1"

static const char secrets_ok[] =
	"@a.example @b.example : PSK \"" IKE_PSK "\"\n";

/* A and B with conns @ca and @cb, A with secrets_ok, B with @secrets_b. */
static int pair_setup_confs(struct pair *p, const char *ca, const char *cb,
			    const char *secrets_b, char *why, size_t len)
{
	return pair_open(p, ca, cb, secrets_ok, secrets_b, why, len);
}

#endif /* KESP_TEST_IKEV1_PAIR_H */
