// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation and key usage in the validation of a peer's certificate,
 * with a CA, certificates and CRLs made here by OpenSSL: CRLs read from
 * ipsec.d/crls (PEM and DER) and refused when no loaded CA signed them,
 * a revoked certificate's one line (serial, CRL file, date),
 * strictcrlpolicy=no and =yes without a CRL and with an expired one,
 * extendedKeyUsage (serverAuth, ipsecIKE, none pass; emailProtection
 * alone fails), an intermediate CA checked as the peer is
 * (CRL_CHECK_ALL), and the CRLs in kespctl cert list.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/trust.h"
#include "cert_fixture.h"

struct pki {
	char dir[64];
	EVP_PKEY *root_key, *rogue_key, *ee_key;
	X509 *root, *rogue, *good, *bad;
};

/* ipsec.d/cacerts/root.pem; @good and @bad issued by it, not yet revoked. */
static void pki_make(struct pki *p)
{
	char path[256];

	snprintf(p->dir, sizeof(p->dir), "/tmp/kesp-crl-XXXXXX");
	if (!mkdtemp(p->dir))
		abort();
	snprintf(path, sizeof(path), "%s/ipsec.d", p->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts", p->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/ipsec.d/crls", p->dir);
	mkdir(path, 0700);
	p->root_key = new_key("EC");
	p->rogue_key = new_key("EC");
	p->ee_key = new_key("EC");
	p->root = new_signed_cert(p->root_key, "Root CA", NULL, NULL, NULL, -1, 30);
	p->rogue = new_signed_cert(p->rogue_key, "Rogue CA", NULL, NULL, NULL, -1, 30);
	p->good = new_signed_cert(p->ee_key, "good.example", p->root, p->root_key,
				  "DNS:good.example", -1, 30);
	p->bad = new_signed_cert(p->ee_key, "bad.example", p->root, p->root_key,
				 "DNS:bad.example", -1, 30);
	snprintf(path, sizeof(path), "%s/ipsec.d/cacerts/root.pem", p->dir);
	write_pem_cert(path, p->root);
}

static void pki_drop(struct pki *p)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", p->dir);
	if (system(cmd))
		abort();
	X509_free(p->root);
	X509_free(p->rogue);
	X509_free(p->good);
	X509_free(p->bad);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->rogue_key);
	EVP_PKEY_free(p->ee_key);
}

/* ipsec.d/crls/@name, PEM or DER; the CRL freed. */
static void put_crl(struct pki *p, const char *name, X509_CRL *crl, int der)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ipsec.d/crls/%s", p->dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (der)
		i2d_X509_CRL_fp(f, crl);
	else
		PEM_write_X509_CRL(f, crl);
	fclose(f);
	X509_CRL_free(crl);
}

/* The credentials of @p's ipsec.d under strictcrlpolicy=@strict. */
static struct iked_creds *load(struct pki *p, const char *strict)
{
	char text[128], err[IKED_CONF_ERRLEN];
	struct iked_conf *conf;
	struct iked_creds *c = NULL;

	snprintf(text, sizeof(text), "config setup\n\tstrictcrlpolicy=%s\n",
		 strict);
	if (iked_conf_parse("ipsec.conf", text, strlen(text), &conf, err,
			    sizeof(err)))
		return NULL;
	if (iked_creds_load(p->dir, conf, NULL, &c, err, sizeof(err)))
		c = NULL;
	iked_conf_free(conf);
	return c;
}

TEST(strictcrlpolicy_keyword)
{
	const char *yes = "config setup\n\tstrictcrlpolicy=yes\n\tuniqueids=yes\n";
	const char *bad = "config setup\n\tstrictcrlpolicy=maybe\n";
	const char *none = "config setup\n\tuniqueids=yes\n";
	char err[IKED_CONF_ERRLEN];
	struct iked_conf *conf;

	ASSERT_EQ(0, iked_conf_parse("ipsec.conf", yes, strlen(yes), &conf,
				     err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_TRUE(conf->strictcrlpolicy);
	/* Applied, so not among the keywords said to be ignored. */
	ASSERT_EQ(1, conf->n_warnings);
	EXPECT_EQ(NULL, strstr(conf->warnings[0], "strictcrlpolicy"));
	iked_conf_free(conf);
	ASSERT_EQ(0, iked_conf_parse("ipsec.conf", none, strlen(none), &conf,
				     err, sizeof(err)));
	EXPECT_FALSE(conf->strictcrlpolicy);
	iked_conf_free(conf);
	EXPECT_EQ(-EINVAL, iked_conf_parse("ipsec.conf", bad, strlen(bad),
					   &conf, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "ipsec.conf:2: strictcrlpolicy: \"maybe\" is not a valid value"))
		TH_LOG("%s", err);
}

TEST(revoked_fails_good_passes)
{
	X509 *rev[1];
	struct iked_creds *c;
	char why[2048], want[1024], serial[32];
	struct pki p;

	pki_make(&p);
	rev[0] = p.bad;
	put_crl(&p, "root.crl", new_crl(p.root, p.root_key, rev, 1, -1, 7), 1);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->crls.n);
	EXPECT_EQ(0, c->crls.n_errors);
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_STREQ("", why);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, p.bad, NULL, NULL, why,
					     sizeof(why)));
	snprintf(serial, sizeof(serial), "%02lX",
		 ASN1_INTEGER_get(X509_get0_serialNumber(p.bad)));
	snprintf(want, sizeof(want), "certificate revoked: serial %s (subject \"C=CH, O=Example, CN=bad.example\"), by CRL %s/ipsec.d/crls/root.crl of \"C=CH, O=Example, CN=Root CA\", revoked on 20",
		 serial, p.dir);
	EXPECT_EQ(0, strncmp(why, want, strlen(want))) TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, " UTC")) TH_LOG("%s", why);
	iked_creds_free(c);
	pki_drop(&p);
}

