// SPDX-License-Identifier: GPL-2.0
// budget: 5
/*
 * Runs in the guest against kesp.ko: UDP encapsulation (RFC 3948).
 * KESP_CMD_ENCAP_SOCK refuses what is not a bound UDP socket of its own
 * and a socket that has an encapsulation already; SA_NEW checks the
 * ENCAP ports; an encapsulation socket absorbs and counts NAT keepalives,
 * hands IKE to the socket intact and counts malformed datagrams; ESP in
 * UDP goes out and comes back in through kesp (one namespace, an SA pair
 * over 127.0.0.1, the inner datagram received at the end); a packet from
 * another port than the SA's makes one MAPPING event a second; ESP in
 * UDP to an SA without encapsulation or to another port is a mismatch;
 * SA_UPDATE moves an SA's endpoints and keeps its sequence number.
 * Each test runs in a namespace of its own.
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/events.h"
#include "common/nl.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

#define LO "127.0.0.1"
#define INNER "127.0.0.2"
#define INNER_PORT 9999

/* One SA request; ports 0 and NULL addresses are left out. */
struct esa {
	uint32_t spi;
	int dir;
	const char *src, *dst;
	int sport, dport;		/* -1: send the attribute with 0 */
	const char *new_src, *new_dst;
	int only_key;
	int64_t seq;			/* -1: absent */
};

static int put_addr(struct nl_msg *m, int type, const char *s)
{
	unsigned char buf[4];

	if (inet_pton(AF_INET, s, buf) != 1)
		return -EINVAL;
	return nla_put(m, type, 4, buf);
}

static int put_port(struct nl_msg *m, int type, int port)
{
	if (!port)
		return 0;
	return nla_put_u16(m, type, htons(port < 0 ? 0 : (uint16_t)port));
}

static int build_sa(struct nl_msg *m, void *arg)
{
	const struct esa *r = arg;
	unsigned char key[20];
	struct nlattr *sa;

	memset(key, 0x3c, sizeof(key));
	sa = nla_nest_start(m, KESP_A_SA);
	nla_put_u32(m, KESP_SA_A_SPI, r->spi);
	nla_put_u8(m, KESP_SA_A_DIR, r->dir);
	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET);
	put_addr(m, KESP_SA_A_DST, r->dst);
	if (!r->only_key) {
		nla_put_u8(m, KESP_SA_A_MODE, KESP_MODE_TUNNEL);
		put_addr(m, KESP_SA_A_SRC, r->src);
		nla_put_u16(m, KESP_SA_A_ENC, KESP_ENC_AES_GCM_16);
		nla_put(m, KESP_SA_A_ENC_KEY, sizeof(key), key);
	}
	if (r->seq >= 0)
		nla_put_u64(m, KESP_SA_A_SEQ, (uint64_t)r->seq);
	put_port(m, KESP_SA_A_ENCAP_SPORT, r->sport);
	put_port(m, KESP_SA_A_ENCAP_DPORT, r->dport);
	if (r->new_src)
		put_addr(m, KESP_SA_A_NEW_SRC, r->new_src);
	if (r->new_dst)
		put_addr(m, KESP_SA_A_NEW_DST, r->new_dst);
	nla_nest_end(m, sa);
	return 0;
}

static int sa_cmd(struct kesp_nl *nl, int cmd, struct esa r)
{
	return kesp_nl_request(nl, cmd, 0, build_sa, NULL, &r);
}

/* An SA pair's half over the loopback: spi, dir, ports. */
static struct esa lo_sa(uint32_t spi, int dir, int sport, int dport)
{
	struct esa r = {
		.spi = spi, .dir = dir, .src = LO, .dst = LO,
		.sport = sport, .dport = dport, .seq = -1,
	};
	return r;
}

struct sa_seen {
	uint16_t sport, dport;
	uint64_t seq, packets;
	uint64_t errors[__KESP_STAT_MAX];
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
};

