// SPDX-License-Identifier: GPL-2.0
/*
 * Two kesp-iked instances in one process negotiate IKEv1 with each other
 * (keyexchange=ikev1): real encoded Main Mode, Quick Mode and
 * Informational messages over loopback UDP through the dispatcher, both
 * event loops driven by hand, the kernel facade replaced by the recorder
 * (iked_pair.h), as test_iked_exchange.c does for IKEv2. The tests check
 * what the two ends agree on (SPIs, algorithms, KEYMAT) after Main Mode +
 * Quick Mode with and without PFS, a retransmitted request answered from
 * the cache, Delete from either side, that a PSK mismatch installs
 * nothing and says so, and INITIAL-CONTACT: said only when nothing else
 * is up with the peer, and heard from a peer that restarted (one end's
 * context freed without a Delete and made anew), it ends the old SAs.
 *
 * The daemon hard-codes the peer's port (500), so each test runs in a
 * network namespace of its own (unshare; a user namespace too when not
 * root): A on 127.0.0.1:500, B on 127.0.0.2:500, nothing else on the
 * host is touched and runs of this binary do not collide.
 */

#include "ikev1_pair.h"
#include "pair_child.h"
#include "pair_sa.h"

static const char conf_a[] =
	"conn a-b\n"
	"\tleft=127.0.0.1\n"
	"\tleftid=@a.example\n"
	"\tleftsubnet=10.1.0.0/24\n"
	"\tright=127.0.0.2\n"
	"\trightid=@b.example\n"
	"\trightsubnet=10.2.0.0/24\n"
	"\tauthby=secret\n"
	"\tkeyexchange=ikev1\n"
	"\tike=aes256-sha256-modp2048!\n"
	/* Not AEAD: both keys of an ESP SA are compared; PFS. */
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
	"\tkeyexchange=ikev1\n"
	"\tike=aes256-sha256-modp2048!\n"
	"\tesp=aes128-sha256-ecp256!\n"
	"\tauto=add\n";

static const char secrets_bad[] =
	"@a.example @b.example : PSK \"" IKE_PSK "-but-not-quite\"\n";

static int pair_setup(struct pair *p, const char *secrets_b, char *why,
		      size_t len)
{
	return pair_setup_confs(p, conf_a, conf_b, secrets_b, why, len);
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

/* @in brings the conn up; both ends settle. */
static int bring_up(struct pair *p, struct inst *in)
{
	if (pair_initiate(in))
		return -1;
	pair_settle(p, 5000);
	return 0;
}

/* The IKEv1 state of @in's only IKE SA. */
static const char *v1_state(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD)
			return v1_state_name(v1(sa)->st);
	return "(none)";
}

static void expect_one_pair_up(struct __test_metadata *_metadata,
			       struct pair *p, char *why, size_t len)
{
	const struct kesp_sa *ai[1], *bo[1];

	EXPECT_EQ(0, check_one_ike_sa(p, NULL, why, len)) TH_LOG("%s", why);
	EXPECT_STREQ("MM_ACTIVE", v1_state(&p->a));
	EXPECT_STREQ("MM_ACTIVE", v1_state(&p->b));
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, check_history(p, why, len)) TH_LOG("%s", why);
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, ai, 1));
	ASSERT_EQ(1, live_sas(&p->b.rec, KESP_DIR_OUT, bo, 1));
	EXPECT_EQ(ai[0]->spi, bo[0]->spi);
	EXPECT_EQ(16, ai[0]->enc_key_len);
	EXPECT_EQ(32, ai[0]->integ_key_len);
	EXPECT_EQ(KESP_MODE_TUNNEL, ai[0]->mode);
	EXPECT_EQ(24, ai[0]->sel.src.plen);
	EXPECT_EQ(3, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
}

