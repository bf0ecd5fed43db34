/* SPDX-License-Identifier: GPL-2.0 */
/* The connections of /etc/kesp/ipsec.conf, in strongSwan's or Libreswan's words. */

#ifndef KESP_IKED_CONF_H
#define KESP_IKED_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/addr.h"
#include "../proposal.h"

/*
 * The file is ipsec.conf(5) as strongSwan 5.9 and Libreswan 4.x write it:
 * "config setup", "conn NAME" and "conn %default" sections, indented
 * KEYWORD=VALUE lines, "#" comments (at the start of a line or after
 * white space), double-quoted values, "include FILE" (shell wildcards,
 * relative to the including file; it ends the section before it),
 * "version 2", a UTF-8 byte order mark at the start (skipped) and also=
 * inheritance. Every keyword kesp-iked reads, with its default:
 *
 *   left, right           ADDRESS | NAME | %any | %any4 | %any6 |
 *                         %defaultroute (all four: any address)      %any
 *                         (a NAME is resolved with getaddrinfo() when
 *                         the file is read, in the other side's family;
 *                         one that does not resolve refuses the file)
 *   leftid, rightid       ADDRESS | FQDN | @FQDN | user@domain | @#HEX | %any |
 *                         "C=CH, O=Example, CN=gw" (a DN; a "*" value matches any)
 *                         (default: leftcert='s subject, else the side's
 *                         address, %any if that is %any)
 *   leftsubnet, ...       PREFIX[[PROTO/PORT]],... | %dynamic  (default: the
 *                         side's own address)
 *   leftprotoport, ...    PROTO[/PORT]: tcp/80, udp/%any, 17/500 (default any)
 *   leftauth, rightauth   psk | secret | pubkey | rsa | ecdsa | rsasig | ecdsasig
 *   authby                secret | psk | pubkey | rsasig | ecdsasig | rsa-sha2_256 ...
 *                         (default pubkey, as strongSwan's: then some end
 *                         needs leftcert=)
 *   leftcert, rightcert   FILE in ipsec.d/certs/ (rightcert: the peer's, pinned)
 *   leftca, rightca       a CA's DN that must be in the chain, or %same
 *   leftsendcert, ...     ifasked | sendifasked | never | no | always | yes  ifasked
 *   keyexchange           ikev2 | ike | ikev1                       ikev2
 *   ikev2 (Libreswan)     insist | propose | yes; permit | no | never
 *                         (IKEv1)                                   insist
 *   aggressive            yes | no (IKEv1 Aggressive Mode allowed)  no
 *                         (IKEv1 conns authenticate with PSKs only)
 *   ike, esp, phase2alg   proposal strings, strongSwan's (proposal.h) or
 *                         Libreswan's (libreswan.c)          kesp's defaults
 *   pfs (Libreswan)       yes | no (no: ESP proposals lose their groups) yes
 *   ikelifetime           TIME                                      3h
 *   lifetime, keylife, salifetime TIME                              1h
 *   rekeymargin, margintime TIME                                    9m
 *   rekeyfuzz             PERCENT                                   100%
 *   keyingtries           N | %forever (stored as 0)                3
 *   rekey, reauth         yes | no                                  yes, no
 *   auto                  ignore | add | route | start, Libreswan's
 *                         ondemand (route) and up (start)           ignore
 *   type                  tunnel | transport                        tunnel
 *   dpddelay, dpdtimeout  TIME                                      30s, 150s
 *   dpdaction             none | clear | hold | restart             none
 *   encapsulation         auto | yes | no (Libreswan)               auto
 *   forceencaps           yes | no (strongSwan; no = auto)          no
 *   leftupdown, rightupdown  a shell command run with strongSwan's
 *                         PLUTO_* environment as CHILD SAs go up and down
 *                         (the local side's; updown.h)              none
 *   leftfirewall          yes | no: strongSwan's default updown accept
 *                         rules in nftables table inet kesp, unless
 *                         leftupdown= is set (firewall.h)          no
 *   leftnexthop, rightnexthop  ADDRESS | %defaultroute | %direct: accepted,
 *                         kesp.ko follows the routing table
 *   fragmentation         yes | accept | force | no: IKE message
 *                         fragmentation (IKEv2: RFC 7383; IKEv1: the
 *                         Cisco extension): yes announces it and
 *                         fragments what exceeds --fragment-size when the
 *                         peer announced it too; accept only announces;
 *                         force is yes (IKEv1: also before the peer
 *                         announced it); no announces nothing. IKEv2
 *                         fragments received are reassembled whatever
 *                         the value, IKEv1 ones unless no         yes
 *   mobike=no, compress=no, installpolicy=yes,
 *   rightfirewall=no, closeaction=none
 *
 * TIME is seconds, or a number with s, m, h or d (m, h and d may have a
 * fraction: 1.5h). Raw public keys, virtual IPs, rightfirewall=yes, AH, marks and
 * the like are known and refused as not supported yet; any other keyword
 * is refused as unknown. In "config setup" the strongSwan and Libreswan
 * keywords that tune only their own daemon (charondebug, uniqueids,
 * logfile, dumpdir, nhelpers, plutodebug, virtual-private, ...) are
 * accepted and named in one warning; listen, listen-tcp and myid are
 * refused.
 *
 * Resolution follows strongSwan: a conn's own settings win, then those of
 * its also= sections (a later also= over an earlier one, recursively),
 * then conn %default. "KEY=" with nothing after it means the default and
 * overrides an inherited value. %default sections must come before every
 * conn. A conn with auto=ignore (the default, as for sections that exist
 * to be included with also=) is checked line by line but not loaded.
 * Defaults are strongSwan's in both dialects.
 */

