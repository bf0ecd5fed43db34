// SPDX-License-Identifier: GPL-2.0
/*
 * NAT-OA (RFC 3947 5.2) in Quick Mode between two in-process kesp-iked
 * instances (ikev1_pair.h): transport mode with NAT-T in use (A forces
 * it with encapsulation=yes, so B sees A behind a NAT) carries NAT-OAi
 * and NAT-OAr in QM1 and QM2, each end logs the peer's, and the CHILD
 * SA is transport mode host to host; tunnel mode carries none. A QM2
 * whose NAT-OA is malformed on the way (rewritten, HASH(2) and all) is
 * dropped by A with the codec's reason, and counted.
 */

#include <arpa/inet.h>
#include <stdint.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "iked/ikev1/keys.h"
#include "iked/sa/child_sa.h"
#include "iked/sa/ts.h"
#include "ikev1_conn.h"
#include "pair_sa.h"

FIXTURE(natoa) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(natoa) {
	bool transport;
	bool forced;		/* A: encapsulation=yes */
	unsigned int lines;	/* NAT-OA lines each end logs */
};

FIXTURE_VARIANT_ADD(natoa, transport_through_nat) {
	.transport = true, .forced = true, .lines = 1,
};

FIXTURE_VARIANT_ADD(natoa, tunnel_through_nat) {
	.transport = false, .forced = true, .lines = 0,
};

FIXTURE_VARIANT_ADD(natoa, transport_without_nat) {
	.transport = true, .forced = false, .lines = 0,
};

FIXTURE_SETUP(natoa)
{
	char ca[1024], cb[1024], ea[64], eb[64];
	int r;

	snprintf(ea, sizeof(ea), "%s%s",
		 variant->transport ? "\ttype=transport\n" : "",
		 variant->forced ? "\tencapsulation=yes\n" : "");
	snprintf(eb, sizeof(eb), "%s",
		 variant->transport ? "\ttype=transport\n" : "");
	if (variant->transport) {
		v1_conn(ca, sizeof(ca), true, "127.0.0.1/32", "127.0.0.2/32",
			ea);
		v1_conn(cb, sizeof(cb), false, "127.0.0.2/32", "127.0.0.1/32",
			eb);
	} else {
		v1_conn(ca, sizeof(ca), true, NULL, NULL, ea);
		v1_conn(cb, sizeof(cb), false, NULL, NULL, eb);
	}
	r = pair_setup_confs(&self->p, ca, cb, secrets_ok, self->why,
			     sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(natoa)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* @in's one CHILD SA is up in the mode the variant asks for. */
static bool child_ok(const struct inst *in, bool transport)
{
	const struct ike_sa *sa = live_sa(in);
	const struct child_sa *ch = sa ? sa->children : NULL;

	return ch && !ch->next && ch->state == CHILD_INSTALLED &&
	       (ch->mode == KESP_MODE_TRANSPORT) == transport;
}

TEST_F(natoa, sent_and_taken_in_quick_mode)
{
	struct pair *p = &self->p;
	unsigned int n = variant->lines;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_NE(NULL, live_sa(&p->a)) TH_LOG("phase 1 did not come up");
	EXPECT_TRUE(child_ok(&p->a, variant->transport));
	EXPECT_TRUE(child_ok(&p->b, variant->transport));
	EXPECT_EQ(variant->forced, live_sa(&p->a)->natt.in_use);
	/* QM1's: A's own address, B's; QM2's: A's as B sees it, B's. */
	EXPECT_EQ(n, log_count(p, &p->b, "the peer's NAT-OA: initiator 127.0.0.1, responder 127.0.0.2"));
	EXPECT_EQ(n, log_count(p, &p->a, "the peer's NAT-OA: initiator 127.0.0.1, responder 127.0.0.2"));
	EXPECT_EQ(0, log_count(p, &p->a, "NAT-OA of another"));
	EXPECT_EQ(0, log_count(p, &p->b, "one NAT-OA payload"));
}

/*
 * B's QM2 waiting on A's socket, taken off it: its first NAT-OA's ID
 * type made FQDN (2), HASH(2) computed again over the new bytes, sealed
 * with a copy of A's IV chain and sent to A from B's socket. 1 when
 * done, 0 when there is nothing to do yet, -1 on a failure.
 */
static int qm2_spoil(struct pair *p)
{
	static uint8_t buf[4096], plain[4096], out[4096];
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(500) };
	struct ike_sa *a = live_sa(&p->a);
	struct ikev1_chain *c;
	struct ikev1_err err;
	const struct ikev1_pl *oa;
	const uint8_t *rest;
	struct ikev1_ivs ivs;
	struct v1_sa *v;
	size_t blen, rest_len, olen;
	uint32_t id;
	ssize_t n;
	int r = -1;

	if (!a || v1(a)->qm.st != V1_QM_WAIT_MSG2)
		return 0;
	v = v1(a);
	n = recv(pair_fd(&p->a), buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	id = n >= 28 ? ikev1_get32(buf + 20) : 0;
	if (n < 28 || buf[18] != IKEV1_EXCH_QUICK || id != v->qm.msg_id)
		return 0;
	if (recv(pair_fd(&p->a), buf, sizeof(buf), 0) != n)
		return -1;
	blen = (size_t)n - 28;
	ivs = v->ivs;
	c = calloc(1, sizeof(*c));
	if (!c || ikev1_decrypt(&ivs, v->alg.encr, v->keys.ka, v->keys.ka_len,
				id, buf + 28, blen, plain) ||
	    ikev1_chain_parse(c, buf[16], plain, blen, true, &err))
		goto out;
	oa = ikev1_chain_find(c, IKEV1_PL_NATOA, 0);
	if (!oa || ikev1_after_hash(c, plain, blen, &rest, &rest_len))
		goto out;
	plain[oa->body - plain] = 2;
	if (ikev1_hash2(&v->keys, id, v->qm.ni, v->qm.ni_len, rest, rest_len,
			plain + 4))
		goto out;
	ivs = v->ivs;
	memcpy(out, buf, 28);
	if (ikev1_encrypt(&ivs, v->alg.encr, v->keys.ka, v->keys.ka_len, id,
			  plain, blen, out + 28, sizeof(out) - 28, &olen) ||
	    olen != blen)
		goto out;
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (sendto(pair_fd(&p->b), out, 28 + olen, 0,
		   (struct sockaddr *)&to, sizeof(to)) == (ssize_t)(28 + olen))
		r = 1;
out:
	free(c);
	return r;
}

static int spoil_peek(struct inst *in, void *arg)
{
	struct pair *p = arg;
	static bool done;

	if (in != &p->a || done)
		return 0;
	done = qm2_spoil(p) != 0;
	return 0;
}

TEST_F(natoa, malformed_in_qm2_is_dropped_and_counted)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle_peek(p, 3000, spoil_peek, p);
	if (!variant->lines) {
		/* No NAT-OA to spoil: QM2 goes through untouched. */
		EXPECT_EQ(0, log_count(p, &p->a, "does not decrypt to valid payloads"));
		EXPECT_EQ(0, p->a.d->natoa_refused);
		return;
	}
	EXPECT_EQ(1, log_count(p, &p->a, "does not decrypt to valid payloads (NAT-OA neither an IPv4 nor an IPv6 address at byte"));
	EXPECT_LE(1, p->a.d->natoa_refused);
	EXPECT_EQ(0, p->b.d->natoa_refused);
}

TEST_HARNESS_MAIN
