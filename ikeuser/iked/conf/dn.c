// SPDX-License-Identifier: GPL-2.0
/* Distinguished names as identities (ID_DER_ASN1_DN): strongSwan's "C=CH, O=Example, CN=gw" to DER and back, and matching with "*" values, all by OpenSSL's X509_NAME. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>
#include <openssl/objects.h>

#include "conf.h"
#include "../escape.h"

#define DN_EXPECT "expected a distinguished name like \"C=CH, O=Example, CN=gw.example\" (attributes C, ST, L, O, OU, CN, E, DC, UID, SN, serialNumber)"

/* strongSwan's short names that OpenSSL spells differently. */
static const char *dn_attr_name(const char *k)
{
	if (!strcasecmp(k, "E") || !strcasecmp(k, "email"))
		return "emailAddress";
	if (!strcasecmp(k, "SN") || !strcasecmp(k, "serialNumber"))
		return "serialNumber";
	if (!strcasecmp(k, "N") || !strcasecmp(k, "name"))
		return "name";
	if (!strcasecmp(k, "G") || !strcasecmp(k, "gn"))
		return "givenName";
	return k;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* One "KEY=VALUE" into @name; 0 or -EINVAL with a message. */
static int dn_add(X509_NAME *name, char *rdn, const char *orig, char *err,
		  size_t errlen)
{
	char *eq = strchr(rdn, '='), *k, *v;

	if (!eq) {
		snprintf(err, errlen, "\"%s\": \"%s\" has no \"=\": %s", orig,
			 trim(rdn), DN_EXPECT);
		return -EINVAL;
	}
	*eq = '\0';
	k = trim(rdn);
	v = trim(eq + 1);
	if (!*k || !*v) {
		snprintf(err, errlen, "\"%s\": an attribute without %s: %s",
			 orig, *k ? "a value" : "a name", DN_EXPECT);
		return -EINVAL;
	}
	if (OBJ_txt2nid(dn_attr_name(k)) == NID_undef) {
		snprintf(err, errlen, "\"%s\": unknown attribute \"%s\": %s",
			 orig, k, DN_EXPECT);
		return -EINVAL;
	}
	if (!X509_NAME_add_entry_by_txt(name, dn_attr_name(k), MBSTRING_UTF8,
					(const unsigned char *)v, -1, -1, 0)) {
		snprintf(err, errlen, "\"%s\": \"%s\" cannot hold \"%s\" (too long, or not the characters it allows): %s",
			 orig, k, v, DN_EXPECT);
		return -EINVAL;
	}
	return 0;
}

int iked_conf_dn_parse(const char *s, struct iked_conf_id *id, char *err,
		       size_t errlen)
{
	X509_NAME *name = X509_NAME_new();
	char *copy = strdup(s), *p, *next;
	unsigned char *der = NULL;
	int r = 0, len;

	if (!name || !copy) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto out;
	}
	/* strongSwan also takes "/C=CH/O=Example" (OpenSSL's one-line form). */
	p = copy;
	if (*p == '/') {
		for (next = p; *next; next++)
			if (*next == '/')
				*next = ',';
		p++;
	}
	for (; p && !r; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		r = dn_add(name, p, s, err, errlen);
	}
	if (r)
		goto out;
	len = i2d_X509_NAME(name, &der);
	if (len <= 0 || len > IKED_ID_MAX) {
		snprintf(err, errlen, "\"%s\": the distinguished name takes %d bytes in DER: at most %d",
			 s, len, IKED_ID_MAX);
		r = -EINVAL;
		goto out;
	}
	memset(id, 0, sizeof(*id));
	id->type = IKED_ID_DER_ASN1_DN;
	id->len = (uint16_t)len;
	memcpy(id->data, der, (size_t)len);
out:
	OPENSSL_free(der);
	X509_NAME_free(name);
	free(copy);
	return r;
}

int iked_conf_dn_format_name(const X509_NAME *name, char *buf, size_t len)
{
	const unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
				    ASN1_STRFLGS_ESC_CTRL |
				    ASN1_STRFLGS_ESC_MSB | ASN1_STRFLGS_ESC_2253;
	BIO *b = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	buf[0] = '\0';
	if (!b)
		return -ENOMEM;
	if (X509_NAME_print_ex(b, name, 0, flags) < 0) {
		BIO_free(b);
		return -EINVAL;
	}
	n = BIO_get_mem_data(b, &mem);
	/* OpenSSL escaped what it prints; this catches what it does not. */
	iked_escape(buf, len, mem, n > 0 ? (size_t)n : 0, IKED_ESC_TEXT);
	BIO_free(b);
	return 0;
}

const char *iked_conf_dn_format(const struct iked_conf_id *id, char *buf,
				size_t len)
{
	const unsigned char *p = id->data;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, id->len);

	if (!name || p != id->data + id->len) {
		snprintf(buf, len, "(malformed distinguished name of %u bytes)",
			 id->len);
	} else {
		iked_conf_dn_format_name(name, buf, len);
	}
	X509_NAME_free(name);
	return buf;
}

/* Whether the entries of @pat match those of @name in order, a "*" value any. */
static int dn_wild_match(const X509_NAME *pat, const X509_NAME *name)
{
	int n = X509_NAME_entry_count(pat), i;

	if (n != X509_NAME_entry_count(name))
		return 0;
	for (i = 0; i < n; i++) {
		const X509_NAME_ENTRY *a = X509_NAME_get_entry(pat, i);
		const X509_NAME_ENTRY *b = X509_NAME_get_entry(name, i);
		const ASN1_STRING *av = X509_NAME_ENTRY_get_data(a);
		const ASN1_STRING *bv = X509_NAME_ENTRY_get_data(b);

		if (OBJ_cmp(X509_NAME_ENTRY_get_object(a),
			    X509_NAME_ENTRY_get_object(b)))
			return 0;
		if (ASN1_STRING_length(av) == 1 &&
		    ASN1_STRING_get0_data(av)[0] == '*')
			continue;
		if (ASN1_STRING_length(av) != ASN1_STRING_length(bv) ||
		    memcmp(ASN1_STRING_get0_data(av), ASN1_STRING_get0_data(bv),
			   (size_t)ASN1_STRING_length(av)))
			return 0;
	}
	return 1;
}

int iked_conf_dn_match(const struct iked_conf_id *pattern,
		       const struct iked_conf_id *id)
{
	const unsigned char *pp = pattern->data, *ip = id->data;
	X509_NAME *pat, *name;
	int r = 0;

	if (pattern->type != IKED_ID_DER_ASN1_DN ||
	    id->type != IKED_ID_DER_ASN1_DN)
		return 0;
	pat = d2i_X509_NAME(NULL, &pp, pattern->len);
	name = d2i_X509_NAME(NULL, &ip, id->len);
	if (pat && name)
		r = !X509_NAME_cmp(pat, name) || dn_wild_match(pat, name);
	X509_NAME_free(pat);
	X509_NAME_free(name);
	return r;
}
