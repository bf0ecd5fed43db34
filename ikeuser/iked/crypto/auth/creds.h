/* SPDX-License-Identifier: GPL-2.0 */
/* The credential store: CA certificates, our and the peers' certificates, private keys; read at start and again by each reload, keys wiped when freed. */

#ifndef KESP_IKED_CRYPTO_CREDS_H
#define KESP_IKED_CRYPTO_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../../conf/conf.h"
#include "../../secrets.h"

/* RFC 7296 3.6: CERT encoding "X.509 Certificate - Signature". */
#define IKED_CERT_X509_SIG	4

struct iked_cred_cert {
	X509 *x;
	char *path;			/* the file it was read from */
	/* The CERT payload body: encoding IKED_CERT_X509_SIG | DER. */
	uint8_t *payload;
	size_t payload_len;
};

struct iked_cred_key {
	EVP_PKEY *pk;
	char *path;
	const char *file;		/* the ipsec.secrets line naming it */
	unsigned int line;
};

struct iked_cred_crl {
	X509_CRL *crl;
	char *path;			/* the file it was read from, or its URI */
};

/* ipsec.d/crls/: the CRLs whose signature a loaded CA verified. */
struct iked_crls {
	struct iked_cred_crl *v;	/* in file name order */
	size_t n;
	/* The same CRLs for X509_STORE_CTX_set0_crls() (not owned). */
	STACK_OF(X509_CRL) *sk;
	/* Lines for the log: files refused (errors), expired CRLs. */
	char **errors, **warnings;
	size_t n_errors, n_warnings;
};

struct iked_creds {
	char *dir;			/* <confdir>/ipsec.d */
	X509_STORE *store;		/* the trusted CAs */
	struct iked_cred_cert *cas;	/* ipsec.d/cacerts/, in name order */
	size_t n_cas;
	struct iked_cred_cert *certs;	/* leftcert=, rightcert= */
	size_t n_certs;
	struct iked_cred_key *keys;	/* ipsec.d/private/ via ipsec.secrets */
	size_t n_keys;
	/* A CERTREQ body: encoding 4 | SHA-1 of each CA's public key (3.7). */
	uint8_t *certreq;
	size_t certreq_len;
	struct iked_crls crls;		/* read again by a reload */
	bool strict_crl;		/* strictcrlpolicy=yes, from the conf */
	/* strictcrlpolicy=ifuri: strict for a certificate with a CDP URI. */
	bool crl_ifuri;
	/* CRLs from distribution points, and fetches (crl_fetch.h); NULL: none yet. */
	struct iked_crl_cache *fetch;
};

/*
 * Reads <@confdir>/ipsec.d: every file in cacerts/ (PEM or DER; a file
 * that is no certificate refuses the start), the leftcert= and
 * rightcert= files of @conf's conns (relative to certs/), the key files
 * of @sec (relative to private/). An end with a certificate but no
 * leftid= gets the certificate's subject as its ID. 0, or -errno with
 * "FILE[:LINE]: what" in @err.
 */
int iked_creds_load(const char *confdir, struct iked_conf *conf,
		    const struct iked_secrets *sec, struct iked_creds **out,
		    char *err, size_t errlen);
void iked_creds_free(struct iked_creds *c);
/* The directory of @conf_path (ipsec.conf), where ipsec.d is, into @dir. */
void iked_creds_dir_of(const char *conf_path, char *dir, size_t len);

/*
 * creds_diff.c: what a reload changes from @old (may be NULL) to @new:
 * a log line ("reload: ...") per CA certificate added or removed,
 * end-entity certificate (by its leftcert=/rightcert= name) and private
 * key (by its file) added, replaced or removed; and the counts with the
 * changes, "credentials: 2 CA certificates (1 added), 1 end-entity
 * certificate (1 replaced), 1 private key (1 replaced), 0 CRLs", into
 * @buf.
 */
void iked_creds_diff(const struct iked_creds *old,
		     const struct iked_creds *new, char *buf, size_t len);

/*
 * The @i-th name (0 first) of leftcert='s comma-separated @list into
 * @out: true, or false past the last.
 */
bool iked_creds_list_item(const char *list, size_t i, char *out,
			  size_t len);
/* The loaded certificates of leftcert= @list, in its order (at most @max). */
size_t iked_creds_end_certs(const struct iked_creds *c, const char *list,
			    const struct iked_cred_cert **out, size_t max);
/* The certificate leftcert=@name loaded, or NULL. */
const struct iked_cred_cert *iked_creds_cert(const struct iked_creds *c,
					     const char *name);
/* The private key for @x's public key, or NULL. */
EVP_PKEY *iked_creds_key_for(const struct iked_creds *c, const X509 *x);
/*
 * The CAs between @x and a root, that a peer needs to build the chain
 * (not the self-signed root): up to @max into @out, their count.
 */
size_t iked_creds_chain(const struct iked_creds *c, const X509 *x,
			const struct iked_cred_cert **out, size_t max);
/* Subject of every CA we trust, "; "-separated, escaped, into @buf. */
const char *iked_creds_ca_names(const struct iked_creds *c, char *buf,
				size_t len);

/*
 * cert_list.c: every CA and end-entity certificate of @c (may be NULL)
 * with subject, issuer, serial, validity and key type and size, to @f,
 * as text or (@as_json) JSON; never key material.
 */
void iked_creds_write(const struct iked_creds *c, FILE *f, int as_json);

/*
 * crl.c: reads every file of ipsec.d/crls/ (PEM or DER) into @out. A
 * file that is no CRL, or whose signature no CA of @c (same name as its
 * issuer) verifies, is left out with a line in @out->errors; an expired
 * one is kept with a line in @out->warnings. 0, or -ENOMEM.
 */
int iked_crls_read(const struct iked_creds *c, struct iked_crls *out);
void iked_crls_clear(struct iked_crls *l);
/* @l's lines to the log, "reload: " before them when @reload. */
void iked_crls_log(const struct iked_crls *l, int reload);
/* The file @crl (a CRL of @l) was read from, or "?". */
const char *iked_crls_path(const struct iked_crls *l, const X509_CRL *crl);
/* The file or URI @crl (file or fetched, of @c) came from, or "?". */
const char *iked_crls_source(const struct iked_creds *c, const X509_CRL *crl);
/* The regular file names of @dir, sorted, at most @max: count or -errno. */
long iked_creds_list_dir(const char *dir, char **names, size_t max);

/* Read a certificate file, PEM or DER: 0 or -errno with a message. */
int iked_cert_read(const char *path, X509 **x, char *err, size_t errlen);
/* "RSA 3072", "ECDSA P-256", "Ed25519" for @pk. */
const char *iked_key_describe(const EVP_PKEY *pk, char *buf, size_t len);

#endif /* KESP_IKED_CRYPTO_CREDS_H */
