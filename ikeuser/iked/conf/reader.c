// SPDX-License-Identifier: GPL-2.0
/* Read ipsec.conf: sections, includes, %default and also=, typed values, cross checks. */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "conf.h"
#include "../escape.h"
#include "../words.h"

/* A configuration this big is a mistake (or not a configuration). */
#define FILE_MAX	(16 << 20)
#define INCLUDE_DEPTH	8
#define ALSO_DEPTH	32
/* A TS payload counts its selectors in one byte. */
#define TS_MAX		255

enum kw_id {
	KW_NONE,
	KW_ALSO,
	KW_LEFT, KW_RIGHT,
	KW_LEFTID, KW_RIGHTID,
	KW_LEFTSUBNET, KW_RIGHTSUBNET,
	KW_LEFTPROTOPORT, KW_RIGHTPROTOPORT,
	KW_LEFTAUTH, KW_RIGHTAUTH,
	KW_AUTHBY,
	KW_KEYEXCHANGE,
	KW_IKE, KW_ESP,
	KW_IKELIFETIME, KW_LIFETIME, KW_REKEYMARGIN, KW_REKEYFUZZ,
	KW_KEYINGTRIES, KW_REKEY, KW_REAUTH,
	KW_AUTO, KW_TYPE,
	KW_DPDDELAY, KW_DPDTIMEOUT, KW_DPDACTION,
	KW_ENCAPS,
	KW_MOBIKE, KW_COMPRESS, KW_FRAGMENTATION, KW_INSTALLPOLICY,
	KW_AGGRESSIVE, KW_LEFTFIREWALL, KW_RIGHTFIREWALL, KW_CLOSEACTION,
	KW_UNSUPPORTED,		/* refused whatever the value */
	KW_SETUP,		/* config setup: accepted and ignored */
	KW_COUNT
};

/* Settings that only exist while a conn is put together. */
struct build {
	struct iked_conf_conn c;
	uint8_t authby_psk;
	uint8_t auth_psk[2];
	struct {
		uint8_t set, proto;
		struct kesp_port_range ports;
	} pp[2];
	/* Per selector: 1 if it was written with its own [proto/port]. */
	uint8_t *own_pp[2];
};

struct kw;
typedef int (*set_fn)(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen);

struct kw {
	const char *name;
	enum kw_id id;		/* synonyms share it */
	uint8_t setup;		/* 1: a config setup keyword */
	uint8_t side;		/* 0 left, 1 right, for left and right pairs */
	/* Text parsed when the keyword is not given (or given empty). */
	const char *dflt;
	set_fn set;
	/* The one value accepted (set_only), or NULL. */
	const char *only;
	/* Why something is refused or ignored. */
	const char *note;
};

static int set_host(struct build *, const struct kw *, const char *, char *, size_t);
static int set_id(struct build *, const struct kw *, const char *, char *, size_t);
static int set_subnet(struct build *, const struct kw *, const char *, char *, size_t);
static int set_protoport(struct build *, const struct kw *, const char *, char *, size_t);
static int set_auth(struct build *, const struct kw *, const char *, char *, size_t);
static int set_authby(struct build *, const struct kw *, const char *, char *, size_t);
static int set_keyexchange(struct build *, const struct kw *, const char *, char *, size_t);
static int set_proposals(struct build *, const struct kw *, const char *, char *, size_t);
static int set_time(struct build *, const struct kw *, const char *, char *, size_t);
static int set_percent(struct build *, const struct kw *, const char *, char *, size_t);
static int set_keyingtries(struct build *, const struct kw *, const char *, char *, size_t);
static int set_yesno(struct build *, const struct kw *, const char *, char *, size_t);
static int set_enum(struct build *, const struct kw *, const char *, char *, size_t);
static int set_only(struct build *, const struct kw *, const char *, char *, size_t);
static int set_unsupported(struct build *, const struct kw *, const char *, char *, size_t);

#define CERTS	"certificate authentication is not supported yet (kesp-iked does PSK)"
#define VIPS	"virtual IPs and configuration payloads are not supported yet"
#define UPDOWN	"kesp-iked runs no updown scripts"
#define EAP	"EAP and XAuth are not supported"

/*
 * Every keyword, and the defaults in one place. The first row of an id is
 * the one whose default counts. Defaults are strongSwan's (ipsec.conf(5)),
 * except keyexchange (kesp speaks IKEv2 only) and mobike (not supported,
 * so off rather than refusing every conn that does not mention it).
 */
#define CONN(n, i, s, d, f) \
	{ .name = n, .id = i, .side = s, .dflt = d, .set = f }
#define ONLY(n, i, s, v, why) \
	{ .name = n, .id = i, .side = s, .set = set_only, .only = v, .note = why }
#define NOPE(n, why) \
	{ .name = n, .id = KW_UNSUPPORTED, .set = set_unsupported, .note = why }
#define SETUP(n, why)	{ .name = n, .id = KW_SETUP, .setup = 1, .note = why }

