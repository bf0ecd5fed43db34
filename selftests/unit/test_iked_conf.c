// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kesp-iked's ipsec.conf and ipsec.secrets readers:
 * a strongSwan site-to-site conn, %default and also= precedence, every
 * class of mistake with its line and message, includes, identities, PSK
 * lookup and the refusal of a secrets file others can read.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "iked/conf/conf.h"
#include "iked/secrets.h"

static int conf(const char *text, struct iked_conf **c, char *err)
{
	err[0] = '\0';
	return iked_conf_parse("ipsec.conf", text, strlen(text), c, err,
			       IKED_CONF_ERRLEN);
}

/* The message for @text, which must be refused with -EINVAL. */
static const char *conf_err(const char *text, char *err)
{
	struct iked_conf *c = NULL;

	if (conf(text, &c, err) != -EINVAL) {
		iked_conf_free(c);
		return "(accepted)";
	}
	if (c)
		return "(refused but returned a configuration)";
	return err;
}

static int is_addr(const struct kesp_addr *a, int family, const char *s)
{
	uint8_t b[16] = { 0 };

	return a->family == family && inet_pton(family, s, b) == 1 &&
	       !memcmp(a->bytes, b, kesp_addr_len(family));
}

static int is_prefix(const struct iked_conf_ts *ts, const char *s)
{
	char buf[KESP_PREFIX_STRLEN];

	return !ts->dynamic &&
	       !strcmp(kesp_prefix_format(&ts->net, buf, sizeof(buf)), s);
}

static int is_id(const struct iked_conf_id *id, const char *s)
{
	char buf[IKED_ID_STRLEN];

	return !strcmp(iked_conf_id_format(id, buf, sizeof(buf)), s);
}

static const char site_to_site[] =
	"# /etc/kesp/ipsec.conf - kesp-iked configuration file\n"
	"version 2\n"
	"\n"
	"config setup\n"
	"\tcharondebug=\"ike 2, knl 2, cfg 2\"\n"
	"\tuniqueids=yes\n"
	"\n"
	"conn %default\n"
	"\tikelifetime=60m\n"
	"\tkeylife=20m\n"
	"\trekeymargin=3m\n"
	"\tkeyingtries=1\n"
	"\tkeyexchange=ikev2\n"
	"\tauthby=secret\n"
	"\tmobike=no\n"
	"\n"
	"conn site-a-site-b\n"
	"\tleft=192.0.2.1          # our outside address\n"
	"\tleftid=@gw-a.example.org\n"
	"\tleftsubnet=10.1.0.0/16,2001:db8:1::/48\n"
	"\tleftfirewall=no\n"
	"\tright=198.51.100.2\n"
	"\trightid=@gw-b.example.org\n"
	"\trightsubnet=10.2.0.0/16\n"
	"\tike=aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256!\n"
	"\tesp=aes128gcm16-ecp256!\n"
	"\tdpddelay=10s\n"
	"\tdpdtimeout=60s\n"
	"\tdpdaction=restart\n"
	"\tauto=start\n";

TEST(site_to_site_as_strongswan_users_write_it)
{
	const struct iked_conf_conn *k;
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN], buf[256];

	ASSERT_EQ(0, conf(site_to_site, &c, err)) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(1, c->n_conns);
	k = iked_conf_find(c, "site-a-site-b");
	ASSERT_NE(NULL, k);
	EXPECT_EQ(NULL, iked_conf_find(c, "%default"));
	EXPECT_STREQ("ipsec.conf", k->file);
	EXPECT_EQ(17, k->line);

	EXPECT_TRUE(is_addr(&k->left.addr, AF_INET, "192.0.2.1"));
	EXPECT_EQ(IKED_ID_FQDN, k->left.id.type);
	EXPECT_EQ(1, k->left.id_set);
	EXPECT_TRUE(is_id(&k->left.id, "gw-a.example.org"));
	ASSERT_EQ(2, k->left.n_ts);
	EXPECT_TRUE(is_prefix(&k->left.ts[0], "10.1.0.0/16"));
	EXPECT_TRUE(is_prefix(&k->left.ts[1], "2001:db8:1::/48"));
	EXPECT_EQ(0, k->left.ts[0].proto);
	EXPECT_EQ(0, k->left.ts[0].ports.min);
	EXPECT_EQ(65535, k->left.ts[0].ports.max);

	EXPECT_TRUE(is_addr(&k->right.addr, AF_INET, "198.51.100.2"));
	EXPECT_TRUE(is_id(&k->right.id, "gw-b.example.org"));
	ASSERT_EQ(1, k->right.n_ts);
	EXPECT_TRUE(is_prefix(&k->right.ts[0], "10.2.0.0/16"));

	EXPECT_EQ(1, k->ike.strict);
	ASSERT_EQ(2, k->ike.n);
	EXPECT_STREQ("aes256-sha256-prfsha256-modp2048",
		     iked_prop_format(&k->ike.props[0], buf, sizeof(buf)));
	EXPECT_STREQ("aes128gcm16-prfsha256-ecp256",
		     iked_prop_format(&k->ike.props[1], buf, sizeof(buf)));
	ASSERT_EQ(1, k->esp.n);
	EXPECT_STREQ("aes128gcm16-ecp256-noesn",
		     iked_prop_format(&k->esp.props[0], buf, sizeof(buf)));

	/* From %default, under strongSwan's synonyms. */
	EXPECT_EQ(3600, k->ikelifetime);
	EXPECT_EQ(1200, k->lifetime);
	EXPECT_EQ(180, k->rekeymargin);
	EXPECT_EQ(1, k->keyingtries);
	/* From the defaults table. */
	EXPECT_EQ(100, k->rekeyfuzz);
	EXPECT_EQ(1, k->rekey);
	EXPECT_EQ(0, k->reauth);	/* off by default, unlike ipsec.conf */
	EXPECT_EQ(IKED_MODE_TUNNEL, k->mode);
	EXPECT_EQ(IKED_ENCAPS_AUTO, k->encaps);
	/* Its own. */
	EXPECT_EQ(10, k->dpddelay);
	EXPECT_EQ(60, k->dpdtimeout);
	EXPECT_EQ(IKED_DPD_RESTART, k->dpdaction);
	EXPECT_EQ(IKED_AUTO_START, k->autostart);

	/* config setup is read, ignored, and said so once. */
	ASSERT_EQ(1, c->n_warnings);
	EXPECT_STREQ("ipsec.conf:4: config setup: ignored, as they tune only strongSwan's or Libreswan's own daemon (kesp-iked has its own options): charondebug, uniqueids",
		     c->warnings[0]);
	iked_conf_free(c);
}

