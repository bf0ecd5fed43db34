// SPDX-License-Identifier: GPL-2.0
/* ipsec.conf's keywords: the table with their defaults, and their parsers. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../words.h"

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
static int set_nexthop(struct build *, const struct kw *, const char *, char *, size_t);
static int set_updown(struct build *, const struct kw *, const char *, char *, size_t);
static int set_cert(struct build *, const struct kw *, const char *, char *, size_t);
static int set_ca(struct build *, const struct kw *, const char *, char *, size_t);
static int set_sendcert(struct build *, const struct kw *, const char *, char *, size_t);
static int set_firewall(struct build *, const struct kw *, const char *, char *, size_t);

#define VIPS	"virtual IPs and configuration payloads are not supported yet"
#define UPDOWN	"kesp-iked installs firewall rules only for the local side (leftfirewall=yes) and has no host-access rules; write them in a leftupdown= script"
#define EAP	"EAP and XAuth are not supported"

/*
 * Every keyword, and the defaults in one place. The first row of an id is
 * the one whose default counts. Defaults are strongSwan's (ipsec.conf(5)),
 * except keyexchange (IKEv2 unless a conn asks for IKEv1) and mobike (not supported,
 * so off rather than refusing every conn that does not mention it).
 */
#define CONN(n, i, s, d, f) \
	{ .name = n, .id = i, .side = s, .dflt = d, .set = f }
#define ONLY(n, i, s, v, why) \
	{ .name = n, .id = i, .side = s, .set = set_only, .only = v, .note = why }
#define NOPE(n, why) \
	{ .name = n, .id = KW_UNSUPPORTED, .set = set_unsupported, .note = why }
/* Tunes only strongSwan's or Libreswan's own daemon: one notice names them. */
#define SETUP(n)	{ .name = n, .id = KW_SETUP, .setup = 1 }
#define SETUP_NOPE(n, why) \
	{ .name = n, .id = KW_UNSUPPORTED, .setup = 1, .note = why }

