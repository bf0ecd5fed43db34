/* SPDX-License-Identifier: GPL-2.0 */
/* Keys, certificates and CRLs made at test time with OpenSSL, for the unit tests of certificate authentication. */

#ifndef KESP_TEST_CERT_FIXTURE_H
#define KESP_TEST_CERT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* "RSA" (2048 bits), "EC" (P-256), or another type such as "ED25519". */
static inline EVP_PKEY *new_key(const char *alg)
{
	if (!strcmp(alg, "RSA"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (!strcmp(alg, "EC"))
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, alg);
}

static inline void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/*
 * A certificate for @key named "C=CH, O=Example, CN=@cn", by @ca (NULL:
 * a self-signed CA), valid from @from days to @to days from now, not yet
 * signed. An end-entity certificate (@san given) is CA:FALSE; serials
 * count up.
 */
static inline X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *ca,
			     const char *san, long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);
	static long serial = 1;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), to * 86400);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"CH", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Example", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : n);
	X509_set_pubkey(x, key);
	add_ext(x, ca ? ca : x, NID_basic_constraints,
		san ? "CA:FALSE" : "critical,CA:TRUE");
	if (san)
		add_ext(x, ca, NID_subject_alt_name, san);
	return x;
}

/* Sign @x (after any more extensions) with @key: Ed25519 takes no hash. */
static inline X509 *sign_cert(X509 *x, EVP_PKEY *key)
{
	X509_sign(x, key, EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ?
		  NULL : EVP_sha256());
	return x;
}

/* new_cert() signed: by @ca_key, or by @key when self-signed. */
static inline X509 *new_signed_cert(EVP_PKEY *key, const char *cn, X509 *ca,
				    EVP_PKEY *ca_key, const char *san,
				    long from, long to)
{
	return sign_cert(new_cert(key, cn, ca, san, from, to),
			 ca_key ? ca_key : key);
}

/*
 * A CRL in the name of @issuer, signed with @key (not necessarily
 * @issuer's), revoking @revoked[@n] (an hour ago), issued @last days
 * and next due @next days from now.
 */
static inline X509_CRL *new_crl(X509 *issuer, EVP_PKEY *key,
				X509 *const *revoked, size_t n, long last,
				long next)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	size_t i;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
	X509_gmtime_adj(t, last * 86400);
	X509_CRL_set1_lastUpdate(crl, t);
	X509_gmtime_adj(t, next * 86400);
	X509_CRL_set1_nextUpdate(crl, t);
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(r, (ASN1_INTEGER *)
					      X509_get0_serialNumber(revoked[i]));
		X509_gmtime_adj(t, -3600);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	X509_CRL_sign(crl, key, EVP_sha256());
	ASN1_TIME_free(t);
	return crl;
}

static inline void write_pem_cert(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	PEM_write_X509(f, x);
	fclose(f);
}

/* DIR/ipsec.d/NAME: the certificate @x, or (x NULL) the private key. */
static inline void put_pem(const char *dir, const char *name, X509 *x,
			   EVP_PKEY *key)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/ipsec.d/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		abort();
	if (x)
		PEM_write_X509(f, x);
	else
		PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

/* @text as the file @path, created or emptied, mode 0600 (secrets). */
static inline void put_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fchmod(fileno(f), 0600))
		abort();
	fputs(text, f);
	fclose(f);
}

#endif /* KESP_TEST_CERT_FIXTURE_H */