TEST(defaults_as_strongswan_documents_them)
{
	static const char text[] =
		"conn minimal\n"
		"\tleft=%defaultroute\n"
		"\tright=2001:db8::2\n"
		"\tauthby=psk\n"
		"\tauto=add\n";
	const struct iked_conf_conn *k;
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, conf(text, &c, err)) {
		TH_LOG("%s", err);
	}
	k = &c->conns[0];
	EXPECT_EQ(10800, k->ikelifetime);
	EXPECT_EQ(3600, k->lifetime);
	EXPECT_EQ(540, k->rekeymargin);
	EXPECT_EQ(100, k->rekeyfuzz);
	EXPECT_EQ(3, k->keyingtries);
	EXPECT_EQ(30, k->dpddelay);
	EXPECT_EQ(150, k->dpdtimeout);
	EXPECT_EQ(IKED_DPD_NONE, k->dpdaction);
	EXPECT_EQ(IKED_MODE_TUNNEL, k->mode);
	EXPECT_EQ(IKED_ENCAPS_AUTO, k->encaps);
	EXPECT_EQ(1, k->rekey);
	EXPECT_EQ(0, k->reauth);
	EXPECT_EQ(IKED_AUTO_ADD, k->autostart);
	/* Not given: kesp's default proposals, not strict. */
	EXPECT_EQ(0, k->ike.n_configured);
	EXPECT_EQ(2, k->ike.n);
	EXPECT_EQ(0, k->ike.strict);
	EXPECT_EQ(IKED_PROP_IKE, k->ike.proto);
	EXPECT_EQ(2, k->esp.n);
	EXPECT_EQ(IKED_PROP_ESP, k->esp.proto);
	/* %defaultroute is %any: address and selector found at run time. */
	EXPECT_EQ(0, k->left.addr.family);
	EXPECT_EQ(IKED_ID_ANY, k->left.id.type);
	EXPECT_EQ(0, k->left.id_set);
	ASSERT_EQ(1, k->left.n_ts);
	EXPECT_EQ(1, k->left.ts[0].dynamic);
	/* A known address stands for its own ID and selector. */
	EXPECT_TRUE(is_addr(&k->right.addr, AF_INET6, "2001:db8::2"));
	EXPECT_EQ(IKED_ID_IPV6_ADDR, k->right.id.type);
	EXPECT_TRUE(is_id(&k->right.id, "2001:db8::2"));
	ASSERT_EQ(1, k->right.n_ts);
	EXPECT_TRUE(is_prefix(&k->right.ts[0], "2001:db8::2/128"));
	EXPECT_EQ(0, c->n_warnings);
	iked_conf_free(c);
}

TEST(default_and_also_precedence)
{
	static const char text[] =
		"conn %default\n"			/* 1 */
		"\tlifetime=2h\n"
		"\tikelifetime=4h\n"
		"\tdpddelay=40s\n"
		"\tauthby=secret\n"			/* 5 */
		"\tesp=aes256-sha256!\n"
		"\tdpdaction=hold\n"
		"\treauth=yes\n"
		"\n"
		"conn net\n"				/* 10 */
		"\tleftsubnet=10.1.0.0/16\n"
		"\trightsubnet=10.2.0.0/16\n"
		"\tlifetime=30m\n"
		"\tdpddelay=20s\n"
		"\tdpdtimeout=100s\n"			/* 15 */
		"\tkeyingtries=7\n"
		"\n"
		"conn peer\n"
		"\talso=base\n"
		"\tleft=192.0.2.1\n"			/* 20 */
		"\tright=198.51.100.2\n"
		"\tdpddelay=25s\n"
		"\trekeymargin=5m\n"
		"\tdpdtimeout=200s\n"
		"\trekeyfuzz=20%\n"			/* 25 */
		"\n"
		"conn base\n"
		"\trekeyfuzz=50%\n"
		"\tkeyingtries=%forever\n"
		"\trekey=no\n"				/* 30 */
		"\n"
		"conn tunnel\n"
		"\talso=net\n"
		"\talso=peer\n"
		"\tdpddelay=15s\n"			/* 35 */
		"\tdpdaction=\n"
		"\tauto=route\n";
	const struct iked_conf_conn *k;
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, conf(text, &c, err)) {
		TH_LOG("%s", err);
	}
	/* net, peer and base are auto=ignore: pieces, not connections. */
	ASSERT_EQ(1, c->n_conns);
	k = &c->conns[0];
	EXPECT_STREQ("tunnel", k->name);
	EXPECT_EQ(32, k->line);
	EXPECT_EQ(IKED_AUTO_ROUTE, k->autostart);
	/* Its own line beats every also= and %default. */
	EXPECT_EQ(15, k->dpddelay);
	/* "dpdaction=" means the default, not %default's hold. */
	EXPECT_EQ(IKED_DPD_NONE, k->dpdaction);
	/* The later also= (peer) beats the earlier (net). */
	EXPECT_EQ(200, k->dpdtimeout);
	/* peer's own beats what peer includes (base). */
	EXPECT_EQ(20, k->rekeyfuzz);
	/* base comes in through peer, which is later than net. */
	EXPECT_EQ(0, k->keyingtries);
	EXPECT_EQ(0, k->rekey);
	/* An also= beats %default. */
	EXPECT_EQ(1800, k->lifetime);
	/* %default fills the rest. */
	EXPECT_EQ(14400, k->ikelifetime);
	EXPECT_EQ(1, k->reauth);
	EXPECT_EQ(1, k->esp.strict);
	EXPECT_EQ(300, k->rekeymargin);
	EXPECT_TRUE(is_addr(&k->left.addr, AF_INET, "192.0.2.1"));
	EXPECT_TRUE(is_prefix(&k->left.ts[0], "10.1.0.0/16"));
	EXPECT_TRUE(is_prefix(&k->right.ts[0], "10.2.0.0/16"));
	EXPECT_TRUE(is_id(&k->left.id, "192.0.2.1"));
	iked_conf_free(c);
}

TEST(also_recursion_is_detected)
{
	char err[IKED_CONF_ERRLEN];

	EXPECT_STREQ("ipsec.conf:7: also: conn a includes itself: a -> b -> c -> a",
		     conf_err("conn a\n"
			      "\talso=b\n"
			      "\tleft=192.0.2.1\n"
			      "conn b\n"
			      "\talso=c\n"
			      "conn c\n"
			      "\talso=a\n", err));
	EXPECT_STREQ("ipsec.conf:2: also: conn a includes itself: a -> a",
		     conf_err("conn a\n\talso=a\n", err));
	/* Two ways to the same piece are not a loop. */
	EXPECT_STREQ("(accepted)",
		     conf_err("conn x\n\tauthby=secret\n"
			      "conn y\n\talso=x\n"
			      "conn z\n\talso=x\n"
			      "conn t\n\talso=y\n\talso=z\n"
			      "\tleft=%any\n\tright=192.0.2.9\n\tauto=add\n",
			      err));
	EXPECT_STREQ("ipsec.conf:5: also: there is no conn nothere",
		     conf_err("conn a\n"
			      "\tleft=192.0.2.1\n"
			      "\tright=192.0.2.2\n"
			      "\tauthby=secret\n"
			      "\talso=nothere\n", err));
	EXPECT_STREQ("ipsec.conf:3: also: conn b is already included at ipsec.conf:2",
		     conf_err("conn a\n\talso=b\n\talso=b\nconn b\n", err));
}

struct bad {
	const char *text;
	const char *msg;
};

#define CONN_A "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tauthby=secret\n\tauto=add\n"

