// SPDX-License-Identifier: GPL-2.0
// budget: 10
/*
 * Runs in the guest against kesp.ko: SA commands install, find, list,
 * update and delete SAs, accept every transform the module offers, and
 * refuse every malformed request with an errno and an extack message.
 */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/nl.h"

/* What one request puts in KESP_A_SA; fields at 0 / -1 are left out. */
struct sa_req {
	uint32_t spi;
	int dir, mode;
	int family;
	const char *src, *dst;
	int enc;
	int keylen;		/* -1: no key attribute */
	int integ;
	int ikeylen;
	int64_t replay;		/* -1: absent */
	uint32_t flags;
	int64_t soft_bytes, hard_bytes;
	int64_t seq;
	int sel_plen;		/* >= 0: add a selector 10.1.0.0/plen */
	const char *sel_dst;
	int omit;		/* a KESP_SA_A_* type to leave out */
	int only_key;		/* SPI, DIR, FAMILY, DST (+LIFETIME, SEQ) */
};

static struct sa_req gcm_out(uint32_t spi)
{
	struct sa_req r = {
		.spi = spi, .dir = KESP_DIR_OUT, .mode = KESP_MODE_TUNNEL,
		.family = AF_INET, .src = "192.0.2.1", .dst = "192.0.2.2",
		.enc = KESP_ENC_AES_GCM_16, .keylen = 20, .replay = -1,
		.soft_bytes = -1, .hard_bytes = -1, .seq = -1, .sel_plen = -1,
	};
	return r;
}

static int put_addr(struct nl_msg *m, int type, int family, const char *s)
{
	unsigned char buf[16];

	if (inet_pton(family, s, buf) != 1)
		return -EINVAL;
	return nla_put(m, type, family == AF_INET ? 4 : 16, buf);
}

static int build_sa(struct nl_msg *m, void *arg)
{
	const struct sa_req *r = arg;
	unsigned char key[64];
	struct nlattr *sa, *n;

	memset(key, 0x5a, sizeof(key));
	sa = nla_nest_start(m, KESP_A_SA);
#define PUT(type, expr) do { if (r->omit != (type)) { expr; } } while (0)
	PUT(KESP_SA_A_SPI, nla_put_u32(m, KESP_SA_A_SPI, r->spi));
	PUT(KESP_SA_A_DIR, nla_put_u8(m, KESP_SA_A_DIR, r->dir));
	PUT(KESP_SA_A_FAMILY, nla_put_u16(m, KESP_SA_A_FAMILY, r->family));
	PUT(KESP_SA_A_DST, put_addr(m, KESP_SA_A_DST, r->family, r->dst));
	if (r->seq >= 0)
		nla_put_u64(m, KESP_SA_A_SEQ, r->seq);
	if (r->soft_bytes >= 0 || r->hard_bytes >= 0) {
		n = nla_nest_start(m, KESP_SA_A_LIFETIME);
		if (r->soft_bytes >= 0)
			nla_put_u64(m, KESP_LFT_A_SOFT_BYTES, r->soft_bytes);
		if (r->hard_bytes >= 0)
			nla_put_u64(m, KESP_LFT_A_HARD_BYTES, r->hard_bytes);
		nla_nest_end(m, n);
	}
	if (r->only_key)
		goto out;
	PUT(KESP_SA_A_MODE, nla_put_u8(m, KESP_SA_A_MODE, r->mode));
	PUT(KESP_SA_A_SRC, put_addr(m, KESP_SA_A_SRC, r->family, r->src));
	PUT(KESP_SA_A_ENC, nla_put_u16(m, KESP_SA_A_ENC, r->enc));
	if (r->keylen >= 0)
		nla_put(m, KESP_SA_A_ENC_KEY, r->keylen, key);
	if (r->integ) {
		nla_put_u16(m, KESP_SA_A_INTEG, r->integ);
		nla_put(m, KESP_SA_A_INTEG_KEY, r->ikeylen, key);
	}
	if (r->replay >= 0)
		nla_put_u32(m, KESP_SA_A_REPLAY_WINDOW, r->replay);
	if (r->flags)
		nla_put_u32(m, KESP_SA_A_FLAGS, r->flags);
	if (r->sel_plen >= 0) {
		n = nla_nest_start(m, KESP_SA_A_SEL);
		nla_put_u16(m, KESP_SEL_A_FAMILY, AF_INET);
		put_addr(m, KESP_SEL_A_DST, AF_INET,
			 r->sel_dst ? r->sel_dst : "10.1.0.0");
		nla_put_u8(m, KESP_SEL_A_DST_PLEN, r->sel_plen);
		nla_nest_end(m, n);
	}
#undef PUT
out:
	nla_nest_end(m, sa);
	return 0;
}

