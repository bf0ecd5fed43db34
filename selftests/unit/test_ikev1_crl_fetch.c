// SPDX-License-Identifier: GPL-2.0
/*
 * CRLs from distribution points in IKEv1 phase 1 with RSA signatures:
 * two in-process kesp-iked instances (fetch_pair.h) whose certificates'
 * CRLDistributionPoints name the test's HTTP server (crl_server.h). The
 * responder holds MM5 while it fetches the CRL for the initiator's
 * certificate, ignoring the retransmissions meanwhile, and answers once
 * the CRL is in; the initiator holds MM6 the same way; Aggressive Mode
 * holds AM2 and AM3; a fragmented MM5 is held whole. A revoked initiator is refused with IKEv2's
 * "revoked" line; a CRL that cannot be fetched refuses under
 * strictcrlpolicy=yes and passes with a warning under =no; a fetch that
 * outlives the deadline is decided without. Each test runs in a network
 * namespace of its own.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/crl_fetch.h"
#include "iked/proto.h"
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
#include "fetch_pair.h"

/* ipsec.d: the CA, both gateways (CRL at @uri); the CA's CRL on @srv. */
static void make_dir(char *dir, struct crl_server *srv, const char *uri,
		     bool revoke_a)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	EVP_PKEY *ca_key = new_key("RSA"), *ka = new_key("RSA"),
		 *kb = new_key("RSA");
	X509 *ca, *a, *b;
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-v1crl-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
	ca = new_signed_cert(ca_key, "Example Root CA", NULL, NULL, NULL, -1, 30);
	a = fetch_gw_cert(ka, "a.example", ca, ca_key, uri, false);
	b = fetch_gw_cert(kb, "b.example", ca, ca_key, uri, false);
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

#define V1_CONF(me, ip, net, peer, pip, pnet) \
	"config setup\n\tstrictcrlpolicy=%s\n" \
	"conn " me "-" peer "\n" \
	"\tleft=" ip "\n\tleftid=@" me ".example\n" \
	"\tleftcert=" me ".pem\n\tleftsendcert=always\n" \
	"\tleftsubnet=" net "\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n" \
	"\tauthby=rsasig\n\tkeyexchange=ikev1\n\tfragmentation=%s\n" \
	"\tike=aes256-sha256-modp2048!\n" \
	"\tesp=aes128-sha256!\n" \
	"\taggressive=%s\n" \
	"\tauto=add\n"

FIXTURE(v1crl) {
	struct fetch_pair p;		/* first: each_turn finds the rest */
	char conf_a[1024], conf_b[1024], uri[128];
	uint64_t held_at;		/* when the server began to hold */
	bool frag;			/* fragmentation=yes */
	char diag[256];			/* B's waiting_for while it held */
};

/*
 * Both daemons with strictcrlpolicy=@strict (Aggressive Mode with
 * @aggressive), the certificates' CRL at @uri (NULL: the server's).
 */
static void setup(struct __test_metadata *_metadata,
		  FIXTURE_DATA(v1crl) *self, const char *strict,
		  bool aggressive, const char *uri, bool revoke_a)
{
	const char *ag = aggressive ? "yes" : "no";
	const char *frag = self->frag ? "yes" : "no";

	fetch_pair_enter(_metadata, &self->p);
	snprintf(self->uri, sizeof(self->uri), "%s",
		 uri ? uri : self->p.srv.uri);
	make_dir(self->p.dir, &self->p.srv, self->uri, revoke_a);
	snprintf(self->conf_a, sizeof(self->conf_a),
		 V1_CONF("a", "127.0.0.1", "10.1.0.0/24", "b", "127.0.0.2",
			 "10.2.0.0/24"), strict, frag, ag);
	snprintf(self->conf_b, sizeof(self->conf_b),
		 V1_CONF("b", "127.0.0.2", "10.2.0.0/24", "a", "127.0.0.1",
			 "10.1.0.0/24"), strict, frag, ag);
	self->p.conf_a = self->conf_a;
	self->p.conf_b = self->conf_b;
	self->p.secrets_a = ": RSA a.key\n";
	self->p.secrets_b = ": RSA b.key\n";
	fetch_pair_start(_metadata, &self->p);
}

FIXTURE_SETUP(v1crl)
{
	fetch_pair_init(&self->p);
}

FIXTURE_TEARDOWN(v1crl)
{
	fetch_pair_teardown(&self->p);
}

/* Something installed on @in. */
static size_t n_sas(const struct inst *in)
{
	const struct kesp_sa *v[4];

	return live_sas(&in->rec, KESP_DIR_IN, v, 4) +
	       live_sas(&in->rec, KESP_DIR_OUT, v, 4);
}

/* The server answers a second after it began to hold a request. */
static void release_after_a_second(struct fetch_pair *p)
{
	FIXTURE_DATA(v1crl) *self = (FIXTURE_DATA(v1crl) *)p;

	if (!atomic_load(&p->srv.hold) || atomic_load(&p->srv.held) < 1)
		return;
	if (!self->held_at)
		self->held_at = now_ms();
	else if (now_ms() - self->held_at >= 1000) {
		/* What `kespctl ike diagnose` says of B's IKE SA meanwhile. */
		if (p->b.d->sas)
			p->b.d->sas->proto->waiting_for(p->b.d->sas, self->diag,
							 sizeof(self->diag));
		atomic_store(&p->srv.hold, false);
	}
}