static const struct kw kws[] = {
	{ .name = "also", .id = KW_ALSO },
	/* strongSwan's default; Libreswan requires both. */
	CONN("left", KW_LEFT, 0, "%any", set_host),
	CONN("right", KW_RIGHT, 1, "%any", set_host),
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
	CONN("ikev2", KW_KEYEXCHANGE, 0, "insist", set_keyexchange),
	/* "" stands for kesp's default proposals (proposal.c). */
	CONN("ike", KW_IKE, 0, "", set_proposals),
	CONN("esp", KW_ESP, 0, "", set_proposals),
	CONN("phase2alg", KW_ESP, 0, "", set_proposals),
	CONN("ikelifetime", KW_IKELIFETIME, 0, "3h", set_time),
	CONN("lifetime", KW_LIFETIME, 0, "1h", set_time),
	CONN("keylife", KW_LIFETIME, 0, "1h", set_time),
	CONN("salifetime", KW_LIFETIME, 0, "1h", set_time),
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
	CONN("pfs", KW_PFS, 0, "yes", set_enum),
	CONN("leftupdown", KW_LEFTUPDOWN, 0, NULL, set_updown),
	CONN("rightupdown", KW_RIGHTUPDOWN, 1, NULL, set_updown),
	CONN("leftnexthop", KW_LEFTNEXTHOP, 0, NULL, set_nexthop),
	CONN("rightnexthop", KW_RIGHTNEXTHOP, 1, NULL, set_nexthop),
	ONLY("mobike", KW_MOBIKE, 0, "no",
	     "MOBIKE (RFC 4555) is not supported yet"),
	ONLY("compress", KW_COMPRESS, 0, "no", "IPComp is not supported"),
	CONN("fragmentation", KW_FRAGMENTATION, 0, "yes", set_enum),
	ONLY("installpolicy", KW_INSTALLPOLICY, 0, "yes",
	     "kesp-iked always installs the policies of its CHILD SAs"),
	CONN("aggressive", KW_AGGRESSIVE, 0, "no", set_yesno),
	CONN("leftfirewall", KW_LEFTFIREWALL, 0, "no", set_firewall),
	ONLY("rightfirewall", KW_RIGHTFIREWALL, 1, "no", UPDOWN),
	ONLY("closeaction", KW_CLOSEACTION, 0, "none",
	     "closeaction is not supported yet"),
	CONN("leftcert", KW_LEFTCERT, 0, NULL, set_cert),
	CONN("rightcert", KW_RIGHTCERT, 1, NULL, set_cert),
	NOPE("leftsigkey", CONF_NO_RAWKEYS),
	NOPE("rightsigkey", CONF_NO_RAWKEYS),
	CONN("leftca", KW_LEFTCA, 0, NULL, set_ca),
	CONN("rightca", KW_RIGHTCA, 1, NULL, set_ca),
	CONN("leftsendcert", KW_LEFTSENDCERT, 0, "ifasked", set_sendcert),
	CONN("rightsendcert", KW_RIGHTSENDCERT, 1, "ifasked", set_sendcert),
	NOPE("leftsourceip", VIPS),
	NOPE("rightsourceip", VIPS),
	NOPE("leftdns", VIPS),
	NOPE("rightdns", VIPS),
	NOPE("modeconfig", VIPS),
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
	NOPE("leftrsasigkey", CONF_NO_RAWKEYS),
	NOPE("rightrsasigkey", CONF_NO_RAWKEYS),
	NOPE("leftckaid", "NSS key IDs are not supported: give the certificate file with leftcert="),
	NOPE("rightckaid", "NSS key IDs are not supported: give the certificate file with rightcert="),
	NOPE("leftsubnets", "one CHILD SA per pair of subnets is not supported yet: write leftsubnet=A,B for one CHILD SA with both"),
	NOPE("rightsubnets", "one CHILD SA per pair of subnets is not supported yet: write rightsubnet=A,B for one CHILD SA with both"),
	NOPE("alsoflip", "write the conn with left and right exchanged and include it with also="),
	NOPE("phase2", "kesp does ESP only; leave phase2= out"),
	SETUP("charondebug"),
	SETUP("plutodebug"),
	SETUP("uniqueids"),
	SETUP("strictcrlpolicy"),
	SETUP("cachecrls"),
	SETUP("crlcheckinterval"),
	SETUP("charonstart"),
	SETUP("plutostart"),
	SETUP("nat_traversal"),
	SETUP("protostack"),
	SETUP("klipsdebug"),
	SETUP("plutostderrlog"),
	SETUP("plutofork"),
	SETUP("plutorestartoncrash"),
	SETUP("keep_alive"),
	SETUP("keep-alive"),
	SETUP("virtual_private"),
	SETUP("virtual-private"),
	SETUP("interfaces"),
	SETUP("hidetos"),
	SETUP("fragicmp"),
	SETUP("overridemtu"),
	SETUP("pkcs11module"),
	SETUP("pkcs11initargs"),
	SETUP("pkcs11keepstate"),
	SETUP("pkcs11proxy"),
	SETUP("logfile"),
	SETUP("logappend"),
	SETUP("logtime"),
	SETUP("logip"),
	SETUP("logstderr"),
	SETUP("audit-log"),
	SETUP("syslog"),
	SETUP("dumpdir"),
	SETUP("ipsecdir"),
	SETUP("secretsfile"),
	SETUP("nssdir"),
	SETUP("statsbin"),
	SETUP("perpeerlog"),
	SETUP("perpeerlogdir"),
	SETUP("nhelpers"),
	SETUP("seedbits"),
	SETUP("myvendorid"),
	SETUP("nflog-all"),
	SETUP("ikev1-policy"),
	SETUP("crl-strict"),
	SETUP("ocsp-enable"),
	SETUP("ocsp-strict"),
	SETUP("ocsp-timeout"),
	SETUP("ocsp-uri"),
	SETUP("ocsp-trustname"),
	SETUP("ocsp-cache-size"),
	SETUP("ocsp-cache-min-age"),
	SETUP("ocsp-cache-max-age"),
	SETUP("ocsp-method"),
	SETUP("curl-iface"),
	SETUP("curl-timeout"),
	SETUP("shuntlifetime"),
	SETUP("ddos-mode"),
	SETUP("ddos-ike-threshold"),
	SETUP("max-halfopen-ike"),
	SETUP("ike-socket-errqueue"),
	SETUP("ike-socket-bufsize"),
	SETUP("xfrmlifetime"),
	SETUP("dnssec-enable"),
	SETUP("dnssec-rootkey-file"),
	SETUP("dnssec-anchors"),
	SETUP("ipsec-interface-managed"),
	SETUP("nat-ikev1-method"),
	SETUP("force-busy"),
	SETUP("secctx-attr-type"),
	SETUP("expire-shunt-interval"),
	SETUP_NOPE("listen", "kesp-iked listens on every address"),
	SETUP_NOPE("listen-tcp", "IKE and ESP over TCP (RFC 8229) are not supported"),
	SETUP_NOPE("myid", "write leftid= in each conn"),
};