TEST(every_mistake_with_its_line)
{
	static const struct bad bad[] = {
		{ CONN_A "\trightsubnet=10.0.0.0/33\n",
		  "ipsec.conf:6: rightsubnet: \"10.0.0.0/33\" is not a prefix (prefix length longer than the 32 bits of an IPv4 address): expected ADDRESS/LEN, e.g. 10.2.0.0/16" },
		{ CONN_A "\tleftsubnet=10.1.2.3/16\n",
		  "ipsec.conf:6: leftsubnet: \"10.1.2.3/16\" is not a prefix (host bits set; did you mean 10.1.0.0/16?): expected ADDRESS/LEN, e.g. 10.2.0.0/16" },
		{ CONN_A "\tleftsubnet=10.1.0.0/16,,10.3.0.0/16\n",
		  "ipsec.conf:6: leftsubnet: empty entry in \"10.1.0.0/16,,10.3.0.0/16\": expected ADDRESS/LEN, e.g. 10.2.0.0/16, separated by single commas" },
		{ CONN_A "\tleftsubnet=any\n",
		  "ipsec.conf:6: leftsubnet: \"any\" is not a prefix: expected ADDRESS/LEN, e.g. 10.2.0.0/16 (0.0.0.0/0 or ::/0 for everything)" },
		{ CONN_A "\trigthsubnet=10.2.0.0/16\n",
		  "ipsec.conf:6: unknown keyword \"rigthsubnet\" in conn a; did you mean rightsubnet?" },
		{ CONN_A "\tLeft=192.0.2.1\n",
		  "ipsec.conf:6: unknown keyword \"Left\" in conn a; did you mean left?" },
		{ "config setup\n\tcharondbug=2\n",
		  "ipsec.conf:2: unknown keyword \"charondbug\" in config setup; did you mean charondebug?" },
		{ "config setup\n\tleft=192.0.2.1\n",
		  "ipsec.conf:2: unknown keyword \"left\" in config setup: left belongs in a conn section" },
		{ "config setup\n\tfrobnicate=2\n",
		  "ipsec.conf:2: unknown keyword \"frobnicate\" in config setup: expected a keyword of strongSwan's or Libreswan's config setup" },
		{ "config setup\n\tlisten=192.0.2.1\n",
		  "ipsec.conf:2: config setup: listen: not supported: kesp-iked listens on every address" },
		{ "conn a\n\tkeyexchange=ikev3\n",
		  "ipsec.conf:2: keyexchange: \"ikev3\" is not a valid value: expected ikev2, ike or ikev1" },
		{ "conn a\n\tmobike=yes\n",
		  "ipsec.conf:2: mobike: \"yes\" is not supported: MOBIKE (RFC 4555) is not supported yet; set mobike=no or leave it out" },
		{ "conn a\n\tauthby=xauthrsasig\n",
		  "ipsec.conf:2: authby: \"xauthrsasig\" is not supported: kesp-iked authenticates with pre-shared keys (authby=secret) or certificates (authby=pubkey)" },
		{ "conn a\n\tauthby=password\n",
		  "ipsec.conf:2: authby: \"password\" is not a valid value: expected secret, psk, pubkey, rsasig, ecdsasig, rsa, ecdsa, rsa-sha1, rsa-sha2, rsa-sha2_256, rsa-sha2_384 or rsa-sha2_512" },
		{ "conn a\n\tleftauth=eap-mschapv2\n",
		  "ipsec.conf:2: leftauth: \"eap-mschapv2\" is not supported: kesp-iked authenticates with pre-shared keys (psk) or certificates (pubkey)" },
		{ "conn a\n\tleftauth=cert\n",
		  "ipsec.conf:2: leftauth: \"cert\" is not a valid value: expected psk, secret, pubkey, rsa, ecdsa, rsasig or ecdsasig" },
		{ "conn a\n\tleftsendcert=sometimes\n",
		  "ipsec.conf:2: leftsendcert: \"sometimes\" is not a valid value: expected ifasked, sendifasked, never, no, always or yes" },
		{ "conn a\n\trightca=Example Root CA\n",
		  "ipsec.conf:2: rightca: \"Example Root CA\" is not a CA's distinguished name: expected one like \"C=CH, O=Example, CN=Example Root CA\", or %same" },
		{ "conn a\n\tauto=sometimes\n",
		  "ipsec.conf:2: auto: \"sometimes\" is not a valid value: expected ignore, add, route, start, ondemand or up" },
		{ "conn a\n\tdpdaction=kill\n",
		  "ipsec.conf:2: dpdaction: \"kill\" is not a valid value: expected none, clear, hold or restart" },
		{ "conn a\n\ttype=passthrough\n",
		  "ipsec.conf:2: type: \"passthrough\" is not a valid value: expected tunnel or transport" },
		{ "conn a\n\tencapsulation=maybe\n",
		  "ipsec.conf:2: encapsulation: \"maybe\" is not a valid value: expected auto, yes or no" },
		{ "conn a\n\treauth=true\n",
		  "ipsec.conf:2: reauth: \"true\" is not a valid value: expected yes or no" },
		{ "conn a\n\tikelifetime=\"3 hours\"\n",
		  "ipsec.conf:2: ikelifetime: \"3 hours\" is not a time: expected seconds, or a number with s, m, h or d, e.g. 30s, 10m, 1h, 1d" },
		{ "conn a\n\trekeyfuzz=100\n",
		  "ipsec.conf:2: rekeyfuzz: \"100\" is not a percentage: expected a whole number and %, e.g. 100%" },
		{ "conn a\n\tkeyingtries=forever\n",
		  "ipsec.conf:2: keyingtries: \"forever\" is not a number of tries: expected a whole number or %forever" },
		{ "conn a\n\tleftsigkey=gw.pub\n",
		  "ipsec.conf:2: leftsigkey: not supported: raw public keys are not supported: give a certificate with leftcert=" },
		{ "conn a\n\trightsourceip=10.9.0.0/24\n",
		  "ipsec.conf:2: rightsourceip: not supported: virtual IPs and configuration payloads are not supported yet" },
		{ "conn a\n\tright=10.0.0.0/8\n",
		  "ipsec.conf:2: right: \"10.0.0.0/8\" is not supported yet: kesp-iked takes one address, name or %any, not lists, ranges or subnets" },
		{ "conn a\n\tright=10.0.0.300\n",
		  "ipsec.conf:2: right: \"10.0.0.300\" is not an address: expected an IPv4 or IPv6 address, a DNS name or %any, e.g. 192.0.2.1" },
		{ "conn a\n\tright=any\n",
		  "ipsec.conf:2: right: \"any\" is not an address: write %any" },
		{ "conn a\n\trightid=\"C=CH, XX=strongSwan, CN=moon\"\n",
		  "ipsec.conf:2: rightid: \"C=CH, XX=strongSwan, CN=moon\": unknown attribute \"XX\": expected a distinguished name like \"C=CH, O=Example, CN=gw.example\" (attributes C, ST, L, O, OU, CN, E, DC, UID, SN, serialNumber)" },
		{ "conn a\n\trightid=\"C=CH, CN\"\n",
		  "ipsec.conf:2: rightid: \"C=CH, CN\": \"CN\" has no \"=\": expected a distinguished name like \"C=CH, O=Example, CN=gw.example\" (attributes C, ST, L, O, OU, CN, E, DC, UID, SN, serialNumber)" },
		{ "conn a\n\trightid=@#0g\n",
		  "ipsec.conf:2: rightid: \"@#0g\" is not a KEY_ID: expected @# and an even number of hex digits, e.g. @#0123abcd" },
		{ "conn a\n\trightid=@\n",
		  "ipsec.conf:2: rightid: \"@\" is not an identity: nothing after the @: expected an IP address, FQDN, @FQDN, user@domain, @#HEX (KEY_ID), a distinguished name (\"C=CH, O=Example, CN=gw\") or %any" },
		{ "conn a\n\tleftprotoport=tcp/http\n",
		  "ipsec.conf:2: leftprotoport: \"tcp/http\" is not a protocol/port (port: not a port or a range of ports (N or MIN-MAX, 0 to 65535)): expected PROTO[/PORT], e.g. tcp/80, udp/%any or 17/500" },
		{ "conn a\n\tleftprotoport=gre/5\n",
		  "ipsec.conf:2: leftprotoport: \"gre/5\" is not a protocol/port: protocol 47 has no ports: give the protocol alone" },
		{ "conn a\n\tleftprotoport=%any/53\n",
		  "ipsec.conf:2: leftprotoport: \"%any/53\" is not a protocol/port: a port needs a protocol: expected PROTO[/PORT], e.g. tcp/80, udp/%any or 17/500" },
		{ "conn a\n\tleftprotoport=tcpp/80\n",
		  "ipsec.conf:2: leftprotoport: \"tcpp/80\" is not a protocol/port (not a protocol name (tcp, udp, icmp, ipv6-icmp, sctp, ...) or number (0 to 255)): expected PROTO[/PORT], e.g. tcp/80, udp/%any or 17/500" },
		{ "conn a\n\tesp=aes128-sha256-prfsha256\n",
		  "ipsec.conf:2: esp: \"prfsha256\" belongs in ike=, not esp=: ESP has no PRF" },
		{ "conn a\n\tleft=192.0.2.1\n\tleft=192.0.2.3\n",
		  "ipsec.conf:3: left: already set in this section at ipsec.conf:2" },
		{ "conn a\n\tlifetime=1h\n\tkeylife=2h\n",
		  "ipsec.conf:3: keylife: already set in this section as lifetime at ipsec.conf:2" },
		{ "conn %default\n\tlifetime=1h\nconn %default\n\tkeylife=2h\n",
		  "ipsec.conf:4: keylife: already set in this section as lifetime at ipsec.conf:2" },
		{ "conn a\n\tleft=192.0.2.1\n\nconn a\n",
		  "ipsec.conf:4: conn a is already defined at ipsec.conf:1" },
		{ "\tleft=192.0.2.1\n",
		  "ipsec.conf:1: indented line outside a section: put it under a conn NAME or config setup line, or remove the indentation if it starts one" },
		{ "conn a\n\tleft 192.0.2.1\n",
		  "ipsec.conf:2: expected KEYWORD=VALUE, not \"left 192.0.2.1\"" },
		{ "conn a\n\tleftid=\"@gw\n",
		  "ipsec.conf:2: leftid: the quoted value has no closing \"" },
		{ "conn a\n\tleftid=\"@gw\" extra\n",
		  "ipsec.conf:2: leftid: text after the closing quote: \"extra\"" },
		{ "conn a\n\tleft=192.0.2.1\nconn %default\n\tauthby=secret\n",
		  "ipsec.conf:3: conn %default after conn a (ipsec.conf:1): put %default sections first; they apply to the conns that follow" },
		{ "conn %default\n\talso=a\n",
		  "ipsec.conf:2: also: not allowed in conn %default" },
		{ "ca strongswan\n\tcacert=ca.pem\n",
		  "ipsec.conf:1: ca sections are not supported: put the CA certificates into ipsec.d/cacerts/ beside ipsec.conf" },
		{ "config main\n",
		  "ipsec.conf:1: unknown config section: expected config setup" },
		{ "connn a\n",
		  "ipsec.conf:1: \"connn\" at the start of a line: expected conn NAME, config setup or include FILE (lines inside a section begin with white space)" },
		{ "conn 1a\n",
		  "ipsec.conf:1: conn name \"1a\" must start with a letter and hold only letters, digits, \".\", \"_\" and \"-\"" },
		{ "conn a b\n",
		  "ipsec.conf:1: \"conn a\" is followed by more words: a section line is \"conn NAME\", \"config setup\" or \"include FILE\"" },
		{ "conn\n", "ipsec.conf:1: conn without a name: expected conn NAME" },
		{ "# one\n# two\nconn a\n\tauthby=secret\n\tauto=start\n",
		  "ipsec.conf:3: conn a: auto=start needs the peer's address, but left and right are both %any" },
		{ "conn a\n\tleft=192.0.2.1\n\tright=2001:db8::1\n\tauthby=secret\n\tauto=add\n",
		  "ipsec.conf:1: conn a: left is IPv4 and right is IPv6: both ends of the IKE SA must be of one family" },
		{ "conn a\n\tleft=%any\n\tright=%any\n\tauthby=secret\n\tauto=start\n",
		  "ipsec.conf:1: conn a: auto=start needs the peer's address, but left and right are both %any" },
		{ "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tauto=add\n",
		  "ipsec.conf:1: conn a: certificate authentication (strongSwan's default, authby=pubkey) without a certificate: give ours with leftcert=FILE (in ipsec.d/certs/), or use pre-shared keys with authby=secret" },
		{ "conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\trightauth=pubkey\n\tauthby=pubkey\n\tauto=add\n",
		  "ipsec.conf:1: conn a: certificate authentication (authby=pubkey) without a certificate: give ours with leftcert=FILE (in ipsec.d/certs/), or use pre-shared keys with authby=secret" },
		{ CONN_A "\tlifetime=5m\n",
		  "ipsec.conf:1: conn a: rekeymargin (540s) is not shorter than lifetime (300s): the SA would expire before it is rekeyed" },
		{ CONN_A "\tikelifetime=9m\n",
		  "ipsec.conf:1: conn a: rekeymargin (540s) is not shorter than ikelifetime (540s): the SA would expire before it is rekeyed" },
		{ "include /nonexistent/kesp.conf\n",
		  "ipsec.conf:1: include: cannot open /nonexistent/kesp.conf: No such file or directory" },
	};
	char err[IKED_CONF_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *got = conf_err(bad[i].text, err);

		EXPECT_STREQ(bad[i].msg, got) {
			TH_LOG("case %zu", i);
		}
	}
}