TEST_F_TIMEOUT(v1crl, main_mode_holds_mm5_and_mm6_for_the_crl, 60)
{
	char *log;

	setup(_metadata, self, "yes", false, NULL, false);
	/* B's fetch held a second: A's MM5 comes again meanwhile. */
	atomic_store(&self->p.srv.hold, true);
	self->p.each_turn = release_after_a_second;
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(0, rec_check_pair(&self->p.a.rec, &self->p.b.rec, self->p.why,
				    sizeof(self->p.why))) TH_LOG("%s", self->p.why);
	/* One fetch per daemon. */
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	EXPECT_NE(NULL, strstr(log, "b-a[1] MM5 waits for the revocation check of the peer's certificate (at most 20000 ms)"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "a-b[1] MM6 waits for the revocation check"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "b-a[1] fetching CRL from http://127.0.0.1:"))
		TH_LOG("%s", log);
	/* A's retransmission came while B held MM5, and was ignored. */
	EXPECT_NE(NULL, strstr(log, "a-b[1] retransmit 1 of MM5"))
		TH_LOG("%s", log);
	EXPECT_EQ(1, fetch_count(log, "b-a[1] MM5 was held "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, " datagrams of the peer ignored meanwhile"))
		TH_LOG("%s", log);
	/* Nothing came to A while it fetched: B answered once. */
	EXPECT_EQ(1, fetch_count(log, "a-b[1] MM6 was held "))
		TH_LOG("%s", log);
	EXPECT_EQ(NULL, strstr(log, "retransmitted request: our answer again"))
		TH_LOG("%s", log);
	EXPECT_STREQ("IKEv1 MM_WAIT_MSG5, the peer's MM5 held for the revocation check of its certificate",
		     self->diag);
	free(log);
}

/*
 * MM5 and MM6 in fragments: what is held is the message put back
 * together, and the fragments of A's retransmission, put back together
 * again, are ignored.
 */
TEST_F_TIMEOUT(v1crl, fragmented_mm5_is_held_whole, 60)
{
	char *log;

	self->frag = true;
	setup(_metadata, self, "yes", false, NULL, false);
	self->p.a.d->fragment_size = 300;
	self->p.b.d->fragment_size = 300;
	atomic_store(&self->p.srv.hold, true);
	self->p.each_turn = release_after_a_second;
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	EXPECT_EQ(1, fetch_count(log, "b-a[1] MM5 was held "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, " datagrams of the peer ignored meanwhile"))
		TH_LOG("%s", log);
	/* MM5 went as several datagrams, each time. */
	EXPECT_LE(2 + 2 * 3, self->p.to_b);
	free(log);
}

TEST_F_TIMEOUT(v1crl, aggressive_mode_holds_am2_and_am3, 60)
{
	char *log;

	setup(_metadata, self, "yes", true, NULL, false);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(0, rec_check_pair(&self->p.a.rec, &self->p.b.rec, self->p.why,
				    sizeof(self->p.why))) TH_LOG("%s", self->p.why);
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	EXPECT_NE(NULL, strstr(log, "a-b[1] AM2 waits for the revocation check"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "b-a[1] AM3 waits for the revocation check"))
		TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(v1crl, revoked_initiator_refused_after_the_fetch, 60)
{
	char want[256], *log;

	setup(_metadata, self, "no", false, NULL, true);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_FALSE(fetch_established(&self->p.a));
	EXPECT_FALSE(fetch_established(&self->p.b));
	EXPECT_EQ(0, n_sas(&self->p.a));
	EXPECT_EQ(0, n_sas(&self->p.b));
	EXPECT_EQ(1, atomic_load(&self->p.srv.requests));
	/* IKEv2's line, after the MM5 that carried the certificate. */
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=a.example\"), by CRL %s of \"C=CH, O=Example, CN=Example Root CA\", revoked on 20",
		 self->uri);
	EXPECT_NE(NULL, strstr(log, "b-a[1] MM5 waits for the revocation check"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "SIG_I in MM5 (ID a.example): certificate revoked: serial "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(v1crl, unreachable_crl_refuses_under_strictcrlpolicy_yes, 60)
{
	char uri[128], want[256], *log;

	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/root.crl",
		 crl_port_closed());
	setup(_metadata, self, "yes", false, uri, false);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_FALSE(fetch_established(&self->p.b));
	EXPECT_EQ(0, n_sas(&self->p.b));
	snprintf(want, sizeof(want), "which strictcrlpolicy=yes requires: fetching it from %s failed: cannot connect",
		 uri);
	EXPECT_NE(NULL, strstr(log, "b-a[1] MM5 waits for the revocation check"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(v1crl, unreachable_crl_passes_under_strictcrlpolicy_no, 60)
{
	char uri[128], *log;

	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/root.crl",
		 crl_port_closed());
	setup(_metadata, self, "no", false, uri, false);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "b-a[1] MM5 waits for the revocation check"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, uri)) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "cannot connect")) TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(v1crl, a_fetch_past_the_deadline_is_decided_without, 60)
{
	char want[256], *log;

	setup(_metadata, self, "yes", false, NULL, false);
	/* The server never answers; B decides after 400 ms. */
	atomic_store(&self->p.srv.hold, true);
	self->p.b.d->cred_wait_ms = 400;
	iked_crl_fetch_set_timeout(self->p.b.d->creds, 3000);
	/* A, refused, gives up soon: the test need not wait for it. */
	self->p.a.d->retx_tries = 2;
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_FALSE(fetch_established(&self->p.b));
	EXPECT_EQ(0, n_sas(&self->p.b));
	EXPECT_NE(NULL, strstr(log, "b-a[1] warning: MM5: the revocation check of the peer's certificate did not end within 400 ms: decided without it"))
		TH_LOG("%s", log);
	snprintf(want, sizeof(want), "fetching it from %s failed: the fetch is still under way",
		 self->uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
