// SPDX-License-Identifier: GPL-2.0
/* Identities as ipsec.conf writes them (leftid=): parse, format, compare. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "conf.h"
#include "../escape.h"
#include "../words.h"

int iked_conf_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

#define ID_EXPECT "expected an IP address, FQDN, @FQDN, user@domain, @#HEX (KEY_ID), a distinguished name (\"C=CH, O=Example, CN=gw\") or %any"

static int id_text(struct iked_conf_id *id, uint8_t type, const char *s,
		   const char *orig, char *err, size_t errlen)
{
	size_t n = strlen(s), i;

	if (!n) {
		snprintf(err, errlen, "\"%s\" is not an identity: nothing after the @: %s",
			 orig, ID_EXPECT);
		return -EINVAL;
	}
	if (n > IKED_ID_MAX) {
		snprintf(err, errlen, "identity of %zu bytes is too long: at most %d",
			 n, IKED_ID_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		/*
		 * The peer compares bytes; blanks and control bytes are
		 * almost certainly a quoting mistake.
		 */
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) {
			snprintf(err, errlen, "\"%s\" is not an identity: it holds a blank or a non-ASCII byte: %s",
				 orig, ID_EXPECT);
			return -EINVAL;
		}
	}
	id->type = type;
	id->len = (uint16_t)n;
	memcpy(id->data, s, n);
	return 0;
}

int iked_conf_id_parse(const char *s, struct iked_conf_id *id, char *err,
		       size_t errlen)
{
	struct in6_addr a6;
	struct in_addr a4;
	size_t i, n;

	memset(id, 0, sizeof(*id));
	if (!*s) {
		snprintf(err, errlen, "empty identity: %s", ID_EXPECT);
		return -EINVAL;
	}
	if (!strcmp(s, "%any")) {
		id->type = IKED_ID_ANY;
		return 0;
	}
	if (s[0] == '%') {
		snprintf(err, errlen, "\"%s\" is not an identity kesp-iked understands: %s",
			 s, ID_EXPECT);
		return -EINVAL;
	}
	if (s[0] == '@' && s[1] == '#') {
		n = strlen(s + 2);
		if (!n || n % 2) {
			snprintf(err, errlen, "\"%s\" is not a KEY_ID: expected @# and an even number of hex digits, e.g. @#0123abcd",
				 s);
			return -EINVAL;
		}
		if (n / 2 > IKED_ID_MAX) {
			snprintf(err, errlen, "KEY_ID of %zu bytes is too long: at most %d",
				 n / 2, IKED_ID_MAX);
			return -EINVAL;
		}
		for (i = 0; i < n / 2; i++) {
			int hi = iked_conf_hexval(s[2 + 2 * i]);
			int lo = iked_conf_hexval(s[3 + 2 * i]);

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "\"%s\" is not a KEY_ID: expected @# and an even number of hex digits, e.g. @#0123abcd",
					 s);
				return -EINVAL;
			}
			id->data[i] = (uint8_t)(hi << 4 | lo);
		}
		id->type = IKED_ID_KEY_ID;
		id->len = (uint16_t)(n / 2);
		return 0;
	}
	if (s[0] == '@' && s[1] == '@')
		return id_text(id, IKED_ID_RFC822_ADDR, s + 2, s, err, errlen);
	if (s[0] == '@')
		return id_text(id, IKED_ID_FQDN, s + 1, s, err, errlen);
	if (strchr(s, '='))
		return iked_conf_dn_parse(s, id, err, errlen);
	if (inet_pton(AF_INET, s, &a4) == 1) {
		id->type = IKED_ID_IPV4_ADDR;
		id->len = 4;
		memcpy(id->data, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		id->type = IKED_ID_IPV6_ADDR;
		id->len = 16;
		memcpy(id->data, &a6, 16);
		return 0;
	}
	if (strchr(s, '@'))
		return id_text(id, IKED_ID_RFC822_ADDR, s, s, err, errlen);
	return id_text(id, IKED_ID_FQDN, s, s, err, errlen);
}

const char *iked_conf_id_format(const struct iked_conf_id *id, char *buf,
				size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	switch (id->type) {
	case IKED_ID_ANY:
		iked_addf(buf, len, &used, "%%any");
		break;
	case IKED_ID_IPV4_ADDR:
	case IKED_ID_IPV6_ADDR: {
		char a[INET6_ADDRSTRLEN];

		if (!inet_ntop(id->type == IKED_ID_IPV4_ADDR ? AF_INET : AF_INET6,
			       id->data, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		iked_addf(buf, len, &used, "%s", a);
		break;
	}
	case IKED_ID_FQDN:
	case IKED_ID_RFC822_ADDR:
		/* A peer's bytes: never raw into a log line or ike list. */
		iked_escape(buf, len, id->data, id->len, 0);
		break;
	case IKED_ID_DER_ASN1_DN:
		iked_conf_dn_format(id, buf, len);
		break;
	case IKED_ID_KEY_ID:
		iked_addf(buf, len, &used, "@#");
		for (i = 0; i < id->len; i++)
			iked_addf(buf, len, &used, "%02x", id->data[i]);
		break;
	default:
		iked_addf(buf, len, &used, "id-type-%u", id->type);
		break;
	}
	return buf;
}

static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

int iked_conf_id_equal(const struct iked_conf_id *a,
		       const struct iked_conf_id *b)
{
	if (a->type != b->type || a->len != b->len)
		return 0;
	if (a->type == IKED_ID_FQDN || a->type == IKED_ID_RFC822_ADDR) {
		size_t i;

		/*
		 * Byte by byte, not strncasecmp(): that stops at a NUL, and
		 * "gw\0one" would then be "gw\0two".
		 */
		for (i = 0; i < a->len; i++)
			if (ascii_lower(a->data[i]) != ascii_lower(b->data[i]))
				return 0;
		return 1;
	}
	return !memcmp(a->data, b->data, a->len);
}

int iked_conf_id_match(const struct iked_conf_id *pattern,
		       const struct iked_conf_id *id)
{
	if (pattern->type == IKED_ID_DER_ASN1_DN)
		return iked_conf_dn_match(pattern, id);
	return pattern->type == IKED_ID_ANY || iked_conf_id_equal(pattern, id);
}
