// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of kespctl's sa, spi and policy argument parsers, hex key
 * reading and output helpers, without a kernel: the parsers are called
 * directly and the structs they fill are checked.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "kespctl/args.h"
#include "kespctl/key.h"
#include "kespctl/table.h"
#include "kespctl/kespctl.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])))

static int sa_add(struct kespctl_sa_args *a, char *err, size_t len, int argc,
		  char **argv)
{
	err[0] = '\0';
	return kespctl_sa_parse_add(argc, argv, a, err, len);
}

static int pol_add(struct kespctl_policy_args *a, char *err, size_t len,
		   int argc, char **argv)
{
	err[0] = '\0';
	return kespctl_policy_parse_add(argc, argv, a, err, len);
}

static int is_addr(const struct kesp_addr *a, int family, const char *s)
{
	uint8_t b[16] = { 0 };

	return a->family == family && inet_pton(family, s, b) == 1 &&
	       !memcmp(a->bytes, b, kesp_addr_len(family));
}

/* A key file in the test's temporary directory; returns its path. */
static void key_file(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "/tmp/kesp-test-key-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		path[0] = '\0';
	close(fd);
}

TEST(numbers)
{
	char err[64];
	uint64_t v;
	uint32_t w;

	ASSERT_EQ(0, kespctl_parse_u64("0x1000", &v, err, sizeof(err)));
	EXPECT_EQ(0x1000, v);
	/* A leading zero is decimal, never octal. */
	ASSERT_EQ(0, kespctl_parse_u64("010", &v, err, sizeof(err)));
	EXPECT_EQ(10, v);
	ASSERT_EQ(0, kespctl_parse_u64("18446744073709551615", &v, err,
				       sizeof(err)));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("18446744073709551616", &v, err,
					     sizeof(err)));
	EXPECT_STREQ("too large", err);
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("0x", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("-1", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("12k", &v, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kespctl_parse_u64("0x1g", &v, err, sizeof(err)));
	EXPECT_STREQ("not a number", err);
	EXPECT_EQ(-EINVAL, kespctl_parse_u32("4097", 0, 4096, &w, err,
					     sizeof(err)));
	EXPECT_STREQ("out of range", err);
	EXPECT_EQ(-EINVAL, kespctl_parse_u32("0x100000000", 0, UINT32_MAX, &w,
					     err, sizeof(err)));
}

TEST(sa_add_full)
{
	char *argv[] = {
		"spi", "0x1000", "dir", "out", "mode", "tunnel",
		"src", "192.0.2.1", "dst", "192.0.2.2", "enc", "aes-cbc",
		"keyfile", "/k1", "integ", "hmac-sha256",
		"integkeyfile", "/k2",
		"sel", "src", "10.1.0.0/24", "dst", "10.2.0.0/24", "proto", "tcp",
		"sport", "1-1024", "dport", "80",
		"esn", "reqid", "5", "soft-bytes", "1000", "hard-bytes", "2000",
		"soft-packets", "10", "hard-packets", "20",
		"soft-add-secs", "30", "hard-add-secs", "40",
		"soft-use-secs", "50", "hard-use-secs", "60", "seq", "99",
	};
	struct kespctl_sa_args a;
	const struct kesp_sa *sa = &a.sa;
	char err[256];

	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(0x1000, sa->spi);
	EXPECT_EQ(KESP_DIR_OUT, sa->dir);
	EXPECT_EQ(KESP_MODE_TUNNEL, sa->mode);
	EXPECT_EQ(AF_INET, sa->family);
	EXPECT_TRUE(is_addr(&sa->src, AF_INET, "192.0.2.1"));
	EXPECT_TRUE(is_addr(&sa->dst, AF_INET, "192.0.2.2"));
	EXPECT_EQ(KESP_ENC_AES_CBC, sa->enc);
	EXPECT_EQ(KESP_INTEG_HMAC_SHA2_256_128, sa->integ);
	EXPECT_STREQ("/k1", a.keyfile);
	EXPECT_STREQ("/k2", a.integkeyfile);
	EXPECT_EQ(AF_INET, sa->sel.family);
	EXPECT_TRUE(is_addr(&sa->sel.src.addr, AF_INET, "10.1.0.0"));
	EXPECT_EQ(24, sa->sel.src.plen);
	EXPECT_TRUE(is_addr(&sa->sel.dst.addr, AF_INET, "10.2.0.0"));
	EXPECT_EQ(6, sa->sel.proto);
	EXPECT_EQ(1, sa->sel.sport.min);
	EXPECT_EQ(1024, sa->sel.sport.max);
	EXPECT_EQ(80, sa->sel.dport.min);
	EXPECT_EQ(80, sa->sel.dport.max);
	EXPECT_EQ(KESP_SA_F_ESN, sa->flags);
	EXPECT_EQ(5, sa->reqid);
	EXPECT_EQ(1000, sa->lft[KESP_LFT_A_SOFT_BYTES]);
	EXPECT_EQ(2000, sa->lft[KESP_LFT_A_HARD_BYTES]);
	EXPECT_EQ(10, sa->lft[KESP_LFT_A_SOFT_PACKETS]);
	EXPECT_EQ(20, sa->lft[KESP_LFT_A_HARD_PACKETS]);
	EXPECT_EQ(30, sa->lft[KESP_LFT_A_SOFT_ADD_SECS]);
	EXPECT_EQ(40, sa->lft[KESP_LFT_A_HARD_ADD_SECS]);
	EXPECT_EQ(50, sa->lft[KESP_LFT_A_SOFT_USE_SECS]);
	EXPECT_EQ(60, sa->lft[KESP_LFT_A_HARD_USE_SECS]);
	EXPECT_EQ(99, sa->seq);
	/* Keys are not read yet, so not present; everything else is. */
	EXPECT_EQ(KESP_SA_SEND_NEW & ~(KESP_BIT(KESP_SA_A_ENC_KEY) |
				       KESP_BIT(KESP_SA_A_INTEG_KEY) |
				       KESP_BIT(KESP_SA_A_REPLAY_WINDOW) |
				       KESP_BIT(KESP_SA_A_ENCAP_SPORT) |
				       KESP_BIT(KESP_SA_A_ENCAP_DPORT)),
		  sa->present);
}

TEST(sa_add_minimal_aead_inbound_ipv6)
{
	char *argv[] = {
		"dst", "2001:db8::2", "spi", "4096", "src", "2001:db8::1",
		"mode", "transport", "enc", "aes256gcm16", "keyfile", "-",
		"dir", "in", "replay-window", "0",
	};
	struct kespctl_sa_args a;
	char err[256];

	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(AF_INET6, a.sa.family);
	EXPECT_EQ(KESP_DIR_IN, a.sa.dir);
	EXPECT_EQ(KESP_MODE_TRANSPORT, a.sa.mode);
	EXPECT_EQ(KESP_ENC_AES_GCM_16, a.sa.enc);
	EXPECT_EQ(32, a.enc_key_len);
	EXPECT_EQ(0, a.sa.replay_window);
	EXPECT_TRUE(a.sa.present & KESP_BIT(KESP_SA_A_REPLAY_WINDOW));
	EXPECT_FALSE(a.sa.present & KESP_BIT(KESP_SA_A_SEL));
	EXPECT_FALSE(a.sa.present & KESP_BIT(KESP_SA_A_INTEG));
	EXPECT_FALSE(a.sa.present & KESP_BIT(KESP_SA_A_LIFETIME));
}

/* Each bad command line and the message that must name its problem. */
TEST(sa_add_errors_name_the_word)
{
	static const struct {
		const char *args;
		const char *err;
	} cases[] = {
		{ "spi 0 dir out",
		  "spi \"0\": out of range (expected an SPI, 1 to 0xffffffff)" },
		{ "spi 0x1000 dir fwd",
		  "dir \"fwd\": SAs have no fwd direction; fwd is for policies (expected in or out)" },
		{ "spi 1 spi 2", "\"spi\" given twice" },
		{ "spi", "\"spi\" needs a value: an SPI, 1 to 0xffffffff" },
		{ "spi 1 frob 2",
		  "unexpected \"frob\" (expected one of: dir spi dst mode src enc keyfile integ integkeyfile sel replay-window esn reqid soft-bytes hard-bytes soft-packets hard-packets soft-add-secs hard-add-secs soft-use-secs hard-use-secs seq)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 enc aes-gcm-16 keyfile /k",
		  "missing \"dst\" (expected the IPv4 or IPv6 address the SA's packets go to)" },
		{ "spi 1 dir out dst 192.0.2.2 src 192.0.2.1 enc aes-gcm-16 keyfile /k",
		  "missing \"mode\" (expected tunnel or transport)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 2001:db8::2 enc aes-gcm-16 keyfile /k",
		  "src is IPv4 but dst is IPv6" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1/32 dst 192.0.2.2",
		  "src \"192.0.2.1/32\": a prefix where an address is needed (expected the IPv4 or IPv6 address the SA's packets come from)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16",
		  "missing \"keyfile\" (expected a file holding the key in hex, or - for standard input)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc rot13",
		  "enc \"rot13\": not one of aes-gcm-16, aes-ccm-16, chacha20-poly1305, aes-cbc, 3des-cbc, null (expected an encryption algorithm)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k integ sha1 integkeyfile /k2",
		  "integ: aes-gcm-16 has its own integrity check; leave out integ and integkeyfile" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-cbc keyfile /k",
		  "missing \"integ\" (aes-cbc needs an integrity algorithm: hmac-sha256-128, hmac-sha384-192, hmac-sha512-256, hmac-sha1-96, hmac-md5-96)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-cbc keyfile /k integ sha1",
		  "missing \"integkeyfile\" (expected a file holding the key in hex, or - for standard input)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc null keyfile /k integ sha1 integkeyfile /k2",
		  "keyfile: null takes no key" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-cbc keyfile - integ sha1 integkeyfile -",
		  "integkeyfile: standard input already holds the keyfile; put one key in a file" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k replay-window 64",
		  "replay-window: only inbound SAs (dir in) have one" },
		{ "spi 1 dir in mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k seq 5",
		  "seq: only outbound SAs (dir out) send sequence numbers" },
		{ "spi 1 dir in replay-window 5000",
		  "replay-window \"5000\": out of range (expected packets, 0 (no replay check) to 4096)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k soft-packets 5 hard-packets 4",
		  "soft-packets 5 is above hard-packets 4" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel",
		  "\"sel\" must be followed by one of: src dst proto sport dport" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel esn",
		  "\"sel\" must be followed by one of: src dst proto sport dport" },
		{ "spi 1 sel src 10.1.0.1/24",
		  "src \"10.1.0.1/24\": host bits set; did you mean 10.1.0.0/24? (expected a prefix such as 10.1.0.0/24, 2001:db8::/32, an address, or any)" },
		{ "spi 1 sel dst 10.1.0.0/33",
		  "dst \"10.1.0.0/33\": prefix length longer than the 32 bits of an IPv4 address (expected a prefix such as 10.1.0.0/24, 2001:db8::/32, an address, or any)" },
		{ "spi 1 sel dst garbage",
		  "dst \"garbage\": not an IPv4 or IPv6 address (expected a prefix such as 10.1.0.0/24, 2001:db8::/32, an address, or any)" },
		{ "spi 1 sel src 10.0.0.0/8 proto tcp proto udp",
		  "\"proto\" given twice" },
		{ "spi 1 sel src 10.0.0.0/8 src 10.0.0.0/8",
		  "src \"10.0.0.0/8\": a prefix where an address is needed (expected the IPv4 or IPv6 address the SA's packets come from)" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel src 10.0.0.0/8 dst 2001:db8::/32",
		  "sel src is IPv4 but sel dst is IPv6" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel src 10.0.0.0/8 dport 80",
		  "sel dport needs sel proto: tcp, udp, sctp, icmp or ipv6-icmp" },
		{ "spi 1 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel src 10.0.0.0/8 proto gre sport 1",
		  "sel sport: sel proto gre has no ports (tcp, udp, sctp, icmp and ipv6-icmp have)" },
		{ "spi 1 dir out mode transport src 192.0.2.1 dst 192.0.2.2 enc aes-gcm-16 keyfile /k sel src 2001:db8::/32",
		  "sel: a transport mode SA between IPv4 addresses carries only IPv4 traffic" },
		{ "spi 1 sel proto 300",
		  "proto \"300\": not a protocol name (tcp, udp, icmp, ipv6-icmp, sctp, ...) or number (0 to 255) (expected a protocol: tcp, udp, icmp, ipv6-icmp, sctp, ..., any or 0-255)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *copy = strdup(cases[i].args), *argv[64], *tok, *save;
		struct kespctl_sa_args a;
		char err[512];
		int argc = 0;

		ASSERT_NE(NULL, copy);
		for (tok = strtok_r(copy, " ", &save); tok && argc < 64;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		EXPECT_EQ(KESPCTL_USAGE, sa_add(&a, err, sizeof(err), argc,
						argv)) {
			TH_LOG("accepted: %s", cases[i].args);
		}
		EXPECT_STREQ(cases[i].err, err) {
			TH_LOG("for: %s", cases[i].args);
		}
		free(copy);
	}
}

TEST(sa_words_after_sel_return_to_the_sa)
{
	char *argv[] = {
		"spi", "1", "dir", "out", "mode", "tunnel", "enc", "null",
		"integ", "sha1", "integkeyfile", "/k",
		"sel", "src", "10.1.0.0/16", "dst", "10.2.0.0/16",
		"src", "192.0.2.1", "dst", "192.0.2.2",
	};
	struct kespctl_sa_args a;
	char err[256];

	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv)) {
		TH_LOG("%s", err);
	}
	EXPECT_TRUE(is_addr(&a.sa.src, AF_INET, "192.0.2.1"));
	EXPECT_TRUE(is_addr(&a.sa.dst, AF_INET, "192.0.2.2"));
	EXPECT_TRUE(is_addr(&a.sa.sel.src.addr, AF_INET, "10.1.0.0"));
	EXPECT_EQ(16, a.sa.sel.dst.plen);
}

TEST(sa_sel_any_takes_the_sa_family)
{
	char *argv[] = {
		"spi", "1", "dir", "out", "mode", "tunnel",
		"src", "2001:db8::1", "dst", "2001:db8::2", "enc", "null",
		"integ", "sha1", "integkeyfile", "/k",
		"sel", "src", "any", "dst", "any", "proto", "ipv6-icmp",
		"sport", "128",
	};
	struct kespctl_sa_args a;
	char err[256];

	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(AF_INET6, a.sa.sel.family);
	EXPECT_EQ(AF_INET6, a.sa.sel.src.addr.family);
	EXPECT_EQ(0, a.sa.sel.src.plen);
	EXPECT_EQ(58, a.sa.sel.proto);
	EXPECT_EQ(128, a.sa.sel.sport.min);
	EXPECT_EQ(0, a.sa.sel.dport.min);
	EXPECT_EQ(65535, a.sa.sel.dport.max);
	EXPECT_EQ(NULL, a.keyfile);
}

TEST(sa_encap_words)
{
	char *add[] = { "spi", "1", "dir", "out", "dst", "192.0.2.2",
			"mode", "tunnel", "src", "192.0.2.1", "enc", "null",
			"integ", "sha256", "integkeyfile", "/k",
			"encap", "4500", "40001", "reqid", "3" };
	char *upd[] = { "spi", "1", "dir", "in", "dst", "192.0.2.2",
			"new-src", "198.51.100.1", "encap", "40002", "4500" };
	char *short_[] = { "spi", "1", "dir", "in", "dst", "192.0.2.2",
			   "encap", "4500" };
	char *zero[] = { "spi", "1", "dir", "in", "dst", "192.0.2.2",
			 "encap", "0", "4500" };
	char *v6[] = { "spi", "1", "dir", "in", "dst", "192.0.2.2",
		       "new-dst", "2001:db8::1" };
	struct kespctl_sa_args a;
	char err[512];

	ASSERT_EQ(0, kespctl_sa_parse_add(ARGC(add), add, &a, err,
					  sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(4500, a.sa.encap_sport);
	EXPECT_EQ(40001, a.sa.encap_dport);
	EXPECT_EQ(3, a.sa.reqid);
	EXPECT_TRUE(a.sa.present & KESP_BIT(KESP_SA_A_ENCAP_DPORT));
	ASSERT_EQ(0, kespctl_sa_parse_update(ARGC(upd), upd, &a, err,
					     sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(40002, a.sa.encap_sport);
	EXPECT_EQ(4500, a.sa.encap_dport);
	EXPECT_TRUE(is_addr(&a.sa.new_src, AF_INET, "198.51.100.1"));
	EXPECT_EQ(KESP_SA_SEND_ID | KESP_BIT(KESP_SA_A_NEW_SRC) |
		  KESP_BIT(KESP_SA_A_ENCAP_SPORT) |
		  KESP_BIT(KESP_SA_A_ENCAP_DPORT), a.sa.present);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_update(ARGC(short_), short_,
							 &a, err, sizeof(err)));
	EXPECT_STREQ("encap: missing destination port (expected encap SPORT DPORT)",
		     err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_update(ARGC(zero), zero, &a,
							 err, sizeof(err)));
	TH_LOG("%s", err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_update(ARGC(v6), v6, &a, err,
							 sizeof(err)));
	EXPECT_STREQ("new-src and new-dst must be IPv4 addresses, as dst is",
		     err);
}

TEST(sa_id_update_flush_alloc)
{
	char *id[] = { "spi", "0xc0ffee", "dir", "in", "dst", "192.0.2.1" };
	char *upd[] = { "spi", "7", "dir", "out", "dst", "192.0.2.2",
			"hard-bytes", "0", "seq", "0xfffffff0" };
	char *upd_none[] = { "spi", "7", "dir", "out", "dst", "192.0.2.2" };
	char *upd_bad[] = { "spi", "7", "dir", "out", "dst", "192.0.2.2",
			    "enc", "null" };
	char *flush[] = { "dir", "out" };
	char *alloc[] = { "dst", "2001:db8::1", "min", "0x1000", "max",
			  "0x1fff" };
	char *alloc_bad[] = { "dst", "192.0.2.1", "min", "0x2000", "max",
			      "0x1000" };
	struct kespctl_sa_args a;
	char err[256];

	ASSERT_EQ(0, kespctl_sa_parse_id(ARGC(id), id, &a, err, sizeof(err)));
	EXPECT_EQ(0xc0ffee, a.sa.spi);
	EXPECT_EQ(KESP_SA_SEND_ID, a.sa.present);
	EXPECT_EQ(AF_INET, a.sa.family);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_id(2, id, &a, err,
						     sizeof(err)));
	EXPECT_STREQ("missing \"dir\" (expected in or out)", err);

	ASSERT_EQ(0, kespctl_sa_parse_update(ARGC(upd), upd, &a, err,
					     sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(KESP_SA_SEND_ID | KESP_BIT(KESP_SA_A_LIFETIME) |
		  KESP_BIT(KESP_SA_A_SEQ), a.sa.present);
	EXPECT_EQ(0xfffffff0, a.sa.seq);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_update(ARGC(upd_none),
							 upd_none, &a, err,
							 sizeof(err)));
	EXPECT_STREQ("nothing to change: give lifetime limits (soft-bytes ... hard-use-secs), seq, new-src, new-dst or encap",
		     err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_parse_update(ARGC(upd_bad),
							 upd_bad, &a, err,
							 sizeof(err)));
	EXPECT_EQ(0, strncmp(err, "unexpected \"enc\"", 16));

	ASSERT_EQ(0, kespctl_sa_parse_flush(ARGC(flush), flush, &a, err,
					    sizeof(err)));
	EXPECT_EQ(KESP_BIT(KESP_SA_A_DIR), a.sa.present);
	ASSERT_EQ(0, kespctl_sa_parse_flush(0, flush, &a, err, sizeof(err)));
	EXPECT_EQ(0, a.sa.present);

	ASSERT_EQ(0, kespctl_spi_parse_alloc(ARGC(alloc), alloc, &a, err,
					     sizeof(err)));
	EXPECT_EQ(AF_INET6, a.sa.family);
	EXPECT_EQ(0x1000, a.sa.spi_min);
	EXPECT_EQ(0x1fff, a.sa.spi_max);
	EXPECT_EQ(KESP_SA_SEND_SPI_ALLOC, a.sa.present);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_spi_parse_alloc(ARGC(alloc_bad),
							 alloc_bad, &a, err,
							 sizeof(err)));
	EXPECT_STREQ("min 0x2000 is above max 0x1000", err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_spi_parse_alloc(0, alloc, &a, err,
							 sizeof(err)));
}

TEST(hex_decode)
{
	uint8_t key[8];
	uint16_t len = 0;
	char err[128];

	ASSERT_EQ(0, kespctl_hex_decode("0x0102aBcD\n", 11, key, sizeof(key),
					&len, err, sizeof(err)));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0x01, key[0]);
	EXPECT_EQ(0xab, key[2]);
	EXPECT_EQ(0xcd, key[3]);
	/* Blanks and line breaks anywhere after the 0x. */
	ASSERT_EQ(0, kespctl_hex_decode("  01 02\n03\t0\n4 ", 15, key,
					sizeof(key), &len, err, sizeof(err)));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0x04, key[3]);
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("012", 3, key, sizeof(key), &len,
					      err, sizeof(err)));
	EXPECT_STREQ("odd number of hex digits (3): half a byte is missing",
		     err);
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("01zz", 4, key, sizeof(key),
					      &len, err, sizeof(err)));
	EXPECT_STREQ("character 3 is neither a hex digit nor white space", err);
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("0x0x01", 6, key, sizeof(key),
					      &len, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("000102030405060708", 18, key,
					      sizeof(key), &len, err,
					      sizeof(err)));
	EXPECT_STREQ("key longer than 8 bytes", err);
	EXPECT_EQ(-EINVAL, kespctl_hex_decode(" \n", 2, key, sizeof(key), &len,
					      err, sizeof(err)));
	EXPECT_STREQ("no hex digits", err);
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("0x", 2, key, sizeof(key), &len,
					      err, sizeof(err)));
	/* An embedded NUL is not a way to end the key early. */
	EXPECT_EQ(-EINVAL, kespctl_hex_decode("01\0" "02", 5, key,
					      sizeof(key), &len, err,
					      sizeof(err)));
}

