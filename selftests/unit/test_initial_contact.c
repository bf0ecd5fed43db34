// SPDX-License-Identifier: GPL-2.0
/*
 * INITIAL-CONTACT across IKE versions (sa/contact.c): two in-process
 * kesp-iked instances (ikev1_pair.h) with three conns each between the
 * same two addresses: one IKEv2 and one IKEv1 between @a.example and
 * @b.example, and one IKEv2 between @a2.example and @b.example. A peer
 * that restarted lost every IKE SA of both versions, so the
 * INITIAL-CONTACT it says in the first exchange after the restart ends
 * what we still hold between the two identities it authenticated, IKEv2
 * and IKEv1 alike (RFC 7296 2.4, RFC 2407 4.6.3.3), and nothing between
 * other identities.
 */

/* The pair checks for one conn this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop

#define V2_CONN	0	/* a-b-v2 / b-a-v2 */
#define V1_CONN	1	/* a-b-v1 / b-a-v1 */
#define A2_CONN	2	/* a2-b / b-a2: another local identity on A */

#define CONN(name, me, peer, myid, peerid, mynet, peernet, version) \
	"conn " name "\n"						\
	"\tleft=" me "\n"						\
	"\tleftid=@" myid "\n"						\
	"\tleftsubnet=" mynet "\n"					\
	"\tright=" peer "\n"						\
	"\trightid=@" peerid "\n"					\
	"\trightsubnet=" peernet "\n"					\
	"\tauthby=secret\n"						\
	"\tkeyexchange=" version "\n"					\
	"\tike=aes256-sha256-modp2048!\n"				\
	"\tesp=aes128-sha256!\n"					\
	"\tauto=add\n"

static const char conf_a[] =
	CONN("a-b-v2", "127.0.0.1", "127.0.0.2", "a.example", "b.example",
	     "10.1.0.0/24", "10.2.0.0/24", "ikev2")
	CONN("a-b-v1", "127.0.0.1", "127.0.0.2", "a.example", "b.example",
	     "10.1.1.0/24", "10.2.1.0/24", "ikev1")
	CONN("a2-b", "127.0.0.1", "127.0.0.2", "a2.example", "b.example",
	     "10.1.2.0/24", "10.2.2.0/24", "ikev2");

static const char conf_b[] =
	CONN("b-a-v2", "127.0.0.2", "127.0.0.1", "b.example", "a.example",
	     "10.2.0.0/24", "10.1.0.0/24", "ikev2")
	CONN("b-a-v1", "127.0.0.2", "127.0.0.1", "b.example", "a.example",
	     "10.2.1.0/24", "10.1.1.0/24", "ikev1")
	CONN("b-a2", "127.0.0.2", "127.0.0.1", "b.example", "a2.example",
	     "10.2.2.0/24", "10.1.2.0/24", "ikev2");

static const char secrets_both[] =
	"@a.example @b.example : PSK \"" IKE_PSK "\"\n"
	"@a2.example @b.example : PSK \"" IKE_PSK "-a2\"\n";

