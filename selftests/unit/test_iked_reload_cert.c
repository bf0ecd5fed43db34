// SPDX-License-Identifier: GPL-2.0
/*
 * A reload re-reads the certificates and keys of ipsec.d (reload.c,
 * creds.c), with three in-process kesp-iked instances on loopback: B
 * reloads, A holds an IKE SA with B from before, C comes after. B's
 * certificate and key renewed on disk: B's IKE SA with A stays, and C,
 * which pins B's new certificate (rightcert=), gets in with it. A CA
 * added on disk, with a CRL of its own, lets C's certificate in, which
 * it refused before. A broken certificate or key file refuses the
 * reload with the file's name, and B goes on with what it had. Each
 * test runs in a network namespace of its own.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/reload.h"
#include "iked/sa/control.h"
/* The recorder's checks this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_pair.h"
#include "iked_inst.h"
#pragma GCC diagnostic pop
#include "log_capture.h"
#include "kselftest_harness.h"
#include "cert_fixture.h"

#define B_DN	"C=CH, O=Example, CN=b.example"

/*
 * B's conns, to A and to C, with no leftid=: B is its certificate's
 * subject, which a reload must find again to keep the conn unchanged.
 */
#define B_CONN(peer, pip, pnet) \
	"conn b-" peer "\n\tleft=127.0.0.2\n\tleftcert=b.pem\n" \
	"\tleftsendcert=always\n\tleftsubnet=10.2.0.0/24\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n\tauthby=pubkey\n" \
	"\tike=aes256gcm16-prfsha256-ecp256!\n" \
	"\tesp=aes128-sha256-ecp256!\n\tauto=add\n"

static const char conf_b[] =
	B_CONN("a", "127.0.0.1", "10.1.0.0/24")
	B_CONN("c", "127.0.0.3", "10.3.0.0/24");

/* A's or C's conn to B; @pin: rightcert= that file. */
static void peer_conf(char *buf, size_t len, const char *me, const char *ip,
		      const char *net, const char *pin)
{
	snprintf(buf, len,
		 "conn %s-b\n\tleft=%s\n\tleftid=@%s.example\n"
		 "\tleftcert=%s.pem\n\tleftsendcert=always\n"
		 "\tleftsubnet=%s\n\tright=127.0.0.2\n"
		 "\trightid=\"" B_DN "\"\n%s%s%s"
		 "\trightsubnet=10.2.0.0/24\n\tauthby=pubkey\n"
		 "\tike=aes256gcm16-prfsha256-ecp256!\n"
		 "\tesp=aes128-sha256-ecp256!\n\tauto=add\n",
		 me, ip, me, me, net, pin ? "\trightcert=" : "",
		 pin ? pin : "", pin ? "\n" : "");
}

FIXTURE(rc) {
	char dir[64], why[IKED_CONF_ERRLEN], conf[96], secrets[96];
	char msg[IKED_CONF_ERRLEN + 64];
	struct inst a, b, c;
	unsigned int to_a, to_b, to_c;
	int log_fd, saved_err;
	EVP_PKEY *ca_key, *ca2_key, *b_new_key;
	X509 *ca, *ca2, *b_old, *b_new;
};

/* @x (a certificate) or else @key into DIR/ipsec.d/@name. */
static void put(FIXTURE_DATA(rc) *self, const char *name, X509 *x,
		EVP_PKEY *key)
{
	put_pem(self->dir, name, x, key);
}

/*
 * ipsec.d: the CA, A's and B's certificates and keys, C's by the CA or
 * (@c_by_ca2) by a second CA not (yet) in cacerts/, B's renewal beside
 * as certs/b-new.pem (C pins it) and private/b-new.key.
 */
