// SPDX-License-Identifier: GPL-2.0
/*
 * OCSP (ocsp.c over crl_fetch.c's thread and http_get.c's POST), with a
 * responder on 127.0.0.1 (crl_server.h, ocsp_responder.h) answering
 * for the test's CA: good is accepted even where strictcrlpolicy=yes
 * has no CRL, and cached (one request for many checks); revoked is
 * refused naming subject, responder and date; unknown falls back to
 * CRLs (files, then distribution points). An answer signed by an
 * unrelated key, by a certificate of the CA without OCSPSigning, with
 * another nonce or past its nextUpdate is no answer (each of them says "revoked", so that accepting it would
 * show); a delegated responder with OCSPSigning and an answer without
 * nonce are used. A responder that is down leaves CRLs and
 * strictcrlpolicy to decide; a chain that does not lead to our CA asks
 * nobody.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/bn.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/log.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/crl_fetch.h"
#include "iked/crypto/auth/trust.h"
#include "cert_fixture.h"
#include "crl_server.h"
#include "ocsp_responder.h"

struct pki {
	char dir[64];
	EVP_PKEY *root_key, *other_key, *ee_key;
	X509 *root, *ee, *other;
	struct crl_server srv;
	struct ocsp_responder resp;
	struct iked_creds *c;
};

/* An end entity of @ca whose OCSP responder is @uri. */
static X509 *ee_with_ocsp(struct pki *p, const char *cn, X509 *ca,
			  EVP_PKEY *ca_key, const char *uri)
{
	char san[64], aia[200];
	X509 *x;

	snprintf(san, sizeof(san), "DNS:%s", cn);
	snprintf(aia, sizeof(aia), "OCSP;URI:%s", uri);
	x = new_cert(p->ee_key, cn, ca, san, -1, 30);
	add_ext(x, ca, NID_info_access, aia);
	return sign_cert(x, ca_key);
}

/* The CA in ipsec.d/cacerts, an end entity asking @uri; the responder the CA. */
static void pki_make(struct pki *p, const char *uri)
{
	char path[256];

	snprintf(p->dir, sizeof(p->dir), "/tmp/kesp-ocsp-XXXXXX");
	if (!mkdtemp(p->dir))
		abort();
	snprintf(path, sizeof(path), "%s/ipsec.d", p->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts", p->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/ipsec.d/crls", p->dir);
	mkdir(path, 0700);
	p->root_key = new_key("EC");
	p->other_key = new_key("EC");
	p->ee_key = new_key("EC");
	p->root = new_signed_cert(p->root_key, "Root CA", NULL, NULL, NULL, -1, 30);
	p->other = new_signed_cert(p->other_key, "Other CA", NULL, NULL, NULL,
				   -1, 30);
	p->ee = ee_with_ocsp(p, "peer.example", p->root, p->root_key, uri);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts/root.pem", p->dir);
	write_pem_cert(path, p->root);
	p->resp = (struct ocsp_responder){
		.status = V_OCSP_CERTSTATUS_GOOD, .signer = p->root,
		.key = p->root_key, .this_s = -60, .next_s = 86400,
	};
}

static void pki_drop(struct pki *p)
{
	char cmd[128];

	iked_creds_free(p->c);
	p->c = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", p->dir);
	if (system(cmd))
		abort();
	X509_free(p->root);
	X509_free(p->ee);
	X509_free(p->other);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->other_key);
	EVP_PKEY_free(p->ee_key);
}

/* @p's credentials under strictcrlpolicy=@strict; NULL on failure. */
static struct iked_creds *load(struct pki *p, const char *strict)
{
	char text[128], err[IKED_CONF_ERRLEN];
	struct iked_conf *conf;

	iked_creds_free(p->c);
	p->c = NULL;
	snprintf(text, sizeof(text), "config setup\n\tstrictcrlpolicy=%s\n",
		 strict);
	if (iked_conf_parse("ipsec.conf", text, strlen(text), &conf, err,
			    sizeof(err)))
		return NULL;
	if (iked_creds_load(p->dir, conf, NULL, &p->c, err, sizeof(err)))
		p->c = NULL;
	iked_conf_free(conf);
	return p->c;
}