TEST_F(two, main_mode_and_quick_mode_install_matching_sas)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* MM1-MM6, QM1-QM3: nine messages. */
	EXPECT_EQ(9, p->delivered);
	expect_one_pair_up(_metadata, p, self->why, sizeof(self->why));
	EXPECT_EQ(1, log_count(p, &p->a, "ISAKMP SA established (IKEv1 Main Mode, initiator)"));
	EXPECT_EQ(1, log_count(p, &p->b, "ISAKMP SA established (IKEv1 Main Mode, responder)"));
	EXPECT_EQ(1, log_count(p, &p->a, "Quick Mode") &&
		     log_count(p, &p->a, "with PFS"));
	/* Each end's Vendor IDs, in words, once: MM1's at B, MM2's at A. */
	EXPECT_EQ(1, log_count(p, &p->b, "the peer's Vendor IDs: "));
	EXPECT_EQ(1, log_count(p, &p->a, "the peer's Vendor IDs: "));
	EXPECT_EQ(1, log_count(p, &p->b, "DPD (RFC 3706)"));
	EXPECT_EQ(1, log_count(p, &p->b, "NAT-T (RFC 3947), NAT-T (draft 03)"));
	EXPECT_EQ(1, log_count(p, &p->a, "Vendor IDs: DPD (RFC 3706), FRAGMENTATION, NAT-T (RFC 3947)"));
	EXPECT_EQ(0, log_count(p, &p->a, "unknown"));
	/* Nothing removed; what one end sends, the other's policy expects. */
	EXPECT_EQ(2, added_sas(&p->a.rec, KESP_DIR_IN) +
		     added_sas(&p->a.rec, KESP_DIR_OUT));
	EXPECT_EQ(2, added_sas(&p->b.rec, KESP_DIR_IN) +
		     added_sas(&p->b.rec, KESP_DIR_OUT));
	ASSERT_NE(NULL, live_policy(&p->a.rec, KESP_DIR_OUT));
	ASSERT_NE(NULL, live_policy(&p->b.rec, KESP_DIR_IN));
	EXPECT_TRUE(sel_equal(&live_policy(&p->a.rec, KESP_DIR_OUT)->sel,
			      &live_policy(&p->b.rec, KESP_DIR_IN)->sel));
	EXPECT_TRUE(sel_equal(&live_policy(&p->b.rec, KESP_DIR_OUT)->sel,
			      &live_policy(&p->a.rec, KESP_DIR_IN)->sel));
}

TEST_F(two, b_initiates_as_well)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, bring_up(p, &p->b));
	EXPECT_EQ(9, p->delivered);
	expect_one_pair_up(_metadata, p, self->why, sizeof(self->why));
}

TEST_F(two, a_retransmitted_request_gets_the_same_answer)
{
	struct pair *p = &self->p;
	struct ike_sa *a, *b;
	uint8_t *qm3;
	size_t qm3_len;

	ASSERT_EQ(0, bring_up(p, &p->a));
	a = p->a.d->sas;
	b = p->b.d->sas;
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_TRUE(a->have_resp);
	ASSERT_TRUE(b->have_resp);
	qm3 = malloc(a->resp_len);
	ASSERT_NE(NULL, qm3);
	memcpy(qm3, a->resp, a->resp_len);
	qm3_len = a->resp_len;
	/*
	 * B sends its QM2 again (as if A's QM3 were lost): A answers with
	 * the same QM3, which B, having it already, drops: no echo.
	 */
	iked_net_send(&p->b.d->net, &b->path, b->resp, b->resp_len);
	pair_settle(p, 2000);
	EXPECT_EQ(1, log_count(p, &p->a, "retransmitted request: our answer again"));
	EXPECT_EQ(0, log_count(p, &p->b, "retransmitted request: our answer again"));
	EXPECT_EQ(2, p->delivered - 9);
	EXPECT_EQ(qm3_len, a->resp_len);
	EXPECT_EQ(0, memcmp(qm3, a->resp, qm3_len));
	free(qm3);
	expect_one_pair_up(_metadata, p, self->why, sizeof(self->why));
}

TEST_F(two, delete_from_a_removes_everything_on_both)
{
	struct pair *p = &self->p;
	struct ike_view v[4];
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p, &p->a));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, pair_terminate(&p->a));
	pair_settle(p, 5000);

	EXPECT_EQ(0, pair_ike_list(&p->a, v, 4));
	EXPECT_EQ(0, pair_ike_list(&p->b, v, 4));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_EQ(0, live_policies(&p->a.rec));
	EXPECT_EQ(0, live_policies(&p->b.rec));
	EXPECT_EQ(1, log_count(p, &p->b, "the peer deleted CHILD SA"));
	EXPECT_EQ(1, log_count(p, &p->b, "the peer deleted the ISAKMP SA"));
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * @in crashes (its SAs go from its kernel, no Delete is sent) and starts
 * again from @conf with nothing: 0 or -1 (@why).
 */