static const struct kw kws[] = {
	{ .name = "also", .id = KW_ALSO },
	CONN("left", KW_LEFT, 0, NULL, set_host),
	CONN("right", KW_RIGHT, 1, NULL, set_host),
	CONN("leftid", KW_LEFTID, 0, NULL, set_id),
	CONN("rightid", KW_RIGHTID, 1, NULL, set_id),
	CONN("leftsubnet", KW_LEFTSUBNET, 0, NULL, set_subnet),
	CONN("rightsubnet", KW_RIGHTSUBNET, 1, NULL, set_subnet),
	CONN("leftprotoport", KW_LEFTPROTOPORT, 0, NULL, set_protoport),
	CONN("rightprotoport", KW_RIGHTPROTOPORT, 1, NULL, set_protoport),
	CONN("leftauth", KW_LEFTAUTH, 0, NULL, set_auth),
	CONN("rightauth", KW_RIGHTAUTH, 1, NULL, set_auth),
	CONN("authby", KW_AUTHBY, 0, NULL, set_authby),
	CONN("keyexchange", KW_KEYEXCHANGE, 0, "ikev2", set_keyexchange),
	/* "" stands for kesp's default proposals (proposal.c). */
	CONN("ike", KW_IKE, 0, "", set_proposals),
	CONN("esp", KW_ESP, 0, "", set_proposals),
	CONN("ikelifetime", KW_IKELIFETIME, 0, "3h", set_time),
	CONN("lifetime", KW_LIFETIME, 0, "1h", set_time),
	CONN("keylife", KW_LIFETIME, 0, "1h", set_time),
	CONN("rekeymargin", KW_REKEYMARGIN, 0, "9m", set_time),
	CONN("margintime", KW_REKEYMARGIN, 0, "9m", set_time),
	CONN("rekeyfuzz", KW_REKEYFUZZ, 0, "100%", set_percent),
	CONN("keyingtries", KW_KEYINGTRIES, 0, "3", set_keyingtries),
	CONN("rekey", KW_REKEY, 0, "yes", set_yesno),
	CONN("reauth", KW_REAUTH, 0, "no", set_yesno),
	CONN("auto", KW_AUTO, 0, "ignore", set_enum),
	CONN("type", KW_TYPE, 0, "tunnel", set_enum),
	CONN("dpddelay", KW_DPDDELAY, 0, "30s", set_time),
	CONN("dpdtimeout", KW_DPDTIMEOUT, 0, "150s", set_time),
	CONN("dpdaction", KW_DPDACTION, 0, "none", set_enum),
	CONN("encapsulation", KW_ENCAPS, 0, "auto", set_enum),
	CONN("forceencaps", KW_ENCAPS, 0, "no", set_enum),
	ONLY("mobike", KW_MOBIKE, 0, "no",
	     "MOBIKE (RFC 4555) is not supported yet"),
	ONLY("compress", KW_COMPRESS, 0, "no", "IPComp is not supported"),
	ONLY("fragmentation", KW_FRAGMENTATION, 0, "no",
	     "IKE fragmentation is not supported yet (PSK exchanges fit in one datagram)"),
	ONLY("installpolicy", KW_INSTALLPOLICY, 0, "yes",
	     "kesp-iked always installs the policies of its CHILD SAs"),
	ONLY("aggressive", KW_AGGRESSIVE, 0, "no",
	     "aggressive mode is IKEv1, which is not supported yet"),
	ONLY("leftfirewall", KW_LEFTFIREWALL, 0, "no", UPDOWN),
	ONLY("rightfirewall", KW_RIGHTFIREWALL, 1, "no", UPDOWN),
	ONLY("closeaction", KW_CLOSEACTION, 0, "none",
	     "closeaction is not supported yet"),
	NOPE("leftcert", CERTS),
	NOPE("rightcert", CERTS),
	NOPE("leftsigkey", CERTS),
	NOPE("rightsigkey", CERTS),
	NOPE("leftca", CERTS),
	NOPE("rightca", CERTS),
	NOPE("leftsendcert", CERTS),
	NOPE("rightsendcert", CERTS),
	NOPE("leftsourceip", VIPS),
	NOPE("rightsourceip", VIPS),
	NOPE("leftdns", VIPS),
	NOPE("rightdns", VIPS),
	NOPE("modeconfig", VIPS),
	NOPE("leftupdown", UPDOWN),
	NOPE("rightupdown", UPDOWN),
	NOPE("lefthostaccess", UPDOWN),
	NOPE("righthostaccess", UPDOWN),
	NOPE("leftauth2", "a second authentication round is not supported"),
	NOPE("rightauth2", "a second authentication round is not supported"),
	NOPE("eap", EAP),
	NOPE("eap_identity", EAP),
	NOPE("aaa_identity", EAP),
	NOPE("xauth", EAP),
	NOPE("xauth_identity", EAP),
	NOPE("leftallowany", "write left=%any instead"),
	NOPE("rightallowany", "write right=%any instead"),
	NOPE("leftikeport", "kesp-iked uses UDP ports 500 and 4500"),
	NOPE("rightikeport", "kesp-iked uses UDP ports 500 and 4500"),
	NOPE("ah", "kesp does ESP only; use esp="),
	NOPE("auth", "kesp does ESP only; use esp="),
	NOPE("inactivity", "inactivity timeouts are not supported yet"),
	NOPE("lifebytes", "byte and packet lifetimes are not supported yet"),
	NOPE("lifepackets", "byte and packet lifetimes are not supported yet"),
	NOPE("marginbytes", "byte and packet lifetimes are not supported yet"),
	NOPE("marginpackets", "byte and packet lifetimes are not supported yet"),
	NOPE("mark", "XFRM marks have no meaning for kesp.ko"),
	NOPE("mark_in", "XFRM marks have no meaning for kesp.ko"),
	NOPE("mark_out", "XFRM marks have no meaning for kesp.ko"),
	NOPE("reqid", "kesp-iked assigns reqids itself"),
	NOPE("tfc", "traffic flow confidentiality padding is not supported"),
	NOPE("ikedscp", "DSCP marking of IKE packets is not supported"),
	NOPE("mediation", "the IKEv2 mediation extension is not supported"),
	NOPE("mediated_by", "the IKEv2 mediation extension is not supported"),
	NOPE("me_peerid", "the IKEv2 mediation extension is not supported"),
	SETUP("charondebug", "kesp-iked's log level is set with its own options"),
	SETUP("plutodebug", "kesp-iked's log level is set with its own options"),
	SETUP("uniqueids", "kesp-iked does not enforce unique identities yet"),
	SETUP("strictcrlpolicy", "kesp-iked uses no certificates"),
	SETUP("cachecrls", "kesp-iked uses no certificates"),
	SETUP("crlcheckinterval", "kesp-iked uses no certificates"),
	SETUP("charonstart", "kesp-iked is the only daemon"),
	SETUP("plutostart", "kesp-iked is the only daemon"),
	SETUP("nat_traversal", "NAT traversal is always on"),
	SETUP("protostack", "kesp-iked always uses kesp.ko"),
};

#define N_KWS (sizeof(kws) / sizeof(kws[0]))

/* Values of the keywords set_enum() handles; the first is the default's. */
static const struct {
	enum kw_id id;
	const char *name;		/* the row it applies to, or NULL */
	const char *const words[5];
	const int vals[5];
} enums[] = {
	{ KW_AUTO, NULL, { "ignore", "add", "route", "start" },
	  { IKED_AUTO_IGNORE, IKED_AUTO_ADD, IKED_AUTO_ROUTE, IKED_AUTO_START } },
	{ KW_TYPE, NULL, { "tunnel", "transport" },
	  { IKED_MODE_TUNNEL, IKED_MODE_TRANSPORT } },
	{ KW_DPDACTION, NULL, { "none", "clear", "hold", "restart" },
	  { IKED_DPD_NONE, IKED_DPD_CLEAR, IKED_DPD_HOLD, IKED_DPD_RESTART } },
	{ KW_ENCAPS, "encapsulation", { "auto", "yes", "no" },
	  { IKED_ENCAPS_AUTO, IKED_ENCAPS_FORCE, IKED_ENCAPS_NEVER } },
	{ KW_ENCAPS, "forceencaps", { "no", "yes" },
	  { IKED_ENCAPS_AUTO, IKED_ENCAPS_FORCE } },
};

#define N_ENUMS (sizeof(enums) / sizeof(enums[0]))

enum sect_type {
	SECT_SETUP,
	SECT_CONN,
	SECT_DEFAULT,
};

struct entry {
	const struct kw *kw;
	char *value;			/* "" means the default */
	const char *file;
	unsigned int line;
};

struct sect {
	enum sect_type type;
	char *name;
	const char *file;
	unsigned int line;
	struct entry *e;
	size_t n;
};

struct reader {
	struct iked_conf *conf;
	struct sect *s;
	size_t n_s;
	long cur;			/* the open section, -1 for none */
	long dflt;			/* the merged conn %default, or -1 */
	long setup;			/* the merged config setup, or -1 */
	long first_conn;		/* to refuse a %default after it */
	unsigned int depth;		/* of include */
	char *err;
	size_t errlen;
};

/* Append to a message buffer that keeps its terminating NUL. */

