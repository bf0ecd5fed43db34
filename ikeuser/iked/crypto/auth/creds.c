// SPDX-License-Identifier: GPL-2.0
/* Load ipsec.d: CA certificates, the conns' certificates and the private keys ipsec.secrets names, with OpenSSL 3 (PEM or DER). */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "creds.h"
#include "crl_fetch.h"

/* A certificate or key file this big is not one. */
#define CRED_FILE_MAX	(256 * 1024)
#define CAS_MAX		256

/* The whole of @path into a new buffer; wipe it when it held a key. */
static int slurp(const char *path, uint8_t **buf, size_t *len, char *err,
		 size_t errlen)
{
	struct stat st;
	ssize_t got;
	int fd, e;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		e = errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CRED_FILE_MAX) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes",
			 path, CRED_FILE_MAX);
		return -EINVAL;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	got = read(fd, *buf, (size_t)st.st_size);
	e = errno;
	close(fd);
	if (got != st.st_size) {
		free(*buf);
		*buf = NULL;
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 got < 0 ? strerror(e) : "short read");
		return -EIO;
	}
	*len = (size_t)got;
	return 0;
}

int iked_cert_read(const char *path, X509 **x, char *err, size_t errlen)
{
	const unsigned char *p;
	uint8_t *buf;
	size_t len;
	BIO *b;
	int r;

	*x = NULL;
	r = slurp(path, &buf, &len, err, errlen);
	if (r)
		return r;
	b = BIO_new_mem_buf(buf, (int)len);
	if (b)
		*x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!*x) {
		p = buf;
		*x = d2i_X509(NULL, &p, (long)len);
	}
	free(buf);
	ERR_clear_error();
	if (!*x) {
		snprintf(err, errlen, "%s: not an X.509 certificate in PEM or DER",
			 path);
		return -EINVAL;
	}
	return 0;
}

static int cert_fill(struct iked_cred_cert *c, X509 *x, const char *path)
{
	int n = i2d_X509(x, NULL);
	unsigned char *p;

	c->x = x;
	c->path = strdup(path);
	c->payload = n > 0 ? malloc((size_t)n + 1) : NULL;
	if (!c->path || !c->payload)
		return -ENOMEM;
	c->payload[0] = IKED_CERT_X509_SIG;
	p = c->payload + 1;
	i2d_X509(x, &p);
	c->payload_len = (size_t)n + 1;
	return 0;
}

static void cert_clear(struct iked_cred_cert *c)
{
	X509_free(c->x);
	free(c->path);
	free(c->payload);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long iked_creds_list_dir(const char *dir, char **names, size_t max)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return (long)n;
}

/* Every regular file of cacerts/ (sorted: the order is the log's). */
static int load_cas(struct iked_creds *c, char *err, size_t errlen)
{
	char dir[4096], path[4096 + 256], *names[CAS_MAX];
	size_t n, i;
	long got;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/cacerts", c->dir);
	got = iked_creds_list_dir(dir, names, CAS_MAX);
	if (got < 0) {
		if (got == -ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror((int)-got));
		return (int)got;
	}
	n = (size_t)got;
	c->cas = calloc(n ? n : 1, sizeof(*c->cas));
	if (!c->cas)
		r = -ENOMEM;
	for (i = 0; i < n; i++) {
		X509 *x;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!r)
			r = iked_cert_read(path, &x, err, errlen);
		if (!r) {
			r = cert_fill(&c->cas[c->n_cas++], x, path);
			if (!r && !X509_STORE_add_cert(c->store, x))
				r = -ENOMEM;
		}
		free(names[i]);
	}
	return r;
}

/* CERTREQ (3.7): the SHA-1 of each CA's SubjectPublicKeyInfo. */
static int build_certreq(struct iked_creds *c)
{
	size_t i;

	if (!c->n_cas)
		return 0;
	c->certreq = malloc(1 + SHA_DIGEST_LENGTH * c->n_cas);
	if (!c->certreq)
		return -ENOMEM;
	c->certreq[0] = IKED_CERT_X509_SIG;
	c->certreq_len = 1;
	for (i = 0; i < c->n_cas; i++) {
		unsigned char *der = NULL;
		int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->cas[i].x), &der);

		if (n <= 0)
			return -ENOMEM;
		SHA1(der, (size_t)n, c->certreq + c->certreq_len);
		c->certreq_len += SHA_DIGEST_LENGTH;
		OPENSSL_free(der);
	}
	return 0;
}

/* @name relative to ipsec.d/@sub unless absolute, into @path. */
static void cred_path(const struct iked_creds *c, const char *sub,
		      const char *name, char *path, size_t len)
{
	if (name[0] == '/')
		snprintf(path, len, "%s", name);
	else
		snprintf(path, len, "%s/%s/%s", c->dir, sub, name);
}