static int parse_sa_nest(struct nlattr *nest, struct sa_seen *s)
{
	struct nlattr *sa[KESP_SA_A_MAX + 1], *cnt[KESP_CNT_A_MAX + 1];
	struct nlattr *err[KESP_STAT_MAX + 1];
	int i;

	memset(s, 0, sizeof(*s));
	if (nla_parse_nested(sa, KESP_SA_A_MAX, nest, NULL) < 0)
		return -EPROTO;
	if (sa[KESP_SA_A_ENCAP_SPORT])
		s->sport = ntohs(nla_get_u16(sa[KESP_SA_A_ENCAP_SPORT]));
	if (sa[KESP_SA_A_ENCAP_DPORT])
		s->dport = ntohs(nla_get_u16(sa[KESP_SA_A_ENCAP_DPORT]));
	if (sa[KESP_SA_A_SEQ])
		s->seq = nla_get_u64(sa[KESP_SA_A_SEQ]);
	if (sa[KESP_SA_A_SRC])
		inet_ntop(AF_INET, nla_data(sa[KESP_SA_A_SRC]), s->src,
			  sizeof(s->src));
	if (sa[KESP_SA_A_DST])
		inet_ntop(AF_INET, nla_data(sa[KESP_SA_A_DST]), s->dst,
			  sizeof(s->dst));
	if (sa[KESP_SA_A_COUNTERS] &&
	    nla_parse_nested(cnt, KESP_CNT_A_MAX, sa[KESP_SA_A_COUNTERS],
			     NULL) >= 0) {
		if (cnt[KESP_CNT_A_PACKETS])
			s->packets = nla_get_u64(cnt[KESP_CNT_A_PACKETS]);
		if (cnt[KESP_CNT_A_ERRORS] &&
		    nla_parse_nested(err, KESP_STAT_MAX,
				     cnt[KESP_CNT_A_ERRORS], NULL) >= 0)
			for (i = 0; i <= KESP_STAT_MAX; i++)
				if (err[i] && i > KESP_STAT_PAD)
					s->errors[i] = nla_get_u64(err[i]);
	}
	return 0;
}

static int parse_sa(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 || !tb[KESP_A_SA])
		return -EPROTO;
	return parse_sa_nest(tb[KESP_A_SA], arg);
}

/* kesp_nl_request() hands one argument to both callbacks. */
struct get_ctx {
	struct esa r;
	struct sa_seen *s;
};

static int build_get(struct nl_msg *m, void *arg)
{
	return build_sa(m, &((struct get_ctx *)arg)->r);
}

static int parse_get(struct nlmsghdr *nlh, void *arg)
{
	return parse_sa(nlh, ((struct get_ctx *)arg)->s);
}

static int sa_get(struct kesp_nl *nl, struct esa r, struct sa_seen *s)
{
	struct get_ctx x = { .r = r, .s = s };

	x.r.only_key = 1;
	x.r.sport = x.r.dport = 0;
	x.r.seq = -1;
	x.r.new_src = x.r.new_dst = NULL;
	return kesp_nl_request(nl, KESP_CMD_SA_GET, 0, build_get, parse_get,
			       &x);
}

static int parse_stats(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *st[KESP_STAT_MAX + 1];
	uint64_t *v = arg;
	int i;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_STATS] ||
	    nla_parse_nested(st, KESP_STAT_MAX, tb[KESP_A_STATS], NULL) < 0)
		return -EPROTO;
	for (i = KESP_STAT_PAD + 1; i <= KESP_STAT_MAX; i++)
		v[i] = st[i] ? nla_get_u64(st[i]) : 0;
	return 0;
}

static uint64_t stat(struct kesp_nl *nl, int which)
{
	uint64_t v[__KESP_STAT_MAX] = { 0 };

	if (kesp_nl_request(nl, KESP_CMD_STATS_GET, 0, NULL, parse_stats, v))
		return (uint64_t)-1;
	return v[which];
}

static int put_fd(struct nl_msg *m, void *arg)
{
	return nla_put_u32(m, KESP_A_ENCAP_FD, (uint32_t)*(int *)arg);
}

static int encap_sock(struct kesp_nl *nl, int fd)
{
	return kesp_nl_request(nl, KESP_CMD_ENCAP_SOCK, 0, put_fd, NULL, &fd);
}

static int udp_bound(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, addr, &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static int send_to(int fd, const char *addr, int port, const void *buf,
		   size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, addr, &a.sin_addr);
	return (int)sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a));
}

