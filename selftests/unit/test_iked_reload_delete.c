// SPDX-License-Identifier: GPL-2.0
/*
 * A reload that removes or changes a conn, end to end: two in-process
 * instances (inst_pair.h) bring the conn up over loopback, A reloads
 * from files, and the tests check that B learns of it although the
 * network loses A's first Delete: A's kernel state goes at once, its IKE
 * SA lives on (past its conf, which ASan watches) until its Delete,
 * sent again, is answered (IKEv2) or went its few times (IKEv1). Each
 * test runs for IKEv2 and IKEv1, in a network namespace of its own.
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iked/conn.h"
#include "iked/reload.h"
#include "iked/sa/control.h"
/* The pair's helpers these tests have no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "inst_pair.h"
#pragma GCC diagnostic pop

#define IKE_PSK		"kesp-in-process-reload"

static const char secrets[] = "@a.example @b.example : PSK \"" IKE_PSK "\"\n";

/*
 * A's conn a-b (first: pair_initiate() brings up conns[0]) as @kx
 * (ikev1, ikev2) negotiates it with @ike and @esp, @extra lines added;
 * and a conn to nobody, which every reload keeps.
 */
static void conf_a(char *buf, size_t len, const char *kx, const char *ike,
		   const char *esp, const char *extra, bool with_ab)
{
	int n = 0;

	if (with_ab)
		n = snprintf(buf, len,
			     "conn a-b\n"
			     "\tleft=127.0.0.1\n"
			     "\tleftid=@a.example\n"
			     "\tleftsubnet=10.1.0.0/24\n"
			     "\tright=127.0.0.2\n"
			     "\trightid=@b.example\n"
			     "\trightsubnet=10.2.0.0/24\n"
			     "\tauthby=secret\n"
			     "\tkeyexchange=%s\n"
			     "\tike=%s!\n"
			     "\tesp=%s!\n"
			     "%s\n",
			     kx, ike, esp, extra);
	snprintf(buf + n, len - (size_t)n,
		 "conn idle\n"
		 "\tleft=127.0.0.1\n"
		 "\tright=127.0.0.9\n"
		 "\tauthby=secret\n"
		 "\tauto=add\n");
}

static void conf_b(char *buf, size_t len, const char *kx, const char *ike,
		   const char *esp)
{
	snprintf(buf, len,
		 "conn b-a\n"
		 "\tleft=127.0.0.2\n"
		 "\tleftid=@b.example\n"
		 "\tleftsubnet=10.2.0.0/24\n"
		 "\tright=127.0.0.1\n"
		 "\trightid=@a.example\n"
		 "\trightsubnet=10.1.0.0/24\n"
		 "\tauthby=secret\n"
		 "\tkeyexchange=%s\n"
		 "\tike=%s!\n"
		 "\tesp=%s!\n"
		 "\tauto=add\n",
		 kx, ike, esp);
}

/* @path made anew with @text (iked_pair.h's write_file creates none). */
static int put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -1;
	r = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f))
		r = -1;
	return r;
}

/* The next datagrams to B that the network loses. */
static unsigned int b_loses;

static bool lose_next(const struct inst *in, const uint8_t *dgram, size_t len)
{
	(void)in;
	(void)dgram;
	(void)len;
	if (!b_loses)
		return false;
	b_loses--;
	return true;
}

/* @in's IKE SAs that are not dead; the first into *@sa. */
static unsigned int ike_sas(struct inst *in, struct ike_sa **sa)
{
	struct ike_sa *s;
	unsigned int n = 0;

	if (sa)
		*sa = NULL;
	for (s = in->d->sas; s; s = s->next) {
		if (s->state == IKE_DEAD)
			continue;
		if (sa && !n)
			*sa = s;
		n++;
	}
	return n;
}

static size_t live_all(const struct iked_kernel *k)
{
	return live_sas(k, KESP_DIR_IN, NULL, 0) +
	       live_sas(k, KESP_DIR_OUT, NULL, 0);
}

/* Wait (up to a second: loopback) for a datagram to @in. */
static bool arrived(struct inst *in)
{
	struct pollfd pfd = { pair_fd(in), POLLIN, 0 };

	return poll(&pfd, 1, 1000) == 1;
}

FIXTURE(reload) {
	struct pair p;
	char dir[64], conf[96], secrets[96];
	uint32_t a_in, a_out;		/* A's ESP SAs once up */
	char why[256];
};

FIXTURE_VARIANT(reload) {
	const char *kx, *ike, *esp;
	/* What A's first Delete is: IKEv1 deletes the IPsec SA first. */
	unsigned int delete_dgrams;
	const char *peer_deleted;	/* B's line for A's Delete */
};

