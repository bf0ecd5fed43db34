// SPDX-License-Identifier: GPL-2.0
/*
 * Key exchange (crypto/dh.c, for either IKE version): every group agrees
 * with itself, known answers (RFC 7748 6.1 for X25519, RFC 5903 8.1 for
 * ECP-256, MODP values from Python integers, selftests/unit/vectors/dh.py),
 * and every kind of bad peer value refused with -EINVAL rather than used.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "iked/crypto/dh.h"

/* Reads @n bytes of hex from @s (which may be longer). */
static void hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

#define EXPECT_HEX(want, got, n) do {					\
	uint8_t w_[IKED_DH_SHARED_MAX];				\
	hex(want, w_, n);						\
	EXPECT_EQ(0, memcmp(w_, got, n));				\
} while (0)

static const uint16_t all_groups[] = { 2, 5, 14, 15, 16, 17, 18, 19, 20, 21,
				       31 };

/* python3 selftests/unit/vectors/dh.py */
static const char modp1024_a[] =
	"91cc175fdf90d8efaddafb6ae737d9074d5f903cfa0ada993b7b2d2695a4e0c2";
static const char modp1024_b[] =
	"97b0a0efb92070a7f7421709dc63fadb78cc32c1b1053cd778171964c522c6fb";
static const char modp1024_ga[] =
	"00bc07f5591b26417255c00e8f25e1517dfb703490415dc5e3c1c526e6bcfb92"
	"d0af1ec74f771913d08bfa52f39e3349a2cb0c52b0015b08ebdafdd8a9d33c41"
	"a62c18af1532703a2957019ff277087174ce01aadb95b25a3048b1f2fdd113aa"
	"bf508dad171203fecad742593c237079960417903551a39e4096f80e658e1f7a";
static const char modp1024_gb[] =
	"cbd7686ad54a27f451443f80cc9e9aac9c5f6f56fbc51e66450a76e311fa5c79"
	"86fe330862e5a34b81fd1411d15e2d5cb9ba4b6b3cd8d53a4cb3303c1cf6d400"
	"4690dc58b66f684024d9c40137a3dfa5e2698d39950a1f4ae61912e29aaeba8a"
	"0bb65c0d4945e8818656ebfe09c1304aff1ec79bf08be6288d05d4a8ffdb8417";
static const char modp1024_gab[] =
	"0001264f10c647a6e368d3a3f4dd580c0afaf61ac4e230feb592ceec08e92de9"
	"404ceeac84fa8097debc042989d1d86232af623f7c17ed0e2cc091c5f8ccdb5a"
	"bd533c52684668c5216a450b5b7298a96283db07be92882cb91750c2911f922a"
	"a070d50052b7621fe9b315830b791e6f9ae8d6242e9f4f7bfff9f917b0f847bc";
static const char modp2048_p[] =
	"ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74"
	"020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437"
	"4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
	"ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05"
	"98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb"
	"9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
	"e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718"
	"3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffffffffffff";
static const char modp2048_a[] =
	"0af428f3ddca22984b5a4d6015e9cb1a5e2ba14c44c797260ba46baab0573dcd";
static const char modp2048_b[] =
	"23ecdf49388a2b45cadf9a4a9583e8516f5ac0764438b60d34c50bef3b428fa4";
static const char modp2048_ga[] =
	"00c236d290376da22a8b3edcd73cc704eca75968e0e366d564b0aebc206c7e73"
	"f578e93ac5791c41aeeda39a21eb5169af041ab02ab7d36748d157770de9d17c"
	"abf0deae91fd5ef61c62ae730d0a41c7cc9f054824920ae7b6d40a07b54f050f"
	"9870b741a157713c668461827fedc918e9d18146f4ad8ff9ac77d3cb254bcd92"
	"96e5744824fa8d69940e68c3066b587c84c424ae5879ebfd33b41611e85b6781"
	"a1ca16502db7a63e126dc1bc6c35e7099087a2535af9392f675a916f0f78b2c1"
	"98235e49d82585930a1d65e155ab8f60434e4d3419183196e5745806e997ce2f"
	"753d1207f52fe1d1e4017ec7c6286ca47ea429b2aecb32c0caa57c978b4db122";
