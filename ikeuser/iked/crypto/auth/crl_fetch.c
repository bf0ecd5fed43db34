// SPDX-License-Identifier: GPL-2.0
/* CRL fetches and OCSP queries off the event loop: a thread does the blocking HTTP GET or POST, an eventfd wakes the loop, which checks the CRL's signature and caches it by issuer (the OCSP answer: ocsp.c). */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crl_cache.h"
#include "http_get.h"
#include "../../log.h"

uint64_t crl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct iked_crl_cache *crl_cache_get(struct iked_creds *c)
{
	if (!c->fetch) {
		c->fetch = calloc(1, sizeof(*c->fetch));
		if (c->fetch)
			c->fetch->got.sk = sk_X509_CRL_new_null();
		if (c->fetch && !c->fetch->got.sk) {
			free(c->fetch);
			c->fetch = NULL;
		}
	}
	return c->fetch;
}

void iked_crl_fetch_set_timeout(struct iked_creds *c, unsigned int ms)
{
	struct iked_crl_cache *cc = crl_cache_get(c);

	if (cc)
		cc->timeout_ms = ms;
}

/* The last of the loop and the thread to let go frees the job. */
static void job_put(struct crl_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	if (j->efd >= 0)
		close(j->efd);
	X509_free(j->issuer);
	ocsp_query_free(j->ocsp);
	free(j->req);
	free(j->body);
	free(j->key);
	free(j->uri);
	free(j);
}

static void *job_run(void *arg)
{
	struct crl_job *j = arg;
	struct http_body post = {
		.type = "application/ocsp-request",
		.accept = "application/ocsp-response",
		.data = j->req,
		.len = j->req_len,
	};
	uint64_t one = 1;

	j->why[0] = '\0';
	j->err = http_request(j->uri, j->req ? &post : NULL, j->timeout_ms,
			      IKED_CRL_FETCH_MAX_BYTES, &j->body, &j->len,
			      j->why, sizeof(j->why));
	atomic_store_explicit(&j->done, true, memory_order_release);
	if (write(j->efd, &one, sizeof(one)) != sizeof(one)) {
		/* An eventfd takes a write until its counter overflows. */
	}
	job_put(j);
	return NULL;
}

/* A job of @uri found by @key (both copied), not started; NULL: no memory. */
static struct crl_job *job_new(const char *uri, const char *key, X509 *issuer,
			       const char *issuer_name)
{
	struct crl_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	atomic_init(&j->refs, 1);
	atomic_init(&j->done, false);
	j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	j->uri = strdup(uri);
	j->key = strdup(key);
	if (j->efd < 0 || !j->uri || !j->key || !X509_up_ref(issuer)) {
		job_put(j);
		return NULL;
	}
	j->issuer = issuer;
	snprintf(j->issuer_name, sizeof(j->issuer_name), "%s", issuer_name);
	return j;
}

/* @j's thread started and @j kept: @j, or NULL (@j freed). */
static struct crl_job *job_launch(struct iked_crl_cache *cc,
				  struct crl_job *j)
{
	pthread_attr_t attr;
	pthread_t t;
	int r;

	j->timeout_ms = cc->timeout_ms ? cc->timeout_ms :
			IKED_CRL_FETCH_TIMEOUT_MS;
	atomic_store(&j->refs, 2);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, job_run, j);
	pthread_attr_destroy(&attr);
	if (r) {
		atomic_store(&j->refs, 1);
		job_put(j);
		return NULL;
	}
	cc->jobs[cc->n_jobs++] = j;
	return j;
}

struct crl_job *crl_job_start(struct iked_crl_cache *cc, const char *uri,
			      X509 *issuer, const char *issuer_name)
{
	struct crl_job *j;

	if (cc->n_jobs >= IKED_CRL_FETCH_MAX)
		return NULL;
	j = job_new(uri, uri, issuer, issuer_name);
	return j ? job_launch(cc, j) : NULL;
}

struct crl_job *crl_job_start_ocsp(struct iked_crl_cache *cc,
				   const char *uri, const char *key,
				   struct ocsp_query *q, const uint8_t *req,
				   size_t req_len, X509 *issuer,
				   const char *issuer_name)
{
	struct crl_job *j = NULL;

	if (cc->n_jobs < IKED_CRL_FETCH_MAX)
		j = job_new(uri, key, issuer, issuer_name);
	if (!j) {
		ocsp_query_free(q);
		return NULL;
	}
	j->ocsp = q;
	j->req = malloc(req_len ? req_len : 1);
	if (!j->req) {
		job_put(j);
		return NULL;
	}
	memcpy(j->req, req, req_len);
	j->req_len = req_len;
	return job_launch(cc, j);
}

struct crl_job *crl_job_find(struct iked_crl_cache *cc, const char *key)
{
	size_t i;