FIXTURE_VARIANT_ADD(reload, ikev2) {
	.kx = "ikev2",
	.ike = "aes256gcm16-prfsha256-ecp256",
	.esp = "aes128-sha256",
	.delete_dgrams = 1,
	.peer_deleted = "IKE SA deleted by the peer",
};

FIXTURE_VARIANT_ADD(reload, ikev1) {
	.kx = "ikev1",
	.ike = "aes256-sha256-modp2048",
	.esp = "aes128-sha256-ecp256",
	.delete_dgrams = 2,
	.peer_deleted = "the peer deleted the ISAKMP SA",
};

/* A's ipsec.conf as a reload reads it next. */
static void write_conf_a(FIXTURE_DATA(reload) *self,
			 const FIXTURE_VARIANT(reload) *variant,
			 const char *extra, bool with_ab)
{
	char text[2048];

	conf_a(text, sizeof(text), variant->kx, variant->ike, variant->esp,
	       extra, with_ab);
	if (put_file(self->conf, text))
		abort();
}

FIXTURE_SETUP(reload)
{
	struct pair *p = &self->p;
	char a[2048], b[1024];
	const struct kesp_sa *in[1], *out[1];
	int r;

	b_loses = 0;
	conf_a(a, sizeof(a), variant->kx, variant->ike, variant->esp,
	       "\tauto=add\n", true);
	conf_b(b, sizeof(b), variant->kx, variant->ike, variant->esp);
	r = pair_open(p, a, b, secrets, secrets, self->why, sizeof(self->why));
	/* The harness runs the test after a SKIP in setup: leave now. */
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	strcpy(self->dir, "/tmp/kesp-unit-reload-delete-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->conf, sizeof(self->conf), "%s/ipsec.conf", self->dir);
	snprintf(self->secrets, sizeof(self->secrets), "%s/ipsec.secrets",
		 self->dir);
	ASSERT_EQ(0, put_file(self->secrets, secrets));
	ASSERT_EQ(0, chmod(self->secrets, 0600));
	p->a.d->conf_path = self->conf;
	p->a.d->secrets_path = self->secrets;
	p->b.lose = lose_next;

	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, in, 1));
	ASSERT_EQ(1, live_sas(&p->a.rec, KESP_DIR_OUT, out, 1));
	self->a_in = in[0]->spi;
	self->a_out = out[0]->spi;
}

FIXTURE_TEARDOWN(reload)
{
	unlink(self->conf);
	unlink(self->secrets);
	rmdir(self->dir);
	pair_teardown(&self->p, !_metadata->passed);
}

/* B has nothing left of the pair A had when up (@why). */
static int check_b_clean(FIXTURE_DATA(reload) *self, char *why, size_t len)
{
	struct pair *p = &self->p;

	if (ike_sas(&p->b, NULL)) {
		snprintf(why, len, "B still has an IKE SA");
		return -1;
	}
	if (live_all(&p->b.rec) || live_policies(&p->b.rec) ||
	    !removed(&p->b.rec, KESP_DIR_OUT, self->a_in) ||
	    !removed(&p->b.rec, KESP_DIR_IN, self->a_out)) {
		snprintf(why, len, "B still has %zu ESP SAs, %zu policies",
			 live_all(&p->b.rec), live_policies(&p->b.rec));
		return -1;
	}
	return 0;
}

static int reload_a(struct pair *p, struct iked_reload_counts *k)
{
	char msg[IKED_CONF_ERRLEN + 64];

	return iked_reload(p->a.d, msg, sizeof(msg), k);
}

/*
 * a-b removed: A's kernel state goes at once, its first Delete is lost,
 * the copy reaches B, which drops its SAs. With the one-shot Delete of
 * old, B kept them (until DPD).
 */
