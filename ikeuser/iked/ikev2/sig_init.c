// SPDX-License-Identifier: GPL-2.0
/* What IKE_SA_INIT says about certificates: SIGNATURE_HASH_ALGORITHMS (RFC 7427) both ways, and the responder's CERTREQ (the CAs of the peer's taken here for IKE_AUTH too). */

#include <stdbool.h>

#include "ike.h"
#include "../crypto/auth/auth.h"
#include "../crypto/auth/peer_cas.h"
#include "../crypto/auth/sig.h"

/* Whether either end of @sa's conn authenticates with a certificate. */
static bool uses_certs(const struct ike_sa *sa)
{
	return sa->conn && (sa->conn->left.auth == IKED_CONF_AUTH_PUBKEY ||
			    sa->conn->right.auth == IKED_CONF_AUTH_PUBKEY);
}

void sig_certreq_take(struct ike_sa *sa, const struct ikev2_chain *c)
{
	struct iked_auth_blob b[IKEV2_MAX_PAYLOADS];
	size_t n = 0, i;

	for (i = 0; i < c->n; i++) {
		if (c->pl[i].type != IKEV2_PL_CERTREQ)
			continue;
		b[n].data = c->pl[i].body;
		b[n++].len = c->pl[i].len;
	}
	iked_peer_cas_take(sa, b, n, false);
}

void sig_init_note(struct ike_sa *sa, const struct ikev2_chain *c)
{
	const struct ikev2_notify *n =
		ikev2_chain_notify(c, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	size_t i;

	v2(sa)->peer_hashes = 0;
	for (i = 0; n && i + 1 < n->len; i += 2) {
		uint16_t h = ikev2_get16(n->data + i);

		if (h < 32)
			v2(sa)->peer_hashes |= 1u << h;
	}
	/* A peer that sent the notify with nothing we know still speaks 7427. */
	if (n && !v2(sa)->peer_hashes)
		v2(sa)->peer_hashes = 1u << 31;
	v2(sa)->peer_certreq = ikev2_chain_has(c, IKEV2_PL_CERTREQ);
	sig_certreq_take(sa, c);
}

int sig_init_add(struct ike_sa *sa, struct ikev2_chain *c, bool responder)
{
	/*
	 * Network order, and static: the chain keeps a pointer to it
	 * until the message is built, after this returns.
	 */
	static const uint8_t ours[] = {
		0, IKED_HASH_SHA256, 0, IKED_HASH_SHA384, 0, IKED_HASH_SHA512,
		0, IKED_HASH_IDENTITY,
	};
	struct iked_auth_blob cr;
	int r = 0;

	if (!uses_certs(sa))
		return 0;
	/* 3.7: a responder asks in IKE_SA_INIT, an initiator in IKE_AUTH. */
	if (responder && sa->remote->auth == IKED_CONF_AUTH_PUBKEY &&
	    iked_auth_certreq(sa->d, &cr))
		r = ikev2_chain_add_raw(c, IKEV2_PL_CERTREQ, false, cr.data,
					cr.len);
	/* RFC 7427 4: a responder answers the notify, never starts it. */
	if (r || (responder && !v2(sa)->peer_hashes))
		return r;
	return ikev2_chain_add_notify(c, 0, NULL, 0,
				      IKEV2_N_SIGNATURE_HASH_ALGORITHMS, ours,
				      sizeof(ours));
}