TEST(key_from_pipe_and_files)
{
	uint8_t key[KESP_KEY_MAX];
	uint16_t len = 0;
	char err[128], path[64];
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(5, write(fds[1], "abcd\n", 5));
	close(fds[1]);
	ASSERT_EQ(0, kespctl_key_read_fd(fds[0], key, sizeof(key), &len, err,
					 sizeof(err)));
	close(fds[0]);
	EXPECT_EQ(2, len);
	EXPECT_EQ(0xab, key[0]);

	key_file(path, sizeof(path), "0x00112233");
	ASSERT_NE(0, path[0]);
	ASSERT_EQ(0, kespctl_key_read(path, key, sizeof(key), &len, err,
				      sizeof(err)));
	EXPECT_EQ(4, len);
	unlink(path);

	EXPECT_EQ(-EINVAL, kespctl_key_read("/nonexistent/kesp/key", key,
					    sizeof(key), &len, err,
					    sizeof(err)));
	EXPECT_STREQ("cannot open: No such file or directory", err);
}

TEST(key_file_too_long)
{
	char *text = malloc(KESPCTL_KEYFILE_MAX + 2), path[64];
	uint8_t key[KESP_KEY_MAX];
	uint16_t len;
	char err[128];

	ASSERT_NE(NULL, text);
	memset(text, ' ', KESPCTL_KEYFILE_MAX + 1);
	text[0] = 'a';
	text[1] = 'b';
	text[KESPCTL_KEYFILE_MAX + 1] = '\0';
	key_file(path, sizeof(path), text);
	free(text);
	ASSERT_NE(0, path[0]);
	EXPECT_EQ(-EINVAL, kespctl_key_read(path, key, sizeof(key), &len, err,
					    sizeof(err)));
	EXPECT_STREQ("longer than 4096 characters: not a key", err);
	unlink(path);
}

