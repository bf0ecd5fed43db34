// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of traffic selectors: config, narrowing, containment, prefixes, kernel form. */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "iked/sa/ts.h"

#define ANY_PORTS	0, 65535

/* Append "START-END" (IPv4 or IPv6, by the presence of ':'). */
static void add(struct __test_metadata *_metadata, struct iked_ts_list *l,
		uint8_t proto, uint16_t sp, uint16_t ep, const char *start,
		const char *end)
{
	int v6 = strchr(start, ':') != NULL;
	int af = v6 ? AF_INET6 : AF_INET;
	uint8_t a[16], b[16];

	ASSERT_EQ(1, inet_pton(af, start, a));
	ASSERT_EQ(1, inet_pton(af, end, b));
	ASSERT_EQ(0, iked_ts_add(l, v6 ? IKED_TS_IPV6 :
				  IKED_TS_IPV4, proto, sp, ep, a,
				  b));
}

static const char *fmt(const struct iked_ts_list *l)
{
	static char buf[2048];

	return iked_ts_format(l, buf, sizeof(buf));
}

static const char *pfx(const struct kesp_prefix *p)
{
	static char buf[4][KESP_PREFIX_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return kesp_prefix_format(p, buf[i], sizeof(buf[i]));
}

static void conf_ts(struct iked_conf_ts *ts, const char *prefix, uint8_t proto,
		    uint16_t min, uint16_t max)
{
	char err[128];

	memset(ts, 0, sizeof(*ts));
	if (prefix)
		kesp_prefix_parse(prefix, &ts->net, err, sizeof(err));
	else
		ts->dynamic = 1;
	ts->proto = proto;
	ts->ports.min = min;
	ts->ports.max = max;
}

TEST(from_conf)
{
	struct iked_conf_ts ts[3];
	struct iked_ts_list l;
	struct kesp_addr dyn = { .family = AF_INET, .bytes = { 192, 0, 2, 7 } };
	struct kesp_addr dyn6 = { .family = AF_INET6 };

	conf_ts(&ts[0], "10.1.0.0/16", 0, ANY_PORTS);
	conf_ts(&ts[1], NULL, IPPROTO_TCP, 443, 443);
	conf_ts(&ts[2], "2001:db8::/32", IPPROTO_UDP, 1000, 2000);
	ASSERT_EQ(0, iked_ts_from_conf(&l, ts, 3, &dyn));
	ASSERT_EQ(3, l.n);
	EXPECT_EQ(IKED_TS_IPV4, l.ts[0].type);
	EXPECT_EQ(0, l.ts[0].proto);
	EXPECT_EQ(0, l.ts[0].start_port);
	EXPECT_EQ(65535, l.ts[0].end_port);
	EXPECT_EQ(IKED_TS_IPV6, l.ts[2].type);
	EXPECT_STREQ("10.1.0.0/16 192.0.2.7/32[tcp/443] 2001:db8::/32[udp/1000-2000]",
		     fmt(&l));
	/* The last address of the prefix has every host bit set. */
	EXPECT_EQ(10, l.ts[0].end[0]);
	EXPECT_EQ(1, l.ts[0].end[1]);
	EXPECT_EQ(255, l.ts[0].end[2]);
	EXPECT_EQ(255, l.ts[0].end[3]);
	/* An IPv6 IKE address makes an IPv6 host selector. */
	inet_pton(AF_INET6, "2001:db8::7", dyn6.bytes);
	ASSERT_EQ(0, iked_ts_from_conf(&l, &ts[1], 1, &dyn6));
	EXPECT_STREQ("2001:db8::7/128[tcp/443]", fmt(&l));
	/* 0.0.0.0/0 is the whole range. */
	conf_ts(&ts[0], "0.0.0.0/0", 0, ANY_PORTS);
	ASSERT_EQ(0, iked_ts_from_conf(&l, ts, 1, NULL));
	EXPECT_STREQ("0.0.0.0/0", fmt(&l));
	EXPECT_EQ(255, l.ts[0].end[0]);
	/* Dynamic without an address, nothing at all. */
	EXPECT_EQ(-EINVAL, iked_ts_from_conf(&l, ts, 2, NULL));
	EXPECT_EQ(-EINVAL, iked_ts_from_conf(&l, ts, 0, &dyn));
}

TEST(from_conf_too_many)
{
	struct iked_conf_ts ts[IKED_MAX_TS + 1];
	struct iked_ts_list l;
	int i;

	for (i = 0; i <= IKED_MAX_TS; i++)
		conf_ts(&ts[i], "10.0.0.0/8", 0, ANY_PORTS);
	EXPECT_EQ(0, iked_ts_from_conf(&l, ts, IKED_MAX_TS, NULL));
	EXPECT_EQ(-E2BIG, iked_ts_from_conf(&l, ts, IKED_MAX_TS + 1, NULL));
}

TEST(narrow_subnets)
{
	struct iked_ts_list peer = { 0 }, ours = { 0 }, out;

	add(_metadata, &ours, 0, ANY_PORTS, "10.1.0.0", "10.1.255.255");
	/* The peer asks for more than we have: ours. */
	add(_metadata, &peer, 0, ANY_PORTS, "10.0.0.0", "10.255.255.255");
	ASSERT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_STREQ("10.1.0.0/16", fmt(&out));
	/* The peer asks for less: what it asks. */
	peer.n = 0;
	add(_metadata, &peer, 0, ANY_PORTS, "10.1.2.0", "10.1.2.255");
	ASSERT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_STREQ("10.1.2.0/24", fmt(&out));
	/* Overlapping ranges give a range that need not be a prefix. */
	peer.n = 0;
	add(_metadata, &peer, 0, ANY_PORTS, "10.0.255.0", "10.1.0.9");
	ASSERT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_STREQ("10.1.0.0..10.1.0.9", fmt(&out));
	/* Disjoint. */
	peer.n = 0;
	add(_metadata, &peer, 0, ANY_PORTS, "10.2.0.0", "10.2.255.255");
	EXPECT_EQ(-ENOENT, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_EQ(0, out.n);
}

TEST(narrow_protocols_and_ports)
{
	struct iked_ts_list peer = { 0 }, ours = { 0 }, out;

	add(_metadata, &ours, IPPROTO_TCP, 1000, 2000, "10.1.0.0",
	    "10.1.255.255");
	add(_metadata, &ours, 0, ANY_PORTS, "10.9.0.0", "10.9.255.255");
	/* Any protocol meets TCP: TCP, and the port ranges meet. */
	add(_metadata, &peer, 0, ANY_PORTS, "10.0.0.0", "10.255.255.255");
	add(_metadata, &peer, IPPROTO_TCP, 1500, 3000, "10.1.0.0",
	    "10.1.0.255");
	add(_metadata, &peer, IPPROTO_UDP, ANY_PORTS, "10.1.0.0",
	    "10.9.0.255");
	add(_metadata, &peer, IPPROTO_TCP, 3000, 4000, "10.1.0.0",
	    "10.1.0.255");
	ASSERT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_STREQ("10.1.0.0/16[tcp/1000-2000] 10.9.0.0/16 10.1.0.0/24[tcp/1500-2000] 10.9.0.0/24[udp]",
		     fmt(&out));
	/* Only clashes left: TCP vs UDP, ports that do not meet. */
	peer.n = 0;
	add(_metadata, &peer, IPPROTO_UDP, ANY_PORTS, "10.1.0.0", "10.1.0.255");
	add(_metadata, &peer, IPPROTO_TCP, 80, 80, "10.1.0.0", "10.1.0.255");
	ours.n = 1;
	EXPECT_EQ(-ENOENT, iked_ts_narrow(&peer, &ours, &out));
	/* OPAQUE ports are beyond kesp's selectors: nothing. */
	peer.n = 0;
	add(_metadata, &peer, IPPROTO_TCP, 65535, 0, "10.1.0.0", "10.1.0.255");
	EXPECT_EQ(-ENOENT, iked_ts_narrow(&peer, &ours, &out));
}

TEST(narrow_families_order_duplicates)
{
	struct iked_ts_list peer = { 0 }, ours = { 0 }, out;

	add(_metadata, &ours, 0, ANY_PORTS, "10.1.0.0", "10.1.255.255");
	add(_metadata, &ours, 0, ANY_PORTS, "2001:db8:1::",
	    "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
	/*
	 * The triggering packet first (2.9), then the subnets, one of
	 * which narrows to what another already gave.
	 */
	add(_metadata, &peer, IPPROTO_TCP, 80, 80, "10.1.0.5", "10.1.0.5");
	add(_metadata, &peer, 0, ANY_PORTS, "10.0.0.0", "10.255.255.255");
	add(_metadata, &peer, 0, ANY_PORTS, "10.1.0.0", "10.1.255.255");
	add(_metadata, &peer, 0, ANY_PORTS, "2001:db8::",
	    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	ASSERT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_STREQ("10.1.0.5/32[tcp/80] 10.1.0.0/16 2001:db8:1::/48",
		     fmt(&out));
	/* IPv4 against IPv6 only: nothing. */
	ours.n = 0;
	add(_metadata, &ours, 0, ANY_PORTS, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	peer.n = 0;
	add(_metadata, &peer, 0, ANY_PORTS, "0.0.0.0", "255.255.255.255");
	EXPECT_EQ(-ENOENT, iked_ts_narrow(&peer, &ours, &out));
}

TEST(narrow_too_many)
{
	struct iked_ts_list peer = { 0 }, ours = { 0 }, out;
	char a[32];
	int i;

	/* 16 hosts against two selectors of ours: 32 results, 16 fit. */
	for (i = 0; i < IKED_MAX_TS; i++) {
		snprintf(a, sizeof(a), "10.1.0.%d", i + 1);
		add(_metadata, &peer, 0, ANY_PORTS, a, a);
	}
	add(_metadata, &ours, IPPROTO_TCP, ANY_PORTS, "10.1.0.0", "10.1.0.255");
	add(_metadata, &ours, IPPROTO_UDP, ANY_PORTS, "10.1.0.0", "10.1.0.255");
	EXPECT_EQ(-E2BIG, iked_ts_narrow(&peer, &ours, &out));
	ours.n = 1;
	EXPECT_EQ(0, iked_ts_narrow(&peer, &ours, &out));
	EXPECT_EQ(IKED_MAX_TS, out.n);
}

TEST(within)
{
	struct iked_ts_list offered = { 0 }, reply = { 0 };

	add(_metadata, &offered, 0, ANY_PORTS, "10.1.0.0", "10.1.255.255");
	add(_metadata, &offered, IPPROTO_TCP, 1000, 2000, "10.2.0.0",
	    "10.2.255.255");
	add(_metadata, &offered, 0, ANY_PORTS, "2001:db8::",
	    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	EXPECT_TRUE(iked_ts_within(&offered, &offered));
	add(_metadata, &reply, IPPROTO_UDP, 53, 53, "10.1.2.0", "10.1.2.255");
	add(_metadata, &reply, IPPROTO_TCP, 1500, 1600, "10.2.0.1",
	    "10.2.0.1");
	add(_metadata, &reply, 0, ANY_PORTS, "2001:db8:5::1", "2001:db8:5::9");
	EXPECT_TRUE(iked_ts_within(&reply, &offered));
	/* Wider than offered. */
	reply.n = 0;
	add(_metadata, &reply, 0, ANY_PORTS, "10.0.0.0", "10.1.255.255");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	/* Across two offered selectors: each must hold it alone. */
	reply.n = 0;
	add(_metadata, &reply, 0, ANY_PORTS, "10.1.255.0", "10.2.0.255");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	/* Any protocol where TCP was offered; ports beyond. */
	reply.n = 0;
	add(_metadata, &reply, 0, ANY_PORTS, "10.2.0.0", "10.2.0.255");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	reply.n = 0;
	add(_metadata, &reply, IPPROTO_TCP, 999, 1000, "10.2.0.0",
	    "10.2.0.255");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	/* One good, one bad: bad. */
	reply.n = 0;
	add(_metadata, &reply, 0, ANY_PORTS, "10.1.0.0", "10.1.0.255");
	add(_metadata, &reply, 0, ANY_PORTS, "2001:db9::", "2001:db9::1");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	/* A range upside down, and nothing at all. */
	reply.n = 0;
	add(_metadata, &reply, 0, ANY_PORTS, "10.1.0.9", "10.1.0.1");
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
	reply.n = 0;
	EXPECT_FALSE(iked_ts_within(&reply, &offered));
}

/* The src prefixes of to_sels(@local, any IPv4 or IPv6 host) as text. */
static const char *split(struct __test_metadata *_metadata,
			 const char *start, const char *end)
{
	static char buf[8192];
	struct iked_ts_list l = { 0 }, r = { 0 };
	struct kesp_sel sel[300];
	size_t n = 0, i, used = 0;
	int v6 = strchr(start, ':') != NULL;

	add(_metadata, &l, 0, ANY_PORTS, start, end);
	add(_metadata, &r, 0, ANY_PORTS, v6 ? "::1" : "1.1.1.1",
	    v6 ? "::1" : "1.1.1.1");
	buf[0] = '\0';
	if (iked_ts_to_sels(&l, &r, sel, 300, &n))
		return "E2BIG";
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 i ? " " : "", pfx(&sel[i].src));
	return buf;
}

TEST(range_to_prefixes)
{
	EXPECT_STREQ("10.0.0.1/32 10.0.0.2/31 10.0.0.4/30 10.0.0.8/31",
		     split(_metadata, "10.0.0.1", "10.0.0.9"));
	EXPECT_STREQ("0.0.0.0/0", split(_metadata, "0.0.0.0",
					 "255.255.255.255"));
	EXPECT_STREQ("10.0.0.5/32", split(_metadata, "10.0.0.5", "10.0.0.5"));
	EXPECT_STREQ("255.255.255.255/32", split(_metadata, "255.255.255.255",
						  "255.255.255.255"));
	EXPECT_STREQ("0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 255.255.255.224/28 255.255.255.240/29 255.255.255.248/30 255.255.255.252/31 255.255.255.254/32",
		     split(_metadata, "0.0.0.0", "255.255.255.254"));
	EXPECT_STREQ("::/0", split(_metadata, "::",
				   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	EXPECT_STREQ("2001:db8::/64", split(_metadata, "2001:db8::",
					    "2001:db8::ffff:ffff:ffff:ffff"));
	EXPECT_STREQ("::1/128 ::2/127 ::4/128", split(_metadata, "::1", "::4"));
	/* Across a byte boundary. */
	EXPECT_STREQ("2001:db8::ff/128 2001:db8::100/128",
		     split(_metadata, "2001:db8::ff", "2001:db8::100"));
}

TEST(range_worst_case_count)
{
	struct iked_ts_list l = { 0 }, r = { 0 };
	struct kesp_sel sel[256];
	size_t n = 0;

	add(_metadata, &l, 0, ANY_PORTS, "::1",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	add(_metadata, &r, 0, ANY_PORTS, "::1", "::1");
	ASSERT_EQ(0, iked_ts_to_sels(&l, &r, sel, 256, &n));
	EXPECT_EQ(254, n);
	/* ::1/128 ::2/127 ... 4000::/2 8000::/2 c000::/3 ... ...fffe/128 */
	EXPECT_EQ(128, sel[0].src.plen);
	EXPECT_EQ(127, sel[1].src.plen);
	EXPECT_EQ(2, sel[126].src.plen);
	EXPECT_EQ(0x40, sel[126].src.addr.bytes[0]);
	EXPECT_EQ(2, sel[127].src.plen);
	EXPECT_EQ(0x80, sel[127].src.addr.bytes[0]);
	EXPECT_EQ(3, sel[128].src.plen);
	EXPECT_EQ(0xc0, sel[128].src.addr.bytes[0]);
	EXPECT_EQ(128, sel[253].src.plen);
	EXPECT_EQ(0xfe, sel[253].src.addr.bytes[15]);
}

TEST(to_sels_cross_product)
{
	struct iked_ts_list local = { 0 }, remote = { 0 };
	struct kesp_sel sel[16];
	size_t n = 0;

	add(_metadata, &local, 0, ANY_PORTS, "10.1.0.0", "10.1.255.255");
	add(_metadata, &local, IPPROTO_TCP, 80, 80, "10.2.0.0", "10.2.0.255");
	add(_metadata, &local, 0, ANY_PORTS, "2001:db8:1::",
	    "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
	add(_metadata, &remote, IPPROTO_UDP, 53, 53, "10.9.0.0", "10.9.0.255");
	add(_metadata, &remote, 0, ANY_PORTS, "2001:db8:9::",
	    "2001:db8:9::ffff");
	add(_metadata, &remote, 0, ANY_PORTS, "10.8.0.0", "10.8.0.255");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 16, &n));
	/* v4 x v4 except tcp x udp, and v6 x v6. */
	ASSERT_EQ(4, n);
	EXPECT_EQ(AF_INET, sel[0].family);
	EXPECT_STREQ("10.1.0.0/16", pfx(&sel[0].src));
	EXPECT_STREQ("10.9.0.0/24", pfx(&sel[0].dst));
	EXPECT_EQ(IPPROTO_UDP, sel[0].proto);
	/* Ports in host order: ours as the source, theirs as destination. */
	EXPECT_EQ(0, sel[0].sport.min);
	EXPECT_EQ(65535, sel[0].sport.max);
	EXPECT_EQ(53, sel[0].dport.min);
	EXPECT_EQ(53, sel[0].dport.max);
	EXPECT_STREQ("10.8.0.0/24", pfx(&sel[1].dst));
	EXPECT_EQ(0, sel[1].proto);
	EXPECT_STREQ("10.2.0.0/24", pfx(&sel[2].src));
	EXPECT_STREQ("10.8.0.0/24", pfx(&sel[2].dst));
	EXPECT_EQ(IPPROTO_TCP, sel[2].proto);
	EXPECT_EQ(80, sel[2].sport.min);
	EXPECT_EQ(80, sel[2].sport.max);
	EXPECT_EQ(0, sel[2].dport.min);
	EXPECT_EQ(65535, sel[2].dport.max);
	EXPECT_EQ(AF_INET6, sel[3].family);
	EXPECT_EQ(AF_INET6, sel[3].src.addr.family);
	EXPECT_STREQ("2001:db8:1::/48", pfx(&sel[3].src));
	EXPECT_STREQ("2001:db8:9::/112", pfx(&sel[3].dst));

	/* Room for 3: the count needed comes back with -E2BIG. */
	n = 0;
	EXPECT_EQ(-E2BIG, iked_ts_to_sels(&local, &remote, sel, 3, &n));
	EXPECT_EQ(4, n);
}

TEST(to_sels_split_ranges)
{
	struct iked_ts_list local = { 0 }, remote = { 0 };
	struct kesp_sel sel[16];
	size_t n = 0;

	/* 2 prefixes x 4 prefixes. */
	add(_metadata, &local, 0, ANY_PORTS, "10.0.0.2", "10.0.0.5");
	add(_metadata, &remote, 0, ANY_PORTS, "10.0.0.1", "10.0.0.9");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 16, &n));
	ASSERT_EQ(2 * 4, n);
	EXPECT_STREQ("10.0.0.2/31", pfx(&sel[0].src));
	EXPECT_STREQ("10.0.0.1/32", pfx(&sel[0].dst));
	EXPECT_STREQ("10.0.0.8/31", pfx(&sel[3].dst));
	EXPECT_STREQ("10.0.0.4/31", pfx(&sel[4].src));
	EXPECT_STREQ("10.0.0.8/31", pfx(&sel[7].dst));
}

TEST(to_sels_ports_only_where_they_exist)
{
	struct iked_ts_list local = { 0 }, remote = { 0 };
	struct kesp_sel sel[4];
	size_t n = 0;

	/* GRE has no ports: whatever the selectors say, none. */
	add(_metadata, &local, 47, 100, 200, "10.0.0.1", "10.0.0.1");
	add(_metadata, &remote, 0, 300, 400, "10.0.0.2", "10.0.0.2");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 4, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(47, sel[0].proto);
	EXPECT_EQ(0, sel[0].sport.min);
	EXPECT_EQ(65535, sel[0].sport.max);
	EXPECT_EQ(0, sel[0].dport.min);
	EXPECT_EQ(65535, sel[0].dport.max);
	/* UDP-Lite and SCTP have them. */
	local.ts[0].proto = IPPROTO_UDPLITE;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 4, &n));
	EXPECT_EQ(100, sel[0].sport.min);
	EXPECT_EQ(200, sel[0].sport.max);
	EXPECT_EQ(300, sel[0].dport.min);
	EXPECT_EQ(400, sel[0].dport.max);
	remote.ts[0].proto = IPPROTO_SCTP;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 4, &n));
	EXPECT_EQ(0, n);
	local.ts[0].proto = IPPROTO_SCTP;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 4, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(IPPROTO_SCTP, sel[0].proto);
	/* OPAQUE ports: no selector. */
	local.ts[0].start_port = 65535;
	local.ts[0].end_port = 0;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 4, &n));
	EXPECT_EQ(0, n);
}