	for (i = 0; cc && i < cc->n_jobs; i++)
		if (!strcmp(cc->jobs[i]->key, key))
			return cc->jobs[i];
	return NULL;
}

struct crl_failure *crl_failure_find(const struct iked_crl_cache *cc,
				     const char *uri)
{
	size_t i;

	for (i = 0; cc && i < cc->n_fails; i++)
		if (!strcmp(cc->fails[i].uri, uri))
			return (struct crl_failure *)&cc->fails[i];
	return NULL;
}

void crl_failure_set(struct iked_crl_cache *cc, const char *uri, bool retry,
		     const char *fmt, ...)
{
	struct crl_failure *f = crl_failure_find(cc, uri);
	va_list ap;

	if (!f) {
		char *u = strdup(uri);

		if (!u)
			return;
		/* Full: the oldest goes. */
		if (cc->n_fails == CRL_FAILURES_MAX) {
			free(cc->fails[0].uri);
			memmove(cc->fails, cc->fails + 1,
				(CRL_FAILURES_MAX - 1) * sizeof(cc->fails[0]));
			cc->n_fails--;
		}
		f = &cc->fails[cc->n_fails++];
		f->uri = u;
	}
	f->at_ms = crl_now_ms();
	f->retry = retry;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

void crl_failure_clear(struct iked_crl_cache *cc, const char *uri)
{
	struct crl_failure *f = crl_failure_find(cc, uri);

	if (!f)
		return;
	free(f->uri);
	*f = cc->fails[--cc->n_fails];
}

/* PEM or DER: a distribution point may serve either. */
static X509_CRL *crl_parse(const uint8_t *b, size_t len)
{
	const unsigned char *p = b;
	X509_CRL *crl = NULL;
	BIO *bio;

	if (len > IKED_CRL_FETCH_MAX_BYTES)
		return NULL;
	bio = BIO_new_mem_buf(b, (int)len);
	if (bio)
		crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!crl) {
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (crl && p != b + len) {
			X509_CRL_free(crl);
			crl = NULL;
		}
	}
	ERR_clear_error();
	return crl;
}

/* The CRL of @j's issuer, verified by its key, or NULL with @why. */
static X509_CRL *job_crl(const struct crl_job *j, char *why, size_t len)
{
	char name[512];
	X509_CRL *crl;

	if (j->err) {
		snprintf(why, len, "%s", j->why);
		return NULL;
	}
	crl = crl_parse(j->body, j->len);
	if (!crl) {
		snprintf(why, len, "the %zu bytes it served are no X.509 CRL in PEM or DER",
			 j->len);
		return NULL;
	}
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			  X509_get_subject_name(j->issuer))) {
		iked_conf_dn_format_name(X509_CRL_get_issuer(crl), name,
					 sizeof(name));
		snprintf(why, len, "it served a CRL of \"%s\", not of \"%s\"",
			 name, j->issuer_name);
	} else if (X509_CRL_verify(crl, X509_get0_pubkey(j->issuer)) != 1) {
		snprintf(why, len, "the CRL's signature does not verify with the key of its issuer \"%s\"",
			 j->issuer_name);
	} else {
		return crl;
	}
	ERR_clear_error();
	X509_CRL_free(crl);
	return NULL;
}

/* @crl from @uri into the cache, in place of its issuer's older one. */
static int cache_put(struct iked_crl_cache *cc, X509_CRL *crl,
		     const char *uri)
{
	struct iked_cred_crl *nv;
	char *u = strdup(uri);
	size_t i;

	if (!u)
		return -ENOMEM;
	for (i = 0; i < cc->got.n; i++) {
		if (X509_NAME_cmp(X509_CRL_get_issuer(cc->got.v[i].crl),
				  X509_CRL_get_issuer(crl)))
			continue;
		X509_CRL_free(cc->got.v[i].crl);
		free(cc->got.v[i].path);
		cc->got.v[i].crl = crl;
		cc->got.v[i].path = u;
		sk_X509_CRL_set(cc->got.sk, (int)i, crl);
		return 0;
	}
	nv = realloc(cc->got.v, (cc->got.n + 1) * sizeof(*nv));
	if (!nv || !sk_X509_CRL_push(cc->got.sk, crl)) {
		if (nv)
			cc->got.v = nv;
		free(u);
		return -ENOMEM;
	}
	cc->got.v = nv;
	nv[cc->got.n].crl = crl;
	nv[cc->got.n++].path = u;
	return 0;
}

static void time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "none");
}