/* The certificate @name of conn @cc's @kw= (loaded once): 0 or -errno. */
static int load_one_cert(struct iked_creds *c, const struct iked_conf_conn *cc,
			 const char *name, const char *kw,
			 const struct iked_cred_cert **out, char *err,
			 size_t errlen)
{
	struct iked_cred_cert *nv;
	char path[4096], why[4096 + 128];
	X509 *x;
	int r;

	*out = iked_creds_cert(c, name);
	if (*out)
		return 0;
	cred_path(c, "certs", name, path, sizeof(path));
	r = iked_cert_read(path, &x, why, sizeof(why));
	if (r) {
		snprintf(err, errlen, "%s:%u: conn %s: %s=%s: %s", cc->file,
			 cc->line, cc->name, kw, name, why);
		return r;
	}
	nv = realloc(c->certs, (c->n_certs + 1) * sizeof(*nv));
	if (!nv) {
		X509_free(x);
		return -ENOMEM;
	}
	c->certs = nv;
	memset(&nv[c->n_certs], 0, sizeof(*nv));
	r = cert_fill(&nv[c->n_certs++], x, path);
	if (r)
		return r;
	free(nv[c->n_certs - 1].path);
	/* Looked up by the name the conn gives. */
	nv[c->n_certs - 1].path = strdup(name);
	if (!nv[c->n_certs - 1].path)
		return -ENOMEM;
	*out = &nv[c->n_certs - 1];
	return 0;
}

/*
 * A conn end's leftcert= (each certificate of its list); an end without
 * leftid= is the first one's subject.
 */
static int load_end_cert(struct iked_creds *c, const struct iked_conf_conn *cc,
			 struct iked_conf_end *e, const char *kw, char *err,
			 size_t errlen)
{
	const struct iked_cred_cert *have, *first = NULL;
	char name[1024];
	unsigned char *der = NULL;
	size_t i;
	int r, n;

	for (i = 0; e->cert && iked_creds_list_item(e->cert, i, name,
						    sizeof(name)); i++) {
		r = load_one_cert(c, cc, name, kw, &have, err, errlen);
		if (r)
			return r;
		if (!first)
			first = have;
	}
	if (!first || e->id_set)
		return 0;
	n = i2d_X509_NAME(X509_get_subject_name(first->x), &der);
	if (n > 0 && n <= IKED_ID_MAX) {
		memset(&e->id, 0, sizeof(e->id));
		e->id.type = IKED_ID_DER_ASN1_DN;
		e->id.len = (uint16_t)n;
		memcpy(e->id.data, der, (size_t)n);
	}
	OPENSSL_free(der);
	return 0;
}

/* One key file of ipsec.secrets, decoded once; the file's bytes wiped. */
static int load_key(struct iked_creds *c, const struct iked_secret *s,
		    char *err, size_t errlen)
{
	OSSL_DECODER_CTX *dctx;
	struct iked_cred_key *k;
	EVP_PKEY *pk = NULL;
	char path[4096], why[4096 + 64];
	const unsigned char *p;
	uint8_t *buf;
	size_t len, left;
	int r;

	cred_path(c, "private", s->keyfile, path, sizeof(path));
	r = slurp(path, &buf, &len, why, sizeof(why));
	if (r) {
		snprintf(err, errlen, "%s:%u: %s", s->file, s->line, why);
		return r;
	}
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, NULL, NULL, NULL,
					     EVP_PKEY_KEYPAIR, NULL, NULL);
	if (dctx && s->key_len)
		OSSL_DECODER_CTX_set_passphrase(dctx, s->key, s->key_len);
	p = buf;
	left = len;
	if (!dctx || !OSSL_DECODER_from_data(dctx, &p, &left))
		pk = NULL;
	OSSL_DECODER_CTX_free(dctx);
	OPENSSL_cleanse(buf, len);
	free(buf);
	ERR_clear_error();
	if (!pk) {
		snprintf(err, errlen, "%s:%u: %s: not a private key in PEM or DER%s",
			 s->file, s->line, path,
			 s->key_len ? ", or the passphrase is wrong" :
			 " (if it is encrypted, give its passphrase after the file name)");
		return -EINVAL;
	}
	k = realloc(c->keys, (c->n_keys + 1) * sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pk);
		return -ENOMEM;
	}
	c->keys = k;
	k += c->n_keys++;
	k->pk = pk;
	k->path = strdup(path);
	k->file = s->file;
	k->line = s->line;
	return k->path ? 0 : -ENOMEM;
}

