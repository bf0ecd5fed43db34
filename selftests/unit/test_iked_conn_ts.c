// SPDX-License-Identifier: GPL-2.0
/*
 * Conns that differ only in their subnets: two in-process kesp-iked
 * instances (ikev1_pair.h) with two IKEv2 conns each between the same
 * addresses and the same identities, one per subnet pair, as ipsec.conf
 * files often write a site with two networks. The responder takes the
 * conn whose subnets take the CHILD SA of the IKE_AUTH (before, the
 * first by IDs, and the second pair's tunnel failed with TS_UNACCEPTABLE
 * whichever side started it). Found by t-iked-systemd-pid1.sh, where a
 * reload added a second conn of the same IDs.
 */

/* The pair checks for one conn this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop

#define CONN(name, me, peer, myid, peerid, mynet, peernet)		\
	"conn " name "\n"						\
	"\tleft=" me "\n"						\
	"\tleftid=@" myid "\n"						\
	"\tleftsubnet=" mynet "\n"					\
	"\tright=" peer "\n"						\
	"\trightid=@" peerid "\n"					\
	"\trightsubnet=" peernet "\n"					\
	"\tauthby=secret\n"						\
	"\tkeyexchange=ikev2\n"						\
	"\tike=aes256-sha256-modp2048!\n"				\
	"\tesp=aes128-sha256!\n"					\
	"\tauto=add\n"

static const char conf_a[] =
	CONN("a-net1", "127.0.0.1", "127.0.0.2", "a.example", "b.example",
	     "10.1.1.0/24", "10.2.1.0/24")
	CONN("a-net2", "127.0.0.1", "127.0.0.2", "a.example", "b.example",
	     "10.1.2.0/24", "10.2.2.0/24");

static const char conf_b[] =
	CONN("b-net1", "127.0.0.2", "127.0.0.1", "b.example", "a.example",
	     "10.2.1.0/24", "10.1.1.0/24")
	CONN("b-net2", "127.0.0.2", "127.0.0.1", "b.example", "a.example",
	     "10.2.2.0/24", "10.1.2.0/24");

static const char secrets_both[] =
	"@a.example @b.example : PSK \"" IKE_PSK "\"\n";

FIXTURE(conn_ts) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(conn_ts)
{
	int r = pair_open(&self->p, conf_a, conf_b, secrets_both, secrets_both,
			  self->why, sizeof(self->why));

	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(conn_ts)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* @from starts its conn @i; the other end must answer on its conn @i. */
static void second_pair(struct __test_metadata *_metadata, struct pair *p,
			struct inst *from, struct inst *to)
{
	struct ike_sa *sa;

	ASSERT_EQ(0, iked_initiate(from->d, &from->d->conns[1], &sa));
	pair_settle(p, 5000);
	EXPECT_EQ(0, log_lines(p, "TS unacceptable"));
	EXPECT_NE(NULL, inst_sa_of(from, 1));
	EXPECT_NE(NULL, inst_sa_of(to, 1));
	EXPECT_EQ(NULL, inst_sa_of(to, 0));
	/* The CHILD SA's pair in each kernel. */
	EXPECT_EQ(1, live_sas(&to->rec, KESP_DIR_IN, NULL, 0));
	EXPECT_EQ(1, live_sas(&to->rec, KESP_DIR_OUT, NULL, 0));
}

TEST_F(conn_ts, a_starts_the_second_subnet_pair)
{
	second_pair(_metadata, &self->p, &self->p.a, &self->p.b);
}

TEST_F(conn_ts, b_starts_the_second_subnet_pair)
{
	second_pair(_metadata, &self->p, &self->p.b, &self->p.a);
}

/* The first pair still finds the first conn. */
TEST_F(conn_ts, the_first_pair_keeps_the_first_conn)
{
	struct pair *p = &self->p;
	struct ike_sa *sa;

	ASSERT_EQ(0, iked_initiate(p->a.d, &p->a.d->conns[0], &sa));
	pair_settle(p, 5000);
	EXPECT_NE(NULL, inst_sa_of(&p->b, 0));
	EXPECT_EQ(NULL, inst_sa_of(&p->b, 1));
}

TEST_HARNESS_MAIN