static int fail(struct reader *r, const char *file, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct reader *r, const char *file, unsigned int line,
		const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;
	int w;

	iked_addf(r->err, r->errlen, &used, "%s:%u: ", file, line);
	if (used >= r->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	w = vsnprintf(r->err + used, r->errlen - used, fmt, ap);
	va_end(ap);
	(void)w;
	return -EINVAL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}


static const struct kw *kw_find(const char *name, int setup)
{
	size_t i;

	for (i = 0; i < N_KWS; i++)
		if (kws[i].setup == setup && !strcmp(kws[i].name, name))
			return &kws[i];
	return NULL;
}

/* The row whose default counts for @id. */
static const struct kw *kw_first(enum kw_id id)
{
	size_t i;

	for (i = 0; i < N_KWS; i++)
		if (kws[i].id == id)
			return &kws[i];
	return NULL;
}

/* ---- Values ---- */

/* One of @n words, or a message listing them. */
static int pick(const char *v, const char *const *words, size_t n, int *idx,
		char *err, size_t errlen)
{
	size_t i, used = 0;

	for (i = 0; i < n && words[i]; i++) {
		if (!strcmp(v, words[i])) {
			*idx = (int)i;
			return 0;
		}
	}
	iked_addf(err, errlen, &used, "\"%s\" is not a valid value: expected ", v);
	for (i = 0; i < n && words[i]; i++)
		iked_addf(err, errlen, &used, "%s%s",
		     i == 0 ? "" : i + 1 == n || !words[i + 1] ? " or " : ", ",
		     words[i]);
	return -EINVAL;
}

int iked_conf_time_parse(const char *s, uint32_t *secs, char *err,
			 size_t errlen)
{
	uint64_t whole = 0, frac = 0, scale = 1, mult = 1, total;
	const char *p = s;
	int digits = 0, frac_digits = 0;

	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (uint64_t)(*p++ - '0');
		digits++;
		if (whole > UINT32_MAX)
			goto too_long;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			/* Beyond a millionth nothing changes a whole second. */
			if (frac_digits < 6) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
			p++;
			frac_digits++;
		}
		if (!frac_digits)
			goto bad;
	}
	if (!digits)
		goto bad;
	switch (*p) {
	case '\0':
	case 's':
		/* strongSwan takes fractions with m, h and d only. */
		if (frac_digits)
			goto bad;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		goto bad;
	}
	if (*p && p[1])
		goto bad;
	total = whole * mult + frac * mult / scale;
	if (total > UINT32_MAX)
		goto too_long;
	*secs = (uint32_t)total;
	return 0;
too_long:
	snprintf(err, errlen, "\"%s\" is too long a time: at most %u seconds",
		 s, UINT32_MAX);
	return -EINVAL;
bad:
	snprintf(err, errlen, "\"%s\" is not a time: expected seconds, or a number with s, m, h or d, e.g. 30s, 10m, 1h, 1d",
		 s);
	return -EINVAL;
}

static int parse_uint(const char *s, uint32_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > UINT32_MAX)
			return -ERANGE;
	}
	*v = (uint32_t)x;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

#define ID_EXPECT "expected an IP address, FQDN, @FQDN, user@domain, @#HEX (KEY_ID) or %any"

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
			int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);

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
	if (strchr(s, '=')) {
		snprintf(err, errlen, "\"%s\" looks like a distinguished name, which identifies a certificate: %s",
			 s, "certificate authentication is not supported yet (kesp-iked does PSK)");
		return -EINVAL;
	}
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
	return pattern->type == IKED_ID_ANY || iked_conf_id_equal(pattern, id);
}

/* ---- Keyword parsers ---- */

static struct iked_conf_end *end_of(struct build *b, const struct kw *kw)
{
	return kw->side ? &b->c.right : &b->c.left;
}

/* A word that only a DNS name would be. */
static int looks_like_name(const char *v)
{
	int alpha = 0;

	for (; *v; v++) {
		char c = *v | 0x20;

		if (c >= 'a' && c <= 'z')
			alpha = 1;
		else if (!(*v >= '0' && *v <= '9') && *v != '.' && *v != '-')
			return 0;
	}
	return alpha;
}

static int set_host(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);
	char why[128];

	/*
	 * strongSwan 5 treats %defaultroute as %any: the route to the peer
	 * picks the source address when initiating.
	 */
	if (!strcmp(v, "%any") || !strcmp(v, "%defaultroute")) {
		memset(&e->addr, 0, sizeof(e->addr));
		return 0;
	}
	if (!kesp_addr_parse(v, &e->addr, why, sizeof(why)))
		return 0;
	if (!strcmp(v, "any")) {
		snprintf(err, errlen, "\"any\" is not an address: write %%any");
		return -EINVAL;
	}
	if (strchr(v, ',') || strchr(v, '/') ||
	    (strchr(v, '-') && !looks_like_name(v))) {
		snprintf(err, errlen, "\"%s\" is not supported yet: kesp-iked takes one address or %%any, not lists, ranges or subnets",
			 v);
		return -EINVAL;
	}
	if (looks_like_name(v)) {
		snprintf(err, errlen, "\"%s\" is not supported yet: kesp-iked does not resolve DNS names; give an IP address or %%any",
			 v);
		return -EINVAL;
	}
	snprintf(err, errlen, "\"%s\" is not an address: expected an IPv4 or IPv6 address or %%any, e.g. 192.0.2.1",
		 v);
	return -EINVAL;
}

static int set_id(struct build *b, const struct kw *kw, const char *v,
		  char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);

	if (iked_conf_id_parse(v, &e->id, err, errlen))
		return -EINVAL;
	e->id_set = 1;
	return 0;
}

#define PP_EXPECT "expected PROTO[/PORT], e.g. tcp/80, udp/%any or 17/500"

/* "tcp/80", "udp/%any", "17/500", "tcp", "%any/53" is refused. */
static int parse_pp(const char *v, size_t n, uint8_t *proto,
		    struct kesp_port_range *ports, char *err, size_t errlen)
{
	char buf[64], why[160];
	char *slash, *port;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "\"%.*s...\" is not a protocol/port: %s",
			 20, v, PP_EXPECT);
		return -EINVAL;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	port = slash ? slash + 1 : NULL;
	if (slash)
		*slash = '\0';
	ports->min = 0;
	ports->max = 65535;
	if (!buf[0] || !strcmp(buf, "%any")) {
		*proto = 0;
	} else if (kesp_proto_parse(buf, proto, why, sizeof(why))) {
		if (slash)
			*slash = '/';
		snprintf(err, errlen, "\"%s\" is not a protocol/port (%s): %s",
			 buf, why, PP_EXPECT);
		return -EINVAL;
	}
	if (!port || !strcmp(port, "%any"))
		return 0;
	if (slash)
		*slash = '/';
	if (!strcmp(port, "%opaque")) {
		snprintf(err, errlen, "\"%s\" is not supported: OPAQUE ports are not; give a port or %%any",
			 buf);
		return -EINVAL;
	}
	if (kesp_ports_parse(port, ports, why, sizeof(why))) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port (port: %s): %s",
			 buf, why, PP_EXPECT);
		return -EINVAL;
	}
	if (!*proto) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port: a port needs a protocol: %s",
			 buf, PP_EXPECT);
		return -EINVAL;
	}
	if (!kesp_proto_has_ports(*proto)) {
		snprintf(err, errlen, "\"%s\" is not a protocol/port: protocol %u has no ports: give the protocol alone",
			 buf, *proto);
		return -EINVAL;
	}
	return 0;
}

static int set_protoport(struct build *b, const struct kw *kw, const char *v,
			 char *err, size_t errlen)
{
	int s = kw->side;

	if (parse_pp(v, strlen(v), &b->pp[s].proto, &b->pp[s].ports, err,
		     errlen))
		return -EINVAL;
	b->pp[s].set = 1;
	return 0;
}

