// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal of kesp-iked: the NAT_DETECTION_*_IP hash against known
 * answers computed independently with Python's hashlib:
 *
 *   sha1(spi_i + spi_r + socket.inet_pton(af, ip) + struct.pack('!H', port))
 *
 * detection from the peer's payloads (no NAT, NAT on either side, forced
 * encapsulation, encapsulation=no and its diagnosis, a peer without
 * NAT-T), and the non-ESP marker / keepalive classification of datagrams
 * on port 4500 (RFC 3948 2.2, 2.3).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/ikev2/ike.h"
#include "iked/net.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static struct kesp_addr addr(const char *s)
{
	struct kesp_addr a;
	char err[128];

	memset(&a, 0, sizeof(a));
	if (kesp_addr_parse(s, &a, err, sizeof(err)))
		abort();
	return a;
}

#define EXPECT_HEX(want, got, n) do {					\
	uint8_t w_[64];							\
	hex(want, w_, n);						\
	EXPECT_EQ(0, memcmp(w_, got, n));				\
} while (0)

static const uint8_t SPI_I[8] = { 0x01, 0x23, 0x45, 0x67,
				  0x89, 0xab, 0xcd, 0xef };
static const uint8_t SPI_R[8] = { 0xfe, 0xdc, 0xba, 0x98,
				  0x76, 0x54, 0x32, 0x10 };
static const uint8_t ZERO[8];

TEST(natd_hash_ipv4_request)
{
	struct kesp_addr a = addr("192.0.2.1");
	uint8_t h[IKED_NATD_LEN];

	/* IKE_SA_INIT request: SPIr still zero. */
	ASSERT_EQ(0, natt_hash(SPI_I, ZERO, &a, 500, h));
	EXPECT_HEX("9426429034924268452f8e3ff79fb69e2a8d71eb", h, 20);
}

TEST(natd_hash_ipv4_response)
{
	struct kesp_addr a = addr("198.51.100.7");
	uint8_t h[IKED_NATD_LEN];

	ASSERT_EQ(0, natt_hash(SPI_I, SPI_R, &a, 4500, h));
	EXPECT_HEX("7bf4a701ea63f3769d66764e8eb91237b4895c03", h, 20);
}

TEST(natd_hash_ipv6)
{
	struct kesp_addr a = addr("2001:db8::1");
	uint8_t h[IKED_NATD_LEN];

	ASSERT_EQ(0, natt_hash(SPI_I, SPI_R, &a, 31337, h));
	EXPECT_HEX("5d43cce62f97838c123b0103464752c8b65625c1", h, 20);
}

TEST(natd_hash_no_family)
{
	struct kesp_addr a = { 0 };
	uint8_t h[IKED_NATD_LEN];

	EXPECT_EQ(-EAFNOSUPPORT, natt_hash(SPI_I, SPI_R, &a, 500, h));
}

/* Two ends of one IKE SA, each with its view of the path. */
struct pair {
	struct iked *d;
	struct iked_conf conf;
	struct iked_conf_conn cc[2];
	struct iked_conn conns[2];
	struct ike_sa i, r;
	struct ikev2_chain *c;
};

static struct pair *pair_new(const char *i_local, uint16_t i_lport,
			     const char *r_sees_i, uint16_t r_sees_iport,
			     const char *r_local, enum iked_conf_encaps ei,
			     enum iked_conf_encaps er)
{
	struct pair *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	p->d = calloc(1, sizeof(*p->d));
	p->c = calloc(1, sizeof(*p->c));
	if (!p->d || !p->c)
		abort();
	p->cc[0].name = "i";
	p->cc[0].encaps = ei;
	p->cc[1].name = "r";
	p->cc[1].encaps = er;
	p->conf.conns = p->cc;
	p->conf.n_conns = 2;
	p->d->conf = &p->conf;
	p->d->conns = p->conns;
	p->d->n_conns = 2;
	p->d->natt_kernel = true;
	p->i.d = p->r.d = p->d;
	p->i.initiator = true;
	p->i.conn = &p->cc[0];
	p->r.conn = &p->cc[1];
	p->i.path.local = addr(i_local);
	p->i.path.lport = i_lport;
	p->i.path.remote = addr(r_local);
	p->i.path.rport = 500;
	p->r.path.local = addr(r_local);
	p->r.path.lport = 500;
	p->r.path.remote = addr(r_sees_i);
	p->r.path.rport = r_sees_iport;
	return p;
}

