// SPDX-License-Identifier: GPL-2.0
/*
 * Certificate authentication's parts, with certificates and keys made
 * here by OpenSSL: distinguished names as identities (parse, format,
 * match with wildcards), the credential store reading ipsec.d (PEM, DER,
 * an encrypted key), chain validation and its one-line reasons, the
 * identity in a certificate, and signature AUTH data built and verified
 * for RSA (PKCS#1 and PSS), ECDSA (RFC 4754 and RFC 7427) and Ed25519.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/secrets.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/sig.h"
#include "iked/crypto/auth/trust.h"
#include "cert_fixture.h"

TEST(dn_identities)
{
	struct iked_conf_id a, b, w;
	char err[512], buf[IKED_ID_STRLEN];

	ASSERT_EQ(0, iked_conf_id_parse("C=CH, O=Example, CN=gw-a.example", &a,
					err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IKED_ID_DER_ASN1_DN, a.type);
	EXPECT_STREQ("C=CH, O=Example, CN=gw-a.example",
		     iked_conf_id_format(&a, buf, sizeof(buf)));
	/* OpenSSL's slash form is the same name. */
	ASSERT_EQ(0, iked_conf_id_parse("/C=CH/O=Example/CN=gw-a.example", &b,
					err, sizeof(err)));
	EXPECT_TRUE(iked_conf_id_match(&a, &b));
	ASSERT_EQ(0, iked_conf_id_parse("C=CH, O=Example, CN=*", &w, err,
					sizeof(err)));
	EXPECT_TRUE(iked_conf_id_match(&w, &a));
	ASSERT_EQ(0, iked_conf_id_parse("C=CH, O=Other, CN=gw-a.example", &b,
					err, sizeof(err)));
	EXPECT_FALSE(iked_conf_id_match(&w, &b));
	EXPECT_FALSE(iked_conf_id_match(&a, &b));
	/* E= is emailAddress; unknown attributes are refused. */
	EXPECT_EQ(0, iked_conf_id_parse("CN=x, E=a@b.example", &b, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, iked_conf_id_parse("CN=x, ZZ=y", &b, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown attribute \"ZZ\""));
	EXPECT_EQ(-EINVAL, iked_conf_id_parse("CN=", &b, err, sizeof(err)));
}

struct fx {
	char dir[64];
	EVP_PKEY *root_key, *rogue_key, *ee_key;
	X509 *root, *rogue, *ee;
};

/* ipsec.d with a root CA (PEM), our certificate and its key (encrypted). */
static void make_dir(struct fx *f)
{
	char p[256];
	FILE *o;

	snprintf(f->dir, sizeof(f->dir), "/tmp/kesp-cert-XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	snprintf(p, sizeof(p), "%s/ipsec.d", f->dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts", f->dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/certs", f->dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/private", f->dir); mkdir(p, 0700);
	f->root_key = new_key("EC");
	f->rogue_key = new_key("EC");
	f->ee_key = new_key("RSA");
	f->root = new_signed_cert(f->root_key, "Root CA", NULL, NULL, NULL, 0, 30);
	f->rogue = new_signed_cert(f->rogue_key, "Rogue CA", NULL, NULL, NULL, 0, 30);
	f->ee = new_signed_cert(f->ee_key, "gw-a.example", f->root, f->root_key,
			 "DNS:gw-a.example,IP:192.0.2.1", 0, 30);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts/root.pem", f->dir);
	write_pem_cert(p, f->root);
	snprintf(p, sizeof(p), "%s/ipsec.d/certs/gw.pem", f->dir);
	write_pem_cert(p, f->ee);
	snprintf(p, sizeof(p), "%s/ipsec.d/private/gw.key", f->dir);
	o = fopen(p, "w");
	PEM_write_PrivateKey(o, f->ee_key, EVP_aes_256_cbc(), NULL, 0, NULL,
			     (void *)"secret pass");
	fclose(o);
}

static void drop_dir(struct fx *f)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd))
		abort();
	X509_free(f->root); X509_free(f->rogue); X509_free(f->ee);
	EVP_PKEY_free(f->root_key); EVP_PKEY_free(f->rogue_key);
	EVP_PKEY_free(f->ee_key);
}

