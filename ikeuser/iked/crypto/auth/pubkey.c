// SPDX-License-Identifier: GPL-2.0
/* Public-key authentication (RFC 7296 2.15, RFC 7427): our certificate and key sign AUTH; the peer's certificate must chain to our CAs, name its ID, and verify its AUTH. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "auth.h"
#include "chain.h"
#include "creds.h"
#include "crl_fetch.h"
#include "peer_cas.h"
#include "sig.h"
#include "trust.h"
#include "../../log.h"
#include "../../conf/conf.h"
#include "../../sa/ike_sa.h"

static const uint8_t pubkey_methods[] = {
	IKED_AUTH_RSA_SIG, IKED_AUTH_ECDSA_256, IKED_AUTH_ECDSA_384,
	IKED_AUTH_ECDSA_521, IKED_AUTH_DIGITAL_SIG,
};

/*
 * Whether @c of a leftcert= list can speak for us in @sa: its key is
 * loaded, it holds our ID @us, and (IKEv2) the peer's hashes allow its
 * key (Ed25519 only with RFC 7427's Identity), or (IKEv1) its key signs
 * with the method phase 1 proposed (the first certificate's).
 */
static bool cert_usable(const struct ike_sa *sa, const struct iked_cred_cert *c,
			const struct iked_conf_id *us, uint32_t peer_hashes,
			bool ikev1)
{
	EVP_PKEY *pk = iked_creds_key_for(sa->d->creds, c->x);
	int t = pk ? EVP_PKEY_get_base_id(pk) : 0;

	if (!pk || !iked_trust_id_in_cert(c->x, us))
		return false;
	if (ikev1)
		return iked_sig_v1_method(pk) == iked_auth_v1_method(sa);
	return (t != EVP_PKEY_ED25519 && t != EVP_PKEY_ED448) ||
	       (peer_hashes & (1u << IKED_HASH_IDENTITY));
}

const struct iked_cred_cert *iked_auth_our_cert(const struct ike_sa *sa,
						 uint32_t peer_hashes,
						 bool ikev1)
{
	const struct iked_cred_cert *c[IKED_CONF_MAX_CERTS], *pick = NULL,
				    *chain[IKED_AUTH_MAX_CERTS];
	struct iked_conf_id us;
	size_t n, i;
	bool found;

	n = iked_creds_end_certs(sa->d->creds, sa->local->cert, c,
				 IKED_CONF_MAX_CERTS);
	/* One certificate: it, whatever it lacks (signing says what). */
	if (n <= 1)
		return n ? c[0] : NULL;
	ike_sa_local_id(sa, &us);
	for (i = 0; i < n; i++) {
		if (!cert_usable(sa, c[i], &us, peer_hashes, ikev1))
			continue;
		if (!pick)
			pick = c[i];
		/* As strongSwan: the one the peer's CERTREQ/CR asks for. */
		iked_chain_for(sa->d->creds, c[i]->x, sa->peer_cas, chain,
			       IKED_AUTH_MAX_CERTS, &found);
		if (found)
			return c[i];
	}
	return pick ? pick : c[0];
}

/* Our certificate for @r; NULL when there is none (logged). */
static const struct iked_cred_cert *our_cert(const struct iked_auth_req *r)
{
	struct ike_sa *sa = r->sa;
	const struct iked_cred_cert *c;

	if (!r->local_end->cert) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no certificate to authenticate with: the conn authenticates us with a certificate (authby=pubkey or leftauth=pubkey) but has no leftcert=");
		return NULL;
	}
	c = iked_auth_our_cert(sa, r->peer_hashes, r->ikev1);
	if (c && strchr(r->local_end->cert, ','))
		iked_log(IKED_LOG_INFO, sa->conn->name, sa->no,
			 "authenticating with %s of leftcert=%s (%s)", c->path,
			 r->local_end->cert,
			 sa->peer_cas && sa->peer_cas->n ?
			 "the peer's CERTREQ chose" : "no CERTREQ chose: the first usable");
	if (!c)
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no certificate to authenticate with: leftcert=%s was not loaded",
			       r->local_end->cert);
	return c;
}

/* IKEv1's signature: RSA (method 3) or ECDSA (RFC 4754, 9-11). */
static int v1_build(const struct iked_auth_req *r, EVP_PKEY *pk,
		    uint8_t *method, uint8_t *out, size_t cap, size_t *len)
{
	struct ike_sa *sa = r->sa;
	char desc[128];
	int err = iked_sig_v1_sign(pk, r->octets, r->octets_len, out, cap, len);

	if (err == -ENOTSUP) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "cannot sign with our key (%s): IKEv1 signs with RSA or ECDSA keys only",
			       iked_key_describe(pk, desc, sizeof(desc)));
		return -ENOKEY;
	}
	*method = iked_sig_v1_method(pk);
	return err;
}