static void pair_free(struct pair *p)
{
	/* A failure's line lives on the heap, whole. */
	free(p->conns[0].last_error);
	free(p->conns[1].last_error);
	free(p->c);
	free(p->d);
	free(p);
}

/* The request's NAT_D from the initiator, checked by the responder. */
static int request(struct pair *p)
{
	int r;

	ikev2_chain_init(p->c);
	r = natt_add_natd(&p->i, p->c, SPI_I, ZERO);
	if (!r)
		natt_check(&p->r, p->c, SPI_I, ZERO);
	return r;
}

/* The response's, checked by the initiator. */
static int response(struct pair *p)
{
	int r;

	ikev2_chain_init(p->c);
	r = natt_add_natd(&p->r, p->c, SPI_I, SPI_R);
	if (!r)
		natt_check(&p->i, p->c, SPI_I, SPI_R);
	return r;
}

TEST(detect_no_nat)
{
	struct pair *p = pair_new("192.0.2.1", 500, "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO,
				  IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, request(p));
	EXPECT_EQ(2, p->c->n_notify);
	EXPECT_TRUE(p->r.natt.peer_natd);
	EXPECT_FALSE(p->r.natt.in_use);
	ASSERT_EQ(0, response(p));
	EXPECT_TRUE(p->i.natt.peer_natd);
	EXPECT_FALSE(p->i.natt.in_use);
	EXPECT_STREQ("none", natt_status(&p->i));
	EXPECT_STREQ("none", natt_status(&p->r));
	natt_float(&p->i);
	EXPECT_EQ(500, p->i.path.lport);
	pair_free(p);
}

TEST(detect_initiator_behind_nat)
{
	/* 10.0.0.2:500 leaves the NAT as 203.0.113.5:31024. */
	struct pair *p = pair_new("10.0.0.2", 500, "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO,
				  IKED_ENCAPS_AUTO);

	p->d->net.nat_port = 4500;
	ASSERT_EQ(0, request(p));
	EXPECT_TRUE(p->r.natt.in_use);
	EXPECT_TRUE(p->r.natt.remote_behind);
	EXPECT_FALSE(p->r.natt.local_behind);
	EXPECT_STREQ("remote", natt_status(&p->r));
	ASSERT_EQ(0, response(p));
	EXPECT_TRUE(p->i.natt.in_use);
	EXPECT_TRUE(p->i.natt.local_behind);
	EXPECT_FALSE(p->i.natt.remote_behind);
	EXPECT_TRUE(p->i.natt.encap);
	EXPECT_STREQ("local", natt_status(&p->i));
	/* IKE_AUTH goes to the peer's 4500 from ours. */
	natt_float(&p->i);
	EXPECT_EQ(4500, p->i.path.lport);
	EXPECT_EQ(4500, p->i.path.rport);
	pair_free(p);
}

TEST(forced_without_nat)
{
	struct pair *p = pair_new("192.0.2.1", 500, "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_FORCE,
				  IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, request(p));
	/* The faked source hash: the responder sees a NAT at the peer. */
	EXPECT_TRUE(p->r.natt.in_use);
	EXPECT_TRUE(p->r.natt.remote_behind);
	ASSERT_EQ(0, response(p));
	EXPECT_TRUE(p->i.natt.in_use);
	EXPECT_TRUE(p->i.natt.forced);
	EXPECT_FALSE(p->i.natt.local_behind);
	EXPECT_FALSE(p->i.natt.remote_behind);
	EXPECT_STREQ("forced", natt_status(&p->i));
	pair_free(p);
}

TEST(encapsulation_no_is_diagnosed)
{
	struct pair *p = pair_new("10.0.0.2", 500, "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO,
				  IKED_ENCAPS_NEVER);

	ASSERT_EQ(0, request(p));
	EXPECT_TRUE(p->r.natt.remote_behind);
	EXPECT_FALSE(p->r.natt.in_use);
	EXPECT_NE(NULL, strstr(p->conns[1].last_error, "encapsulation=no"));
	EXPECT_NE(NULL, strstr(p->conns[1].last_error, "pass nothing"));
	/* Nor does it send NAT_D: the peer stays with plain ESP. */
	ikev2_chain_init(p->c);
	ASSERT_EQ(0, natt_add_natd(&p->r, p->c, SPI_I, SPI_R));
	EXPECT_EQ(0, p->c->n_notify);
	pair_free(p);
}