struct sa_seen {
	int count;
	uint32_t spi;
	uint64_t seq;
	uint64_t hard_bytes;
	int has_key;
};

static int parse_sa(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *sa[KESP_SA_A_MAX + 1];
	struct nlattr *lft[KESP_LFT_A_MAX + 1];
	struct sa_seen *s = arg;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 || !tb[KESP_A_SA])
		return -EPROTO;
	if (nla_parse_nested(sa, KESP_SA_A_MAX, tb[KESP_A_SA], NULL) < 0)
		return -EPROTO;
	s->count++;
	if (sa[KESP_SA_A_SPI])
		s->spi = nla_get_u32(sa[KESP_SA_A_SPI]);
	if (sa[KESP_SA_A_SEQ])
		s->seq = nla_get_u64(sa[KESP_SA_A_SEQ]);
	if (sa[KESP_SA_A_ENC_KEY] || sa[KESP_SA_A_INTEG_KEY])
		s->has_key = 1;
	if (sa[KESP_SA_A_LIFETIME] &&
	    nla_parse_nested(lft, KESP_LFT_A_MAX, sa[KESP_SA_A_LIFETIME],
			     NULL) >= 0 && lft[KESP_LFT_A_HARD_BYTES])
		s->hard_bytes = nla_get_u64(lft[KESP_LFT_A_HARD_BYTES]);
	return 0;
}

FIXTURE(sa) {
	struct kesp_nl nl;
};

FIXTURE_SETUP(sa)
{
	ASSERT_EQ(0, kesp_nl_open(&self->nl));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_SA_FLUSH, 0, NULL,
				     NULL, NULL));
}

FIXTURE_TEARDOWN(sa)
{
	kesp_nl_request(&self->nl, KESP_CMD_SA_FLUSH, 0, NULL, NULL, NULL);
	kesp_nl_close(&self->nl);
}

static int sa_cmd(struct kesp_nl *nl, int cmd, struct sa_req r)
{
	return kesp_nl_request(nl, cmd, 0, build_sa, NULL, &r);
}

static int sa_count(struct kesp_nl *nl)
{
	struct sa_seen s = { 0 };

	if (kesp_nl_request(nl, KESP_CMD_SA_GET, 1, NULL, parse_sa, &s))
		return -1;
	return s.count;
}

/* The request must fail with @err, and the kernel must say why. */
#define EXPECT_REFUSED(nl, err, cmd, req) do {				\
	EXPECT_EQ(err, sa_cmd(nl, cmd, req));				\
	EXPECT_NE(0, (nl)->last.msg[0]);				\
	TH_LOG("refused as expected: %s%s%s", (nl)->last.msg,		\
	       (nl)->last.where[0] ? ", " : "", (nl)->last.where);	\
} while (0)

TEST_F(sa, add_get_dump_del)
{
	struct sa_req r = gcm_out(0x1000);
	struct sa_seen s = { 0 };

	r.hard_bytes = 1 << 20;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.only_key = 1;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_GET, r));
	r.only_key = 0;
	EXPECT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_SA_GET, 1, NULL,
				     parse_sa, &s));
	EXPECT_EQ(1, s.count);
	EXPECT_EQ(0x1000, s.spi);
	EXPECT_EQ(1 << 20, s.hard_bytes);
	EXPECT_EQ(0, s.has_key);
	EXPECT_REFUSED(&self->nl, -EEXIST, KESP_CMD_SA_NEW, r);
	r.only_key = 1;
	EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_DEL, r));
	EXPECT_EQ(-ENOENT, sa_cmd(&self->nl, KESP_CMD_SA_GET, r));
	EXPECT_EQ(-ENOENT, sa_cmd(&self->nl, KESP_CMD_SA_DEL, r));
	EXPECT_EQ(0, sa_count(&self->nl));
}

