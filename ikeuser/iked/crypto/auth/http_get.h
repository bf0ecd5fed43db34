/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal HTTP/1.0 GET or POST over plain TCP, for CRL distribution points and OCSP responders: blocking with a deadline, so run it off the event loop. */

#ifndef KESP_IKED_CRYPTO_HTTP_GET_H
#define KESP_IKED_CRYPTO_HTTP_GET_H

#include <stddef.h>
#include <stdint.h>

/* The parts of an http:// URI; host without brackets. */
struct http_uri {
	char host[256];
	char port[8];
	char path[1024];
};

/*
 * Splits @uri ("http://host[:port][/path]", an IPv6 host in brackets)
 * into @out: 0, or -EPROTONOSUPPORT for another scheme (https://,
 * ldap://), -EINVAL for a URI we will not put into a request (spaces,
 * control bytes, user info, a port that is no number, too long).
 */
int http_uri_parse(const char *uri, struct http_uri *out);

/*
 * The body of a complete HTTP response @buf (@len bytes, read up to the
 * server's close): 0 with *@body and *@body_len inside @buf, or -EBADMSG
 * with the reason in @why (no status line, a status other than 200, no
 * end of headers, a body shorter than its Content-Length, chunked).
 */
int http_response_body(const uint8_t *buf, size_t len, const uint8_t **body,
		       size_t *body_len, char *why, size_t why_len);

/*
 * GET @uri with HTTP/1.0, connect and transfer within @timeout_ms, at
 * most @max bytes of response: 0 with the body in *@body (malloc()ed),
 * or -errno with the reason in @why. Blocks, the name lookup too
 * (http_lookup.h): -ETIMEDOUT with "the name lookup timed out" and the
 * name when the resolver does not answer within @timeout_ms.
 */
int http_get(const char *uri, unsigned int timeout_ms, size_t max,
	     uint8_t **body, size_t *body_len, char *why, size_t why_len);

/* What a POST sends: @len bytes of @type, the answer wanted of @accept. */
struct http_body {
	const char *type;
	const char *accept;
	const uint8_t *data;
	size_t len;
};

/*
 * http_get(), or with @post a POST of its body (OCSP, RFC 6960 A.1):
 * the same deadline, cap and answers.
 */
int http_request(const char *uri, const struct http_body *post,
		 unsigned int timeout_ms, size_t max, uint8_t **body,
		 size_t *body_len, char *why, size_t why_len);

#endif /* KESP_IKED_CRYPTO_HTTP_GET_H */
