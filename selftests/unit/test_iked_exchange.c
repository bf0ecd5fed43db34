// SPDX-License-Identifier: GPL-2.0
/*
 * Two kesp-iked instances in one process negotiate with each other: real
 * encoded IKEv2 messages over loopback UDP, both event loops driven by
 * hand, the kernel facade replaced at link time by a recorder of every
 * SA and policy each side installs or removes (iked_pair.h). The tests
 * check what the two ends agree on (SPIs, algorithms, keys) after
 * IKE_SA_INIT + IKE_AUTH, CREATE_CHILD_SA, CHILD SA and IKE SA rekey
 * collisions, crossing CHILD SA creations (also when the peer keeps its
 * redundant pair) and Delete, and that a PSK mismatch installs nothing.
 *
 * The daemon hard-codes the peer's port (500), so each test runs in a
 * network namespace of its own (unshare; a user namespace too when not
 * root): A on 127.0.0.1:500, B on 127.0.0.2:500, nothing else on the
 * host is touched and runs of this binary do not collide.
 */

#include "iked/ikev2/ike.h"
#include "inst_pair.h"
#include "pair_child.h"

/* ---- Daemon adapter: the calls into kesp-iked beyond inst_pair.h. ---- */

/* kespctl ike rekey NAME child|ike: due now, started by the timers. */
static int pair_rekey_child(struct inst *in)
{
	return iked_rekey(in->d, &in->d->conns[0], false, true);
}

static int pair_rekey_ike(struct inst *in)
{
	return iked_rekey(in->d, &in->d->conns[0], true, false);
}

/* The kernel's hard EXPIRE event for SA (@dir, @dst, @spi). */
static void pair_kernel_expired(struct inst *in, uint8_t dir,
				const struct kesp_addr *dst, uint32_t spi)
{
	struct kesp_sa k;

	memset(&k, 0, sizeof(k));
	k.dir = dir;
	k.dst = *dst;
	k.spi = spi;
	iked_sa_expired(in->d, &k, true);
}

/* ---- The pair's conns and secrets. ---- */

#define IKE_PSK		"kesp-in-process-exchange"

static const char conf_a[] =
	"conn a-b\n"
	"\tleft=127.0.0.1\n"
	"\tleftid=@a.example\n"
	"\tleftsubnet=10.1.0.0/24\n"
	"\tright=127.0.0.2\n"
	"\trightid=@b.example\n"
	"\trightsubnet=10.2.0.0/24\n"
	"\tauthby=secret\n"
	"\tike=aes256gcm16-prfsha256-ecp256!\n"
	/* Not AEAD: both keys of an ESP SA are compared; PFS in rekeys. */
	"\tesp=aes128-sha256-ecp256!\n"
	"\tauto=add\n";

static const char conf_b[] =
	"conn b-a\n"
	"\tleft=127.0.0.2\n"
	"\tleftid=@b.example\n"
	"\tleftsubnet=10.2.0.0/24\n"
	"\tright=127.0.0.1\n"
	"\trightid=@a.example\n"
	"\trightsubnet=10.1.0.0/24\n"
	"\tauthby=secret\n"
	"\tike=aes256gcm16-prfsha256-ecp256!\n"
	"\tesp=aes128-sha256-ecp256!\n"
	"\tauto=add\n";

static const char secrets_ok[] =
	"@a.example @b.example : PSK \"" IKE_PSK "\"\n";
static const char secrets_bad[] =
	"@a.example @b.example : PSK \"" IKE_PSK "-but-not-quite\"\n";

static int pair_setup(struct pair *p, const char *secrets_b, char *why,
		      size_t len)
{
	return pair_open(p, conf_a, conf_b, secrets_ok, secrets_b, why, len);
}

/* ---- The tests. ---- */

