// SPDX-License-Identifier: GPL-2.0
/* kespctl cert list: the loaded CA and end-entity certificates (subject, issuer, serial, validity, key), CRLs and cached OCSP answers, as text or JSON; never key material. */

#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "creds.h"
#include "crl_fetch.h"
#include "../../../common/json.h"

struct cert_view {
	char subject[512], issuer[512], serial[100], from[40], until[40];
	char key[64];
	const char *kind, *file;
	int has_key;
};

static void time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

static void view(const struct iked_creds *c, const struct iked_cred_cert *cc,
		 const char *kind, struct cert_view *v)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cc->x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	iked_conf_dn_format_name(X509_get_subject_name(cc->x), v->subject,
				 sizeof(v->subject));
	iked_conf_dn_format_name(X509_get_issuer_name(cc->x), v->issuer,
				 sizeof(v->issuer));
	snprintf(v->serial, sizeof(v->serial), "%s", hex ? hex : "?");
	time_str(X509_get0_notBefore(cc->x), v->from, sizeof(v->from));
	time_str(X509_get0_notAfter(cc->x), v->until, sizeof(v->until));
	iked_key_describe(X509_get0_pubkey(cc->x), v->key, sizeof(v->key));
	v->kind = kind;
	v->file = cc->path;
	v->has_key = iked_creds_key_for(c, cc->x) != NULL;
	OPENSSL_free(hex);
	BN_free(bn);
}

static void write_one(struct json *j, FILE *f, const struct cert_view *v)
{
	if (!j) {
		fprintf(f, "%s %s\n  issuer %s\n  serial %s, valid %s to %s, %s%s\n  file %s\n",
			v->kind, v->subject, v->issuer, v->serial, v->from,
			v->until, v->key,
			!strcmp(v->kind, "ca") ? "" :
			v->has_key ? ", private key loaded" : ", no private key",
			v->file);
		return;
	}
	json_obj_begin(j, NULL);
	json_str(j, "kind", v->kind);
	json_str(j, "subject", v->subject);
	json_str(j, "issuer", v->issuer);
	json_str(j, "serial", v->serial);
	json_str(j, "not_before", v->from);
	json_str(j, "not_after", v->until);
	json_str(j, "key", v->key);
	json_bool(j, "private_key", v->has_key);
	json_str(j, "file", v->file);
	json_obj_end(j);
}

/*
 * A CRL: whose, when, how many revoked, from which file or (@fetched)
 * distribution point URI.
 */
static void write_crl(struct json *j, FILE *f, const struct iked_cred_crl *l,
		      bool fetched)
{
	const char *src = fetched ? "uri" : "file";
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(l->crl);
	int n = rev ? sk_X509_REVOKED_num(rev) : 0;
	char issuer[512], this_up[40], next_up[40];

	iked_conf_dn_format_name(X509_CRL_get_issuer(l->crl), issuer,
				 sizeof(issuer));
	time_str(X509_CRL_get0_lastUpdate(l->crl), this_up, sizeof(this_up));
	/* nextUpdate is optional in a CRL (RFC 5280 5.1.2.5). */
	if (X509_CRL_get0_nextUpdate(l->crl))
		time_str(X509_CRL_get0_nextUpdate(l->crl), next_up,
			 sizeof(next_up));
	else
		snprintf(next_up, sizeof(next_up), "none");
	if (!j) {
		fprintf(f, "crl %s\n  this update %s, next update %s, %d revoked\n  %s %s\n",
			issuer, this_up, next_up, n, src, l->path);
		return;
	}
	json_obj_begin(j, NULL);
	json_str(j, "issuer", issuer);
	json_str(j, "this_update", this_up);
	json_str(j, "next_update", next_up);
	json_u64(j, "revoked", (uint64_t)n);
	json_str(j, src, l->path);
	json_obj_end(j);
}

static void write_crls(const struct iked_creds *c, FILE *f, struct json *j)
{
	const struct iked_crls *got = iked_crl_fetched(c);
	size_t i;

	if (j)
		json_arr_begin(j, "crls");
	for (i = 0; c && i < c->crls.n; i++)
		write_crl(j, f, &c->crls.v[i], false);
	for (i = 0; got && i < got->n; i++)
		write_crl(j, f, &got->v[i], true);
	if (j)
		json_arr_end(j);
}

/* The cached OCSP answers: about whom, what, until when, from whom. */
static void write_ocsp(const struct iked_creds *c, FILE *f, struct json *j)
{
	struct iked_ocsp_view v;
	size_t i;

	if (j)
		json_arr_begin(j, "ocsp");
	for (i = 0; iked_ocsp_view(c, i, &v); i++) {
		if (!j) {
			fprintf(f, "ocsp serial %s of %s\n  %s%s%s, next update %s\n  uri %s\n",
				v.serial, v.issuer, v.status,
				v.revoked[0] ? " since " : "", v.revoked,
				v.next_update, v.uri);
			continue;
		}
		json_obj_begin(j, NULL);
		json_str(j, "issuer", v.issuer);
		json_str(j, "serial", v.serial);
		json_str(j, "status", v.status);
		if (v.revoked[0])
			json_str(j, "revoked_on", v.revoked);
		json_str(j, "next_update", v.next_update);
		json_str(j, "uri", v.uri);
		json_obj_end(j);
	}
	if (j)
		json_arr_end(j);
}

void iked_creds_write(const struct iked_creds *c, FILE *f, int as_json)
{
	struct cert_view v;
	struct json j;
	size_t i;

	if (as_json) {
		json_init(&j, f);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "certificates");
	}
	for (i = 0; c && i < c->n_cas; i++) {
		view(c, &c->cas[i], "ca", &v);
		write_one(as_json ? &j : NULL, f, &v);
	}
	for (i = 0; c && i < c->n_certs; i++) {
		view(c, &c->certs[i], "end-entity", &v);
		write_one(as_json ? &j : NULL, f, &v);
	}
	if (as_json)
		json_arr_end(&j);
	write_crls(c, f, as_json ? &j : NULL);
	write_ocsp(c, f, as_json ? &j : NULL);
	if (as_json) {
		json_obj_end(&j);
		json_finish(&j);
	} else if (!c || (!c->n_cas && !c->n_certs && !c->crls.n &&
			  !(iked_crl_fetched(c) && iked_crl_fetched(c)->n))) {
		fprintf(f, "no certificates loaded\n");
	}
}