/* keyexchange=ikev1 and Libreswan's ikev2=no: IKEv1 conns, checked whole. */
TEST(ikev1_conns)
{
	static const char *const bad[][2] = {
		{ "conn a\n\tright=192.0.2.2\n\tauthby=secret\n\tauto=add\n\taggressive=yes\n",
		  "ipsec.conf:5: aggressive: \"yes\" is IKEv1's Aggressive Mode, but the conn speaks IKEv2; add keyexchange=ikev1 or set aggressive=no" },
		{ "conn a\n\tright=192.0.2.2\n\tauthby=secret\n\tauto=add\n\tkeyexchange=ikev1\n\tike=aes128gcm16-prfsha256-modp2048!\n",
		  "ipsec.conf:6: ike: proposal 1 (aes128gcm16-prfsha256-modp2048) does not fit keyexchange=ikev1: IKEv1 phase 1 encrypts with 3des or aes128/192/256 (CBC) only" },
		{ "conn a\n\tright=192.0.2.2\n\tauthby=secret\n\tauto=add\n\tikev2=no\n\tesp=chacha20poly1305!\n",
		  "ipsec.conf:6: esp: proposal 1 (chacha20poly1305-noesn) does not fit keyexchange=ikev1: IKEv1 quick mode carries 3des, aes (CBC) and aes*gcm16 only" },
	};
	const char *good =
		"conn v1\n\tright=192.0.2.2\n\tauthby=secret\n\tauto=add\n"
		"\tkeyexchange=ikev1\n\taggressive=yes\n"
		"\tike=aes256-sha256-modp2048,3des-md5-modp1024!\n"
		"\tesp=aes128gcm16-modp2048,aes256-sha1!\n"
		"conn lsw\n\tright=192.0.2.3\n\tauthby=secret\n\tauto=add\n"
		"\tikev2=never\n"
		"conn v2\n\tright=192.0.2.4\n\tauthby=secret\n\tauto=add\n";
	char err[IKED_CONF_ERRLEN];
	struct iked_conf *c;
	size_t i;

	ASSERT_EQ(0, conf(good, &c, err)) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(3, c->n_conns);
	EXPECT_EQ(1, iked_conf_find(c, "v1")->ike_version);
	EXPECT_EQ(1, iked_conf_find(c, "v1")->aggressive);
	EXPECT_EQ(1, iked_conf_find(c, "lsw")->ike_version);
	EXPECT_EQ(0, iked_conf_find(c, "lsw")->aggressive);
	EXPECT_EQ(2, iked_conf_find(c, "v2")->ike_version);
	/* Aggressive Mode's offline attack on the PSK hash: a warning. */
	EXPECT_NE(NULL, strstr(c->warnings[c->n_warnings - 1],
			       "ipsec.conf:6: aggressive: conn v1 answers Aggressive Mode"));
	iked_conf_free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, conf(bad[i][0], &c, err));
		EXPECT_STREQ(bad[i][1], err);
	}
}

