// SPDX-License-Identifier: GPL-2.0
/*
 * CRLs from a certificate's HTTP distribution point (crl_fetch.c,
 * http_get.c), with a tiny HTTP server on 127.0.0.1 (crl_server.h)
 * serving a CRL the test's CA made: the fetch starts once and the
 * caller waits, the CRL is verified, cached by issuer (one request for
 * many checks) and shown with its URI by kespctl cert list; a revoked
 * certificate names the URI; a server that is down, a CRL with a wrong
 * signature and an oversized body leave no CRL, which
 * strictcrlpolicy=yes refuses naming the URI and why, =no accepts with
 * a warning and =ifuri treats as yes only for a certificate with a
 * URI. A resolver that never answers fails the fetch at the fetch's
 * timeout, with a line that names the host whose lookup timed out. Also
 * the URI parser and the response parser on their own.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/log.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/crl_fetch.h"
#include "iked/crypto/auth/http_get.h"
#include "iked/crypto/auth/trust.h"
#include "cert_fixture.h"
#include "crl_server.h"
#include "dead_resolver.h"

struct pki {
	char dir[64];
	EVP_PKEY *root_key, *other_key, *ee_key;
	X509 *root, *ee, *ee_nocdp;
	struct crl_server srv;
	struct iked_creds *c;
};

/* The CA in ipsec.d/cacerts, an end entity with its CRL at @uri. */
static void pki_make(struct pki *p, const char *uri)
{
	char path[256], cdp[200];

	snprintf(p->dir, sizeof(p->dir), "/tmp/kesp-crlfetch-XXXXXX");
	if (!mkdtemp(p->dir))
		abort();
	snprintf(path, sizeof(path), "%s/ipsec.d", p->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts", p->dir);
	mkdir(path, 0700);
	p->root_key = new_key("EC");
	p->other_key = new_key("EC");
	p->ee_key = new_key("EC");
	p->root = new_signed_cert(p->root_key, "Root CA", NULL, NULL, NULL, -1, 30);
	p->ee = new_cert(p->ee_key, "peer.example", p->root, "DNS:peer.example",
			 -1, 30);
	snprintf(cdp, sizeof(cdp), "URI:%s", uri);
	add_ext(p->ee, p->root, NID_crl_distribution_points, cdp);
	sign_cert(p->ee, p->root_key);
	p->ee_nocdp = new_signed_cert(p->ee_key, "plain.example", p->root,
				      p->root_key, "DNS:plain.example", -1, 30);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts/root.pem", p->dir);
	write_pem_cert(path, p->root);
}

static void pki_drop(struct pki *p)
{
	char cmd[128];

	iked_creds_free(p->c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", p->dir);
	if (system(cmd))
		abort();
	X509_free(p->root);
	X509_free(p->ee);
	X509_free(p->ee_nocdp);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->other_key);
	EVP_PKEY_free(p->ee_key);
}

/* @p's credentials under strictcrlpolicy=@strict; NULL on failure. */
static struct iked_creds *load(struct pki *p, const char *strict)
{
	char text[128], err[IKED_CONF_ERRLEN];
	struct iked_conf *conf;

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
 * What an IKE_AUTH does with @x: wait for its CRL (*@waited), then
 * validate. The return value of iked_trust_verify(), its line in @why.
 */
static int check(struct iked_creds *c, X509 *x, int *waited, char *why,
		 size_t len)
{
	*waited = iked_crl_fetch_wait(c, x, NULL, "t", 1);
	if (*waited)
		run_fetches(c);
	return iked_trust_verify(c, x, NULL, NULL, why, len);
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

FIXTURE(fetch) {
	struct pki p;
	char why[2048];
	int waited;
};

FIXTURE_SETUP(fetch)
{
	iked_log_open(0, IKED_LOG_ERR);
	ASSERT_EQ(0, crl_server_start(&self->p.srv));
	pki_make(&self->p, self->p.srv.uri);
}

FIXTURE_TEARDOWN(fetch)
{
	crl_server_stop(&self->p.srv);
	pki_drop(&self->p);
}

TEST_F(fetch, not_revoked_accepted_after_fetch_and_cached)
{
	struct pki *p = &self->p;
	char *list;

	crl_server_serve(&p->srv, new_crl(p->root, p->root_key, NULL, 0, -1, 7),
			 1);
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(0, check(p->c, p->ee, &self->waited, self->why,
			   sizeof(self->why))) TH_LOG("%s", self->why);
	EXPECT_EQ(1, self->waited);
	EXPECT_STREQ("", self->why);
	EXPECT_EQ(1, atomic_load(&p->srv.requests));
	/* Cached: no wait, no second request, for any number of checks. */
	EXPECT_EQ(0, check(p->c, p->ee, &self->waited, self->why,
			   sizeof(self->why))) TH_LOG("%s", self->why);
	EXPECT_EQ(0, self->waited);
	EXPECT_EQ(0, check(p->c, p->ee, &self->waited, self->why,
			   sizeof(self->why)));
	EXPECT_EQ(1, atomic_load(&p->srv.requests));
	list = cert_list(p->c, 0);
	EXPECT_NE(NULL, strstr(list, "crl C=CH, O=Example, CN=Root CA\n"))
		TH_LOG("%s", list);
	EXPECT_NE(NULL, strstr(list, ", 0 revoked\n  uri http://127.0.0.1:"))
		TH_LOG("%s", list);
	free(list);
	list = cert_list(p->c, 1);
	EXPECT_NE(NULL, strstr(list, "\"uri\":\"http://127.0.0.1:"))
		TH_LOG("%s", list);
	free(list);
}

TEST_F(fetch, revoked_refused_naming_the_uri)
{
	struct pki *p = &self->p;
	char want[256];

	crl_server_serve(&p->srv, new_crl(p->root, p->root_key, &p->ee, 1, -1, 7),
			 0);
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(-EACCES, check(p->c, p->ee, &self->waited, self->why,
				 sizeof(self->why)));
	EXPECT_EQ(1, self->waited);
	EXPECT_EQ(0, strncmp(self->why, "certificate revoked: serial ", 28))
		TH_LOG("%s", self->why);
	snprintf(want, sizeof(want), "by CRL %s of \"C=CH, O=Example, CN=Root CA\", revoked on 20",
		 p->srv.uri);
	EXPECT_NE(NULL, strstr(self->why, want)) TH_LOG("%s", self->why);
}

/* The server down: the line of strictcrlpolicy=@strict. */
static void server_down(struct __test_metadata *_metadata, const char *strict,
			int expect, const char *line)
{
	struct pki p;
	char uri[128], want[512], why[2048];
	int waited;

	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/root.crl",
		 crl_port_closed());
	pki_make(&p, uri);
	ASSERT_NE(NULL, load(&p, strict));
	EXPECT_EQ(expect, check(p.c, p.ee, &waited, why, sizeof(why)));
	EXPECT_EQ(1, waited);
	snprintf(want, sizeof(want), line, uri);
	EXPECT_NE(NULL, strstr(why, want)) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, ": Connection refused")) TH_LOG("%s", why);
	/* The failure stands a while: the next IKE_AUTH does not wait. */
	EXPECT_EQ(expect, check(p.c, p.ee, &waited, why, sizeof(why)));
	EXPECT_EQ(0, waited);
	/* Without a URI nothing is fetched: ifuri lets it pass. */
	if (!strcmp(strict, "ifuri"))
		EXPECT_EQ(0, check(p.c, p.ee_nocdp, &waited, why, sizeof(why)));
	pki_drop(&p);
}