/* The event loop's part: until no fetch is under way (10 s at most). */
static void run_fetches(struct iked_creds *c)
{
	struct pollfd pfd[IKED_CRL_FETCH_MAX];
	time_t end = time(NULL) + 10;
	size_t n;

	while ((n = iked_crl_fetch_fds(c, pfd, IKED_CRL_FETCH_MAX)) &&
	       time(NULL) < end)
		if (poll(pfd, n, 100) > 0)
			iked_crl_fetch_poll(c, pfd, n);
}

/*
 * What an IKE_AUTH and the peer's retransmissions do with @x: wait as
 * long as asked (*@waited: how often), then validate.
 */
static int check(struct iked_creds *c, X509 *x, STACK_OF(X509) *rest,
		 int *waited, char *why, size_t len)
{
	*waited = 0;
	while (*waited < 4 && iked_crl_fetch_wait(c, x, rest, "t", 1)) {
		++*waited;
		run_fetches(c);
	}
	return iked_trust_verify(c, x, rest, NULL, why, len);
}

/* `kespctl cert list` (or -j) of @c into a new string. */
static char *cert_list(struct iked_creds *c, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	iked_creds_write(c, f, json);
	fclose(f);
	return buf;
}

FIXTURE(ocsp) {
	struct pki p;
	char why[2048];
	int waited;
};

FIXTURE_SETUP(ocsp)
{
	iked_log_open(0, IKED_LOG_ERR);
	ASSERT_EQ(0, crl_server_start(&self->p.srv));
	pki_make(&self->p, self->p.srv.uri);
	ocsp_responder_on(&self->p.srv, &self->p.resp);
}

FIXTURE_TEARDOWN(ocsp)
{
	crl_server_stop(&self->p.srv);
	pki_drop(&self->p);
}

#define CHECK(p, x, self) \
	check((p)->c, x, NULL, &(self)->waited, (self)->why, sizeof((self)->why))

TEST_F(ocsp, good_accepted_without_a_crl_and_cached)
{
	struct pki *p = &self->p;
	char want[256], serial[64], *list;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(p->ee), NULL);
	char *hex = BN_bn2hex(bn);

	snprintf(serial, sizeof(serial), "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);

	/* yes with no CRL anywhere: only the good answer lets it pass. */
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(0, CHECK(p, p->ee, self)) TH_LOG("%s", self->why);
	EXPECT_EQ(1, self->waited);
	EXPECT_STREQ("", self->why);
	EXPECT_EQ(1, atomic_load(&p->srv.posts));
	EXPECT_NE(NULL, strstr(p->srv.head, "POST /root.crl HTTP/1.0\r\n"))
		TH_LOG("%s", p->srv.head);
	EXPECT_NE(NULL, strstr(p->srv.head, "Content-Type: application/ocsp-request\r\n"))
		TH_LOG("%s", p->srv.head);
	/* Cached: two more authentications, no wait, no request. */
	EXPECT_EQ(0, CHECK(p, p->ee, self)) TH_LOG("%s", self->why);
	EXPECT_EQ(0, self->waited);
	EXPECT_EQ(0, CHECK(p, p->ee, self));
	EXPECT_EQ(1, atomic_load(&p->srv.requests));
	list = cert_list(p->c, 0);
	snprintf(want, sizeof(want), "\nocsp serial %s of C=CH, O=Example, CN=Root CA\n  good, next update 20",
		 serial);
	EXPECT_NE(NULL, strstr(list, want)) TH_LOG("%s", list);
	snprintf(want, sizeof(want), "\n  uri %s\n", p->srv.uri);
	EXPECT_NE(NULL, strstr(list, want)) TH_LOG("%s", list);
	free(list);
	list = cert_list(p->c, 1);
	EXPECT_NE(NULL, strstr(list, "\"ocsp\":[{\"issuer\":\"C=CH, O=Example, CN=Root CA\",\"serial\":\""))
		TH_LOG("%s", list);
	EXPECT_NE(NULL, strstr(list, "\"status\":\"good\",\"next_update\":\"20"))
		TH_LOG("%s", list);
	free(list);
}