static const char modp2048_gb[] =
	"74aa7e1636eaf1311e04810274bbfdd17176054844bd8559fd2c3daa9ad0da6d"
	"467a6ff557cb31a0ac5535627489aac62d06be6d859f6432efacde341bebbc37"
	"6f334ac6fad09662123a4c0a4a3553d4c5b50114761183526204dc5c7848a182"
	"1e1740c3dd181147504463e4313aa07fa024e0cfecaf28979570c3576bd5ae0f"
	"fe2deac54c72d064f0f85a774fa03b4e5363a0d0bc87122349ab48d94edc3c1a"
	"4fb28a85fa868c651852417e94ad2ab1078824806d41737e0818f9bf28cb9521"
	"6b5622dd82d1423b33d1739c61ca7ee1f78fd638ed868b7bc77e92e7a0d00dec"
	"9b9156b45175515839c935c2a7bec7c3e33903c1d56c168da9cb0b8e16f03509";
static const char modp2048_gab[] =
	"00a5b79bc6cd2f79d4c33cf2c359a6d68f9c30737402e2e97d793afb6d904049"
	"f88dd9d86b1b4cb0b32d642316925ba121c88701b3c575090ec61556cf48b7ef"
	"aa690a55dc109b96c3901dde14154c20d275817588c136b4fb1d90374cb73792"
	"8e4e146083e09a78d2b41df7734969555b2789271123502da73a892d1524ab02"
	"c0b556b8c7aee86aaf03581eebdcd43946408639f4bc21f016d74abaa27d6851"
	"4c6e952edd4b50a7545c8264ee0001e222fc2084e93f140e3a9bd2dc2f78e4bb"
	"686307c79c0cdf5f4e9d6e313a2da2616c283996f0ade049817ff27f0a099a66"
	"70107453ae0d72f0ea3b59e83608d5cdfff8680c75ac49087a65c973e4a29596";

/* Two parties of every group agree, with the lengths of RFC 7296, 5903 and 8031. */
TEST(every_group_agrees)
{
	static const struct {
		uint16_t group;
		size_t pub, shared;
		const char *name;
	} want[] = {
		{ 2, 128, 128, "MODP_1024" }, { 5, 192, 192, "MODP_1536" },
		{ 14, 256, 256, "MODP_2048" }, { 15, 384, 384, "MODP_3072" },
		{ 16, 512, 512, "MODP_4096" }, { 17, 768, 768, "MODP_6144" },
		{ 18, 1024, 1024, "MODP_8192" }, { 19, 64, 32, "ECP_256" },
		{ 20, 96, 48, "ECP_384" }, { 21, 132, 66, "ECP_521" },
		{ 31, 32, 32, "CURVE25519" },
	};
	uint8_t s1[IKED_DH_SHARED_MAX], s2[IKED_DH_SHARED_MAX];
	size_t i, l1, l2, pl1, pl2;

	ASSERT_EQ(sizeof(all_groups) / sizeof(all_groups[0]),
		  sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct iked_dh *a, *b;
		const uint8_t *pa, *pb;

		EXPECT_EQ(want[i].pub, iked_dh_pub_len(want[i].group));
		EXPECT_STREQ(want[i].name, iked_dh_name(want[i].group));
		ASSERT_EQ(0, iked_dh_new(want[i].group, &a));
		ASSERT_EQ(0, iked_dh_new(want[i].group, &b));
		EXPECT_EQ(want[i].group, iked_dh_group(a));
		pa = iked_dh_pub(a, &pl1);
		pb = iked_dh_pub(b, &pl2);
		EXPECT_EQ(want[i].pub, pl1);
		EXPECT_EQ(want[i].pub, pl2);
		EXPECT_NE(0, memcmp(pa, pb, pl1));
		EXPECT_EQ(0, iked_dh_shared(a, pb, pl2, s1, &l1));
		EXPECT_EQ(0, iked_dh_shared(b, pa, pl1, s2, &l2));
		EXPECT_EQ(want[i].shared, l1);
		EXPECT_EQ(want[i].shared, l2);
		EXPECT_EQ(0, memcmp(s1, s2, l1));
		/* Twice with the same key: nothing is consumed. */
		EXPECT_EQ(0, iked_dh_shared(a, pb, pl2, s2, &l2));
		EXPECT_EQ(0, memcmp(s1, s2, l1));
		iked_dh_free(a);
		iked_dh_free(b);
	}
}

TEST(unknown_groups)
{
	static const uint16_t bad[] = { 0, 1, 3, 4, 22, 23, 24, 25, 26, 30, 32,
					0xffff };
	struct iked_dh *dh = (struct iked_dh *)&dh;
	uint8_t priv[32] = { 1 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(0, iked_dh_pub_len(bad[i]));
		EXPECT_EQ(NULL, iked_dh_name(bad[i]));
		EXPECT_EQ(-EOPNOTSUPP, iked_dh_new(bad[i], &dh));
		EXPECT_EQ(NULL, dh);
		EXPECT_EQ(-EOPNOTSUPP, iked_dh_new_fixed(bad[i], priv, 32, &dh));
	}
	iked_dh_free(NULL);
}

