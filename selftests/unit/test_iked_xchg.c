// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's exchanges in process, against hostile peers: datagrams go
 * through ikev2_recv() as the main loop hands them over, the daemon's
 * answers come out of a real UDP socket on 127.0.0.1, the kernel is a
 * fake that counts SAs. A CREATE_CHILD_SA answer without Nonce installs
 * nothing; the cached response is not resent to a forged source.
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

/* An empty INFORMATIONAL request (a liveness check) from the peer. */
static size_t liveness(struct ike_sa *sa, uint32_t msg_id, uint8_t *buf,
		       size_t cap)
{
	static struct ikev2_chain c;

	ikev2_chain_init(&c);
	return fx_seal(sa, &c, IKEV2_EXCH_INFORMATIONAL, false, msg_id, buf,
		       cap);
}

TEST(cached_response_not_resent_to_another_source)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_ESTABLISHED);
	uint8_t req[2048], forged[2048], resp[2048], again[2048];
	ssize_t rlen, n;
	size_t len;

	len = liveness(sa, 2, req, sizeof(req));
	ikev2_recv(f->d, req, len, &f->path[0]);
	rlen = fx_peer_recv(f, 0, resp, sizeof(resp));
	ASSERT_LT(0, rlen);

	/*
	 * Right SPIs and message ID, but its ICV does not verify and it
	 * comes from another address: a forged source to reflect our
	 * cached response at.
	 */
	memcpy(forged, req, len);
	forged[len - 1] ^= 0x55;
	ikev2_recv(f->d, forged, len, &f->path[1]);
	n = fx_peer_recv(f, 1, again, sizeof(again));
	EXPECT_EQ(-1, n) TH_LOG("the cached response went to the forged source");

	/* The same forgery from the request's own address and port: resent. */
	ikev2_recv(f->d, forged, len, &f->path[0]);
	n = fx_peer_recv(f, 0, again, sizeof(again));
	EXPECT_EQ(rlen, n);
	EXPECT_EQ(0, memcmp(resp, again, (size_t)rlen));

	/* The authentic retransmission from a new port (a NAT): resent. */
	ikev2_recv(f->d, req, len, &f->path[1]);
	n = fx_peer_recv(f, 1, again, sizeof(again));
	EXPECT_EQ(rlen, n);
	EXPECT_EQ(0, memcmp(resp, again, (size_t)rlen));
	fx_free(f);
}

TEST_HARNESS_MAIN