int iked_creds_load(const char *confdir, struct iked_conf *conf,
		    const struct iked_secrets *sec, struct iked_creds **out,
		    char *err, size_t errlen)
{
	struct iked_creds *c = calloc(1, sizeof(*c));
	size_t i;
	int r = 0;

	*out = NULL;
	if (c)
		c->store = X509_STORE_new();
	if (!c || !c->store || asprintf(&c->dir, "%s/ipsec.d", confdir) < 0) {
		if (c)
			c->dir = NULL;
		iked_creds_free(c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->strict_crl = conf && conf->strictcrlpolicy;
	c->crl_ifuri = conf && conf->strictcrlpolicy_ifuri;
	r = load_cas(c, err, errlen);
	if (!r)
		r = build_certreq(c);
	/* After the CAs, which verify the CRLs. */
	if (!r)
		r = iked_crls_read(c, &c->crls);
	for (i = 0; !r && conf && i < conf->n_conns; i++) {
		struct iked_conf_conn *cc = &conf->conns[i];

		r = load_end_cert(c, cc, &cc->left, "leftcert", err, errlen);
		if (!r)
			r = load_end_cert(c, cc, &cc->right, "rightcert", err,
					  errlen);
	}
	for (i = 0; !r && sec && i < sec->n; i++)
		if (sec->v[i].kind == IKED_SECRET_KEYFILE)
			r = load_key(c, &sec->v[i], err, errlen);
	if (r) {
		if (r == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		iked_creds_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void iked_creds_dir_of(const char *conf_path, char *dir, size_t len)
{
	const char *slash = strrchr(conf_path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else
		snprintf(dir, len, "%.*s",
			 (int)(slash == conf_path ? 1 : slash - conf_path),
			 conf_path);
}

void iked_creds_free(struct iked_creds *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_cas; i++)
		cert_clear(&c->cas[i]);
	for (i = 0; i < c->n_certs; i++)
		cert_clear(&c->certs[i]);
	/* EVP_PKEY_free() clears a private key's memory as it frees it. */
	for (i = 0; i < c->n_keys; i++) {
		EVP_PKEY_free(c->keys[i].pk);
		free(c->keys[i].path);
	}
	iked_crls_clear(&c->crls);
	iked_crl_cache_free(c->fetch);
	free(c->cas);
	free(c->certs);
	free(c->keys);
	free(c->certreq);
	X509_STORE_free(c->store);
	free(c->dir);
	free(c);
}

bool iked_creds_list_item(const char *list, size_t i, char *out,
			  size_t len)
{
	const char *p = list, *end;

	while (i-- && p)
		p = (p = strchr(p, ',')) ? p + 1 : NULL;
	if (!p || !*p)
		return false;
	end = strchr(p, ',');
	snprintf(out, len, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)),
		 p);
	return true;
}

size_t iked_creds_end_certs(const struct iked_creds *c, const char *list,
			    const struct iked_cred_cert **out, size_t max)
{
	char name[1024];
	size_t i, n = 0;

	for (i = 0; n < max && list &&
		    iked_creds_list_item(list, i, name, sizeof(name)); i++)
		if ((out[n] = iked_creds_cert(c, name)))
			n++;
	return n;
}

const struct iked_cred_cert *iked_creds_cert(const struct iked_creds *c,
					     const char *name)
{
	size_t i;

	for (i = 0; c && name && i < c->n_certs; i++)
		if (!strcmp(c->certs[i].path, name))
			return &c->certs[i];
	return NULL;
}

EVP_PKEY *iked_creds_key_for(const struct iked_creds *c, const X509 *x)
{
	EVP_PKEY *pub = X509_get0_pubkey(x);
	size_t i;

	for (i = 0; c && pub && i < c->n_keys; i++)
		if (EVP_PKEY_eq(c->keys[i].pk, pub) == 1)
			return c->keys[i].pk;
	return NULL;
}

size_t iked_creds_chain(const struct iked_creds *c, const X509 *x,
			const struct iked_cred_cert **out, size_t max)
{
	size_t n = 0, i;

	while (c && n < max) {
		const struct iked_cred_cert *up = NULL;

		for (i = 0; i < c->n_cas && !up; i++)
			if (X509_check_issued(c->cas[i].x, (X509 *)x) ==
			    X509_V_OK && X509_cmp(c->cas[i].x, x))
				up = &c->cas[i];
		/* A root the peer has or does not trust: no use sending it. */
		if (!up || X509_check_issued(up->x, up->x) == X509_V_OK)
			break;
		out[n++] = up;
		x = up->x;
	}
	return n;
}

const char *iked_creds_ca_names(const struct iked_creds *c, char *buf,
				size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	if (!c || !c->n_cas) {
		snprintf(buf, len, "none: ipsec.d/cacerts/ is empty");
		return buf;
	}
	for (i = 0; i < c->n_cas && used + 4 < len; i++) {
		if (i)
			used += (size_t)snprintf(buf + used, len - used, "; ");
		iked_conf_dn_format_name(X509_get_subject_name(c->cas[i].x),
					 buf + used, len - used);
		used += strlen(buf + used);
	}
	return buf;
}

const char *iked_key_describe(const EVP_PKEY *pk, char *buf, size_t len)
{
	char group[64] = "";

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, len, "RSA %d", EVP_PKEY_get_bits(pk));
		break;
	case EVP_PKEY_EC:
		EVP_PKEY_get_utf8_string_param(pk, "group", group,
					       sizeof(group), NULL);
		snprintf(buf, len, "ECDSA %s",
			 !strcmp(group, "prime256v1") ? "P-256" :
			 !strcmp(group, "secp384r1") ? "P-384" :
			 !strcmp(group, "secp521r1") ? "P-521" : group);
		break;
	case EVP_PKEY_ED25519:
		snprintf(buf, len, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(buf, len, "Ed448");
		break;
	default:
		snprintf(buf, len, "%s", EVP_PKEY_get0_type_name(pk) ?: "?");
		break;
	}
	return buf;
}
