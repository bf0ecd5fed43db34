// SPDX-License-Identifier: GPL-2.0
/* The CAs a peer's CERTREQ or CR payloads name (RFC 7296 3.7; RFC 2408 3.10 as strongSwan, Libreswan and Cisco fill it): parsed strictly, kept up to a cap, matched, formatted. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include "certreq.h"
#include "creds.h"

/* IKEv2: the concatenated SHA-1 hashes of the CAs' public keys. */
static int parse_hashes(struct iked_certreq *cr, const uint8_t *p, size_t len,
			char *why, size_t why_len)
{
	size_t i;

	if (len % IKED_CERTREQ_HASH_LEN) {
		snprintf(why, why_len, "its CA hashes are %zu bytes, not a multiple of the %d of a SHA-1 hash",
			 len, IKED_CERTREQ_HASH_LEN);
		return -EBADMSG;
	}
	if (!len)
		cr->any = true;
	for (i = 0; i < len; i += IKED_CERTREQ_HASH_LEN) {
		if (cr->n == IKED_CERTREQ_MAX) {
			cr->n_dropped++;
			continue;
		}
		memcpy(cr->v[cr->n].hash, p + i, IKED_CERTREQ_HASH_LEN);
		cr->v[cr->n++].dn = NULL;
	}
	return 0;
}

/* IKEv1: one CA's DER distinguished name, or nothing for any CA. */
static int parse_dn(struct iked_certreq *cr, const uint8_t *p, size_t len,
		    char *why, size_t why_len)
{
	const unsigned char *q = p;
	X509_NAME *dn;

	if (!len) {
		cr->any = true;
		return 0;
	}
	if (len > IKED_CERTREQ_DN_MAX) {
		snprintf(why, why_len, "its CA name is %zu bytes, more than the %d of a distinguished name we would hold",
			 len, IKED_CERTREQ_DN_MAX);
		return -EBADMSG;
	}
	dn = d2i_X509_NAME(NULL, &q, (long)len);
	if (!dn || q != p + len) {
		X509_NAME_free(dn);
		ERR_clear_error();
		snprintf(why, why_len, "its CA name (%zu bytes) is no DER distinguished name",
			 len);
		return -EBADMSG;
	}
	if (cr->n == IKED_CERTREQ_MAX) {
		X509_NAME_free(dn);
		cr->n_dropped++;
		return 0;
	}
	memset(cr->v[cr->n].hash, 0, IKED_CERTREQ_HASH_LEN);
	cr->v[cr->n++].dn = dn;
	return 0;
}

int iked_certreq_parse(struct iked_certreq *cr, const uint8_t *body,
		       size_t len, bool ikev1, char *why, size_t why_len)
{
	if (len < 1) {
		snprintf(why, why_len, "it has no certificate encoding");
		return -EBADMSG;
	}
	/* 3.7: the peer may ask for other kinds; none that we send. */
	if (body[0] != IKED_CERT_X509_SIG) {
		snprintf(why, why_len, "certificate encoding %u, not X.509 Signature (4): ignored",
			 body[0]);
		return -ENOTSUP;
	}
	if (ikev1)
		return parse_dn(cr, body + 1, len - 1, why, why_len);
	return parse_hashes(cr, body + 1, len - 1, why, why_len);
}

void iked_certreq_clear(struct iked_certreq *cr)
{
	size_t i;

	for (i = 0; i < cr->n; i++)
		X509_NAME_free(cr->v[i].dn);
	memset(cr, 0, sizeof(*cr));
}

int iked_certreq_key_hash(const X509 *x, uint8_t out[IKED_CERTREQ_HASH_LEN])
{
	unsigned char *der = NULL;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

	if (n <= 0)
		return -ENOMEM;
	SHA1(der, (size_t)n, out);
	OPENSSL_free(der);
	return 0;
}

bool iked_certreq_names(const struct iked_certreq *cr, const X509 *ca)
{
	uint8_t h[IKED_CERTREQ_HASH_LEN];
	bool have_h = false;
	size_t i;

	for (i = 0; cr && i < cr->n; i++) {
		if (cr->v[i].dn) {
			if (!X509_NAME_cmp(cr->v[i].dn, X509_get_subject_name(ca)))
				return true;
			continue;
		}
		if (!have_h && iked_certreq_key_hash(ca, h))
			return false;
		have_h = true;
		if (!memcmp(h, cr->v[i].hash, sizeof(h)))
			return true;
	}
	return false;
}

/* The CA of @c that @e names, or NULL. */
static const X509 *ca_named(const struct iked_creds *c,
			    const struct iked_certreq_ca *e)
{
	struct iked_certreq one = { .n = 1 };
	size_t i;

	one.v[0] = *e;
	for (i = 0; c && i < c->n_cas; i++)
		if (iked_certreq_names(&one, c->cas[i].x))
			return c->cas[i].x;
	return NULL;
}

/* One CA of a request: a subject we know, its DN, or its hash in hex. */
static void format_one(const struct iked_certreq_ca *e,
		       const struct iked_creds *c, char *buf, size_t len)
{
	const X509 *ca = ca_named(c, e);
	size_t i, used;

	if (ca || e->dn) {
		iked_conf_dn_format_name(ca ? X509_get_subject_name(ca) : e->dn,
					 buf, len);
		return;
	}
	used = (size_t)snprintf(buf, len, "key hash ");
	for (i = 0; i < IKED_CERTREQ_HASH_LEN && used + 3 <= len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%02x",
					 e->hash[i]);
}

const char *iked_certreq_format(const struct iked_certreq *cr,
				const struct iked_creds *c, char *buf,
				size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	if (cr->any && !cr->n)
		snprintf(buf, len, "any CA");
	for (i = 0; i < cr->n && used + 4 < len; i++) {
		if (i)
			used += (size_t)snprintf(buf + used, len - used, "; ");
		format_one(&cr->v[i], c, buf + used, len - used);
		used += strlen(buf + used);
	}
	if (cr->n_dropped && used + 4 < len)
		snprintf(buf + used, len - used, "; and %zu more, not kept",
			 cr->n_dropped);
	return buf;
}
