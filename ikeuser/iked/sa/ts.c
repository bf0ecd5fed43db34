// SPDX-License-Identifier: GPL-2.0
/* Traffic selector arithmetic: narrowing, containment, prefix splitting, kernel selectors. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "../words.h"
#include "ts.h"

/* A range of 2^128 addresses splits into at most 2 * 128 - 2 prefixes. */
#define MAX_PREFIXES	256

static size_t ts_alen(uint8_t type)
{
	switch (type) {
	case IKED_TS_IPV4:
		return 4;
	case IKED_TS_IPV6:
		return 16;
	}
	return 0;
}

static int ts_family(uint8_t type)
{
	return type == IKED_TS_IPV4 ? AF_INET : AF_INET6;
}

static bool opaque(const struct iked_ts *t)
{
	return t->start_port > t->end_port;
}

/* Set the low @bits bits of the big-endian number @a. */
static void set_low_bits(uint8_t *a, size_t alen, unsigned int bits)
{
	size_t i = alen;

	while (i-- && bits) {
		if (bits >= 8) {
			a[i] = 0xff;
			bits -= 8;
		} else {
			a[i] |= (uint8_t)((1u << bits) - 1);
			bits = 0;
		}
	}
}

static void clear_low_bits(uint8_t *a, size_t alen, unsigned int bits)
{
	size_t i = alen;

	while (i-- && bits) {
		if (bits >= 8) {
			a[i] = 0;
			bits -= 8;
		} else {
			a[i] &= (uint8_t)~((1u << bits) - 1);
			bits = 0;
		}
	}
}

/* The number of low zero bits of @a, at most alen * 8. */
static unsigned int low_zero_bits(const uint8_t *a, size_t alen)
{
	unsigned int n = 0;
	size_t i = alen;

	while (i--) {
		uint8_t b = a[i];

		if (!b) {
			n += 8;
			continue;
		}
		while (!(b & 1)) {
			b >>= 1;
			n++;
		}
		break;
	}
	return n;
}

/* @a + 1, where @a is not all ones. */
static void increment(uint8_t *a, size_t alen)
{
	size_t i = alen;

	while (i-- && ++a[i] == 0)
		;
}

/*
 * The fewest prefixes that cover exactly [@start, @end]: at each step the
 * largest aligned block that starts at the current address and does not
 * pass the end. Returns how many (0 for an empty range).
 */
static size_t range_to_prefixes(const uint8_t *start, const uint8_t *end,
				size_t alen, int family,
				struct kesp_prefix p[MAX_PREFIXES])
{
	unsigned int bits = (unsigned int)alen * 8;
	uint8_t cur[16], hi[16];
	size_t n = 0;

	if (memcmp(start, end, alen) > 0)
		return 0;
	memcpy(cur, start, alen);
	for (;;) {
		unsigned int k = low_zero_bits(cur, alen);

		for (;; k--) {
			memcpy(hi, cur, alen);
			set_low_bits(hi, alen, k);
			if (memcmp(hi, end, alen) <= 0)
				break;
		}
		memset(&p[n], 0, sizeof(p[n]));
		p[n].addr.family = (uint16_t)family;
		memcpy(p[n].addr.bytes, cur, alen);
		p[n].plen = (uint8_t)(bits - k);
		n++;
		if (!memcmp(hi, end, alen))
			return n;
		memcpy(cur, hi, alen);
		increment(cur, alen);
	}
}

int iked_ts_from_conf(struct iked_ts_list *l, const struct iked_conf_ts *ts,
		       size_t n, const struct kesp_addr *dyn)
{
	size_t i;
	int r;

	l->n = 0;
	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct iked_conf_ts *c = &ts[i];
		uint8_t start[16] = { 0 }, end[16] = { 0 };
		const struct kesp_addr *a;
		unsigned int plen;
		size_t alen;

		if (c->dynamic) {
			if (!dyn)
				return -EINVAL;
			a = dyn;
		} else {
			a = &c->net.addr;
		}
		alen = kesp_addr_len(a->family);
		if (!alen)
			return -EINVAL;
		plen = c->dynamic ? (unsigned int)alen * 8 : c->net.plen;
		if (plen > alen * 8)
			return -EINVAL;
		/* The prefix's first and last address: host bits 0, then 1. */
		memcpy(start, a->bytes, alen);
		clear_low_bits(start, alen, (unsigned int)alen * 8 - plen);
		memcpy(end, start, alen);
		set_low_bits(end, alen, (unsigned int)alen * 8 - plen);
		r = iked_ts_add(l, alen == 4 ? IKED_TS_IPV4 :
				 IKED_TS_IPV6, c->proto,
				 c->ports.min, c->ports.max, start, end);
		if (r)
			return r;
	}
	return 0;
}

/* The intersection of @a and @b in @out; false if it is empty. */
static bool intersect(const struct iked_ts *a, const struct iked_ts *b,
		      struct iked_ts *out)
{
	size_t alen = ts_alen(a->type);