#define N_KWS (sizeof(kws) / sizeof(kws[0]))

/* Values of the keywords set_enum() handles; the first is the default's. */
static const struct {
	enum kw_id id;
	const char *name;		/* the row it applies to, or NULL */
	const char *const words[6];
	const int vals[6];
} enums[] = {
	/* ondemand is Libreswan's route, up its start (Libreswan 5). */
	{ KW_AUTO, NULL, { "ignore", "add", "route", "start", "ondemand", "up" },
	  { IKED_AUTO_IGNORE, IKED_AUTO_ADD, IKED_AUTO_ROUTE, IKED_AUTO_START,
	    IKED_AUTO_ROUTE, IKED_AUTO_START } },
	{ KW_TYPE, NULL, { "tunnel", "transport" },
	  { IKED_MODE_TUNNEL, IKED_MODE_TRANSPORT } },
	{ KW_DPDACTION, NULL, { "none", "clear", "hold", "restart" },
	  { IKED_DPD_NONE, IKED_DPD_CLEAR, IKED_DPD_HOLD, IKED_DPD_RESTART } },
	{ KW_ENCAPS, "encapsulation", { "auto", "yes", "no" },
	  { IKED_ENCAPS_AUTO, IKED_ENCAPS_FORCE, IKED_ENCAPS_NEVER } },
	{ KW_ENCAPS, "forceencaps", { "no", "yes" },
	  { IKED_ENCAPS_AUTO, IKED_ENCAPS_FORCE } },
	{ KW_PFS, NULL, { "yes", "no" }, { 0, 1 } },
	{ KW_FRAGMENTATION, NULL, { "yes", "accept", "force", "no" },
	  { IKED_FRAG_YES, IKED_FRAG_ACCEPT, IKED_FRAG_FORCE, IKED_FRAG_NO } },
};

#define N_ENUMS (sizeof(enums) / sizeof(enums[0]))

const struct kw *conf_kw_find(const char *name, int setup)
{
	size_t i;

	for (i = 0; i < N_KWS; i++)
		if (kws[i].setup == setup && !strcmp(kws[i].name, name))
			return &kws[i];
	return NULL;
}