TEST_F(sa, same_spi_other_direction_or_peer_is_another_sa)
{
	struct sa_req r = gcm_out(0x2000);

	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.dir = KESP_DIR_IN;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r.dst = "192.0.2.3";
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	EXPECT_EQ(3, sa_count(&self->nl));
}

TEST_F(sa, every_transform_installs)
{
	static const struct { int enc, keylen, integ, ikeylen; } t[] = {
		{ KESP_ENC_AES_GCM_16, 20, 0, 0 },
		{ KESP_ENC_AES_GCM_16, 28, 0, 0 },
		{ KESP_ENC_AES_GCM_16, 36, 0, 0 },
		{ KESP_ENC_AES_CCM_16, 19, 0, 0 },
		{ KESP_ENC_AES_CCM_16, 35, 0, 0 },
		{ KESP_ENC_CHACHA20_POLY1305, 36, 0, 0 },
		{ KESP_ENC_AES_CBC, 16, KESP_INTEG_HMAC_SHA1_96, 20 },
		{ KESP_ENC_AES_CBC, 24, KESP_INTEG_HMAC_SHA2_256_128, 32 },
		{ KESP_ENC_AES_CBC, 32, KESP_INTEG_HMAC_SHA2_384_192, 48 },
		{ KESP_ENC_AES_CBC, 32, KESP_INTEG_HMAC_SHA2_512_256, 64 },
		{ KESP_ENC_AES_CBC, 16, KESP_INTEG_HMAC_MD5_96, 16 },
		{ KESP_ENC_3DES_CBC, 24, KESP_INTEG_HMAC_SHA1_96, 20 },
		{ KESP_ENC_NULL, 0, KESP_INTEG_HMAC_SHA2_256_128, 32 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sa_req r = gcm_out(0x3000 + i);

		r.enc = t[i].enc;
		r.keylen = t[i].keylen;
		r.integ = t[i].integ;
		r.ikeylen = t[i].ikeylen;
		EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r)) {
			TH_LOG("transform %d/%d: %s", t[i].enc, t[i].integ,
			       self->nl.last.msg);
		}
		r.flags = KESP_SA_F_ESN;
		r.spi += 0x100;
		EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r)) {
			TH_LOG("ESN transform %d/%d: %s", t[i].enc,
			       t[i].integ, self->nl.last.msg);
		}
	}
}