TEST(peer_without_natt_behind_nat)
{
	struct pair *p = pair_new("10.0.0.2", 500, "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_NEVER,
				  IKED_ENCAPS_AUTO);

	ASSERT_EQ(0, request(p));
	EXPECT_EQ(0, p->c->n_notify);
	EXPECT_FALSE(p->r.natt.peer_natd);
	EXPECT_FALSE(p->r.natt.in_use);
	EXPECT_NE(NULL, strstr(p->conns[1].last_error,
			       "sent no NAT_DETECTION payloads"));
	pair_free(p);
}

TEST(wrong_length_natd_counts_as_nat)
{
	struct pair *p = pair_new("192.0.2.1", 500, "192.0.2.1", 500,
				  "198.51.100.1", IKED_ENCAPS_AUTO,
				  IKED_ENCAPS_AUTO);
	uint8_t h[IKED_NATD_LEN];

	ikev2_chain_init(p->c);
	ASSERT_EQ(0, natt_hash(SPI_I, ZERO, &p->i.path.local, 500, h));
	/* A truncated hash does not match. */
	ASSERT_EQ(0, ikev2_chain_add_notify(p->c, 0, NULL, 0,
					    IKEV2_N_NAT_DETECTION_SOURCE_IP,
					    h, 19));
	ASSERT_EQ(0, natt_hash(SPI_I, ZERO, &p->r.path.local, 500, h));
	ASSERT_EQ(0, ikev2_chain_add_notify(p->c, 0, NULL, 0,
					    IKEV2_N_NAT_DETECTION_DESTINATION_IP,
					    h, 20));
	natt_check(&p->r, p->c, SPI_I, ZERO);
	EXPECT_TRUE(p->r.natt.remote_behind);
	EXPECT_FALSE(p->r.natt.local_behind);
	pair_free(p);
}

TEST(ksa_ports_follow_the_path)
{
	struct pair *p = pair_new("10.0.0.2", 500, "203.0.113.5", 31024,
				  "198.51.100.1", IKED_ENCAPS_AUTO,
				  IKED_ENCAPS_AUTO);
	struct kesp_sa k;

	ASSERT_EQ(0, request(p));
	p->r.path.lport = 4500;
	p->r.path.rport = 31025;
	memset(&k, 0, sizeof(k));
	k.dir = KESP_DIR_OUT;
	natt_fill_ksa(&p->r, &k);
	EXPECT_TRUE(k.present & KESP_BIT(KESP_SA_A_ENCAP_SPORT));
	EXPECT_EQ(4500, k.encap_sport);
	EXPECT_EQ(31025, k.encap_dport);
	memset(&k, 0, sizeof(k));
	k.dir = KESP_DIR_IN;
	natt_fill_ksa(&p->r, &k);
	EXPECT_EQ(31025, k.encap_sport);
	EXPECT_EQ(4500, k.encap_dport);
	/* Without NAT-T, plain ESP. */
	p->r.natt.encap = false;
	memset(&k, 0, sizeof(k));
	natt_fill_ksa(&p->r, &k);
	EXPECT_EQ(0, k.present);
	pair_free(p);
}

TEST(marker_ike)
{
	uint8_t b[4 + 28] = { 0 };
	size_t skip = 99;

	b[4] = 0x11;	/* SPIi */
	EXPECT_EQ(IKED_NATT_RX_IKE, iked_net_natt_classify(b, sizeof(b), &skip));
	EXPECT_EQ(4, skip);
	/* A marker with less than an IKE header behind it. */
	EXPECT_EQ(IKED_NATT_RX_MALFORMED,
		  iked_net_natt_classify(b, sizeof(b) - 1, &skip));
	EXPECT_EQ(0, skip);
}

TEST(marker_keepalive_and_esp)
{
	uint8_t ka = 0xff, bad = 0xfe;
	uint8_t esp[16] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1 };
	size_t skip;

	EXPECT_EQ(IKED_NATT_RX_KEEPALIVE, iked_net_natt_classify(&ka, 1, &skip));
	EXPECT_EQ(IKED_NATT_RX_MALFORMED, iked_net_natt_classify(&bad, 1, &skip));
	EXPECT_EQ(IKED_NATT_RX_ESP, iked_net_natt_classify(esp, sizeof(esp), &skip));
	EXPECT_EQ(IKED_NATT_RX_MALFORMED, iked_net_natt_classify(esp, 8, &skip));
	EXPECT_EQ(IKED_NATT_RX_MALFORMED, iked_net_natt_classify(esp, 3, &skip));
	EXPECT_EQ(IKED_NATT_RX_MALFORMED, iked_net_natt_classify(esp, 0, &skip));
}

TEST_HARNESS_MAIN
