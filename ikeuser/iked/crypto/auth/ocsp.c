// SPDX-License-Identifier: GPL-2.0
/* OCSP (RFC 6960) as strongSwan's revocation plugin does it: a query per certificate of a chain to the responder its authorityInfoAccess names, POSTed by the fetch thread; the answer verified and cached by (issuer, serial) until its nextUpdate. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "crl_cache.h"
#include "../../escape.h"
#include "../../log.h"

/* An answer without nextUpdate stands this long (s), as strongSwan's. */
#define OCSP_DEFAULT_TTL	3600
/* Clocks of responder and gateway may differ this much (s). */
#define OCSP_SKEW		300

/* One query: what it asked, and what checks the answer. */
struct ocsp_query {
	OCSP_REQUEST *req;		/* its nonce */
	OCSP_CERTID *id;		/* SHA-1 of the issuer's name and key */
	X509_STORE *store;		/* our CAs */
	STACK_OF(X509) *certs;		/* the issuer and the CAs above it */
	X509_NAME *issuer;		/* the cache's key, with the serial */
	ASN1_INTEGER *serial;
	char subject[512];		/* escaped */
};

void ocsp_query_free(struct ocsp_query *q)
{
	if (!q)
		return;
	OCSP_REQUEST_free(q->req);
	OCSP_CERTID_free(q->id);
	X509_STORE_free(q->store);
	sk_X509_pop_free(q->certs, X509_free);
	X509_NAME_free(q->issuer);
	ASN1_INTEGER_free(q->serial);
	free(q);
}

int iked_ocsp_uri(X509 *x, char *uri, size_t len)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access,
						      NULL, NULL);
	int i, found = 0;

	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia) && !found; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		const ASN1_IA5STRING *s;

		if (OBJ_obj2nid(ad->method) != NID_ad_OCSP ||
		    ad->location->type != GEN_URI)
			continue;
		s = ad->location->d.uniformResourceIdentifier;
		/* ldap:// and the like are not asked (as for CRLs). */
		if (s->length <= 7 ||
		    strncasecmp((const char *)s->data, "http://", 7))
			continue;
		iked_escape(uri, len, s->data, (size_t)s->length, 0);
		found = 1;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	ERR_clear_error();
	return found;
}

static void serial_hex(const ASN1_INTEGER *serial, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, len, "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "none");
}

/* What finds the query and its failure: responder, issuer, serial. */
static void query_key(X509 *x, const char *uri, char *key, size_t len)
{
	char serial[128];

	serial_hex(X509_get0_serialNumber(x), serial, sizeof(serial));
	snprintf(key, len, "ocsp %s %08lx:%s", uri, X509_issuer_name_hash(x),
		 serial);
}

static struct ocsp_entry *entry_find(const struct iked_crl_cache *cc, X509 *x)
{
	size_t i;

	for (i = 0; cc && i < cc->n_ocsp; i++)
		if (!ASN1_INTEGER_cmp(cc->ocsp[i].serial,
				      X509_get0_serialNumber(x)) &&
		    !X509_NAME_cmp(cc->ocsp[i].issuer,
				   X509_get_issuer_name(x)))
			return (struct ocsp_entry *)&cc->ocsp[i];
	return NULL;
}

/* The answer about @x that has not passed its nextUpdate, or NULL. */
static const struct ocsp_entry *entry_current(const struct iked_crl_cache *cc,
					      X509 *x)
{
	const struct ocsp_entry *e = entry_find(cc, x);

	return e && e->until > time(NULL) ? e : NULL;
}

static void entry_clear(struct ocsp_entry *e)
{
	X509_NAME_free(e->issuer);
	ASN1_INTEGER_free(e->serial);
	free(e->uri);
}

void ocsp_entries_free(struct iked_crl_cache *cc)
{
	size_t i;

	for (i = 0; i < cc->n_ocsp; i++)
		entry_clear(&cc->ocsp[i]);
	cc->n_ocsp = 0;
}

/* @e (its issuer and serial taken from @q) into the cache: 0 or -ENOMEM. */
static int entry_put(struct iked_crl_cache *cc, struct ocsp_query *q,
		     struct ocsp_entry *e, const char *uri)
{
	struct ocsp_entry *old;
	size_t i;