/* IKEv2 identification types (RFC 7296, section 3.5); 0 stands for %any. */
enum iked_conf_id_type {
	IKED_ID_ANY = 0,
	IKED_ID_IPV4_ADDR = 1,
	IKED_ID_FQDN = 2,
	IKED_ID_RFC822_ADDR = 3,
	IKED_ID_IPV6_ADDR = 5,
	IKED_ID_DER_ASN1_DN = 9,
	IKED_ID_KEY_ID = 11,
};

/* How one end proves who it is (leftauth=, authby=). */
enum iked_conf_auth {
	IKED_CONF_AUTH_PSK,
	IKED_CONF_AUTH_PUBKEY,		/* a certificate and its private key */
};

/* leftsendcert=: when our certificate goes into IKE_AUTH. */
enum iked_conf_sendcert {
	IKED_SENDCERT_IFASKED,		/* the peer sent a CERTREQ */
	IKED_SENDCERT_NEVER,
	IKED_SENDCERT_ALWAYS,
};

/* Bytes of identification data; an FQDN is at most 253. */
#define IKED_ID_MAX		255
/* Room for any identity formatted (a name's bytes escaped as \xHH). */
#define IKED_ID_STRLEN		(4 * IKED_ID_MAX + 3)
/* Enough for every message the parsers write, with file name and line. */
#define IKED_CONF_ERRLEN	1024
/* Certificates in one leftcert= list. */
#define IKED_CONF_MAX_CERTS	4

/* An identity as the ID payload carries it (no terminating NUL). */
struct iked_conf_id {
	uint8_t type;		/* enum iked_conf_id_type */
	uint16_t len;
	uint8_t data[IKED_ID_MAX];	/* address bytes, text, or KEY_ID */
};

/* One traffic selector of one side. */
struct iked_conf_ts {
	/*
	 * The side's IKE address, known only when negotiating (the side is
	 * %any): net is then AF_UNSPEC.
	 */
	uint8_t dynamic;
	struct kesp_prefix net;
	uint8_t proto;				/* 0: any */
	struct kesp_port_range ports;		/* 0-65535: any */
};