FIXTURE(two) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(two)
{
	int r = pair_setup(&self->p, secrets_ok, self->why, sizeof(self->why));

	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(two)
{
	pair_teardown(&self->p, !_metadata->passed);
}

/* A brings the conn up; both ends settle. */
static int bring_up(struct pair *p)
{
	if (pair_initiate(&p->a))
		return -1;
	pair_settle(p, 5000);
	return 0;
}

TEST_F(two, init_auth_installs_matching_sas)
{
	struct pair *p = &self->p;
	const struct kesp_sa *ai[1], *bo[1];

	ASSERT_EQ(0, bring_up(p));
	/* IKE_SA_INIT and IKE_AUTH: two requests, two responses. */
	EXPECT_EQ(4, p->delivered);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA established"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA established"));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* Nothing removed; both keys of the ESP SAs are there. */
	EXPECT_EQ(2, added_sas(&p->a.rec, KESP_DIR_IN) +
		     added_sas(&p->a.rec, KESP_DIR_OUT));
	EXPECT_EQ(2, added_sas(&p->b.rec, KESP_DIR_IN) +
		     added_sas(&p->b.rec, KESP_DIR_OUT));
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, ai, 1));
	ASSERT_EQ(1, live_sas(&p->b.rec, KESP_DIR_OUT, bo, 1));
	EXPECT_EQ(16, ai[0]->enc_key_len);
	EXPECT_EQ(32, ai[0]->integ_key_len);
	EXPECT_EQ(KESP_MODE_TUNNEL, ai[0]->mode);
	/* A's SPI, reserved by A, is where B sends. */
	EXPECT_EQ(0xa0000100, ai[0]->spi & 0xffffff00);
	EXPECT_EQ(ai[0]->spi, bo[0]->spi);
	/* One subnet each side: the SAs carry the selectors too. */
	EXPECT_TRUE(ai[0]->present & KESP_BIT(KESP_SA_A_SEL));
	EXPECT_EQ(24, ai[0]->sel.src.plen);
	/* Tunnel mode: out, in and fwd policies on each end... */
	EXPECT_EQ(3, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
	/* ...and what one end sends, the other's inbound policy expects. */
	ASSERT_NE(NULL, live_policy(&p->a.rec, KESP_DIR_OUT));
	ASSERT_NE(NULL, live_policy(&p->a.rec, KESP_DIR_IN));
	ASSERT_NE(NULL, live_policy(&p->b.rec, KESP_DIR_OUT));
	ASSERT_NE(NULL, live_policy(&p->b.rec, KESP_DIR_IN));
	EXPECT_TRUE(sel_equal(&live_policy(&p->a.rec, KESP_DIR_OUT)->sel,
			      &live_policy(&p->b.rec, KESP_DIR_IN)->sel));
	EXPECT_TRUE(sel_equal(&live_policy(&p->b.rec, KESP_DIR_OUT)->sel,
			      &live_policy(&p->a.rec, KESP_DIR_IN)->sel));
	EXPECT_FALSE(sel_equal(&live_policy(&p->a.rec, KESP_DIR_OUT)->sel,
			       &live_policy(&p->a.rec, KESP_DIR_IN)->sel));
}

/* Hand @in the one datagram waiting on its socket; 1, or 0 if none. */
static unsigned int pair_recv_one(struct inst *in)
{
	struct iked *d = in->d;
	struct iked_path path;
	ssize_t len;

	do {
		len = iked_net_recv(&d->net, d->net.fd4, d->buf,
				    sizeof(d->buf), &path);
	} while (len == 0);
	if (len < 0)
		return 0;
	d->rx_us = iked_now_us();
	iked_ike_recv(d, d->buf, (size_t)len, &path);
	return 1;
}

/* @in's retransmission timer fires now (its one IKE SA's request). */
static void pair_retransmit_now(struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && sa->retx_at)
			sa->retx_at = iked_now();
	pair_timers(in);
}

/*
 * A's IKE_SA_INIT goes out twice (a retransmission). B, loaded, asks the
 * first copy for a cookie; its load gone, it answers the second in full.
 * A retries with the cookie, then gets that late full answer: it answers
 * the request A replaced, not the retry. A must not build IKE_AUTH on it
 * (it would sign the retry over the old exchange's keys: B finds the
 * AUTH wrong), and B must take the retry as a new request, not as a
 * retransmission of the one it answered (whose answer, sent again, would
 * do the same). Seen against charon in the guest.
 */