/* RFC 7748 6.1: Alice and Bob. */
TEST(x25519_rfc7748)
{
	uint8_t a_priv[32], b_priv[32], b_pub[32], out[IKED_DH_SHARED_MAX];
	struct iked_dh *a, *b;
	const uint8_t *pub;
	size_t len;

	hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    a_priv, 32);
	hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    b_priv, 32);
	hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    b_pub, 32);
	ASSERT_EQ(0, iked_dh_new_fixed(31, a_priv, 32, &a));
	ASSERT_EQ(0, iked_dh_new_fixed(31, b_priv, 32, &b));
	pub = iked_dh_pub(a, &len);
	ASSERT_EQ(32, len);
	EXPECT_HEX("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
		   pub, 32);
	pub = iked_dh_pub(b, &len);
	EXPECT_EQ(0, memcmp(b_pub, pub, 32));
	ASSERT_EQ(0, iked_dh_shared(a, b_pub, 32, out, &len));
	ASSERT_EQ(32, len);
	EXPECT_HEX("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
		   out, 32);
	iked_dh_free(b);
	EXPECT_EQ(-EINVAL, iked_dh_new_fixed(31, a_priv, 31, &b));
	EXPECT_EQ(NULL, b);
	iked_dh_free(a);
}

/* RFC 5903 8.1: the initiator's i and the responder's g^r. */
TEST(ecp256_rfc5903)
{
	uint8_t i[32], gr[64], out[IKED_DH_SHARED_MAX];
	struct iked_dh *dh;
	const uint8_t *pub;
	size_t len;

	hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	    i, 32);
	hex("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
	    gr, 64);
	ASSERT_EQ(0, iked_dh_new_fixed(19, i, 32, &dh));
	pub = iked_dh_pub(dh, &len);
	ASSERT_EQ(64, len);
	/* g^i: x then y, no 0x04 in front (RFC 5903 7). */
	EXPECT_HEX("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
		   "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
		   pub, 64);
	ASSERT_EQ(0, iked_dh_shared(dh, gr, 64, out, &len));
	/* Only x of g^ir is the shared secret. */
	ASSERT_EQ(32, len);
	EXPECT_HEX("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
		   out, 32);
	iked_dh_free(dh);
	EXPECT_EQ(-EINVAL, iked_dh_new_fixed(19, i, 31, &dh));
	EXPECT_EQ(NULL, dh);
}

/* Leading zero bytes are kept, in the public value and in g^ir. */
static void modp_kat(struct __test_metadata *_metadata, uint16_t group,
		     const char *a_hex, const char *b_hex, const char *ga,
		     const char *gb, const char *gab)
{
	uint8_t a[32], b[32], peer[IKED_DH_SHARED_MAX];
	uint8_t out[IKED_DH_SHARED_MAX];
	size_t n = iked_dh_pub_len(group), len;
	struct iked_dh *da, *db;
	const uint8_t *pub;

	hex(a_hex, a, 32);
	hex(b_hex, b, 32);
	ASSERT_EQ(0, iked_dh_new_fixed(group, a, 32, &da));
	ASSERT_EQ(0, iked_dh_new_fixed(group, b, 32, &db));
	pub = iked_dh_pub(da, &len);
	ASSERT_EQ(n, len);
	EXPECT_EQ(0, pub[0]);
	EXPECT_HEX(ga, pub, n);
	pub = iked_dh_pub(db, &len);
	EXPECT_HEX(gb, pub, n);
	hex(gb, peer, n);
	ASSERT_EQ(0, iked_dh_shared(da, peer, n, out, &len));
	ASSERT_EQ(n, len);
	EXPECT_EQ(0, out[0]);
	EXPECT_HEX(gab, out, n);
	hex(ga, peer, n);
	ASSERT_EQ(0, iked_dh_shared(db, peer, n, out, &len));
	EXPECT_HEX(gab, out, n);
	iked_dh_free(da);
	iked_dh_free(db);
}

/* MODP-1024 is built from its prime in dh.c: this checks that prime. */
TEST(modp1024_known_answer)
{
	modp_kat(_metadata, 2, modp1024_a, modp1024_b, modp1024_ga,
		 modp1024_gb, modp1024_gab);
}

TEST(modp2048_known_answer)
{
	modp_kat(_metadata, 14, modp2048_a, modp2048_b, modp2048_ga,
		 modp2048_gb, modp2048_gab);
}