static void make_dir(FIXTURE_DATA(rc) *self, bool c_by_ca2)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
		"ipsec.d/crls",
	};
	EVP_PKEY *ka = new_key("EC"), *kb = new_key("EC"), *kc = new_key("EC");
	X509 *a, *c;
	char p[256];
	size_t i;

	strcpy(self->dir, "/tmp/kesp-reload-cert-XXXXXX");
	if (!mkdtemp(self->dir))
		abort();
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", self->dir, sub[i]);
		mkdir(p, 0700);
	}
	self->ca_key = new_key("EC");
	self->ca2_key = new_key("EC");
	self->b_new_key = new_key("EC");
	self->ca = new_signed_cert(self->ca_key, "Example Root CA", NULL, NULL,
				   NULL, -1, 30);
	self->ca2 = new_signed_cert(self->ca2_key, "Other Root CA", NULL, NULL,
				    NULL, -1, 30);
	a = new_signed_cert(ka, "a.example", self->ca, self->ca_key,
			    "DNS:a.example", -1, 30);
	self->b_old = new_signed_cert(kb, "b.example", self->ca, self->ca_key,
				      "DNS:b.example", -1, 30);
	self->b_new = new_signed_cert(self->b_new_key, "b.example", self->ca,
				      self->ca_key, "DNS:b.example", -1, 60);
	c = c_by_ca2 ?
	    new_signed_cert(kc, "c.example", self->ca2, self->ca2_key,
			    "DNS:c.example", -1, 30) :
	    new_signed_cert(kc, "c.example", self->ca, self->ca_key,
			    "DNS:c.example", -1, 30);
	put(self, "cacerts/ca.pem", self->ca, NULL);
	put(self, "certs/a.pem", a, NULL);
	put(self, "certs/b.pem", self->b_old, NULL);
	put(self, "certs/b-new.pem", self->b_new, NULL);
	put(self, "certs/c.pem", c, NULL);
	put(self, "private/a.key", NULL, ka);
	put(self, "private/b.key", NULL, kb);
	put(self, "private/c.key", NULL, kc);
	X509_free(a);
	X509_free(c);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(kc);
}

static void put_crl(const char *path, X509_CRL *crl)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	PEM_write_X509_CRL(f, crl);
	fclose(f);
	X509_CRL_free(crl);
}

static int inst_new(FIXTURE_DATA(rc) *self, struct inst *in, const char *ip,
		    const char *conf, const char *secrets)
{
	if (pair_daemon_new(in, ip, conf, secrets, self->why,
			    sizeof(self->why)))
		return -1;
	return iked_creds_load(self->dir, in->d->conf, in->d->secrets,
			       &in->d->creds, self->why, sizeof(self->why));
}

/* The three daemons; B's files on disk, for its reloads. */
static void start(struct __test_metadata *_metadata, FIXTURE_DATA(rc) *self,
		  bool c_by_ca2, const char *c_pin)
{
	char conf_a[1024], conf_c[1024];

	make_dir(self, c_by_ca2);
	snprintf(self->conf, sizeof(self->conf), "%s/b.conf", self->dir);
	snprintf(self->secrets, sizeof(self->secrets), "%s/b.secrets",
		 self->dir);
	put_text(self->conf, conf_b);
	put_text(self->secrets, ": ECDSA b.key\n");
	peer_conf(conf_a, sizeof(conf_a), "a", "127.0.0.1", "10.1.0.0/24",
		  NULL);
	peer_conf(conf_c, sizeof(conf_c), "c", "127.0.0.3", "10.3.0.0/24",
		  c_pin);
	insts_name(&self->a, &self->b);
	self->c.name = "C";
	self->c.conn = "c-b";
	self->c.rec.spi_base = 0xc0000100;
	ASSERT_EQ(0, inst_new(self, &self->a, "127.0.0.1", conf_a,
			      ": ECDSA a.key\n")) TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(self, &self->b, "127.0.0.2", conf_b,
			      ": ECDSA b.key\n")) TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(self, &self->c, "127.0.0.3", conf_c,
			      ": ECDSA c.key\n")) TH_LOG("%s", self->why);
	self->b.d->conf_path = self->conf;
	self->b.d->secrets_path = self->secrets;
}