	e->uri = strdup(uri);
	if (!e->uri)
		return -ENOMEM;
	e->issuer = q->issuer;
	e->serial = q->serial;
	q->issuer = NULL;
	q->serial = NULL;
	for (i = 0, old = NULL; i < cc->n_ocsp && !old; i++)
		if (!ASN1_INTEGER_cmp(cc->ocsp[i].serial, e->serial) &&
		    !X509_NAME_cmp(cc->ocsp[i].issuer, e->issuer))
			old = &cc->ocsp[i];
	if (!old && cc->n_ocsp == OCSP_ENTRIES_MAX) {
		/* Full: the oldest goes. */
		entry_clear(&cc->ocsp[0]);
		memmove(cc->ocsp, cc->ocsp + 1,
			(OCSP_ENTRIES_MAX - 1) * sizeof(cc->ocsp[0]));
		cc->n_ocsp--;
	}
	if (old)
		entry_clear(old);
	else
		old = &cc->ocsp[cc->n_ocsp++];
	*old = *e;
	return 0;
}

/* The query about @x of issuer @iss[0] (@iss[@n]: its chain up): NULL on failure. */
static struct ocsp_query *query_new(const struct iked_creds *c, X509 *x,
				    X509 *const *iss, size_t n)
{
	struct ocsp_query *q = calloc(1, sizeof(*q));
	OCSP_CERTID *dup;
	int ok;
	size_t i;

	if (!q)
		return NULL;
	q->req = OCSP_REQUEST_new();
	q->id = OCSP_cert_to_id(EVP_sha1(), x, iss[0]);
	q->certs = sk_X509_new_null();
	q->issuer = X509_NAME_dup(X509_get_issuer_name(x));
	q->serial = ASN1_INTEGER_dup(X509_get0_serialNumber(x));
	ok = q->req && q->id && q->certs && q->issuer && q->serial &&
	     X509_STORE_up_ref(c->store);
	if (ok)
		q->store = c->store;
	for (i = 0; ok && i < n; i++) {
		ok = X509_up_ref(iss[i]);
		if (ok && !sk_X509_push(q->certs, iss[i])) {
			X509_free(iss[i]);
			ok = 0;
		}
	}
	dup = ok ? OCSP_CERTID_dup(q->id) : NULL;
	if (dup && !OCSP_request_add0_id(q->req, dup)) {
		OCSP_CERTID_free(dup);
		dup = NULL;
	}
	/* A fresh nonce each time: a replayed old answer does not match. */
	if (!dup || !OCSP_request_add1_nonce(q->req, NULL, -1)) {
		ocsp_query_free(q);
		ERR_clear_error();
		return NULL;
	}
	iked_conf_dn_format_name(X509_get_subject_name(x), q->subject,
				 sizeof(q->subject));
	return q;
}

/* A query about @x started: the job, or NULL. */
static struct crl_job *query_start(struct iked_creds *c,
				   struct iked_crl_cache *cc, X509 *x,
				   X509 *const *iss, size_t n, const char *uri,
				   const char *key)
{
	struct ocsp_query *q = query_new(c, x, iss, n);
	unsigned char *der = NULL;
	struct crl_job *j = NULL;
	char name[512];
	int len;

	if (!q)
		return NULL;
	len = i2d_OCSP_REQUEST(q->req, &der);
	iked_conf_dn_format_name(X509_get_subject_name(iss[0]), name,
				 sizeof(name));
	if (len > 0)
		j = crl_job_start_ocsp(cc, uri, key, q, der, (size_t)len,
				       iss[0], name);
	else
		ocsp_query_free(q);
	OPENSSL_free(der);
	ERR_clear_error();
	return j;
}