TEST(nul_byte_is_seen_with_the_length)
{
	static const char text[] = "conn a\n\tleft=192.0.2.1\0\n";
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	EXPECT_EQ(-EINVAL, iked_conf_parse("ipsec.conf", text, sizeof(text) - 1,
					   &c, err, sizeof(err)));
	EXPECT_STREQ("ipsec.conf:2: NUL byte: this is not a text file", err);
	EXPECT_EQ(NULL, c);
}

TEST(unknown_keyword_lists_the_supported_ones)
{
	char err[IKED_CONF_ERRLEN];
	const char *msg = conf_err("conn a\n\tfoo=bar\n", err);

	EXPECT_EQ(0, strncmp(msg, "ipsec.conf:2: unknown keyword \"foo\" in conn a: expected one of also, left, right, leftid, rightid, leftsubnet, ",
			     strlen("ipsec.conf:2: unknown keyword \"foo\" in conn a: expected one of also, left, right, leftid, rightid, leftsubnet, "))) {
		TH_LOG("%s", msg);
	}
	/* Unsupported strongSwan keywords are not offered as choices. */
	EXPECT_EQ(NULL, strstr(msg, "leftsigkey"));
}

TEST(comments_quotes_and_blanks)
{
	static const char text[] =
		"# a comment at the start\n"
		"conn a # the name is a\n"
		"  # an indented comment inside the section\n"
		"\tleft = 192.0.2.1\t# blanks around = are fine\n"
		"\tright=\"198.51.100.2\"   # a quoted value\n"
		"\trightid=\"@#c0ffee\"\n"
		"\tleftid=@#00ff # @# is not a comment\n"
		"\tauthby=secret\r\n"
		"\tauto=add\n"
		"\n"
		"   \n"
		"\tikelifetime=1.5h";		/* no newline at the end */
	const struct iked_conf_conn *k;
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, conf(text, &c, err)) {
		TH_LOG("%s", err);
	}
	k = &c->conns[0];
	EXPECT_TRUE(is_addr(&k->left.addr, AF_INET, "192.0.2.1"));
	EXPECT_TRUE(is_addr(&k->right.addr, AF_INET, "198.51.100.2"));
	EXPECT_EQ(IKED_ID_KEY_ID, k->right.id.type);
	EXPECT_EQ(3, k->right.id.len);
	EXPECT_EQ(0xc0, k->right.id.data[0]);
	EXPECT_TRUE(is_id(&k->left.id, "@#00ff"));
	EXPECT_EQ(5400, k->ikelifetime);
	iked_conf_free(c);
}

TEST(subnets_and_protoports)
{
	static const char text[] =
		"conn a\n"
		"\tleft=%any\n"
		"\tright=2001:db8::2\n"
		"\tleftsubnet=10.1.0.0/16, 10.3.0.1[tcp/443], %dynamic[udp/500]\n"
		"\tleftprotoport=tcp/80\n"
		"\trightprotoport=17/1000-2000\n"
		"\tauthby=secret\n"
		"\ttype=transport\n"
		"\tauto=add\n";
	const struct iked_conf_conn *k;
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, conf(text, &c, err)) {
		TH_LOG("%s", err);
	}
	k = &c->conns[0];
	EXPECT_EQ(IKED_MODE_TRANSPORT, k->mode);
	ASSERT_EQ(3, k->left.n_ts);
	/* leftprotoport applies where no [proto/port] was written. */
	EXPECT_TRUE(is_prefix(&k->left.ts[0], "10.1.0.0/16"));
	EXPECT_EQ(6, k->left.ts[0].proto);
	EXPECT_EQ(80, k->left.ts[0].ports.min);
	EXPECT_EQ(80, k->left.ts[0].ports.max);
	EXPECT_TRUE(is_prefix(&k->left.ts[1], "10.3.0.1/32"));
	EXPECT_EQ(6, k->left.ts[1].proto);
	EXPECT_EQ(443, k->left.ts[1].ports.min);
	/* left is %any: the selector stays the IKE address, found later. */
	EXPECT_EQ(1, k->left.ts[2].dynamic);
	EXPECT_EQ(17, k->left.ts[2].proto);
	EXPECT_EQ(500, k->left.ts[2].ports.max);
	/* rightsubnet not given: right's own address, with its protoport. */
	ASSERT_EQ(1, k->right.n_ts);
	EXPECT_TRUE(is_prefix(&k->right.ts[0], "2001:db8::2/128"));
	EXPECT_EQ(17, k->right.ts[0].proto);
	EXPECT_EQ(1000, k->right.ts[0].ports.min);
	EXPECT_EQ(2000, k->right.ts[0].ports.max);
	iked_conf_free(c);

	/* "udp/%any" and a bare protocol mean every port. */
	ASSERT_EQ(0, conf("conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n"
			  "\tauthby=secret\n\tauto=add\n"
			  "\tleftprotoport=udp/%any\n\trightprotoport=gre\n",
			  &c, err)) {
		TH_LOG("%s", err);
	}
	k = &c->conns[0];
	EXPECT_EQ(17, k->left.ts[0].proto);
	EXPECT_EQ(0, k->left.ts[0].ports.min);
	EXPECT_EQ(65535, k->left.ts[0].ports.max);
	EXPECT_EQ(47, k->right.ts[0].proto);
	iked_conf_free(c);
}

TEST(encapsulation_both_spellings)
{
	static const struct {
		const char *line;
		enum iked_conf_encaps want;
	} cases[] = {
		{ "encapsulation=yes", IKED_ENCAPS_FORCE },
		{ "encapsulation=no", IKED_ENCAPS_NEVER },
		{ "encapsulation=auto", IKED_ENCAPS_AUTO },
		{ "forceencaps=yes", IKED_ENCAPS_FORCE },
		{ "forceencaps=no", IKED_ENCAPS_AUTO },
	};
	char text[256], err[IKED_CONF_ERRLEN];
	struct iked_conf *c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), CONN_A "\t%s\n", cases[i].line);
		ASSERT_EQ(0, conf(text, &c, err)) {
			TH_LOG("%s", err);
		}
		EXPECT_EQ(cases[i].want, c->conns[0].encaps);
		iked_conf_free(c);
	}
	EXPECT_STREQ("ipsec.conf:7: forceencaps: already set in this section as encapsulation at ipsec.conf:6",
		     conf_err(CONN_A "\tencapsulation=yes\n\tforceencaps=yes\n",
			      err));
	EXPECT_STREQ("ipsec.conf:6: forceencaps: \"auto\" is not a valid value: expected no or yes",
		     conf_err(CONN_A "\tforceencaps=auto\n", err));
}

TEST(accepted_only_with_the_harmless_value)
{
	char err[IKED_CONF_ERRLEN];

	EXPECT_STREQ("(accepted)",
		     conf_err(CONN_A "\tmobike=no\n\tcompress=no\n\tfragmentation=no\n"
			      "\tinstallpolicy=yes\n\taggressive=no\n"
			      "\tleftfirewall=no\n\trightfirewall=no\n"
			      "\tcloseaction=none\n\tleftcert=\n", err));
	/* leftfirewall=yes installs strongSwan's rules in nftables (firewall.h). */
	EXPECT_STREQ("(accepted)", conf_err(CONN_A "\tleftfirewall=yes\n", err));
	EXPECT_STREQ("ipsec.conf:6: rightfirewall: \"yes\" is not supported: kesp-iked installs firewall rules only for the local side (leftfirewall=yes) and has no host-access rules; write them in a leftupdown= script; set rightfirewall=no or leave it out",
		     conf_err(CONN_A "\trightfirewall=yes\n", err));
}

