// SPDX-License-Identifier: GPL-2.0
/* Which OCSP answers and CRLs an IKE_AUTH waits for: the chain up to our CAs, each certificate's OCSP responder and CRLDistributionPoints, the answers and CRLs we have; starting the fetches that are missing. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "crl_cache.h"
#include "../../escape.h"
#include "../../log.h"

/* Certificates of a chain we look at: deeper ones are not fetched for. */
#define CHAIN_MAX	8

/* The fullName URIs of @x's distribution points: an http:// one first. */
static int cdp_uri(X509 *x, char *uri, size_t len, int *http)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x,
			NID_crl_distribution_points, NULL, NULL);
	int i, k, found = 0;

	*http = 0;
	for (i = 0; i < sk_DIST_POINT_num(dps) && !*http; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		GENERAL_NAMES *names;

		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		names = dp->distpoint->name.fullname;
		for (k = 0; k < sk_GENERAL_NAME_num(names) && !*http; k++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(names, k);
			const ASN1_IA5STRING *s;
			int is_http;

			if (g->type != GEN_URI)
				continue;
			s = g->d.uniformResourceIdentifier;
			is_http = s->length > 7 &&
				  !strncasecmp((const char *)s->data, "http://", 7);
			if (found && !is_http)
				continue;
			iked_escape(uri, len, s->data, (size_t)s->length, 0);
			found = 1;
			*http = is_http;
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	ERR_clear_error();
	return found;
}

int iked_crl_cdp_uri(X509 *x, char *uri, size_t len)
{
	int http;

	return cdp_uri(x, uri, len, &http);
}

/* Whether @crl has not passed its nextUpdate (none: current). */
static int crl_current(X509_CRL *crl)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);

	return !next || X509_cmp_time(next, NULL) > 0;
}

static int have_crl_in(const struct iked_crls *l, const X509_NAME *iss)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (!X509_NAME_cmp(X509_CRL_get_issuer(l->v[i].crl), iss) &&
		    crl_current(l->v[i].crl))
			return 1;
	return 0;
}

/*
 * The issuer of @x whose key verifies @x's signature: one of our CAs
 * (*@ours) or of the peer's @untrusted; NULL when none.
 */
static X509 *issuer_of(const struct iked_creds *c, X509 *x,
		       STACK_OF(X509) *untrusted, int *ours)
{
	int i;
	size_t k;

	*ours = 0;
	for (k = 0; k < c->n_cas; k++)
		if (X509_check_issued(c->cas[k].x, x) == X509_V_OK &&
		    X509_verify(x, X509_get0_pubkey(c->cas[k].x)) == 1) {
			*ours = 1;
			return c->cas[k].x;
		}
	for (i = 0; i < sk_X509_num(untrusted); i++) {
		X509 *u = sk_X509_value(untrusted, i);

		if (X509_check_issued(u, x) == X509_V_OK &&
		    X509_verify(x, X509_get0_pubkey(u)) == 1)
			return u;
	}
	return NULL;
}

/*
 * @leaf and the CAs above it, each with its issuer, into @x and @iss:
 * their count, or 0 when the signatures do not lead to one of our CAs
 * (a chain we would refuse anyway must not make us fetch anything).
 */
static size_t chain_links(const struct iked_creds *c, X509 *leaf,
			  STACK_OF(X509) *untrusted, X509 **x, X509 **iss)
{
	X509 *cur = leaf;
	size_t n = 0;
	int ours, anchored = 0;

	while (n < CHAIN_MAX && X509_check_issued(cur, cur) != X509_V_OK) {
		X509 *up = issuer_of(c, cur, untrusted, &ours);

		if (!up)
			break;
		anchored |= ours;
		x[n] = cur;
		iss[n++] = up;
		cur = up;
	}
	ERR_clear_error();
	return anchored ? n : 0;
}

/*
 * The OCSP answer about @x, else the CRL of its issuer @up[0] (@up[@n]:
 * the chain above): 1 when the IKE_AUTH must wait for it.
 */
static int link_wait(struct iked_creds *c, X509 *x, X509 *const *up,
		     size_t n, const char *conn, unsigned int no)
{
	X509 *iss = up[0];
	struct iked_crl_cache *cc;
	const struct crl_failure *f;
	struct crl_job *j;
	char uri[1024], name[512];
	int http;

	/* OCSP first, as strongSwan's revocation plugin: CRLs when it has
	 * no answer (no responder, failed, unknown). */
	switch (ocsp_link(c, x, up, n, conn, no)) {
	case OCSP_LINK_WAIT:
		return 1;
	case OCSP_LINK_ANSWERED:
		return 0;
	default:
		break;
	}
	if (have_crl_in(&c->crls, X509_get_subject_name(iss)) ||
	    have_crl_in(iked_crl_fetched(c), X509_get_subject_name(iss)) ||
	    !cdp_uri(x, uri, sizeof(uri), &http))
		return 0;
	cc = crl_cache_get(c);
	if (!cc)
		return 0;
	iked_conf_dn_format_name(X509_get_subject_name(iss), name, sizeof(name));
	f = crl_failure_find(cc, uri);
	if (f && (!f->retry || crl_now_ms() - f->at_ms < IKED_CRL_FETCH_RETRY_MS))
		return 0;
	if (!http) {
		crl_failure_set(cc, uri, false,
				"unsupported scheme: only http:// is fetched");
		iked_log(IKED_LOG_WARN, conn, no,
			 "the CRL of \"%s\" is at %s: unsupported (kesp-iked fetches only http://), skipped",
			 name, uri);
		return 0;
	}
	j = crl_job_find(cc, uri);
	if (j) {
		j->dropped++;
		iked_log(IKED_LOG_DEBUG, conn, no,
			 "authentication waits: the CRL of \"%s\" from %s is still being fetched",
			 name, uri);
		return 1;
	}
	j = crl_job_start(cc, uri, iss, name);
	if (!j) {
		iked_log(IKED_LOG_WARN, conn, no,
			 "cannot fetch the CRL of \"%s\" from %s now (%u fetches under way, or out of resources)",
			 name, uri, (unsigned int)cc->n_jobs);
		return 0;
	}
	j->dropped++;
	iked_log(IKED_LOG_INFO, conn, no,
		 "fetching CRL from %s for \"%s\"; the authentication of IKE SA %s[%u] waits for it",
		 uri, name, conn ? conn : "?", no);
	return 1;
}

int iked_crl_fetch_wait(struct iked_creds *c, X509 *leaf,
			STACK_OF(X509) *untrusted, const char *conn,
			unsigned int no)
{
	X509 *x[CHAIN_MAX], *iss[CHAIN_MAX];
	size_t n, i;
	int wait = 0;

	if (!c || !leaf)
		return 0;
	n = chain_links(c, leaf, untrusted, x, iss);
	/* Every missing CRL at once: one wait, not one per certificate. */
	for (i = 0; i < n; i++)
		wait |= link_wait(c, x[i], iss + i, n - i, conn, no);
	return wait;
}
