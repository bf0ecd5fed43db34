/* SPDX-License-Identifier: GPL-2.0 */
/* Which of our CAs go with our certificate: the path up to a CA the peer asked for, and where our chain ends, for the line that says the peer will not trust it. */

#ifndef KESP_IKED_CRYPTO_CHAIN_H
#define KESP_IKED_CRYPTO_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/x509.h>

#include "certreq.h"
#include "creds.h"

/*
 * The CAs to send after our certificate @x to a peer that asked for
 * @cr: the shortest path through our CAs from @x up to a CA @cr names,
 * that CA left out (the peer holds it, it named it), at most @max into
 * @out, *@found true. When no CA of @cr is on a path of at most @max
 * (or @cr is NULL or names none), iked_creds_chain()'s and *@found
 * false. Returns the count.
 */
size_t iked_chain_for(const struct iked_creds *c, const X509 *x,
		      const struct iked_certreq *cr,
		      const struct iked_cred_cert **out, size_t max,
		      bool *found);

/*
 * What @x chains to through our CAs, into @buf: the subject of the
 * self-signed root, or "ISSUER (not among our CAs)" where the chain
 * leaves them.
 */
const char *iked_chain_top(const struct iked_creds *c, const X509 *x,
			   char *buf, size_t len);

#endif /* KESP_IKED_CRYPTO_CHAIN_H */