TEST(sa_read_keys_checks_lengths)
{
	char p20[64], p17[64], p32[64];
	char *argv[] = {
		"spi", "1", "dir", "out", "mode", "tunnel", "src", "192.0.2.1",
		"dst", "192.0.2.2", "enc", "aes-gcm-16", "keyfile", p20,
	};
	struct kespctl_sa_args a;
	char err[256];

	key_file(p20, sizeof(p20), "00112233445566778899aabbccddeeff01020304\n");
	key_file(p17, sizeof(p17), "00112233445566778899aabbccddeeff01");
	key_file(p32, sizeof(p32),
		 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv));
	ASSERT_EQ(0, kespctl_sa_read_keys(&a, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(20, a.sa.enc_key_len);
	EXPECT_EQ(0x04, a.sa.enc_key[19]);
	EXPECT_TRUE(a.sa.present & KESP_BIT(KESP_SA_A_ENC_KEY));
	kesp_sa_wipe(&a.sa);

	argv[13] = p17;
	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv));
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_read_keys(&a, err, sizeof(err)));
	EXPECT_EQ(0, a.sa.enc_key_len);
	EXPECT_NE(NULL, strstr(err, "aes-gcm-16 takes a key of 20, 28 or 36 bytes"));
	EXPECT_EQ(0, strncmp(err, "keyfile \"/tmp/", 14));

	/* aes256gcm16 takes only the 256-bit key. */
	argv[11] = "aes256gcm16";
	argv[13] = p20;
	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv));
	EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_read_keys(&a, err, sizeof(err)));

	/* An integrity key must fit its transform exactly too. */
	{
		char *cbc[] = {
			"spi", "1", "dir", "out", "mode", "tunnel",
			"src", "192.0.2.1", "dst", "192.0.2.2",
			"enc", "aes-cbc", "keyfile", p32,
			"integ", "hmac-sha256", "integkeyfile", p20,
		};

		ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(cbc), cbc));
		EXPECT_EQ(KESPCTL_USAGE, kespctl_sa_read_keys(&a, err,
							      sizeof(err)));
		EXPECT_NE(NULL, strstr(err, "hmac-sha256-128 takes a key of 32 bytes, not 20"));
		cbc[17] = p32;
		ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(cbc), cbc));
		EXPECT_EQ(0, kespctl_sa_read_keys(&a, err, sizeof(err)));
		EXPECT_EQ(32, a.sa.integ_key_len);
		kesp_sa_wipe(&a.sa);
	}
	unlink(p20);
	unlink(p17);
	unlink(p32);
}