TEST_F(ocsp, revoked_refused_naming_subject_and_date)
{
	struct pki *p = &self->p;
	char want[256], *list;

	p->resp.revoked = p->ee;
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_EQ(1, self->waited);
	EXPECT_EQ(0, strncmp(self->why, "certificate revoked: serial ", 28))
		TH_LOG("%s", self->why);
	snprintf(want, sizeof(want), "(subject \"C=CH, O=Example, CN=peer.example\"), by the OCSP responder %s, revoked on 20",
		 p->srv.uri);
	EXPECT_NE(NULL, strstr(self->why, want)) TH_LOG("%s", self->why);
	/* The revoked answer is cached as well. */
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_EQ(0, self->waited);
	EXPECT_EQ(1, atomic_load(&p->srv.requests));
	list = cert_list(p->c, 1);
	EXPECT_NE(NULL, strstr(list, "\"status\":\"revoked\",\"revoked_on\":\"20"))
		TH_LOG("%s", list);
	free(list);
}

TEST_F(ocsp, revoked_refused_beside_a_current_crl_without_it)
{
	struct pki *p = &self->p;
	char path[256];
	X509_CRL *crl;
	FILE *f;

	/* OpenSSL asks no callback about a CRL that does not list it. */
	snprintf(path, sizeof(path), "%s/ipsec.d/crls/root.crl", p->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	crl = new_crl(p->root, p->root_key, NULL, 0, -1, 7);
	PEM_write_X509_CRL(f, crl);
	X509_CRL_free(crl);
	fclose(f);
	p->resp.revoked = p->ee;
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_NE(NULL, strstr(self->why, "by the OCSP responder"))
		TH_LOG("%s", self->why);
}

TEST_F(ocsp, unknown_falls_back_to_crls)
{
	struct pki *p = &self->p;
	char path[256];
	X509_CRL *crl;
	FILE *f;

	p->resp.status = V_OCSP_CERTSTATUS_UNKNOWN;
	/* No CRL: yes refuses, as without OCSP; unknown is not good. */
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_NE(NULL, strstr(self->why, "no CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=peer.example\" in ipsec.d/crls/, which strictcrlpolicy=yes requires; the OCSP responder "))
		TH_LOG("%s", self->why);
	EXPECT_NE(NULL, strstr(self->why, "gave no answer: the responder does not know the certificate (status unknown)"))
		TH_LOG("%s", self->why);
	/* A CRL file that revokes it decides. */
	snprintf(path, sizeof(path), "%s/ipsec.d/crls/root.crl", p->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	crl = new_crl(p->root, p->root_key, &p->ee, 1, -1, 7);
	PEM_write_X509_CRL(f, crl);
	X509_CRL_free(crl);
	fclose(f);
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_NE(NULL, strstr(self->why, "by CRL ")) TH_LOG("%s", self->why);
	EXPECT_NE(NULL, strstr(self->why, "/ipsec.d/crls/root.crl of"))
		TH_LOG("%s", self->why);
}

TEST_F(ocsp, unknown_then_the_crl_of_the_distribution_point)
{
	struct pki *p = &self->p;
	char cdp[200], want[256];
	X509 *x = new_cert(p->ee_key, "both.example", p->root,
			   "DNS:both.example", -1, 30);

	snprintf(cdp, sizeof(cdp), "OCSP;URI:%s", p->srv.uri);
	add_ext(x, p->root, NID_info_access, cdp);
	snprintf(cdp, sizeof(cdp), "URI:%s", p->srv.uri);
	add_ext(x, p->root, NID_crl_distribution_points, cdp);
	sign_cert(x, p->root_key);
	/* The same server: POST answers unknown, GET serves the CRL. */
	p->resp.status = V_OCSP_CERTSTATUS_UNKNOWN;
	crl_server_serve(&p->srv, new_crl(p->root, p->root_key, &x, 1, -1, 7),
			 1);
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(-EACCES, CHECK(p, x, self));
	/* The query first, the CRL for the retransmission after it. */
	EXPECT_EQ(2, self->waited);
	EXPECT_EQ(1, atomic_load(&p->srv.posts));
	EXPECT_EQ(2, atomic_load(&p->srv.requests));
	snprintf(want, sizeof(want), "by CRL %s of \"C=CH, O=Example, CN=Root CA\"",
		 p->srv.uri);
	EXPECT_NE(NULL, strstr(self->why, want)) TH_LOG("%s", self->why);
	X509_free(x);
}

/* A revoked answer @p's responder is set to spoil: refused as no answer. */
static void spoilt(struct __test_metadata *_metadata, struct pki *p,
		   char *why, size_t len, const char *reason)
{
	int waited;

	p->resp.revoked = p->ee;
	ASSERT_NE(NULL, load(p, "no"));
	/* Not used: no CRL either, and no says yes with a warning. */
	EXPECT_EQ(0, check(p->c, p->ee, NULL, &waited, why, len))
		TH_LOG("%s", why);
	EXPECT_EQ(1, waited);
	EXPECT_NE(NULL, strstr(why, "the certificate is accepted without it, as strictcrlpolicy=no"))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, reason)) TH_LOG("%s", why);
	/* Under yes the same answer leaves no CRL: refused, not "revoked". */
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, check(p->c, p->ee, NULL, &waited, why, len));
	EXPECT_EQ(NULL, strstr(why, "certificate revoked")) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, reason)) TH_LOG("%s", why);
}

