// SPDX-License-Identifier: GPL-2.0
/* Chain validation with X509_verify_cert(), identities in certificates, and the one-line reasons when either fails. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "crl_fetch.h"
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

/* What the verify callback saw, for the line after it. */
struct crl_state {
	const struct iked_creds *c;
	char *warn;			/* an expired CRL used anyway */
	size_t warn_len;
	/* The CRL of the last error: OpenSSL forgets it once done. */
	X509_CRL *crl;
	/* The file and fetched CRLs together (the CRLs not owned). */
	STACK_OF(X509_CRL) *sk;
	/* A certificate an OCSP responder said is revoked. */
	X509 *ocsp_rev;
};

/* @x is the self-signed end of the chain: a trust anchor. */
static int is_anchor(X509_STORE_CTX *ctx, X509 *x)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

	return x && sk_X509_num(chain) > 0 &&
	       x == sk_X509_value(chain, sk_X509_num(chain) - 1) &&
	       X509_check_issued(x, x) == X509_V_OK;
}

/* The warning of a stale CRL used under strictcrlpolicy=no (the first). */
static void stale_warn(struct crl_state *st, X509_CRL *crl, int expired)
{
	char iss[512], when[64];

	if (st->warn[0] || !crl)
		return;
	snprintf(st->warn, st->warn_len, "the CRL %s of \"%s\" %s %s: used anyway, as strictcrlpolicy=no",
		 iked_crls_source(st->c, crl),
		 name_str(X509_CRL_get_issuer(crl), iss, sizeof(iss)),
		 expired ? "expired on" : "is not valid before",
		 time_str(expired ? X509_CRL_get0_nextUpdate(crl) :
			  X509_CRL_get0_lastUpdate(crl), when, sizeof(when)));
}

/* "; the OCSP responder URI gave no answer: why" when @x names one. */
static const char *ocsp_note(const struct iked_creds *c, X509 *x, char *buf,
			     size_t len)
{
	const char *fail = iked_ocsp_failure(c, x);
	char uri[1024];

	buf[0] = '\0';
	if (x && iked_ocsp_uri(x, uri, sizeof(uri)))
		snprintf(buf, len, "; the OCSP responder %s gave no answer: %s",
			 uri, fail ? fail : "it could not be asked");
	return buf;
}

/* The warning of a certificate let through without its CRL (the first). */
static void nocrl_warn(struct crl_state *st, X509 *x, const char *uri)
{
	const char *fail = uri[0] ? iked_crl_fetch_failure(st->c, uri) : NULL;
	char subj[512], iss[512], oc[1400];

	if (st->warn[0])
		return;
	snprintf(st->warn, st->warn_len, "no CRL for the issuer \"%s\" of \"%s\" from %s: %s%s; the certificate is accepted without it, as strictcrlpolicy=no",
		 name_str(X509_get_issuer_name(x), iss, sizeof(iss)),
		 name_str(X509_get_subject_name(x), subj, sizeof(subj)),
		 uri[0] ? uri : "ipsec.d/crls/",
		 fail ? fail : uri[0] ? "it could not be fetched" : "none there",
		 ocsp_note(st->c, x, oc, sizeof(oc)));
}

/*
 * Whether a missing or stale CRL of @x's issuer refuses @x; ifuri counts
 * an OCSP responder as a URI, as strongSwan's does.
 */
static int crl_strict(const struct crl_state *st, X509 *x, char *uri,
		      size_t len)
{
	char ocsp[1024];
	int has_cdp = x && iked_crl_cdp_uri(x, uri, len);
	int has_uri = has_cdp || (x && iked_ocsp_uri(x, ocsp, sizeof(ocsp)));

	return st->c->strict_crl || (st->c->crl_ifuri && has_uri);
}

/*
 * An OCSP answer about @x in place of its missing or stale CRL: 1 good
 * (the CRL is not needed), 0 none, -1 revoked (kept for the reason).
 */
static int ocsp_instead(struct crl_state *st, X509 *x)
{
	char why[8];

	switch (x ? iked_ocsp_status(st->c, x, why, sizeof(why)) :
		IKED_OCSP_NONE) {
	case IKED_OCSP_GOOD:
		return 1;
	case IKED_OCSP_REVOKED:
		st->ocsp_rev = x;
		return -1;
	default:
		return 0;
	}
}

/*
 * strongSwan's strictcrlpolicy over OpenSSL's CRL_CHECK_ALL: without
 * it a CA with no CRL, or a stale one (expired, or not yet valid as a
 * clock is wrong; then with a warning), passes; with it both fail;
 * ifuri is strict for a certificate that names where its CRL is. A
 * root is a trust anchor, never checked.
 */
