// SPDX-License-Identifier: GPL-2.0
/*
 * OCSP in IKE_AUTH: two in-process kesp-iked instances (iked_pair.h)
 * authenticate with certificates whose authorityInfoAccess names an
 * OCSP responder on 127.0.0.1 (crl_server.h, ocsp_responder.h), under
 * strictcrlpolicy=yes and with no CRL anywhere. Each daemon drops the
 * first IKE_AUTH message while it asks, the retransmission finds the
 * answer cached: good lets both up with one query each; a revoked
 * initiator is refused with the line naming its subject, the
 * responder and the date. Each test runs in a network namespace of
 * its own.
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
#include "ocsp_responder.h"

/* A gateway's certificate, its OCSP responder at @uri. */
static X509 *gw_cert(EVP_PKEY *k, const char *cn, X509 *ca, EVP_PKEY *ca_key,
		     const char *uri)
{
	char san[64], aia[160];
	X509 *x;

	snprintf(san, sizeof(san), "DNS:%s", cn);
	snprintf(aia, sizeof(aia), "OCSP;URI:%s", uri);
	x = new_cert(k, cn, ca, san, -1, 30);
	add_ext(x, ca, NID_info_access, aia);
	return sign_cert(x, ca_key);
}

/* The test's CA, kept while the responder signs with it. */
struct ca {
	EVP_PKEY *key;
	X509 *x, *a;
	struct ocsp_responder resp;
};

/* ipsec.d with the CA and both gateways; the CA answers on @srv. */
static void make_dir(char *dir, struct crl_server *srv, struct ca *ca,
		     bool revoke_a)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	EVP_PKEY *ka = new_key("EC"), *kb = new_key("EC");
	X509 *b;
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-ocsp-auth-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
	ca->key = new_key("EC");
	ca->x = new_signed_cert(ca->key, "Example Root CA", NULL, NULL, NULL,
				-1, 30);
	ca->a = gw_cert(ka, "a.example", ca->x, ca->key, srv->uri);
	b = gw_cert(kb, "b.example", ca->x, ca->key, srv->uri);
	put_pem(dir, "cacerts/ca.pem", ca->x, NULL);
	put_pem(dir, "certs/a.pem", ca->a, NULL);
	put_pem(dir, "certs/b.pem", b, NULL);
	put_pem(dir, "private/a.key", NULL, ka);
	put_pem(dir, "private/b.key", NULL, kb);
	ca->resp = (struct ocsp_responder){
		.status = V_OCSP_CERTSTATUS_GOOD, .signer = ca->x,
		.key = ca->key, .this_s = -60, .next_s = 86400,
		.revoked = revoke_a ? ca->a : NULL,
	};
	ocsp_responder_on(srv, &ca->resp);
	X509_free(b);
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

FIXTURE(ocspauth) {
	char dir[64], why[IKED_CONF_ERRLEN], logpath[64];
	struct inst a, b;
	struct crl_server srv;
	struct ca ca;
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
		  FIXTURE_DATA(ocspauth) *self, bool revoke_a)
{
	int r = netns_enter(self->why, sizeof(self->why)), fd;

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, crl_server_start(&self->srv));
	make_dir(self->dir, &self->srv, &self->ca, revoke_a);
	/* The daemons' log into a file the test reads. */
	strcpy(self->logpath, "/tmp/kesp-ocsp-auth-log-XXXXXX");
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

FIXTURE_SETUP(ocspauth)
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

FIXTURE_TEARDOWN(ocspauth)
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
		X509_free(self->ca.x);
		X509_free(self->ca.a);
		EVP_PKEY_free(self->ca.key);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			abort();
	}
}

/* The log so far, as a new string; stderr the harness's again. */
static char *read_log(FIXTURE_DATA(ocspauth) *self)
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
static void run(FIXTURE_DATA(ocspauth) *self)
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

TEST_F_TIMEOUT(ocspauth, good_answers_let_both_up_one_query_each, 60)
{
	char want[256], *log;

	setup(_metadata, self, false);
	run(self);
	log = read_log(self);
	EXPECT_TRUE(established(&self->a)) TH_LOG("%s", log);
	EXPECT_TRUE(established(&self->b)) TH_LOG("%s", log);
	/* One query per daemon: the retransmissions found the cache. */
	EXPECT_EQ(2, atomic_load(&self->srv.posts));
	snprintf(want, sizeof(want), "b-a[1] asking the OCSP responder %s about \"C=CH, O=Example, CN=a.example\"; IKE_AUTH of IKE SA b-a[1] waits for it",
		 self->srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	EXPECT_EQ(2, count(log, "\" is good (1 IKE_AUTH messages dropped while it was asked)"))
		TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(ocspauth, revoked_initiator_refused_via_ocsp, 60)
{
	char want[256], *log;

	setup(_metadata, self, true);
	run(self);
	log = read_log(self);
	EXPECT_FALSE(established(&self->a));
	EXPECT_FALSE(established(&self->b));
	EXPECT_EQ(1, atomic_load(&self->srv.posts));
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=a.example\"), by the OCSP responder %s, revoked on 20",
		 self->srv.uri);
	EXPECT_NE(NULL, strstr(log, "certificate revoked: serial "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
