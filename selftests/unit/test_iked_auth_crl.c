// SPDX-License-Identifier: GPL-2.0
/*
 * The certificate authenticator (pubkey.c) on a peer's CERT payload,
 * in an IKE SA of the in-process daemon of iked_fixture.h: a revoked
 * certificate and one whose extendedKeyUsage allows no IKE are refused
 * before their AUTH is looked at, each with its one line; an expired
 * CRL under strictcrlpolicy=no lets the certificate through with a
 * warning in the log.
 */

#include <sys/stat.h>

/* The fixture's helpers this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_fixture.h"
#pragma GCC diagnostic pop
#include "kselftest_harness.h"
#include "iked/crypto/auth/auth.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/sig.h"
#include "cert_fixture.h"

struct ca {
	char dir[64];
	EVP_PKEY *key, *peer_key;
	X509 *x;
};

/* ipsec.d/cacerts/root.pem and, unless NULL, ipsec.d/crls/root.crl. */
static void ca_make(struct ca *ca)
{
	char p[256];

	strcpy(ca->dir, "/tmp/kesp-auth-crl-XXXXXX");
	if (!mkdtemp(ca->dir))
		abort();
	snprintf(p, sizeof(p), "%s/ipsec.d", ca->dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts", ca->dir); mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/ipsec.d/crls", ca->dir); mkdir(p, 0700);
	ca->key = new_key("EC");
	ca->peer_key = new_key("EC");
	ca->x = new_signed_cert(ca->key, "Root CA", NULL, NULL, NULL, -1, 30);
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts/root.pem", ca->dir);
	write_pem_cert(p, ca->x);
}

static void ca_crl(struct ca *ca, X509_CRL *crl)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/ipsec.d/crls/root.crl", ca->dir);
	f = fopen(p, "w");
	if (!f)
		abort();
	PEM_write_X509_CRL(f, crl);
	fclose(f);
	X509_CRL_free(crl);
}

static void ca_drop(struct ca *ca)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", ca->dir);
	if (system(cmd))
		abort();
	X509_free(ca->x);
	EVP_PKEY_free(ca->key);
	EVP_PKEY_free(ca->peer_key);
}

/* The peer's certificate (ID @peer.example), extendedKeyUsage @eku. */
static X509 *peer_cert(struct ca *ca, const char *eku)
{
	X509 *x = new_cert(ca->peer_key, "peer.example", ca->x,
			   "DNS:peer.example", -1, 30);

	if (eku)
		add_ext(x, ca->x, NID_ext_key_usage, eku);
	return sign_cert(x, ca->key);
}

/*
 * The authenticator's verdict on @x in a CERT payload, with AUTH data
 * that cannot verify: its return value, the reason in @why.
 */
static int verify(struct fx *f, struct ca *ca, X509 *x, char *why,
		  size_t len)
{
	static const uint8_t octets[] = "signed octets", junk[72] = { 1 };
	const struct iked_conf_conn *cc = &f->d->conf->conns[0];
	struct ike_sa *sa = fx_ike_sa(f, 0, true, IKE_ESTABLISHED);
	uint8_t cert[2048], *p = cert + 1;
	struct iked_auth_blob blob = { cert, 0 };
	struct iked_auth_req r = {
		.sa = sa, .local = &cc->left.id, .remote = &cc->right.id,
		.octets = octets, .octets_len = sizeof(octets),
		.local_end = &cc->left, .remote_end = &cc->right,
		.method = IKED_AUTH_DIGITAL_SIG, .certs = &blob, .n_certs = 1,
	};
	char err[IKED_CONF_ERRLEN];
	int n = i2d_X509(x, NULL), ret;

	if (n <= 0 || (size_t)n >= sizeof(cert) ||
	    iked_creds_load(ca->dir, f->d->conf, NULL, &f->d->creds, err,
			    sizeof(err)))
		abort();
	cert[0] = IKED_CERT_X509_SIG;
	i2d_X509(x, &p);
	blob.len = (size_t)n + 1;
	why[0] = '\0';
	ret = iked_auth_pubkey.verify(&r, junk, sizeof(junk), why, len);
	ike_sa_kill(sa, NULL);
	ike_sa_reap(f->d);
	iked_creds_free(f->d->creds);
	f->d->creds = NULL;
	return ret;
}

TEST(revoked_peer_refused)
{
	struct fx *f = fx_new();
	char why[2048];
	struct ca ca;
	X509 *x;

	ca_make(&ca);
	x = peer_cert(&ca, "serverAuth");
	ca_crl(&ca, new_crl(ca.x, ca.key, &x, 1, -1, 7));
	EXPECT_EQ(-EPERM, verify(f, &ca, x, why, sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "certificate revoked: serial ", 28))
		TH_LOG("%s", why);
	EXPECT_NE(NULL, strstr(why, "(subject \"C=CH, O=Example, CN=peer.example\"), by CRL "))
		TH_LOG("%s", why);
	X509_free(x);
	ca_drop(&ca);
	fx_free(f);
}

TEST(eku_without_ike_refused)
{
	struct fx *f = fx_new();
	char why[2048];
	struct ca ca;
	X509 *x;

	ca_make(&ca);
	x = peer_cert(&ca, "emailProtection");
	EXPECT_EQ(-EPERM, verify(f, &ca, x, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "extended key usage does not allow IKE: the certificate \"C=CH, O=Example, CN=peer.example\" allows only emailProtection"))
		TH_LOG("%s", why);
	X509_free(x);
	ca_drop(&ca);
	fx_free(f);
}

TEST(expired_crl_warns_and_goes_on)
{
	struct fx *f = fx_new();
	char why[2048], *log;
	struct ca ca;
	X509 *x;

	ca_make(&ca);
	x = peer_cert(&ca, NULL);
	ca_crl(&ca, new_crl(ca.x, ca.key, NULL, 0, -10, -2));
	/* Past the certificate checks: the junk AUTH is what fails. */
	EXPECT_NE(0, verify(f, &ca, x, why, sizeof(why)));
	EXPECT_EQ(0, strncmp(why, "signature refused: ", 19)) TH_LOG("%s", why);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "/ipsec.d/crls/root.crl of \"C=CH, O=Example, CN=Root CA\" expired on 20"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "used anyway, as strictcrlpolicy=no"))
		TH_LOG("%s", log);
	free(log);
	X509_free(x);
	ca_drop(&ca);
	fx_free(f);
}

TEST_HARNESS_MAIN