struct iked_conf_end {
	struct kesp_addr addr;		/* AF_UNSPEC: %any */
	struct iked_conf_id id;
	uint8_t id_set;			/* 1: leftid= given, 0: derived */
	struct iked_conf_ts *ts;	/* at least one */
	size_t n_ts;
	/* leftupdown=: run by /bin/sh on up and down (updown.h), or NULL. */
	char *updown;
	enum iked_conf_auth auth;
	/*
	 * leftcert=: the file, as written (relative: to ipsec.d/certs/
	 * beside ipsec.conf), or NULL; ours may be a list, "a.pem,b.pem"
	 * (at most IKED_CONF_MAX_CERTS, no spaces), of which each IKE SA
	 * uses one (crypto/auth/pubkey.c). For the remote end: the only
	 * certificate it may authenticate with.
	 */
	char *cert;
	/* leftca=: the DN of a CA the end's chain must hold; type 0: any. */
	struct iked_conf_id ca;
	enum iked_conf_sendcert sendcert;
	/* leftfirewall=yes: strongSwan's default updown rules, in nftables
	 * (firewall.h); ignored, as strongSwan does, when updown is set. */
	bool firewall;
};

enum iked_conf_auto {
	IKED_AUTO_IGNORE,
	IKED_AUTO_ADD,
	IKED_AUTO_ROUTE,
	IKED_AUTO_START,
};

enum iked_conf_dpdaction {
	IKED_DPD_NONE,
	IKED_DPD_CLEAR,
	IKED_DPD_HOLD,
	IKED_DPD_RESTART,
};

enum iked_conf_mode {
	IKED_MODE_TUNNEL,
	IKED_MODE_TRANSPORT,
};

/*
 * fragmentation=: IKE fragmentation (RFC 7383; IKEv1's Cisco extension),
 * strongSwan's values. IKEv2 fragments a peer sends are taken whatever
 * this says, as strongSwan takes them (IKEv1 ones unless no); it
 * decides what we announce and what we send.
 */
enum iked_conf_frag {
	IKED_FRAG_YES,		/* announce; fragment if the peer supports it */
	IKED_FRAG_ACCEPT,	/* announce; never fragment what we send */
	IKED_FRAG_FORCE,	/* IKEv2: as yes; IKEv1: even before the peer's VID */
	IKED_FRAG_NO,		/* do not announce, never fragment */
};

/* UDP encapsulation of ESP (NAT-T, RFC 3948). */
enum iked_conf_encaps {
	IKED_ENCAPS_AUTO,	/* when NAT is detected */
	IKED_ENCAPS_FORCE,	/* always */
	IKED_ENCAPS_NEVER,	/* never, even behind NAT */
};

/*
 * A loaded conn. left and right are kept as written: like strongSwan, the
 * daemon takes as local the side whose address is one of its own, and left
 * when neither is. Each end authenticates as its auth says: a PSK found
 * with iked_secrets_lookup(), or a certificate (crypto/auth/creds.h).
 */
struct iked_conf_conn {
	char *name;
	const char *file;		/* where "conn NAME" is */
	unsigned int line;
	struct iked_conf_end left, right;
	enum iked_conf_auto autostart;
	enum iked_conf_mode mode;
	struct iked_prop_list ike, esp;
	uint32_t ikelifetime;		/* seconds */
	uint32_t lifetime;		/* seconds, CHILD SAs */
	uint32_t rekeymargin;		/* seconds, IKE and CHILD SAs */
	uint32_t rekeyfuzz;		/* percent of rekeymargin */
	uint32_t keyingtries;		/* 0: forever */
	uint8_t rekey, reauth;
	uint32_t dpddelay, dpdtimeout;	/* seconds */
	enum iked_conf_dpdaction dpdaction;
	enum iked_conf_encaps encaps;
	/* ISAKMP major version: 2, or 1 for keyexchange=ikev1 / ikev2=no. */
	uint8_t ike_version;
	/* IKEv1 Aggressive Mode allowed (aggressive=yes). */
	uint8_t aggressive;
	enum iked_conf_frag fragmentation;
};