TEST(policy_add_mss)
{
	char *autov[] = { "dir", "out", "src", "10.1.0.0/24", "dst", "10.2.0.0/24",
			  "action", "protect", "mss", "auto", "tmpl", "mode",
			  "transport" };
	char *fixed[] = { "dir", "out", "src", "10.1.0.0/24", "dst", "10.2.0.0/24",
			  "action", "protect", "mss", "1300", "tmpl", "mode",
			  "transport" };
	char *small[] = { "dir", "out", "src", "10.1.0.0/24", "dst", "10.2.0.0/24",
			  "action", "protect", "mss", "535", "tmpl", "mode",
			  "transport" };
	struct kespctl_policy_args a;
	char err[256];

	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(autov), autov));
	EXPECT_TRUE(a.pol.present & KESP_BIT(KESP_POL_A_MSS));
	EXPECT_EQ(0, a.pol.mss);
	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(fixed), fixed));
	EXPECT_EQ(1300, a.pol.mss);
	EXPECT_NE(0, pol_add(&a, err, sizeof(err), ARGC(small), small));
	EXPECT_NE(NULL, strstr(err, "536 to 65535"));
}

TEST(policy_add_protect)
{
	char *argv[] = {
		"dir", "out", "src", "10.1.0.0/24", "dst", "10.2.0.0/24",
		"proto", "udp", "dport", "500-4500", "action", "protect",
		"priority", "100", "tmpl", "mode", "tunnel", "src", "192.0.2.1",
		"dst", "192.0.2.2", "reqid", "5",
	};
	struct kespctl_policy_args a;
	const struct kesp_policy *p = &a.pol;
	char err[256];

	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(argv), argv)) {
		TH_LOG("%s", err);
	}
	/* Everything NEW sends but the optional MSS clamp. */
	EXPECT_EQ(KESP_POL_SEND_NEW & ~KESP_BIT(KESP_POL_A_MSS), p->present);
	EXPECT_EQ(KESP_DIR_OUT, p->dir);
	EXPECT_EQ(AF_INET, p->sel.family);
	EXPECT_TRUE(is_addr(&p->sel.src.addr, AF_INET, "10.1.0.0"));
	EXPECT_EQ(24, p->sel.dst.plen);
	EXPECT_EQ(17, p->sel.proto);
	EXPECT_EQ(500, p->sel.dport.min);
	EXPECT_EQ(4500, p->sel.dport.max);
	EXPECT_EQ(0, p->sel.sport.min);
	EXPECT_EQ(65535, p->sel.sport.max);
	EXPECT_EQ(KESP_ACTION_PROTECT, p->action);
	EXPECT_EQ(100, p->priority);
	EXPECT_EQ(KESP_MODE_TUNNEL, p->tmpl.mode);
	EXPECT_EQ(AF_INET, p->tmpl.family);
	EXPECT_TRUE(is_addr(&p->tmpl.src, AF_INET, "192.0.2.1"));
	EXPECT_TRUE(is_addr(&p->tmpl.dst, AF_INET, "192.0.2.2"));
	EXPECT_EQ(5, p->tmpl.reqid);
	EXPECT_EQ(KESP_BIT(KESP_TMPL_A_MODE) | KESP_BIT(KESP_TMPL_A_FAMILY) |
		  KESP_BIT(KESP_TMPL_A_SRC) | KESP_BIT(KESP_TMPL_A_DST) |
		  KESP_BIT(KESP_TMPL_A_REQID), p->tmpl.present);
}