enum ocsp_link ocsp_link(struct iked_creds *c, X509 *x, X509 *const *iss,
			 size_t n, const char *conn, unsigned int no)
{
	char uri[1024], key[1300];
	struct iked_crl_cache *cc;
	const struct crl_failure *f;
	struct crl_job *j;

	if (!n || !iked_ocsp_uri(x, uri, sizeof(uri)))
		return OCSP_LINK_NONE;
	cc = crl_cache_get(c);
	if (!cc)
		return OCSP_LINK_NONE;
	if (entry_current(cc, x))
		return OCSP_LINK_ANSWERED;
	query_key(x, uri, key, sizeof(key));
	f = crl_failure_find(cc, key);
	if (f && (!f->retry || crl_now_ms() - f->at_ms < IKED_CRL_FETCH_RETRY_MS))
		return OCSP_LINK_NONE;
	j = crl_job_find(cc, key);
	if (!j) {
		j = query_start(c, cc, x, iss, n, uri, key);
		if (!j) {
			iked_log(IKED_LOG_WARN, conn, no,
				 "cannot ask the OCSP responder %s now (%u fetches under way, or out of resources)",
				 uri, (unsigned int)cc->n_jobs);
			return OCSP_LINK_NONE;
		}
		iked_log(IKED_LOG_INFO, conn, no,
			 "asking the OCSP responder %s about \"%s\"; the authentication of IKE SA %s[%u] waits for it",
			 uri, j->ocsp->subject, conn ? conn : "?", no);
	} else {
		iked_log(IKED_LOG_DEBUG, conn, no,
			 "authentication waits: the OCSP responder %s has not answered yet",
			 uri);
	}
	j->dropped++;
	return OCSP_LINK_WAIT;
}

/*
 * The status in @bs of @q's certificate into @e: GOOD or REVOKED, or
 * -1 with @why (a signature neither the issuer's nor of a responder it
 * delegated to, another nonce, out of date, unknown).
 */
static int basic_status(const struct crl_job *j, const struct ocsp_query *q,
			OCSP_BASICRESP *bs, struct ocsp_entry *e, char *why,
			size_t len)
{
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	int status, reason, days, secs, n;
	char a[64], b[64];

	/* Chains the signer to our CAs; it must be the issuer or have
	 * OCSPSigning from it (OCSP_check_issuer). */
	if (OCSP_basic_verify(bs, q->certs, q->store, 0) <= 0) {
		snprintf(why, len, "it is signed neither by the issuer \"%s\" nor by a responder certificate with OCSPSigning that the issuer issued",
			 j->issuer_name);
		return -1;
	}
	/* 1: echoed; -1: none echoed (a responder answering from a cache,
	 * RFC 5019); 0: another one. */
	n = OCSP_check_nonce(q->req, bs);
	if (n != 1 && n != -1) {
		snprintf(why, len, "its nonce is not the one of the request (a replayed answer?)");
		return -1;
	}
	if (!OCSP_resp_find_status(bs, q->id, &status, &reason, &rev, &thisupd,
				   &nextupd)) {
		snprintf(why, len, "it says nothing about the certificate asked for");
		return -1;
	}
	if (!OCSP_check_validity(thisupd, nextupd, OCSP_SKEW, -1)) {
		time_str(thisupd, a, sizeof(a));
		time_str(nextupd, b, sizeof(b));
		snprintf(why, len, "it is not current: this update %s, next update %s",
			 a, b);
		return -1;
	}
	if (status != V_OCSP_CERTSTATUS_GOOD &&
	    status != V_OCSP_CERTSTATUS_REVOKED) {
		snprintf(why, len, "the responder does not know the certificate (status unknown)");
		return -1;
	}
	e->status = status;
	e->until = time(NULL) + OCSP_DEFAULT_TTL;
	if (nextupd && ASN1_TIME_diff(&days, &secs, NULL, nextupd))
		e->until = time(NULL) + (time_t)days * 86400 + secs;
	time_str(rev, e->revoked, sizeof(e->revoked));
	if (rev && ASN1_TIME_diff(&days, &secs, NULL, rev))
		e->revoked_at = time(NULL) + (time_t)days * 86400 + secs;
	return status;
}