#define SUBNET_EXPECT "expected ADDRESS/LEN, e.g. 10.2.0.0/16"

/* One entry of a subnet list: PREFIX or %dynamic, then maybe [PROTO/PORT]. */
static int parse_ts(const char *v, size_t n, struct iked_conf_ts *ts,
		    uint8_t *own, char *err, size_t errlen)
{
	const char *open = memchr(v, '[', n);
	size_t pl = open ? (size_t)(open - v) : n;
	char buf[KESP_PREFIX_STRLEN + 8], why[160];

	memset(ts, 0, sizeof(*ts));
	ts->ports.max = 65535;
	*own = 0;
	if (open) {
		if (v[n - 1] != ']') {
			snprintf(err, errlen, "\"%.*s\" is not a subnet: a [ without its ]: expected ADDRESS/LEN[PROTO/PORT], e.g. 10.2.0.0/16[tcp/80]",
				 (int)n, v);
			return -EINVAL;
		}
		if (parse_pp(open + 1, n - pl - 2, &ts->proto, &ts->ports, err,
			     errlen))
			return -EINVAL;
		*own = 1;
	}
	while (pl && is_space(v[pl - 1]))
		pl--;
	if (pl >= sizeof(buf)) {
		snprintf(err, errlen, "\"%.*s...\" is not a prefix: %s", 20, v,
			 SUBNET_EXPECT);
		return -EINVAL;
	}
	memcpy(buf, v, pl);
	buf[pl] = '\0';
	if (!strcmp(buf, "%dynamic")) {
		ts->dynamic = 1;
		return 0;
	}
	if (kesp_prefix_parse(buf, &ts->net, why, sizeof(why))) {
		snprintf(err, errlen, "\"%s\" is not a prefix (%s): %s", buf, why,
			 SUBNET_EXPECT);
		return -EINVAL;
	}
	if (!ts->net.addr.family) {
		snprintf(err, errlen, "\"%s\" is not a prefix: %s (0.0.0.0/0 or ::/0 for everything)",
			 buf, SUBNET_EXPECT);
		return -EINVAL;
	}
	return 0;
}

static int set_subnet(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);
	size_t n = 1, i, k = 0, len = strlen(v);
	struct iked_conf_ts *ts;
	uint8_t *own;

	for (i = 0; i < len; i++)
		n += v[i] == ',';
	if (n > TS_MAX) {
		snprintf(err, errlen, "%zu subnets: at most %d", n, TS_MAX);
		return -EINVAL;
	}
	ts = calloc(n, sizeof(*ts));
	own = calloc(n, 1);
	if (!ts || !own) {
		free(ts);
		free(own);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i <= len; k++) {
		size_t bgn = i, end;

		while (i < len && v[i] != ',')
			i++;
		end = i++;
		while (bgn < end && is_space(v[bgn]))
			bgn++;
		while (end > bgn && is_space(v[end - 1]))
			end--;
		if (bgn == end) {
			snprintf(err, errlen, "empty entry in \"%s\": %s, separated by single commas",
				 v, SUBNET_EXPECT);
			goto fail;
		}
		if (parse_ts(v + bgn, end - bgn, &ts[k], &own[k], err, errlen))
			goto fail;
	}
	free(e->ts);
	free(b->own_pp[kw->side]);
	e->ts = ts;
	e->n_ts = n;
	b->own_pp[kw->side] = own;
	return 0;
fail:
	free(ts);
	free(own);
	return -EINVAL;
}

static const char *const psk_words[] = { "psk", "secret" };

static int set_auth(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	int idx;

	if (!strcmp(v, "psk") || !strcmp(v, "secret")) {
		b->auth_psk[kw->side] = 1;
		return 0;
	}
	if (!strncmp(v, "pubkey", 6) || !strncmp(v, "rsa", 3) ||
	    !strncmp(v, "ecdsa", 5) || !strncmp(v, "eap", 3) ||
	    !strncmp(v, "xauth", 5)) {
		snprintf(err, errlen, "\"%s\" is not supported yet: kesp-iked authenticates with pre-shared keys only (psk)",
			 v);
		return -EINVAL;
	}
	return pick(v, psk_words, 2, &idx, err, errlen);
}

static int set_authby(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen)
{
	static const char *const unsupported[] = {
		"pubkey", "rsasig", "ecdsasig", "never", "xauthpsk",
		"xauthrsasig", "eap",
	};
	static const char *const words[] = { "secret", "psk" };
	size_t i;
	int idx;

	(void)kw;
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (!strcmp(v, unsupported[i])) {
			snprintf(err, errlen, "\"%s\" is not supported yet: kesp-iked authenticates with pre-shared keys only: use authby=secret",
				 v);
			return -EINVAL;
		}
	}
	if (pick(v, words, 2, &idx, err, errlen))
		return -EINVAL;
	b->authby_psk = 1;
	return 0;
}

static int set_keyexchange(struct build *b, const struct kw *kw,
			   const char *v, char *err, size_t errlen)
{
	static const char *const words[] = { "ikev2", "ike" };
	int idx;

	(void)b;
	(void)kw;
	if (!strcmp(v, "ikev1")) {
		snprintf(err, errlen, "\"ikev1\" is not supported yet: kesp-iked speaks IKEv2 only; use keyexchange=ikev2");
		return -EINVAL;
	}
	/*
	 * "ike" is strongSwan's default: initiate with IKEv2, answer both;
	 * kesp-iked answers IKEv2 only.
	 */
	return pick(v, words, 2, &idx, err, errlen);
}

static int set_proposals(struct build *b, const struct kw *kw,
			 const char *v, char *err, size_t errlen)
{
	struct iked_prop_list *l = kw->id == KW_IKE ? &b->c.ike : &b->c.esp;
	struct iked_prop_list n;

	if (iked_prop_parse(kw->id == KW_IKE ? IKED_PROP_IKE : IKED_PROP_ESP,
			    v, &n, err, errlen))
		return -EINVAL;
	iked_prop_list_free(l);
	*l = n;
	return 0;
}

static uint32_t *time_field(struct build *b, enum kw_id id)
{
	switch (id) {
	case KW_IKELIFETIME:
		return &b->c.ikelifetime;
	case KW_LIFETIME:
		return &b->c.lifetime;
	case KW_REKEYMARGIN:
		return &b->c.rekeymargin;
	case KW_DPDDELAY:
		return &b->c.dpddelay;
	default:
		return &b->c.dpdtimeout;
	}
}

static int set_time(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	return iked_conf_time_parse(v, time_field(b, kw->id), err, errlen);
}

static int set_percent(struct build *b, const struct kw *kw, const char *v,
		       char *err, size_t errlen)
{
	size_t n = strlen(v);
	char buf[16];

	(void)kw;
	if (n < 2 || n >= sizeof(buf) || v[n - 1] != '%')
		goto bad;
	memcpy(buf, v, n - 1);
	buf[n - 1] = '\0';
	if (parse_uint(buf, &b->c.rekeyfuzz) || b->c.rekeyfuzz > 100000)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "\"%s\" is not a percentage: expected a whole number and %%, e.g. 100%%",
		 v);
	return -EINVAL;
}