TEST_F(two, late_answer_to_the_init_before_a_cookie_is_not_used)
{
	struct pair *p = &self->p;

	p->b.d->cookie_threshold = 0;	/* 0: always ask for a cookie */
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_retransmit_now(&p->a);
	ASSERT_EQ(1, pair_recv_one(&p->b));	/* copy 1: COOKIE */
	p->b.d->cookie_threshold = 100;
	ASSERT_EQ(1, pair_recv_one(&p->b));	/* copy 2: answered in full */
	ASSERT_EQ(1, pair_recv_one(&p->a));	/* the COOKIE: A retries */
	ASSERT_EQ(1, pair_recv_one(&p->a));	/* the late full answer */
	pair_settle(p, 5000);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA established"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA established"));
	EXPECT_EQ(1, log_count(p, &p->a, "IKE_SA_INIT we have replaced"));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * RFC 7383: both ends announce fragmentation (the default, yes); with a
 * fragment size far below what IKE_AUTH needs, each side's IKE_AUTH
 * message goes as several Encrypted Fragments and the other puts them
 * back together. The IKE SA and its CHILD SA come up as unfragmented.
 */
TEST_F(two, ike_auth_fragmented_both_ways)
{
	struct pair *p = &self->p;
	struct ike_view v[4];

	p->a.d->fragment_size = 200;
	p->b.d->fragment_size = 200;
	ASSERT_EQ(0, bring_up(p));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* More datagrams than the four messages: IKE_AUTH in fragments. */
	EXPECT_LT(4, p->delivered);
	EXPECT_EQ(1, log_count(p, &p->a, "IKE_AUTH request 1 in "));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE_AUTH response 1 in "));
	EXPECT_EQ(1, log_count(p, &p->b,
			       "IKE_AUTH request 1 reassembled from"));
	EXPECT_EQ(1, log_count(p, &p->a,
			       "IKE_AUTH response 1 reassembled from"));
	/* Later exchanges too: a Delete, small, stays one datagram. */
	ASSERT_EQ(0, pair_terminate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(0, pair_ike_list(&p->a, v, 4));
	EXPECT_EQ(0, pair_ike_list(&p->b, v, 4));
}

/*
 * A retransmission of a fragmented request resends every fragment: B
 * never sees the first copy of A's IKE_AUTH, only the retransmitted
 * fragments, and answers them.
 */
TEST_F(two, fragmented_request_retransmitted_whole)
{
	struct pair *p = &self->p;
	unsigned int lost = 0;

	p->a.d->fragment_size = 200;
	p->b.d->fragment_size = 200;
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_EQ(1, pair_recv_one(&p->b));	/* IKE_SA_INIT request */
	ASSERT_EQ(1, pair_recv_one(&p->a));	/* response: IKE_AUTH out */
	/* Every fragment of A's IKE_AUTH is lost on the way. */
	while (recv(pair_fd(&p->b), p->b.d->buf, sizeof(p->b.d->buf),
		    MSG_DONTWAIT) > 0)
		lost++;
	EXPECT_LT(1, lost);
	pair_retransmit_now(&p->a);
	pair_settle(p, 5000);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->b,
			       "IKE_AUTH request 1 reassembled from"));
}

/*
 * fragmentation=no on B: B announces nothing, so A, though it would,
 * sends IKE_AUTH whole, and so does B; the exchange is as ever.
 */
TEST_F(two, fragmentation_no_on_one_side_sends_whole_messages)
{
	struct pair *p = &self->p;

	p->a.d->fragment_size = 200;
	p->b.d->fragment_size = 200;
	p->b.d->conf->conns[0].fragmentation = IKED_FRAG_NO;
	ASSERT_EQ(0, bring_up(p));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(4, p->delivered);
	EXPECT_EQ(0, log_count(p, &p->a, "fragments of at most"));
	EXPECT_EQ(0, log_count(p, &p->b, "fragments of at most"));
	EXPECT_EQ(0, log_count(p, &p->a, "reassembled"));
	EXPECT_EQ(0, log_count(p, &p->b, "reassembled"));
}

