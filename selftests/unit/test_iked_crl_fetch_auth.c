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
 * initiator is refused with the "revoked" line naming the URI. A reload
 * while the responder's fetch is in flight hands the fetch to the new
 * credentials, where its CRL lands; one that finds the CA issued again
 * with a new key drops that CA's fetched CRL. Each test runs in a
 * network namespace of its own.
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
#include "iked/reload.h"
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
	a = fetch_gw_cert(ka, "a.example", ca, ca_key, srv->uri, false);
	b = fetch_gw_cert(kb, "b.example", ca, ca_key, srv->uri, false);
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

FIXTURE(crlauth) {
	struct fetch_pair p;		/* first: each_turn finds the rest */
	/* reload_while_fetching(): B's files, a CA to add, what it did. */
	char conf[96], secrets[96], msg[IKED_CONF_ERRLEN + 64];
	X509 *new_ca;
	struct iked_creds *creds_before;
	bool reloaded;
	int reload_r;
};

static void setup(struct __test_metadata *_metadata,
		  FIXTURE_DATA(crlauth) *self, bool revoke_a)
{
	fetch_pair_enter(_metadata, &self->p);
	make_dir(self->p.dir, &self->p.srv, revoke_a);
	fetch_pair_start(_metadata, &self->p);
}

FIXTURE_SETUP(crlauth)
{
	fetch_pair_init(&self->p);
}

FIXTURE_TEARDOWN(crlauth)
{
	fetch_pair_teardown(&self->p);
	X509_free(self->new_ca);
}

TEST_F_TIMEOUT(crlauth, ike_auth_waits_for_the_crl_then_goes_on, 60)
{
	char want[256], *log;

	setup(_metadata, self, false);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(0, rec_check_pair(&self->p.a.rec, &self->p.b.rec, self->p.why,
				    sizeof(self->p.why))) TH_LOG("%s", self->p.why);
	/* One fetch per daemon: the retransmissions found the cache. */
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	snprintf(want, sizeof(want), "b-a[1] fetching CRL from %s for \"C=CH, O=Example, CN=Example Root CA\"; the authentication of IKE SA b-a[1] waits for it",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	snprintf(want, sizeof(want), "a-b[1] fetching CRL from %s for", self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "0 revoked, next update 20"))
		TH_LOG("%s", log);
	/* Once per fetch, not per dropped message. */
	EXPECT_EQ(1, fetch_count(log, "b-a[1] fetching CRL"));
	EXPECT_EQ(1, fetch_count(log, "a-b[1] fetching CRL"));
	/*
	 * IKE_SA_INIT, the dropped IKE_AUTH request and its retransmission
	 * to B; to A IKE_SA_INIT, the dropped response and its resending.
	 */
	EXPECT_LE(3, self->p.to_b);
	EXPECT_LE(3, self->p.to_a);
	/* Each side dropped one IKE_AUTH message, counted when fetched. */
	EXPECT_EQ(2, fetch_count(log, "(1 authentication messages of peers waited for it)"))
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
	self->p.a.d->fragment_size = 300;
	self->p.b.d->fragment_size = 300;
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	EXPECT_EQ(2, fetch_count(log, "(1 authentication messages of peers waited for it)"))
		TH_LOG("%s", log);
	/* More than one datagram per IKE_AUTH message, each sent twice. */
	EXPECT_LE(1 + 2 * 2, self->p.to_b);
	EXPECT_LE(1 + 2 * 2, self->p.to_a);
	free(log);
}

