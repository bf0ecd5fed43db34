// SPDX-License-Identifier: GPL-2.0
/*
 * Phase 1 with RSA signatures (RFC 2409 5.1, auth method 3), for Main
 * and Aggressive Mode: the CR payloads that ask for the peer's
 * certificate (one per CA we trust, its DN, as strongSwan sends them),
 * our CERT and SIG payloads, and the check of the peer's, by the
 * public-key authenticator of crypto/auth/ (chain, ID in certificate,
 * signature; its diagnosis lines).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "v1.h"
#include "../conn.h"
#include "../crypto/auth/auth.h"
#include "../crypto/auth/creds.h"
#include "../crypto/auth/peer_cas.h"
#include "../crypto/auth/sig.h"

/* CR payloads at most: the chain has room for 32 payloads in all. */
#define V1_MAX_CR	8

bool v1_sig(const struct ike_sa *sa)
{
	return sa->local && sa->local->auth == IKED_CONF_AUTH_PUBKEY;
}

/* Whether we need the peer's certificate: not when rightcert= pins it. */
static bool want_peer_cert(const struct ike_sa *sa)
{
	const struct iked_creds *creds = sa->d->creds;

	return creds && creds->n_cas &&
	       !iked_creds_cert(creds, sa->remote->cert);
}

int v1_sig_add_cr(struct ike_sa *sa, struct ikev1_chain *c)
{
	const struct iked_creds *creds = sa->d->creds;
	struct v1_sa *v = v1(sa);
	size_t i, n, used = 0, cap = 0;
	struct ikev1_pl *pl;
	uint8_t *p;
	int len;

	if (!v1_sig(sa) || !want_peer_cert(sa))
		return 0;
	n = creds->n_cas < V1_MAX_CR ? creds->n_cas : V1_MAX_CR;
	for (i = 0; i < n; i++) {
		len = i2d_X509_NAME(X509_get_subject_name(creds->cas[i].x),
				    NULL);
		if (len <= 0)
			return -EIO;
		cap += (size_t)len;
	}
	free(v->cr_mem);
	v->cr_mem = malloc(cap ? cap : 1);
	if (!v->cr_mem)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		p = v->cr_mem + used;
		len = i2d_X509_NAME(X509_get_subject_name(creds->cas[i].x), &p);
		pl = ikev1_chain_add(c, IKEV1_PL_CR);
		if (len <= 0 || !pl)
			return len <= 0 ? -EIO : -E2BIG;
		pl->u.cert = (struct ikev1_cert){ .enc = IKED_CERT_X509_SIG,
						  .data = v->cr_mem + used,
						  .len = (size_t)len };
		used += (size_t)len;
	}
	return 0;
}

void v1_sig_take_cr(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct iked_auth_blob b[IKEV1_MAX_PAYLOADS];
	size_t n = 0, i;

	for (i = 0; i < c->n; i++) {
		if (c->pl[i].type != IKEV1_PL_CR)
			continue;
		b[n].data = c->pl[i].body;
		b[n++].len = c->pl[i].len;
	}
	if (n)
		v1(sa)->cr_in = true;
	/* Each names one CA by its DN (empty: any), as strongSwan's do. */
	iked_peer_cas_take(sa, b, n, true);
}

/* Our CERT payloads (leftsendcert=; ifasked: the peer sent CR). */
static int add_certs(struct ike_sa *sa, struct ikev1_chain *c)
{
	const struct iked_authenticator *au = iked_auth_for(sa->local);
	struct iked_auth_req req = {
		.sa = sa, .local_end = sa->local, .remote_end = sa->remote,
		.ikev1 = true,
	};
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS];
	struct ikev1_pl *pl;
	size_t n = 0, i;

	if (au->our_certs)
		n = au->our_certs(&req, v1(sa)->cr_in, certs,
				  IKED_AUTH_MAX_CERTS);
	for (i = 0; i < n; i++) {
		/* The blob is the encoding then the DER, as CERT's body. */
		if (certs[i].len < 2 || !(pl = ikev1_chain_add(c, IKEV1_PL_CERT)))
			return -E2BIG;
		pl->u.cert = (struct ikev1_cert){ .enc = certs[i].data[0],
						  .data = certs[i].data + 1,
						  .len = certs[i].len - 1 };
	}
	return 0;
}

