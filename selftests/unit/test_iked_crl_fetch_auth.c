// SPDX-License-Identifier: GPL-2.0
/*
 * CRLs from distribution points in IKE_AUTH: two in-process kesp-iked
 * instances (iked_pair.h) authenticate with certificates whose
 * CRLDistributionPoints point at a tiny HTTP server (crl_server.h).
 * The responder, with no CRL, drops the IKE_AUTH request while it
 * fetches (logged once), the initiator's retransmission finds the CRL
 * cached; the initiator drops the response the same way and its own
 * retransmission brings it again, also in IKE fragments. Each daemon
 * fetches once. A revoked
 * initiator is refused with the "revoked" line naming the URI. Each
 * test runs in a network namespace of its own.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/crl_fetch.h"
#include "iked/sa/control.h"
/* The recorder's checks this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_pair.h"
#include "iked_inst.h"
#pragma GCC diagnostic pop
#include "kselftest_harness.h"
#include "cert_fixture.h"
#include "crl_server.h"

/* A gateway's certificate, its CRL at @uri. */
static X509 *gw_cert(EVP_PKEY *k, const char *cn, X509 *ca, EVP_PKEY *ca_key,
		     const char *uri)
{
	char san[64], cdp[160];
	X509 *x;

	snprintf(san, sizeof(san), "DNS:%s", cn);
	snprintf(cdp, sizeof(cdp), "URI:%s", uri);
	x = new_cert(k, cn, ca, san, -1, 30);
	add_ext(x, ca, NID_crl_distribution_points, cdp);
	return sign_cert(x, ca_key);
}

/* ipsec.d with the CA and both gateways; the CA's CRL on @srv. */
static void make_dir(char *dir, struct crl_server *srv, bool revoke_a)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	EVP_PKEY *ca_key = new_key("EC"), *ka = new_key("EC"),
		 *kb = new_key("EC");
	X509 *ca, *a, *b;
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-crl-auth-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
	ca = new_signed_cert(ca_key, "Example Root CA", NULL, NULL, NULL, -1, 30);
	a = gw_cert(ka, "a.example", ca, ca_key, srv->uri);
	b = gw_cert(kb, "b.example", ca, ca_key, srv->uri);
	put_pem(dir, "cacerts/ca.pem", ca, NULL);
	put_pem(dir, "certs/a.pem", a, NULL);
	put_pem(dir, "certs/b.pem", b, NULL);
	put_pem(dir, "private/a.key", NULL, ka);
	put_pem(dir, "private/b.key", NULL, kb);
	crl_server_serve(srv, new_crl(ca, ca_key, &a, revoke_a ? 1 : 0, -1, 7),
			 0);
	X509_free(ca);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}

#define CONF(me, ip, net, peer, pip, pnet) \
	"config setup\n\tstrictcrlpolicy=yes\n" \
	"conn " me "-" peer "\n" \
	"\tleft=" ip "\n\tleftid=@" me ".example\n" \
	"\tleftcert=" me ".pem\n\tleftsendcert=always\n" \
	"\tleftsubnet=" net "\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n" \
	"\tauthby=pubkey\n" \
	"\tike=aes256gcm16-prfsha256-ecp256!\n" \
	"\tesp=aes128-sha256-ecp256!\n" \
	"\tauto=add\n"

static const char conf_a[] = CONF("a", "127.0.0.1", "10.1.0.0/24", "b",
				  "127.0.0.2", "10.2.0.0/24");
static const char conf_b[] = CONF("b", "127.0.0.2", "10.2.0.0/24", "a",
				  "127.0.0.1", "10.1.0.0/24");

FIXTURE(crlauth) {
	char dir[64], why[IKED_CONF_ERRLEN], logpath[64];
	struct inst a, b;
	struct crl_server srv;
	unsigned int to_a, to_b;
	int saved_err;
};