/* fragmentation=accept on A: A takes B's fragments but sends whole. */
TEST_F(two, fragmentation_accept_receives_but_sends_whole)
{
	struct pair *p = &self->p;

	p->a.d->fragment_size = 200;
	p->b.d->fragment_size = 200;
	p->a.d->conf->conns[0].fragmentation = IKED_FRAG_ACCEPT;
	ASSERT_EQ(0, bring_up(p));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, log_count(p, &p->a, "fragments of at most"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE_AUTH response 1 in "));
	EXPECT_EQ(1, log_count(p, &p->a,
			       "IKE_AUTH response 1 reassembled from"));
}

TEST_F(two, key_check_catches_a_corrupted_key)
{
	struct pair *p = &self->p;
	const struct kesp_sa *ao[1], *bi[1];
	struct kesp_sa bad;

	/* The comparison the other tests rely on fails when it should. */
	ASSERT_EQ(0, bring_up(p));
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_OUT, ao, 1));
	ASSERT_EQ(1, live_sas(&p->b.rec, KESP_DIR_IN, bi, 1));
	ASSERT_TRUE(sa_match(ao[0], bi[0], self->why, sizeof(self->why)));
	bad = *ao[0];
	bad.enc_key[bad.enc_key_len - 1] ^= 1;
	EXPECT_FALSE(sa_match(&bad, bi[0], self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "encryption key"));
	bad = *ao[0];
	bad.integ_key[0] ^= 0x80;
	EXPECT_FALSE(sa_match(&bad, bi[0], self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "integrity key"));
	bad = *ao[0];
	bad.spi++;
	EXPECT_FALSE(sa_match(&bad, bi[0], self->why, sizeof(self->why)));
	bad = *ao[0];
	bad.sel.dst.plen = 16;
	EXPECT_FALSE(sa_match(&bad, bi[0], self->why, sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "selectors"));
	/* An end that sends on what the other never installed is caught. */
	p->a.rec.sa[0].sa.spi ^= 0x10;
	p->a.rec.sa[1].sa.spi ^= 0x10;
	EXPECT_NE(0, check_history(p, self->why, sizeof(self->why)));
	EXPECT_NE(0, check_one_pair(p, self->why, sizeof(self->why)));
	p->a.rec.sa[0].sa.spi ^= 0x10;
	p->a.rec.sa[1].sa.spi ^= 0x10;
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(two, child_rekey_by_ctl_replaces_the_pair)
{
	struct pair *p = &self->p;
	uint32_t in0, out0, in1, out1;
	const struct rec_sa *old_out, *new_out;
	unsigned int pol_a, pol_b;

	ASSERT_EQ(0, bring_up(p));
	live_spis(p, &in0, &out0);
	pol_a = p->a.rec.pol_adds;
	pol_b = p->b.rec.pol_adds;
	ASSERT_EQ(0, pair_rekey_child(&p->a));
	pair_settle(p, 5000);

	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_NE(out0, out1);
	/* The old pair is gone on both ends. */
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	/* Fresh keys, not the old ones again. */
	EXPECT_NE(0, memcmp(rec_of(&p->a.rec, KESP_DIR_IN, in0)->sa.enc_key,
			    rec_of(&p->a.rec, KESP_DIR_IN, in1)->sa.enc_key,
			    16));
	/* Make before break: the new SA sends before the old one goes. */
	old_out = rec_of(&p->a.rec, KESP_DIR_OUT, out0);
	new_out = rec_of(&p->a.rec, KESP_DIR_OUT, out1);
	EXPECT_LT(new_out->add_seq, old_out->del_seq);
	old_out = rec_of(&p->b.rec, KESP_DIR_OUT, in0);
	new_out = rec_of(&p->b.rec, KESP_DIR_OUT, in1);
	EXPECT_LT(new_out->add_seq, old_out->del_seq);
	/* The policies stay, shared by the old and the new CHILD SA. */
	EXPECT_EQ(pol_a, p->a.rec.pol_adds);
	EXPECT_EQ(pol_b, p->b.rec.pol_adds);
	EXPECT_EQ(0, p->a.rec.pol_dels + p->b.rec.pol_dels);
	EXPECT_EQ(1, log_count(p, &p->a, "rekeyed"));
	EXPECT_EQ(1, log_count(p, &p->b, "rekeyed by the peer"));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * The "lifetime mismatch" warning needs two early rekeys by the peer in
 * a row: one (a rekey retried after a crossing meets a CHILD SA made
 * moments before) proves nothing, and a rekey at the normal time in
 * between starts the count again.
 */
TEST_F(two, lifetime_mismatch_warned_after_two_early_rekeys_in_a_row)
{
	struct pair *p = &self->p;
	const char *warn = "lifetime mismatch";

	ASSERT_EQ(0, bring_up(p));
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(0, log_count(p, &p->a, warn));
	/* On time: half an hour later, with the default lifetime=1h. */
	age_children(&p->a, 1800 * 1000);
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(0, log_count(p, &p->a, warn));
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, warn));
	/* Said once per conn while the interval stays the same. */
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, warn));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(two, new_child_sa_after_the_kernel_removed_one)
{
	struct pair *p = &self->p;
	const struct kesp_sa *ai[1];
	uint32_t in0, out0, in1, out1;
	struct kesp_addr dst;
	struct rec_sa *r;

	ASSERT_EQ(0, bring_up(p));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, ai, 1));
	dst = ai[0]->dst;
	/* `kespctl sa del` of A's inbound SA: the kernel says it is gone. */
	r = (struct rec_sa *)rec_of(&p->a.rec, KESP_DIR_IN, in0);
	r->live = false;
	r->gone = true;
	pair_kernel_expired(&p->a, KESP_DIR_IN, &dst, in0);
	pair_settle(p, 5000);

	/*
	 * A deletes the CHILD SA (Delete to B) and makes a new one by
	 * CREATE_CHILD_SA, not a rekey: its traffic is held meanwhile.
	 */
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	/* A holds the traffic by on-demand policies beside the CHILD SA's. */
	EXPECT_EQ(6, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
	EXPECT_EQ(1, log_count(p, &p->a, "creating a CHILD SA"));
	EXPECT_EQ(1, log_count(p, &p->b, "deleted by the peer"));
	EXPECT_EQ(0, log_count(p, &p->a, "rekeyed"));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * The kernel refused A's inbound SA after the daemon had queued it and
 * answered (kernel_queue.c hands the failure back later): A says so with
 * the kernel's text and deletes the CHILD SA, which B removes too.
 */
TEST_F(two, child_sa_whose_queued_install_failed_is_deleted)
{
	struct iked_kernel_failure f = { .cmd = KESP_CMD_SA_NEW,
					 .err = -EEXIST,
					 .why = "File exists (kernel: test)" };
	struct pair *p = &self->p;
	const struct kesp_sa *ai[1];
	uint32_t in0, out0;
	struct rec_sa *r;
	struct kesp_sa k;

	ASSERT_EQ(0, bring_up(p));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, ai, 1));
	k = *ai[0];
	/* It never went in. */
	r = (struct rec_sa *)rec_of(&p->a.rec, KESP_DIR_IN, in0);
	r->live = false;
	r->gone = true;
	f.sa = &k;
	iked_kernel_failed(&f, p->a.d);
	pair_settle(p, 5000);

	EXPECT_EQ(1, log_count(p, &p->a, "cannot install inbound SA"));
	EXPECT_EQ(1, log_count(p, &p->a, "File exists (kernel: test)"));
	EXPECT_EQ(1, log_count(p, &p->b, "deleted by the peer"));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	kesp_sa_wipe(&k);
}