/* One datagram within @ms, or -1. */
static ssize_t recv_within(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static void sysctl_set(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/*
 * Decrypted packets re-enter on lo with their loopback addresses, which
 * the route lookup would otherwise call martian.
 */
static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	strcpy(ifr.ifr_name, "lo");
	ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	sysctl_set("/proc/sys/net/ipv4/conf/all/route_localnet");
	sysctl_set("/proc/sys/net/ipv4/conf/lo/route_localnet");
	sysctl_set("/proc/sys/net/ipv4/conf/all/accept_local");
	sysctl_set("/proc/sys/net/ipv4/conf/lo/accept_local");
}

/*
 * A policy for UDP 127.0.0.1 -> 127.0.0.2 in a tunnel over lo: OUT (@arg
 * NULL) sends it into the tunnel, IN lets it in once decrypted.
 */
static int build_policy(struct nl_msg *m, void *arg)
{
	struct nlattr *pol, *sel, *tmpl;

	pol = nla_nest_start(m, KESP_A_POLICY);
	nla_put_u8(m, KESP_POL_A_DIR, arg ? KESP_DIR_IN : KESP_DIR_OUT);
	sel = nla_nest_start(m, KESP_POL_A_SEL);
	nla_put_u16(m, KESP_SEL_A_FAMILY, AF_INET);
	put_addr(m, KESP_SEL_A_SRC, LO);
	nla_put_u8(m, KESP_SEL_A_SRC_PLEN, 32);
	put_addr(m, KESP_SEL_A_DST, INNER);
	nla_put_u8(m, KESP_SEL_A_DST_PLEN, 32);
	nla_put_u8(m, KESP_SEL_A_PROTO, IPPROTO_UDP);
	nla_nest_end(m, sel);
	nla_put_u8(m, KESP_POL_A_ACTION, KESP_ACTION_PROTECT);
	tmpl = nla_nest_start(m, KESP_POL_A_TMPL);
	nla_put_u8(m, KESP_TMPL_A_MODE, KESP_MODE_TUNNEL);
	nla_put_u16(m, KESP_TMPL_A_FAMILY, AF_INET);
	put_addr(m, KESP_TMPL_A_SRC, LO);
	put_addr(m, KESP_TMPL_A_DST, LO);
	nla_nest_end(m, tmpl);
	nla_nest_end(m, pol);
	return 0;
}

FIXTURE(encap) {
	struct kesp_nl nl;
	struct kesp_nl ev;
	int esock;		/* the encapsulation socket, 127.0.0.1:4500 */
	int inner;		/* 127.0.0.2:9999, where decrypted traffic ends */
	int sender;		/* 127.0.0.1, any port */
};

FIXTURE_SETUP(encap)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	lo_up();
	ASSERT_EQ(0, kesp_nl_open(&self->nl));
	ASSERT_EQ(0, kesp_nl_open(&self->ev));
	ASSERT_EQ(0, kesp_nl_subscribe(&self->ev));
	self->esock = udp_bound(LO, 4500);
	self->inner = udp_bound(INNER, INNER_PORT);
	self->sender = udp_bound(LO, 0);
	ASSERT_LE(0, self->esock);
	ASSERT_LE(0, self->inner);
	ASSERT_LE(0, self->sender);
}

FIXTURE_TEARDOWN(encap)
{
	kesp_nl_request(&self->nl, KESP_CMD_SA_FLUSH, 0, NULL, NULL, NULL);
	close(self->esock);
	close(self->inner);
	close(self->sender);
	kesp_nl_close(&self->ev);
	kesp_nl_close(&self->nl);
}

#define EXPECT_REFUSED(nl, err, call) do {				\
	EXPECT_EQ(err, (call));						\
	EXPECT_NE(0, (nl)->last.msg[0]);				\
	TH_LOG("refused as expected: %s", (nl)->last.msg);		\
} while (0)

struct mapping {
	int count;
	uint32_t spi;
	char src[INET_ADDRSTRLEN];
	uint16_t sport;
};

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *map[KESP_MAP_A_MAX + 1];
	struct nlattr *sa[KESP_SA_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct mapping *m = arg;

	if (gh->cmd != KESP_CMD_MAPPING ||
	    genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_SA] || !tb[KESP_A_MAPPING] ||
	    nla_parse_nested(sa, KESP_SA_A_MAX, tb[KESP_A_SA], NULL) < 0 ||
	    nla_parse_nested(map, KESP_MAP_A_MAX, tb[KESP_A_MAPPING],
			     NULL) < 0 ||
	    !sa[KESP_SA_A_SPI] || !map[KESP_MAP_A_SRC] ||
	    !map[KESP_MAP_A_SPORT])
		return 0;
	m->count++;
	m->spi = nla_get_u32(sa[KESP_SA_A_SPI]);
	inet_ntop(AF_INET, nla_data(map[KESP_MAP_A_SRC]), m->src,
		  sizeof(m->src));
	m->sport = ntohs(nla_get_u16(map[KESP_MAP_A_SPORT]));
	return 0;
}