static int restart(struct inst *in, const char *ip, const char *conf,
		   char *why, size_t len)
{
	pair_daemon_free(in);
	return pair_daemon_new(in, ip, conf, secrets_ok, why, len);
}

/*
 * A keeps the old ISAKMP SA and pair of the B that restarted; B, with
 * nothing left, brings the conn up again saying INITIAL-CONTACT: A ends
 * the old ones (kernel SAs too) once B is authenticated, one pair stays.
 */
static void expect_old_replaced(struct __test_metadata *_metadata,
				struct pair *p, uint32_t in0, uint32_t out0,
				const char *where, char *why, size_t len)
{
	char needle[96];

	snprintf(needle, sizeof(needle),
		 "the peer sent INITIAL-CONTACT in %s: 1 old IKE SA with it deleted",
		 where);
	EXPECT_EQ(1, log_count(p, &p->a, needle));
	EXPECT_EQ(1, log_count(p, &p->a, "replaced: the peer restarted"));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, why, len)) TH_LOG("%s", why);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, out0));
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
}

TEST_F(two, initial_contact_after_b_restarted_ends_the_old_sas_on_a)
{
	struct pair *p = &self->p;
	struct ike_view v[4];
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* A had nothing with B: it said so in MM5. */
	EXPECT_EQ(1, log_count(p, &p->b, "the peer sent INITIAL-CONTACT in MM5: 0 old"));
	live_spis(p, &in0, &out0);
	ASSERT_NE(0, in0);
	ASSERT_EQ(0, restart(&p->b, "127.0.0.2", conf_b, self->why,
			     sizeof(self->why))) TH_LOG("%s", self->why);
	ASSERT_EQ(1, pair_ike_list(&p->a, v, 4));
	ASSERT_EQ(0, bring_up(p, &p->b));
	expect_old_replaced(_metadata, p, in0, out0, "MM5", self->why,
			    sizeof(self->why));
	EXPECT_STREQ("MM_ACTIVE", v1_state(&p->a));
	EXPECT_EQ(3, live_policies(&p->a.rec));
}

TEST_F(two, initial_contact_after_a_restarted_ends_the_old_sas_on_b)
{
	struct pair *p = &self->p;
	uint32_t in0, out0, b_in0, b_out0;

	ASSERT_EQ(0, bring_up(p, &p->b));
	live_spis(p, &in0, &out0);
	/* B's view: its in is A's out. */
	b_in0 = out0;
	b_out0 = in0;
	/* A restarts and initiates: B (responder) holds the old ones. */
	ASSERT_EQ(0, restart(&p->a, "127.0.0.1", conf_a, self->why,
			     sizeof(self->why))) TH_LOG("%s", self->why);
	ASSERT_EQ(0, bring_up(p, &p->a));
	EXPECT_EQ(1, log_count(p, &p->b, "replaced: the peer restarted"));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, b_in0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, b_out0));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	/* B still had the old SA when it answered: it said nothing. */
	EXPECT_EQ(0, log_count(p, &p->a, "the peer sent INITIAL-CONTACT in MM6"));
}

/* A new ISAKMP SA of @in beside the one it has, as a rekey would start. */
static struct ike_sa *second_ike_sa(struct inst *in)
{
	struct ike_sa *old = in->d->sas, *sa;

	if (!old)
		return NULL;
	sa = ike_sa_new(in->d, old->proto, true, &old->path);
	if (!sa)
		return NULL;
	ike_sa_set_conn(sa, old->conn);
	if (sa->proto->ike_start(sa)) {
		ike_sa_kill(sa, NULL);
		return NULL;
	}
	return sa;
}

TEST_F(two, initial_contact_in_mm6_from_a_restarted_responder)
{
	struct pair *p = &self->p;
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p, &p->a));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, restart(&p->b, "127.0.0.2", conf_b, self->why,
			     sizeof(self->why))) TH_LOG("%s", self->why);
	/* A, holding the old one, says nothing in MM5; B answers saying it. */
	ASSERT_NE(NULL, second_ike_sa(&p->a));
	pair_settle(p, 5000);
	/* Only the first MM5 said it. */
	EXPECT_EQ(1, log_count(p, &p->b, "the peer sent INITIAL-CONTACT"));
	expect_old_replaced(_metadata, p, in0, out0, "MM6", self->why,
			    sizeof(self->why));
}

