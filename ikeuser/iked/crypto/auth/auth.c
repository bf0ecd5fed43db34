// SPDX-License-Identifier: GPL-2.0
/* Which authenticator speaks for an AUTH method, and which one a conn uses. */

#include "auth.h"

#include "creds.h"

static const struct iked_authenticator *const authenticators[] = {
	&iked_auth_psk,
	&iked_auth_pubkey,
};

const struct iked_authenticator *iked_auth_by_method(uint8_t method)
{
	size_t i;

	for (i = 0; i < sizeof(authenticators) / sizeof(authenticators[0]);
	     i++) {
		const struct iked_authenticator *a = authenticators[i];
		size_t k;

		for (k = 0; k < a->n_methods; k++)
			if (a->methods[k] == method)
				return a;
	}
	return NULL;
}

const struct iked_authenticator *iked_auth_for(const struct iked_conf_end *e)
{
	return e->auth == IKED_CONF_AUTH_PUBKEY ? &iked_auth_pubkey :
						  &iked_auth_psk;
}

const struct iked_auth_blob *iked_auth_certreq(const struct iked *d,
					       struct iked_auth_blob *b)
{
	if (!d->creds || !d->creds->certreq_len)
		return NULL;
	b->data = d->creds->certreq;
	b->len = d->creds->certreq_len;
	return b;
}