/* The MAPPING events that arrive within @ms. */
static struct mapping mappings(struct kesp_nl *ev, int ms)
{
	struct mapping m = { 0 };
	struct pollfd p = { .fd = nl_socket_get_fd(ev->sk), .events = POLLIN };

	while (poll(&p, 1, ms) == 1)
		if (kesp_nl_recv_events(ev, on_event, &m) < 0)
			break;
	return m;
}

/*
 * A datagram into the tunnel, and whether it came out at the other end;
 * the tag "!..." marks one that should not (no status dump then).
 */
static int through(struct __test_metadata *_metadata, int sender, int inner,
		   const char *tag)
{
	char buf[64];
	ssize_t n;

	EXPECT_EQ((int)strlen(tag), send_to(sender, INNER, INNER_PORT, tag,
					    strlen(tag)));
	n = recv_within(inner, buf, sizeof(buf), 1000);
	if (n == (ssize_t)strlen(tag) && !memcmp(buf, tag, (size_t)n))
		return 1;
	if (tag[0] == '!')
		return 0;
	TH_LOG("\"%s\" did not come through; /proc/net/kesp:", tag);
	fflush(stdout);
	if (system("cat /proc/net/kesp"))
		TH_LOG("no /proc/net/kesp");
	return 0;
}

static int parse_caps(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_INFO_CAPS])
		return -EPROTO;
	*(uint64_t *)arg = nla_get_u64(tb[KESP_A_INFO_CAPS]);
	return 0;
}

TEST_F(encap, capability_announced)
{
	uint64_t caps = 0;

	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_GET_INFO, 0, NULL,
				     parse_caps, &caps));
	EXPECT_TRUE(caps & KESP_CAP_UDP_ENCAP);
}

TEST_F(encap, encap_sock_refuses_what_is_not_a_bound_udp_socket)
{
	int fd, one = 1;

	fd = open("/dev/null", O_RDONLY);
	EXPECT_REFUSED(&self->nl, -EINVAL, encap_sock(&self->nl, fd));
	close(fd);
	EXPECT_EQ(-EBADF, encap_sock(&self->nl, 999));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_REFUSED(&self->nl, -EINVAL, encap_sock(&self->nl, fd));
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	EXPECT_REFUSED(&self->nl, -EINVAL, encap_sock(&self->nl, fd));
	close(fd);
	/* No descriptor at all. */
	EXPECT_REFUSED(&self->nl, -EINVAL,
		       kesp_nl_request(&self->nl, KESP_CMD_ENCAP_SOCK, 0, NULL,
				       NULL, NULL));
	/* XFRM's encapsulation first: busy. */
	fd = udp_bound(LO, 4600);
	ASSERT_LE(0, fd);
	if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &(int){ UDP_ENCAP_ESPINUDP },
		       sizeof(int)) == 0)
		EXPECT_REFUSED(&self->nl, -EBUSY, encap_sock(&self->nl, fd));
	else
		TH_LOG("no XFRM UDP_ENCAP here (%s): not tried", strerror(errno));
	close(fd);
	/* Then ours, once; a second time is busy. */
	EXPECT_EQ(0, encap_sock(&self->nl, self->esock));
	EXPECT_REFUSED(&self->nl, -EBUSY, encap_sock(&self->nl, self->esock));
	/* IPv6 works too. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	{
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
					  .sin6_port = htons(4500) };

		ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a, sizeof(a)));
	}
	EXPECT_EQ(0, encap_sock(&self->nl, fd));
	close(fd);
}

TEST_F(encap, sa_new_checks_encap_ports)
{
	struct esa r = lo_sa(0x300, KESP_DIR_OUT, 4500, 0);
	struct sa_seen s;

	EXPECT_REFUSED(&self->nl, -EINVAL, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.sport = 0;
	r.dport = 4500;
	EXPECT_REFUSED(&self->nl, -EINVAL, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.sport = -1;		/* port 0 */
	EXPECT_REFUSED(&self->nl, -EINVAL, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.sport = 4500;
	r.new_src = "127.0.0.9";
	EXPECT_REFUSED(&self->nl, -EINVAL, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.new_src = NULL;
	r.sport = 4501;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	ASSERT_EQ(0, sa_get(&self->nl, r, &s));
	EXPECT_EQ(4501, s.sport);
	EXPECT_EQ(4500, s.dport);
}

TEST_F(encap, keepalive_ike_and_malformed_datagrams)
{
	static const uint8_t ff = 0xff;
	uint8_t ike[4 + 28 + 8], esp[40], buf[128];
	uint64_t ka, bad, nosa;
	ssize_t n;
	int i;

	ASSERT_EQ(0, encap_sock(&self->nl, self->esock));
	ka = stat(&self->nl, KESP_STAT_IN_UDP_KEEPALIVE);
	bad = stat(&self->nl, KESP_STAT_IN_UDP_MALFORMED);
	nosa = stat(&self->nl, KESP_STAT_IN_NO_SA);
	/* Keepalives: absorbed, counted, never seen by the socket. */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, send_to(self->sender, LO, 4500, &ff, 1));
	/* IKE behind the non-ESP marker: to the socket, bytes intact. */
	memset(ike, 0, 4);
	for (i = 4; i < (int)sizeof(ike); i++)
		ike[i] = (uint8_t)(i * 7 + 1);
	EXPECT_EQ((int)sizeof(ike), send_to(self->sender, LO, 4500, ike,
					    sizeof(ike)));
	n = recv_within(self->esock, buf, sizeof(buf), 1000);
	EXPECT_EQ((ssize_t)sizeof(ike), n);
	EXPECT_EQ(0, memcmp(buf, ike, sizeof(ike)));
	/* Malformed: 1 byte not 0xff, 5 bytes, a marker with too little. */
	EXPECT_EQ(1, send_to(self->sender, LO, 4500, "\x01", 1));
	EXPECT_EQ(5, send_to(self->sender, LO, 4500, "abcde", 5));
	EXPECT_EQ(14, send_to(self->sender, LO, 4500,
			      "\0\0\0\0short-ike", 14));
	/* ESP for no SA: kesp's, counted as such. */
	memset(esp, 0x11, sizeof(esp));
	EXPECT_EQ((int)sizeof(esp), send_to(self->sender, LO, 4500, esp,
					    sizeof(esp)));
	/* None of those reach the socket. */
	EXPECT_EQ(-1, recv_within(self->esock, buf, sizeof(buf), 300));
	EXPECT_EQ(ka + 3, stat(&self->nl, KESP_STAT_IN_UDP_KEEPALIVE));
	EXPECT_EQ(bad + 3, stat(&self->nl, KESP_STAT_IN_UDP_MALFORMED));
	EXPECT_EQ(nosa + 1, stat(&self->nl, KESP_STAT_IN_NO_SA));
}