/* Whether the next datagram waiting on @in's socket carries the DPD VID. */
static int next_has_dpd_vid(struct inst *in)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));
	struct iked_path path;
	struct ikev1_err err;
	const struct ikev1_pl *pl;
	unsigned int i;
	ssize_t len;
	int found = 0;

	if (!m)
		return -1;
	len = iked_net_recv(&in->d->net, in->d->net.fd4, in->d->buf,
			    sizeof(in->d->buf), &path);
	if (len <= 0 || ikev1_msg_parse(m, in->d->buf, (size_t)len, &err)) {
		free(m);
		return -1;
	}
	for (i = 0; (pl = ikev1_chain_find(&m->chain, IKEV1_PL_VID, i)); i++)
		if (pl->len == 16 && !memcmp(pl->body, v1_dpd_vid(), 16))
			found = 1;
	/* Handed on, so that the exchange goes on. */
	iked_ike_recv(in->d, in->d->buf, (size_t)len, &path);
	free(m);
	return found;
}

/*
 * RFC 3706 2: a peer sends R-U-THERE only to one that said it speaks
 * DPD, with its Vendor ID in phase 1 (Libreswan and strongSwan check).
 */
TEST_F(two, mm1_and_mm2_carry_the_dpd_vendor_id)
{
	struct pair *p = &self->p;
	struct pollfd pfd;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pfd = (struct pollfd){ pair_fd(&p->b), POLLIN, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ(1, next_has_dpd_vid(&p->b)) TH_LOG("MM1 without it");
	pfd = (struct pollfd){ pair_fd(&p->a), POLLIN, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ(1, next_has_dpd_vid(&p->a)) TH_LOG("MM2 without it");
	pair_settle(p, 5000);
	expect_one_pair_up(_metadata, p, self->why, sizeof(self->why));
}

TEST_F(two, a_second_isakmp_sa_says_no_initial_contact)
{
	struct pair *p = &self->p;
	struct ike_sa *sa;

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* A second Main Mode beside the first: A has one with B already. */
	sa = second_ike_sa(&p->a);
	ASSERT_NE(NULL, sa);
	pair_settle(p, 5000);
	EXPECT_EQ(IKE_ESTABLISHED, sa->state);
	EXPECT_EQ(1, log_count(p, &p->b, "the peer sent INITIAL-CONTACT"));
	EXPECT_EQ(0, log_count(p, &p->b, "replaced: the peer restarted"));
}

/* ---- CHILD SA rekeying (ikev1/rekey.c), make before break. ---- */

/* Every SA @k removed went after every SA of the pair (@in, @out) went in. */
static bool added_before_deleted(const struct iked_kernel *k, uint32_t in,
				 uint32_t out)
{
	const struct rec_sa *ni = rec_of(k, KESP_DIR_IN, in);
	const struct rec_sa *no = rec_of(k, KESP_DIR_OUT, out);
	size_t i;

	if (!ni || !no)
		return false;
	for (i = 0; i < k->n_sa; i++)
		if (!k->sa[i].live && (k->sa[i].del_seq < ni->add_seq ||
				       k->sa[i].del_seq < no->add_seq))
			return false;
	return true;
}

/*
 * @rk (A or B) reaches the soft lifetime of the pair and rekeys it; @o
 * is the other end. Checks each step: both pairs in the kernel, the old
 * one deleted once the new one sends, one pair in the end.
 */
static void rekey_by(struct __test_metadata *_metadata, struct pair *p,
		     struct inst *rk, struct inst *o, char *why, size_t len)
{
	const struct kesp_sa *s[4];
	uint32_t a_in0, a_out0, a_in1, a_out1, rk_in0;
	unsigned int before = p->delivered;

	live_spis(p, &a_in0, &a_out0);
	ASSERT_NE(0, a_in0);
	rk_in0 = rk == &p->a ? a_in0 : a_out0;
	soft_expire(rk, rk_in0);
	pair_settle(p, 5000);
	/* QM1, QM2, QM3 on the ISAKMP SA that is there. */
	EXPECT_EQ(3, p->delivered - before);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(1, log_count(p, rk, "to rekey a CHILD SA"));
	EXPECT_EQ(1, log_count(p, rk, "rekeyed: #"));
	EXPECT_EQ(1, log_count(p, o, "rekeyed by the peer"));
	/* Both pairs receive; the rekeyer still sends on the old one. */
	EXPECT_EQ(2, live_sas(&rk->rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(1, live_sas(&rk->rec, KESP_DIR_OUT, s, 4));
	EXPECT_EQ(2, live_sas(&o->rec, KESP_DIR_IN, s, 4));
	/* The responder sends on the new pair since QM3. */
	EXPECT_EQ(2, live_sas(&o->rec, KESP_DIR_OUT, s, 4));
	EXPECT_EQ(0, o->rec.bogus + rk->rec.bogus);

	/* IKED_DEFER_OUT_MS later the new pair sends, the old one goes. */
	age_children(rk, IKED_DEFER_OUT_MS + 100);
	before = p->delivered;
	pair_settle(p, 5000);
	/*
	 * It stops sending on the old pair, whose inbound SA lingers; the
	 * Delete waits for the linger's end, so that ESP sent on the old
	 * pair just before still finds the other end's SA.
	 */
	EXPECT_EQ(0, p->delivered - before);
	EXPECT_EQ(1, log_count(p, rk, "replaced by a rekey): no longer sending"));
	EXPECT_EQ(0, log_count(p, o, "the peer deleted CHILD SA"));
	EXPECT_EQ(2, live_sas(&o->rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(2, live_sas(&rk->rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(1, live_sas(&rk->rec, KESP_DIR_OUT, s, 4));
	EXPECT_EQ(3, live_policies(&rk->rec));

	/* The linger ends: the Delete, and the other end drops the pair. */
	age_children(rk, 5000);
	before = p->delivered;
	pair_settle(p, 2000);
	EXPECT_EQ(1, p->delivered - before);	/* the Delete */
	EXPECT_EQ(1, log_count(p, o, "the peer deleted CHILD SA"));
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, check_history(p, why, len)) TH_LOG("%s", why);
	live_spis(p, &a_in1, &a_out1);
	EXPECT_NE(a_in0, a_in1);
	EXPECT_NE(a_out0, a_out1);
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, a_in0));
	EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_OUT, a_out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, a_out0));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, a_in0));
	/* The kernel saw the new pair added before the old one deleted. */
	EXPECT_TRUE(added_before_deleted(&p->a.rec, a_in1, a_out1));
	EXPECT_TRUE(added_before_deleted(&p->b.rec, a_out1, a_in1));
	EXPECT_EQ(3, live_policies(&p->a.rec));
	EXPECT_EQ(3, live_policies(&p->b.rec));
	EXPECT_EQ(0, live_sa(rk)->req_kind);
}

TEST_F(two, a_rekeys_the_pair_make_before_break)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, bring_up(p, &p->a));
	rekey_by(_metadata, p, &p->a, &p->b, self->why, sizeof(self->why));
}

