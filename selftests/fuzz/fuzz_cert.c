// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of a peer's certificate authentication: the CERT
 * payload bodies and the AUTH data of an IKE_AUTH (or of IKEv1's SIG),
 * as kesp-iked's certificate authenticator (crypto/auth/pubkey.c) takes
 * them: parsing each body (encoding and DER), building and validating
 * the chain against a CA made at start, the ID check and the signature.
 * Two more conns pin the peer's certificate (rightcert=, an ECDSA P-256
 * and an RSA 2048 one made at start), so that AUTH data reaches the
 * signature code (RFC 7427 AlgorithmIdentifiers, RSA-PSS parameters)
 * whatever certificates came. Nothing verifies (no input is signed by
 * those keys), so each input must be refused with a reason, and the
 * reason, which names what the peer sent, must hold printable
 * characters only. Built with
 * -DFUZZ_DRIVER it replays the files it is given (selftests/fuzz/README).
 *
 * With bit 6 of byte 0 set, the input is a peer's CERTREQ (IKEv2) or CR
 * (IKEv1, bit 7) payload bodies instead: each is parsed on its own (a
 * refusal's reason printable), then all as one message of an IKE SA's
 * peer (crypto/auth/peer_cas.c), and the chain sent with our
 * certificate (under an intermediate CA under the CA) is chosen for
 * them: only our CAs, each issuing the one before, none the peer named.
 *
 * Input: byte 0, the number of CERT bodies (0 to 3, low two bits), the
 * conn (bits 4-5: the CA's, pinned ECDSA, pinned RSA), CERTREQ mode
 * (bit 6) and IKEv1 (bit 7); byte 1, the AUTH method (an index into
 * methods[]), or in CERTREQ mode the number of bodies less one (low
 * three bits); then each body as a 16-bit big-endian length and its
 * bytes; the rest is the AUTH data.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/conf/conf.h"
#include "iked/crypto/auth/auth.h"
#include "iked/crypto/auth/certreq.h"
#include "iked/crypto/auth/chain.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/peer_cas.h"
#include "iked/daemon.h"
#include "iked/log.h"
#include "iked/secrets.h"
#include "../unit/cert_fixture.h"
#include "fuzz_common.h"

#define CONN(name, pin) \
	"conn " name "\n" \
	"\tleft=127.0.0.1\n\tleftid=@me.example\n" \
	"\tright=127.0.0.2\n" \
	"\trightid=\"C=CH, O=Example, CN=peer.example\"\n" pin \
	"\tleftauth=psk\n\trightauth=pubkey\n\tauto=add\n"

static const char conf_text[] =
	CONN("ca", "")
	CONN("pinned-ec", "\trightcert=peer-ec.pem\n")
	CONN("pinned-rsa", "\trightcert=peer-rsa.pem\n");

static struct iked d;
static struct ike_sa sa;
static const struct iked_conf_conn *conns;
/* Our certificate, under "Example Intermediate CA" under the CA. */
static struct iked_cred_cert ours = { .path = "me.pem" };

static const uint8_t methods[] = { 1, 9, 10, 11, 14, 3 };

/* A self-signed certificate of the peer's for rightcert=, as @name. */
static void pin(const char *dir, const char *name, const char *alg)
{
	EVP_PKEY *key = new_key(alg);
	X509 *x;

	CHECK(key);
	x = new_signed_cert(key, "peer.example", NULL, NULL, NULL, -1, 30);
	CHECK(x);
	put_pem(dir, name, x, NULL);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* An intermediate CA of @ca's in cacerts/, our certificate under it. */
static void ours_make(const char *dir, X509 *ca, EVP_PKEY *ca_key)
{
	EVP_PKEY *ik = new_key("EC"), *k = new_key("EC");
	X509 *inter;

	CHECK(ik && k);
	inter = new_signed_cert(ik, "Example Intermediate CA", ca, ca_key,
				NULL, -1, 30);
	CHECK(inter);
	put_pem(dir, "cacerts/inter.pem", inter, NULL);
	ours.x = new_signed_cert(k, "me.example", inter, ik, "DNS:me.example",
				 -1, 30);
	CHECK(ours.x);
	X509_free(inter);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(k);
}

/* ipsec.d with one CA and the pinned certificates; the daemon's creds. */
static void setup(void)
{
	char dir[] = "/tmp/kesp-fuzz-cert-XXXXXX", p[128], err[512];
	EVP_PKEY *key = new_key("EC");
	X509 *ca;

	CHECK(key && mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/ipsec.d", dir);
	CHECK(!mkdir(p, 0700));
	snprintf(p, sizeof(p), "%s/ipsec.d/cacerts", dir);
	CHECK(!mkdir(p, 0700));
	snprintf(p, sizeof(p), "%s/ipsec.d/certs", dir);
	CHECK(!mkdir(p, 0700));
	ca = new_signed_cert(key, "Example Root CA", NULL, NULL, NULL, -1, 30);
	CHECK(ca);
	put_pem(dir, "cacerts/ca.pem", ca, NULL);
	ours_make(dir, ca, key);
	X509_free(ca);
	EVP_PKEY_free(key);
	pin(dir, "certs/peer-ec.pem", "EC");
	pin(dir, "certs/peer-rsa.pem", "RSA");
	iked_log_open(0, IKED_LOG_ERR);
	if (iked_conf_parse("fuzz", conf_text, strlen(conf_text), &d.conf,
			    err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	CHECK(!iked_secrets_parse("fuzz", "", 0, &d.secrets, err,
				  sizeof(err)));
	CHECK(!iked_creds_load(dir, d.conf, d.secrets, &d.creds, err,
			       sizeof(err)));
	conns = d.conf->conns;
	sa.d = &d;
	sa.no = 1;
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Whether @x is one of our CAs. */
static int our_ca(const X509 *x)
{
	size_t i;

	for (i = 0; i < d.creds->n_cas; i++)
		if (d.creds->cas[i].x == x)
			return 1;
	return 0;
}

/* The chain for @cr: our CAs, each the issuer of the one before. */
static void check_chain(const struct iked_certreq *cr)
{
	const struct iked_cred_cert *out[IKED_AUTH_MAX_CERTS];
	const X509 *below = ours.x;
	char text[4096];
	bool found;
	size_t n, i;

	n = iked_chain_for(d.creds, ours.x, cr, out, IKED_AUTH_MAX_CERTS - 1,
			   &found);
	CHECK(n < IKED_AUTH_MAX_CERTS);
	for (i = 0; i < n; i++) {
		CHECK(our_ca(out[i]->x));
		CHECK(X509_check_issued(out[i]->x, (X509 *)below) == X509_V_OK);
		/* The CA the peer named is not sent: it holds it. */
		CHECK(!iked_certreq_names(cr, out[i]->x));
		below = out[i]->x;
	}
	CHECK(printable(iked_certreq_format(cr, d.creds, text, sizeof(text))));
	if (getenv("FUZZ_CERT_SHOW"))
		fprintf(stderr, "CAs asked: %s; %zu sent, up to one of them: %d\n",
			text, n, found);
	CHECK(printable(iked_chain_top(d.creds, ours.x, text, sizeof(text))));
}

/* CERTREQ mode: @n bodies of @data, each parsed, then as one message. */
static int certreq_one(const uint8_t *data, size_t size, size_t n, bool v1)
{
	const struct iked_cred_cert *out[IKED_AUTH_MAX_CERTS];
	struct iked_auth_blob b[8];
	static struct iked_certreq cr;
	size_t i, off = 0, len;
	char why[512];
	int r;

	for (i = 0; i < n; i++) {
		if (size - off < 2)
			return 0;
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			return 0;
		b[i].data = data + off;
		b[i].len = len;
		off += len;
		why[0] = '\0';
		r = iked_certreq_parse(&cr, b[i].data, b[i].len, v1, why,
				       sizeof(why));
		CHECK(r == 0 || r == -EBADMSG || r == -ENOTSUP);
		CHECK(r == 0 ? !why[0] : why[0] && printable(why));
		if (r && getenv("FUZZ_CERT_SHOW"))
			fprintf(stderr, "body %zu: %d %s\n", i + 1, r, why);
		CHECK(cr.n <= IKED_CERTREQ_MAX);
	}
	check_chain(&cr);
	iked_certreq_clear(&cr);
	sa.conn = &conns[0];
	iked_peer_cas_take(&sa, b, n, v1);
	iked_peer_cas_chain(&sa, &ours, out, IKED_AUTH_MAX_CERTS - 1);
	iked_peer_cas_free(&sa);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t octets[48] = { 1, 2, 3 };
	struct iked_auth_blob certs[3];
	struct iked_auth_req r = { 0 };
	const struct iked_conf_conn *conn;
	size_t n, i, off = 2, len;
	char why[1024];
	int err;

	if (!d.creds)
		setup();
	if (size < 2)
		return 0;
	if (data[0] & 0x40)
		return certreq_one(data + 2, size - 2, (data[1] & 7) + 1,
				   data[0] & 0x80);
	n = data[0] & 3;
	for (i = 0; i < n; i++) {
		if (size - off < 2)
			return 0;
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			return 0;
		certs[i].data = data + off;
		certs[i].len = len;
		off += len;
	}
	conn = &conns[((data[0] >> 4) & 3) % 3];
	sa.conn = conn;
	r.sa = &sa;
	r.local = &conn->left.id;
	r.remote = &conn->right.id;
	r.local_end = &conn->left;
	r.remote_end = &conn->right;
	r.octets = octets;
	r.octets_len = sizeof(octets);
	r.method = methods[data[1] % sizeof(methods)];
	r.ikev1 = data[0] & 0x80;
	r.certs = certs;
	r.n_certs = n;
	why[0] = '\0';
	err = iked_auth_pubkey.verify(&r, data + off, size - off, why,
				      sizeof(why));
	if (getenv("FUZZ_CERT_SHOW"))
		fprintf(stderr, "%d %s\n", err, why);
	/* No input carries a signature of the CA's key: never accepted. */
	CHECK(err == -EPERM || err == -EACCES || err == -EBADMSG);
	CHECK(why[0] && printable(why));
	return 0;
}