TEST(policy_add_bypass_fwd_ipv6_and_transport)
{
	char *bypass[] = {
		"dir", "fwd", "src", "any", "dst", "2001:db8:1::/48",
		"action", "bypass",
	};
	char *transport[] = {
		"dir", "in", "src", "192.0.2.0/24", "dst", "192.0.2.1",
		"action", "protect", "tmpl", "mode", "transport",
	};
	struct kespctl_policy_args a;
	char err[256];

	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(bypass), bypass)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(KESP_DIR_FWD, a.pol.dir);
	EXPECT_EQ(AF_INET6, a.pol.sel.family);
	EXPECT_EQ(AF_INET6, a.pol.sel.src.addr.family);
	EXPECT_EQ(0, a.pol.sel.src.plen);
	EXPECT_EQ(48, a.pol.sel.dst.plen);
	EXPECT_FALSE(a.pol.present & KESP_BIT(KESP_POL_A_TMPL));
	EXPECT_FALSE(a.pol.present & KESP_BIT(KESP_POL_A_PRIORITY));

	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(transport),
			     transport)) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(32, a.pol.sel.dst.plen);
	EXPECT_EQ(KESP_MODE_TRANSPORT, a.pol.tmpl.mode);
	EXPECT_EQ(KESP_BIT(KESP_TMPL_A_MODE), a.pol.tmpl.present);
}