TEST(to_sels_icmp)
{
	struct iked_ts_list local = { 0 }, remote = { 0 };
	struct kesp_sel sel[8];
	size_t n = 0;

	/* Echo request (type 8, any code) on one side, any on the other. */
	add(_metadata, &local, IPPROTO_ICMP, 0x0800, 0x08ff, "10.0.0.1",
	    "10.0.0.1");
	add(_metadata, &remote, 0, ANY_PORTS, "10.0.0.2", "10.0.0.2");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(IPPROTO_ICMP, sel[0].proto);
	EXPECT_EQ(8, sel[0].sport.min);		/* type */
	EXPECT_EQ(8, sel[0].sport.max);
	EXPECT_EQ(0, sel[0].dport.min);		/* code: any */
	EXPECT_EQ(65535, sel[0].dport.max);
	/* The same from the remote side: the type stays in SPORT. */
	remote.ts[0].proto = IPPROTO_ICMP;
	remote.ts[0].start_port = 0x0300;
	remote.ts[0].end_port = 0x0304;
	local.ts[0].start_port = 0;
	local.ts[0].end_port = 65535;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(3, sel[0].sport.min);
	EXPECT_EQ(3, sel[0].sport.max);
	EXPECT_EQ(0, sel[0].dport.min);
	EXPECT_EQ(4, sel[0].dport.max);
	/* Both sides: the intersection. */
	local.ts[0].start_port = 0x0302;
	local.ts[0].end_port = 0x03ff;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(2, sel[0].dport.min);
	EXPECT_EQ(4, sel[0].dport.max);
	local.ts[0].start_port = 0x0800;
	local.ts[0].end_port = 0x08ff;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	EXPECT_EQ(0, n);
	/* Across types: three boxes, exactly. */
	remote.ts[0].start_port = 0x0305;
	remote.ts[0].end_port = 0x0b02;
	local.ts[0].start_port = 0;
	local.ts[0].end_port = 65535;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(3, n);
	EXPECT_EQ(3, sel[0].sport.min);
	EXPECT_EQ(3, sel[0].sport.max);
	EXPECT_EQ(5, sel[0].dport.min);
	EXPECT_EQ(255, sel[0].dport.max);
	EXPECT_EQ(4, sel[1].sport.min);
	EXPECT_EQ(10, sel[1].sport.max);
	EXPECT_EQ(0, sel[1].dport.min);
	EXPECT_EQ(65535, sel[1].dport.max);
	EXPECT_EQ(11, sel[2].sport.min);
	EXPECT_EQ(11, sel[2].sport.max);
	EXPECT_EQ(0, sel[2].dport.min);
	EXPECT_EQ(2, sel[2].dport.max);
	/* Whole types at both ends: one box. */
	remote.ts[0].start_port = 0x0300;
	remote.ts[0].end_port = 0x0bff;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(3, sel[0].sport.min);
	EXPECT_EQ(11, sel[0].sport.max);
	EXPECT_EQ(65535, sel[0].dport.max);
	/* Any ICMP: no port ranges at all (non-first fragments match). */
	remote.ts[0].start_port = 0;
	remote.ts[0].end_port = 65535;
	remote.ts[0].proto = IPPROTO_ICMPV6;
	local.n = 0;
	remote.n = 0;
	add(_metadata, &local, IPPROTO_ICMPV6, ANY_PORTS, "2001:db8::1",
	    "2001:db8::1");
	add(_metadata, &remote, 0, ANY_PORTS, "2001:db8::2", "2001:db8::2");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 8, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(IPPROTO_ICMPV6, sel[0].proto);
	EXPECT_EQ(0, sel[0].sport.min);
	EXPECT_EQ(65535, sel[0].sport.max);
	EXPECT_EQ(0, sel[0].dport.min);
	EXPECT_EQ(65535, sel[0].dport.max);
}