const struct kw *conf_kw_default_row(enum kw_id id)
{
	size_t i;

	for (i = 0; i < N_KWS; i++)
		if (kws[i].id == id)
			return &kws[i];
	return NULL;
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

void conf_kw_suggest(char *msg, size_t len, size_t *used, const char *key,
		     int setup)
{
	if (iked_suggest(msg, len, used, key, N_KWS, kw_name, &setup))
		return;
	if (setup) {
		/* Dozens of them, all ignored: listing them helps nobody. */
		if (conf_kw_find(key, 0))
			iked_addf(msg, len, used, ": %s belongs in a conn section",
				  key);
		else
			iked_addf(msg, len, used, ": expected a keyword of strongSwan's or Libreswan's config setup");
		return;
	}
	iked_addf(msg, len, used, ": expected one of ");
	list_keywords(msg, len, used, setup);
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

/*
 * The %-words of both dialects that mean "any address": strongSwan 5
 * treats %defaultroute as %any (the route to the peer picks the source
 * address when initiating), Libreswan picks that address itself, which
 * comes to the same. %any4 and %any6 are taken as %any: the family then
 * follows from the other side, or from the peer when both are %any.
 */
static const char *const any_words[] = {
	"%any", "%any4", "%any6", "%defaultroute", "%defaultroute6",
};

static int set_host(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);
	char why[128];
	size_t i;

	memset(&e->addr, 0, sizeof(e->addr));
	free(b->host_name[kw->side]);
	b->host_name[kw->side] = NULL;
	for (i = 0; i < sizeof(any_words) / sizeof(any_words[0]); i++)
		if (!strcmp(v, any_words[i]))
			return 0;
	if (!kesp_addr_parse(v, &e->addr, why, sizeof(why)))
		return 0;
	if (!strcmp(v, "any")) {
		snprintf(err, errlen, "\"any\" is not an address: write %%any");
		return -EINVAL;
	}
	if (!strncmp(v, "%opportunistic", 14) || !strcmp(v, "%group")) {
		snprintf(err, errlen, "\"%s\" is not supported: opportunistic encryption is not; give the peer's address or name, or %%any",
			 v);
		return -EINVAL;
	}
	if (v[0] == '%') {
		snprintf(err, errlen, "\"%s\" is not a value kesp-iked understands: expected an address, a DNS name, %%any, %%any4, %%any6 or %%defaultroute",
			 v);
		return -EINVAL;
	}
	if (strchr(v, ',') || strchr(v, '/') ||
	    (strchr(v, '-') && !looks_like_name(v))) {
		snprintf(err, errlen, "\"%s\" is not supported yet: kesp-iked takes one address, name or %%any, not lists, ranges or subnets",
			 v);
		return -EINVAL;
	}
	if (looks_like_name(v) && strlen(v) <= 253) {
		/* Resolved once the conn is complete (resolve.c). */
		b->host_name[kw->side] = strdup(v);
		if (!b->host_name[kw->side]) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	snprintf(err, errlen, "\"%s\" is not an address: expected an IPv4 or IPv6 address, a DNS name or %%any, e.g. 192.0.2.1",
		 v);
	return -EINVAL;
}

/*
 * strongSwan's "comma separated list" of certificates, normalized into
 * @out (the blanks around each name dropped): 0, or -EINVAL said.
 */
static int cert_list(const char *v, char *out, size_t cap, char *err,
		     size_t errlen)
{
	size_t n = 0, o = 0;
	const char *p = v;

	out[0] = '\0';
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len || ++n > IKED_CONF_MAX_CERTS || o + len + 2 > cap ||
		    memchr(p, ' ', len) || memchr(p, '\t', len)) {
			snprintf(err, errlen, "\"%s\": %s (FILE, or up to %d as FILE,FILE,...)",
				 v, !len ? "an empty name in the list" :
				 n > IKED_CONF_MAX_CERTS ? "too many certificates" :
				 "a file name with a blank", IKED_CONF_MAX_CERTS);
			return -EINVAL;
		}
		if (o)
			out[o++] = ',';
		memcpy(out + o, p, len);
		o += len;
		out[o] = '\0';
		if (!end)
			break;
		p = end + 1;
		if (!*p) {
			snprintf(err, errlen, "\"%s\": an empty name in the list (FILE, or up to %d as FILE,FILE,...)",
				 v, IKED_CONF_MAX_CERTS);
			return -EINVAL;
		}
	}
	return 0;
}

static int set_cert(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);
	char list[4096];

	if (cert_list(v, list, sizeof(list), err, errlen))
		return -EINVAL;
	free(e->cert);
	e->cert = strdup(list);
	if (!e->cert) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int set_ca(struct build *b, const struct kw *kw, const char *v,
		  char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);

	if (!strcmp(v, "%same")) {
		b->ca_same[kw->side] = 1;
		return 0;
	}
	if (!strchr(v, '=')) {
		snprintf(err, errlen, "\"%s\" is not a CA's distinguished name: expected one like \"C=CH, O=Example, CN=Example Root CA\", or %%same",
			 v);
		return -EINVAL;
	}
	return iked_conf_dn_parse(v, &e->ca, err, errlen);
}

static int set_sendcert(struct build *b, const struct kw *kw, const char *v,
			char *err, size_t errlen)
{
	static const char *const words[] = {
		"ifasked", "sendifasked", "never", "no", "always", "yes",
	};
	int idx;

	if (conf_pick(v, words, 6, &idx, err, errlen))
		return -EINVAL;
	end_of(b, kw)->sendcert = idx < 2 ? IKED_SENDCERT_IFASKED :
				  idx < 4 ? IKED_SENDCERT_NEVER :
					    IKED_SENDCERT_ALWAYS;
	return 0;
}

static int set_updown(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);

	free(e->updown);
	e->updown = strdup(v);
	if (!e->updown) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* leftfirewall=: strongSwan's default updown rules, in nftables (firewall.h). */