	if (!alen || a->type != b->type || opaque(a) || opaque(b))
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	out->proto = a->proto ? a->proto : b->proto;
	out->start_port = a->start_port > b->start_port ? a->start_port :
							  b->start_port;
	out->end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (out->start_port > out->end_port)
		return false;
	memcpy(out->start, memcmp(a->start, b->start, alen) > 0 ? a->start :
			   b->start, alen);
	memcpy(out->end, memcmp(a->end, b->end, alen) < 0 ? a->end : b->end,
	       alen);
	return memcmp(out->start, out->end, alen) <= 0;
}

static bool ts_equal(const struct iked_ts *a, const struct iked_ts *b)
{
	size_t alen = ts_alen(a->type);

	return a->type == b->type && a->proto == b->proto &&
	       a->start_port == b->start_port && a->end_port == b->end_port &&
	       !memcmp(a->start, b->start, alen) &&
	       !memcmp(a->end, b->end, alen);
}

int iked_ts_narrow(const struct iked_ts_list *peer,
		    const struct iked_ts_list *ours,
		    struct iked_ts_list *out)
{
	unsigned int i, j, k;

	out->n = 0;
	for (i = 0; i < peer->n; i++) {
		for (j = 0; j < ours->n; j++) {
			struct iked_ts t;

			if (!intersect(&peer->ts[i], &ours->ts[j], &t))
				continue;
			for (k = 0; k < out->n; k++)
				if (ts_equal(&out->ts[k], &t))
					break;
			if (k < out->n)
				continue;
			if (out->n == IKED_MAX_TS)
				return -E2BIG;
			out->ts[out->n++] = t;
		}
	}
	return out->n ? 0 : -ENOENT;
}

/* Is @r inside @o? */
static bool contains(const struct iked_ts *o, const struct iked_ts *r)
{
	size_t alen = ts_alen(r->type);

	return alen && o->type == r->type && !opaque(o) && !opaque(r) &&
	       (!o->proto || o->proto == r->proto) &&
	       r->start_port >= o->start_port && r->end_port <= o->end_port &&
	       memcmp(r->start, r->end, alen) <= 0 &&
	       memcmp(r->start, o->start, alen) >= 0 &&
	       memcmp(r->end, o->end, alen) <= 0;
}

bool iked_ts_within(const struct iked_ts_list *reply,
		     const struct iked_ts_list *offered)
{
	unsigned int i, j;

	if (!reply->n)
		return false;
	for (i = 0; i < reply->n; i++) {
		for (j = 0; j < offered->n; j++)
			if (contains(&offered->ts[j], &reply->ts[i]))
				break;
		if (j == offered->n)
			return false;
	}
	return true;
}

