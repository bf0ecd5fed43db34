// SPDX-License-Identifier: GPL-2.0
/* Chain validation with X509_verify_cert(), identities in certificates, and the one-line reasons when either fails. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "trust.h"
#include "../../escape.h"
#include "../../words.h"

static const char *name_str(const X509_NAME *n, char *buf, size_t len)
{
	if (n)
		iked_conf_dn_format_name(n, buf, len);
	else
		snprintf(buf, len, "?");
	return buf;
}

static const char *time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "?");
	return buf;
}

/* Whether a CA of subject @ca is in the validated chain of @ctx. */
static int chain_has_ca(X509_STORE_CTX *ctx, const struct iked_conf_id *ca)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	const unsigned char *p = ca->data;
	X509_NAME *want = d2i_X509_NAME(NULL, &p, ca->len);
	int i, found = 0;

	for (i = 1; want && i < sk_X509_num(chain) && !found; i++) {
		struct iked_conf_id got = { .type = IKED_ID_DER_ASN1_DN };
		unsigned char *der = NULL;
		int n = i2d_X509_NAME(X509_get_subject_name(sk_X509_value(chain, i)),
				      &der);

		if (n > 0 && n <= IKED_ID_MAX) {
			got.len = (uint16_t)n;
			memcpy(got.data, der, (size_t)n);
			found = iked_conf_dn_match(ca, &got);
		}
		OPENSSL_free(der);
	}
	X509_NAME_free(want);
	return found;
}

/* The one line for a chain that did not validate. */
static void verify_why(const struct iked_creds *c, X509_STORE_CTX *ctx,
		       char *why, size_t len)
{
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char subj[512], iss[512], a[64], b[64], cas[2048];

	name_str(x ? X509_get_subject_name(x) : NULL, subj, sizeof(subj));
	name_str(x ? X509_get_issuer_name(x) : NULL, iss, sizeof(iss));
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED:
		snprintf(why, len, "unknown or untrusted CA: the certificate \"%s\" was issued by \"%s\", which is none of the CAs we trust (%s)",
			 subj, iss, iked_creds_ca_names(c, cas, sizeof(cas)));
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(why, len, "certificate expired: \"%s\" was valid until %s (from %s)",
			 subj, time_str(X509_get0_notAfter(x), a, sizeof(a)),
			 time_str(X509_get0_notBefore(x), b, sizeof(b)));
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(why, len, "certificate not yet valid: \"%s\" is valid from %s (until %s); check the clocks",
			 subj, time_str(X509_get0_notBefore(x), a, sizeof(a)),
			 time_str(X509_get0_notAfter(x), b, sizeof(b)));
		break;
	default:
		snprintf(why, len, "the certificate \"%s\" (issuer \"%s\") does not validate: %s",
			 subj, iss, X509_verify_cert_error_string(e));
		break;
	}
}

int iked_trust_verify(const struct iked_creds *c, X509 *leaf,
		      STACK_OF(X509) *untrusted, const struct iked_conf_id *ca,
		      char *why, size_t why_len)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char want[512];
	int r = -EACCES;

	if (!ctx || !c ||
	    !X509_STORE_CTX_init(ctx, c->store, leaf, untrusted)) {
		snprintf(why, why_len, "cannot validate certificates: %s",
			 c ? "out of memory" : "no CAs loaded");
		X509_STORE_CTX_free(ctx);
		return -ENOMEM;
	}
	if (X509_verify_cert(ctx) != 1)
		verify_why(c, ctx, why, why_len);
	else if (ca && ca->type == IKED_ID_DER_ASN1_DN && !chain_has_ca(ctx, ca))
		snprintf(why, why_len, "the chain of the certificate does not hold the CA rightca=\"%s\"",
			 iked_conf_dn_format(ca, want, sizeof(want)));
	else
		r = 0;
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int iked_trust_id_in_cert(X509 *x, const struct iked_conf_id *id)
{
	const unsigned int no_cn = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
				   X509_CHECK_FLAG_NO_WILDCARDS;
	const unsigned char *p = id->data;
	X509_NAME *n;
	int r = 0;

	switch (id->type) {
	case IKED_ID_DER_ASN1_DN:
		n = d2i_X509_NAME(NULL, &p, id->len);
		r = n && p == id->data + id->len &&
		    !X509_NAME_cmp(n, X509_get_subject_name(x));
		X509_NAME_free(n);
		break;
	case IKED_ID_FQDN:
		/* A NUL in the name makes OpenSSL say no (-2). */
		r = X509_check_host(x, (const char *)id->data, id->len, no_cn,
				    NULL) == 1;
		break;
	case IKED_ID_RFC822_ADDR:
		r = X509_check_email(x, (const char *)id->data, id->len,
				     X509_CHECK_FLAG_NEVER_CHECK_SUBJECT) == 1;
		break;
	case IKED_ID_IPV4_ADDR:
	case IKED_ID_IPV6_ADDR:
		r = X509_check_ip(x, id->data, id->len, 0) == 1;
		break;
	default:
		break;
	}
	ERR_clear_error();
	return r;
}

/* The subjectAltNames of @x that can be identities, escaped, appended. */
static void add_sans(X509 *x, char *buf, size_t len, size_t *used)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
					       NULL);
	char v[300];
	int i, n = 0;

	for (i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		const ASN1_STRING *s;
		const char *kind;

		if (g->type == GEN_DNS) {
			kind = "DNS";
			s = g->d.dNSName;
		} else if (g->type == GEN_EMAIL) {
			kind = "email";
			s = g->d.rfc822Name;
		} else if (g->type == GEN_IPADD) {
			struct iked_conf_id ip = { 0 };

			s = g->d.iPAddress;
			ip.type = s->length == 4 ? IKED_ID_IPV4_ADDR :
				  IKED_ID_IPV6_ADDR;
			if (s->length != 4 && s->length != 16)
				continue;
			ip.len = (uint16_t)s->length;
			memcpy(ip.data, s->data, (size_t)s->length);
			iked_addf(buf, len, used, "%sIP:%s", n++ ? ", " : "",
				  iked_conf_id_format(&ip, v, sizeof(v)));
			continue;
		} else {
			continue;
		}
		iked_escape(v, sizeof(v), ASN1_STRING_get0_data(s),
			    (size_t)ASN1_STRING_length(s), 0);
		iked_addf(buf, len, used, "%s%s:%s", n++ ? ", " : "", kind, v);
	}
	if (!n)
		iked_addf(buf, len, used, "none");
	GENERAL_NAMES_free(sans);
}

const char *iked_trust_describe(X509 *x, char *buf, size_t len)
{
	char subj[512];
	size_t used = 0;

	buf[0] = '\0';
	iked_addf(buf, len, &used, "subject \"%s\", subjectAltNames ",
		  name_str(X509_get_subject_name(x), subj, sizeof(subj)));
	add_sans(x, buf, len, &used);
	return buf;
}