TEST_F(two, b_the_isakmp_responder_rekeys_the_pair)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, bring_up(p, &p->a));
	rekey_by(_metadata, p, &p->b, &p->a, self->why, sizeof(self->why));
}

TEST_F(two, rekeyed_twice_by_either_side)
{
	struct pair *p = &self->p;
	const struct kesp_sa *s[4];

	ASSERT_EQ(0, bring_up(p, &p->b));
	rekey_by(_metadata, p, &p->a, &p->b, self->why, sizeof(self->why));
	/* The new pair's soft expiry on B now; counts start anew. */
	{
		uint32_t in, out;
		unsigned int before = p->delivered;

		live_spis(p, &in, &out);
		soft_expire(&p->b, out);
		pair_settle(p, 5000);
		EXPECT_EQ(3, p->delivered - before);
		age_children(&p->b, IKED_DEFER_OUT_MS + 100);
		pair_settle(p, 5000);
		age_children(&p->b, 5000);
		pair_settle(p, 2000);
		EXPECT_TRUE(removed(&p->a.rec, KESP_DIR_IN, in));
		EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, out));
	}
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(3, added_sas(&p->a.rec, KESP_DIR_IN));
	EXPECT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, s, 4));
}

/* The peer never sends its Delete: the old pair goes at its hard expiry. */
TEST_F(two, the_replaced_pair_goes_at_its_hard_lifetime)
{
	struct pair *p = &self->p;
	const struct kesp_sa *s[4];
	struct kesp_sa k = { .dir = KESP_DIR_IN };
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p, &p->a));
	live_spis(p, &in0, &out0);
	soft_expire(&p->a, in0);
	pair_settle(p, 5000);
	/* B's inbound SA of the old pair reaches its hard lifetime. */
	k.spi = out0;
	k.dst = live_sa(&p->b)->path.local;
	iked_sa_expired(p->b.d, &k, true);
	pair_settle(p, 2000);
	EXPECT_EQ(1, live_sas(&p->b.rec, KESP_DIR_IN, s, 4));
	EXPECT_EQ(1, live_sas(&p->b.rec, KESP_DIR_OUT, s, 4));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, in0));
	/* Not held for a new CHILD SA: the new pair carries it. */
	EXPECT_FALSE(live_sa(&p->b)->want_child);
	EXPECT_EQ(0, p->b.rec.bogus);
}