/* Subtracts @v from the big-endian number @b of @n bytes (no borrow out). */
static void be_sub(uint8_t *b, size_t n, unsigned int v)
{
	while (n-- && v) {
		unsigned int d = b[n];

		b[n] = (uint8_t)(d - v);
		v = d < v ? 1 : 0;
	}
}

TEST(modp_bad_peer_values)
{
	uint8_t p[256], v[257], out[IKED_DH_SHARED_MAX];
	struct iked_dh *dh;
	const uint8_t *pub;
	size_t len;

	hex(modp2048_p, p, 256);
	ASSERT_EQ(0, iked_dh_new(14, &dh));
	pub = iked_dh_pub(dh, &len);
	memcpy(v, pub, len);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 255, out, &len));
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 257, out, &len));
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 0, out, &len));
	memset(v, 0, 256);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	EXPECT_EQ(0, len);
	v[255] = 1;
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	/* 2 = g itself is a valid (if silly) value: the boundary is exact. */
	v[255] = 2;
	EXPECT_EQ(0, iked_dh_shared(dh, v, 256, out, &len));
	memcpy(v, p, 256);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	be_sub(v, 256, 1);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	/*
	 * p - 2 = -2 is in range but, p being 7 mod 8, not a square: outside
	 * the order-q subgroup, which the Legendre symbol catches.
	 */
	be_sub(v, 256, 1);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	/*
	 * p - y for a valid y: -1 is no square (p = 3 mod 4), so neither
	 * is -y. In range, outside the subgroup: refused.
	 */
	{
		struct iked_dh *b;
		const uint8_t *bp;
		size_t bl, i;
		unsigned int borrow = 0;

		ASSERT_EQ(0, iked_dh_new(14, &b));
		bp = iked_dh_pub(b, &bl);
		EXPECT_EQ(0, iked_dh_shared(dh, bp, bl, out, &len));
		for (i = 256; i-- > 0;) {
			unsigned int d = (unsigned int)p[i] - bp[i] - borrow;

			v[i] = (uint8_t)d;
			borrow = d > 0xff;
		}
		EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
		iked_dh_free(b);
	}
	memset(v, 0xff, 256);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 256, out, &len));
	iked_dh_free(dh);
}

TEST(ecp_bad_peer_values)
{
	static const uint16_t ecp[] = { 19, 20, 21 };
	uint8_t v[133], out[IKED_DH_SHARED_MAX];
	size_t i, len, n;

	for (i = 0; i < 3; i++) {
		struct iked_dh *a, *b;
		const uint8_t *pub;

		ASSERT_EQ(0, iked_dh_new(ecp[i], &a));
		ASSERT_EQ(0, iked_dh_new(ecp[i], &b));
		pub = iked_dh_pub(b, &n);
		memcpy(v, pub, n);
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n - 1, out, &len));
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n + 1, out, &len));
		/* y changed: not on the curve. */
		v[n - 1] ^= 1;
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n, out, &len));
		v[n - 1] ^= 1;
		/* x changed: not on the curve either. */
		v[0] ^= 0x80;
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n, out, &len));
		v[0] ^= 0x80;
		/* x = y = 0 (the point at infinity's usual stand-in), all ones (>= p). */
		memset(v, 0, n);
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n, out, &len));
		memset(v, 0xff, n);
		EXPECT_EQ(-EINVAL, iked_dh_shared(a, v, n, out, &len));
		EXPECT_EQ(0, len);
		EXPECT_EQ(0, iked_dh_shared(a, pub, n, out, &len));
		iked_dh_free(a);
		iked_dh_free(b);
	}
}

/* RFC 8031 2.3: low-order points give the all-zero value, which is refused. */
TEST(x25519_bad_peer_values)
{
	uint8_t v[33] = { 0 }, out[IKED_DH_SHARED_MAX];
	struct iked_dh *dh;
	size_t len;

	ASSERT_EQ(0, iked_dh_new(31, &dh));
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 32, out, &len));
	EXPECT_EQ(0, len);
	v[0] = 1;
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 32, out, &len));
	/* A point of order 8 (as in libsodium's list of them). */
	hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	    v, 32);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 32, out, &len));
	v[0] = 9;		/* the base point: fine, but the length is not */
	memset(v + 1, 0, 32);
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 31, out, &len));
	EXPECT_EQ(-EINVAL, iked_dh_shared(dh, v, 33, out, &len));
	EXPECT_EQ(0, iked_dh_shared(dh, v, 32, out, &len));
	EXPECT_EQ(32, len);
	iked_dh_free(dh);
}

TEST_HARNESS_MAIN