FIXTURE_SETUP(rc)
{
	int r = netns_enter(self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	self->log_fd = log_capture_start(&self->saved_err);
	iked_log_open(0, IKED_LOG_INFO);
}

static void inst_free(struct inst *in)
{
	if (in->d) {
		iked_creds_free(in->d->creds);
		in->d->creds = NULL;
	}
	pair_daemon_free(in);
}

FIXTURE_TEARDOWN(rc)
{
	char cmd[128];

	iked_log_open(0, IKED_LOG_ERR);
	inst_free(&self->a);
	inst_free(&self->b);
	inst_free(&self->c);
	log_capture_stop(self->log_fd, self->saved_err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		abort();
	X509_free(self->ca);
	X509_free(self->ca2);
	X509_free(self->b_old);
	X509_free(self->b_new);
	EVP_PKEY_free(self->ca_key);
	EVP_PKEY_free(self->ca2_key);
	EVP_PKEY_free(self->b_new_key);
}

/* @from (A or C) brings its conn to B up; both loops until nothing moves. */
static void run(FIXTURE_DATA(rc) *self, struct inst *from,
		unsigned int *to_from)
{
	struct ike_sa *sa;

	if (iked_initiate(from->d, &from->d->conns[0], &sa))
		return;
	insts_settle(from, &self->b, 10000, to_from, &self->to_b);
}

/* The established IKE SA of @in's conn @conn with a CHILD SA, or NULL. */
static struct ike_sa *up_sa(const struct inst *in, const char *conn)
{
	struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && sa->children &&
		    sa->conn && !strcmp(sa->conn->name, conn))
			return sa;
	return NULL;
}

static int reload_b(FIXTURE_DATA(rc) *self)
{
	return iked_reload(self->b.d, self->msg, sizeof(self->msg), NULL);
}

static void serial_hex(X509 *x, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = BN_bn2hex(bn);

	snprintf(buf, len, "serial %s,", hex);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* What `kespctl cert list` shows of B's store; free() it. */
static char *b_cert_list(FIXTURE_DATA(rc) *self)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	iked_creds_write(self->b.d->creds, f, 0);
	fclose(f);
	return text;
}

static char *log_text(FIXTURE_DATA(rc) *self)
{
	return log_capture_text(self->log_fd);
}

TEST_F_TIMEOUT(rc, renewed_certificate_used_by_new_ike_auth_old_sa_stays, 120)
{
	struct ike_sa *a_sa, *b_sa;
	char old_serial[64], new_serial[64], *list, *log;

	start(_metadata, self, false, "b-new.pem");
	run(self, &self->a, &self->to_a);
	a_sa = up_sa(&self->a, "a-b");
	b_sa = up_sa(&self->b, "b-a");
	ASSERT_NE(NULL, a_sa);
	ASSERT_NE(NULL, b_sa);

	/* The operator renews B's certificate and key in place. */
	put(self, "certs/b.pem", self->b_new, NULL);
	put(self, "private/b.key", NULL, self->b_new_key);
	ASSERT_EQ(0, reload_b(self)) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, "unchanged 2; credentials: 1 CA certificate, 1 end-entity certificate (1 replaced), 1 private key (1 replaced), 0 CRLs"))
		TH_LOG("%s", self->msg);
	serial_hex(self->b_old, old_serial, sizeof(old_serial));
	serial_hex(self->b_new, new_serial, sizeof(new_serial));
	log = log_text(self);
	EXPECT_NE(NULL, strstr(log, "reload: certificate b.pem replaced: \"" B_DN "\", serial "))
		TH_LOG("%s", log);
	free(log);

	/* The IKE SA authenticated with the old one stays, at both ends. */
	insts_settle(&self->a, &self->b, 300, &self->to_a, &self->to_b);
	EXPECT_EQ(b_sa, up_sa(&self->b, "b-a"));
	EXPECT_EQ(a_sa, up_sa(&self->a, "a-b"));

	/* C takes only the new certificate, and its key's signature. */
	run(self, &self->c, &self->to_c);
	log = log_text(self);
	EXPECT_NE(NULL, up_sa(&self->c, "c-b")) TH_LOG("%s", log);
	EXPECT_NE(NULL, up_sa(&self->b, "b-c")) TH_LOG("%s", log);
	free(log);

	/* kespctl cert list: the new one, not the old. */
	list = b_cert_list(self);
	EXPECT_NE(NULL, strstr(list, new_serial)) TH_LOG("%s", list);
	EXPECT_EQ(NULL, strstr(list, old_serial)) TH_LOG("%s", list);
	free(list);
}

