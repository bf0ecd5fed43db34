/* SPDX-License-Identifier: GPL-2.0 */
/* Text forms of selector pieces: IP addresses, prefixes, port ranges, protocols. */

#ifndef KESP_COMMON_ADDR_H
#define KESP_COMMON_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* Room for any formatted address, and for a prefix ("addr/128"). */
#define KESP_ADDR_STRLEN	46
#define KESP_PREFIX_STRLEN	(KESP_ADDR_STRLEN + 4)
/* Room for "65535-65535". */
#define KESP_PORTS_STRLEN	12

struct kesp_addr {
	uint16_t family;	/* AF_INET, AF_INET6, or AF_UNSPEC for "any" */
	uint8_t bytes[16];	/* network byte order; AF_INET uses the first 4 */
};

struct kesp_prefix {
	struct kesp_addr addr;
	uint8_t plen;		/* bits; host bits of addr are zero */
};

/* Inclusive; 0-65535 matches every port. */
struct kesp_port_range {
	uint16_t min;
	uint16_t max;
};

/*
 * The parsers return 0, or -EINVAL with a message in @err that says what is
 * wrong but does not repeat the input: the caller knows which word it
 * passed and names it.
 */

/* Bytes of address for @family: 4, 16, or 0 for anything else. */
size_t kesp_addr_len(int family);
/* "IPv4", "IPv6" or "unspecified", for messages. */
const char *kesp_family_label(int family);

/* One IPv4 or IPv6 address; a prefix or "any" is an error. */
int kesp_addr_parse(const char *s, struct kesp_addr *a, char *err,
		    size_t errlen);
/*
 * "10.0.0.0/24", "2001:db8::/32", a bare address (full-length prefix), or
 * "any" (family AF_UNSPEC, length 0: the caller picks the family). Host
 * bits that are not zero are an error, not silently masked: a typo in a
 * selector must not widen or move it.
 */
int kesp_prefix_parse(const char *s, struct kesp_prefix *p, char *err,
		      size_t errlen);
/* "80", "1000-2000" or "any" (0-65535). */
int kesp_ports_parse(const char *s, struct kesp_port_range *r, char *err,
		     size_t errlen);
/* A protocol name (tcp, udp, icmp, ipv6-icmp, ...), "any" (0), or 0-255. */
int kesp_proto_parse(const char *s, uint8_t *proto, char *err, size_t errlen);

/* 1 if any bit of @p's address beyond its prefix length is set. */
int kesp_prefix_has_host_bits(const struct kesp_prefix *p);
/* The zero-length prefix of @family. */
void kesp_prefix_any(struct kesp_prefix *p, int family);
/* 1 for the protocols whose selectors have ports (or ICMP type and code). */
int kesp_proto_has_ports(uint8_t proto);
/* The protocol's name, or NULL if it has none here. */
const char *kesp_proto_name(uint8_t proto);

/* Write into @buf and return it; "?" for an address of unknown family. */
const char *kesp_addr_format(const struct kesp_addr *a, char *buf,
			     size_t len);
/* Always "address/length", so the family shows even for length 0. */
const char *kesp_prefix_format(const struct kesp_prefix *p, char *buf,
			       size_t len);
/* "80" for a single port, "1000-2000" for a range, "any" for 0-65535. */
const char *kesp_ports_format(const struct kesp_port_range *r, char *buf,
			      size_t len);

#endif /* KESP_COMMON_ADDR_H */