TEST_F(encap, esp_in_udp_round_trip_and_mapping)
{
	struct esa out = lo_sa(0x100, KESP_DIR_OUT, 4501, 4500);
	struct esa in = lo_sa(0x100, KESP_DIR_IN, 4501, 4500);
	struct sa_seen s;
	struct mapping m;

	ASSERT_EQ(0, encap_sock(&self->nl, self->esock));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, out));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, in));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_NEW, 0,
				     build_policy, NULL, NULL));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_NEW, 0,
				     build_policy, NULL, "in"));
	/* Out as ESP in UDP from 4501, in through the socket on 4500. */
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "one"));
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "two"));
	ASSERT_EQ(0, sa_get(&self->nl, in, &s));
	EXPECT_EQ(2, s.packets);
	m = mappings(&self->ev, 300);
	EXPECT_EQ(0, m.count);

	/* The SA expects the peer on 4999: packets pass, MAPPING says so. */
	in.only_key = 1;
	in.sport = 4999;
	in.dport = 0;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, in));
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "three"));
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "four"));
	m = mappings(&self->ev, 500);
	EXPECT_EQ(1, m.count);		/* once a second at most */
	EXPECT_EQ(0x100, m.spi);
	EXPECT_EQ(4501, m.sport);
	EXPECT_STREQ(LO, m.src);
	/* The kernel did not move the SA itself. */
	ASSERT_EQ(0, sa_get(&self->nl, in, &s));
	EXPECT_EQ(4999, s.sport);

	/* Moved back by the "daemon": quiet again. */
	in.sport = 4501;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, in));
	sleep(1);
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "five"));
	EXPECT_EQ(0, mappings(&self->ev, 300).count);

	/* The sender's NAT moves: the outbound SA now leaves from 4502. */
	out.only_key = 1;
	out.sport = 4502;
	out.dport = 0;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, out));
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "six"));
	m = mappings(&self->ev, 500);
	EXPECT_EQ(1, m.count);
	EXPECT_EQ(4502, m.sport);
	ASSERT_EQ(0, sa_get(&self->nl, out, &s));
	EXPECT_EQ(6, s.seq);		/* the sequence went on */
}