TEST_F(ocsp, signed_by_an_unrelated_key_is_no_answer)
{
	self->p.resp.signer = self->p.other;
	self->p.resp.key = self->p.other_key;
	spoilt(_metadata, &self->p, self->why, sizeof(self->why),
	       "it is signed neither by the issuer \"C=CH, O=Example, CN=Root CA\" nor by a responder certificate with OCSPSigning that the issuer issued");
}

TEST_F(ocsp, responder_of_the_ca_without_ocsp_signing_is_no_answer)
{
	struct pki *p = &self->p;
	EVP_PKEY *k = new_key("EC");
	X509 *r = new_signed_cert(k, "responder.example", p->root, p->root_key,
				  "DNS:responder.example", -1, 30);

	p->resp.signer = r;
	p->resp.key = k;
	spoilt(_metadata, p, self->why, sizeof(self->why),
	       "it is signed neither by the issuer");
	X509_free(r);
	EVP_PKEY_free(k);
}

TEST_F(ocsp, delegated_responder_with_ocsp_signing_is_used)
{
	struct pki *p = &self->p;
	EVP_PKEY *k = new_key("EC");
	X509 *r = new_cert(k, "responder.example", p->root,
			   "DNS:responder.example", -1, 30);

	add_ext(r, p->root, NID_ext_key_usage, "OCSPSigning");
	sign_cert(r, p->root_key);
	p->resp.signer = r;
	p->resp.key = k;
	p->resp.revoked = p->ee;
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_NE(NULL, strstr(self->why, "by the OCSP responder"))
		TH_LOG("%s", self->why);
	X509_free(r);
	EVP_PKEY_free(k);
}

TEST_F(ocsp, wrong_nonce_is_no_answer)
{
	self->p.resp.nonce = NONCE_WRONG;
	spoilt(_metadata, &self->p, self->why, sizeof(self->why),
	       "its nonce is not the one of the request");
}

TEST_F(ocsp, answer_without_nonce_is_used)
{
	struct pki *p = &self->p;

	/* Responders that answer from a cache echo none (RFC 5019). */
	p->resp.nonce = NONCE_NONE;
	p->resp.revoked = p->ee;
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(-EACCES, CHECK(p, p->ee, self));
	EXPECT_NE(NULL, strstr(self->why, "by the OCSP responder"))
		TH_LOG("%s", self->why);
}

TEST_F(ocsp, past_next_update_is_no_answer)
{
	self->p.resp.this_s = -3 * 86400;
	self->p.resp.next_s = -86400;
	spoilt(_metadata, &self->p, self->why, sizeof(self->why),
	       "it is not current: this update 20");
}

TEST_F(ocsp, unsuccessful_response_is_no_answer)
{
	self->p.resp.resp_status = OCSP_RESPONSE_STATUS_TRYLATER;
	spoilt(_metadata, &self->p, self->why, sizeof(self->why),
	       "the responder answered \"trylater\"");
}