FIXTURE(contact) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(contact)
{
	int r = pair_open(&self->p, conf_a, conf_b, secrets_both, secrets_both,
			  self->why, sizeof(self->why));

	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(contact)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* @in brings conn @i up; both ends settle. */
static int up(struct pair *p, struct inst *in, size_t i)
{
	struct ike_sa *sa;

	if (iked_initiate(in->d, &in->d->conns[i], &sa))
		return -1;
	pair_settle(p, 5000);
	return 0;
}

/* B restarts: its context is freed without a Delete and made anew. */
static int restart_b(struct pair *p, char *why, size_t len)
{
	pair_daemon_free(&p->b);
	return pair_daemon_new(&p->b, "127.0.0.2", conf_b, secrets_both, why,
			       len);
}

/*
 * A holds an IKEv2 SA with B, B restarts and comes back over IKEv1: its
 * INITIAL-CONTACT in Main Mode ends A's IKEv2 SA too (before, only
 * ISAKMP SAs ended), not the one with A's other identity.
 */
TEST_F(contact, ikev1_initial_contact_ends_the_ikev2_sa)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, up(p, &p->a, V2_CONN));
	ASSERT_EQ(0, up(p, &p->a, A2_CONN));
	ASSERT_NE(NULL, inst_sa_of(&p->a, V2_CONN));
	ASSERT_NE(NULL, inst_sa_of(&p->a, A2_CONN));
	ASSERT_EQ(0, restart_b(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, up(p, &p->b, V1_CONN));
	ASSERT_NE(NULL, inst_sa_of(&p->a, V1_CONN));
	EXPECT_EQ(1, log_lines(p, "the peer sent INITIAL-CONTACT in MM5: 1 old IKE SA with it deleted"));
	EXPECT_EQ(1, log_lines(p, "replaced: the peer restarted (INITIAL-CONTACT in MM5 of a-b-v1"));
	EXPECT_EQ(1, log_lines(p, "the other IKE version"));
	EXPECT_EQ(NULL, inst_sa_of(&p->a, V2_CONN));
	/* Between @a2.example and @b.example: not what B asserted. */
	EXPECT_NE(NULL, inst_sa_of(&p->a, A2_CONN));
	/* In the kernel: the IKEv1 conn's pair and a2-b's, no other. */
	EXPECT_EQ(2, live_sas(&p->a.rec, KESP_DIR_IN, NULL, 0));
	EXPECT_EQ(2, live_sas(&p->a.rec, KESP_DIR_OUT, NULL, 0));
}

/* The other way: B back over IKEv2 ends A's ISAKMP SA with it. */
TEST_F(contact, ikev2_initial_contact_ends_the_isakmp_sa)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, up(p, &p->a, V1_CONN));
	ASSERT_NE(NULL, inst_sa_of(&p->a, V1_CONN));
	ASSERT_EQ(0, restart_b(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, up(p, &p->b, V2_CONN));
	ASSERT_NE(NULL, inst_sa_of(&p->a, V2_CONN));
	EXPECT_EQ(1, log_lines(p, "the peer sent INITIAL_CONTACT in IKE_AUTH: 1 old IKE SA with it deleted"));
	EXPECT_EQ(NULL, inst_sa_of(&p->a, V1_CONN));
}

/*
 * B comes back on the conn it had (IKEv2): A ends that conn's old IKE
 * SA and also the ISAKMP SA of its other conn between the same
 * identities (before, only the same conn's ended).
 */
TEST_F(contact, ikev2_initial_contact_ends_every_conn_between_the_ids)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, up(p, &p->a, V2_CONN));
	ASSERT_EQ(0, up(p, &p->a, V1_CONN));
	ASSERT_EQ(0, restart_b(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, up(p, &p->b, V2_CONN));
	EXPECT_EQ(1, log_lines(p, "the peer sent INITIAL_CONTACT in IKE_AUTH: 2 old IKE SAs with it deleted"));
	EXPECT_EQ(NULL, inst_sa_of(&p->a, V1_CONN));
	EXPECT_NE(NULL, inst_sa_of(&p->a, V2_CONN));
}

/* A second IKE SA while one is up with the peer says nothing. */
TEST_F(contact, no_initial_contact_beside_another_ike_sa)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, up(p, &p->a, V2_CONN));
	ASSERT_EQ(0, up(p, &p->a, V1_CONN));
	/* B heard it in IKE_AUTH, not in Main Mode; A heard none. */
	EXPECT_EQ(1, log_lines(p, "the peer sent INITIAL_CONTACT"));
	EXPECT_EQ(0, log_lines(p, "the peer sent INITIAL-CONTACT"));
	EXPECT_NE(NULL, inst_sa_of(&p->a, V2_CONN));
	EXPECT_NE(NULL, inst_sa_of(&p->a, V1_CONN));
}

TEST_HARNESS_MAIN
