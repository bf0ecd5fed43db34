/* SPDX-License-Identifier: GPL-2.0 */
/* The state behind crl_fetch.h, shared by its files (crl_fetch.c, crl_cdp.c, ocsp.c) only. */

#ifndef KESP_IKED_CRYPTO_CRL_CACHE_H
#define KESP_IKED_CRYPTO_CRL_CACHE_H

#include <stdatomic.h>
#include <stdint.h>

#include "crl_fetch.h"

struct ocsp_query;

/* One fetch: the loop's until started, then shared with its thread. */
struct crl_job {
	atomic_int refs;		/* the loop's and the thread's */
	atomic_bool done;		/* the results below are written */
	int efd;			/* the thread says "done" here */
	char *uri;			/* checked by http_uri_parse(), printable */
	/* What finds it and its failure: the URI, or an OCSP query's key. */
	char *key;
	/* An OCSP query (ocsp.c) POSTs @req; NULL: a CRL is fetched. */
	struct ocsp_query *ocsp;
	uint8_t *req;
	size_t req_len;
	X509 *issuer;			/* whose key must verify the CRL */
	char issuer_name[512];
	unsigned int timeout_ms;
	unsigned int dropped;		/* IKE_AUTH messages that waited */
	/* The thread's: */
	int err;
	uint8_t *body;
	size_t len;
	char why[300];
};

/* The last failure of a URI. */
struct crl_failure {
	char *uri;
	char why[400];
	uint64_t at_ms;
	bool retry;			/* worth another try later */
};

#define CRL_FAILURES_MAX	64

/* A good or revoked OCSP answer about one certificate. */
struct ocsp_entry {
	X509_NAME *issuer;
	ASN1_INTEGER *serial;
	int status;			/* V_OCSP_CERTSTATUS_GOOD or _REVOKED */
	time_t until;			/* nextUpdate, or the default */
	char revoked[64];		/* when, for the refusal */
	time_t revoked_at;
	char *uri;
};

/* Answers kept at once; the oldest goes for a new one. */
#define OCSP_ENTRIES_MAX	256

struct iked_crl_cache {
	struct iked_crls got;		/* path: the URI */
	struct crl_job *jobs[IKED_CRL_FETCH_MAX];
	size_t n_jobs;
	struct crl_failure fails[CRL_FAILURES_MAX];
	size_t n_fails;
	unsigned int timeout_ms;
	struct ocsp_entry ocsp[OCSP_ENTRIES_MAX];
	size_t n_ocsp;
};

uint64_t crl_now_ms(void);
struct iked_crl_cache *crl_cache_get(struct iked_creds *c);
/* Starts a thread fetching @uri for @issuer; NULL when it cannot. */
struct crl_job *crl_job_start(struct iked_crl_cache *cc, const char *uri,
			      X509 *issuer, const char *issuer_name);
/*
 * crl_job_start() of an OCSP query: @q (taken, also on failure) POSTs
 * @req (copied) to @uri; found by @key.
 */
struct crl_job *crl_job_start_ocsp(struct iked_crl_cache *cc,
				   const char *uri, const char *key,
				   struct ocsp_query *q, const uint8_t *req,
				   size_t req_len, X509 *issuer,
				   const char *issuer_name);
/* The fetch under way of @key (a CRL's URI, an OCSP query's key). */
struct crl_job *crl_job_find(struct iked_crl_cache *cc, const char *key);
struct crl_failure *crl_failure_find(const struct iked_crl_cache *cc,
				     const char *key);
void crl_failure_set(struct iked_crl_cache *cc, const char *key, bool retry,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void crl_failure_clear(struct iked_crl_cache *cc, const char *key);

/* ocsp.c */
enum ocsp_link {
	OCSP_LINK_NONE,			/* no responder, or no answer: CRLs */
	OCSP_LINK_WAIT,			/* a query is under way */
	OCSP_LINK_ANSWERED,		/* good or revoked: no CRL needed */
};
/*
 * The OCSP status of @x, whose issuer and the CAs above it are
 * @iss[@n] (a chain that leads to one of our CAs): cached, or a query
 * started for it.
 */
enum ocsp_link ocsp_link(struct iked_creds *c, X509 *x, X509 *const *iss,
			 size_t n, const char *conn, unsigned int no);
/* The answer of @j is in: checked, cached or its failure kept, logged. */
void ocsp_job_finish(struct iked_crl_cache *cc, struct crl_job *j);
void ocsp_query_free(struct ocsp_query *q);
void ocsp_entries_free(struct iked_crl_cache *cc);

#endif /* KESP_IKED_CRYPTO_CRL_CACHE_H */