/* The responder down: what strictcrlpolicy=@strict makes of it. */
static void responder_down(struct __test_metadata *_metadata,
			   const char *strict, int expect, const char *line)
{
	char uri[128], why[2048];
	struct pki p;
	int waited;

	memset(&p, 0, sizeof(p));
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/ocsp",
		 crl_port_closed());
	pki_make(&p, uri);
	ASSERT_NE(NULL, load(&p, strict));
	EXPECT_EQ(expect, check(p.c, p.ee, NULL, &waited, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_EQ(1, waited);
	EXPECT_NE(NULL, strstr(why, line)) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "gave no answer: cannot connect to 127.0.0.1 port "))
		TH_LOG("%s", why);
	/* The failure stands a while: the next IKE_AUTH does not wait. */
	EXPECT_EQ(expect, check(p.c, p.ee, NULL, &waited, why, sizeof(why)));
	EXPECT_EQ(0, waited);
	pki_drop(&p);
}

TEST(responder_down_strict_refuses)
{
	iked_log_open(0, IKED_LOG_ERR);
	responder_down(_metadata, "yes", -EACCES,
		       "which strictcrlpolicy=yes requires; the OCSP responder http://127.0.0.1:");
	/* An OCSP URI is a URI to ifuri, as to strongSwan. */
	responder_down(_metadata, "ifuri", -EACCES,
		       "which strictcrlpolicy=ifuri requires; the OCSP responder http://127.0.0.1:");
}

TEST(responder_down_not_strict_accepts_with_a_warning)
{
	iked_log_open(0, IKED_LOG_ERR);
	responder_down(_metadata, "no", 0,
		       "no CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=peer.example\" from ipsec.d/crls/: none there; the OCSP responder http://127.0.0.1:");
}

TEST_F(ocsp, foreign_chain_asks_nobody)
{
	struct pki *p = &self->p;
	/* Issued by a CA we do not trust, naming our responder. */
	X509 *x = ee_with_ocsp(p, "stranger.example", p->other, p->other_key,
			       p->srv.uri);
	STACK_OF(X509) *rest = sk_X509_new_null();

	/* The stranger sends its CA along: a chain, but not to ours. */
	sk_X509_push(rest, p->other);
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(0, iked_crl_fetch_wait(p->c, x, rest, "t", 1));
	EXPECT_EQ(0, iked_crl_fetch_fds(p->c, (struct pollfd[1]){ 0 }, 1));
	EXPECT_EQ(-EACCES, check(p->c, x, rest, &self->waited, self->why,
				 sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "unknown or untrusted CA"))
		TH_LOG("%s", self->why);
	EXPECT_EQ(0, atomic_load(&p->srv.requests));
	sk_X509_free(rest);
	X509_free(x);
}

TEST_F(ocsp, revoked_intermediate_refused)
{
	struct pki *p = &self->p;
	EVP_PKEY *ik = new_key("EC");
	char aia[200];
	X509 *im = new_cert(ik, "Intermediate CA", p->root, NULL, -1, 30), *x;
	STACK_OF(X509) *rest = sk_X509_new_null();

	snprintf(aia, sizeof(aia), "OCSP;URI:%s", p->srv.uri);
	add_ext(im, p->root, NID_info_access, aia);
	sign_cert(im, p->root_key);
	x = ee_with_ocsp(p, "deep.example", im, ik, p->srv.uri);
	sk_X509_push(rest, im);
	/* The leaf good by its issuer's word, the intermediate revoked by the root's. */
	p->resp.revoked = im;
	p->resp.sub_ca = im;
	p->resp.sub_key = ik;
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, check(p->c, x, rest, &self->waited, self->why,
				 sizeof(self->why)));
	/* Both asked at once, while one IKE_AUTH waited. */
	EXPECT_EQ(1, self->waited);
	EXPECT_EQ(2, atomic_load(&p->srv.posts));
	EXPECT_NE(NULL, strstr(self->why, "(subject \"C=CH, O=Example, CN=Intermediate CA\"), by the OCSP responder"))
		TH_LOG("%s", self->why);
	/* Good for both: yes without any CRL accepts the chain. */
	p->resp.revoked = NULL;
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(0, check(p->c, x, rest, &self->waited, self->why,
			   sizeof(self->why))) TH_LOG("%s", self->why);
	EXPECT_EQ(4, atomic_load(&p->srv.posts));
	sk_X509_free(rest);
	X509_free(x);
	X509_free(im);
	EVP_PKEY_free(ik);
}

TEST_HARNESS_MAIN
