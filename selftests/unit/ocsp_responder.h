/* SPDX-License-Identifier: GPL-2.0 */
/* An OCSP responder for the tests: the answer to a POSTed request of crl_server.h, built with OpenSSL as configured (status, signer, nonce, dates). */

#ifndef KESP_TEST_OCSP_RESPONDER_H
#define KESP_TEST_OCSP_RESPONDER_H

#include <limits.h>
#include <stdlib.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "crl_server.h"

enum ocsp_nonce { NONCE_ECHO, NONCE_WRONG, NONCE_NONE };

/* No nextUpdate in the answer. */
#define OCSP_NO_NEXT	LONG_MIN

struct ocsp_responder {
	int status;			/* V_OCSP_CERTSTATUS_* for all... */
	X509 *revoked;			/* ...but this one: REVOKED (may be NULL) */
	X509 *signer;			/* certificate put into the answer */
	EVP_PKEY *key;			/* what signs it */
	enum ocsp_nonce nonce;
	long this_s, next_s;		/* thisUpdate, nextUpdate from now (s) */
	/* OCSP_RESPONSE_STATUS_SUCCESSFUL (0) or another one, no body. */
	int resp_status;
	/* Questions about what @sub_ca issued: signed by it (@sub_key). */
	X509 *sub_ca;
	EVP_PKEY *sub_key;
};

/* Whether @id asks about a certificate @ca issued (its key's hash). */
static int ocsp_responder_by(X509 *ca, OCSP_CERTID *id)
{
	ASN1_OCTET_STRING *khash = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	OCSP_id_get0_info(NULL, NULL, &khash, NULL, id);
	return ca && khash && X509_pubkey_digest(ca, EVP_sha1(), md, &n) &&
	       (int)n == ASN1_STRING_length(khash) &&
	       !memcmp(md, ASN1_STRING_get0_data(khash), n);
}

/* The status of the certificate @id names. */
static int ocsp_responder_status(const struct ocsp_responder *r,
				 OCSP_CERTID *id)
{
	ASN1_INTEGER *serial = NULL;

	OCSP_id_get0_info(NULL, NULL, NULL, &serial, id);
	if (r->revoked && serial &&
	    !ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(r->revoked)))
		return V_OCSP_CERTSTATUS_REVOKED;
	return r->status;
}

/* The basic response to @req as @r says. */
static OCSP_BASICRESP *ocsp_responder_basic(const struct ocsp_responder *r,
					    OCSP_REQUEST *req)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *thisupd = X509_gmtime_adj(NULL, r->this_s);
	ASN1_TIME *nextupd = r->next_s == OCSP_NO_NEXT ? NULL :
			     X509_gmtime_adj(NULL, r->next_s);
	ASN1_TIME *rev = X509_gmtime_adj(NULL, -7200);
	int i;

	for (i = 0; i < OCSP_request_onereq_count(req); i++) {
		OCSP_CERTID *id = OCSP_onereq_get0_id(
				OCSP_request_onereq_get0(req, i));
		int st = ocsp_responder_status(r, id);

		OCSP_basic_add1_status(bs, id, st,
				       st == V_OCSP_CERTSTATUS_REVOKED ?
				       OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1,
				       st == V_OCSP_CERTSTATUS_REVOKED ? rev : NULL,
				       thisupd, nextupd);
	}
	if (r->nonce == NONCE_ECHO) {
		OCSP_copy_nonce(bs, req);
	} else if (r->nonce == NONCE_WRONG) {
		unsigned char n[16];

		RAND_bytes(n, sizeof(n));
		OCSP_basic_add1_nonce(bs, n, sizeof(n));
	}
	if (OCSP_request_onereq_count(req) > 0 &&
	    ocsp_responder_by(r->sub_ca, OCSP_onereq_get0_id(
				OCSP_request_onereq_get0(req, 0))))
		OCSP_basic_sign(bs, r->sub_ca, r->sub_key, EVP_sha256(), NULL, 0);
	else
		OCSP_basic_sign(bs, r->signer, r->key, EVP_sha256(), NULL, 0);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(rev);
	return bs;
}

/* crl_server's answer callback; @arg: a struct ocsp_responder. */
static uint8_t *ocsp_responder_answer(void *arg, const uint8_t *body,
				      size_t len, size_t *out_len)
{
	const struct ocsp_responder *r = arg;
	const unsigned char *p = body;
	OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &p, (long)len);
	OCSP_BASICRESP *bs = NULL;
	OCSP_RESPONSE *resp;
	unsigned char *der = NULL, *q;
	int n;

	if (!req || r->resp_status)
		resp = OCSP_response_create(req ? r->resp_status :
					    OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
					    NULL);
	else
		resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL,
					    bs = ocsp_responder_basic(r, req));
	n = i2d_OCSP_RESPONSE(resp, NULL);
	der = malloc(n > 0 ? (size_t)n : 1);
	q = der;
	i2d_OCSP_RESPONSE(resp, &q);
	*out_len = n > 0 ? (size_t)n : 0;
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	return der;
}

/* @srv answers POSTs as @r says from now on. */
static inline void ocsp_responder_on(struct crl_server *srv,
				     struct ocsp_responder *r)
{
	srv->arg = r;
	srv->answer = ocsp_responder_answer;
}

#endif /* KESP_TEST_OCSP_RESPONDER_H */
