// SPDX-License-Identifier: GPL-2.0
/* What a reload changes in the credential store: a log line per certificate or key added, replaced or removed, and the counts for reload's summary. */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "creds.h"
#include "../../log.h"

struct tally {
	unsigned int added, replaced, removed;
};

/* "\"SUBJECT\", serial HEX" of @x, escaped: what tells a renewal apart. */
static const char *cert_str(X509 *x, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	char name[512];

	iked_conf_dn_format_name(X509_get_subject_name(x), name, sizeof(name));
	snprintf(buf, len, "\"%s\", serial %s", name, hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
	return buf;
}

static bool ca_in(const struct iked_creds *c, X509 *x)
{
	size_t i;

	for (i = 0; c && i < c->n_cas; i++)
		if (!X509_cmp(c->cas[i].x, x))
			return true;
	return false;
}

/* CAs by their DER: a file renamed is the same CA. */
static void diff_cas(const struct iked_creds *old,
		     const struct iked_creds *new, struct tally *t)
{
	char s[700];
	size_t i;

	for (i = 0; i < new->n_cas; i++) {
		if (ca_in(old, new->cas[i].x))
			continue;
		t->added++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: CA certificate added: %s (%s)",
			 cert_str(new->cas[i].x, s, sizeof(s)),
			 new->cas[i].path);
	}
	for (i = 0; old && i < old->n_cas; i++) {
		if (ca_in(new, old->cas[i].x))
			continue;
		t->removed++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: CA certificate removed: %s (%s)",
			 cert_str(old->cas[i].x, s, sizeof(s)),
			 old->cas[i].path);
	}
}

/* End-entity certificates by the name conns give them (leftcert=). */
static void diff_certs(const struct iked_creds *old,
		       const struct iked_creds *new, struct tally *t)
{
	const struct iked_cred_cert *o;
	char s[700], was[700];
	size_t i;

	for (i = 0; i < new->n_certs; i++) {
		const struct iked_cred_cert *n = &new->certs[i];

		o = iked_creds_cert(old, n->path);
		if (o && !X509_cmp(o->x, n->x))
			continue;
		if (o)
			t->replaced++;
		else
			t->added++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: certificate %s %s: %s%s%s", n->path,
			 o ? "replaced" : "added", cert_str(n->x, s, sizeof(s)),
			 o ? ", was " : "",
			 o ? cert_str(o->x, was, sizeof(was)) : "");
	}
	for (i = 0; old && i < old->n_certs; i++) {
		if (iked_creds_cert(new, old->certs[i].path))
			continue;
		t->removed++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: certificate %s removed: %s",
			 old->certs[i].path,
			 cert_str(old->certs[i].x, s, sizeof(s)));
	}
}

static const struct iked_cred_key *key_of(const struct iked_creds *c,
					  const char *path)
{
	size_t i;

	for (i = 0; c && i < c->n_keys; i++)
		if (!strcmp(c->keys[i].path, path))
			return &c->keys[i];
	return NULL;
}

/* Private keys by their file; what is logged is only what kind. */
static void diff_keys(const struct iked_creds *old,
		      const struct iked_creds *new, struct tally *t)
{
	const struct iked_cred_key *o;
	char desc[64];
	size_t i;

	for (i = 0; i < new->n_keys; i++) {
		const struct iked_cred_key *n = &new->keys[i];

		o = key_of(old, n->path);
		if (o && EVP_PKEY_eq(o->pk, n->pk) == 1)
			continue;
		if (o)
			t->replaced++;
		else
			t->added++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: private key %s %s (%s)", n->path,
			 o ? "replaced" : "added",
			 iked_key_describe(n->pk, desc, sizeof(desc)));
	}
	for (i = 0; old && i < old->n_keys; i++) {
		if (key_of(new, old->keys[i].path))
			continue;
		t->removed++;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: private key %s removed (wiped from memory)",
			 old->keys[i].path);
	}
}

/* printf() at @buf + *@used, which stays within @len when cut short. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

/* "@sep@n @noun[s] (1 added, 1 replaced)" after what @buf holds. */
static void count_str(char *buf, size_t len, size_t *used, const char *sep,
		      size_t n, const char *noun, const struct tally *t)
{
	const unsigned int v[] = { t->added, t->replaced, t->removed };
	const char *const w[] = { "added", "replaced", "removed" };
	bool open = false;
	size_t i;

	append(buf, len, used, "%s%zu %s%s", sep, n, noun, n == 1 ? "" : "s");
	for (i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		append(buf, len, used, "%s%u %s", open ? ", " : " (", v[i],
		       w[i]);
		open = true;
	}
	if (open)
		append(buf, len, used, ")");
}

void iked_creds_diff(const struct iked_creds *old,
		     const struct iked_creds *new, char *buf, size_t len)
{
	struct tally cas = { 0 }, certs = { 0 }, keys = { 0 }, none = { 0 };
	size_t used = 0;

	diff_cas(old, new, &cas);
	diff_certs(old, new, &certs);
	diff_keys(old, new, &keys);
	if (len)
		buf[0] = '\0';
	count_str(buf, len, &used, "credentials: ", new->n_cas,
		  "CA certificate", &cas);
	count_str(buf, len, &used, ", ", new->n_certs,
		  "end-entity certificate", &certs);
	count_str(buf, len, &used, ", ", new->n_keys, "private key", &keys);
	count_str(buf, len, &used, ", ", new->crls.n, "CRL", &none);
}