TEST(server_down_strict_refuses_naming_the_uri)
{
	iked_log_open(0, IKED_LOG_ERR);
	server_down(_metadata, "yes", -EACCES,
		    "no CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=peer.example\", which strictcrlpolicy=yes requires: fetching it from %s failed: cannot connect to 127.0.0.1 port ");
	server_down(_metadata, "ifuri", -EACCES,
		    "which strictcrlpolicy=ifuri requires: fetching it from %s failed: cannot connect");
}

TEST(server_down_not_strict_accepts_with_a_warning)
{
	iked_log_open(0, IKED_LOG_ERR);
	server_down(_metadata, "no", 0,
		    "no CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=peer.example\" from %s: cannot connect to 127.0.0.1 port ");
}

TEST_F(fetch, wrong_signature_not_used)
{
	struct pki *p = &self->p;
	char *list;

	/* In the CA's name, signed by another key. */
	crl_server_serve(&p->srv, new_crl(p->root, p->other_key, &p->ee, 1, -1, 7),
			 1);
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, check(p->c, p->ee, &self->waited, self->why,
				 sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "failed: the CRL's signature does not verify with the key of its issuer \"C=CH, O=Example, CN=Root CA\""))
		TH_LOG("%s", self->why);
	list = cert_list(p->c, 0);
	EXPECT_EQ(NULL, strstr(list, "crl ")) TH_LOG("%s", list);
	free(list);
	iked_creds_free(p->c);
	/* Under no the certificate passes, not "revoked" by a forgery. */
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(0, check(p->c, p->ee, &self->waited, self->why,
			   sizeof(self->why))) TH_LOG("%s", self->why);
	EXPECT_NE(NULL, strstr(self->why, "signature does not verify"))
		TH_LOG("%s", self->why);
}