TEST_F(encap, esp_in_udp_to_a_plain_sa_or_another_port_is_a_mismatch)
{
	struct esa out = lo_sa(0x110, KESP_DIR_OUT, 4501, 4500);
	struct esa in = lo_sa(0x110, KESP_DIR_IN, 0, 0);
	struct sa_seen s;
	uint64_t mis;
	int other;

	ASSERT_EQ(0, encap_sock(&self->nl, self->esock));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, out));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, in));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_NEW, 0,
				     build_policy, NULL, NULL));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_POLICY_NEW, 0,
				     build_policy, NULL, "in"));
	mis = stat(&self->nl, KESP_STAT_IN_ENCAP_MISMATCH);
	EXPECT_FALSE(through(_metadata, self->sender, self->inner, "!plain"));
	EXPECT_EQ(mis + 1, stat(&self->nl, KESP_STAT_IN_ENCAP_MISMATCH));
	ASSERT_EQ(0, sa_get(&self->nl, in, &s));
	EXPECT_EQ(1, s.errors[KESP_STAT_IN_ENCAP_MISMATCH]);

	/* An SA with encapsulation, but the packet came to port 4600. */
	in.only_key = 1;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_DEL, in));
	in = lo_sa(0x110, KESP_DIR_IN, 4501, 4500);
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, in));
	other = udp_bound(LO, 4600);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, encap_sock(&self->nl, other));
	out.only_key = 1;
	out.sport = 0;
	out.dport = 4600;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, out));
	EXPECT_FALSE(through(_metadata, self->sender, self->inner, "!port"));
	EXPECT_EQ(mis + 2, stat(&self->nl, KESP_STAT_IN_ENCAP_MISMATCH));
	/* Back to 4500: through. */
	out.dport = 4500;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, out));
	EXPECT_TRUE(through(_metadata, self->sender, self->inner, "ok"));
	close(other);
}

TEST_F(encap, sa_update_moves_endpoints_of_encapsulated_sas_only)
{
	struct esa a = lo_sa(0x200, KESP_DIR_OUT, 4500, 4500);
	struct esa b = lo_sa(0x200, KESP_DIR_OUT, 4500, 4500);
	struct esa plain = lo_sa(0x201, KESP_DIR_OUT, 0, 0);
	struct sa_seen s;

	a.dst = "10.0.0.1";
	a.seq = 1000;
	b.dst = "10.0.0.2";
	plain.dst = "10.0.0.1";
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, a));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, b));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, plain));
	a.only_key = 1;
	a.seq = -1;
	a.sport = a.dport = 0;
	plain.only_key = 1;
	plain.new_dst = "10.0.0.9";
	EXPECT_REFUSED(&self->nl, -EINVAL,
		       sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, plain));
	a.new_dst = "10.0.0.2";		/* b's place */
	EXPECT_REFUSED(&self->nl, -EEXIST,
		       sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, a));
	a.new_dst = "10.0.0.3";
	a.new_src = "192.0.2.7";
	a.sport = 40001;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, a));
	a.new_dst = a.new_src = NULL;
	a.sport = 0;
	EXPECT_EQ(-ENOENT, sa_get(&self->nl, a, &s));
	a.dst = "10.0.0.3";
	ASSERT_EQ(0, sa_get(&self->nl, a, &s));
	EXPECT_STREQ("10.0.0.3", s.dst);
	EXPECT_STREQ("192.0.2.7", s.src);
	EXPECT_EQ(40001, s.sport);
	EXPECT_EQ(4500, s.dport);
	EXPECT_EQ(1000, s.seq);
	/* Port 0 is refused here too. */
	a.dport = -1;
	EXPECT_REFUSED(&self->nl, -EINVAL,
		       sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, a));
}

TEST_F(encap, closed_socket_is_forgotten)
{
	int fd;

	ASSERT_EQ(0, encap_sock(&self->nl, self->esock));
	close(self->esock);
	/* The port is free and a new socket on it is plain UDP again. */
	fd = udp_bound(LO, 4500);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, send_to(self->sender, LO, 4500, "\xff", 1));
	EXPECT_EQ(1, recv_within(fd, (char[4]){ 0 }, 4, 1000));
	EXPECT_EQ(0, encap_sock(&self->nl, fd));
	self->esock = fd;
}

KTEST_HARNESS_MAIN
