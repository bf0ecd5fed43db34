// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7296 2.21.2, 2.21.3 in process: a protected message whose ICV
 * verifies but whose decrypted payloads do not parse is malformed as a
 * rule miss is. A request is answered INVALID_SYNTAX (its message ID
 * used, the answer cached; in IKE_AUTH the IKE SA ended), a response
 * fails its request and is reported in an INFORMATIONAL; what fails the
 * ICV stays unanswered.
 */

#include "iked_fixture.h"
#include "kselftest_harness.h"

/*
 * What the peer's SK decrypts to: a Notify whose generic header says
 * 255 bytes, in 8. Anything the parser refuses would do.
 */
static const uint8_t unparsable[] = { 0, 0, 0, 255, 0, 0, 0, 0 };

/* @plain sealed as the peer of @sa sends it, however malformed. */
static size_t seal_raw(struct ike_sa *sa, uint8_t exchange, bool response,
		       uint32_t msg_id, const uint8_t *plain, size_t plen,
		       uint8_t *out, size_t cap)
{
	struct ikev2_sk_keys k;
	struct ikev2_hdr h;
	size_t len;

	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.exchange = exchange;
	h.flags = (uint8_t)((sa->initiator ? 0 : IKEV2_F_INITIATOR) |
			    (response ? IKEV2_F_RESPONSE : 0));
	h.msg_id = msg_id;
	xchg_sk_keys(sa, !sa->initiator, &k);
	if (ikev2_sk_seal(&k, &h, IKEV2_PL_NOTIFY, plain, plen, out, cap,
			  &len))
		abort();
	return len;
}

static size_t unparsable_msg(struct ike_sa *sa, uint8_t exchange,
			     bool response, uint32_t msg_id, uint8_t *out,
			     size_t cap)
{
	return seal_raw(sa, exchange, response, msg_id, unparsable,
			sizeof(unparsable), out, cap);
}

/*
 * Whether @buf (@len bytes, or -1: nothing came) is what @sa sent
 * carrying nothing but an INVALID_SYNTAX notify, a response or not, of
 * @exchange with @msg_id.
 */
static bool is_invalid_syntax(struct ike_sa *sa, const uint8_t *buf,
			      ssize_t len, uint8_t exchange, bool response,
			      uint32_t msg_id)
{
	static struct ikev2_msg m;
	static struct ikev2_chain in;

	if (len <= 0 || fx_open(sa, buf, (size_t)len, &m, &in))
		return false;
	return m.hdr.exchange == exchange && m.hdr.msg_id == msg_id &&
	       !(m.hdr.flags & IKEV2_F_RESPONSE) == !response &&
	       in.n == 1 && in.n_notify == 1 &&
	       in.notify[0].type == IKEV2_N_INVALID_SYNTAX;
}

TEST(request_unparsable_answered_and_cached)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_ESTABLISHED);
	uint8_t req[2048], resp[2048], again[2048];
	ssize_t rlen, n;
	size_t len;
	char *log;

	len = unparsable_msg(sa, IKEV2_EXCH_INFORMATIONAL, false, 2, req,
			     sizeof(req));
	ikev2_recv(f->d, req, len, &f->path[0]);
	rlen = fx_peer_recv(f, 0, resp, sizeof(resp));
	EXPECT_TRUE(is_invalid_syntax(sa, resp, rlen,
				      IKEV2_EXCH_INFORMATIONAL, true, 2));
	EXPECT_EQ(3, v2(sa)->next_peer_id);
	EXPECT_EQ(IKE_ESTABLISHED, sa->state);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "malformed INFORMATIONAL request from 127.0.0.2["))
		TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "payload past the end at byte 0 of the encrypted part: answered INVALID_SYNTAX"));
	free(log);

	/* Retransmitted: the cached answer, byte for byte. */
	ikev2_recv(f->d, req, len, &f->path[0]);
	n = fx_peer_recv(f, 0, again, sizeof(again));
	ASSERT_LT(0, rlen);
	EXPECT_EQ(rlen, n);
	EXPECT_EQ(0, memcmp(resp, again, (size_t)rlen));

	/* Authentic from a new port (a NAT moved the peer): the same. */
	ikev2_recv(f->d, req, len, &f->path[1]);
	n = fx_peer_recv(f, 1, again, sizeof(again));
	EXPECT_EQ(rlen, n);
	EXPECT_EQ(0, memcmp(resp, again, (size_t)rlen));
	EXPECT_EQ(3, v2(sa)->next_peer_id);
	fx_free(f);
}

