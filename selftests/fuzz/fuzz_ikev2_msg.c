// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the IKEv2 message parser: whatever parses must
 * rebuild, parse back to the same content and rebuild to the same bytes;
 * an SK payload's contents are also parsed as the inner chain they would
 * decrypt to. Built with -DFUZZ_DRIVER it is a plain program that replays
 * the files it is given, for compilers without libFuzzer. How to build and
 * run either: selftests/fuzz/README.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iked/ikev2/msg.h"
#include "iked/ikev2/rules.h"
#include "fuzz_common.h"

static void same_header(const struct ikev2_hdr *a, const struct ikev2_hdr *b)
{
	CHECK(!memcmp(a->spi_i, b->spi_i, 8));
	CHECK(!memcmp(a->spi_r, b->spi_r, 8));
	CHECK(a->next == b->next);
	CHECK(a->exchange == b->exchange);
	CHECK(a->flags == b->flags);
	CHECK(a->msg_id == b->msg_id);
}

/* The payload rules of every kind judge any parsed chain, and say why. */
static void rules_all(const struct ikev2_chain *outer,
		      const struct ikev2_chain *inner)
{
	struct ikev2_rule_miss miss;
	char why[160];
	int k, r;

	for (k = 0; k < IKEV2_K__N; k++) {
		r = ikev2_rules_check((enum ikev2_kind)k, outer, inner, &miss);
		CHECK(r == 0 || r == -EBADMSG);
		if (r)
			CHECK(miss.why &&
			      ikev2_rules_format(&miss, why, sizeof(why)));
	}
}

/* What an SK payload holds, parsed as if decrypted by a null cipher. */
static void inner_chain(const struct ikev2_chain *outer,
			const struct ikev2_sk *sk)
{
	struct ikev2_chain *c, *c2;
	uint8_t *buf;
	size_t len;

	c = malloc(sizeof(*c));
	c2 = malloc(sizeof(*c2));
	buf = malloc(sk->len ? sk->len : 1);
	CHECK(c && c2 && buf);
	if (!ikev2_chain_parse(c, sk->inner, sk->data, sk->len, NULL)) {
		CHECK(ikev2_chain_first(c) == sk->inner);
		CHECK(!ikev2_chain_build(c, buf, sk->len, &len));
		CHECK(len <= sk->len);
		CHECK(!ikev2_chain_parse(c2, sk->inner, buf, len, NULL));
		CHECK(ikev2_chain_same(c, c2));
		rules_all(outer, c);
	}
	free(buf);
	free(c2);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ikev2_msg *m, *m2;
	struct ikev2_err err;
	uint8_t *b1, *b2;
	size_t len1, len2;
	int ret;

	/* heap, not stack: ASan then sees any read past the input's copy */
	m = malloc(sizeof(*m));
	m2 = malloc(sizeof(*m2));
	CHECK(m && m2);
	ret = ikev2_msg_parse(m, data, size, &err);
	if (ret) {
		CHECK(ret == -EBADMSG || ret == -EPROTONOSUPPORT ||
		      ret == -EMSGSIZE || ret == -EOPNOTSUPP ||
		      ret == -EEXIST || ret == -E2BIG);
		CHECK(err.why && err.off <= size);
		goto out;
	}
	rules_all(&m->chain, NULL);
	/*
	 * The rebuild normalises (version 2.0, reserved bits, unknown
	 * transform attributes dropped), so it is never longer than the input.
	 */
	b1 = malloc(size);
	b2 = malloc(size);
	CHECK(b1 && b2);
	CHECK(!ikev2_msg_build(m, b1, size, &len1));
	CHECK(len1 <= size);
	if (len1)
		CHECK(ikev2_msg_build(m, b1, len1 - 1, &len2) == -ENOSPC);
	CHECK(!ikev2_msg_parse(m2, b1, len1, &err));
	same_header(&m->hdr, &m2->hdr);
	CHECK(ikev2_chain_same(&m->chain, &m2->chain));
	CHECK(!ikev2_msg_build(m2, b2, size, &len2));
	CHECK(len1 == len2 && !memcmp(b1, b2, len1));
	if (ikev2_chain_has(&m->chain, IKEV2_PL_SK))
		inner_chain(&m->chain, &m->chain.sk);
	free(b2);
	free(b1);
out:
	free(m2);
	free(m);
	return 0;
}
