/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PKI with two paths up from one certificate, for the tests of the
 * chain sent for a CERTREQ: roots One and Two, an Intermediate CA
 * certified by both (one key, two certificates: cross-signed), a Sub CA
 * under it, gateway A's certificate under the Sub CA; B's certificate
 * under @b_root (Two, or an unrelated Three). A's ipsec.d holds every
 * CA (files named so that the path through One comes first), B's only
 * its root. Include cert_fixture.h first.
 */

#ifndef KESP_TEST_CERTREQ_PKI_H
#define KESP_TEST_CERTREQ_PKI_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

struct certreq_pki {
	char dir_a[64], dir_b[64];
	EVP_PKEY *k1, *k2, *k3, *ki, *ks, *ka, *kb;
	X509 *r1, *r2, *r3, *i1, *i2, *sub, *a, *b;
};

static inline void certreq_pki_dir(char *dir, const char *tmpl)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	char p[256];
	size_t i;

	strcpy(dir, tmpl);
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
}

/* @b_root: 2 (B under Root Two, which A's chain reaches) or 3. */
static inline void certreq_pki_make(struct certreq_pki *p, int b_root)
{
	X509 *br;
	EVP_PKEY *bk;

	p->k1 = new_key("EC");
	p->k2 = new_key("EC");
	p->k3 = new_key("EC");
	p->ki = new_key("EC");
	p->ks = new_key("EC");
	p->ka = new_key("EC");
	p->kb = new_key("EC");
	p->r1 = new_signed_cert(p->k1, "Root One", NULL, NULL, NULL, -1, 30);
	p->r2 = new_signed_cert(p->k2, "Root Two", NULL, NULL, NULL, -1, 30);
	p->r3 = new_signed_cert(p->k3, "Root Three", NULL, NULL, NULL, -1, 30);
	p->i1 = new_signed_cert(p->ki, "Intermediate", p->r1, p->k1, NULL, -1, 30);
	p->i2 = new_signed_cert(p->ki, "Intermediate", p->r2, p->k2, NULL, -1, 30);
	p->sub = new_signed_cert(p->ks, "Sub CA", p->i1, p->ki, NULL, -1, 30);
	p->a = new_signed_cert(p->ka, "a.example", p->sub, p->ks,
			       "DNS:a.example", -1, 30);
	br = b_root == 2 ? p->r2 : p->r3;
	bk = b_root == 2 ? p->k2 : p->k3;
	p->b = new_signed_cert(p->kb, "b.example", br, bk, "DNS:b.example",
			       -1, 30);
	certreq_pki_dir(p->dir_a, "/tmp/kesp-certreq-a-XXXXXX");
	certreq_pki_dir(p->dir_b, "/tmp/kesp-certreq-b-XXXXXX");
	put_pem(p->dir_a, "cacerts/1-root-one.pem", p->r1, NULL);
	put_pem(p->dir_a, "cacerts/2-root-two.pem", p->r2, NULL);
	put_pem(p->dir_a, "cacerts/3-inter-by-one.pem", p->i1, NULL);
	put_pem(p->dir_a, "cacerts/4-inter-by-two.pem", p->i2, NULL);
	put_pem(p->dir_a, "cacerts/5-sub.pem", p->sub, NULL);
	put_pem(p->dir_a, "certs/a.pem", p->a, NULL);
	put_pem(p->dir_a, "private/a.key", NULL, p->ka);
	put_pem(p->dir_b, "cacerts/root.pem", br, NULL);
	put_pem(p->dir_b, "certs/b.pem", p->b, NULL);
	put_pem(p->dir_b, "private/b.key", NULL, p->kb);
}

static inline void certreq_pki_drop(struct certreq_pki *p)
{
	char cmd[200];
	X509 *x[] = { p->r1, p->r2, p->r3, p->i1, p->i2, p->sub, p->a, p->b };
	EVP_PKEY *k[] = { p->k1, p->k2, p->k3, p->ki, p->ks, p->ka, p->kb };
	size_t i;

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", p->dir_a, p->dir_b);
	if (system(cmd))
		abort();
	for (i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		X509_free(x[i]);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		EVP_PKEY_free(k[i]);
}

#endif /* KESP_TEST_CERTREQ_PKI_H */