TEST(fragmentation_values)
{
	static const struct {
		const char *line;
		enum iked_conf_frag want;
	} cases[] = {
		{ "", IKED_FRAG_YES },
		{ "\tfragmentation=yes\n", IKED_FRAG_YES },
		{ "\tfragmentation=accept\n", IKED_FRAG_ACCEPT },
		{ "\tfragmentation=force\n", IKED_FRAG_FORCE },
		{ "\tfragmentation=no\n", IKED_FRAG_NO },
	};
	char err[IKED_CONF_ERRLEN], text[512];
	struct iked_conf *c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", CONN_A, cases[i].line);
		c = NULL;
		ASSERT_EQ(0, conf(text, &c, err));
		EXPECT_EQ(cases[i].want, c->conns[0].fragmentation);
		iked_conf_free(c);
	}
	EXPECT_STREQ("ipsec.conf:6: fragmentation: \"maybe\" is not a valid value: expected yes, accept, force or no",
		     conf_err(CONN_A "\tfragmentation=maybe\n", err));
	EXPECT_STREQ("ipsec.conf:6: fragmentation: \"Yes\" is not a valid value: expected yes, accept, force or no",
		     conf_err(CONN_A "\tfragmentation=Yes\n", err));
}

TEST(weak_algorithms_warn_once)
{
	static const char text[] =
		"conn %default\n"
		"\tike=aes128-md5-modp1024\n"
		"\tesp=aes128-sha1\n"
		"\tauthby=secret\n"
		"\tauto=add\n"
		"conn a\n\tleft=192.0.2.1\n\tright=192.0.2.2\n"
		"conn b\n\tleft=192.0.2.1\n\tright=192.0.2.3\n"
		"\tesp=aes128-sha1-modp1536\n";
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, conf(text, &c, err)) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(2, c->n_conns);
	ASSERT_EQ(2, c->n_warnings);
	EXPECT_STREQ("ipsec.conf:2: ike: md5, prfmd5, modp1024 are weak; kesp-iked uses them only because they are configured here",
		     c->warnings[0]);
	EXPECT_STREQ("ipsec.conf:12: esp: modp1536 is weak; kesp-iked uses it only because it is configured here",
		     c->warnings[1]);
	iked_conf_free(c);
}