static int set_firewall(struct build *b, const struct kw *kw, const char *v,
			char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);

	if (strcmp(v, "yes") && strcmp(v, "no")) {
		snprintf(err, errlen, "expected yes or no, not \"%s\"", v);
		return -EINVAL;
	}
	e->firewall = !strcmp(v, "yes");
	return 0;
}

/* Libreswan's next hop: kesp-iked sends as the routing table says. */
static int set_nexthop(struct build *b, const struct kw *kw, const char *v,
		       char *err, size_t errlen)
{
	struct kesp_addr a;
	char why[128];

	(void)b;
	(void)kw;
	if (!strcmp(v, "%defaultroute") || !strcmp(v, "%direct") ||
	    !kesp_addr_parse(v, &a, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "\"%s\" is not a next hop: expected an address, %%defaultroute or %%direct",
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

static int set_protoport(struct build *b, const struct kw *kw, const char *v,
			 char *err, size_t errlen)
{
	int s = kw->side;

	if (conf_parse_protoport(v, strlen(v), &b->pp[s].proto,
				 &b->pp[s].ports, err, errlen))
		return -EINVAL;
	b->pp[s].set = 1;
	return 0;
}

static int set_subnet(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen)
{
	struct iked_conf_end *e = end_of(b, kw);
	struct iked_conf_ts *ts;
	uint8_t *own;
	size_t n;
	int ret;

	ret = conf_parse_subnets(v, &ts, &own, &n, err, errlen);
	if (ret)
		return ret;
	free(e->ts);
	free(b->own_pp[kw->side]);
	e->ts = ts;
	e->n_ts = n;
	b->own_pp[kw->side] = own;
	return 0;
}

static const char *const auth_words[] = {
	"psk", "secret", "pubkey", "rsa", "ecdsa", "rsasig", "ecdsasig",
};

static int set_auth(struct build *b, const struct kw *kw, const char *v,
		    char *err, size_t errlen)
{
	int idx;

	if (!strncmp(v, "eap", 3) || !strncmp(v, "xauth", 5) ||
	    !strcmp(v, "null")) {
		snprintf(err, errlen, "\"%s\" is not supported: kesp-iked authenticates with pre-shared keys (psk) or certificates (pubkey)",
			 v);
		return -EINVAL;
	}
	/* strongSwan's "pubkey-sha256", "rsa-sha2_256"...: the hash is negotiated (RFC 7427). */
	if (strchr(v, '-') && (!strncmp(v, "pubkey-", 7) ||
			       !strncmp(v, "rsa-", 4) ||
			       !strncmp(v, "ecdsa-", 6)))
		idx = 2;
	else if (conf_pick(v, auth_words, 7, &idx, err, errlen))
		return -EINVAL;
	b->auth_set[kw->side] = 1;
	b->c_auth[kw->side] = idx < 2 ? IKED_CONF_AUTH_PSK :
					IKED_CONF_AUTH_PUBKEY;
	return 0;
}

static int set_authby(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen)
{
	static const char *const unsupported[] = {
		"never", "xauthpsk", "xauthrsasig", "eap", "null",
	};
	static const char *const words[] = {
		"secret", "psk", "pubkey", "rsasig", "ecdsasig", "rsa", "ecdsa",
		"rsa-sha1", "rsa-sha2", "rsa-sha2_256", "rsa-sha2_384",
		"rsa-sha2_512",
	};
	size_t i;
	int idx;

	(void)kw;
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (!strcmp(v, unsupported[i])) {
			snprintf(err, errlen, "\"%s\" is not supported: kesp-iked authenticates with pre-shared keys (authby=secret) or certificates (authby=pubkey)",
				 v);
			return -EINVAL;
		}
	}
	if (conf_pick(v, words, sizeof(words) / sizeof(words[0]), &idx, err,
		      errlen))
		return -EINVAL;
	b->authby = idx < 2 ? IKED_CONF_AUTH_PSK : IKED_CONF_AUTH_PUBKEY;
	b->authby_set = 1;
	return 0;
}

static int set_keyexchange(struct build *b, const struct kw *kw,
			   const char *v, char *err, size_t errlen)
{
	static const char *const words[] = { "ikev2", "ike", "ikev1" };
	/*
	 * Libreswan's ikev2=: insist (its default), propose and yes
	 * initiate IKEv2; permit initiates IKEv1, no and never speak only
	 * IKEv1.
	 */
	static const char *const lsw[] = {
		"insist", "propose", "yes", "permit", "no", "never",
	};
	int idx;

	if (!strcmp(kw->name, "ikev2")) {
		if (conf_pick(v, lsw, 6, &idx, err, errlen))
			return -EINVAL;
		b->c.ike_version = idx < 3 ? 2 : 1;
		return 0;
	}
	/*
	 * "ike" is strongSwan's default: initiate with IKEv2, answer both;
	 * kesp-iked answers each conn in its own version.
	 */
	if (conf_pick(v, words, 3, &idx, err, errlen))
		return -EINVAL;
	b->c.ike_version = idx == 2 ? 1 : 2;
	return 0;
}

static int set_proposals(struct build *b, const struct kw *kw,
			 const char *v, char *err, size_t errlen)
{
	enum iked_prop_proto proto =
		kw->id == KW_IKE ? IKED_PROP_IKE : IKED_PROP_ESP;
	struct iked_prop_list *l = kw->id == KW_IKE ? &b->c.ike : &b->c.esp;
	char why[IKED_CONF_ERRLEN];
	struct iked_prop_list n;
	char *lsw = NULL;
	int ret;

	/* strongSwan's syntax first; Libreswan's when it is not that. */
	ret = iked_prop_parse(proto, v, &n, err, errlen);
	if (ret) {
		if (conf_lsw_proposals(proto, v, &lsw, why, sizeof(why))) {
			snprintf(err, errlen, "%s", why);
			return -EINVAL;
		}
		if (!lsw)
			return -EINVAL;
		ret = iked_prop_parse(proto, lsw, &n, why, sizeof(why));
		if (ret)
			snprintf(err, errlen, "%s (read in Libreswan's syntax as \"%s\")",
				 why, lsw);
		free(lsw);
		if (ret)
			return -EINVAL;
	}
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
	if (conf_parse_uint(buf, &b->c.rekeyfuzz) || b->c.rekeyfuzz > 100000)
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
	if (conf_parse_uint(v, &b->c.keyingtries)) {
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
	uint8_t *f = kw->id == KW_REKEY ? &b->c.rekey :
		     kw->id == KW_AGGRESSIVE ? &b->c.aggressive : &b->c.reauth;
	int idx;

	if (conf_pick(v, words, 2, &idx, err, errlen))
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
	if (conf_pick(v, enums[i].words, 6, &idx, err, errlen))
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
	case KW_PFS:
		b->no_pfs = (uint8_t)enums[i].vals[idx];
		break;
	case KW_FRAGMENTATION:
		b->c.fragmentation = (enum iked_conf_frag)enums[i].vals[idx];
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
	const char *w = kw->only;
	size_t n = strlen(v), used = 0;

	(void)b;
	/* kw->only is one value, or several between "|". */
	while (w) {
		const char *bar = strchr(w, '|');
		size_t wl = bar ? (size_t)(bar - w) : strlen(w);

		if (wl == n && !strncmp(w, v, n))
			return 0;
		w = bar ? bar + 1 : NULL;
	}
	iked_addf(err, errlen, &used, "\"%s\" is not supported: %s; set ", v,
		  kw->note);
	for (w = kw->only; w; ) {
		const char *bar = strchr(w, '|');
		int wl = bar ? (int)(bar - w) : (int)strlen(w);

		iked_addf(err, errlen, &used, "%s%s=%.*s",
			  w == kw->only ? "" : " or ", kw->name, wl, w);
		w = bar ? bar + 1 : NULL;
	}
	iked_addf(err, errlen, &used, " or leave it out");
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

void conf_build_free(struct build *b)
{
	free(b->c.name);
	free(b->c.left.ts);
	free(b->c.right.ts);
	free(b->c.left.updown);
	free(b->c.right.updown);
	free(b->c.left.cert);
	free(b->c.right.cert);
	iked_prop_list_free(&b->c.ike);
	iked_prop_list_free(&b->c.esp);
	free(b->own_pp[0]);
	free(b->own_pp[1]);
	free(b->host_name[0]);
	free(b->host_name[1]);
	memset(b, 0, sizeof(*b));
}