int v1_sig_add_auth(struct ike_sa *sa, struct ikev1_chain *c,
		    const uint8_t *id_b, size_t id_len)
{
	struct v1_sa *v = v1(sa);
	struct iked_conf_id us;
	uint8_t hash[IKEV1_HASH_MAX], method;
	struct iked_auth_req req = {
		.sa = sa, .local = &us, .local_end = sa->local,
		.remote_end = sa->remote, .ikev1 = true,
	};
	int r;

	ike_sa_local_id(sa, &us);
	req.remote = sa->remote->id.type ? &sa->remote->id : NULL;
	r = v1_mm_auth_hash(sa, sa->initiator, id_b, id_len, hash);
	if (!r)
		r = add_certs(sa, c);
	free(v->sig_mem);
	v->sig_mem = r ? NULL : malloc(IKED_AUTH_DATA_MAX);
	if (!r && !v->sig_mem)
		r = -ENOMEM;
	req.octets = hash;
	req.octets_len = v->keys.len;
	if (!r)
		r = iked_auth_for(sa->local)->build(&req, &method, v->sig_mem,
						    IKED_AUTH_DATA_MAX,
						    &v->sig_len);
	if (!r && !ikev1_chain_add_raw(c, IKEV1_PL_SIG, v->sig_mem,
				       v->sig_len))
		r = -E2BIG;
	OPENSSL_cleanse(hash, sizeof(hash));
	return r;
}

/* The bodies of the CERT payloads of @c, encoding byte first. */
static size_t peer_certs(const struct ikev1_chain *c,
			 struct iked_auth_blob *out)
{
	size_t n = 0, i;

	for (i = 0; i < c->n && n < IKED_AUTH_MAX_CERTS; i++) {
		if (c->pl[i].type != IKEV1_PL_CERT)
			continue;
		out[n].data = c->pl[i].body;
		out[n++].len = c->pl[i].len;
	}
	return n;
}

bool v1_sig_must_wait(struct ike_sa *sa, const struct ikev1_chain *c)
{
	const struct iked_authenticator *au = iked_auth_for(sa->remote);
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS];
	struct iked_auth_req req = {
		.sa = sa, .local_end = sa->local, .remote_end = sa->remote,
		.method = (uint8_t)v1_auth_method(sa), .ikev1 = true,
		.certs = certs, .n_certs = peer_certs(c, certs),
	};

	return au && au->must_wait && au->must_wait(&req);
}

int v1_sig_check(struct ike_sa *sa, const struct ikev1_chain *c,
		 const struct iked_conf_id *peer, const uint8_t *id_b,
		 size_t id_len, const char *what)
{
	const struct ikev1_pl *s = ikev1_chain_find(c, IKEV1_PL_SIG, 0);
	struct iked_auth_blob certs[IKED_AUTH_MAX_CERTS];
	struct iked_conf_id us;
	uint8_t hash[IKEV1_HASH_MAX];
	char why[1024], id[IKED_ID_STRLEN];
	struct iked_auth_req req = {
		.sa = sa, .local = &us, .remote = peer,
		.local_end = sa->local, .remote_end = sa->remote,
		.method = (uint8_t)v1_auth_method(sa), .ikev1 = true,
		.certs = certs,
		.n_certs = peer_certs(c, certs),
	};
	int r;

	if (!s)		/* the rules require it: no caller without them */
		return -EBADMSG;
	ike_sa_local_id(sa, &us);
	r = v1_mm_auth_hash(sa, !sa->initiator, id_b, id_len, hash);
	if (r)
		return r;
	req.octets = hash;
	req.octets_len = v1(sa)->keys.len;
	why[0] = '\0';
	r = iked_auth_for(sa->remote)->verify(&req, s->body, s->len, why,
					      sizeof(why));
	OPENSSL_cleanse(hash, sizeof(hash));
	if (!r)
		return 0;
	iked_conn_fail(sa->d, sa->conn, sa->no,
		       "authentication failed (%s): %s (ID %s): %s",
		       r == -EACCES ? "INVALID_SIGNATURE" :
		       "AUTHENTICATION_FAILED", what,
		       iked_conf_id_format(peer, id, sizeof(id)),
		       why[0] ? why : strerror(-r));
	/* In the clear before phase 1 is up (info.c): a hint for the peer. */
	v1_info_notify(sa, r == -EACCES ? IKEV1_N_INVALID_SIGNATURE :
		       IKEV1_N_AUTHENTICATION_FAILED, IKEV1_PROTO_ISAKMP,
		       NULL, 0);
	return -EACCES;
}