TEST(create_child_request_unparsable_answered)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_ESTABLISHED);
	uint8_t req[2048], resp[2048];
	ssize_t rlen;
	size_t len;
	char *log;

	len = unparsable_msg(sa, IKEV2_EXCH_CREATE_CHILD_SA, false, 2, req,
			     sizeof(req));
	ikev2_recv(f->d, req, len, &f->path[0]);
	rlen = fx_peer_recv(f, 0, resp, sizeof(resp));
	EXPECT_TRUE(is_invalid_syntax(sa, resp, rlen,
				      IKEV2_EXCH_CREATE_CHILD_SA, true, 2));
	EXPECT_EQ(3, v2(sa)->next_peer_id);
	EXPECT_EQ(0, fake_kern.sa_add);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "malformed CREATE_CHILD_SA request from 127.0.0.2["))
		TH_LOG("log: %s", log);
	free(log);
	fx_free(f);
}

TEST(ike_auth_request_unparsable_ends_ike_sa)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_INIT_DONE);
	uint8_t req[2048], resp[2048];
	ssize_t rlen;
	size_t len;
	char *log;

	len = unparsable_msg(sa, IKEV2_EXCH_IKE_AUTH, false, 1, req,
			     sizeof(req));
	ikev2_recv(f->d, req, len, &f->path[0]);
	rlen = fx_peer_recv(f, 0, resp, sizeof(resp));
	EXPECT_TRUE(is_invalid_syntax(sa, resp, rlen, IKEV2_EXCH_IKE_AUTH,
				      true, 1));
	/* No IKE SA comes of it (2.21.2). */
	EXPECT_EQ(IKE_DEAD, sa->state);
	EXPECT_EQ(0, fake_kern.sa_add);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "malformed IKE_AUTH request from 127.0.0.2["))
		TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "answered INVALID_SYNTAX"));
	free(log);
	fx_free(f);
}

/* Our CREATE_CHILD_SA request sent, what the peer got of it drained. */
static struct ike_sa *child_pending(struct fx *f)
{
	struct ike_sa *sa = fx_ike_sa(f, 0, true, IKE_ESTABLISHED);
	uint8_t buf[2048];

	if (child_create_start(sa, 0) ||
	    fx_peer_recv(f, 0, buf, sizeof(buf)) <= 0)
		abort();
	return sa;
}

TEST(create_child_response_unparsable_reported)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = child_pending(f);
	uint32_t id = v2(sa)->next_req_id - 1;
	uint8_t buf[2048], out[2048];
	ssize_t n;
	size_t len;
	char *log;

	len = unparsable_msg(sa, IKEV2_EXCH_CREATE_CHILD_SA, true, id, buf,
			     sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[0]);
	EXPECT_EQ(0, fake_kern.sa_add);
	EXPECT_EQ(IKE_ESTABLISHED, sa->state);
	/* The request is over; its error reported in a request of ours. */
	n = fx_peer_recv(f, 0, out, sizeof(out));
	EXPECT_TRUE(is_invalid_syntax(sa, out, n, IKEV2_EXCH_INFORMATIONAL,
				      false, id + 1));
	EXPECT_EQ(REQ_NOTIFY, sa->req_kind);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "malformed CREATE_CHILD_SA response from 127.0.0.2["))
		TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "no CHILD SA installed"));
	free(log);

	/* A malformed answer to the report ends it, reported no further. */
	len = unparsable_msg(sa, IKEV2_EXCH_INFORMATIONAL, true, id + 1, buf,
			     sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[0]);
	EXPECT_EQ(REQ_NONE, sa->req_kind);
	EXPECT_EQ(-1, fx_peer_recv(f, 0, out, sizeof(out)));
	EXPECT_EQ(IKE_ESTABLISHED, sa->state);
	fx_free(f);
}