TEST(policy_add_errors_name_the_word)
{
	static const struct {
		const char *args;
		const char *err;
	} cases[] = {
		{ "src 10.0.0.0/8 dst 10.0.0.0/8 action bypass",
		  "missing \"dir\" (expected in, out or fwd)" },
		{ "dir out dst 10.0.0.0/8 action bypass",
		  "missing \"src\" (expected a prefix such as 10.1.0.0/24, 2001:db8::/32, an address, or any)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8",
		  "missing \"action\" (expected protect, bypass or discard)" },
		{ "dir up", "dir \"up\": not a direction (expected in, out or fwd)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action allow",
		  "action \"allow\": not an action (expected protect, bypass or discard)" },
		{ "dir out src any dst any action discard",
		  "cannot tell IPv4 from IPv6 with src and dst both any: write 0.0.0.0/0 or ::/0" },
		{ "dir out src 10.0.0.0/8 dst ::/0 action discard",
		  "src is IPv4 but dst is IPv6" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect",
		  "action protect needs \"tmpl mode tunnel|transport ...\": the SA to protect with" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action bypass tmpl mode tunnel",
		  "tmpl: only action protect uses a template, not action bypass" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl reqid 1",
		  "missing \"tmpl mode\" (expected tunnel or transport)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl mode tunnel src 192.0.2.1",
		  "missing \"tmpl dst\" (expected the peer's IPv4 or IPv6 address)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl mode tunnel src 192.0.2.1 dst 2001:db8::1",
		  "tmpl src is IPv4 but tmpl dst is IPv6" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl mode transport src 2001:db8::1 dst 2001:db8::2",
		  "tmpl: transport mode between IPv6 addresses protects only IPv6 traffic, not this IPv4 selector" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl mode transport src 10.0.0.1",
		  "missing \"tmpl dst\" (expected the peer's IPv4 or IPv6 address)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl",
		  "\"tmpl\" must be followed by one of: mode src dst reqid" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 priority -1",
		  "priority \"-1\": not a number (expected a number, 0 to 0xffffffff; lower wins)" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 proto tcp sport 70000",
		  "sport \"70000\": not a port or a range of ports (N or MIN-MAX, 0 to 65535) (expected a port or range, such as 80 or 1000-2000 (for ICMP: the type))" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 dport 53 action bypass",
		  "dport needs proto: tcp, udp, sctp, icmp or ipv6-icmp" },
		{ "dir out src 10.0.0.0/8 dst 10.0.0.0/8 action protect tmpl mode tunnel src 192.0.2.1 dst 192.0.2.2 spi 5",
		  "unexpected \"spi\" (expected one of: mode src dst reqid dir src dst proto sport dport action priority mss tmpl)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *copy = strdup(cases[i].args), *argv[64], *tok, *save;
		struct kespctl_policy_args a;
		char err[512];
		int argc = 0;

		ASSERT_NE(NULL, copy);
		for (tok = strtok_r(copy, " ", &save); tok && argc < 64;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		EXPECT_EQ(KESPCTL_USAGE, pol_add(&a, err, sizeof(err), argc,
						 argv)) {
			TH_LOG("accepted: %s", cases[i].args);
		}
		EXPECT_STREQ(cases[i].err, err) {
			TH_LOG("for: %s", cases[i].args);
		}
		free(copy);
	}
}

TEST(policy_id_and_flush)
{
	char *id[] = { "id", "42" };
	char *flush[] = { "dir", "fwd" };
	struct kespctl_policy_args a;
	char err[256];

	ASSERT_EQ(0, kespctl_policy_parse_id(2, id, &a, err, sizeof(err)));
	EXPECT_EQ(42, a.pol.id);
	EXPECT_EQ(KESP_BIT(KESP_POL_A_ID), a.pol.present);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_policy_parse_id(0, id, &a, err,
							 sizeof(err)));
	EXPECT_STREQ("missing \"id\" (expected a policy id, as policy add or policy list print it)",
		     err);
	ASSERT_EQ(0, kespctl_policy_parse_flush(2, flush, &a, err,
						sizeof(err)));
	EXPECT_EQ(KESP_DIR_FWD, a.pol.dir);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_policy_parse_flush(2, id, &a, err,
							    sizeof(err)));
}