static int inst_new(struct inst *in, const char *dir, const char *ip,
		    const char *conf, const char *secrets, char *why,
		    size_t len)
{
	if (pair_daemon_new(in, ip, conf, secrets, why, len))
		return -1;
	/* Ours retransmit soon: the dropped IKE_AUTH comes again. */
	in->d->retx_first_ms = 300;
	return iked_creds_load(dir, in->d->conf, in->d->secrets,
			       &in->d->creds, why, len);
}

static void setup(struct __test_metadata *_metadata,
		  FIXTURE_DATA(crlauth) *self, bool revoke_a)
{
	int r = netns_enter(self->why, sizeof(self->why)), fd;

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, crl_server_start(&self->srv));
	make_dir(self->dir, &self->srv, revoke_a);
	/* The daemons' log into a file the test reads. */
	strcpy(self->logpath, "/tmp/kesp-crl-auth-log-XXXXXX");
	fd = mkstemp(self->logpath);
	ASSERT_LE(0, fd);
	fflush(stderr);
	self->saved_err = dup(2);
	dup2(fd, 2);
	close(fd);
	iked_log_open(0, IKED_LOG_INFO);
	self->a.name = "A";
	self->a.conn = "a-b";
	self->a.rec.spi_base = 0xa0000100;
	self->b.name = "B";
	self->b.conn = "b-a";
	self->b.rec.spi_base = 0xb0000100;
	ASSERT_EQ(0, inst_new(&self->a, self->dir, "127.0.0.1", conf_a,
			      ": ECDSA a.key\n", self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(&self->b, self->dir, "127.0.0.2", conf_b,
			      ": ECDSA b.key\n", self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

FIXTURE_SETUP(crlauth)
{
	self->saved_err = -1;
	self->logpath[0] = '\0';
}

static void inst_free(struct inst *in)
{
	if (in->d) {
		iked_creds_free(in->d->creds);
		in->d->creds = NULL;
	}
	pair_daemon_free(in);
}

FIXTURE_TEARDOWN(crlauth)
{
	char cmd[128];

	/* The teardown's Deletes are not this test's business. */
	iked_log_open(0, IKED_LOG_ERR);
	inst_free(&self->a);
	inst_free(&self->b);
	if (self->saved_err >= 0) {
		fflush(stderr);
		dup2(self->saved_err, 2);
		close(self->saved_err);
	}
	if (self->logpath[0])
		unlink(self->logpath);
	if (self->dir[0]) {
		crl_server_stop(&self->srv);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			abort();
	}
}

/* The log so far, as a new string; stderr the harness's again. */
static char *read_log(FIXTURE_DATA(crlauth) *self)
{
	FILE *f;
	char *buf;
	long n;

	fflush(stderr);
	if (self->saved_err >= 0) {
		dup2(self->saved_err, 2);
		close(self->saved_err);
		self->saved_err = -1;
	}
	f = fopen(self->logpath, "r");
	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s++;
	}
	return n;
}

/* A brings the conn up; both loops, fetches too, until nothing moves. */
static void run(FIXTURE_DATA(crlauth) *self)
{
	uint64_t start = now_ms(), idle = start;
	struct ike_sa *sa;

	if (iked_initiate(self->a.d, &self->a.d->conns[0], &sa))
		return;
	for (;;) {
		struct pollfd pfd[2 + 2 * IKED_CRL_FETCH_MAX] = {
			{ pair_fd(&self->a), POLLIN, 0 },
			{ pair_fd(&self->b), POLLIN, 0 },
		};
		size_t na, nb;
		uint64_t t;

		pair_timers(&self->a);
		pair_timers(&self->b);
		na = iked_crl_fetch_fds(self->a.d->creds, pfd + 2,
					IKED_CRL_FETCH_MAX);
		nb = iked_crl_fetch_fds(self->b.d->creds, pfd + 2 + na,
					IKED_CRL_FETCH_MAX);
		if (poll(pfd, 2 + na + nb, 10) > 0) {
			iked_crl_fetch_poll(self->a.d->creds, pfd + 2, na);
			iked_crl_fetch_poll(self->b.d->creds, pfd + 2 + na, nb);
			if (pfd[0].revents)
				self->to_a += pair_recv(&self->a);
			if (pfd[1].revents)
				self->to_b += pair_recv(&self->b);
			idle = now_ms();
		}
		t = now_ms();
		if ((t - idle >= 30 && !pair_busy(&self->a) &&
		     !pair_busy(&self->b) && !na && !nb) || t - start >= 10000)
			break;
	}
}

static bool established(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && sa->children)
			return true;
	return false;
}

TEST_F_TIMEOUT(crlauth, ike_auth_waits_for_the_crl_then_goes_on, 60)
{
	char want[256], *log;

	setup(_metadata, self, false);
	run(self);
	log = read_log(self);
	EXPECT_TRUE(established(&self->a)) TH_LOG("%s", log);
	EXPECT_TRUE(established(&self->b)) TH_LOG("%s", log);
	EXPECT_EQ(0, rec_check_pair(&self->a.rec, &self->b.rec, self->why,
				    sizeof(self->why))) TH_LOG("%s", self->why);
	/* One fetch per daemon: the retransmissions found the cache. */
	EXPECT_EQ(2, atomic_load(&self->srv.requests));
	snprintf(want, sizeof(want), "b-a[1] fetching CRL from %s for \"C=CH, O=Example, CN=Example Root CA\"; IKE_AUTH of IKE SA b-a[1] waits for it",
		 self->srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	snprintf(want, sizeof(want), "a-b[1] fetching CRL from %s for", self->srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "0 revoked, next update 20"))
		TH_LOG("%s", log);
	/* Once per fetch, not per dropped message. */
	EXPECT_EQ(1, count(log, "b-a[1] fetching CRL"));
	EXPECT_EQ(1, count(log, "a-b[1] fetching CRL"));
	/*
	 * IKE_SA_INIT, the dropped IKE_AUTH request and its retransmission
	 * to B; to A IKE_SA_INIT, the dropped response and its resending.
	 */
	EXPECT_LE(3, self->to_b);
	EXPECT_LE(3, self->to_a);
	/* Each side dropped one IKE_AUTH message, counted when fetched. */
	EXPECT_EQ(2, count(log, "(1 IKE_AUTH messages dropped while it was fetched)"))
		TH_LOG("%s", log);
	/* B's answer came to A's retransmission, A's to its second. */
	EXPECT_NE(NULL, strstr(log, "a-b[1] retransmit 1 of request 1"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "a-b[1] retransmit 2 of request 1"))
		TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(crlauth, fragmented_ike_auth_waits_too, 60)
{
	char *log;

	setup(_metadata, self, false);
	/* Each IKE_AUTH message in fragments, reassembled again each time. */
	self->a.d->fragment_size = 300;
	self->b.d->fragment_size = 300;
	run(self);
	log = read_log(self);
	EXPECT_TRUE(established(&self->a)) TH_LOG("%s", log);
	EXPECT_TRUE(established(&self->b)) TH_LOG("%s", log);
	EXPECT_EQ(2, atomic_load(&self->srv.requests));
	EXPECT_EQ(2, count(log, "(1 IKE_AUTH messages dropped while it was fetched)"))
		TH_LOG("%s", log);
	/* More than one datagram per IKE_AUTH message, each sent twice. */
	EXPECT_LE(1 + 2 * 2, self->to_b);
	EXPECT_LE(1 + 2 * 2, self->to_a);
	free(log);
}

TEST_F_TIMEOUT(crlauth, revoked_initiator_refused_after_the_fetch, 60)
{
	char want[256], *log;

	setup(_metadata, self, true);
	run(self);
	log = read_log(self);
	EXPECT_FALSE(established(&self->a));
	EXPECT_FALSE(established(&self->b));
	EXPECT_EQ(1, atomic_load(&self->srv.requests));
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=a.example\"), by CRL %s of \"C=CH, O=Example, CN=Example Root CA\", revoked on 20",
		 self->srv.uri);
	EXPECT_NE(NULL, strstr(log, "certificate revoked: serial "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