TEST(no_crl_strict_and_not)
{
	struct iked_creds *c;
	char why[2048];
	struct pki p;

	pki_make(&p);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	iked_creds_free(c);
	c = load(&p, "yes");
	ASSERT_NE(NULL, c);
	EXPECT_TRUE(c->strict_crl);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, p.good, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_STREQ("no CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=good.example\" in ipsec.d/crls/, which strictcrlpolicy=yes requires",
		     why);
	/* A root of cacerts/ is a trust anchor: no CRL asked of it. */
	EXPECT_EQ(0, iked_trust_verify(c, p.root, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	iked_creds_free(c);
	/* A current CRL satisfies strict; the root is never asked for one. */
	put_crl(&p, "root.pem", new_crl(p.root, p.root_key, NULL, 0, -1, 7), 0);
	c = load(&p, "yes");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, c->crls.n);
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	iked_creds_free(c);
	pki_drop(&p);
}

TEST(expired_crl)
{
	X509 *rev[1];
	struct iked_creds *c;
	char why[2048];
	struct pki p;

	pki_make(&p);
	rev[0] = p.bad;
	put_crl(&p, "old.crl", new_crl(p.root, p.root_key, rev, 1, -10, -2), 0);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	ASSERT_EQ(1, c->crls.n);
	ASSERT_EQ(1, c->crls.n_warnings);
	EXPECT_NE(NULL, strstr(c->crls.warnings[0], "old.crl: the CRL of \"C=CH, O=Example, CN=Root CA\" expired on 20"))
		TH_LOG("%s", c->crls.warnings[0]);
	/* Used, with the warning: its revocations still count. */
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "crls/old.crl of \"C=CH, O=Example, CN=Root CA\" expired on 20"))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "used anyway, as strictcrlpolicy=no"));
	EXPECT_EQ(-EACCES, iked_trust_verify(c, p.bad, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "certificate revoked: ", 21)) TH_LOG("%s", why);
	iked_creds_free(c);
	c = load(&p, "yes");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, p.good, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "no current CRL for the issuer \"C=CH, O=Example, CN=Root CA\" of \"C=CH, O=Example, CN=good.example\", which strictcrlpolicy=yes requires: the CRL ", 136))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "crls/old.crl is valid from 20"));
	iked_creds_free(c);
	pki_drop(&p);
}

/* A CRL from the future (a clock is wrong) is stale as an expired one. */
TEST(crl_not_yet_valid)
{
	struct iked_creds *c;
	char why[2048];
	struct pki p;

	pki_make(&p);
	put_crl(&p, "new.crl", new_crl(p.root, p.root_key, NULL, 0, 2, 9), 0);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "crls/new.crl of \"C=CH, O=Example, CN=Root CA\" is not valid before 20"))
		TH_LOG("%s", why);
	iked_creds_free(c);
	c = load(&p, "yes");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, p.good, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "no current CRL for the issuer ", 30))
		TH_LOG("%s", why);
	iked_creds_free(c);
	pki_drop(&p);
}