static char *capture_json(void (*fn)(struct json *, const void *),
			  const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	if (!f)
		return NULL;
	json_init(&j, f);
	fn(&j, arg);
	json_finish(&j);
	fclose(f);
	return buf;
}

static void policy_json(struct json *j, const void *arg)
{
	kespctl_policy_json(j, NULL, arg);
}

static void sa_json(struct json *j, const void *arg)
{
	kespctl_sa_json(j, NULL, arg);
}

/* The documented JSON keys, in full: changing them breaks scripts. */
TEST(policy_json_keys)
{
	char *argv[] = {
		"dir", "out", "src", "10.1.0.0/24", "dst", "10.2.0.0/24",
		"proto", "tcp", "dport", "443", "action", "protect",
		"tmpl", "mode", "tunnel", "src", "192.0.2.1", "dst", "192.0.2.2",
		"reqid", "5",
	};
	struct kespctl_policy_args a;
	char err[256], *out;

	ASSERT_EQ(0, pol_add(&a, err, sizeof(err), ARGC(argv), argv));
	a.pol.id = 3;
	a.pol.priority = 65536;
	a.pol.packets = 12;
	out = capture_json(policy_json, &a.pol);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"id\":3,\"dir\":\"out\",\"sel\":{\"family\":\"inet\","
		     "\"src\":\"10.1.0.0/24\",\"dst\":\"10.2.0.0/24\","
		     "\"proto\":6,\"sport-min\":0,\"sport-max\":65535,"
		     "\"dport-min\":443,\"dport-max\":443},"
		     "\"action\":\"protect\",\"priority\":65536,\"packets\":12,"
		     "\"tmpl\":{\"mode\":\"tunnel\",\"family\":\"inet\","
		     "\"src\":\"192.0.2.1\",\"dst\":\"192.0.2.2\",\"reqid\":5}}\n",
		     out);
	free(out);
}

