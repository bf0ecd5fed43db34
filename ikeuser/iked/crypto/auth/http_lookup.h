/* SPDX-License-Identifier: GPL-2.0 */
/* A host name lookup under a deadline, for the fetches of http_get.c: a resolver that does not answer must not hold a fetch past its timeout. */

#ifndef KESP_IKED_CRYPTO_HTTP_LOOKUP_H
#define KESP_IKED_CRYPTO_HTTP_LOOKUP_H

#include <netdb.h>

/*
 * getaddrinfo(@host, @port, @hints) by @deadline_ms (CLOCK_MONOTONIC,
 * in ms), on a thread of its own: 0 with *@res (freeaddrinfo() it);
 * -ETIMEDOUT when the deadline came first (the thread ends when the
 * resolver gives up and frees what it got); -EHOSTUNREACH with
 * getaddrinfo()'s error in *@gai_err; -ENOMEM or -EAGAIN when no thread
 * could be started.
 */
int http_lookup(const char *host, const char *port,
		const struct addrinfo *hints, long long deadline_ms,
		struct addrinfo **res, int *gai_err);

#endif /* KESP_IKED_CRYPTO_HTTP_LOOKUP_H */
