/* SPDX-License-Identifier: GPL-2.0 */
/* The state behind crl_fetch.h, shared by its two files only. */

#ifndef KESP_IKED_CRYPTO_CRL_CACHE_H
#define KESP_IKED_CRYPTO_CRL_CACHE_H

#include <stdatomic.h>
#include <stdint.h>

#include "crl_fetch.h"

/* One fetch: the loop's until started, then shared with its thread. */
struct crl_job {
	atomic_int refs;		/* the loop's and the thread's */
	atomic_bool done;		/* the results below are written */
	int efd;			/* the thread says "done" here */
	char *uri;			/* checked by http_uri_parse(), printable */
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

struct iked_crl_cache {
	struct iked_crls got;		/* path: the URI */
	struct crl_job *jobs[IKED_CRL_FETCH_MAX];
	size_t n_jobs;
	struct crl_failure fails[CRL_FAILURES_MAX];
	size_t n_fails;
	unsigned int timeout_ms;
};

uint64_t crl_now_ms(void);
struct iked_crl_cache *crl_cache_get(struct iked_creds *c);
/* Starts a thread fetching @uri for @issuer; NULL when it cannot. */
struct crl_job *crl_job_start(struct iked_crl_cache *cc, const char *uri,
			      X509 *issuer, const char *issuer_name);
struct crl_job *crl_job_find(struct iked_crl_cache *cc, const char *uri);
struct crl_failure *crl_failure_find(const struct iked_crl_cache *cc,
				     const char *uri);
void crl_failure_set(struct iked_crl_cache *cc, const char *uri, bool retry,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* KESP_IKED_CRYPTO_CRL_CACHE_H */