TEST_F(two, child_rekey_collision_leaves_one_pair)
{
	struct pair *p = &self->p;
	uint32_t in0, out0, in1, out1;

	ASSERT_EQ(0, bring_up(p));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, pair_rekey_child(&p->a));
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	/* Both requests leave before either end has read anything. */
	pair_timers(&p->a);
	pair_timers(&p->b);
	ASSERT_EQ(1, log_count(p, &p->a, "rekeying CHILD SA"));
	ASSERT_EQ(1, log_count(p, &p->b, "rekeying CHILD SA"));
	pair_settle(p, 5000);

	/* Each end saw the collision and settled on the same survivor. */
	EXPECT_EQ(1, log_count(p, &p->a, "CHILD SA rekey collision: the peer rekeys"));
	EXPECT_EQ(1, log_count(p, &p->b, "CHILD SA rekey collision: the peer rekeys"));
	EXPECT_EQ(1, log_count(p, &p->a, "has the lowest nonce"));
	EXPECT_EQ(1, log_count(p, &p->b, "has the lowest nonce"));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	live_spis(p, &in1, &out1);
	EXPECT_NE(in0, in1);
	EXPECT_NE(out0, out1);
	/*
	 * Three inbound SAs on each end: the old one, the one of its own
	 * exchange and the one of the peer's; one lives, the old and the
	 * redundant one are deleted.
	 */
	EXPECT_EQ(3, added_sas(&p->a.rec, KESP_DIR_IN));
	EXPECT_EQ(3, added_sas(&p->b.rec, KESP_DIR_IN));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_EQ(3, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/* @in's one established IKE SA starts a new CHILD SA (as after a flush). */
static int pair_new_child(struct inst *in)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED)
			return sa->proto->child_start(sa);
	return -1;
}