TEST_F(reload, removed_conn_lost_delete_goes_again)
{
	struct pair *p = &self->p;
	struct iked_reload_counts k;
	struct ike_sa *sa;

	/* Retransmissions within the test's patience (IKEv1: its copies). */
	p->a.d->retx_first_ms = 200;
	write_conf_a(self, variant, "", false);
	b_loses = variant->delete_dgrams;
	ASSERT_EQ(0, reload_a(p, &k));
	EXPECT_EQ(1, k.removed);
	EXPECT_EQ(1, k.unchanged);
	EXPECT_EQ(0, live_all(&p->a.rec));
	EXPECT_EQ(0, live_policies(&p->a.rec));
	/* Not ASSERTs: what B is left with is the point, whatever A did. */
	EXPECT_EQ(1, ike_sas(&p->a, &sa));
	if (sa) {
		EXPECT_EQ(IKE_DELETING, sa->state);
		EXPECT_STREQ("a-b", sa->conn->name);
	}
	EXPECT_EQ(NULL, iked_conn_by_name(p->a.d, "a-b"));

	pair_settle(p, 5000);
	EXPECT_EQ(variant->delete_dgrams, p->b.lost);
	EXPECT_EQ(0, check_b_clean(self, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(1, log_count(p, &p->b, variant->peer_deleted));
	EXPECT_EQ(1, log_count(p, &p->a, "retransmit 1 of"));
	/* A: the IKE SA gone, its old conf with it. */
	EXPECT_EQ(0, ike_sas(&p->a, NULL));
	EXPECT_EQ(NULL, p->a.d->retired);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * a-b changed (auto=start, another ikelifetime): the new one comes up
 * while the old IKE SA still waits for B to get its Delete, without a
 * clash in A's kernel; then the old one goes on both ends.
 */
TEST_F(reload, changed_conn_comes_up_while_the_old_one_deletes)
{
	struct pair *p = &self->p;
	struct iked_reload_counts k;
	struct ike_sa *sa, *old = NULL;
	const struct kesp_sa *in[2];

	write_conf_a(self, variant, "\tikelifetime=2h\n\tauto=start\n", true);
	b_loses = variant->delete_dgrams;
	ASSERT_EQ(0, reload_a(p, &k));
	EXPECT_EQ(1, k.changed);
	for (sa = p->a.d->sas; sa; sa = sa->next)
		if (sa->state == IKE_DELETING)
			old = sa;
	ASSERT_NE(NULL, old);
	EXPECT_EQ(0, live_all(&p->a.rec));
	if (variant->delete_dgrams == 1) {
		/*
		 * IKEv2: up again while the old one waits for its answer
		 * (its retransmission 20 s away in these tests).
		 */
		pair_settle(p, 1500);
		ASSERT_EQ(2, ike_sas(&p->a, NULL));
		EXPECT_EQ(IKE_DELETING, old->state);
		EXPECT_EQ(1, live_sas(&p->a.rec, KESP_DIR_IN, in, 2));
		EXPECT_NE(self->a_in, in[0]->spi);
		/* B has both: the old Delete was lost. */
		EXPECT_EQ(2, ike_sas(&p->b, NULL));
		/* The old one's Delete again, its timer brought forward. */
		iked_run_timers(p->a.d, old->retx_at);
	}
	/* IKEv1: the new one comes up as the old one's copies go. */
	pair_settle(p, 4000);
	EXPECT_EQ(1, log_count(p, &p->b, variant->peer_deleted));
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_OUT, self->a_in));
	EXPECT_TRUE(removed(&p->b.rec, KESP_DIR_IN, self->a_out));
	EXPECT_EQ(NULL, p->a.d->retired);
	EXPECT_EQ(0, check_history(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/*
 * a-b removed while A waits for B's answer to a CHILD SA rekey: the
 * request is given up for the Delete, which goes at once, and B's late
 * answer installs nothing for a conn that is gone.
 */
TEST_F(reload, removed_in_the_middle_of_an_exchange)
{
	struct pair *p = &self->p;
	struct iked_reload_counts k;
	struct ike_sa *sa;
	size_t added = added_sas(&p->a.rec, KESP_DIR_IN);

	ASSERT_EQ(0, iked_rekey(p->a.d, iked_conn_by_name(p->a.d, "a-b"),
				false, true));
	pair_timers(&p->a);
	ASSERT_EQ(1, ike_sas(&p->a, &sa));
	ASSERT_NE(0, sa->req_kind);
	ASSERT_TRUE(arrived(&p->b));
	EXPECT_LE(1, pair_recv(&p->b));
	ASSERT_TRUE(arrived(&p->a));

	write_conf_a(self, variant, "", false);
	ASSERT_EQ(0, reload_a(p, &k));
	EXPECT_EQ(1, k.removed);
	EXPECT_EQ(0, live_all(&p->a.rec));
	EXPECT_EQ(0, log_count(p, &p->a, "once the outstanding request is answered"));

	pair_settle(p, 3000);
	EXPECT_EQ(0, live_all(&p->a.rec));
	EXPECT_EQ(0, live_policies(&p->a.rec));
	/* A's late answer came for a request given up: nothing installed. */
	EXPECT_EQ(added, added_sas(&p->a.rec, KESP_DIR_IN));
	EXPECT_EQ(0, ike_sas(&p->a, NULL));
	EXPECT_EQ(NULL, p->a.d->retired);
	EXPECT_EQ(0, ike_sas(&p->b, NULL));
	EXPECT_EQ(0, live_all(&p->b.rec));
	EXPECT_EQ(0, live_policies(&p->b.rec));
}

TEST_HARNESS_MAIN