static int crl_cb(int ok, X509_STORE_CTX *ctx)
{
	struct crl_state *st = X509_STORE_CTX_get_app_data(ctx);
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	int e = X509_STORE_CTX_get_error(ctx);
	char uri[1024] = "", ou[1024];
	int o;

	if (ok || !st)
		return ok;
	st->crl = crl;
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		if (is_anchor(ctx, x))
			return 1;
		o = ocsp_instead(st, x);
		if (o)
			return o > 0;
		if (crl_strict(st, x, uri, sizeof(uri)))
			return 0;
		if (uri[0] || iked_ocsp_uri(x, ou, sizeof(ou)))
			nocrl_warn(st, x, uri);
		return 1;
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		o = ocsp_instead(st, x);
		if (o)
			return o > 0;
		if (crl_strict(st, x, uri, sizeof(uri)))
			return 0;
		stale_warn(st, crl, e == X509_V_ERR_CRL_HAS_EXPIRED);
		return 1;
	default:
		return 0;
	}
}

/* "certificate revoked: serial, subject, by CRL FILE of ISSUER, date". */
static void revoked_why(const struct iked_creds *c, X509_CRL *crl, X509 *x,
			char *why, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	char subj[512], iss[512], when[64] = "?";
	X509_REVOKED *rev = NULL;

	if (crl && X509_CRL_get0_by_cert(crl, &rev, x) == 1 && rev)
		time_str(X509_REVOKED_get0_revocationDate(rev), when,
			 sizeof(when));
	snprintf(why, len, "certificate revoked: serial %s (subject \"%s\"), by CRL %s of \"%s\", revoked on %s",
		 hex ? hex : "?", name_str(X509_get_subject_name(x), subj,
					   sizeof(subj)),
		 crl ? iked_crls_source(c, crl) : "?",
		 name_str(crl ? X509_CRL_get_issuer(crl) : NULL, iss, sizeof(iss)),
		 when);
	OPENSSL_free(hex);
	BN_free(bn);
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

/* Why @x (subject @subj, issuer @iss) has no CRL that strictness wants. */
static void nocrl_why(const struct iked_creds *c, X509 *x, const char *iss,
		      const char *subj, char *why, size_t len)
{
	const char *pol = c->strict_crl ? "yes" : "ifuri", *fail;
	char uri[1024], oc[1400];

	ocsp_note(c, x, oc, sizeof(oc));
	if (!x || !iked_crl_cdp_uri(x, uri, sizeof(uri))) {
		snprintf(why, len, "no CRL for the issuer \"%s\" of \"%s\" in ipsec.d/crls/, which strictcrlpolicy=%s requires%s",
			 iss, subj, pol, oc);
		return;
	}
	fail = iked_crl_fetch_failure(c, uri);
	snprintf(why, len, "no CRL for the issuer \"%s\" of \"%s\", which strictcrlpolicy=%s requires: fetching it from %s failed: %s%s",
		 iss, subj, pol, uri, fail ? fail : "no fetch could be started",
		 oc);
}

/* The one line for a chain that did not validate. */
static void verify_why(const struct iked_creds *c, X509_STORE_CTX *ctx,
		       const struct crl_state *st, char *why, size_t len)
{
	X509_CRL *crl = st->crl;
	int e = X509_STORE_CTX_get_error(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char subj[512], iss[512], a[64], b[64], cas[2048];

	name_str(x ? X509_get_subject_name(x) : NULL, subj, sizeof(subj));
	name_str(x ? X509_get_issuer_name(x) : NULL, iss, sizeof(iss));
	if (st->ocsp_rev) {
		iked_ocsp_status(c, st->ocsp_rev, why, len);
		return;
	}
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
	case X509_V_ERR_CERT_REVOKED:
		revoked_why(c, crl, x, why, len);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		nocrl_why(c, x, iss, subj, why, len);
		break;
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		snprintf(why, len, "no current CRL for the issuer \"%s\" of \"%s\", which strictcrlpolicy=%s requires: the CRL %s is valid from %s until %s",
			 iss, subj, c->strict_crl ? "yes" : "ifuri",
			 crl ? iked_crls_source(c, crl) : "?",
			 time_str(crl ? X509_CRL_get0_lastUpdate(crl) : NULL, a,
				  sizeof(a)),
			 time_str(crl ? X509_CRL_get0_nextUpdate(crl) : NULL, b,
				  sizeof(b)));
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

/*
 * An OCSP answer of revoked about a certificate of the validated chain
 * (not its root): -EACCES with the line in @why, or 0. Checked here too
 * because a current CRL that does not list it asks no callback.
 */
static int ocsp_revoked(const struct iked_creds *c, X509_STORE_CTX *ctx,
			char *why, size_t len)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	int i;

	for (i = 0; i + 1 < sk_X509_num(chain); i++)
		if (iked_ocsp_status(c, sk_X509_value(chain, i), why, len) ==
		    IKED_OCSP_REVOKED)
			return -EACCES;
	return 0;
}

/*
 * RFC 4945 5.1.3.12 as widened by what IKE CAs issue: no EKU passes;
 * an EKU must name ipsecIKE, anyExtendedKeyUsage, serverAuth,
 * clientAuth or strongSwan's ikeIntermediate. 1, or 0 with the EKUs
 * found in @why.
 */
static int eku_allows_ike(X509 *x, char *why, size_t len)
{
	EXTENDED_KEY_USAGE *eku;
	char subj[512], names[512], one[128];
	size_t used = 0;
	int i, nid, ok = 0;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &i, NULL);
	if (!eku) {
		ERR_clear_error();
		/* -1: no extension; another value: one we cannot read. */
		if (i == -1)
			return 1;
		snprintf(why, len, "the certificate \"%s\" has an extendedKeyUsage that cannot be read",
			 name_str(X509_get_subject_name(x), subj, sizeof(subj)));
		return 0;
	}
	names[0] = '\0';
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);

		nid = OBJ_obj2nid(o);
		ok |= nid == NID_server_auth || nid == NID_client_auth ||
		      nid == NID_ipsec_IKE || nid == NID_anyExtendedKeyUsage;
		if (nid != NID_undef)
			snprintf(one, sizeof(one), "%s", OBJ_nid2sn(nid));
		else if (OBJ_obj2txt(one, sizeof(one), o, 1) <= 0)
			snprintf(one, sizeof(one), "?");
		/* 1.3.6.1.5.5.8.2.2: strongSwan's pki --flag ikeIntermediate. */
		ok |= !strcmp(one, "1.3.6.1.5.5.8.2.2");
		iked_addf(names, sizeof(names), &used, "%s%s", i ? ", " : "",
			  one);
	}
	EXTENDED_KEY_USAGE_free(eku);
	if (!ok)
		snprintf(why, len, "extended key usage does not allow IKE: the certificate \"%s\" allows only %s (IKE needs serverAuth, clientAuth, ipsecIKE, ikeIntermediate or anyExtendedKeyUsage)",
			 name_str(X509_get_subject_name(x), subj, sizeof(subj)),
			 names);
	return ok;
}

