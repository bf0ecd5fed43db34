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
#include "fetch_pair.h"
#include "ocsp_responder.h"

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
	ca->a = fetch_gw_cert(ka, "a.example", ca->x, ca->key, srv->uri, true);
	b = fetch_gw_cert(kb, "b.example", ca->x, ca->key, srv->uri, true);
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

FIXTURE(ocspauth) {
	struct fetch_pair p;
	struct ca ca;
};

static void setup(struct __test_metadata *_metadata,
		  FIXTURE_DATA(ocspauth) *self, bool revoke_a)
{
	fetch_pair_enter(_metadata, &self->p);
	make_dir(self->p.dir, &self->p.srv, &self->ca, revoke_a);
	fetch_pair_start(_metadata, &self->p);
}

FIXTURE_SETUP(ocspauth)
{
	fetch_pair_init(&self->p);
}

FIXTURE_TEARDOWN(ocspauth)
{
	fetch_pair_teardown(&self->p);
	X509_free(self->ca.x);
	X509_free(self->ca.a);
	EVP_PKEY_free(self->ca.key);
}

TEST_F_TIMEOUT(ocspauth, good_answers_let_both_up_one_query_each, 60)
{
	char want[256], *log;

	setup(_metadata, self, false);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_TRUE(fetch_established(&self->p.a)) TH_LOG("%s", log);
	EXPECT_TRUE(fetch_established(&self->p.b)) TH_LOG("%s", log);
	/* One query per daemon: the retransmissions found the cache. */
	EXPECT_EQ(2, atomic_load(&self->p.srv.posts));
	snprintf(want, sizeof(want), "b-a[1] asking the OCSP responder %s about \"C=CH, O=Example, CN=a.example\"; the authentication of IKE SA b-a[1] waits for it",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	EXPECT_EQ(2, fetch_count(log, "\" is good (1 authentication messages of peers waited for it)"))
		TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(ocspauth, revoked_initiator_refused_via_ocsp, 60)
{
	char want[256], *log;

	setup(_metadata, self, true);
	fetch_pair_run(&self->p);
	log = fetch_pair_log(&self->p);
	EXPECT_FALSE(fetch_established(&self->p.a));
	EXPECT_FALSE(fetch_established(&self->p.b));
	EXPECT_EQ(1, atomic_load(&self->p.srv.posts));
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=a.example\"), by the OCSP responder %s, revoked on 20",
		 self->p.srv.uri);
	EXPECT_NE(NULL, strstr(log, "certificate revoked: serial "))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
