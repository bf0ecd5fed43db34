// SPDX-License-Identifier: GPL-2.0
/* Selector keywords for sa and policy, and the text and JSON forms of selectors. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sel.h"

#define PREFIX_EXPECT "a prefix such as 10.1.0.0/24, 2001:db8::/32, an address, or any"
#define PORTS_EXPECT "a port or range, such as 80 or 1000-2000"

/* One function for the five words; kw->arg says which. */
static int set_sel(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kespctl_sel_args *a = ctx;

	a->given |= (uint32_t)kw->arg;
	switch (kw->arg) {
	case KESPCTL_SEL_SRC:
		return kesp_prefix_parse(val, &a->src, err, errlen);
	case KESPCTL_SEL_DST:
		return kesp_prefix_parse(val, &a->dst, err, errlen);
	case KESPCTL_SEL_PROTO:
		return kesp_proto_parse(val, &a->proto, err, errlen);
	case KESPCTL_SEL_SPORT:
		return kesp_ports_parse(val, &a->sport, err, errlen);
	default:
		return kesp_ports_parse(val, &a->dport, err, errlen);
	}
}

const struct kespctl_kw kespctl_sel_kw[KESPCTL_N_SEL_KW] = {
	{ "src", PREFIX_EXPECT, set_sel, NULL, KESPCTL_SEL_SRC },
	{ "dst", PREFIX_EXPECT, set_sel, NULL, KESPCTL_SEL_DST },
	{ "proto", "a protocol: tcp, udp, icmp, ipv6-icmp, sctp, ..., any or 0-255",
	  set_sel, NULL, KESPCTL_SEL_PROTO },
	{ "sport", PORTS_EXPECT " (for ICMP: the type)", set_sel, NULL,
	  KESPCTL_SEL_SPORT },
	{ "dport", PORTS_EXPECT " (for ICMP: the code)", set_sel, NULL,
	  KESPCTL_SEL_DPORT },
};

static int pick_family(const struct kespctl_sel_args *a, int family,
		       const char *prefix, int *out, char *err, size_t errlen)
{
	int s = a->src.addr.family, d = a->dst.addr.family;

	if (s && d && s != d) {
		snprintf(err, errlen, "%ssrc is %s but %sdst is %s", prefix,
			 kesp_family_label(s), prefix, kesp_family_label(d));
		return -EINVAL;
	}
	*out = s ? s : d ? d : family;
	if (!*out) {
		snprintf(err, errlen, "cannot tell IPv4 from IPv6 with %ssrc and %sdst both any: write 0.0.0.0/0 or ::/0",
			 prefix, prefix);
		return -EINVAL;
	}
	return 0;
}

static int ports_error(const struct kespctl_sel_args *a, const char *prefix,
		       char *err, size_t errlen)
{
	const char *word = a->given & KESPCTL_SEL_SPORT ? "sport" : "dport";
	char p[16];

	if (a->given & KESPCTL_SEL_PROTO)
		snprintf(err, errlen, "%s%s: %sproto %s has no ports (tcp, udp, sctp, icmp and ipv6-icmp have)",
			 prefix, word, prefix,
			 kespctl_proto_text(a->proto, p, sizeof(p)));
	else
		snprintf(err, errlen, "%s%s needs %sproto: tcp, udp, sctp, icmp or ipv6-icmp",
			 prefix, word, prefix);
	return -EINVAL;
}

int kespctl_sel_finish(const struct kespctl_sel_args *a, int family,
		       const char *prefix, struct kesp_sel *out, char *err,
		       size_t errlen)
{
	int fam;

	if (pick_family(a, family, prefix, &fam, err, errlen))
		return -EINVAL;
	kesp_sel_any(out, fam);
	if (a->src.addr.family)
		out->src = a->src;
	if (a->dst.addr.family)
		out->dst = a->dst;
	out->proto = a->proto;
	if ((a->given & (KESPCTL_SEL_SPORT | KESPCTL_SEL_DPORT)) &&
	    !kesp_proto_has_ports(a->proto))
		return ports_error(a, prefix, err, errlen);
	if (a->given & KESPCTL_SEL_SPORT)
		out->sport = a->sport;
	if (a->given & KESPCTL_SEL_DPORT)
		out->dport = a->dport;
	return 0;
}

const char *kespctl_proto_text(uint8_t proto, char *buf, size_t len)
{
	const char *name = kesp_proto_name(proto);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%u", proto);
	return buf;
}

const char *kespctl_family_text(int family)
{
	return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "?";
}

static int port_any(const struct kesp_port_range *r)
{
	return r->min == 0 && r->max == 65535;
}

const char *kespctl_sel_text(const struct kesp_sel *sel, char *buf,
			     size_t len)
{
	char s[KESP_PREFIX_STRLEN], d[KESP_PREFIX_STRLEN], p[16];
	char sp[KESP_PORTS_STRLEN + 8] = "", dp[KESP_PORTS_STRLEN + 8] = "";
	char proto[24] = "", t[KESP_PORTS_STRLEN];

	if (sel->proto)
		snprintf(proto, sizeof(proto), " proto %s",
			 kespctl_proto_text(sel->proto, p, sizeof(p)));
	if (!port_any(&sel->sport))
		snprintf(sp, sizeof(sp), " sport %s",
			 kesp_ports_format(&sel->sport, t, sizeof(t)));
	if (!port_any(&sel->dport))
		snprintf(dp, sizeof(dp), " dport %s",
			 kesp_ports_format(&sel->dport, t, sizeof(t)));
	snprintf(buf, len, "src %s dst %s%s%s%s",
		 kesp_prefix_format(&sel->src, s, sizeof(s)),
		 kesp_prefix_format(&sel->dst, d, sizeof(d)), proto, sp, dp);
	return buf;
}

void kespctl_sel_json(struct json *j, const char *key,
		      const struct kesp_sel *sel)
{
	char buf[KESP_PREFIX_STRLEN];

	json_obj_begin(j, key);
	json_str(j, "family", kespctl_family_text(sel->family));
	json_str(j, "src", kesp_prefix_format(&sel->src, buf, sizeof(buf)));
	json_str(j, "dst", kesp_prefix_format(&sel->dst, buf, sizeof(buf)));
	json_u64(j, "proto", sel->proto);
	json_u64(j, "sport-min", sel->sport.min);
	json_u64(j, "sport-max", sel->sport.max);
	json_u64(j, "dport-min", sel->dport.min);
	json_u64(j, "dport-max", sel->dport.max);
	json_obj_end(j);
}