bool iked_ts_same(const struct iked_ts_list *a, const struct iked_ts_list *b)
{
	return iked_ts_within(a, b) && iked_ts_within(b, a);
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static bool proto_is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* An ICMP type x code box, as the uapi's SPORT and DPORT ranges. */
struct icmp_box {
	struct kesp_port_range type, code;
};

/* An 8-bit range; 0-255 is every value, written as "any". */
static struct kesp_port_range byte_range(unsigned int lo, unsigned int hi)
{
	struct kesp_port_range r = { (uint16_t)lo, (uint16_t)hi };

	if (lo == 0 && hi == 255)
		r.max = 65535;
	return r;
}

/* Cover the TS port range [@s, @e] (type << 8 | code) exactly. */
static size_t icmp_boxes(uint16_t s, uint16_t e, struct icmp_box box[3])
{
	unsigned int st = s >> 8, sc = s & 0xff, et = e >> 8, ec = e & 0xff;
	unsigned int lo = st, hi = et;
	size_t n = 0;

	if (st == et) {
		box[0].type = byte_range(st, st);
		box[0].code = byte_range(sc, ec);
		return 1;
	}
	if (sc) {
		box[n].type = byte_range(st, st);
		box[n++].code = byte_range(sc, 255);
		lo++;
	}
	if (ec != 255)
		hi--;
	if (lo <= hi) {
		box[n].type = byte_range(lo, hi);
		box[n++].code = byte_range(0, 255);
	}
	if (ec != 255) {
		box[n].type = byte_range(et, et);
		box[n++].code = byte_range(0, ec);
	}
	return n;
}

int iked_ts_to_sels(const struct iked_ts_list *local,
		     const struct iked_ts_list *remote, struct kesp_sel *out,
		     size_t cap, size_t *n)
{
	struct kesp_prefix src[MAX_PREFIXES], dst[MAX_PREFIXES];
	size_t count = 0;
	unsigned int i, j;

	for (i = 0; i < local->n; i++) {
		const struct iked_ts *l = &local->ts[i];
		size_t alen = ts_alen(l->type), n_src;

		if (!alen || opaque(l))
			continue;
		n_src = range_to_prefixes(l->start, l->end, alen,
					  ts_family(l->type), src);
		for (j = 0; j < remote->n; j++) {
			const struct iked_ts *r = &remote->ts[j];
			struct icmp_box box[3];
			size_t n_dst, n_box = 1, a, b, c;
			uint8_t proto;

			if (r->type != l->type || opaque(r) ||
			    (l->proto && r->proto && l->proto != r->proto))
				continue;
			proto = l->proto ? l->proto : r->proto;
			box[0].type = byte_range(0, 255);
			box[0].code = byte_range(0, 255);
			if (proto_is_icmp(proto)) {
				uint16_t s = l->start_port > r->start_port ?
					     l->start_port : r->start_port;
				uint16_t e = l->end_port < r->end_port ?
					     l->end_port : r->end_port;

				if (s > e)
					continue;
				n_box = icmp_boxes(s, e, box);
			} else if (proto_has_ports(proto)) {
				box[0].type.min = l->start_port;
				box[0].type.max = l->end_port;
				box[0].code.min = r->start_port;
				box[0].code.max = r->end_port;
			}
			n_dst = range_to_prefixes(r->start, r->end, alen,
						  ts_family(r->type), dst);
			for (a = 0; a < n_src; a++) {
				for (b = 0; b < n_dst; b++) {
					for (c = 0; c < n_box; c++, count++) {
						struct kesp_sel *s;

						if (count >= cap)
							continue;
						s = &out[count];
						memset(s, 0, sizeof(*s));
						s->family = (uint16_t)ts_family(l->type);
						s->src = src[a];
						s->dst = dst[b];
						s->proto = proto;
						s->sport = box[c].type;
						s->dport = box[c].code;
					}
				}
			}
		}
	}
	*n = count;
	return count > cap ? -E2BIG : 0;
}

void iked_sel_reverse(struct kesp_sel *sel)
{
	struct kesp_prefix p = sel->src;
	struct kesp_port_range r = sel->sport;

	sel->src = sel->dst;
	sel->dst = p;
	if (!proto_is_icmp(sel->proto)) {
		sel->sport = sel->dport;
		sel->dport = r;
	}
}

/* One TS port as strongSwan prints it: ICMP as TYPE or TYPE(CODE). */
static void add_port(char *buf, size_t len, size_t *used, uint8_t proto,
		     uint16_t port)
{
	if (proto_is_icmp(proto) && (port & 0xff))
		iked_addf(buf, len, used, "%u(%u)", port >> 8, port & 0xff);
	else if (proto_is_icmp(proto))
		iked_addf(buf, len, used, "%u", port >> 8);
	else
		iked_addf(buf, len, used, "%u", port);
}

const char *iked_ts_format(const struct iked_ts_list *l, char *buf,
			    size_t len)
{
	struct kesp_prefix p[MAX_PREFIXES];
	size_t used = 0;
	unsigned int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		const struct iked_ts *t = &l->ts[i];
		size_t alen = ts_alen(t->type);
		char a[KESP_PREFIX_STRLEN], b[KESP_ADDR_STRLEN];
		struct kesp_addr lo = { 0 }, hi = { 0 };
		const char *name;

		if (i)
			iked_addf(buf, len, &used, " ");
		if (!alen) {
			iked_addf(buf, len, &used, "type-%u", t->type);
			continue;
		}
		if (range_to_prefixes(t->start, t->end, alen,
				      ts_family(t->type), p) == 1) {
			iked_addf(buf, len, &used, "%s",
				  kesp_prefix_format(&p[0], a, sizeof(a)));
		} else {
			lo.family = hi.family = (uint16_t)ts_family(t->type);
			memcpy(lo.bytes, t->start, alen);
			memcpy(hi.bytes, t->end, alen);
			iked_addf(buf, len, &used, "%s..%s",
				  kesp_addr_format(&lo, a, sizeof(a)),
				  kesp_addr_format(&hi, b, sizeof(b)));
		}
		if (!t->proto && t->start_port == 0 && t->end_port == 65535)
			continue;
		name = t->proto ? kesp_proto_name(t->proto) : NULL;
		if (name)
			iked_addf(buf, len, &used, "[%s", name);
		else
			iked_addf(buf, len, &used, "[%u", t->proto);
		if (t->start_port == 0 && t->end_port == 65535) {
			iked_addf(buf, len, &used, "]");
			continue;
		}
		iked_addf(buf, len, &used, "/");
		if (opaque(t)) {
			iked_addf(buf, len, &used, "OPAQUE");
		} else {
			add_port(buf, len, &used, t->proto, t->start_port);
			if (t->end_port != t->start_port) {
				iked_addf(buf, len, &used, "-");
				add_port(buf, len, &used, t->proto,
					 t->end_port);
			}
		}
		iked_addf(buf, len, &used, "]");
	}
	return buf;
}