TEST(rekey_margin_that_may_not_fit_is_a_warning)
{
	struct iked_conf *c;
	char err[IKED_CONF_ERRLEN];

	/* 30m + up to 100% of 30m reaches 1h: strongSwan's "bad idea". */
	ASSERT_EQ(0, conf(CONN_A "\trekeymargin=30m\n", &c, err)) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(1, c->n_warnings);
	EXPECT_STREQ("ipsec.conf:1: conn a: rekeymargin 1800s plus rekeyfuzz 100% may reach lifetime 3600s: the SA may expire before it is rekeyed",
		     c->warnings[0]);
	iked_conf_free(c);
	/* Without rekeying the margin is not checked at all. */
	ASSERT_EQ(0, conf(CONN_A "\trekey=no\n\tlifetime=5m\n", &c, err)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(0, c->n_warnings);
	iked_conf_free(c);
}

TEST(identities)
{
	static const struct {
		const char *in;
		uint8_t type;
		const char *out;
		uint16_t len;
	} ok[] = {
		{ "192.0.2.1", IKED_ID_IPV4_ADDR, "192.0.2.1", 4 },
		{ "2001:db8::1", IKED_ID_IPV6_ADDR, "2001:db8::1", 16 },
		{ "gw.example.org", IKED_ID_FQDN, "gw.example.org", 14 },
		{ "@gw.example.org", IKED_ID_FQDN, "gw.example.org", 14 },
		{ "@192.0.2.1", IKED_ID_FQDN, "192.0.2.1", 9 },
		{ "carol@example.org", IKED_ID_RFC822_ADDR, "carol@example.org", 17 },
		{ "@@carol@example.org", IKED_ID_RFC822_ADDR, "carol@example.org", 17 },
		{ "@#0123456789ABCDEF", IKED_ID_KEY_ID, "@#0123456789abcdef", 8 },
		{ "%any", IKED_ID_ANY, "%any", 0 },
	};
	static const char *const bad[] = {
		"", "@", "@@", "@#", "@#1", "@#xy", "%anything", "C=CH, CN",
		"gw example.org", "caf\xc3\xa9.example.org",
	};
	struct iked_conf_id id, other;
	char err[256], buf[IKED_ID_STRLEN], big[400];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_EQ(0, iked_conf_id_parse(ok[i].in, &id, err, sizeof(err))) {
			TH_LOG("%s: %s", ok[i].in, err);
		}
		EXPECT_EQ(ok[i].type, id.type);
		EXPECT_EQ(ok[i].len, id.len);
		EXPECT_STREQ(ok[i].out, iked_conf_id_format(&id, buf, sizeof(buf)));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, iked_conf_id_parse(bad[i], &id, err,
						      sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
	}
	/* 255 bytes is the most an identity holds here. */
	memset(big, 'a', sizeof(big));
	big[255] = '\0';
	EXPECT_EQ(0, iked_conf_id_parse(big, &id, err, sizeof(err)));
	big[255] = 'a';
	big[256] = '\0';
	EXPECT_EQ(-EINVAL, iked_conf_id_parse(big, &id, err, sizeof(err)));
	EXPECT_STREQ("identity of 256 bytes is too long: at most 255", err);

	/* Names compare without case, addresses by their bytes. */
	ASSERT_EQ(0, iked_conf_id_parse("@GW.Example.ORG", &id, err, sizeof(err)));
	ASSERT_EQ(0, iked_conf_id_parse("gw.example.org", &other, err,
					sizeof(err)));
	EXPECT_TRUE(iked_conf_id_equal(&id, &other));
	ASSERT_EQ(0, iked_conf_id_parse("2001:db8:0::1", &id, err, sizeof(err)));
	ASSERT_EQ(0, iked_conf_id_parse("2001:db8::1", &other, err, sizeof(err)));
	EXPECT_TRUE(iked_conf_id_equal(&id, &other));
	ASSERT_EQ(0, iked_conf_id_parse("@2001:db8::1", &id, err, sizeof(err)));
	EXPECT_FALSE(iked_conf_id_equal(&id, &other));
	ASSERT_EQ(0, iked_conf_id_parse("%any", &id, err, sizeof(err)));
	EXPECT_TRUE(iked_conf_id_match(&id, &other));
	EXPECT_FALSE(iked_conf_id_match(&other, &id));
}

TEST(times)
{
	static const struct {
		const char *in;
		uint32_t secs;
	} ok[] = {
		{ "3600", 3600 }, { "60s", 60 }, { "10m", 600 }, { "1h", 3600 },
		{ "1d", 86400 }, { "1.5h", 5400 }, { "0.5m", 30 }, { "0", 0 },
		{ "4294967295", 4294967295u }, { "49710d", 4294944000u },
	};
	static const char *const bad[] = {
		"", "s", "h", "1.5", "1.5s", "10x", "-5", "1h2", " 1h", "1h ",
		"1.h", ".5h", "1hh", "1 h",
	};
	char err[256];
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		EXPECT_EQ(0, iked_conf_time_parse(ok[i].in, &v, err, sizeof(err))) {
			TH_LOG("%s: %s", ok[i].in, err);
		}
		EXPECT_EQ(ok[i].secs, v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, iked_conf_time_parse(bad[i], &v, err,
							sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
	}
	EXPECT_EQ(-EINVAL, iked_conf_time_parse("4294967296", &v, err,
						sizeof(err)));
	EXPECT_STREQ("\"4294967296\" is too long a time: at most 4294967295 seconds",
		     err);
	EXPECT_EQ(-EINVAL, iked_conf_time_parse("49711d", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, iked_conf_time_parse("99999999999999999999d", &v,
						err, sizeof(err)));
}

/* A private directory for files, removed by rmtree(). */
static char *tmpdir(void)
{
	char tmpl[] = "/tmp/kesp-iked-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static int write_file(const char *dir, const char *name, const char *text,
		      mode_t mode)
{
	char path[512];
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	w = write(fd, text, strlen(text));
	close(fd);
	if (w != (ssize_t)strlen(text) || chmod(path, mode))
		return -1;
	return 0;
}

static void rmtree(char *dir)
{
	static const char *const names[] = {
		"ipsec.conf", "conns/b.conf", "conns/a.conf", "common.conf",
		"bad.conf", "ipsec.secrets", "loop.conf",
	};
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/conns", dir);
	rmdir(path);
	rmdir(dir);
	free(dir);
}

TEST(load_with_includes)
{
	char err[IKED_CONF_ERRLEN], path[512], want[1024];
	struct iked_conf *c;
	char *dir = tmpdir();

	ASSERT_NE(NULL, dir);
	snprintf(path, sizeof(path), "%s/conns", dir);
	ASSERT_EQ(0, mkdir(path, 0700));
	ASSERT_EQ(0, write_file(dir, "ipsec.conf",
				"conn %default\n"
				"\tauthby=secret\n"
				"include common.conf\n"
				"include conns/*.conf\n"
				"include nomatch/*.conf\n", 0644));
	ASSERT_EQ(0, write_file(dir, "common.conf",
				"conn %default\n\tleft=192.0.2.1\n\tauto=add\n",
				0644));
	ASSERT_EQ(0, write_file(dir, "conns/a.conf",
				"conn a\n\tright=192.0.2.10\n", 0644));
	ASSERT_EQ(0, write_file(dir, "conns/b.conf",
				"conn b\n\tright=192.0.2.11\n", 0644));
	snprintf(path, sizeof(path), "%s/ipsec.conf", dir);
	ASSERT_EQ(0, iked_conf_load(path, &c, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	/* Wildcards are expanded in sorted order. */
	ASSERT_EQ(2, c->n_conns);
	EXPECT_STREQ("a", c->conns[0].name);
	EXPECT_STREQ("b", c->conns[1].name);
	snprintf(want, sizeof(want), "%s/conns/a.conf", dir);
	EXPECT_STREQ(want, c->conns[0].file);
	EXPECT_EQ(1, c->conns[0].line);
	EXPECT_TRUE(is_addr(&c->conns[1].left.addr, AF_INET, "192.0.2.1"));
	iked_conf_free(c);

	/* A mistake in an included file names that file. */
	ASSERT_EQ(0, write_file(dir, "conns/b.conf",
				"conn b\n\tright=192.0.2.11\n\tlifetime=soon\n",
				0644));
	EXPECT_EQ(-EINVAL, iked_conf_load(path, &c, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/conns/b.conf:3: lifetime: \"soon\" is not a time: expected seconds, or a number with s, m, h or d, e.g. 30s, 10m, 1h, 1d",
		 dir);
	EXPECT_STREQ(want, err);

	/* A file that includes itself stops, with the reason. */
	ASSERT_EQ(0, write_file(dir, "loop.conf", "include loop.conf\n", 0644));
	snprintf(path, sizeof(path), "%s/loop.conf", dir);
	EXPECT_EQ(-EINVAL, iked_conf_load(path, &c, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/loop.conf:1: include: nested more than 8 deep (does a file include itself?)",
		 dir);
	EXPECT_STREQ(want, err);

	/* A missing main file is an errno, not a parse error. */
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	EXPECT_EQ(-ENOENT, iked_conf_load(path, &c, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/missing.conf: cannot open: No such file or directory",
		 dir);
	EXPECT_STREQ(want, err);
	EXPECT_EQ(NULL, c);
	rmtree(dir);
}

/* ---- ipsec.secrets ---- */

static int psk_is(const struct iked_secret *s, const char *want)
{
	return s && s->key_len == strlen(want) &&
	       !memcmp(s->key, want, s->key_len);
}

static struct iked_conf_id mkid(const char *s)
{
	struct iked_conf_id id;
	char err[256];

	if (iked_conf_id_parse(s, &id, err, sizeof(err)))
		memset(&id, 0xff, sizeof(id));
	return id;
}

TEST(secrets_parse_and_lookup)
{
	static const char text[] =
		"# ipsec.secrets for kesp-iked\n"
		": PSK \"wildcard\"\n"
		"@gw-a.example.org @gw-b.example.org : PSK \"a-b\"\n"
		"@gw-b.example.org : PSK \"b-only\"\n"
		"\n"
		"   # indented comment\n"
		"192.0.2.1 %any : PSK \"a-any\"   # trailing comment\n"
		"2001:db8::1 : PSK 0x0123456789ABCDEF\n"
		"carol@example.org : PSK 0sc2VjcmV0\n"
		"@#0102 : PSK \"key#id with blanks\"\r\n";
	struct iked_conf_id a = mkid("@gw-a.example.org");
	struct iked_conf_id b = mkid("@GW-B.example.ORG");
	struct iked_conf_id x = mkid("@gw-x.example.org");
	struct iked_conf_id carol = mkid("carol@example.org");
	struct iked_conf_id ip1 = mkid("192.0.2.1"), ip9 = mkid("192.0.2.9");
	struct iked_conf_id ip6 = mkid("2001:db8::1"), kid = mkid("@#0102");
	static const uint8_t hex[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
				       0xcd, 0xef };
	const struct iked_secret *k;
	struct iked_secrets *s;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, iked_secrets_parse("ipsec.secrets", text, strlen(text), &s,
					err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(7, s->n);
	EXPECT_EQ(0, s->v[0].n_ids);
	EXPECT_EQ(2, s->v[0].line);
	EXPECT_EQ(2, s->v[1].n_ids);
	EXPECT_EQ(IKED_ID_FQDN, s->v[1].ids[0].type);

	/* Both named: exact. */
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &a, &b), "a-b"));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &b, &a), "a-b"));
	/* The peer named with %any for us beats a one-sided line. */
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &ip9, &ip1), "a-any"));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &ip1, &x), "a-any"));
	/* Only the peer named: the first such line. */
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &x, &b), "a-b"));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &x, &carol), "secret"));
	/* The peer's line beats one that only names us. */
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &a, &carol), "secret"));
	/* Only us named, then nothing but the wildcard. */
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &a, &x), "a-b"));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &x, &ip9), "wildcard"));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, NULL, NULL), "wildcard"));
	/* Other encodings. */
	k = iked_secrets_lookup(s, &x, &ip6);
	ASSERT_NE(NULL, k);
	ASSERT_EQ(sizeof(hex), k->key_len);
	EXPECT_EQ(0, memcmp(hex, k->key, sizeof(hex)));
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, &x, &kid),
			   "key#id with blanks"));
	iked_secrets_free(s);
}

TEST(secrets_no_wildcard_no_key)
{
	static const char text[] = "@gw-a.example.org @gw-b.example.org : PSK \"a-b\"\n";
	struct iked_conf_id x = mkid("@gw-x.example.org");
	struct iked_conf_id y = mkid("@gw-y.example.org");
	struct iked_secrets *s;
	char err[IKED_CONF_ERRLEN];

	ASSERT_EQ(0, iked_secrets_parse("ipsec.secrets", text, strlen(text), &s,
					err, sizeof(err)));
	EXPECT_EQ(NULL, iked_secrets_lookup(s, &x, &y));
	EXPECT_EQ(NULL, iked_secrets_lookup(s, NULL, NULL));
	iked_secrets_free(s);
}