TEST_F(fetch, oversized_body_refused)
{
	struct pki *p = &self->p;

	p->srv.len = IKED_CRL_FETCH_MAX_BYTES + 1;
	p->srv.body = calloc(1, p->srv.len);
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, check(p->c, p->ee, &self->waited, self->why,
				 sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "larger than 1048576 bytes"))
		TH_LOG("%s", self->why);
}

TEST(silent_server_times_out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char uri[128], why[2048];
	struct pki p;
	int fd = socket(AF_INET, SOCK_STREAM, 0), waited;

	/* Connections complete in the backlog, nobody ever answers. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 4));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &sl));
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/root.crl",
		 ntohs(sin.sin_port));
	iked_log_open(0, IKED_LOG_ERR);
	pki_make(&p, uri);
	ASSERT_NE(NULL, load(&p, "yes"));
	iked_crl_fetch_set_timeout(p.c, 300);
	EXPECT_EQ(-EACCES, check(p.c, p.ee, &waited, why, sizeof(why)));
	EXPECT_EQ(1, waited);
	EXPECT_NE(NULL, strstr(why, "failed: no complete answer within 300 ms"))
		TH_LOG("%s", why);
	pki_drop(&p);
	close(fd);
}

/*
 * The distribution point's name goes to a resolver that never answers
 * (its own timeouts: 3 attempts of 30 s): the fetch still gives up at
 * its own timeout, and says the lookup of that name timed out.
 */
TEST(dead_resolver_fails_the_fetch_at_its_timeout)
{
	static const char uri[] = "http://crl.kesp-test.invalid/root.crl";
	struct timespec t0, t1;
	char why[2048], skip[256];
	struct pki p;
	int fd, waited;
	long ms;

	fd = dead_resolver_enter(skip, sizeof(skip));
	if (fd < 0)
		SKIP(return, "%s", skip);
	iked_log_open(0, IKED_LOG_ERR);
	pki_make(&p, uri);
	ASSERT_NE(NULL, load(&p, "yes"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(-EACCES, check(p.c, p.ee, &waited, why, sizeof(why)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_EQ(1, waited);
	EXPECT_NE(NULL, strstr(why, "fetching it from http://crl.kesp-test.invalid/root.crl failed: cannot resolve crl.kesp-test.invalid: the name lookup timed out after 5000 ms"))
		TH_LOG("%s", why);
	EXPECT_LE(IKED_CRL_FETCH_TIMEOUT_MS - 100, ms);
	EXPECT_GE(IKED_CRL_FETCH_TIMEOUT_MS + 1500, ms);
	pki_drop(&p);
	close(fd);
}

TEST_F(fetch, other_schemes_skipped)
{
	struct pki *p = &self->p;
	X509 *x = new_cert(p->ee_key, "ldap.example", p->root,
			   "DNS:ldap.example", -1, 30);

	add_ext(x, p->root, NID_crl_distribution_points,
		"URI:ldap://ldap.example/cn=Root%20CA?certificateRevocationList");
	sign_cert(x, p->root_key);
	ASSERT_NE(NULL, load(p, "yes"));
	EXPECT_EQ(-EACCES, check(p->c, x, &self->waited, self->why,
				 sizeof(self->why)));
	EXPECT_EQ(0, self->waited);
	EXPECT_NE(NULL, strstr(self->why, "fetching it from ldap://ldap.example/cn=Root%20CA?certificateRevocationList failed: unsupported scheme: only http:// is fetched"))
		TH_LOG("%s", self->why);
	X509_free(x);
}

TEST_F(fetch, untrusted_chain_fetches_nothing)
{
	struct pki *p = &self->p;
	EVP_PKEY *k = new_key("EC");
	X509 *rogue = new_signed_cert(k, "Root CA", NULL, NULL, NULL, -1, 30);
	X509 *x = new_cert(p->ee_key, "x.example", rogue, "DNS:x.example", -1,
			   30);

	add_ext(x, rogue, NID_crl_distribution_points, "URI:http://127.0.0.1:1/x");
	sign_cert(x, k);
	ASSERT_NE(NULL, load(p, "no"));
	EXPECT_EQ(0, iked_crl_fetch_wait(p->c, x, NULL, "t", 1));
	EXPECT_EQ(0, iked_crl_fetch_fds(p->c, (struct pollfd[1]){ 0 }, 1));
	X509_free(x);
	X509_free(rogue);
	EVP_PKEY_free(k);
}

TEST(uri_parse)
{
	struct http_uri u;

	EXPECT_EQ(0, http_uri_parse("http://crl.example/ca.crl", &u));
	EXPECT_STREQ("crl.example", u.host);
	EXPECT_STREQ("80", u.port);
	EXPECT_STREQ("/ca.crl", u.path);
	EXPECT_EQ(0, http_uri_parse("HTTP://[2001:db8::1]:8080", &u));
	EXPECT_STREQ("2001:db8::1", u.host);
	EXPECT_STREQ("8080", u.port);
	EXPECT_STREQ("/", u.path);
	EXPECT_EQ(-EPROTONOSUPPORT, http_uri_parse("https://crl.example/", &u));
	EXPECT_EQ(-EPROTONOSUPPORT, http_uri_parse("ldap://crl.example/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://a b/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://a/\r\nX: y", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://u@host/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://host:8x/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://host:/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http:///x", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("http://h\\x/", &u));
	EXPECT_EQ(-EINVAL, http_uri_parse("crl.example", &u));
}

TEST(response_parse)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef";
	static const char nolen[] = "HTTP/1.0 200 OK\n\nxyz";
	static const char short_[] = "HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nabc";
	static const char notfound[] = "HTTP/1.0 404 Not Found\r\n\r\n";
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	static const char nohead[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n";
	const uint8_t *b;
	char why[128];
	size_t n;

	EXPECT_EQ(0, http_response_body((const uint8_t *)ok, strlen(ok), &b,
					&n, why, sizeof(why)));
	EXPECT_EQ(3, n);
	EXPECT_EQ(0, memcmp(b, "abc", 3));
	EXPECT_EQ(0, http_response_body((const uint8_t *)nolen, strlen(nolen),
					&b, &n, why, sizeof(why)));
	EXPECT_EQ(3, n);
	EXPECT_EQ(-EBADMSG, http_response_body((const uint8_t *)short_,
					       strlen(short_), &b, &n, why,
					       sizeof(why)));
	EXPECT_STREQ("the HTTP body ends after 3 of its 9 bytes", why);
	EXPECT_EQ(-EBADMSG, http_response_body((const uint8_t *)notfound,
					       strlen(notfound), &b, &n, why,
					       sizeof(why)));
	EXPECT_STREQ("HTTP status 404", why);
	EXPECT_EQ(-EBADMSG, http_response_body((const uint8_t *)chunked,
					       strlen(chunked), &b, &n, why,
					       sizeof(why)));
	EXPECT_EQ(-EBADMSG, http_response_body((const uint8_t *)nohead,
					       strlen(nohead), &b, &n, why,
					       sizeof(why)));
	EXPECT_EQ(-EBADMSG, http_response_body((const uint8_t *)"junk", 4, &b,
					       &n, why, sizeof(why)));
}

TEST_HARNESS_MAIN