struct iked_conf {
	struct iked_conf_conn *conns;	/* in file order, auto=ignore left out */
	size_t n_conns;
	/*
	 * "FILE:LINE: ..." lines for the log: ignored config setup keywords,
	 * weak algorithms asked for, rekey margins that may not fit.
	 */
	char **warnings;
	size_t n_warnings;
	char **files;			/* names the conns point into */
	size_t n_files;
	/*
	 * config setup strictcrlpolicy=yes: every CA of a peer's chain
	 * needs a current CRL in ipsec.d/crls/ (strongSwan's meaning).
	 */
	bool strictcrlpolicy;
	/*
	 * strictcrlpolicy=ifuri: as yes for a certificate with a CRL
	 * distribution point URI, as no for one without.
	 */
	bool strictcrlpolicy_ifuri;
};

/*
 * Read @path (and what it includes) into *@out. Returns 0, -EINVAL for a
 * mistake in the file, or -errno when it cannot be read; @err then holds
 * one line "FILE:LINE: KEYWORD: what is wrong: what was expected" (the
 * first mistake found). Give @err IKED_CONF_ERRLEN bytes.
 */
int iked_conf_load(const char *path, struct iked_conf **out, char *err,
		   size_t errlen);
/* The same for @len bytes of @text, named @name in messages and includes. */
int iked_conf_parse(const char *name, const char *text, size_t len,
		    struct iked_conf **out, char *err, size_t errlen);
void iked_conf_free(struct iked_conf *conf);
const struct iked_conf_conn *iked_conf_find(const struct iked_conf *conf,
					    const char *name);
/*
 * @a and @b (same name) describe the same tunnel: every setting but
 * where it is written. A reload keeps such a conn's SAs (equal.c).
 */
bool iked_conf_conn_same(const struct iked_conf_conn *a,
			 const struct iked_conf_conn *b);

/*
 * An identity as strongSwan reads one: an IP address, "@fqdn" or a plain
 * name (FQDN), "user@domain" or "@@user@domain" (RFC822), "@#0123ab"
 * (KEY_ID, hex) or "%any". Distinguished names are refused: they belong
 * to certificates. Returns 0 or -EINVAL with a message in @err.
 */
int iked_conf_id_parse(const char *s, struct iked_conf_id *id, char *err,
		       size_t errlen);
/*
 * The form iked_conf_id_parse() reads back (FQDNs without the "@"), with
 * a name's bytes escaped as iked_escape() does: a peer chose them.
 */
const char *iked_conf_id_format(const struct iked_conf_id *id, char *buf,
				size_t len);
/* Same type and data; FQDN and RFC822 compare without regard to case. */
int iked_conf_id_equal(const struct iked_conf_id *a,
		       const struct iked_conf_id *b);
/* @pattern is %any or equal to @id. */
int iked_conf_id_match(const struct iked_conf_id *pattern,
		       const struct iked_conf_id *id);

/*
 * dn.c: strongSwan's "C=CH, O=Example, CN=gw.example" (or
 * "/C=CH/O=Example") into an ID_DER_ASN1_DN identity; a value "*" is a
 * wildcard for iked_conf_dn_match(). 0 or -EINVAL with a message.
 */
int iked_conf_dn_parse(const char *s, struct iked_conf_id *id, char *err,
		       size_t errlen);
/* The DN of @id as "C=CH, O=Example, CN=gw", escaped: a peer chose it. */
const char *iked_conf_dn_format(const struct iked_conf_id *id, char *buf,
				size_t len);
struct X509_name_st;
int iked_conf_dn_format_name(const struct X509_name_st *name, char *buf,
			     size_t len);
/* Both are DNs, equal as X.509 compares them or with @pattern's "*" values. */
int iked_conf_dn_match(const struct iked_conf_id *pattern,
		       const struct iked_conf_id *id);

/* The value of one hex digit, or -1 (KEY_IDs here, 0x secrets). */
int iked_conf_hexval(char c);

/* "3600", "60s", "10m", "1.5h", "1d" into seconds; 0 or -EINVAL. */
int iked_conf_time_parse(const char *s, uint32_t *secs, char *err,
			 size_t errlen);

#endif /* KESP_IKED_CONF_H */