TEST(secrets_mistakes_with_their_line)
{
	static const struct bad bad[] = {
		{ "# c\n@gw : PSK 'open\n",
		  "ipsec.secrets:2: PSK: the quoted secret has no closing '" },
		{ "@gw : PSK one two\n",
		  "ipsec.secrets:1: PSK: text after the secret: expected the secret in double or single quotes, 0xHEX, 0sBASE64 or as one word" },
		{ "@gw : PSK\n",
		  "ipsec.secrets:1: PSK: no secret: expected the secret in double or single quotes, 0xHEX, 0sBASE64 or as one word" },
		{ "@gw : PSK \"open\n",
		  "ipsec.secrets:1: PSK: the quoted secret has no closing \"" },
		{ "@gw : PSK \"\"\n", "ipsec.secrets:1: PSK: the secret is empty" },
		{ "@gw : PSK \"a\" \"b\"\n",
		  "ipsec.secrets:1: PSK: text after the secret: expected the secret in double or single quotes, 0xHEX, 0sBASE64 or as one word" },
		{ "@gw : PSK 0x123\n",
		  "ipsec.secrets:1: PSK: \"0x...\" must be followed by an even number of hex digits" },
		{ "@gw : PSK 0xzz\n",
		  "ipsec.secrets:1: PSK: \"0x...\" must be followed by an even number of hex digits" },
		{ "@gw : PSK 0sabc\n",
		  "ipsec.secrets:1: PSK: \"0s...\" must be followed by padded base64" },
		{ "@gw : PSK 0sa=bc\n",
		  "ipsec.secrets:1: PSK: \"0s...\" must be followed by padded base64" },
		{ "\n\n: XAUTH \"x\"\n",
		  "ipsec.secrets:3: XAUTH secrets are not supported: kesp-iked uses pre-shared keys (PSK) and private keys (RSA, ECDSA, PKCS8)" },
		{ ": RSA\n",
		  "ipsec.secrets:1: RSA: no key file: expected : RSA FILE [\"PASSPHRASE\"]" },
		{ ": ECDSA gw.key %prompt\n",
		  "ipsec.secrets:1: ECDSA: %prompt is not supported: kesp-iked runs without a terminal; write the passphrase in quotes" },
		{ "@gw PSK \"x\"\n",
		  "ipsec.secrets:1: no \":\" standing alone: expected [ID [ID]] : PSK \"SECRET\", or : RSA|ECDSA|PKCS8 FILE [\"PASSPHRASE\"]" },
		{ "@gw :PSK \"x\"\n",
		  "ipsec.secrets:1: no \":\" standing alone: expected [ID [ID]] : PSK \"SECRET\", or : RSA|ECDSA|PKCS8 FILE [\"PASSPHRASE\"]" },
		{ "@gw :\n",
		  "ipsec.secrets:1: no secret type after \":\": expected [ID [ID]] : PSK \"SECRET\", or : RSA|ECDSA|PKCS8 FILE [\"PASSPHRASE\"]" },
		{ "@# : PSK \"x\"\n",
		  "ipsec.secrets:1: \"@#\" is not a KEY_ID: expected @# and an even number of hex digits, e.g. @#0123abcd" },
		{ "\"C=CH, CN=moon\" : PSK \"x\"\n",
		  "ipsec.secrets:1: quoted identities (distinguished names) are not supported: expected [ID [ID]] : PSK \"SECRET\", or : RSA|ECDSA|PKCS8 FILE [\"PASSPHRASE\"]" },
		{ "include /etc/ipsec.d/*.secrets\n",
		  "ipsec.secrets:1: include is not supported in ipsec.secrets yet: put the keys in this file" },
	};
	struct iked_secrets *s;
	char err[IKED_CONF_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		EXPECT_EQ(-EINVAL, iked_secrets_parse("ipsec.secrets", bad[i].text,
						      strlen(bad[i].text), &s,
						      err, sizeof(err))) {
			TH_LOG("case %zu accepted", i);
			iked_secrets_free(s);
			continue;
		}
		EXPECT_EQ(NULL, s);
		EXPECT_STREQ(bad[i].msg, err) {
			TH_LOG("case %zu", i);
		}
	}
}

TEST(secrets_base64)
{
	static const struct {
		const char *b64;
		const char *want;
	} cases[] = {
		{ "0sYQ==", "a" }, { "0sYWI=", "ab" }, { "0sYWJj", "abc" },
		{ "0sYWJjZA==", "abcd" },
	};
	char text[128], err[IKED_CONF_ERRLEN];
	struct iked_secrets *s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), ": PSK %s\n", cases[i].b64);
		ASSERT_EQ(0, iked_secrets_parse("s", text, strlen(text), &s, err,
						sizeof(err))) {
			TH_LOG("%s", err);
		}
		EXPECT_TRUE(psk_is(&s->v[0], cases[i].want)) {
			TH_LOG("%s", cases[i].b64);
		}
		iked_secrets_free(s);
	}
}

TEST(secrets_file_others_can_read_is_refused)
{
	static const struct {
		mode_t mode;
		const char *why;
	} refused[] = {
		{ 0644, "mode 0644 lets group and others read" },
		{ 0640, "mode 0640 lets its group read" },
		{ 0660, "mode 0660 lets its group read and write" },
		{ 0602, "mode 0602 lets others write" },
		{ 0604, "mode 0604 lets others read" },
	};
	char path[512], want[2048], err[IKED_CONF_ERRLEN];
	struct iked_conf_id any = mkid("@peer");
	struct iked_secrets *s;
	char *dir = tmpdir();
	size_t i;

	ASSERT_NE(NULL, dir);
	snprintf(path, sizeof(path), "%s/ipsec.secrets", dir);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ASSERT_EQ(0, write_file(dir, "ipsec.secrets", ": PSK \"k\"\n",
					refused[i].mode));
		EXPECT_EQ(-EPERM, iked_secrets_load(path, &s, err, sizeof(err)));
		EXPECT_EQ(NULL, s);
		snprintf(want, sizeof(want), "%s: refused: %s the pre-shared keys; run chmod 600 %s",
			 path, refused[i].why, path);
		EXPECT_STREQ(want, err);
	}
	ASSERT_EQ(0, write_file(dir, "ipsec.secrets", ": PSK \"k\"\n", 0600));
	ASSERT_EQ(0, iked_secrets_load(path, &s, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_STREQ(path, s->file);
	EXPECT_TRUE(psk_is(iked_secrets_lookup(s, NULL, &any), "k"));
	iked_secrets_free(s);
	/* Owner-only bits beyond read and write do not matter. */
	ASSERT_EQ(0, chmod(path, 0400));
	ASSERT_EQ(0, iked_secrets_load(path, &s, err, sizeof(err)));
	iked_secrets_free(s);
	/* Mistakes inside a loaded file carry its path. */
	ASSERT_EQ(0, write_file(dir, "ipsec.secrets", ": PSK no pe\n", 0600));
	EXPECT_EQ(-EINVAL, iked_secrets_load(path, &s, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:1: PSK: text after the secret: expected the secret in double or single quotes, 0xHEX, 0sBASE64 or as one word",
		 path);
	EXPECT_STREQ(want, err);
	rmtree(dir);

	EXPECT_EQ(-ENOENT, iked_secrets_load("/nonexistent/ipsec.secrets", &s,
					     err, sizeof(err)));
	EXPECT_STREQ("/nonexistent/ipsec.secrets: cannot open: No such file or directory",
		     err);
}

TEST_HARNESS_MAIN