/* The answer of @j into @e: its status, or -1 with @why. */
static int answer(const struct crl_job *j, struct ocsp_entry *e, char *why,
		  size_t len)
{
	const unsigned char *p = j->body;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	int st = -1, rs;

	if (j->err) {
		snprintf(why, len, "%s", j->why);
		return -1;
	}
	if (j->len <= IKED_CRL_FETCH_MAX_BYTES)
		resp = d2i_OCSP_RESPONSE(NULL, &p, (long)j->len);
	rs = resp ? OCSP_response_status(resp) : -1;
	if (!resp || p != j->body + j->len)
		snprintf(why, len, "the %zu bytes it served are no OCSP response",
			 j->len);
	else if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		snprintf(why, len, "the responder answered \"%s\"",
			 OCSP_response_status_str(rs));
	else if (!(bs = OCSP_response_get1_basic(resp)))
		snprintf(why, len, "the answer is no basic OCSP response");
	else
		st = basic_status(j, j->ocsp, bs, e, why, len);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return st;
}

void ocsp_job_finish(struct iked_crl_cache *cc, struct crl_job *j)
{
	struct ocsp_query *q = j->ocsp;
	struct ocsp_entry e = { 0 };
	char why[700], subj[512];
	int st = answer(j, &e, why, sizeof(why));

	snprintf(subj, sizeof(subj), "%s", q->subject);
	if (st >= 0 && entry_put(cc, q, &e, j->uri)) {
		st = -1;
		snprintf(why, sizeof(why), "out of memory");
	}
	if (st < 0) {
		crl_failure_set(cc, j->key, true, "%s", why);
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "OCSP answer about \"%s\" from %s not used: %s; CRLs decide (%u authentication messages of peers waited for it)",
			 subj, j->uri, why, j->dropped);
		return;
	}
	crl_failure_clear(cc, j->key);
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "OCSP responder %s: \"%s\" is %s%s%s (%u authentication messages of peers waited for it)",
		 j->uri, subj, st == V_OCSP_CERTSTATUS_GOOD ? "good" : "revoked",
		 st == V_OCSP_CERTSTATUS_GOOD ? "" : " since ",
		 st == V_OCSP_CERTSTATUS_GOOD ? "" : e.revoked, j->dropped);
}

enum iked_ocsp_status iked_ocsp_status(const struct iked_creds *c, X509 *x,
				       char *why, size_t len)
{
	const struct ocsp_entry *e = entry_current(c ? c->fetch : NULL, x);
	char serial[128], subj[512];

	if (!e)
		return IKED_OCSP_NONE;
	if (e->status == V_OCSP_CERTSTATUS_GOOD)
		return IKED_OCSP_GOOD;
	serial_hex(X509_get0_serialNumber(x), serial, sizeof(serial));
	iked_conf_dn_format_name(X509_get_subject_name(x), subj, sizeof(subj));
	snprintf(why, len, "certificate revoked: serial %s (subject \"%s\"), by the OCSP responder %s, revoked on %s",
		 serial, subj, e->uri, e->revoked);
	return IKED_OCSP_REVOKED;
}

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

int iked_ocsp_view(const struct iked_creds *c, size_t i,
		   struct iked_ocsp_view *v)
{
	const struct iked_crl_cache *cc = c ? c->fetch : NULL;
	const struct ocsp_entry *e;

	if (!cc || i >= cc->n_ocsp)
		return 0;
	e = &cc->ocsp[i];
	iked_conf_dn_format_name(e->issuer, v->issuer, sizeof(v->issuer));
	serial_hex(e->serial, v->serial, sizeof(v->serial));
	v->status = e->status == V_OCSP_CERTSTATUS_GOOD ? "good" : "revoked";
	v->revoked[0] = '\0';
	if (e->status != V_OCSP_CERTSTATUS_GOOD)
		iso_time(e->revoked_at, v->revoked, sizeof(v->revoked));
	iso_time(e->until, v->next_update, sizeof(v->next_update));
	v->uri = e->uri;
	return 1;
}

const char *iked_ocsp_failure(const struct iked_creds *c, X509 *x)
{
	const struct crl_failure *f;
	char uri[1024], key[1300];

	if (!c || !c->fetch || !iked_ocsp_uri(x, uri, sizeof(uri)))
		return NULL;
	query_key(x, uri, key, sizeof(key));
	f = crl_failure_find(c->fetch, key);
	if (!f && crl_job_find(c->fetch, key))
		return "the query is still under way";
	return f ? f->why : NULL;
}