/* A fetch is over: its CRL checked and cached, or its failure kept. */
static void job_finish(struct iked_crl_cache *cc, struct crl_job *j)
{
	STACK_OF(X509_REVOKED) *rev;
	char why[1400], next[64];
	X509_CRL *crl;

	if (j->ocsp) {
		ocsp_job_finish(cc, j);
		return;
	}
	crl = job_crl(j, why, sizeof(why));
	if (crl && cache_put(cc, crl, j->uri)) {
		X509_CRL_free(crl);
		crl = NULL;
		snprintf(why, sizeof(why), "out of memory");
	}
	if (!crl) {
		crl_failure_set(cc, j->uri, true, "%s", why);
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "CRL of \"%s\" from %s not used: %s (%u authentication messages of peers waited for it)",
			 j->issuer_name, j->uri, why, j->dropped);
		return;
	}
	crl_failure_clear(cc, j->uri);
	rev = X509_CRL_get_REVOKED(crl);
	time_str(X509_CRL_get0_nextUpdate(crl), next, sizeof(next));
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "fetched the CRL of \"%s\" from %s: %d revoked, next update %s (%u authentication messages of peers waited for it)",
		 j->issuer_name, j->uri, rev ? sk_X509_REVOKED_num(rev) : 0,
		 next, j->dropped);
}

size_t iked_crl_fetch_fds(const struct iked_creds *c, struct pollfd *pfd,
			  size_t max)
{
	size_t i, n = 0;

	for (i = 0; c && c->fetch && i < c->fetch->n_jobs && n < max; i++)
		pfd[n++] = (struct pollfd){ c->fetch->jobs[i]->efd, POLLIN, 0 };
	return n;
}

size_t iked_crl_fetch_poll(struct iked_creds *c, const struct pollfd *pfd,
			   size_t n)
{
	struct iked_crl_cache *cc = c ? c->fetch : NULL;
	uint64_t v;
	size_t i, k, ended = 0;

	for (i = 0; cc && i < n; i++) {
		struct crl_job *j = NULL;

		if (!pfd[i].revents)
			continue;
		for (k = 0; k < cc->n_jobs && !j; k++)
			if (cc->jobs[k]->efd == pfd[i].fd)
				j = cc->jobs[k];
		if (!j || read(j->efd, &v, sizeof(v)) != sizeof(v) ||
		    !atomic_load_explicit(&j->done, memory_order_acquire))
			continue;
		cc->jobs[k - 1] = cc->jobs[--cc->n_jobs];
		job_finish(cc, j);
		job_put(j);
		ended++;
	}
	return ended;
}

const struct iked_crls *iked_crl_fetched(const struct iked_creds *c)
{
	return c && c->fetch ? &c->fetch->got : NULL;
}

const char *iked_crl_fetch_failure(const struct iked_creds *c,
				   const char *uri)
{
	const struct crl_failure *f = crl_failure_find(c ? c->fetch : NULL,
						       uri);

	if (!f && c && crl_job_find(c->fetch, uri))
		return "the fetch is still under way";
	return f ? f->why : NULL;
}

void iked_crl_cache_free(struct iked_crl_cache *cc)
{
	size_t i;

	if (!cc)
		return;
	/* A thread still fetching frees its job when done. */
	for (i = 0; i < cc->n_jobs; i++)
		job_put(cc->jobs[i]);
	for (i = 0; i < cc->n_fails; i++)
		free(cc->fails[i].uri);
	iked_crls_clear(&cc->got);
	ocsp_entries_free(cc);
	free(cc);
}

/* Whether a CA of @c bears the name of @crl's issuer, and none signed it. */
static bool crl_of_rekeyed_ca(const struct iked_creds *c, X509_CRL *crl)
{
	bool named = false;
	size_t i;

	for (i = 0; i < c->n_cas; i++) {
		if (X509_NAME_cmp(X509_get_subject_name(c->cas[i].x),
				  X509_CRL_get_issuer(crl)))
			continue;
		if (X509_CRL_verify(crl, X509_get0_pubkey(c->cas[i].x)) == 1)
			return false;
		named = true;
	}
	ERR_clear_error();
	return named;
}

void iked_crl_cache_move(struct iked_creds *to, struct iked_creds *from)
{
	struct iked_crl_cache *cc = from->fetch;
	size_t i = 0;

	iked_crl_cache_free(to->fetch);
	to->fetch = cc;
	from->fetch = NULL;
	while (cc && i < cc->got.n) {
		struct iked_cred_crl *v = &cc->got.v[i];

		if (!crl_of_rekeyed_ca(to, v->crl)) {
			i++;
			continue;
		}
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "reload: the CRL fetched from %s is dropped: no CA of that name verifies it any more",
			 v->path);
		sk_X509_CRL_delete(cc->got.sk, (int)i);
		X509_CRL_free(v->crl);
		free(v->path);
		memmove(v, v + 1, (cc->got.n - i - 1) * sizeof(*v));
		cc->got.n--;
	}
}
