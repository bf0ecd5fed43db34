// SPDX-License-Identifier: GPL-2.0
/* Which authenticator speaks for an AUTH method, and which one a conn uses. */

#include "auth.h"

static const struct iked_authenticator *const authenticators[] = {
	&iked_auth_psk,
};

const struct iked_authenticator *iked_auth_by_method(uint8_t method)
{
	size_t i;

	for (i = 0; i < sizeof(authenticators) / sizeof(authenticators[0]);
	     i++)
		if (authenticators[i]->method == method)
			return authenticators[i];
	return NULL;
}

const struct iked_authenticator *iked_auth_ours(const struct iked_conf_conn *c)
{
	(void)c;	/* leftauth= comes with certificates */
	return &iked_auth_psk;
}