TEST(sa_json_keys_and_text)
{
	char *argv[] = {
		"spi", "0x1000", "dir", "out", "mode", "tunnel",
		"src", "192.0.2.1", "dst", "192.0.2.2", "enc", "aes-gcm-16",
		"keyfile", "/k", "reqid", "5", "hard-bytes", "100",
	};
	struct kespctl_sa_args a;
	char err[256], *out, buf[256];

	ASSERT_EQ(0, sa_add(&a, err, sizeof(err), ARGC(argv), argv));
	kesp_sel_any(&a.sa.sel, AF_INET);
	a.sa.add_time = 61;
	a.sa.cnt.packets = 2;
	a.sa.cnt.bytes = 300;
	a.sa.cnt.errors[KESP_STAT_IN_REPLAY] = 1;
	a.sa.cnt.errors_present = KESP_BIT(KESP_STAT_IN_REPLAY);
	out = capture_json(sa_json, &a.sa);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"spi\":4096,\"dir\":\"out\",\"mode\":\"tunnel\","
		     "\"family\":\"inet\",\"src\":\"192.0.2.1\","
		     "\"dst\":\"192.0.2.2\",\"proto\":\"esp\","
		     "\"enc\":\"aes-gcm-16\",\"enc-id\":20,\"integ\":\"none\","
		     "\"integ-id\":0,\"sel\":{\"family\":\"inet\","
		     "\"src\":\"0.0.0.0/0\",\"dst\":\"0.0.0.0/0\",\"proto\":0,"
		     "\"sport-min\":0,\"sport-max\":65535,\"dport-min\":0,"
		     "\"dport-max\":65535},\"replay-window\":0,\"esn\":false,"
		     "\"flags\":0,\"reqid\":5,\"lifetime\":{\"soft-bytes\":0,"
		     "\"hard-bytes\":100,\"soft-packets\":0,\"hard-packets\":0,"
		     "\"soft-add-secs\":0,\"hard-add-secs\":0,"
		     "\"soft-use-secs\":0,\"hard-use-secs\":0},\"seq\":0,"
		     "\"add-time\":61,\"packets\":2,\"bytes\":300,"
		     "\"errored-packets\":1,\"errors\":{\"in-replay\":1}}\n",
		     out);
	free(out);
	EXPECT_STREQ("spi 0x00001000 dir out mode tunnel src 192.0.2.1 dst 192.0.2.2 reqid 5",
		     kespctl_sa_text(&a.sa, buf, sizeof(buf)));
}

TEST(selector_text)
{
	struct kesp_sel sel;
	char buf[256];
	char err[64];

	kesp_sel_any(&sel, AF_INET6);
	EXPECT_STREQ("src ::/0 dst ::/0", kespctl_sel_text(&sel, buf,
							    sizeof(buf)));
	ASSERT_EQ(0, kesp_prefix_parse("10.0.0.0/8", &sel.src, err,
				       sizeof(err)));
	kesp_prefix_any(&sel.dst, AF_INET);
	sel.family = AF_INET;
	sel.proto = 6;
	sel.dport.min = sel.dport.max = 22;
	EXPECT_STREQ("src 10.0.0.0/8 dst 0.0.0.0/0 proto tcp dport 22",
		     kespctl_sel_text(&sel, buf, sizeof(buf)));
	sel.proto = 200;
	sel.sport.min = 1;
	sel.sport.max = 2;
	EXPECT_STREQ("src 10.0.0.0/8 dst 0.0.0.0/0 proto 200 sport 1-2 dport 22",
		     kespctl_sel_text(&sel, buf, sizeof(buf)));
}

TEST(units)
{
	char buf[32];

	EXPECT_STREQ("0s", kespctl_duration(0, buf, sizeof(buf)));
	EXPECT_STREQ("59s", kespctl_duration(59, buf, sizeof(buf)));
	EXPECT_STREQ("3m05s", kespctl_duration(185, buf, sizeof(buf)));
	EXPECT_STREQ("1h02m03s", kespctl_duration(3723, buf, sizeof(buf)));
	EXPECT_STREQ("2d03h04m", kespctl_duration(2 * 86400 + 3 * 3600 + 4 * 60 + 5,
						  buf, sizeof(buf)));
	EXPECT_STREQ("1023B", kespctl_bytes(1023, buf, sizeof(buf)));
	EXPECT_STREQ("1.5K", kespctl_bytes(1536, buf, sizeof(buf)));
	EXPECT_STREQ("4.0G", kespctl_bytes(4ULL << 30, buf, sizeof(buf)));
	EXPECT_STREQ("16.0E", kespctl_bytes(UINT64_MAX, buf, sizeof(buf)));
}

TEST(table_columns)
{
	static const char *const head[] = { "A", "Long head", "C" };
	struct kespctl_table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	long r;

	ASSERT_NE(NULL, f);
	kespctl_table_init(&t, head, 3);
	r = kespctl_table_add(&t);
	kespctl_table_set(&t, r, 0, "wide-cell");
	kespctl_table_set(&t, r, 1, "x");
	kespctl_table_set(&t, r, 2, "%d", 7);
	kespctl_table_set(&t, r, 3, "ignored");
	kespctl_table_set(&t, 5, 0, "ignored");
	kespctl_table_print(&t, f);
	kespctl_table_free(&t);
	fclose(f);
	EXPECT_STREQ("A          Long head  C\n"
		     "wide-cell  x          7\n", buf);
	free(buf);
}

TEST(new_objects_resolve)
{
	const struct kespctl_object *o;
	const struct kespctl_verb *v;
	char *sa_add_argv[] = { "sa", "a", NULL };
	char *pol[] = { "pol", NULL };
	char *mon[] = { "mon", "exp", NULL };
	char *amb[] = { "s", NULL };
	char err[128];
	int argi;

	ASSERT_EQ(0, kespctl_resolve(2, sa_add_argv, &o, &v, &argi, err,
				     sizeof(err)));
	EXPECT_STREQ("sa", o->name);
	EXPECT_STREQ("add", v->name);
	ASSERT_EQ(0, kespctl_resolve(1, pol, &o, &v, &argi, err, sizeof(err)));
	EXPECT_STREQ("policy", o->name);
	EXPECT_STREQ("list", v->name);
	ASSERT_EQ(0, kespctl_resolve(2, mon, &o, &v, &argi, err, sizeof(err)));
	EXPECT_STREQ("expire", v->name);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_resolve(1, amb, &o, &v, &argi, err,
						 sizeof(err)));
	EXPECT_STREQ("ambiguous object \"s\"", err);
}

TEST_HARNESS_MAIN