static int set_keyingtries(struct build *b, const struct kw *kw,
			   const char *v, char *err, size_t errlen)
{
	(void)kw;
	if (!strcmp(v, "%forever")) {
		b->c.keyingtries = 0;
		return 0;
	}
	if (parse_uint(v, &b->c.keyingtries)) {
		snprintf(err, errlen, "\"%s\" is not a number of tries: expected a whole number or %%forever",
			 v);
		return -EINVAL;
	}
	return 0;
}

static int set_yesno(struct build *b, const struct kw *kw, const char *v,
		     char *err, size_t errlen)
{
	static const char *const words[] = { "yes", "no" };
	uint8_t *f = kw->id == KW_REKEY ? &b->c.rekey : &b->c.reauth;
	int idx;

	if (pick(v, words, 2, &idx, err, errlen))
		return -EINVAL;
	*f = idx == 0;
	return 0;
}

static int set_enum(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	size_t i;
	int idx;

	for (i = 0; i < N_ENUMS; i++)
		if (enums[i].id == kw->id &&
		    (!enums[i].name || !strcmp(enums[i].name, kw->name)))
			break;
	if (i == N_ENUMS) {
		snprintf(err, errlen, "internal error: no values for %s", kw->name);
		return -EINVAL;
	}
	if (pick(v, enums[i].words, 5, &idx, err, errlen))
		return -EINVAL;
	switch (kw->id) {
	case KW_AUTO:
		b->c.autostart = (enum iked_conf_auto)enums[i].vals[idx];
		break;
	case KW_TYPE:
		b->c.mode = (enum iked_conf_mode)enums[i].vals[idx];
		break;
	case KW_DPDACTION:
		b->c.dpdaction = (enum iked_conf_dpdaction)enums[i].vals[idx];
		break;
	default:
		b->c.encaps = (enum iked_conf_encaps)enums[i].vals[idx];
		break;
	}
	return 0;
}

static int set_only(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	(void)b;
	if (!strcmp(v, kw->only))
		return 0;
	snprintf(err, errlen, "\"%s\" is not supported: %s; set %s=%s or leave it out",
		 v, kw->note, kw->name, kw->only);
	return -EINVAL;
}

static int set_unsupported(struct build *b, const struct kw *kw,
			   const char *v, char *err, size_t errlen)
{
	(void)b;
	(void)v;
	snprintf(err, errlen, "not supported: %s", kw->note);
	return -EINVAL;
}

static void build_free(struct build *b)
{
	free(b->c.name);
	free(b->c.left.ts);
	free(b->c.right.ts);
	iked_prop_list_free(&b->c.ike);
	iked_prop_list_free(&b->c.esp);
	free(b->own_pp[0]);
	free(b->own_pp[1]);
	memset(b, 0, sizeof(*b));
}

/* ---- The configuration being built ---- */

static int add_string(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	*v = nv;
	(*v)[(*n)++] = s;
	return 0;
}

