// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the IKEv1 message codec and payload rules: whatever
 * parses must rebuild, parse back to the same content and rebuild to the
 * same bytes, and every kind's rules must judge it with a reason; an
 * encrypted body is also parsed as the padded chain a null cipher would
 * give. Built with -DFUZZ_DRIVER it is a plain program that replays the
 * files it is given. How to build and run either: selftests/fuzz/README.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iked/ikev1/msg.h"
#include "iked/ikev1/frag.h"
#include "iked/ikev1/rules.h"
#include "fuzz_common.h"

static void same_header(const struct ikev1_hdr *a, const struct ikev1_hdr *b)
{
	CHECK(!memcmp(a->ck_i, b->ck_i, 8));
	CHECK(!memcmp(a->ck_r, b->ck_r, 8));
	CHECK(a->exchange == b->exchange);
	CHECK(a->flags == b->flags);
	CHECK(a->msg_id == b->msg_id);
}

/* Every kind's rules judge any parsed chain, and say why. */
static void rules_all(const struct ikev1_hdr *h, const struct ikev1_chain *c)
{
	struct ikev1_rule_miss miss;
	char why[160];
	int k, r;

	for (k = 0; k < IKEV1_K__N; k++) {
		r = ikev1_rules_check((enum ikev1_kind)k, h, c, &miss);
		CHECK(r == 0 || r == -EBADMSG);
		if (r)
			CHECK(miss.why &&
			      ikev1_rules_format(&miss, why, sizeof(why)));
	}
}

static void err_ok(int ret, const struct ikev1_err *err, size_t size)
{
	CHECK(ret == -EBADMSG || ret == -EPROTONOSUPPORT ||
	      ret == -EOPNOTSUPP || ret == -E2BIG);
	CHECK(err->why && err->off <= size && err->notify);
}

/* Rebuilds @c; the result parses to the same chain and rebuilds alike. */
static void chain_again(const struct ikev1_chain *c, size_t size)
{
	struct ikev1_chain *c2 = malloc(sizeof(*c2));
	uint8_t *b1 = malloc(size ? size : 1), *b2 = malloc(size ? size : 1);
	size_t len1, len2;

	CHECK(c2 && b1 && b2);
	CHECK(!ikev1_chain_build(c, b1, size, &len1));
	CHECK(len1 <= size);
	if (len1)
		CHECK(ikev1_chain_build(c, b2, len1 - 1, &len2) == -ENOSPC);
	CHECK(!ikev1_chain_parse(c2, c->first, b1, len1, false, NULL));
	CHECK(ikev1_chain_same(c, c2));
	CHECK(!ikev1_chain_build(c2, b2, size, &len2));
	CHECK(len1 == len2 && !memcmp(b1, b2, len1));
	free(b2);
	free(b1);
	free(c2);
}

/*
 * Every Notify's data as a RESPONDER-LIFETIME attribute list (life.c
 * reads one from any QM2): the attributes lie within it, or a reason.
 */
static void notify_attrs(const struct ikev1_chain *c)
{
	struct ikev1_attr at[8];
	const struct ikev1_pl *pl;
	const char *why = NULL;
	unsigned int i;
	size_t n, k;

	for (i = 0; (pl = ikev1_chain_find(c, IKEV1_PL_N, i)); i++) {
		if (ikev1_attr_list_parse(IKEV1_PROTO_ESP, pl->u.n.data,
					  pl->u.n.len, at, 8, &n, &why)) {
			CHECK(why);
			continue;
		}
		CHECK(n <= 8);
		for (k = 0; k < n; k++)
			CHECK(at[k].tv || (at[k].data >= pl->u.n.data &&
					   at[k].data + at[k].len <=
					   pl->u.n.data + pl->u.n.len));
	}
}

/* An encrypted body, parsed as what a null cipher would decrypt it to. */
static void inner_chain(const struct ikev1_msg *m)
{
	struct ikev1_chain *c = malloc(sizeof(*c));
	struct ikev1_err err;
	int ret;

	CHECK(c);
	ret = ikev1_chain_parse(c, m->hdr.next, m->body, m->body_len, true,
				&err);
	if (ret) {
		err_ok(ret, &err, m->body_len);
	} else {
		CHECK(c->trailing <= m->body_len);
		rules_all(&m->hdr, c);
		notify_attrs(c);
		chain_again(c, m->body_len - c->trailing);
	}
	free(c);
}

/*
 * A fragment datagram (first payload 132): it parses to a fragment that
 * rebuilds, parses back to the same fields and rebuilds to the same
 * bytes, or is refused with a reason.
 */
static void fragment(const uint8_t *data, size_t size)
{
	struct ikev1_frag f, f2;
	struct ikev1_err err;
	uint8_t *b1, *b2;
	size_t len1, len2;
	int ret;

	ret = ikev1_frag_parse(&f, data, size, &err);
	if (ret) {
		err_ok(ret, &err, size);
		return;
	}
	CHECK(f.num && f.len && f.data + f.len <= data + size);
	b1 = malloc(size);
	b2 = malloc(size);
	CHECK(b1 && b2);
	CHECK(!ikev1_frag_build(&f.hdr, f.id, f.num, f.last, f.data, f.len,
				b1, size, &len1));
	CHECK(len1 == f.hdr.length);
	CHECK(ikev1_frag_build(&f.hdr, f.id, f.num, f.last, f.data, f.len,
			       b2, len1 - 1, &len2) == -ENOSPC);
	CHECK(!ikev1_frag_parse(&f2, b1, len1, &err));
	CHECK(f2.id == f.id && f2.num == f.num && f2.last == f.last &&
	      f2.len == f.len && !memcmp(f2.data, f.data, f.len));
	CHECK(!memcmp(b1, data, 16) && b1[18] == data[18]);
	CHECK(!ikev1_frag_build(&f2.hdr, f2.id, f2.num, f2.last, f2.data,
				f2.len, b2, size, &len2));
	CHECK(len1 == len2 && !memcmp(b1, b2, len1));
	free(b2);
	free(b1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ikev1_msg *m = malloc(sizeof(*m)), *m2 = malloc(sizeof(*m2));
	struct ikev1_err err;
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t len1, len2;
	int ret;

	CHECK(m && m2);
	if (ikev1_is_frag(data, size)) {
		/* The message parser refuses 132: the receive path never asks it. */
		fragment(data, size);
		goto out;
	}
	ret = ikev1_msg_parse(m, data, size, &err);
	if (ret) {
		err_ok(ret, &err, size);
		goto out;
	}
	CHECK(m->hdr.length + m->junk == size);
	if (m->hdr.flags & IKEV1_F_ENCRYPT) {
		inner_chain(m);
		goto out;
	}
	rules_all(&m->hdr, &m->chain);
	notify_attrs(&m->chain);
	/* the rebuild normalises the minor version and drops any junk */
	b1 = malloc(size);
	b2 = malloc(size);
	CHECK(b1 && b2);
	CHECK(!ikev1_msg_build(m, b1, size, &len1));
	CHECK(len1 == m->hdr.length);
	CHECK(ikev1_msg_build(m, b2, len1 - 1, &len2) == -ENOSPC);
	CHECK(!ikev1_msg_parse(m2, b1, len1, &err));
	same_header(&m->hdr, &m2->hdr);
	CHECK(ikev1_chain_same(&m->chain, &m2->chain));
	CHECK(!ikev1_msg_build(m2, b2, size, &len2));
	CHECK(len1 == len2 && !memcmp(b1, b2, len1));
out:
	free(b2);
	free(b1);
	free(m2);
	free(m);
	return 0;
}