static const char conf_text[] =
	"conn gw\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tleftcert=gw.pem\n"
	"\trightid=\"C=CH, O=Example, CN=gw-b.example\"\n\tauto=add\n";

TEST(load_and_trust)
{
	struct iked_creds *c;
	struct iked_conf *conf;
	struct iked_secrets *sec;
	const struct iked_cred_cert *ours;
	struct iked_conf_id id;
	char err[IKED_CONF_ERRLEN], why[4096], buf[IKED_ID_STRLEN];
	const char *s = ": RSA gw.key \"secret pass\"\n";
	struct fx f;
	X509 *old;

	make_dir(&f);
	ASSERT_EQ(0, iked_conf_parse("ipsec.conf", conf_text, strlen(conf_text),
				     &conf, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, iked_secrets_parse("ipsec.secrets", s, strlen(s), &sec,
					err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, iked_creds_load(f.dir, conf, sec, &c, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(1, c->n_cas);
	EXPECT_EQ(1, c->n_certs);
	EXPECT_EQ(1, c->n_keys);
	EXPECT_EQ(1 + 20, c->certreq_len);
	ours = iked_creds_cert(c, "gw.pem");
	ASSERT_NE(NULL, ours);
	EXPECT_NE(NULL, iked_creds_key_for(c, ours->x));
	/* No leftid=: the certificate's subject. */
	EXPECT_STREQ("C=CH, O=Example, CN=gw-a.example",
		     iked_conf_id_format(&conf->conns[0].left.id, buf, sizeof(buf)));
	EXPECT_EQ(0, iked_trust_verify(c, f.ee, NULL, NULL, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_TRUE(iked_trust_id_in_cert(f.ee, &conf->conns[0].left.id));
	iked_conf_id_parse("gw-a.example", &id, err, sizeof(err));
	EXPECT_TRUE(iked_trust_id_in_cert(f.ee, &id));
	iked_conf_id_parse("192.0.2.1", &id, err, sizeof(err));
	EXPECT_TRUE(iked_trust_id_in_cert(f.ee, &id));
	iked_conf_id_parse("gw-b.example", &id, err, sizeof(err));
	EXPECT_FALSE(iked_trust_id_in_cert(f.ee, &id));
	/* A rogue CA's certificate: the line names its issuer and ours. */
	EXPECT_EQ(-EACCES, iked_trust_verify(c, f.rogue, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_STREQ("unknown or untrusted CA: the certificate \"C=CH, O=Example, CN=Rogue CA\" was issued by \"C=CH, O=Example, CN=Rogue CA\", which is none of the CAs we trust (C=CH, O=Example, CN=Root CA)",
		     why);
	/* Expired: the dates. */
	old = new_signed_cert(f.ee_key, "old.example", f.root, f.root_key,
		       "DNS:old.example", -30, -1);
	EXPECT_EQ(-EACCES, iked_trust_verify(c, old, NULL, NULL, why, sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "certificate expired: \"C=CH, O=Example, CN=old.example\" was valid until 20", 73))
		TH_LOG("%s", why);
	X509_free(old);
	/* rightca= a CA not in the chain. */
	iked_conf_id_parse("C=CH, O=Example, CN=Other CA", &id, err, sizeof(err));
	EXPECT_EQ(-EACCES, iked_trust_verify(c, f.ee, NULL, &id, why, sizeof(why)));
	iked_conf_id_parse("C=CH, O=Example, CN=Root CA", &id, err, sizeof(err));
	EXPECT_EQ(0, iked_trust_verify(c, f.ee, NULL, &id, why, sizeof(why)));
	iked_trust_describe(f.ee, why, sizeof(why));
	EXPECT_STREQ("subject \"C=CH, O=Example, CN=gw-a.example\", subjectAltNames DNS:gw-a.example, IP:192.0.2.1",
		     why);
	iked_creds_free(c);
	/* The wrong passphrase refuses the start, with the line. */
	iked_secrets_free(sec);
	s = "\n: RSA gw.key \"wrong\"\n";
	ASSERT_EQ(0, iked_secrets_parse("ipsec.secrets", s, strlen(s), &sec,
					err, sizeof(err)));
	EXPECT_EQ(-EINVAL, iked_creds_load(f.dir, conf, sec, &c, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "ipsec.secrets:2: ")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "or the passphrase is wrong")) TH_LOG("%s", err);
	iked_secrets_free(sec);
	iked_conf_free(conf);
	drop_dir(&f);
}

static void roundtrip(struct __test_metadata *_metadata, const char *alg,
		      uint32_t peer_hashes, uint8_t want_method)
{
	static const uint8_t octets[] = "the signed octets of RFC 7296 2.15";
	EVP_PKEY *k = new_key(alg), *other = new_key(alg);
	uint8_t out[1400], method = 0;
	char why[256] = "";
	size_t len;

	ASSERT_EQ(0, iked_sig_build(k, peer_hashes, octets, sizeof(octets),
				    &method, out, sizeof(out), &len, why,
				    sizeof(why))) TH_LOG("%s: %s", alg, why);
	EXPECT_EQ(want_method, method) TH_LOG("%s", alg);
	EXPECT_EQ(0, iked_sig_verify(k, method, octets, sizeof(octets), out,
				     len, why, sizeof(why))) TH_LOG("%s: %s", alg, why);
	EXPECT_EQ(-EACCES, iked_sig_verify(other, method, octets, sizeof(octets),
					   out, len, why, sizeof(why)));
	out[len - 1] ^= 1;
	EXPECT_EQ(-EACCES, iked_sig_verify(k, method, octets, sizeof(octets),
					   out, len, why, sizeof(why)));
	/* Truncated AUTH data is refused, not read past. */
	EXPECT_NE(0, iked_sig_verify(k, method, octets, sizeof(octets), out, 1,
				     why, sizeof(why)));
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

TEST(signatures)
{
	const uint32_t all = IKED_SIG_HASHES_OURS;
	EVP_PKEY *ed = new_key("ED25519");
	uint8_t out[128], method;
	char why[256];
	size_t len;

	roundtrip(_metadata, "RSA", 0, IKED_AUTH_RSA_SIG);
	roundtrip(_metadata, "RSA", all, IKED_AUTH_DIGITAL_SIG);
	roundtrip(_metadata, "EC", 0, IKED_AUTH_ECDSA_256);
	roundtrip(_metadata, "EC", all, IKED_AUTH_DIGITAL_SIG);
	roundtrip(_metadata, "ED25519", all, IKED_AUTH_DIGITAL_SIG);
	/* Ed25519 needs RFC 7427's Identity hash. */
	EXPECT_EQ(-ENOTSUP, iked_sig_build(ed, 0, (const uint8_t *)"x", 1,
					   &method, out, sizeof(out), &len,
					   why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "sent no SIGNATURE_HASH_ALGORITHMS"));
	EVP_PKEY_free(ed);
}

/*
 * RSA-PSS with SHA-256 carries RFC 7427 A.4.3's AlgorithmIdentifier to
 * the byte (hash and MGF1 hash with NULL parameters, salt 32): Libreswan
 * matches the bytes, not the ASN.1.
 */
TEST(rsa_pss_sha256_algorithm_identifier_is_rfc7427s)
{
	static const uint8_t a43[] = {
		0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06,
		0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
		0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86,
		0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06,
		0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
		0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
	};
	EVP_PKEY *k = new_key("RSA");
	uint8_t out[1400], method = 0;
	char why[256] = "";
	size_t len;

	ASSERT_EQ(0, iked_sig_build(k, 1u << IKED_HASH_SHA256,
				    (const uint8_t *)"octets", 6, &method, out,
				    sizeof(out), &len, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(IKED_AUTH_DIGITAL_SIG, method);
	ASSERT_GT(len, 1 + sizeof(a43));
	EXPECT_EQ(sizeof(a43), out[0]);
	EXPECT_EQ(0, memcmp(out + 1, a43, sizeof(a43)));
	EVP_PKEY_free(k);
}

TEST_HARNESS_MAIN