TEST(reverse)
{
	struct iked_ts_list local = { 0 }, remote = { 0 };
	struct kesp_sel sel[2];
	size_t n = 0;

	add(_metadata, &local, IPPROTO_TCP, 80, 80, "10.1.0.0", "10.1.0.255");
	add(_metadata, &remote, 0, 1024, 65535, "10.2.0.0", "10.2.0.255");
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 2, &n));
	ASSERT_EQ(1, n);
	iked_sel_reverse(&sel[0]);
	EXPECT_STREQ("10.2.0.0/24", pfx(&sel[0].src));
	EXPECT_STREQ("10.1.0.0/24", pfx(&sel[0].dst));
	EXPECT_EQ(1024, sel[0].sport.min);
	EXPECT_EQ(80, sel[0].dport.min);
	EXPECT_EQ(80, sel[0].dport.max);
	/* ICMP type and code do not turn around. */
	local.ts[0].proto = IPPROTO_ICMP;
	local.ts[0].start_port = 0x0000;
	local.ts[0].end_port = 0x00ff;
	remote.ts[0].start_port = 0;
	ASSERT_EQ(0, iked_ts_to_sels(&local, &remote, sel, 2, &n));
	ASSERT_EQ(1, n);
	iked_sel_reverse(&sel[0]);
	EXPECT_STREQ("10.2.0.0/24", pfx(&sel[0].src));
	EXPECT_EQ(0, sel[0].sport.min);
	EXPECT_EQ(0, sel[0].sport.max);
	EXPECT_EQ(0, sel[0].dport.min);
	EXPECT_EQ(65535, sel[0].dport.max);
}

