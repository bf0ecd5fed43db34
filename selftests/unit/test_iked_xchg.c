// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's exchanges in process, against hostile peers: datagrams go
 * through ikev2_recv() as the main loop hands them over, the daemon's
 * answers come out of a real UDP socket on 127.0.0.1, the kernel is a
 * fake that counts SAs. A CREATE_CHILD_SA answer without Nonce installs
 * nothing.
 */

#include "iked_fixture.h"
#include "kselftest_harness.h"

/* The peer's answer to our CREATE_CHILD_SA: the offer accepted. */
static void child_answer(struct ike_sa *sa, struct ikev2_chain *c,
			 bool with_nonce)
{
	static const uint8_t nonce[32] = { 1, 2, 3 };

	ikev2_chain_init(c);
	c->sa = sa->pend.offered;
	/* The peer's SPI in the proposal it accepts. */
	c->sa.prop[0].spi[0] = 0xab;
	c->sa.prop[0].spi[3] = 0xcd;
	if (ikev2_chain_add(c, IKEV2_PL_SA))
		abort();
	if (with_nonce && ikev2_chain_add_nonce(c, nonce, sizeof(nonce)))
		abort();
	c->tsi = sa->pend.tsi;
	c->tsr = sa->pend.tsr;
	if (ikev2_chain_add(c, IKEV2_PL_TSI) ||
	    ikev2_chain_add(c, IKEV2_PL_TSR))
		abort();
}

static unsigned int child_exchange(bool with_nonce, char **log)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, true, IKE_ESTABLISHED);
	static struct ikev2_chain c;
	uint8_t buf[4096];
	unsigned int installed;
	size_t len;

	if (child_create_start(sa, 0))
		abort();
	child_answer(sa, &c, with_nonce);
	len = fx_seal(sa, &c, IKEV2_EXCH_CREATE_CHILD_SA, true,
		      sa->next_req_id - 1, buf, sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[0]);
	installed = fake_kern.sa_add;
	*log = fx_log(f);
	fx_free(f);
	return installed;
}

TEST(create_child_response_with_nonce_installs)
{
	char *log;

	/* Inbound and outbound SA: the valid answer still works. */
	EXPECT_EQ(2, child_exchange(true, &log));
	EXPECT_NE(NULL, strstr(log, "CHILD SA established"));
	free(log);
}

TEST(create_child_response_without_nonce_installs_nothing)
{
	char *log;

	/*
	 * Without Nr the keys would come from SK_d and Ni alone: the same
	 * for every such CHILD SA of this IKE SA.
	 */
	EXPECT_EQ(0, child_exchange(false, &log));
	EXPECT_EQ(NULL, strstr(log, "CHILD SA established"));
	EXPECT_NE(NULL, strstr(log, "Nonce")) TH_LOG("log: %s", log);
	free(log);
}

TEST_HARNESS_MAIN