TEST_F_TIMEOUT(rc, added_ca_lets_its_peer_in, 120)
{
	char p[256], *log;

	start(_metadata, self, true, NULL);
	run(self, &self->c, &self->to_c);
	EXPECT_EQ(NULL, up_sa(&self->c, "c-b"));
	log = log_text(self);
	EXPECT_NE(NULL, strstr(log, "unknown or untrusted CA: the certificate \"C=CH, O=Example, CN=c.example\" was issued by \"C=CH, O=Example, CN=Other Root CA\""))
		TH_LOG("%s", log);
	free(log);

	/* Its CRL with it: checked against the CAs read with it. */
	put(self, "cacerts/other.pem", self->ca2, NULL);
	snprintf(p, sizeof(p), "%s/ipsec.d/crls/other.crl", self->dir);
	put_crl(p, new_crl(self->ca2, self->ca2_key, NULL, 0, -1, 7));
	ASSERT_EQ(0, reload_b(self)) TH_LOG("%s", self->msg);
	EXPECT_NE(NULL, strstr(self->msg, "credentials: 2 CA certificates (1 added), 1 end-entity certificate, 1 private key, 1 CRL"))
		TH_LOG("%s", self->msg);
	snprintf(p, sizeof(p), "reload: CA certificate added: \"C=CH, O=Example, CN=Other Root CA\", serial ");
	log = log_text(self);
	EXPECT_NE(NULL, strstr(log, p)) TH_LOG("%s", log);
	free(log);

	run(self, &self->c, &self->to_c);
	log = log_text(self);
	EXPECT_NE(NULL, up_sa(&self->c, "c-b")) TH_LOG("%s", log);
	EXPECT_NE(NULL, up_sa(&self->b, "b-c")) TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(rc, broken_file_refuses_the_reload_old_credentials_stay, 120)
{
	struct iked_creds *before;
	char p[256], want[512], *log;

	start(_metadata, self, false, NULL);
	before = self->b.d->creds;

	/* A certificate that is none. */
	snprintf(p, sizeof(p), "%s/ipsec.d/certs/b.pem", self->dir);
	put_text(p, "-----BEGIN CERTIFICATE-----\nbroken\n");
	EXPECT_EQ(-EINVAL, reload_b(self));
	snprintf(want, sizeof(want), "conn b-a: leftcert=b.pem: %s: not an X.509 certificate in PEM or DER",
		 p);
	EXPECT_NE(NULL, strstr(self->msg, want)) TH_LOG("%s", self->msg);
	EXPECT_EQ(0, strncmp(self->msg, self->conf, strlen(self->conf)))
		TH_LOG("%s", self->msg);
	log = log_text(self);
	EXPECT_NE(NULL, strstr(log, "reload refused, the running configuration stays: ")) TH_LOG("%s", log);
	free(log);

	/* A CA file that is none. */
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts/new.pem", self->dir);
	put_text(p, "not a certificate\n");
	EXPECT_EQ(-EINVAL, reload_b(self));
	snprintf(want, sizeof(want), "%s: not an X.509 certificate", p);
	EXPECT_NE(NULL, strstr(self->msg, want)) TH_LOG("%s", self->msg);
	unlink(p);

	/* A key that is none (the broken b.pem still there). */
	snprintf(p, sizeof(p), "%s/ipsec.d/private/b.key", self->dir);
	put_text(p, "-----BEGIN PRIVATE KEY-----\nbroken\n");
	put(self, "certs/b.pem", self->b_old, NULL);
	EXPECT_EQ(-EINVAL, reload_b(self));
	snprintf(want, sizeof(want), "%s:1: %s: not a private key", self->secrets, p);
	EXPECT_NE(NULL, strstr(self->msg, want)) TH_LOG("%s", self->msg);

	/* B still signs with what it had, and knows it by the same store. */
	EXPECT_EQ(before, self->b.d->creds);
	run(self, &self->a, &self->to_a);
	log = log_text(self);
	EXPECT_NE(NULL, up_sa(&self->a, "a-b")) TH_LOG("%s", log);
	EXPECT_NE(NULL, up_sa(&self->b, "b-a")) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