FIXTURE(bad_psk) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(bad_psk)
{
	int r = pair_setup(&self->p, secrets_bad, self->why,
			   sizeof(self->why));

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

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* MM1-MM5: B cannot decrypt (or verify) MM5 under its own key. */
	EXPECT_EQ(5, p->delivered);
	EXPECT_EQ(0, p->a.rec.n_sa);
	EXPECT_EQ(0, p->b.rec.n_sa);
	EXPECT_EQ(0, p->a.rec.pol_adds);
	EXPECT_EQ(0, p->b.rec.pol_adds);
	EXPECT_EQ(1, log_count(p, &p->b, "pre-shared key mismatch likely"));
	EXPECT_EQ(0, log_count(p, &p->a, "ISAKMP SA established"));
	EXPECT_EQ(0, log_count(p, &p->b, "ISAKMP SA established"));
	/* A still waits for MM6 (its retransmissions would say why). */
	EXPECT_EQ(1, pair_ike_list(&p->a, v, 4));
	EXPECT_FALSE(v[0].established);
	EXPECT_STREQ("MM_WAIT_MSG6", v1_state(&p->a));
}

/* Aggressive Mode: A asks for it; B allows it (aggr) or not (aggr_refused). */
#define AGGR_A	"conn a-b\n\tleft=127.0.0.1\n\tleftid=@a.example\n" \
		"\tleftsubnet=10.1.0.0/24\n\tright=127.0.0.2\n" \
		"\trightid=@b.example\n\trightsubnet=10.2.0.0/24\n" \
		"\tauthby=secret\n\tkeyexchange=ikev1\n\taggressive=yes\n" \
		"\tike=aes128-sha1-modp2048!\n\tesp=aes128-sha1!\n" \
		"\tauto=add\n"
#define AGGR_B(yes) "conn b-a\n\tleft=127.0.0.2\n\tleftid=@b.example\n" \
		"\tleftsubnet=10.2.0.0/24\n\tright=127.0.0.1\n" \
		"\trightid=@a.example\n\trightsubnet=10.1.0.0/24\n" \
		"\tauthby=secret\n\tkeyexchange=ikev1\n\taggressive=" yes "\n" \
		"\tike=aes128-sha1-modp2048!\n\tesp=aes128-sha1!\n" \
		"\tauto=add\n"

FIXTURE(aggr) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(aggr)
{
	int r = pair_setup_confs(&self->p, AGGR_A, AGGR_B("yes"), secrets_ok,
				 self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(aggr)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(aggr, aggressive_mode_and_quick_mode_install_matching_sas)
{
	struct pair *p = &self->p;
	const struct kesp_sa *ai[1];

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* AM1-AM3, QM1-QM3: six messages. */
	EXPECT_EQ(6, p->delivered);
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->a, "ISAKMP SA established (IKEv1 Aggressive Mode, initiator)"));
	EXPECT_EQ(1, log_count(p, &p->b, "ISAKMP SA established (IKEv1 Aggressive Mode, responder)"));
	EXPECT_EQ(1, log_count(p, &p->b, "its PSK hash can be attacked offline"));
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, ai, 1));
	EXPECT_EQ(16, ai[0]->enc_key_len);
	EXPECT_EQ(20, ai[0]->integ_key_len);
}

