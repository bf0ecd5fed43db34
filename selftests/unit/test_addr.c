// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of address, prefix, port range and protocol parsing. */

#include <string.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "common/addr.h"

static int prefix_err(const char *s, char *err, size_t len)
{
	struct kesp_prefix p;

	err[0] = '\0';
	return kesp_prefix_parse(s, &p, err, len);
}

TEST(prefix_ipv4)
{
	static const uint8_t net[4] = { 10, 1, 0, 0 };
	struct kesp_prefix p;
	char err[128], buf[KESP_PREFIX_STRLEN];

	ASSERT_EQ(0, kesp_prefix_parse("10.1.0.0/24", &p, err, sizeof(err)));
	EXPECT_EQ(AF_INET, p.addr.family);
	EXPECT_EQ(24, p.plen);
	EXPECT_EQ(0, memcmp(net, p.addr.bytes, 4));
	EXPECT_STREQ("10.1.0.0/24", kesp_prefix_format(&p, buf, sizeof(buf)));
	/* A bare address is a host route. */
	ASSERT_EQ(0, kesp_prefix_parse("192.0.2.7", &p, err, sizeof(err)));
	EXPECT_EQ(32, p.plen);
	EXPECT_STREQ("192.0.2.7/32", kesp_prefix_format(&p, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_prefix_parse("0.0.0.0/0", &p, err, sizeof(err)));
	EXPECT_EQ(AF_INET, p.addr.family);
	EXPECT_EQ(0, p.plen);
	EXPECT_STREQ("0.0.0.0/0", kesp_prefix_format(&p, buf, sizeof(buf)));
}

TEST(prefix_ipv6)
{
	struct kesp_prefix p;
	char err[128], buf[KESP_PREFIX_STRLEN];

	ASSERT_EQ(0, kesp_prefix_parse("2001:db8::/32", &p, err, sizeof(err)));
	EXPECT_EQ(AF_INET6, p.addr.family);
	EXPECT_EQ(32, p.plen);
	EXPECT_EQ(0x20, p.addr.bytes[0]);
	EXPECT_EQ(0xb8, p.addr.bytes[3]);
	EXPECT_STREQ("2001:db8::/32", kesp_prefix_format(&p, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_prefix_parse("2001:db8::1", &p, err, sizeof(err)));
	EXPECT_EQ(128, p.plen);
	ASSERT_EQ(0, kesp_prefix_parse("::/0", &p, err, sizeof(err)));
	EXPECT_EQ(AF_INET6, p.addr.family);
	EXPECT_EQ(0, p.plen);
	/* The longest textual IPv6 form still fits. */
	ASSERT_EQ(0, kesp_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
				       &p, err, sizeof(err)));
	EXPECT_EQ(128, p.plen);
}

TEST(prefix_any_leaves_family_open)
{
	struct kesp_prefix p;
	char err[128], buf[KESP_PREFIX_STRLEN];

	ASSERT_EQ(0, kesp_prefix_parse("any", &p, err, sizeof(err)));
	EXPECT_EQ(0, p.addr.family);
	EXPECT_EQ(0, p.plen);
	EXPECT_STREQ("any", kesp_prefix_format(&p, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_prefix_parse("ANY", &p, err, sizeof(err)));
}

TEST(prefix_host_bits_are_an_error)
{
	char err[128];

	EXPECT_EQ(-EINVAL, prefix_err("10.0.0.1/24", err, sizeof(err)));
	EXPECT_STREQ("host bits set; did you mean 10.0.0.0/24?", err);
	EXPECT_EQ(-EINVAL, prefix_err("10.1.2.3/0", err, sizeof(err)));
	EXPECT_STREQ("host bits set; did you mean 0.0.0.0/0?", err);
	EXPECT_EQ(-EINVAL, prefix_err("2001:db8::1/32", err, sizeof(err)));
	EXPECT_STREQ("host bits set; did you mean 2001:db8::/32?", err);
	/* A bit inside a partial byte. */
	EXPECT_EQ(0, prefix_err("10.0.0.128/25", err, sizeof(err)));
	EXPECT_EQ(-EINVAL, prefix_err("10.0.0.192/25", err, sizeof(err)));
	EXPECT_STREQ("host bits set; did you mean 10.0.0.128/25?", err);
}

TEST(prefix_too_long)
{
	char err[128];

	EXPECT_EQ(-EINVAL, prefix_err("10.0.0.0/33", err, sizeof(err)));
	EXPECT_STREQ("prefix length longer than the 32 bits of an IPv4 address",
		     err);
	EXPECT_EQ(-EINVAL, prefix_err("2001:db8::/129", err, sizeof(err)));
	EXPECT_STREQ("prefix length longer than the 128 bits of an IPv6 address",
		     err);
	EXPECT_EQ(-EINVAL, prefix_err("10.0.0.0/99999999999999999999", err,
				      sizeof(err)));
	EXPECT_EQ(0, prefix_err("2001:db8::/128", err, sizeof(err)));
}

TEST(prefix_garbage)
{
	static const char *const bad[] = {
		"", "foo", "10.0.0", "10.0.0.0.0", "10.0.0.256", "010.0.0.1",
		"10.0.0.0/", "10.0.0.0/abc", "10.0.0.0/+8", "10.0.0.0/-8",
		"10.0.0.0/ 8", "10.0.0.0/24/1", "/24", "2001:db8:::/32",
		"fe80::1%eth0", "10.0.0.0 /24", "anything",
		"0000000000000000000000000000000000000000000000000000000001.2.3.4",
	};
	struct kesp_prefix p;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		EXPECT_EQ(-EINVAL, kesp_prefix_parse(bad[i], &p, err,
						     sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
		EXPECT_NE(0, err[0]);
	}
}

TEST(address)
{
	struct kesp_addr a;
	char err[128], buf[KESP_ADDR_STRLEN];

	ASSERT_EQ(0, kesp_addr_parse("192.0.2.1", &a, err, sizeof(err)));
	EXPECT_EQ(AF_INET, a.family);
	EXPECT_STREQ("192.0.2.1", kesp_addr_format(&a, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_addr_parse("2001:db8::2", &a, err, sizeof(err)));
	EXPECT_EQ(AF_INET6, a.family);
	EXPECT_STREQ("2001:db8::2", kesp_addr_format(&a, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kesp_addr_parse("10.0.0.0/8", &a, err, sizeof(err)));
	EXPECT_STREQ("a prefix where an address is needed", err);
	EXPECT_EQ(-EINVAL, kesp_addr_parse("any", &a, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_addr_parse("gateway", &a, err, sizeof(err)));
	EXPECT_STREQ("not an IPv4 or IPv6 address", err);
	EXPECT_EQ(-EINVAL, kesp_addr_parse("", &a, err, sizeof(err)));
	a.family = 0;
	EXPECT_STREQ("?", kesp_addr_format(&a, buf, sizeof(buf)));
	EXPECT_EQ(4, kesp_addr_len(AF_INET));
	EXPECT_EQ(16, kesp_addr_len(AF_INET6));
	EXPECT_EQ(0, kesp_addr_len(0));
}

TEST(ports)
{
	struct kesp_port_range r;
	char err[128], buf[KESP_PORTS_STRLEN];

	ASSERT_EQ(0, kesp_ports_parse("80", &r, err, sizeof(err)));
	EXPECT_EQ(80, r.min);
	EXPECT_EQ(80, r.max);
	EXPECT_STREQ("80", kesp_ports_format(&r, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_ports_parse("1000-2000", &r, err, sizeof(err)));
	EXPECT_EQ(1000, r.min);
	EXPECT_EQ(2000, r.max);
	EXPECT_STREQ("1000-2000", kesp_ports_format(&r, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_ports_parse("0-65535", &r, err, sizeof(err)));
	EXPECT_STREQ("any", kesp_ports_format(&r, buf, sizeof(buf)));
	ASSERT_EQ(0, kesp_ports_parse("any", &r, err, sizeof(err)));
	EXPECT_EQ(0, r.min);
	EXPECT_EQ(65535, r.max);
	EXPECT_EQ(-EINVAL, kesp_ports_parse("2000-1000", &r, err, sizeof(err)));
	EXPECT_STREQ("range ends before it starts", err);
}

TEST(ports_garbage)
{
	static const char *const bad[] = {
		"", "-", "80-", "-80", "65536", "1-65536", "http", "1-2-3",
		"+80", "80 ", "0x50", "99999999999999999999",
	};
	struct kesp_port_range r;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, kesp_ports_parse(bad[i], &r, err,
						    sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
	}
}

TEST(protocols)
{
	char err[160];
	uint8_t p;

	ASSERT_EQ(0, kesp_proto_parse("tcp", &p, err, sizeof(err)));
	EXPECT_EQ(6, p);
	ASSERT_EQ(0, kesp_proto_parse("UDP", &p, err, sizeof(err)));
	EXPECT_EQ(17, p);
	ASSERT_EQ(0, kesp_proto_parse("icmpv6", &p, err, sizeof(err)));
	EXPECT_EQ(58, p);
	ASSERT_EQ(0, kesp_proto_parse("any", &p, err, sizeof(err)));
	EXPECT_EQ(0, p);
	ASSERT_EQ(0, kesp_proto_parse("47", &p, err, sizeof(err)));
	EXPECT_EQ(47, p);
	EXPECT_STREQ("gre", kesp_proto_name(47));
	EXPECT_STREQ("ipv6-icmp", kesp_proto_name(58));
	EXPECT_EQ(NULL, kesp_proto_name(253));
	EXPECT_EQ(-EINVAL, kesp_proto_parse("256", &p, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_proto_parse("tcpp", &p, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kesp_proto_parse("", &p, err, sizeof(err)));
	EXPECT_TRUE(kesp_proto_has_ports(6));
	EXPECT_TRUE(kesp_proto_has_ports(1));
	EXPECT_TRUE(kesp_proto_has_ports(58));
	EXPECT_FALSE(kesp_proto_has_ports(47));
	EXPECT_FALSE(kesp_proto_has_ports(0));
}

TEST(host_bits_helper)
{
	struct kesp_prefix p;

	kesp_prefix_any(&p, AF_INET6);
	EXPECT_EQ(AF_INET6, p.addr.family);
	EXPECT_FALSE(kesp_prefix_has_host_bits(&p));
	p.addr.bytes[15] = 1;
	EXPECT_TRUE(kesp_prefix_has_host_bits(&p));
	p.plen = 128;
	EXPECT_FALSE(kesp_prefix_has_host_bits(&p));
}

TEST_HARNESS_MAIN