static int warn(struct reader *r, const char *file, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int warn(struct reader *r, const char *file, unsigned int line,
		const char *fmt, ...)
{
	struct iked_conf *c = r->conf;
	char buf[IKED_CONF_ERRLEN];
	size_t used = 0, i;
	va_list ap;

	iked_addf(buf, sizeof(buf), &used, "%s:%u: ", file, line);
	va_start(ap, fmt);
	if (used < sizeof(buf))
		vsnprintf(buf + used, sizeof(buf) - used, fmt, ap);
	va_end(ap);
	/* A %default line inherited by many conns warns once. */
	for (i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warnings[i], buf))
			return 0;
	if (add_string(&c->warnings, &c->n_warnings, strdup(buf))) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static const char *add_file(struct reader *r, const char *name)
{
	struct iked_conf *c = r->conf;

	if (add_string(&c->files, &c->n_files, strdup(name)))
		return NULL;
	return c->files[c->n_files - 1];
}

static void reader_free(struct reader *r)
{
	size_t i, k;

	for (i = 0; i < r->n_s; i++) {
		for (k = 0; k < r->s[i].n; k++)
			free(r->s[i].e[k].value);
		free(r->s[i].e);
		free(r->s[i].name);
	}
	free(r->s);
}

/* ---- Reading lines ---- */

static int read_path(struct reader *r, const char *path, const char *from,
		     unsigned int from_line);

static int open_section(struct reader *r, enum sect_type type,
			const char *name, const char *file, unsigned int line)
{
	struct sect *ns;

	ns = realloc(r->s, (r->n_s + 1) * sizeof(*ns));
	if (!ns)
		goto oom;
	r->s = ns;
	memset(&r->s[r->n_s], 0, sizeof(r->s[0]));
	r->s[r->n_s].type = type;
	r->s[r->n_s].file = file;
	r->s[r->n_s].line = line;
	r->s[r->n_s].name = strdup(name);
	if (!r->s[r->n_s].name)
		goto oom;
	r->cur = (long)r->n_s++;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	return -ENOMEM;
}

static int valid_name(const char *s)
{
	char c = *s | 0x20;

	if (c < 'a' || c > 'z')
		return 0;
	for (; *s; s++) {
		c = *s | 0x20;
		if (!(c >= 'a' && c <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '.' && *s != '_' && *s != '-')
			return 0;
	}
	return 1;
}

/* "conn NAME", "config setup", "include FILE", "version 2", ... */
static int section_line(struct reader *r, const char *file, unsigned int line,
			char *p)
{
	char *words[3] = { NULL, NULL, NULL };
	size_t n = 0, i;

	/* Words up to a comment; a third word is a mistake. */
	while (*p && n < 3) {
		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		words[n++] = p;
		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	while (is_space(*p))
		p++;
	if (n == 3 || (*p && *p != '#'))
		return fail(r, file, line, "\"%s %s\" is followed by more words: a section line is \"conn NAME\", \"config setup\" or \"include FILE\"",
			    words[0], words[1]);
	if (!strcmp(words[0], "conn")) {
		if (n < 2)
			return fail(r, file, line, "conn without a name: expected conn NAME");
		if (!strcmp(words[1], "%default")) {
			if (r->first_conn >= 0)
				return fail(r, file, line, "conn %%default after conn %s (%s:%u): put %%default sections first; they apply to the conns that follow",
					    r->s[r->first_conn].name,
					    r->s[r->first_conn].file,
					    r->s[r->first_conn].line);
			if (r->dflt >= 0) {
				r->cur = r->dflt;
				return 0;
			}
			if (open_section(r, SECT_DEFAULT, words[1], file, line))
				return -ENOMEM;
			r->dflt = r->cur;
			return 0;
		}
		if (!valid_name(words[1]))
			return fail(r, file, line, "conn name \"%s\" must start with a letter and hold only letters, digits, \".\", \"_\" and \"-\"",
				    words[1]);
		for (i = 0; i < r->n_s; i++)
			if (r->s[i].type == SECT_CONN &&
			    !strcmp(r->s[i].name, words[1]))
				return fail(r, file, line, "conn %s is already defined at %s:%u",
					    words[1], r->s[i].file,
					    r->s[i].line);
		if (open_section(r, SECT_CONN, words[1], file, line))
			return -ENOMEM;
		if (r->first_conn < 0)
			r->first_conn = r->cur;
		return 0;
	}
	if (!strcmp(words[0], "config")) {
		if (n < 2 || strcmp(words[1], "setup"))
			return fail(r, file, line, "unknown config section: expected config setup");
		if (r->setup >= 0) {
			r->cur = r->setup;
			return 0;
		}
		if (open_section(r, SECT_SETUP, "setup", file, line))
			return -ENOMEM;
		r->setup = r->cur;
		return 0;
	}
	if (!strcmp(words[0], "include")) {
		if (n < 2)
			return fail(r, file, line, "include without a file: expected include FILE");
		r->cur = -1;
		return read_path(r, words[1], file, line);
	}
	if (!strcmp(words[0], "ca"))
		return fail(r, file, line, "ca sections are not supported: %s", CERTS);
	/* FreeS/WAN's and old Libreswan's first line. */
	if (!strcmp(words[0], "version") && n == 2 &&
	    (!strcmp(words[1], "2") || !strcmp(words[1], "2.0")))
		return 0;
	return fail(r, file, line, "\"%s\" at the start of a line: expected conn NAME, config setup or include FILE (lines inside a section begin with white space)",
		    words[0]);
}

/* The list of conn keywords kesp-iked reads, for "unknown keyword". */
static void list_keywords(char *buf, size_t len, size_t *used, int setup)
{
	size_t i, n = 0;

	for (i = 0; i < N_KWS; i++) {
		if (kws[i].setup != setup || kws[i].id == KW_UNSUPPORTED)
			continue;
		iked_addf(buf, len, used, "%s%s", n++ ? ", " : "", kws[i].name);
	}
}

/* Keywords of config setup, or of conn sections, for suggestions. */
static const char *kw_name(size_t i, const void *arg)
{
	int setup = *(const int *)arg;

	return kws[i].setup == setup ? kws[i].name : NULL;
}

static int unknown_keyword(struct reader *r, const char *file,
			   unsigned int line, const char *key,
			   const struct sect *s)
{
	int setup = s->type == SECT_SETUP;
	char msg[IKED_CONF_ERRLEN];
	size_t used = 0;

	if (setup)
		iked_addf(msg, sizeof(msg), &used,
			  "unknown keyword \"%s\" in config setup", key);
	else
		iked_addf(msg, sizeof(msg), &used,
			  "unknown keyword \"%s\" in conn %s", key, s->name);
	if (!iked_suggest(msg, sizeof(msg), &used, key, N_KWS, kw_name,
			  &setup)) {
		iked_addf(msg, sizeof(msg), &used, ": expected one of ");
		list_keywords(msg, sizeof(msg), &used, setup);
	}
	return fail(r, file, line, "%s", msg);
}

static int add_entry(struct reader *r, const char *file, unsigned int line,
		     const char *key, const char *value)
{
	struct sect *s = &r->s[r->cur];
	int setup = s->type == SECT_SETUP;
	const struct kw *kw = kw_find(key, setup);
	struct entry *ne;
	size_t i;

	if (!kw)
		return unknown_keyword(r, file, line, key, s);
	for (i = 0; i < s->n; i++) {
		const struct entry *o = &s->e[i];

		if (kw->id == KW_ALSO) {
			if (o->kw->id == KW_ALSO && !strcmp(o->value, value))
				return fail(r, file, line, "also: conn %s is already included at %s:%u",
					    value, o->file, o->line);
			continue;
		}
		if (o->kw->id != kw->id ||
		    (kw->id == KW_SETUP && o->kw != kw))
			continue;
		if (o->kw == kw)
			return fail(r, file, line, "%s: already set in this section at %s:%u",
				    key, o->file, o->line);
		return fail(r, file, line, "%s: already set in this section as %s at %s:%u",
			    key, o->kw->name, o->file, o->line);
	}
	if (kw->id == KW_ALSO) {
		if (s->type != SECT_CONN)
			return fail(r, file, line, "also: not allowed in conn %%default");
		if (!*value)
			return fail(r, file, line, "also: expected the name of a conn");
	} else if (setup) {
		if (warn(r, file, line, "config setup: %s is ignored: %s", key,
			 kw->note))
			return -ENOMEM;
	} else if (*value) {
		/*
		 * Check now, so the first mistake in the file is the one
		 * reported, wherever the value ends up being used.
		 */
		struct build scratch;
		char why[IKED_CONF_ERRLEN];
		int ret;

		memset(&scratch, 0, sizeof(scratch));
		ret = kw->set(&scratch, kw, value, why, sizeof(why));
		build_free(&scratch);
		if (ret)
			return fail(r, file, line, "%s: %s", key, why);
	}
	ne = realloc(s->e, (s->n + 1) * sizeof(*ne));
	if (!ne)
		goto oom;
	s->e = ne;
	s->e[s->n].kw = kw;
	s->e[s->n].file = file;
	s->e[s->n].line = line;
	s->e[s->n].value = strdup(value);
	if (!s->e[s->n].value)
		goto oom;
	s->n++;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	return -ENOMEM;
}

/* An indented line: KEYWORD=VALUE, VALUE maybe quoted, maybe a comment. */
static int keyword_line(struct reader *r, const char *file, unsigned int line,
			char *p)
{
	char *key = p, *value, *q;

	while (*p && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
		p++;
	q = p;
	while (is_space(*q))
		q++;
	if (p == key || *q != '=')
		return fail(r, file, line, "expected KEYWORD=VALUE, not \"%.40s\"",
			    key);
	*p = '\0';
	q++;
	while (is_space(*q))
		q++;
	if (*q == '"') {
		char *w = ++q;

		value = w;
		for (;;) {
			if (!*q)
				return fail(r, file, line, "%s: the quoted value has no closing \"",
					    key);
			if (*q == '"')
				break;
			/* \" and \\ as strongSwan reads them. */
			if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
				q++;
			*w++ = *q++;
		}
		q++;
		*w = '\0';
		while (is_space(*q))
			q++;
		if (*q && *q != '#')
			return fail(r, file, line, "%s: text after the closing quote: \"%.40s\"",
				    key, q);
	} else {
		/* A comment starts with # after white space; "@#ab" is not. */
		value = q;
		for (p = q; *p; p++) {
			if (*p == '#' && (p == q || is_space(p[-1]))) {
				*p = '\0';
				break;
			}
		}
		p = value + strlen(value);
		while (p > value && is_space(p[-1]))
			*--p = '\0';
	}
	return add_entry(r, file, line, key, value);
}

static int read_line(struct reader *r, const char *file, unsigned int line,
		     char *p)
{
	size_t n = strlen(p);
	char *q = p;

	if (n && p[n - 1] == '\r')
		p[n - 1] = '\0';
	while (is_space(*q))
		q++;
	if (!*q || *q == '#')
		return 0;
	if (q == p)
		return section_line(r, file, line, p);
	if (r->cur < 0)
		return fail(r, file, line, "indented line outside a section: put it under a conn NAME or config setup line, or remove the indentation if it starts one");
	return keyword_line(r, file, line, q);
}

static int read_text(struct reader *r, const char *file, const char *text,
		     size_t len)
{
	const char *nul = memchr(text, '\0', len);
	unsigned int line = 0;
	char *copy, *p;
	int ret = 0;

	if (nul) {
		unsigned int at = 1;
		const char *c;

		for (c = text; c < nul; c++)
			at += *c == '\n';
		return fail(r, file, at, "NUL byte: this is not a text file");
	}
	copy = malloc(len + 1);
	if (!copy) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (p = copy; !ret && *p; ) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		line++;
		ret = read_line(r, file, line, p);
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(copy);
	return ret;
}

static int read_file(struct reader *r, const char *path, const char *from,
		     unsigned int from_line)
{
	const char *name;
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (from)
			fail(r, from, from_line, "include: cannot open %s: %s",
			     path, strerror(-ret));
		else
			snprintf(r->err, r->errlen, "%s: cannot open: %s", path,
				 strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		snprintf(r->err, r->errlen, "%s: not a regular file of at most %d bytes",
			 path, FILE_MAX);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t w = read(fd, buf + got, (size_t)st.st_size - got);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			snprintf(r->err, r->errlen, "%s: cannot read: %s", path,
				 strerror(-ret));
			free(buf);
			close(fd);
			return ret;
		}
		got += (size_t)w;
	}
	close(fd);
	name = add_file(r, path);
	if (!name) {
		free(buf);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	ret = read_text(r, name, buf, got);
	free(buf);
	return ret;
}

/* "include PATTERN": relative to the including file, shell wildcards. */
static int read_path(struct reader *r, const char *pattern, const char *from,
		     unsigned int from_line)
{
	const char *slash = strrchr(from, '/');
	char *full;
	glob_t g;
	size_t i;
	int ret;

	if (r->depth >= INCLUDE_DEPTH)
		return fail(r, from, from_line, "include: nested more than %d deep (does a file include itself?)",
			    INCLUDE_DEPTH);
	if (pattern[0] == '/' || !slash) {
		full = strdup(pattern);
	} else if (asprintf(&full, "%.*s/%s", (int)(slash - from), from,
			    pattern) < 0) {
		full = NULL;
	}
	if (!full) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	ret = glob(full, 0, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		/* A wildcard may match nothing; a plain name must exist. */
		if (strpbrk(pattern, "*?["))
			ret = 0;
		else
			ret = fail(r, from, from_line, "include: cannot open %s: %s",
				   full, strerror(ENOENT));
		free(full);
		return ret;
	}
	if (ret) {
		ret = fail(r, from, from_line, "include: cannot read %s", full);
		free(full);
		return ret;
	}
	free(full);
	r->depth++;
	for (i = 0; !ret && i < g.gl_pathc; i++)
		ret = read_file(r, g.gl_pathv[i], from, from_line);
	r->depth--;
	globfree(&g);
	/* Lines after the include do not continue the section before it. */
	r->cur = -1;
	return ret;
}

/* ---- Resolution ---- */

static long find_conn(const struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_s; i++)
		if (r->s[i].type == SECT_CONN && !strcmp(r->s[i].name, name))
			return (long)i;
	return -1;
}

/*
 * Fill @win[] with the entry that counts for each keyword: the first one
 * found wins, and sections are visited in strongSwan's order of
 * precedence: the conn itself, then its also= from the last to the
 * first, each with its own also= in turn. @path holds the chain from the
 * conn being resolved down to @si, to name a loop.
 */
static int fill(struct reader *r, size_t si, const struct entry **win,
		size_t *path, size_t depth)
{
	const struct sect *s = &r->s[si];
	size_t i, k;

	path[depth] = si;
	for (i = 0; i < s->n; i++)
		if (s->e[i].kw->id != KW_ALSO && !win[s->e[i].kw->id])
			win[s->e[i].kw->id] = &s->e[i];
	for (i = s->n; i-- > 0; ) {
		const struct entry *e = &s->e[i];
		long t;

		if (e->kw->id != KW_ALSO)
			continue;
		t = find_conn(r, e->value);
		if (t < 0)
			return fail(r, e->file, e->line, "also: there is no conn %s",
				    e->value);
		for (k = 0; k <= depth; k++) {
			if (path[k] == (size_t)t) {
				char chain[IKED_CONF_ERRLEN];
				size_t used = 0, j;

				chain[0] = '\0';
				for (j = k; j <= depth; j++)
					iked_addf(chain, sizeof(chain), &used, "%s -> ",
					     r->s[path[j]].name);
				iked_addf(chain, sizeof(chain), &used, "%s",
				     r->s[t].name);
				return fail(r, e->file, e->line, "also: conn %s includes itself: %s",
					    r->s[t].name, chain);
			}
		}
		if (depth + 1 >= ALSO_DEPTH)
			return fail(r, e->file, e->line, "also: nested more than %d deep",
				    ALSO_DEPTH);
		if (fill(r, (size_t)t, win, path, depth + 1))
			return -EINVAL;
	}
	return 0;
}

static int conn_fail(struct reader *r, const struct iked_conf_conn *c,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int conn_fail(struct reader *r, const struct iked_conf_conn *c,
		     const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	iked_addf(r->err, r->errlen, &used, "%s:%u: conn %s: ", c->file, c->line,
	     c->name);
	va_start(ap, fmt);
	if (used < r->errlen)
		vsnprintf(r->err + used, r->errlen - used, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void default_id(struct iked_conf_end *e)
{
	if (e->id_set)
		return;
	memset(&e->id, 0, sizeof(e->id));
	if (e->addr.family == AF_INET) {
		e->id.type = IKED_ID_IPV4_ADDR;
		e->id.len = 4;
	} else if (e->addr.family == AF_INET6) {
		e->id.type = IKED_ID_IPV6_ADDR;
		e->id.len = 16;
	}
	memcpy(e->id.data, e->addr.bytes, e->id.len);
}

/*
 * Without leftsubnet= the side protects its own address; protoport applies
 * to every selector written without its own [proto/port].
 */
static int finish_ts(struct build *b, int side)
{
	struct iked_conf_end *e = side ? &b->c.right : &b->c.left;
	size_t i;

	if (!e->n_ts) {
		e->ts = calloc(1, sizeof(*e->ts));
		b->own_pp[side] = calloc(1, 1);
		if (!e->ts || !b->own_pp[side])
			return -ENOMEM;
		e->n_ts = 1;
		e->ts[0].dynamic = 1;
		e->ts[0].ports.max = 65535;
	}
	for (i = 0; i < e->n_ts; i++) {
		struct iked_conf_ts *ts = &e->ts[i];

		if (ts->dynamic && e->addr.family) {
			ts->dynamic = 0;
			ts->net.addr = e->addr;
			ts->net.plen = (uint8_t)(kesp_addr_len(e->addr.family) * 8);
		}
		if (!b->own_pp[side][i] && b->pp[side].set) {
			ts->proto = b->pp[side].proto;
			ts->ports = b->pp[side].ports;
		}
	}
	return 0;
}

static int check_margin(struct reader *r, const struct iked_conf_conn *c,
			const char *what, uint32_t life)
{
	uint64_t most = c->rekeymargin +
		(uint64_t)c->rekeymargin * c->rekeyfuzz / 100;

	if (c->rekeymargin >= life)
		return conn_fail(r, c, "rekeymargin (%us) is not shorter than %s (%us): the SA would expire before it is rekeyed",
				 c->rekeymargin, what, life);
	if (most >= life)
		return warn(r, c->file, c->line, "conn %s: rekeymargin %us plus rekeyfuzz %u%% may reach %s %us: the SA may expire before it is rekeyed",
			    c->name, c->rekeymargin, c->rekeyfuzz, what, life);
	return 0;
}

/* What no single line can say: checks across keywords and sides. */
static int finish(struct reader *r, struct build *b,
		  const struct entry **win)
{
	struct iked_conf_conn *c = &b->c;
	char fa[16], fb[16];
	int side;

	for (side = 0; side < 2; side++) {
		const struct entry *e = win[side ? KW_RIGHT : KW_LEFT];
		const char *name = side ? "right" : "left";

		if (!e || !*e->value)
			return conn_fail(r, c, "%s is not set (after %%default and also=): expected %s=ADDRESS or %s=%%any",
					 name, name, name);
	}
	if (c->left.addr.family && c->right.addr.family &&
	    c->left.addr.family != c->right.addr.family) {
		snprintf(fa, sizeof(fa), "%s", kesp_family_label(c->left.addr.family));
		snprintf(fb, sizeof(fb), "%s", kesp_family_label(c->right.addr.family));
		return conn_fail(r, c, "left is %s and right is %s: both ends of the IKE SA must be of one family",
				 fa, fb);
	}
	if ((c->autostart == IKED_AUTO_START ||
	     c->autostart == IKED_AUTO_ROUTE) &&
	    !c->left.addr.family && !c->right.addr.family)
		return conn_fail(r, c, "auto=%s needs the peer's address, but left and right are both %%any",
				 c->autostart == IKED_AUTO_START ? "start" : "route");
	if (!b->authby_psk && !(b->auth_psk[0] && b->auth_psk[1]))
		return conn_fail(r, c, "no pre-shared key authentication: strongSwan's default is authby=pubkey (certificates), which kesp-iked does not support yet; add authby=secret");
	/* Without rekeying the margin means nothing. */
	if (c->rekey && (check_margin(r, c, "lifetime", c->lifetime) ||
			 check_margin(r, c, "ikelifetime", c->ikelifetime)))
		return -EINVAL;
	for (side = 0; side < 2; side++) {
		if (finish_ts(b, side)) {
			snprintf(r->err, r->errlen, "out of memory");
			return -ENOMEM;
		}
	}
	default_id(&c->left);
	default_id(&c->right);
	return 0;
}

static int warn_weak(struct reader *r, const struct entry *e,
		     const struct iked_prop_list *l)
{
	char names[256];
	size_t n = iked_prop_weak(l, names, sizeof(names));

	if (!n)
		return 0;
	return warn(r, e->file, e->line, "%s: %s %s weak; kesp-iked uses %s only because %s configured here",
		    e->kw->name, names, n > 1 ? "are" : "is",
		    n > 1 ? "them" : "it", n > 1 ? "they are" : "it is");
}

static int resolve(struct reader *r, size_t si)
{
	const struct entry *win[KW_COUNT] = { NULL };
	size_t path[ALSO_DEPTH];
	struct iked_conf_conn *nc;
	struct build b;
	int id, ret;

	if (fill(r, si, win, path, 0))
		return -EINVAL;
	if (r->dflt >= 0) {
		const struct sect *d = &r->s[r->dflt];
		size_t i;

		for (i = 0; i < d->n; i++)
			if (!win[d->e[i].kw->id])
				win[d->e[i].kw->id] = &d->e[i];
	}
	/* auto=ignore: as if the conn were not there, like strongSwan. */
	if (!win[KW_AUTO] || !*win[KW_AUTO]->value ||
	    !strcmp(win[KW_AUTO]->value, "ignore"))
		return 0;

	memset(&b, 0, sizeof(b));
	b.c.file = r->s[si].file;
	b.c.line = r->s[si].line;
	b.c.name = strdup(r->s[si].name);
	if (!b.c.name)
		goto oom;
	for (id = KW_ALSO + 1; id < KW_UNSUPPORTED; id++) {
		const struct entry *e = win[id];
		const struct kw *kw = e ? e->kw : kw_first((enum kw_id)id);
		const char *v = e && *e->value ? e->value : kw->dflt;
		char why[IKED_CONF_ERRLEN];

		if (!v || !kw->set)
			continue;
		ret = kw->set(&b, kw, v, why, sizeof(why));
		if (ret) {
			/*
			 * Defaults always parse; values were checked as they
			 * were read. Only memory can fail here.
			 */
			if (e)
				fail(r, e->file, e->line, "%s: %s", kw->name, why);
			else
				conn_fail(r, &b.c, "%s: %s", kw->name, why);
			goto out;
		}
		if (e && *e->value && (id == KW_IKE || id == KW_ESP) &&
		    warn_weak(r, e, id == KW_IKE ? &b.c.ike : &b.c.esp))
			goto oom;
	}
	ret = finish(r, &b, win);
	if (ret)
		goto out;
	nc = realloc(r->conf->conns, (r->conf->n_conns + 1) * sizeof(*nc));
	if (!nc)
		goto oom;
	r->conf->conns = nc;
	free(b.own_pp[0]);
	free(b.own_pp[1]);
	r->conf->conns[r->conf->n_conns++] = b.c;
	return 0;
oom:
	snprintf(r->err, r->errlen, "out of memory");
	ret = -ENOMEM;
out:
	build_free(&b);
	return ret;
}

static void conn_free(struct iked_conf_conn *c)
{
	free(c->name);
	free(c->left.ts);
	free(c->right.ts);
	iked_prop_list_free(&c->ike);
	iked_prop_list_free(&c->esp);
}

void iked_conf_free(struct iked_conf *conf)
{
	size_t i;

	if (!conf)
		return;
	for (i = 0; i < conf->n_conns; i++)
		conn_free(&conf->conns[i]);
	free(conf->conns);
	for (i = 0; i < conf->n_warnings; i++)
		free(conf->warnings[i]);
	free(conf->warnings);
	for (i = 0; i < conf->n_files; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf);
}

/* Shared by both entry points: @path or @text (named @name) is read. */
static int load(const char *path, const char *name, const char *text,
		size_t len, struct iked_conf **out, char *err, size_t errlen)
{
	struct reader r = {
		.cur = -1, .dflt = -1, .setup = -1, .first_conn = -1,
		.err = err, .errlen = errlen,
	};
	size_t i;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	r.conf = calloc(1, sizeof(*r.conf));
	if (!r.conf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (path) {
		ret = read_file(&r, path, NULL, 0);
	} else {
		const char *file = add_file(&r, name);

		ret = file ? read_text(&r, file, text, len) : -ENOMEM;
		if (!file)
			snprintf(err, errlen, "out of memory");
	}
	for (i = 0; !ret && i < r.n_s; i++)
		if (r.s[i].type == SECT_CONN)
			ret = resolve(&r, i);
	reader_free(&r);
	if (ret) {
		iked_conf_free(r.conf);
		return ret;
	}
	*out = r.conf;
	return 0;
}

int iked_conf_load(const char *path, struct iked_conf **out, char *err,
		   size_t errlen)
{
	return load(path, NULL, NULL, 0, out, err, errlen);
}

int iked_conf_parse(const char *name, const char *text, size_t len,
		    struct iked_conf **out, char *err, size_t errlen)
{
	return load(NULL, name, text, len, out, err, errlen);
}

const struct iked_conf_conn *iked_conf_find(const struct iked_conf *conf,
					    const char *name)
{
	size_t i;

	for (i = 0; i < conf->n_conns; i++)
		if (!strcmp(conf->conns[i].name, name))
			return &conf->conns[i];
	return NULL;
}