TEST(format)
{
	struct iked_ts_list l = { 0 };
	char small[16];

	add(_metadata, &l, 0, ANY_PORTS, "10.1.0.0", "10.1.0.255");
	add(_metadata, &l, IPPROTO_TCP, 80, 80, "10.2.0.5", "10.2.0.5");
	add(_metadata, &l, 0, ANY_PORTS, "10.3.0.1", "10.3.0.9");
	EXPECT_STREQ("10.1.0.0/24 10.2.0.5/32[tcp/80] 10.3.0.1..10.3.0.9",
		     fmt(&l));
	l.n = 0;
	add(_metadata, &l, IPPROTO_UDP, ANY_PORTS, "2001:db8::", "2001:db8::ff");
	add(_metadata, &l, IPPROTO_UDP, 1000, 2000, "::", "::1");
	add(_metadata, &l, 0, 80, 80, "0.0.0.0", "255.255.255.255");
	add(_metadata, &l, 99, ANY_PORTS, "0.0.0.0", "255.255.255.255");
	add(_metadata, &l, IPPROTO_TCP, 65535, 0, "10.0.0.0", "10.0.0.0");
	EXPECT_STREQ("2001:db8::/120[udp] ::/127[udp/1000-2000] 0.0.0.0/0[0/80] 0.0.0.0/0[99] 10.0.0.0/32[tcp/OPAQUE]",
		     fmt(&l));
	l.n = 0;
	add(_metadata, &l, IPPROTO_ICMP, 0x0800, 0x0800, "10.0.0.0", "10.0.0.0");
	add(_metadata, &l, IPPROTO_ICMPV6, 0x0104, 0x0104, "::1", "::1");
	add(_metadata, &l, IPPROTO_ICMP, 0x0300, 0x03ff, "10.0.0.0", "10.0.0.0");
	EXPECT_STREQ("10.0.0.0/32[icmp/8] ::1/128[ipv6-icmp/1(4)] 10.0.0.0/32[icmp/3-3(255)]",
		     fmt(&l));
	EXPECT_STREQ("10.0.0.0/32[icm", iked_ts_format(&l, small, sizeof(small)));
	l.n = 0;
	EXPECT_STREQ("", fmt(&l));
}

TEST_HARNESS_MAIN