TEST(crl_of_wrong_ca_refused)
{
	X509 *rev[1];
	struct iked_creds *c;
	char why[2048];
	struct pki p;

	pki_make(&p);
	rev[0] = p.good;
	/* Root CA's name, the rogue's key: a forgery. */
	put_crl(&p, "forged.crl", new_crl(p.root, p.rogue_key, rev, 1, -1, 7), 0);
	/* A CA we do not trust. */
	put_crl(&p, "rogue.crl", new_crl(p.rogue, p.rogue_key, rev, 1, -1, 7), 1);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, c->crls.n);
	ASSERT_EQ(2, c->crls.n_errors);
	EXPECT_NE(NULL, strstr(c->crls.errors[0], "/ipsec.d/crls/forged.crl: CRL refused: its signature does not verify with the key of its issuer \"C=CH, O=Example, CN=Root CA\" ("))
		TH_LOG("%s", c->crls.errors[0]);
	EXPECT_NE(NULL, strstr(c->crls.errors[1], "/ipsec.d/crls/rogue.crl: CRL refused: its issuer \"C=CH, O=Example, CN=Rogue CA\" is none of the loaded CAs (C=CH, O=Example, CN=Root CA)"))
		TH_LOG("%s", c->crls.errors[1]);
	/* The refused CRL revokes nothing. */
	EXPECT_EQ(0, iked_trust_verify(c, p.good, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	iked_creds_free(c);
	pki_drop(&p);
}

/* CRL_CHECK_ALL: an intermediate CA is checked as the peer is. */
TEST(intermediate_ca)
{
	EVP_PKEY *ik = new_key("EC");
	STACK_OF(X509) *sent = sk_X509_new_null();
	struct iked_creds *c;
	X509 *inter, *leaf;
	char why[2048];
	struct pki p;

	pki_make(&p);
	inter = new_signed_cert(ik, "Inter CA", p.root, p.root_key, NULL, -1, 30);
	leaf = new_signed_cert(p.ee_key, "leaf.example", inter, ik,
			       "DNS:leaf.example", -1, 30);
	sk_X509_push(sent, inter);
	/* The root's CRL revokes nothing; the intermediate has none. */
	put_crl(&p, "root.crl", new_crl(p.root, p.root_key, NULL, 0, -1, 7), 0);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, iked_trust_verify(c, leaf, sent, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	iked_creds_free(c);
	c = load(&p, "yes");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, leaf, sent, NULL, why,
					     sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "no CRL for the issuer \"C=CH, O=Example, CN=Inter CA\" of \"C=CH, O=Example, CN=leaf.example\"", 89))
		TH_LOG("%s", why);
	iked_creds_free(c);
	/* Now the root revokes the intermediate: the peer fails with it. */
	put_crl(&p, "root.crl", new_crl(p.root, p.root_key, &inter, 1, -1, 7), 0);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, leaf, sent, NULL, why,
					     sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "(subject \"C=CH, O=Example, CN=Inter CA\"), by CRL "))
		TH_LOG("%s", why);
	iked_creds_free(c);
	sk_X509_pop_free(sent, X509_free);
	X509_free(leaf);
	EVP_PKEY_free(ik);
	pki_drop(&p);
}

/* An end-entity certificate of @p's root with extendedKeyUsage @eku. */
static X509 *eku_cert(struct pki *p, const char *eku)
{
	X509 *x = new_cert(p->ee_key, "eku.example", p->root,
			   "DNS:eku.example", -1, 30);

	if (eku)
		add_ext(x, p->root, NID_ext_key_usage, eku);
	return sign_cert(x, p->root_key);
}

TEST(extended_key_usage)
{
	static const char *const pass[] = {
		NULL, "serverAuth", "clientAuth", "1.3.6.1.5.5.7.3.17",
		"anyExtendedKeyUsage", "emailProtection, serverAuth",
		"1.3.6.1.5.5.8.2.2",
	};
	struct iked_creds *c;
	char why[2048];
	struct pki p;
	size_t i;
	X509 *x;

	pki_make(&p);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	for (i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		x = eku_cert(&p, pass[i]);
		EXPECT_EQ(0, iked_trust_verify(c, x, NULL, NULL, why,
					       sizeof(why)))
			TH_LOG("%s: %s", pass[i] ? pass[i] : "no EKU", why);
		X509_free(x);
	}
	x = eku_cert(&p, "emailProtection, codeSigning");
	EXPECT_EQ(-EACCES, iked_trust_verify(c, x, NULL, NULL, why, sizeof(why)));
	EXPECT_STREQ("extended key usage does not allow IKE: the certificate \"C=CH, O=Example, CN=eku.example\" allows only emailProtection, codeSigning (IKE needs serverAuth, clientAuth, ipsecIKE, ikeIntermediate or anyExtendedKeyUsage)",
		     why);
	X509_free(x);
	iked_creds_free(c);
	pki_drop(&p);
}

TEST(cert_list_shows_crls)
{
	X509 *rev[2];
	struct iked_creds *c;
	char *out = NULL, want[512];
	size_t len = 0;
	struct pki p;
	FILE *f;

	pki_make(&p);
	rev[0] = p.bad;
	rev[1] = p.rogue;
	put_crl(&p, "root.crl", new_crl(p.root, p.root_key, rev, 2, -1, 7), 0);
	c = load(&p, "no");
	ASSERT_NE(NULL, c);
	f = open_memstream(&out, &len);
	iked_creds_write(c, f, 0);
	fclose(f);
	snprintf(want, sizeof(want), "crl C=CH, O=Example, CN=Root CA\n  this update 20");
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, ", 2 revoked\n")) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "  file %s/ipsec.d/crls/root.crl\n", p.dir);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	free(out);
	f = open_memstream(&out, &len);
	iked_creds_write(c, f, 1);
	fclose(f);
	EXPECT_NE(NULL, strstr(out, "\"crls\":[{\"issuer\":\"C=CH, O=Example, CN=Root CA\",\"this_update\":\"20"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"revoked\":2,\"file\":\"")) TH_LOG("%s", out);
	free(out);
	iked_creds_free(c);
	pki_drop(&p);
}

TEST_HARNESS_MAIN