TEST_F(sa, malformed_requests_refused)
{
	struct sa_req r;

	r = gcm_out(0x4000);
	r.omit = KESP_SA_A_SPI;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	EXPECT_NE(0, self->nl.last.where[0]);
	r = gcm_out(0x4000);
	r.omit = KESP_SA_A_ENC;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	/* Policy range checks answer -ERANGE, as everywhere in netlink. */
	r = gcm_out(0);				/* SPI 0 is never valid */
	EXPECT_REFUSED(&self->nl, -ERANGE, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.keylen = 16;				/* GCM without its salt */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.enc = 99;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.integ = KESP_INTEG_HMAC_SHA1_96;	/* AEAD with integrity */
	r.ikeylen = 20;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.enc = KESP_ENC_AES_CBC;		/* CBC without integrity */
	r.keylen = 16;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r.integ = KESP_INTEG_HMAC_SHA2_256_128;	/* short integrity key */
	r.ikeylen = 20;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.flags = 1U << 7;			/* unknown flag */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.dir = KESP_DIR_IN;
	r.replay = 5000;			/* window above 4096 */
	EXPECT_REFUSED(&self->nl, -ERANGE, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.replay = 64;				/* window on an outbound SA */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.dir = 7;
	EXPECT_REFUSED(&self->nl, -ERANGE, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.family = 99;
	r.dst = r.src = "192.0.2.1";
	EXPECT_NE(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	r = gcm_out(0x4000);
	r.sel_plen = 8;				/* 10.1.0.0/8: host bits */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r.sel_plen = 33;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	r = gcm_out(0x4000);
	r.soft_bytes = 2000;
	r.hard_bytes = 1000;
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_NEW, r);
	EXPECT_EQ(0, sa_count(&self->nl));
}

static int put_v4_in_v6(struct nl_msg *m, void *arg)
{
	struct nlattr *sa = nla_nest_start(m, KESP_A_SA);
	unsigned char a[4] = { 192, 0, 2, 1 };

	(void)arg;
	nla_put_u32(m, KESP_SA_A_SPI, 0x4100);
	nla_put_u8(m, KESP_SA_A_DIR, KESP_DIR_OUT);
	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET6);
	nla_put(m, KESP_SA_A_DST, sizeof(a), a);
	nla_nest_end(m, sa);
	return 0;
}

TEST_F(sa, address_length_must_match_family)
{
	EXPECT_EQ(-EINVAL, kesp_nl_request(&self->nl, KESP_CMD_SA_GET, 0,
					   put_v4_in_v6, NULL, NULL));
	TH_LOG("extack: %s", self->nl.last.msg);
	EXPECT_NE(0, self->nl.last.msg[0]);
}

TEST_F(sa, update_changes_lifetime_and_seq_only)
{
	struct sa_req r = gcm_out(0x5000), u;
	struct sa_seen s = { 0 };

	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	u = r;
	u.only_key = 1;
	u.hard_bytes = 5000;
	u.seq = 100;
	EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_UPDATE, u));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_SA_GET, 1, NULL,
				     parse_sa, &s));
	EXPECT_EQ(1, s.count);
	EXPECT_EQ(5000, s.hard_bytes);
	EXPECT_EQ(100, s.seq);
	/* A full request carries MODE, SRC, ENC...: not for UPDATE. */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_UPDATE, r);
	u.only_key = 1;
	u.dir = KESP_DIR_IN;
	u.seq = 5;
	r.dir = KESP_DIR_IN;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_UPDATE, u);
}

static int put_spi_alloc(struct nl_msg *m, void *arg)
{
	struct nlattr *sa = nla_nest_start(m, KESP_A_SA);
	const uint32_t *range = arg;

	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET);
	put_addr(m, KESP_SA_A_DST, AF_INET, "192.0.2.2");
	nla_put_u32(m, KESP_SA_A_SPI_MIN, range[0]);
	nla_put_u32(m, KESP_SA_A_SPI_MAX, range[1]);
	nla_nest_end(m, sa);
	return 0;
}

struct spi_req {
	uint32_t range[2];	/* first: put_spi_alloc reads it */
	struct sa_seen got;
};

static int parse_spi(struct nlmsghdr *nlh, void *arg)
{
	return parse_sa(nlh, &((struct spi_req *)arg)->got);
}

static int spi_alloc(struct kesp_nl *nl, struct spi_req *q)
{
	memset(&q->got, 0, sizeof(q->got));
	return kesp_nl_request(nl, KESP_CMD_SPI_ALLOC, 0, put_spi_alloc,
			       parse_spi, q);
}

TEST_F(sa, spi_alloc_unique_in_range)
{
	struct spi_req q = { .range = { 0x7000, 0x7003 } };
	struct sa_req r = gcm_out(0);
	uint32_t seen[4];
	int i, k;

	/* Four SPIs in the range: four distinct ones, then none. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, spi_alloc(&self->nl, &q));
		seen[i] = q.got.spi;
		EXPECT_GE(seen[i], 0x7000);
		EXPECT_LE(seen[i], 0x7003);
		for (k = 0; k < i; k++)
			EXPECT_NE(seen[k], seen[i]);
	}
	EXPECT_EQ(-EAGAIN, spi_alloc(&self->nl, &q));
	/* A reserved SPI takes its inbound SA. */
	r.spi = seen[0];
	r.dir = KESP_DIR_IN;
	EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	q.range[0] = 10;	/* 1-255 are reserved by RFC 4303 */
	EXPECT_EQ(-EINVAL, spi_alloc(&self->nl, &q));
}