uint8_t iked_auth_v1_method(const struct ike_sa *sa)
{
	const struct iked_cred_cert *c[IKED_CONF_MAX_CERTS];
	size_t n = iked_creds_end_certs(sa->d->creds, sa->local->cert, c,
					IKED_CONF_MAX_CERTS);
	/* Proposed before any CR came: the first certificate's key. */
	EVP_PKEY *pk = n ? iked_creds_key_for(sa->d->creds, c[0]->x) : NULL;
	uint8_t m = pk ? iked_sig_v1_method(pk) : 0;

	/* No usable key: RSA, and signing says why it cannot. */
	return m ? m : IKED_AUTH_V1_RSA_SIG;
}

static int pubkey_build(const struct iked_auth_req *r, uint8_t *method,
			uint8_t *out, size_t cap, size_t *len)
{
	struct ike_sa *sa = r->sa;
	const struct iked_cred_cert *c = our_cert(r);
	char why[512], desc[1024];
	EVP_PKEY *pk;
	int err;

	if (!c)
		return -ENOKEY;
	pk = iked_creds_key_for(sa->d->creds, c->x);
	if (!pk) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "no private key for our certificate %s (%s): add \": RSA FILE\" or \": ECDSA FILE\" for its key (in ipsec.d/private/) to %s",
			       c->path, iked_trust_describe(c->x, desc, sizeof(desc)),
			       sa->d->secrets_path);
		return -ENOKEY;
	}
	why[0] = '\0';
	if (r->ikev1)
		return v1_build(r, pk, method, out, cap, len);
	err = iked_sig_build(pk, r->peer_hashes, r->octets, r->octets_len,
			     method, out, cap, len, why, sizeof(why));
	if (err == -ENOTSUP) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "cannot sign AUTH with our key (%s): %s",
			       iked_key_describe(pk, desc, sizeof(desc)), why);
		return -ENOKEY;
	}
	return err;
}

/*
 * The peer's CERT payloads: its certificate into *@leaf, the rest @rest
 * (the caller frees both). On a malformed payload, -EPERM and *@leaf
 * NULL: nothing of an unauthenticated peer's is left behind.
 */
static int peer_certs(const struct iked_auth_req *r, X509 **leaf,
		      STACK_OF(X509) *rest, char *why, size_t why_len)
{
	size_t i;

	*leaf = NULL;
	for (i = 0; i < r->n_certs; i++) {
		const unsigned char *p = r->certs[i].data + 1;
		long n = (long)r->certs[i].len - 1;
		X509 *x;

		/* Only X.509 Certificate - Signature; others are no chain. */
		if (r->certs[i].len < 2 || r->certs[i].data[0] != IKED_CERT_X509_SIG)
			continue;
		x = d2i_X509(NULL, &p, n);
		if (!x || p != r->certs[i].data + r->certs[i].len) {
			X509_free(x);
			/* The certificate of an earlier payload too. */
			X509_free(*leaf);
			*leaf = NULL;
			ERR_clear_error();
			snprintf(why, why_len, "its CERT payload %zu (of %zu bytes) holds no valid X.509 certificate",
				 i + 1, r->certs[i].len);
			return -EPERM;
		}
		if (!*leaf)
			*leaf = x;
		else if (!sk_X509_push(rest, x))
			X509_free(x);
	}
	return 0;
}

/*
 * The certificate that speaks for the peer, checked: trusted (a chain
 * to our CAs, or the one rightcert= names), holding its ID. NULL with
 * the reason in @why.
 */
static X509 *peer_trusted(const struct iked_auth_req *r, STACK_OF(X509) *rest,
			  char *why, size_t why_len)
{
	const struct iked_creds *creds = r->sa->d->creds;
	const struct iked_cred_cert *pinned =
		iked_creds_cert(creds, r->remote_end->cert);
	char id[IKED_ID_STRLEN], desc[1024];
	X509 *leaf;

	why[0] = '\0';
	if (peer_certs(r, &leaf, rest, why, why_len))
		return NULL;
	if (!leaf && pinned) {
		leaf = X509_dup(pinned->x);
	} else if (!leaf) {
		snprintf(why, why_len, "the peer sent no certificate and we have none for it (rightcert=)%s",
			 r->n_certs ? " (its CERT payloads hold other encodings than X.509 Certificate - Signature)" : "");
		return NULL;
	}
	if (pinned && X509_cmp(pinned->x, leaf)) {
		snprintf(why, why_len, "its certificate (%s) is not rightcert=%s",
			 iked_trust_describe(leaf, desc, sizeof(desc)),
			 r->remote_end->cert);
	} else if (!pinned &&
		   iked_trust_verify(creds, leaf, rest, &r->remote_end->ca, why,
				     why_len)) {
		/* why says it */
	} else if (!iked_trust_id_in_cert(leaf, r->remote)) {
		snprintf(why, why_len, "identity not in the certificate: the peer's ID %s is not in its certificate (%s)",
			 iked_conf_id_format(r->remote, id, sizeof(id)),
			 iked_trust_describe(leaf, desc, sizeof(desc)));
	} else {
		/* A warning of the validation: an expired CRL was used. */
		if (why[0])
			iked_log(IKED_LOG_WARN, r->sa->conn->name, r->sa->no,
				 "%s", why);
		why[0] = '\0';
		return leaf;
	}
	X509_free(leaf);
	return NULL;
}

