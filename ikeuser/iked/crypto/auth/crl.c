// SPDX-License-Identifier: GPL-2.0
/* Load ipsec.d/crls/ (PEM or DER), keeping only CRLs a loaded CA signed, with OpenSSL 3; read at start and by each reload. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "creds.h"
#include "crl_fetch.h"
#include "../../log.h"

#define CRLS_MAX	256

static void time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "?");
}

/* One more line for @v; a line lost to ENOMEM loses only itself. */
static void __attribute__((format(printf, 3, 4)))
note(char ***v, size_t *n, const char *fmt, ...)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	va_list ap;

	if (!nv)
		return;
	*v = nv;
	va_start(ap, fmt);
	if (vasprintf(&nv[*n], fmt, ap) >= 0)
		(*n)++;
	va_end(ap);
}

/* PEM first, then DER; a CRL can outgrow what a certificate may be. */
static X509_CRL *crl_read(const char *path)
{
	X509_CRL *crl = NULL;
	BIO *b = BIO_new_file(path, "rb");

	if (b)
		crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	if (b && !crl && BIO_reset(b) == 0)
		crl = d2i_X509_CRL_bio(b, NULL);
	BIO_free(b);
	ERR_clear_error();
	return crl;
}

/*
 * The CA of @c that signed @crl, or NULL with the reason in @why: a
 * CRL we cannot tie to a trusted CA would let anyone revoke, or forge
 * a "nothing revoked" list under strictcrlpolicy.
 */
static const struct iked_cred_cert *crl_signer(const struct iked_creds *c,
					       X509_CRL *crl, char *why,
					       size_t len)
{
	const X509_NAME *iss = X509_CRL_get_issuer(crl);
	char name[512], cas[2048];
	const char *named = NULL;
	size_t i;

	for (i = 0; i < c->n_cas; i++) {
		if (X509_NAME_cmp(X509_get_subject_name(c->cas[i].x), iss))
			continue;
		named = c->cas[i].path;
		if (X509_CRL_verify(crl, X509_get0_pubkey(c->cas[i].x)) == 1)
			return &c->cas[i];
	}
	ERR_clear_error();
	iked_conf_dn_format_name(iss, name, sizeof(name));
	if (named)
		snprintf(why, len, "its signature does not verify with the key of its issuer \"%s\" (%s)",
			 name, named);
	else
		snprintf(why, len, "its issuer \"%s\" is none of the loaded CAs (%s)",
			 name, iked_creds_ca_names(c, cas, sizeof(cas)));
	return NULL;
}

/* @crl of @path into @out if a CA signed it; 0 or -ENOMEM. */
static int crl_add(const struct iked_creds *c, struct iked_crls *out,
		   X509_CRL *crl, const char *path)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	struct iked_cred_crl *nv;
	char why[3072], name[512], when[64];

	if (!crl_signer(c, crl, why, sizeof(why))) {
		note(&out->errors, &out->n_errors, "%s: CRL refused: %s", path,
		     why);
		X509_CRL_free(crl);
		return 0;
	}
	nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
	if (!nv) {
		X509_CRL_free(crl);
		return -ENOMEM;
	}
	out->v = nv;
	nv[out->n].crl = crl;
	nv[out->n].path = strdup(path);
	if (!nv[out->n].path || !sk_X509_CRL_push(out->sk, crl)) {
		free(nv[out->n].path);
		X509_CRL_free(crl);
		return -ENOMEM;
	}
	out->n++;
	if (next && X509_cmp_time(next, NULL) < 0) {
		time_str(next, when, sizeof(when));
		iked_conf_dn_format_name(X509_CRL_get_issuer(crl), name,
					 sizeof(name));
		note(&out->warnings, &out->n_warnings, "%s: the CRL of \"%s\" expired on %s (nextUpdate): used with a warning under strictcrlpolicy=no, a failure under strictcrlpolicy=yes",
		     path, name, when);
	}
	return 0;
}

int iked_crls_read(const struct iked_creds *c, struct iked_crls *out)
{
	char dir[4096], path[4096 + 256], *names[CRLS_MAX];
	long got;
	size_t i;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->sk = sk_X509_CRL_new_null();
	if (!out->sk)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s/crls", c->dir);
	got = iked_creds_list_dir(dir, names, CRLS_MAX);
	if (got < 0) {
		/* No crls/: no CRL, as strongSwan without one. */
		if (got != -ENOENT)
			note(&out->errors, &out->n_errors, "%s: %s", dir,
			     strerror((int)-got));
		return 0;
	}
	for (i = 0; i < (size_t)got; i++) {
		X509_CRL *crl;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (r)
			continue;
		crl = crl_read(path);
		if (!crl)
			note(&out->errors, &out->n_errors,
			     "%s: CRL refused: not an X.509 CRL in PEM or DER",
			     path);
		else
			r = crl_add(c, out, crl, path);
	}
	return r;
}

void iked_crls_clear(struct iked_crls *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		X509_CRL_free(l->v[i].crl);
		free(l->v[i].path);
	}
	for (i = 0; i < l->n_errors; i++)
		free(l->errors[i]);
	for (i = 0; i < l->n_warnings; i++)
		free(l->warnings[i]);
	sk_X509_CRL_free(l->sk);
	free(l->v);
	free(l->errors);
	free(l->warnings);
	memset(l, 0, sizeof(*l));
}

void iked_crls_log(const struct iked_crls *l, int reload)
{
	const char *pre = reload ? "reload: " : "";
	size_t i;

	for (i = 0; i < l->n_errors; i++)
		iked_log(IKED_LOG_ERR, NULL, 0, "%s%s", pre, l->errors[i]);
	for (i = 0; i < l->n_warnings; i++)
		iked_log(IKED_LOG_WARN, NULL, 0, "%s%s", pre, l->warnings[i]);
}

const char *iked_crls_path(const struct iked_crls *l, const X509_CRL *crl)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].crl == crl)
			return l->v[i].path;
	return "?";
}

const char *iked_crls_source(const struct iked_creds *c, const X509_CRL *crl)
{
	const struct iked_crls *got = iked_crl_fetched(c);
	const char *s = iked_crls_path(&c->crls, crl);

	return strcmp(s, "?") || !got ? s : iked_crls_path(got, crl);
}
