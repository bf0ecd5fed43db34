/* SPDX-License-Identifier: GPL-2.0 */
/* CRLs fetched from the http:// distribution points of a peer's chain: the fetches (a thread each, an eventfd to the loop) and the cache by issuer. */

#ifndef KESP_IKED_CRYPTO_CRL_FETCH_H
#define KESP_IKED_CRYPTO_CRL_FETCH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <openssl/x509.h>

#include "creds.h"

/* Connect and transfer of one CRL, name lookup aside. */
#define IKED_CRL_FETCH_TIMEOUT_MS	5000
/* A bigger CRL is refused: the bytes are the peer's CA's choice. */
#define IKED_CRL_FETCH_MAX_BYTES	(1024 * 1024)
/* Fetches under way at once; more are not started (no wait either). */
#define IKED_CRL_FETCH_MAX		16
/* A failed fetch stands this long before an IKE_AUTH tries again. */
#define IKED_CRL_FETCH_RETRY_MS		60000

/*
 * An IKE SA that holds a message until its fetches end (IKEv1) decides
 * without them after this: an OCSP query, then a CRL fetch when it gave
 * no answer, each a name lookup and a transfer of the timeout above.
 */
#define IKED_CRL_WAIT_MS		(4 * IKED_CRL_FETCH_TIMEOUT_MS)

struct iked_crl_cache;

/*
 * Whether the authentication of IKE SA @conn[@no] (IKE_AUTH; IKEv1:
 * MM5, MM6, AM2 or AM3) must wait for a CRL of @leaf's chain
 * (@untrusted: the peer's other certificates): for each certificate
 * below the root of a chain whose signatures verify up to one of our
 * CAs, with an http:// CRLDistributionPoint and no current CRL of its
 * issuer (file or fetched), a fetch is started (logged once) or already
 * under way. 1: wait (counted; IKEv2 drops the message for the peer to
 * send again, IKEv1 holds it); 0: go on (nothing missing, or the fetch
 * failed lately).
 */
int iked_crl_fetch_wait(struct iked_creds *c, X509 *leaf,
			STACK_OF(X509) *untrusted, const char *conn,
			unsigned int no);

/* The eventfds of the fetches under way, for poll(): at most @max. */
size_t iked_crl_fetch_fds(const struct iked_creds *c, struct pollfd *pfd,
			  size_t max);
/*
 * The fetches whose fd in @pfd has an event: checked, cached, logged.
 * How many ended (then sa/ike_sa.h ike_sa_creds_ready()).
 */
size_t iked_crl_fetch_poll(struct iked_creds *c, const struct pollfd *pfd,
			   size_t n);

/* The fetched CRLs (verified, by issuer, path = URI), or NULL. */
const struct iked_crls *iked_crl_fetched(const struct iked_creds *c);

/*
 * The first CRLDistributionPoint URI of @x (an http:// one first) into
 * @uri, escaped: 1, or 0 when it names none.
 */
int iked_crl_cdp_uri(X509 *x, char *uri, size_t len);

/*
 * Why the last fetch of @uri failed (or that it is under way), or NULL
 * (none, or it worked).
 */
const char *iked_crl_fetch_failure(const struct iked_creds *c,
				   const char *uri);

void iked_crl_cache_free(struct iked_crl_cache *cc);

/*
 * A reload's new credentials @to take over the fetched CRLs, the OCSP
 * answers, the failures and the fetches under way of @from (whose
 * threads touch only their own jobs, so nothing of @from is written
 * once it is freed). A fetched CRL whose issuer is now a CA of @to by
 * name but not by key (the CA was issued again with a new key) is
 * dropped: it would refuse that CA's peers until its nextUpdate.
 */
void iked_crl_cache_move(struct iked_creds *to, struct iked_creds *from);

/*
 * ocsp.c: the first http:// OCSP responder in @x's
 * authorityInfoAccess into @uri, escaped: 1, or 0 when it names none.
 */
int iked_ocsp_uri(X509 *x, char *uri, size_t len);

enum iked_ocsp_status {
	IKED_OCSP_NONE,			/* no current answer: CRLs decide */
	IKED_OCSP_GOOD,
	IKED_OCSP_REVOKED,
};

/*
 * The cached OCSP answer about @x (whose issuer validated): with
 * IKED_OCSP_REVOKED the refusal line (subject, serial, responder, when)
 * in @why.
 */
enum iked_ocsp_status iked_ocsp_status(const struct iked_creds *c, X509 *x,
				       char *why, size_t len);

/* One cached OCSP answer, for kespctl cert list; escaped. */
struct iked_ocsp_view {
	char issuer[512], serial[100];
	const char *status;		/* "good" or "revoked" */
	char revoked[40];		/* ISO 8601, or "" when good */
	char next_update[40];		/* until when it is used */
	const char *uri;		/* the responder */
};

/* The @i-th cached OCSP answer of @c into @v: 1, or 0 past the last. */
int iked_ocsp_view(const struct iked_creds *c, size_t i,
		   struct iked_ocsp_view *v);

/* Why the last OCSP query about @x failed, or NULL. */
const char *iked_ocsp_failure(const struct iked_creds *c, X509 *x);

/* A fetch's timeout in ms (tests shorten it); 0: the default. */
void iked_crl_fetch_set_timeout(struct iked_creds *c, unsigned int ms);

#endif /* KESP_IKED_CRYPTO_CRL_FETCH_H */
