// SPDX-License-Identifier: GPL-2.0
/*
 * leftfirewall=yes: the nft script iked_firewall_script() writes for a
 * CHILD SA going up and down, IPv4 and IPv6, between subnets (forward
 * rules) and from the gateway itself (input/output rules), with and
 * without NAT-T, as strongSwan's iptables _updown would add them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "iked/daemon.h"
#include "iked/firewall.h"

struct env {
	struct iked_conf_conn conn;
	struct iked_conf_end local, remote;
	struct ike_sa sa;
	struct child_sa ch;
	char buf[8192], tag[32];
};

static void ts(struct iked_ts_list *l, int family, const char *a,
	       const char *b, uint8_t proto, uint16_t port)
{
	uint8_t s[16], e[16];

	inet_pton(family, a, s);
	inet_pton(family, b, e);
	iked_ts_add(l, family == AF_INET ? IKED_TS_IPV4 : IKED_TS_IPV6, proto,
		    port, port ? port : 65535, s, e);
}

static void addr(struct kesp_addr *k, int family, const char *s)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	inet_pton(family, s, k->bytes);
}

static void setup(struct env *e, int family)
{
	bool v4 = family == AF_INET;

	memset(e, 0, sizeof(*e));
	e->conn.name = "gw \"x\"";
	e->local.firewall = true;
	e->sa.conn = &e->conn;
	e->sa.local = &e->local;
	e->sa.remote = &e->remote;
	e->sa.no = 3;
	addr(&e->sa.path.local, family, v4 ? "192.0.2.1" : "2001:db8::1");
	addr(&e->sa.path.remote, family, v4 ? "192.0.2.2" : "2001:db8::2");
	e->ch.no = 1;
	e->ch.reqid = 5;
}

/* The chain suffix: reqid and the hash, read from the first chain line. */
static const char *tag_of(struct env *e)
{
	const char *p = strstr(e->buf, "add chain inet kesp fwd_");

	if (!p || sscanf(p, "add chain inet kesp fwd_%31s", e->tag) != 1)
		return "";
	return e->tag;
}

static char *line(char *out, size_t len, const char *fmt, const char *tag)
{
	snprintf(out, len, fmt, tag);
	return out;
}

TEST(subnets_v4_up_and_down)
{
	struct env e;
	char want[512];
	const char *tag;

	setup(&e, AF_INET);
	ts(&e.ch.ts_local, AF_INET, "10.1.0.0", "10.1.255.255", 0, 0);
	ts(&e.ch.ts_remote, AF_INET, "10.2.0.0", "10.2.255.255", 0, 0);
	ASSERT_LT(0, iked_firewall_script(e.buf, sizeof(e.buf), &e.sa, &e.ch, true));
	tag = tag_of(&e);
	ASSERT_EQ(0, strncmp(tag, "5_", 2));
	EXPECT_EQ(10u, strlen(tag));
	EXPECT_EQ(0, strncmp(e.buf, "add table inet kesp\n", 20));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add chain inet kesp fwd_%s { type filter hook forward priority -10; policy accept; }\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add chain inet kesp in_%s { type filter hook input priority -10; policy accept; }\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp fwd_%s ip saddr 10.2.0.0/16 ip daddr 10.1.0.0/16 counter accept comment \"conn gw__x_ reqid 5\"\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp fwd_%s ip saddr 10.1.0.0/16 ip daddr 10.2.0.0/16 counter accept comment \"conn gw__x_ reqid 5\"\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp in_%s ip saddr 192.0.2.2 ip daddr 192.0.2.1 meta l4proto esp counter accept comment \"conn gw__x_ reqid 5\"\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp out_%s ip saddr 192.0.2.1 ip daddr 192.0.2.2 meta l4proto esp counter accept comment \"conn gw__x_ reqid 5\"\n", tag)));
	/* No NAT-T: no UDP rule; a subnet: no input rule for the clients. */
	EXPECT_EQ(NULL, strstr(e.buf, "udp"));
	EXPECT_EQ(NULL, strstr(e.buf, "delete"));
	EXPECT_EQ(NULL, strstr(e.buf, "in_5_00000000"));

	ASSERT_LT(0, iked_firewall_script(e.buf, sizeof(e.buf), &e.sa, &e.ch, false));
	EXPECT_STREQ(tag, tag_of(&e));
	EXPECT_EQ(NULL, strstr(e.buf, "add rule"));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"flush chain inet kesp out_%s\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"delete chain inet kesp fwd_%s\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"delete chain inet kesp in_%s\n", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"delete chain inet kesp out_%s\n", tag)));
}

TEST(host_v6_with_natt_and_ports)
{
	struct env e;
	char want[512];
	const char *tag;

	setup(&e, AF_INET6);
	e.sa.natt.in_use = true;
	e.sa.path.lport = 4500;
	e.sa.path.rport = 31000;
	ts(&e.ch.ts_local, AF_INET6, "2001:db8::1", "2001:db8::1", 0, 0);
	ts(&e.ch.ts_remote, AF_INET6, "2001:db8:2::", "2001:db8:2::ffff:ffff", 6, 80);
	ASSERT_LT(0, iked_firewall_script(e.buf, sizeof(e.buf), &e.sa, &e.ch, true));
	tag = tag_of(&e);
	EXPECT_EQ(NULL, strstr(e.buf, "add rule inet kesp fwd_"));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp in_%s ip6 saddr 2001:db8:2::/96 ip6 daddr 2001:db8::1/128 meta l4proto 6 th sport 80 counter accept", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp out_%s ip6 saddr 2001:db8::1/128 ip6 daddr 2001:db8:2::/96 meta l4proto 6 th dport 80 counter accept", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp in_%s ip6 saddr 2001:db8::2 ip6 daddr 2001:db8::1 udp sport 31000 udp dport 4500 counter accept", tag)));
	EXPECT_NE(NULL, strstr(e.buf, line(want, sizeof(want),
		"add rule inet kesp out_%s ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 udp sport 4500 udp dport 31000 counter accept", tag)));
}

TEST(too_small_buffer_is_refused)
{
	struct env e;

	setup(&e, AF_INET);
	ts(&e.ch.ts_local, AF_INET, "10.1.0.0", "10.1.255.255", 0, 0);
	ts(&e.ch.ts_remote, AF_INET, "10.2.0.0", "10.2.255.255", 0, 0);
	EXPECT_EQ(0u, iked_firewall_script(e.buf, 200, &e.sa, &e.ch, true));
}

TEST_HARNESS_MAIN
