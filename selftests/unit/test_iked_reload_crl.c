// SPDX-License-Identifier: GPL-2.0
/*
 * A reload of kesp-iked (reload.c, in process with the fixture of
 * iked_fixture.h) reads ipsec.d/crls again and takes the new
 * strictcrlpolicy: a CRL added since the start revokes, one signed by
 * no loaded CA is a line in the log, and neither refuses the reload.
 */

#include <sys/stat.h>

/* The fixture's IKE SA helpers this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_fixture.h"
#pragma GCC diagnostic pop
#include "kselftest_harness.h"
#include "iked/reload.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/trust.h"
#include "cert_fixture.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fchmod(fileno(f), 0600))
		abort();
	fputs(text, f);
	fclose(f);
}

static void write_crl(const char *dir, const char *name, X509_CRL *crl)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ipsec.d/crls/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	PEM_write_X509_CRL(f, crl);
	fclose(f);
	X509_CRL_free(crl);
}

TEST(reload_reads_crls_and_strictcrlpolicy)
{
	EVP_PKEY *ca_key = new_key("EC"), *rogue = new_key("EC"),
		 *key = new_key("EC");
	X509 *ca = new_signed_cert(ca_key, "Root CA", NULL, NULL, NULL, -1, 30);
	X509 *peer = new_signed_cert(key, "peer.example", ca, ca_key,
				     "DNS:peer.example", -1, 30);
	char dir[64] = "/tmp/kesp-reload-crl-XXXXXX", p[256], why[2048];
	char conf[96], secrets[96], err[IKED_CONF_ERRLEN], msg[IKED_CONF_ERRLEN + 64];
	struct fx *f = fx_new();
	struct iked *d = f->d;
	char *log;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/ipsec.d", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/crls", dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts/root.pem", dir);
	write_pem_cert(p, ca);
	write_file(dir, "ipsec.conf", "config setup\n\tstrictcrlpolicy=no\n");
	write_file(dir, "ipsec.secrets", "");
	snprintf(conf, sizeof(conf), "%s/ipsec.conf", dir);
	snprintf(secrets, sizeof(secrets), "%s/ipsec.secrets", dir);
	d->conf_path = conf;
	d->secrets_path = secrets;
	ASSERT_EQ(0, iked_creds_load(dir, NULL, NULL, &d->creds, err,
				     sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, iked_trust_verify(d->creds, peer, NULL, NULL, why,
				       sizeof(why))) TH_LOG("%s", why);

	/* After the start: a CRL revoking the peer, a forged one, strict. */
	write_crl(dir, "root.crl", new_crl(ca, ca_key, &peer, 1, -1, 7));
	write_crl(dir, "forged.crl", new_crl(ca, rogue, NULL, 0, -1, 7));
	write_file(dir, "ipsec.conf", "config setup\n\tstrictcrlpolicy=yes\n");
	ASSERT_EQ(0, iked_reload(d, msg, sizeof(msg), NULL)) TH_LOG("%s", msg);
	EXPECT_EQ(1, d->creds->crls.n);
	EXPECT_TRUE(d->creds->strict_crl);
	EXPECT_EQ(-EACCES, iked_trust_verify(d->creds, peer, NULL, NULL, why,
					     sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "certificate revoked: serial ", 28))
		TH_LOG("%s", why);
	log = fx_log(f);
	snprintf(p, sizeof(p), "reload: %s/ipsec.d/crls/forged.crl: CRL refused: its signature does not verify",
		 dir);
	EXPECT_NE(NULL, strstr(log, p)) TH_LOG("%s", log);
	free(log);

	iked_creds_free(d->creds);
	d->creds = NULL;
	iked_secrets_free(d->secrets);
	d->secrets = NULL;
	fx_free(f);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	if (system(p))
		abort();
	X509_free(ca);
	X509_free(peer);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(rogue);
	EVP_PKEY_free(key);
}

TEST_HARNESS_MAIN