/*
 * CRL checks when there are CRLs, or strictcrlpolicy wants them: 0, or
 * -ENOMEM.
 */
static int crl_setup(const struct iked_creds *c, X509_STORE_CTX *ctx,
		     struct crl_state *st)
{
	const struct iked_crls *got = iked_crl_fetched(c);
	size_t i;

	/* A fetch tried (got) may have failed: its warning comes from here. */
	if (!c->crls.n && !c->strict_crl && !c->crl_ifuri && !got)
		return 0;
	st->sk = sk_X509_CRL_dup(c->crls.sk);
	for (i = 0; st->sk && got && i < got->n; i++)
		if (!sk_X509_CRL_push(st->sk, got->v[i].crl))
			return -ENOMEM;
	if (!st->sk)
		return -ENOMEM;
	X509_STORE_CTX_set0_crls(ctx, st->sk);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CRL_CHECK |
				 X509_V_FLAG_CRL_CHECK_ALL);
	X509_STORE_CTX_set_app_data(ctx, st);
	X509_STORE_CTX_set_verify_cb(ctx, crl_cb);
	return 0;
}

int iked_trust_verify(const struct iked_creds *c, X509 *leaf,
		      STACK_OF(X509) *untrusted, const struct iked_conf_id *ca,
		      char *why, size_t why_len)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char want[512], warn[1024] = "";
	struct crl_state st = { c, warn, sizeof(warn), NULL, NULL, NULL };
	int r = -EACCES;

	why[0] = '\0';
	if (!ctx || !c ||
	    !X509_STORE_CTX_init(ctx, c->store, leaf, untrusted) ||
	    crl_setup(c, ctx, &st)) {
		snprintf(why, why_len, "cannot validate certificates: %s",
			 c ? "out of memory" : "no CAs loaded");
		X509_STORE_CTX_free(ctx);
		sk_X509_CRL_free(st.sk);
		return -ENOMEM;
	}
	if (X509_verify_cert(ctx) != 1)
		verify_why(c, ctx, &st, why, why_len);
	else if (ocsp_revoked(c, ctx, why, why_len))
		r = -EACCES;		/* @why says by whom, since when */
	else if (ca && ca->type == IKED_ID_DER_ASN1_DN && !chain_has_ca(ctx, ca))
		snprintf(why, why_len, "the chain of the certificate does not hold the CA rightca=\"%s\"",
			 iked_conf_dn_format(ca, want, sizeof(want)));
	else if (eku_allows_ike(leaf, why, why_len))
		r = 0;
	if (!r)
		snprintf(why, why_len, "%s", warn);
	X509_STORE_CTX_free(ctx);
	sk_X509_CRL_free(st.sk);
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