TEST_F_TIMEOUT(crlauth, revoked_initiator_refused_after_the_fetch, 60)
{
	char want[256], *log;

	setup(_metadata, self, true);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_FALSE(fetch_established(&self->p.a));
	EXPECT_FALSE(fetch_established(&self->p.b));
	EXPECT_EQ(1, atomic_load(&self->p.srv.requests));
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=a.example\"), by CRL %s of \"C=CH, O=Example, CN=Example Root CA\", revoked on 20",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, "certificate revoked: serial "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

/* B's ipsec.conf and ipsec.secrets on disk, beside ipsec.d, to reload. */
static void b_files(FIXTURE_DATA(crlauth) *self)
{
	snprintf(self->conf, sizeof(self->conf), "%s/b.conf", self->p.dir);
	snprintf(self->secrets, sizeof(self->secrets), "%s/b.secrets",
		 self->p.dir);
	put_text(self->conf, fetch_conf_b);
	put_text(self->secrets, ": ECDSA b.key\n");
	self->p.b.d->conf_path = self->conf;
	self->p.b.d->secrets_path = self->secrets;
}

/*
 * Once B's fetch is in flight (the server holds it), B reloads, a CA
 * added on disk meanwhile; then the server answers.
 */
static void reload_while_fetching(struct fetch_pair *p)
{
	FIXTURE_DATA(crlauth) *self = (FIXTURE_DATA(crlauth) *)p;
	struct pollfd pfd[IKED_CRL_FETCH_MAX];

	if (self->reloaded || atomic_load(&p->srv.held) != 1 ||
	    iked_crl_fetch_fds(p->b.d->creds, pfd, IKED_CRL_FETCH_MAX) != 1)
		return;
	put_pem(p->dir, "cacerts/other.pem", self->new_ca, NULL);
	self->creds_before = p->b.d->creds;
	self->reload_r = iked_reload(p->b.d, self->msg, sizeof(self->msg),
				     NULL);
	self->reloaded = true;
	atomic_store(&p->srv.hold, false);
}

TEST_F_TIMEOUT(crlauth, reload_while_a_fetch_is_in_flight, 60)
{
	EVP_PKEY *k = new_key("EC");
	const struct iked_crls *got;
	char want[256], *log;

	setup(_metadata, self, false);
	self->new_ca = new_signed_cert(k, "Another Root CA", NULL, NULL, NULL,
				       -1, 30);
	b_files(self);
	atomic_store(&self->p.srv.hold, true);
	self->p.each_turn = reload_while_fetching;
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	ASSERT_TRUE(self->reloaded) TH_LOG("%s", log);
	EXPECT_EQ(0, self->reload_r) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, "unchanged 1; credentials: 2 CA certificates (1 added), 1 end-entity certificate, 1 private key, 0 CRLs"))
		TH_LOG("%s", self->msg);
	/* A new store, which the fetch begun before it fed. */
	EXPECT_NE(self->creds_before, self->p.b.d->creds);
	EXPECT_EQ(2, self->p.b.d->creds->n_cas);
	got = iked_crl_fetched(self->p.b.d->creds);
	ASSERT_NE(NULL, got);
	EXPECT_EQ(1, got->n);
	snprintf(want, sizeof(want), "fetched the CRL of \"C=CH, O=Example, CN=Example Root CA\" from %s: 0 revoked",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	/* Both up, and B did not fetch again: the CRL was kept. */
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	EXPECT_EQ(2, atomic_load(&self->p.srv.requests));
	free(log);
	EVP_PKEY_free(k);
}

/*
 * The CA issued again under its name with a new key: the CRL fetched
 * from its old key would refuse its peers until it expired, so a
 * reload drops it.
 */
TEST_F_TIMEOUT(crlauth, reload_drops_the_crl_of_a_ca_with_a_new_key, 60)
{
	EVP_PKEY *k = new_key("EC");
	char want[256], *log;

	setup(_metadata, self, false);
	fetch_pair_run(&self->p);
	ASSERT_TRUE(fetch_established(&self->p.b));
	ASSERT_EQ(1, iked_crl_fetched(self->p.b.d->creds)->n);
	b_files(self);
	self->new_ca = new_signed_cert(k, "Example Root CA", NULL, NULL, NULL,
				       -1, 30);
	put_pem(self->p.dir, "cacerts/ca.pem", self->new_ca, NULL);
	EXPECT_EQ(0, iked_reload(self->p.b.d, self->msg, sizeof(self->msg),
				 NULL)) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, "credentials: 1 CA certificate (1 added, 1 removed), "))
		TH_LOG("%s", self->msg);
	EXPECT_EQ(0, iked_crl_fetched(self->p.b.d->creds)->n);
	log = fetch_pair_log(&self->p);
	snprintf(want, sizeof(want), "reload: the CRL fetched from %s is dropped: no CA of that name verifies it any more",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
	EVP_PKEY_free(k);
}

TEST_HARNESS_MAIN