TEST(ike_auth_response_unparsable_ends_ike_sa)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, true, IKE_INIT_DONE);
	static struct ikev2_chain c;
	uint8_t buf[2048], out[2048];
	size_t len;

	/* Stands for our IKE_AUTH request: only its kind and ID matter. */
	ikev2_chain_init(&c);
	if (xchg_request(sa, REQ_AUTH, IKEV2_EXCH_IKE_AUTH, &c) ||
	    fx_peer_recv(f, 0, out, sizeof(out)) <= 0)
		abort();
	len = unparsable_msg(sa, IKEV2_EXCH_IKE_AUTH, true,
			     v2(sa)->next_req_id - 1, buf, sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[0]);
	EXPECT_EQ(IKE_DEAD, sa->state);
	EXPECT_EQ(0, fake_kern.sa_add);
	/* No report: there is no IKE SA left to send it in. */
	EXPECT_EQ(-1, fx_peer_recv(f, 0, out, sizeof(out)));
	fx_free(f);
}

TEST(bad_icv_request_dropped)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_ESTABLISHED);
	uint8_t req[2048], forged[2048], resp[2048];
	ssize_t n;
	size_t len;
	char *log;

	len = unparsable_msg(sa, IKEV2_EXCH_INFORMATIONAL, false, 2, req,
			     sizeof(req));
	memcpy(forged, req, len);
	forged[len - 1] ^= 0x55;
	ikev2_recv(f->d, forged, len, &f->path[0]);
	EXPECT_EQ(-1, fx_peer_recv(f, 0, resp, sizeof(resp)));
	EXPECT_EQ(2, v2(sa)->next_peer_id);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "integrity check failed"))
		TH_LOG("log: %s", log);
	EXPECT_EQ(NULL, strstr(log, "INVALID_SYNTAX"));
	free(log);

	/* The ICV made the difference: the authentic one is answered. */
	ikev2_recv(f->d, req, len, &f->path[0]);
	n = fx_peer_recv(f, 0, resp, sizeof(resp));
	EXPECT_TRUE(is_invalid_syntax(sa, resp, n, IKEV2_EXCH_INFORMATIONAL,
				      true, 2));
	EXPECT_EQ(3, v2(sa)->next_peer_id);

	/* A forged copy from elsewhere gets no cached answer either. */
	ikev2_recv(f->d, forged, len, &f->path[1]);
	EXPECT_EQ(-1, fx_peer_recv(f, 1, resp, sizeof(resp)));
	fx_free(f);
}

TEST(bad_icv_response_dropped)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = child_pending(f);
	uint32_t id = v2(sa)->next_req_id - 1;
	uint8_t buf[2048], out[2048];
	ssize_t n;
	size_t len;

	len = unparsable_msg(sa, IKEV2_EXCH_CREATE_CHILD_SA, true, id, buf,
			     sizeof(buf));
	buf[len - 1] ^= 0x55;
	ikev2_recv(f->d, buf, len, &f->path[0]);
	EXPECT_EQ(REQ_CREATE_CHILD, sa->req_kind);
	EXPECT_EQ(-1, fx_peer_recv(f, 0, out, sizeof(out)));

	/* The ICV made the difference: the authentic one ends the request. */
	buf[len - 1] ^= 0x55;
	ikev2_recv(f->d, buf, len, &f->path[0]);
	n = fx_peer_recv(f, 0, out, sizeof(out));
	EXPECT_TRUE(is_invalid_syntax(sa, out, n, IKEV2_EXCH_INFORMATIONAL,
				      false, id + 1));
	fx_free(f);
}

TEST_HARNESS_MAIN