/* The first pair and one new one: three inbound SAs made, two live. */
static void expect_first_and_one_new_pair(struct __test_metadata *_metadata,
					  const struct pair *p)
{
	const struct kesp_sa *s[4];

	EXPECT_EQ(3, added_sas(&p->a.rec, KESP_DIR_IN));
	EXPECT_EQ(3, added_sas(&p->b.rec, KESP_DIR_IN));
	EXPECT_EQ(2, live_sas(&p->a.rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(2, live_sas(&p->b.rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(2, live_sas(&p->a.rec, KESP_DIR_OUT, s, 4));
	EXPECT_EQ(2, live_sas(&p->b.rec, KESP_DIR_OUT, s, 4));
}

/*
 * Both ends create a new CHILD SA at once (both bring a flushed tunnel
 * back): the crossing requests would make two new pairs; the one of the
 * exchange with the lowest nonce is deleted by its creator. Seen in
 * iked-flush.
 */
TEST_F(two, crossing_child_creations_leave_one_new_pair)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, bring_up(p));
	/* Both requests leave before either end has read anything. */
	ASSERT_EQ(0, pair_new_child(&p->a));
	ASSERT_EQ(0, pair_new_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "CHILD SA creation collision: the peer creates"));
	EXPECT_EQ(1, log_count(p, &p->b, "CHILD SA creation collision: the peer creates"));
	EXPECT_EQ(1, log_count(p, &p->a, "has the lowest nonce and is deleted"));
	EXPECT_EQ(1, log_count(p, &p->b, "has the lowest nonce and is deleted"));
	expect_first_and_one_new_pair(_metadata, p);
	/*
	 * Each end's answer to the peer's request installs no outbound SA
	 * until the collision is decided: the end whose pair goes starts
	 * sending on the peer's, the other never sends on the doomed one.
	 * Outbound SAs made: the first pair's 2, each end's own 2 and the
	 * survivor's at its responder 1; installing at once made 6 (and
	 * released held packets before the peer could read them).
	 */
	EXPECT_EQ(5, added_sas(&p->a.rec, KESP_DIR_OUT) +
		     added_sas(&p->b.rec, KESP_DIR_OUT));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/* The IKEv2 header's exchange type and flags (RFC 7296 3.1). */
#define HDR_EXCHANGE	18
#define HDR_FLAGS	19

/* Loses every INFORMATIONAL request: a Delete, a liveness check. */
static bool lose_info_requests(const struct inst *in, const uint8_t *dgram,
			       size_t len)
{
	(void)in;
	return len > HDR_FLAGS &&
	       dgram[HDR_EXCHANGE] == IKEV2_EXCH_INFORMATIONAL &&
	       !(dgram[HDR_FLAGS] & IKEV2_F_RESPONSE);
}

/* Every SA @k sends on now is one @o receives on now. */
static bool live_out_is_live_in(const struct iked_kernel *k,
				const struct iked_kernel *o)
{
	size_t i;

	for (i = 0; i < k->n_sa; i++) {
		const struct rec_sa *in;

		if (!k->sa[i].live || k->sa[i].sa.dir != KESP_DIR_OUT)
			continue;
		in = rec_of(o, KESP_DIR_IN, k->sa[i].sa.spi);
		if (!in || !in->live)
			return false;
	}
	return true;
}

/*
 * Crossing creations as above, but the redundant pair's Delete by its
 * creator never arrives, as charon never sends one: the other end, which
 * kept that pair, deletes it IKED_REDUNDANT_WAIT_MS after the collision
 * was decided (sa/timers.c), and each end is left with the first pair
 * and one new one.
 */
TEST_F(two, crossing_child_creations_redundant_pair_kept_is_deleted_later)
{
	struct pair *p = &self->p;
	const struct kesp_sa *s[4];
	struct inst *keeper, *maker;

	ASSERT_EQ(0, bring_up(p));
	p->a.lose = lose_info_requests;
	p->b.lose = lose_info_requests;
	ASSERT_EQ(0, pair_new_child(&p->a));
	ASSERT_EQ(0, pair_new_child(&p->b));
	/* The creator waits for its Delete's answer in vain: not idle. */
	pair_settle(p, 2000);
	p->a.lose = NULL;
	p->b.lose = NULL;
	keeper = log_count(p, &p->a, "is deleted by the peer") ? &p->a : &p->b;
	maker = keeper == &p->a ? &p->b : &p->a;
	ASSERT_EQ(1, log_count(p, keeper, "is deleted by the peer"));
	ASSERT_EQ(1, log_count(p, maker, "is deleted by us"));
	ASSERT_EQ(1, keeper->lost);
	ASSERT_EQ(0, maker->lost);
	/* The keeper has the first pair, its own and the redundant one. */
	EXPECT_EQ(3, live_sas(&keeper->rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(0, log_count(p, keeper, "the peer kept its redundant pair"));

	age_children(&p->a, IKED_REDUNDANT_WAIT_MS);
	age_children(&p->b, IKED_REDUNDANT_WAIT_MS);
	pair_settle(p, 2000);
	EXPECT_EQ(1, log_count(p, keeper, "the peer kept its redundant pair"));
	EXPECT_EQ(0, log_count(p, maker, "the peer kept its redundant pair"));
	/* The first pair and one new one on each end, the same ones. */
	expect_first_and_one_new_pair(_metadata, p);
	EXPECT_TRUE(live_out_is_live_in(&p->a.rec, &p->b.rec));
	EXPECT_TRUE(live_out_is_live_in(&p->b.rec, &p->a.rec));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(two, ike_rekey_collision_leaves_one_ike_sa)
{
	struct pair *p = &self->p;
	struct ike_view v0, v1;
	unsigned int a_sas, b_sas;

	ASSERT_EQ(0, bring_up(p));
	ASSERT_EQ(0, check_one_ike_sa(p, &v0, self->why, sizeof(self->why)));
	a_sas = (unsigned int)p->a.rec.n_sa;
	b_sas = (unsigned int)p->b.rec.n_sa;
	ASSERT_EQ(0, pair_rekey_ike(&p->a));
	ASSERT_EQ(0, pair_rekey_ike(&p->b));
	pair_timers(&p->a);
	pair_timers(&p->b);
	ASSERT_EQ(1, log_count(p, &p->a, "rekeying the IKE SA"));
	ASSERT_EQ(1, log_count(p, &p->b, "rekeying the IKE SA"));
	pair_settle(p, 5000);

	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA rekey collision: the peer rekeys"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA rekey collision: the peer rekeys"));
	EXPECT_EQ(1, log_count(p, &p->a, "has the lowest nonce"));
	EXPECT_EQ(1, log_count(p, &p->b, "has the lowest nonce"));
	/*
	 * The old IKE SA and the redundant new one are deleted, each by
	 * one end: the old by the survivor's creator, the redundant one by
	 * its own, the other end.
	 */
	EXPECT_EQ(1, log_count(p, &p->a, "deleting IKE SA"));
	EXPECT_EQ(1, log_count(p, &p->b, "deleting IKE SA"));
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA deleted by the peer"));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA deleted by the peer"));
	/* One IKE SA left on each end, the same, new one. */
	ASSERT_EQ(0, check_one_ike_sa(p, &v1, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_NE(0, memcmp(v0.spi_i, v1.spi_i, 8));
	EXPECT_EQ(1, v1.n_children);
	/* The CHILD SA moved along untouched. */
	EXPECT_EQ(a_sas, p->a.rec.n_sa);
	EXPECT_EQ(b_sas, p->b.rec.n_sa);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);

	/* Both ends have the survivor's keys: a CHILD SA rekey through it. */
	ASSERT_EQ(0, pair_rekey_child(&p->b));
	pair_settle(p, 5000);
	EXPECT_EQ(a_sas + 2, p->a.rec.n_sa);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(two, delete_from_a_removes_everything_on_both)
{
	struct pair *p = &self->p;
	struct ike_view v[4];
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, pair_terminate(&p->a));
	pair_settle(p, 5000);

	EXPECT_EQ(0, pair_ike_list(&p->a, v, 4));
	EXPECT_EQ(0, pair_ike_list(&p->b, v, 4));
	/* B's recorder shows its two SAs deleted, nothing left. */
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_EQ(0, live_sas(&p->a.rec, KESP_DIR_IN, NULL, 0) +
		     live_sas(&p->a.rec, KESP_DIR_OUT, NULL, 0));
	EXPECT_EQ(0, live_sas(&p->b.rec, KESP_DIR_IN, NULL, 0) +
		     live_sas(&p->b.rec, KESP_DIR_OUT, NULL, 0));
	EXPECT_EQ(0, live_policies(&p->a.rec));
	EXPECT_EQ(0, live_policies(&p->b.rec));
	EXPECT_EQ(1, log_count(p, &p->b, "IKE SA deleted by the peer"));
	EXPECT_EQ(1, log_count(p, &p->a, "IKE SA deleted"));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

FIXTURE(bad_psk) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(bad_psk)
{
	int r = pair_setup(&self->p, secrets_bad, self->why,
			   sizeof(self->why));

	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(bad_psk)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(bad_psk, nothing_installed_and_the_failure_logged)
{
	struct pair *p = &self->p;
	struct ike_view v[4];

	ASSERT_EQ(0, bring_up(p));
	/* IKE_SA_INIT went through; IKE_AUTH failed on B's check. */
	EXPECT_EQ(4, p->delivered);
	EXPECT_EQ(0, p->a.rec.n_sa);
	EXPECT_EQ(0, p->b.rec.n_sa);
	EXPECT_EQ(0, p->a.rec.pol_adds);
	EXPECT_EQ(0, p->b.rec.pol_adds);
	EXPECT_EQ(0, pair_ike_list(&p->a, v, 4));
	EXPECT_EQ(0, pair_ike_list(&p->b, v, 4));
	EXPECT_EQ(1, log_count(p, &p->b, "PSK mismatch"));
	EXPECT_EQ(1, log_count(p, &p->a, "AUTHENTICATION_FAILED"));
	EXPECT_EQ(0, log_count(p, &p->a, "IKE SA established"));
	EXPECT_EQ(0, log_count(p, &p->b, "IKE SA established"));
}

TEST_HARNESS_MAIN
