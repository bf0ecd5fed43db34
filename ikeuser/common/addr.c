// SPDX-License-Identifier: GPL-2.0
/* Parsing and formatting of addresses, prefixes, port ranges and protocols. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "addr.h"

static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {
	/* The first name of a number is the one printed. */
	{ "any", 0 },
	{ "icmp", IPPROTO_ICMP },
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "ipip", IPPROTO_IPIP },
	{ "ipv6", IPPROTO_IPV6 },
	{ "gre", IPPROTO_GRE },
	{ "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH },
	{ "ipv6-icmp", IPPROTO_ICMPV6 },
	{ "icmpv6", IPPROTO_ICMPV6 },
	{ "icmp6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE },
};

#define N_PROTO_NAMES (sizeof(proto_names) / sizeof(proto_names[0]))

size_t kesp_addr_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

const char *kesp_family_label(int family)
{
	if (family == AF_INET)
		return "IPv4";
	if (family == AF_INET6)
		return "IPv6";
	return "unspecified";
}

/* inet_pton, but on a bounded copy: @s may be the front of a longer word. */
static int pton(const char *s, size_t n, struct kesp_addr *a)
{
	char buf[KESP_ADDR_STRLEN];

	memset(a, 0, sizeof(*a));
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->bytes) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int kesp_addr_parse(const char *s, struct kesp_addr *a, char *err,
		    size_t errlen)
{
	if (strchr(s, '/')) {
		snprintf(err, errlen, "a prefix where an address is needed");
		return -EINVAL;
	}
	if (!strcasecmp(s, "any")) {
		snprintf(err, errlen, "\"any\" where an address is needed");
		return -EINVAL;
	}
	if (pton(s, strlen(s), a) < 0) {
		snprintf(err, errlen, "not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	return 0;
}

/* Decimal digits only: no sign, no blanks, no base prefix. */
static int parse_dec(const char *s, size_t n, unsigned long max,
		     unsigned long *v)
{
	unsigned long x = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (unsigned long)(s[i] - '0');
		if (x > max)
			return -ERANGE;
	}
	*v = x;
	return 0;
}

int kesp_prefix_has_host_bits(const struct kesp_prefix *p)
{
	size_t len = kesp_addr_len(p->addr.family), i;
	unsigned int bit;

	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			if (i * 8 + bit < p->plen)
				continue;
			if (p->addr.bytes[i] & (0x80 >> bit))
				return 1;
		}
	}
	return 0;
}

static void clear_host_bits(struct kesp_prefix *p)
{
	size_t len = kesp_addr_len(p->addr.family), i;
	unsigned int bit;

	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++)
			if (i * 8 + bit >= p->plen)
				p->addr.bytes[i] &= (uint8_t)~(0x80 >> bit);
}

void kesp_prefix_any(struct kesp_prefix *p, int family)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = (uint16_t)family;
}

static int host_bits_error(const struct kesp_prefix *p, char *err,
			   size_t errlen)
{
	struct kesp_prefix net = *p;
	char buf[KESP_PREFIX_STRLEN];

	clear_host_bits(&net);
	snprintf(err, errlen, "host bits set; did you mean %s?",
		 kesp_prefix_format(&net, buf, sizeof(buf)));
	return -EINVAL;
}

int kesp_prefix_parse(const char *s, struct kesp_prefix *p, char *err,
		      size_t errlen)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen, max;

	memset(p, 0, sizeof(*p));
	if (!strcasecmp(s, "any"))
		return 0;
	if (pton(s, alen, &p->addr) < 0) {
		snprintf(err, errlen, "not an IPv4 or IPv6 address%s",
			 slash ? " before the /" : "");
		return -EINVAL;
	}
	max = kesp_addr_len(p->addr.family) * 8;
	if (!slash) {
		p->plen = (uint8_t)max;
		return 0;
	}
	switch (parse_dec(slash + 1, strlen(slash + 1), max, &plen)) {
	case 0:
		break;
	case -ERANGE:
		snprintf(err, errlen, "prefix length longer than the %lu bits of an %s address",
			 max, kesp_family_label(p->addr.family));
		return -EINVAL;
	default:
		snprintf(err, errlen, "prefix length after / is not a number of bits (0 to %lu)",
			 max);
		return -EINVAL;
	}
	p->plen = (uint8_t)plen;
	if (kesp_prefix_has_host_bits(p))
		return host_bits_error(p, err, errlen);
	return 0;
}

int kesp_ports_parse(const char *s, struct kesp_port_range *r, char *err,
		     size_t errlen)
{
	const char *dash = strchr(s, '-');
	size_t n1 = dash ? (size_t)(dash - s) : strlen(s);
	unsigned long lo, hi;

	if (!strcasecmp(s, "any")) {
		r->min = 0;
		r->max = 65535;
		return 0;
	}
	if (parse_dec(s, n1, 65535, &lo) < 0 ||
	    (dash && parse_dec(dash + 1, strlen(dash + 1), 65535, &hi) < 0)) {
		snprintf(err, errlen, "not a port or a range of ports (N or MIN-MAX, 0 to 65535)");
		return -EINVAL;
	}
	if (!dash)
		hi = lo;
	if (lo > hi) {
		snprintf(err, errlen, "range ends before it starts");
		return -EINVAL;
	}
	r->min = (uint16_t)lo;
	r->max = (uint16_t)hi;
	return 0;
}

int kesp_proto_parse(const char *s, uint8_t *proto, char *err, size_t errlen)
{
	unsigned long v;
	size_t i;

	for (i = 0; i < N_PROTO_NAMES; i++) {
		if (!strcasecmp(s, proto_names[i].name)) {
			*proto = proto_names[i].proto;
			return 0;
		}
	}
	if (parse_dec(s, strlen(s), 255, &v) < 0) {
		snprintf(err, errlen, "not a protocol name (tcp, udp, icmp, ipv6-icmp, sctp, ...) or number (0 to 255)");
		return -EINVAL;
	}
	*proto = (uint8_t)v;
	return 0;
}

int kesp_proto_has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 1;
	default:
		return 0;
	}
}

const char *kesp_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < N_PROTO_NAMES; i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	return NULL;
}

const char *kesp_addr_format(const struct kesp_addr *a, char *buf,
			     size_t len)
{
	char tmp[KESP_ADDR_STRLEN];

	if (!kesp_addr_len(a->family) ||
	    !inet_ntop(a->family, a->bytes, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *kesp_prefix_format(const struct kesp_prefix *p, char *buf,
			       size_t len)
{
	char tmp[KESP_ADDR_STRLEN];

	if (!kesp_addr_len(p->addr.family)) {
		snprintf(buf, len, "any");
		return buf;
	}
	snprintf(buf, len, "%s/%u", kesp_addr_format(&p->addr, tmp, sizeof(tmp)),
		 p->plen);
	return buf;
}

const char *kesp_ports_format(const struct kesp_port_range *r, char *buf,
			      size_t len)
{
	if (r->min == 0 && r->max == 65535)
		snprintf(buf, len, "any");
	else if (r->min == r->max)
		snprintf(buf, len, "%u", r->min);
	else
		snprintf(buf, len, "%u-%u", r->min, r->max);
	return buf;
}