TEST_F(aggr, initial_contact_in_am3_after_b_restarted)
{
	struct pair *p = &self->p;
	uint32_t in0, out0;

	ASSERT_EQ(0, bring_up(p, &p->a));
	EXPECT_EQ(1, log_count(p, &p->b, "the peer sent INITIAL-CONTACT in AM3: 0 old"));
	live_spis(p, &in0, &out0);
	ASSERT_EQ(0, restart(&p->b, "127.0.0.2", AGGR_B("yes"), self->why,
			     sizeof(self->why))) TH_LOG("%s", self->why);
	/* B initiates now: A answers AM1, B's AM3 says it. */
	ASSERT_EQ(0, bring_up(p, &p->b));
	expect_old_replaced(_metadata, p, in0, out0, "AM3", self->why,
			    sizeof(self->why));
}

FIXTURE(aggr_refused) {
	struct pair p;
	char why[256];
};

FIXTURE_SETUP(aggr_refused)
{
	int r = pair_setup_confs(&self->p, AGGR_A, AGGR_B("no"), secrets_ok,
				 self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(aggr_refused)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(aggr_refused, only_for_conns_that_allow_it)
{
	struct pair *p = &self->p;
	struct ike_view v[4];

	ASSERT_EQ(0, bring_up(p, &p->a));
	EXPECT_EQ(1, p->delivered);
	EXPECT_EQ(0, pair_ike_list(&p->b, v, 4));
	EXPECT_EQ(0, p->b.rec.n_sa);
	EXPECT_EQ(1, log_count(p, &p->b, "starts Aggressive Mode, which conn b-a does not allow"));
}

/* B's conn: its ESP proposals and the subnet it expects of A. */
#define B_CONF(esp, asub) "conn b-a\n\tleft=127.0.0.2\n\tleftid=@b.example\n" \
		"\tleftsubnet=10.2.0.0/24\n\tright=127.0.0.1\n" \
		"\trightid=@a.example\n\trightsubnet=" asub "\n" \
		"\tauthby=secret\n\tkeyexchange=ikev1\n" \
		"\tike=aes256-sha256-modp2048!\n\tesp=" esp "!\n" \
		"\tauto=add\n"

FIXTURE(phase2) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(phase2) {
	const char *conf_b;
	const char *b_says;
	const char *a_says;
};

/* A offers PFS (ECP-256), B wants none. */
FIXTURE_VARIANT_ADD(phase2, pfs_mismatch) {
	.conf_b = B_CONF("aes128-sha256", "10.1.0.0/24"),
	.b_says = "phase 2 proposal mismatch (NO_PROPOSAL_CHOSEN): nothing in QM1",
	.a_says = "the peer sent notify 14 (NO_PROPOSAL_CHOSEN)",
};

/* B expects another subnet behind A. */
FIXTURE_VARIANT_ADD(phase2, proxy_id_mismatch) {
	.conf_b = B_CONF("aes128-sha256-ecp256", "10.9.0.0/24"),
	.b_says = "proxy ID mismatch (INVALID_ID_INFORMATION): the peer asks for 10.1.0.0/24 === 10.2.0.0/24, we have 10.9.0.0/24 === 10.2.0.0/24",
	.a_says = "the peer sent notify 18 (INVALID_ID_INFORMATION)",
};

FIXTURE_SETUP(phase2)
{
	int r = pair_setup_confs(&self->p, conf_a, variant->conf_b, secrets_ok,
				 self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(phase2)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(phase2, refused_with_both_sides_named)
{
	struct pair *p = &self->p;
	struct ike_view v[4];

	ASSERT_EQ(0, bring_up(p, &p->a));
	/* Phase 1 is up on both ends; no CHILD SA anywhere. */
	EXPECT_EQ(1, pair_ike_list(&p->a, v, 4));
	EXPECT_TRUE(v[0].established);
	EXPECT_EQ(0, v[0].n_children);
	EXPECT_EQ(0, p->a.rec.n_sa);
	EXPECT_EQ(0, p->b.rec.n_sa);
	EXPECT_EQ(1, log_count(p, &p->b, variant->b_says));
	EXPECT_EQ(1, log_count(p, &p->a, variant->a_says));
}

TEST_HARNESS_MAIN
