// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's exchanges in process, against hostile peers: datagrams go
 * through ikev2_recv() as the main loop hands them over, the daemon's
 * answers come out of a real UDP socket on 127.0.0.1, the kernel is a
 * fake that counts SAs. A CREATE_CHILD_SA answer without Nonce installs
 * nothing; the cached response is not resent to a forged source; a flood
 * of unauthenticated IKE_SA_INIT does not flood the log.
 */

#include "iked_fixture.h"
#include "kselftest_harness.h"

/* Count non-overlapping occurrences of @needle in @s. */
static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* The peer's answer to our CREATE_CHILD_SA: the offer accepted. */
static void child_answer(struct ike_sa *sa, struct ikev2_chain *c,
			 bool with_nonce)
{
	static const uint8_t nonce[32] = { 1, 2, 3 };

	ikev2_chain_init(c);
	c->sa = v2(sa)->pend.offered;
	/* The peer's SPI in the proposal it accepts. */
	c->sa.prop[0].spi[0] = 0xab;
	c->sa.prop[0].spi[3] = 0xcd;
	if (ikev2_chain_add(c, IKEV2_PL_SA))
		abort();
	if (with_nonce && ikev2_chain_add_nonce(c, nonce, sizeof(nonce)))
		abort();
	c->tsi = v2(sa)->pend.tsi;
	c->tsr = v2(sa)->pend.tsr;
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
		      v2(sa)->next_req_id - 1, buf, sizeof(buf));
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

/* An IKE_SA_INIT request as any initiator would send it. */
static size_t init_request(struct fx *f, uint8_t *buf, size_t cap)
{
	static struct ikev2_msg m;
	uint8_t spi[8], ke[64], nonce[32];
	static const uint8_t zero[8];
	size_t len;

	RAND_bytes(spi, sizeof(spi));
	RAND_bytes(ke, sizeof(ke));
	RAND_bytes(nonce, sizeof(nonce));
	ikev2_msg_init(&m, spi, zero, IKEV2_EXCH_IKE_SA_INIT,
		       IKEV2_F_INITIATOR, 0);
	if (ikev2_sa_from_props(&m.chain.sa, &f->d->conf->conns[0].ike,
				IKEV2_PROTO_IKE, NULL, 0,
				IKED_PROP_DH_ECP_256, false) ||
	    ikev2_chain_add(&m.chain, IKEV2_PL_SA) ||
	    ikev2_chain_add_ke(&m.chain, IKED_PROP_DH_ECP_256, ke,
			       sizeof(ke)) ||
	    ikev2_chain_add_nonce(&m.chain, nonce, sizeof(nonce)) ||
	    ikev2_msg_build(&m, buf, cap, &len))
		abort();
	return len;
}

TEST(unknown_peer_flood_is_rate_limited)
{
	struct fx *f = fx_new();
	uint8_t buf[2048];
	unsigned int i, lines;
	size_t len;
	char *log;

	/* 127.0.0.3 is no conn's peer: each request would log a warning. */
	for (i = 0; i < 200; i++) {
		len = init_request(f, buf, sizeof(buf));
		ikev2_recv(f->d, buf, len, &f->path[1]);
	}
	log = fx_log(f);
	lines = count(log, "no conn for peer 127.0.0.3");
	EXPECT_GE(10, lines) TH_LOG("%u lines for 200 requests", lines);
	EXPECT_LE(1, lines);
	free(log);
	fx_free(f);
}

TEST_HARNESS_MAIN