static int put_flush_in(struct nl_msg *m, void *arg)
{
	struct nlattr *sa = nla_nest_start(m, KESP_A_SA);

	(void)arg;
	nla_put_u8(m, KESP_SA_A_DIR, KESP_DIR_IN);
	nla_nest_end(m, sa);
	return 0;
}

TEST_F(sa, flush_by_direction)
{
	struct sa_req out = gcm_out(0x6000), in = gcm_out(0x6001);

	in.dir = KESP_DIR_IN;
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, out));
	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, in));
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_SA_FLUSH, 0,
				     put_flush_in, NULL, NULL));
	EXPECT_EQ(1, sa_count(&self->nl));
	out.only_key = 1;
	EXPECT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_GET, out));
	/* FLUSH takes nothing but DIR. */
	EXPECT_REFUSED(&self->nl, -EINVAL, KESP_CMD_SA_FLUSH, out);
}

TEST_F(sa, namespaces_do_not_see_each_other)
{
	struct sa_req r = gcm_out(0x8000);
	pid_t pid;
	int status;

	ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct kesp_nl nl;
		struct sa_req o = gcm_out(0x8000);

		if (unshare(CLONE_NEWNET) || kesp_nl_open(&nl))
			_exit(10);
		if (sa_count(&nl) != 0)
			_exit(11);
		o.only_key = 1;
		if (sa_cmd(&nl, KESP_CMD_SA_DEL, o) != -ENOENT)
			_exit(12);
		o.only_key = 0;
		if (sa_cmd(&nl, KESP_CMD_SA_NEW, o))	/* same SPI: own SAD */
			_exit(13);
		_exit(sa_count(&nl) == 1 ? 0 : 14);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, sa_count(&self->nl));
}

TEST_F(sa, dump_of_10000_sas_is_complete)
{
	struct sa_seen s = { 0 };
	int i, n = 10000;

	for (i = 0; i < n; i++) {
		struct sa_req r = gcm_out(0x100000 + i);

		ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r)) {
			TH_LOG("SA %d: %s", i, self->nl.last.msg);
		}
	}
	ASSERT_EQ(0, kesp_nl_request(&self->nl, KESP_CMD_SA_GET, 1, NULL,
				     parse_sa, &s));
	EXPECT_EQ(n, s.count);
}

/* Active objects of the kesp_sa slab cache, -1 if there is no such cache. */
static long sa_objects(void)
{
	char line[512], name[64];
	long active = -1, n;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &n) == 2 &&
		    !strcmp(name, "kesp_sa"))
			active = n;
	fclose(f);
	return active;
}

/*
 * SLUB's active_objs also counts free objects in per-CPU slabs, so it is
 * an upper bound, not an exact count. Exact leak detection comes from the
 * unload: kmem_cache_destroy() WARNs if any kesp_sa object is left, and
 * the VM runner fails the run on that WARNING.
 */
TEST_F(sa, unload_with_sas_frees_them)
{
	int i;

	/* The guest boots with slub_nomerge, so kesp_sa is its own line. */
	for (i = 0; i < 100; i++) {
		struct sa_req r = gcm_out(0x9000 + i);

		ASSERT_EQ(0, sa_cmd(&self->nl, KESP_CMD_SA_NEW, r));
	}
	EXPECT_GE(sa_objects(), 100);
	kesp_nl_close(&self->nl);
	ASSERT_EQ(0, system("rmmod kesp"));
	EXPECT_EQ(-1, sa_objects());
	ASSERT_EQ(0, system("modprobe kesp"));
	ASSERT_EQ(0, kesp_nl_open(&self->nl));
	EXPECT_EQ(0, sa_count(&self->nl));
}

KTEST_HARNESS_MAIN