static int pubkey_verify(const struct iked_auth_req *r, const uint8_t *auth,
			 size_t len, char *why, size_t why_len)
{
	STACK_OF(X509) *rest = sk_X509_new_null();
	char desc[1024], how[512] = "";
	X509 *leaf;
	int err;

	if (!rest)
		return -ENOMEM;
	leaf = peer_trusted(r, rest, why, why_len);
	if (!leaf) {
		sk_X509_pop_free(rest, X509_free);
		return -EPERM;
	}
	if (r->ikev1) {
		err = iked_sig_v1_verify(X509_get0_pubkey(leaf), r->method,
					 r->octets, r->octets_len, auth, len);
		if (err == -EBADMSG)
			snprintf(how, sizeof(how), "the phase 1 proposal agreed on %s signatures, its certificate holds an %s key",
				 r->method == IKED_AUTH_V1_RSA_SIG ? "RSA" :
				 "ECDSA",
				 iked_key_describe(X509_get0_pubkey(leaf), desc,
						   sizeof(desc)));
	} else {
		err = iked_sig_verify(X509_get0_pubkey(leaf), r->method,
				      r->octets, r->octets_len, auth, len, how,
				      sizeof(how));
	}
	if (err == -EBADMSG) {
		snprintf(why, why_len, "signature refused: %s", how);
		err = -EPERM;
	} else if (err) {
		snprintf(why, why_len, "the public key of its certificate (%s): signature does not verify",
			 iked_trust_describe(leaf, desc, sizeof(desc)));
	}
	X509_free(leaf);
	sk_X509_pop_free(rest, X509_free);
	return err;
}

static size_t pubkey_our_certs(const struct iked_auth_req *r, bool asked,
			       struct iked_auth_blob *out, size_t max)
{
	const struct iked_cred_cert *c, *chain[IKED_AUTH_MAX_CERTS];
	size_t n, i;

	c = iked_auth_our_cert(r->sa, r->peer_hashes, r->ikev1);
	if (!c || !max)
		return 0;
	/*
	 * Intermediate CAs after it, up to one the peer asked for, so that
	 * it can build the chain; chosen (and a mismatch said) even when
	 * we send none of them: the line explains a failure to come.
	 */
	n = iked_peer_cas_chain(r->sa, c, chain, max - 1);
	if (r->local_end->sendcert == IKED_SENDCERT_NEVER ||
	    (r->local_end->sendcert == IKED_SENDCERT_IFASKED && !asked))
		return 0;
	out[0].data = c->payload;
	out[0].len = c->payload_len;
	for (i = 0; i < n; i++) {
		out[1 + i].data = chain[i]->payload;
		out[1 + i].len = chain[i]->payload_len;
	}
	return 1 + n;
}

static bool pubkey_must_wait(const struct iked_auth_req *r)
{
	struct iked_creds *creds = r->sa->d->creds;
	STACK_OF(X509) *rest;
	X509 *leaf = NULL;
	char why[256];
	bool wait = false;

	/* A pinned rightcert= is trusted as it is: no CRL to fetch. */
	if (!creds || iked_creds_cert(creds, r->remote_end->cert))
		return false;
	rest = sk_X509_new_null();
	if (rest && !peer_certs(r, &leaf, rest, why, sizeof(why)) && leaf)
		wait = iked_crl_fetch_wait(creds, leaf, rest,
					   r->sa->conn ? r->sa->conn->name : NULL,
					   r->sa->no) == 1;
	X509_free(leaf);
	sk_X509_pop_free(rest, X509_free);
	return wait;
}

const struct iked_authenticator iked_auth_pubkey = {
	.name = "certificate",
	.keyword = "pubkey",
	.methods = pubkey_methods,
	.n_methods = sizeof(pubkey_methods),
	.build = pubkey_build,
	.verify = pubkey_verify,
	.our_certs = pubkey_our_certs,
	.must_wait = pubkey_must_wait,
};
