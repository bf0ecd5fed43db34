// SPDX-License-Identifier: GPL-2.0
/*
 * What a peer's CERTREQ (IKEv2: SHA-1 hashes of CA keys) or CR (IKEv1: a
 * CA's DN, or nothing) asks for: the parser refuses a body of the wrong
 * length or a DN that does not parse, notes an encoding we do not send,
 * keeps at most IKED_CERTREQ_MAX CAs and counts the rest; the chain sent
 * with our certificate goes up to the CA the peer named, along the path
 * of a cross-signed CA that reaches it; the line when none of the peer's
 * CAs is in our chain names them (a hash we do not know in hex) and our
 * root; a refused body is logged and counted in the status.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "log_capture.h"
#include "kselftest_harness.h"
#include "iked/daemon.h"
#include "iked/log.h"
#include "iked/status.h"
#include "iked/crypto/auth/certreq.h"
#include "iked/crypto/auth/chain.h"
#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/peer_cas.h"
#include "cert_fixture.h"
#include "certreq_pki.h"

/* A CERTREQ body: encoding 4 and the key hash of each of @x[@n]. */
static size_t v2_body(uint8_t *out, X509 *const *x, size_t n)
{
	size_t i;

	out[0] = 4;
	for (i = 0; i < n; i++)
		if (iked_certreq_key_hash(x[i], out + 1 + 20 * i))
			abort();
	return 1 + 20 * n;
}

/* A CR body: encoding 4 and @x's subject in DER. */
static size_t v1_body(uint8_t *out, X509 *x)
{
	unsigned char *p = out + 1;

	out[0] = 4;
	return 1 + (size_t)i2d_X509_NAME(X509_get_subject_name(x), &p);
}

TEST(ikev2_hashes_parsed_strictly)
{
	struct certreq_pki p;
	struct iked_certreq cr = { 0 };
	uint8_t body[1 + 20 * 80];
	char why[256];
	size_t len;

	certreq_pki_make(&p, 2);
	len = v2_body(body, (X509 *[]){ p.r1, p.r2 }, 2);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, false, why, sizeof(why)));
	EXPECT_EQ(2, cr.n);
	EXPECT_TRUE(iked_certreq_names(&cr, p.r2));
	EXPECT_FALSE(iked_certreq_names(&cr, p.r3));
	/* Not a multiple of 20: refused whole, nothing kept of it. */
	EXPECT_EQ(-EBADMSG, iked_certreq_parse(&cr, body, len - 5, false, why,
					       sizeof(why)));
	EXPECT_STREQ("its CA hashes are 35 bytes, not a multiple of the 20 of a SHA-1 hash",
		     why);
	EXPECT_EQ(2, cr.n);
	/* Another encoding: a note, nothing taken. */
	body[0] = 12;
	EXPECT_EQ(-ENOTSUP, iked_certreq_parse(&cr, body, len, false, why,
					       sizeof(why)));
	EXPECT_STREQ("certificate encoding 12, not X.509 Signature (4): ignored",
		     why);
	EXPECT_EQ(-EBADMSG, iked_certreq_parse(&cr, body, 0, false, why,
					       sizeof(why)));
	/* Bounded: 80 hashes keep IKED_CERTREQ_MAX, the rest counted. */
	iked_certreq_clear(&cr);
	memset(body, 0xab, sizeof(body));
	body[0] = 4;
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, sizeof(body), false, why,
					sizeof(why)));
	EXPECT_EQ(IKED_CERTREQ_MAX, cr.n);
	EXPECT_EQ(80 - IKED_CERTREQ_MAX, cr.n_dropped);
	/* Only the encoding: any CA. */
	iked_certreq_clear(&cr);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, 1, false, why, sizeof(why)));
	EXPECT_TRUE(cr.any);
	EXPECT_EQ(0, cr.n);
	certreq_pki_drop(&p);
}

TEST(ikev1_dn_parsed_strictly)
{
	struct certreq_pki p;
	struct iked_certreq cr = { 0 };
	uint8_t body[1024];
	char why[256], want[256];
	size_t len;

	certreq_pki_make(&p, 2);
	len = v1_body(body, p.r2);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, true, why, sizeof(why)));
	EXPECT_EQ(1, cr.n);
	EXPECT_TRUE(iked_certreq_names(&cr, p.r2));
	EXPECT_FALSE(iked_certreq_names(&cr, p.r1));
	/* Trailing bytes, a truncated DN, no DN at all: refused. */
	body[len] = 0;
	EXPECT_EQ(-EBADMSG, iked_certreq_parse(&cr, body, len + 1, true, why,
					       sizeof(why)));
	snprintf(want, sizeof(want), "its CA name (%zu bytes) is no DER distinguished name",
		 len);
	EXPECT_STREQ(want, why);
	EXPECT_EQ(-EBADMSG, iked_certreq_parse(&cr, body, len - 1, true, why,
					       sizeof(why)));
	memcpy(body + 1, "\x1b[2Jhello", 9);
	EXPECT_EQ(-EBADMSG, iked_certreq_parse(&cr, body, 10, true, why,
					       sizeof(why)));
	EXPECT_EQ(1, cr.n);
	/* Empty: any CA (strongSwan sends it when it has none). */
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, 1, true, why, sizeof(why)));
	EXPECT_TRUE(cr.any);
	iked_certreq_clear(&cr);
	certreq_pki_drop(&p);
}

/* A's CAs loaded; the subjects of the chain sent for @cr into @names. */
static bool chain_for(struct certreq_pki *p, const struct iked_certreq *cr,
		      char *names, size_t len)
{
	const struct iked_cred_cert *out[8];
	struct iked_creds *c;
	char err[512], one[256];
	bool found;
	size_t n, i;

	if (iked_creds_load(p->dir_a, NULL, NULL, &c, err, sizeof(err)))
		abort();
	n = iked_chain_for(c, p->a, cr, out, 7, &found);
	names[0] = '\0';
	for (i = 0; i < n; i++) {
		X509_NAME_oneline(X509_get_issuer_name(out[i]->x), one,
				  sizeof(one));
		snprintf(names + strlen(names), len - strlen(names), "%s%s",
			 i ? " | " : "", strstr(one, "CN=") + 3);
		X509_NAME_oneline(X509_get_subject_name(out[i]->x), one,
				  sizeof(one));
		snprintf(names + strlen(names), len - strlen(names), ">%s",
			 strstr(one, "CN=") + 3);
	}
	iked_creds_free(c);
	return found;
}

TEST(chain_goes_up_to_the_ca_the_peer_named)
{
	struct certreq_pki p;
	struct iked_certreq cr = { 0 };
	uint8_t body[256];
	char why[256], names[512];
	size_t len;

	certreq_pki_make(&p, 2);
	/* Nothing asked: the first path, through Root One. */
	EXPECT_FALSE(chain_for(&p, NULL, names, sizeof(names)));
	EXPECT_STREQ("Intermediate>Sub CA | Root One>Intermediate", names);
	/* Root Two asked for: the Intermediate it certified. */
	len = v2_body(body, &p.r2, 1);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, false, why, sizeof(why)));
	EXPECT_TRUE(chain_for(&p, &cr, names, sizeof(names)));
	EXPECT_STREQ("Intermediate>Sub CA | Root Two>Intermediate", names);
	/* The Intermediate's key (either certificate): below it only. */
	iked_certreq_clear(&cr);
	len = v2_body(body, &p.i2, 1);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, false, why, sizeof(why)));
	EXPECT_TRUE(chain_for(&p, &cr, names, sizeof(names)));
	EXPECT_STREQ("Intermediate>Sub CA", names);
	/* IKEv1: Root Two by its DN. */
	iked_certreq_clear(&cr);
	len = v1_body(body, p.r2);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, true, why, sizeof(why)));
	EXPECT_TRUE(chain_for(&p, &cr, names, sizeof(names)));
	EXPECT_STREQ("Intermediate>Sub CA | Root Two>Intermediate", names);
	/* A CA not on any path: the usual chain, not found. */
	iked_certreq_clear(&cr);
	len = v2_body(body, &p.r3, 1);
	ASSERT_EQ(0, iked_certreq_parse(&cr, body, len, false, why, sizeof(why)));
	EXPECT_FALSE(chain_for(&p, &cr, names, sizeof(names)));
	EXPECT_STREQ("Intermediate>Sub CA | Root One>Intermediate", names);
	iked_certreq_clear(&cr);
	certreq_pki_drop(&p);
}

/* An IKE SA of a calloc()ed daemon holding A's credentials. */
struct fake {
	struct iked d;
	struct ike_sa sa;
	struct iked_conf_conn conn;
};

static void fake_make(struct fake *f, const char *dir)
{
	char err[512];

	memset(f, 0, sizeof(*f));
	if (iked_creds_load(dir, NULL, NULL, &f->d.creds, err, sizeof(err)))
		abort();
	f->conn.name = "a-b";
	f->sa.d = &f->d;
	f->sa.conn = &f->conn;
	f->sa.no = 1;
	f->sa.path.remote.family = AF_INET;
}

static void fake_drop(struct fake *f)
{
	iked_peer_cas_free(&f->sa);
	iked_creds_free(f->d.creds);
}

TEST(unmatched_request_is_said_with_the_cas_and_our_root)
{
	struct certreq_pki p;
	struct fake *f = calloc(1, sizeof(*f));
	const struct iked_cred_cert *out[8];
	struct iked_cred_cert ours;
	struct iked_auth_blob b[2];
	uint8_t v2[64], cr_bad[64];
	char *log, hex[48], want[512];
	int saved, fd;
	size_t i, n;

	certreq_pki_make(&p, 3);
	fake_make(f, p.dir_a);
	b[0].data = v2;
	b[0].len = v2_body(v2, (X509 *[]){ p.r3, p.r2 }, 2);
	/* A hash for one we know and one we do not; our chain reaches neither
	 * once Root Two is left out of the request. */
	b[0].len -= 20;
	memcpy(cr_bad, v2, 30);
	b[1].data = cr_bad;
	b[1].len = 30;
	ours.x = p.a;
	ours.path = "a.pem";
	iked_log_open(0, IKED_LOG_INFO);
	fd = log_capture_start(&saved);
	iked_peer_cas_take(&f->sa, b, 2, false);
	n = iked_peer_cas_chain(&f->sa, &ours, out, 7);
	log = log_capture_text(fd);
	log_capture_stop(fd, saved);
	EXPECT_EQ(2, n);
	EXPECT_EQ(1, f->d.certreq_refused);
	for (i = 0; i < 20; i++)
		sprintf(hex + 2 * i, "%02x", v2[1 + i]);
	EXPECT_NE(NULL, strstr(log, "CERTREQ payload 2 of 2 (30 bytes) refused: its CA hashes are 29 bytes, not a multiple of the 20 of a SHA-1 hash"))
		TH_LOG("%s", log);
	snprintf(want, sizeof(want), "peer asks for certificates from key hash %s",
		 hex);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	snprintf(want, sizeof(want), "peer asked for certificates from CAs key hash %s, ours (a.pem) chains to C=CH, O=Example, CN=Root One: the peer will not trust it",
		 hex);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("%s", log);
	free(log);
	/* A CA we hold, by its subject; the status counts the refusal. */
	b[0].len = v2_body(v2, (X509 *[]){ p.r1 }, 1);
	fd = log_capture_start(&saved);
	iked_peer_cas_take(&f->sa, b, 1, false);
	n = iked_peer_cas_chain(&f->sa, &ours, out, 7);
	iked_status_write(&f->d, stderr, false);
	log = log_capture_text(fd);
	log_capture_stop(fd, saved);
	EXPECT_NE(NULL, strstr(log, "peer asks for certificates from C=CH, O=Example, CN=Root One"))
		TH_LOG("%s", log);
	EXPECT_EQ(NULL, strstr(log, "will not trust")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "CERTREQ/CR payloads refused as malformed: 1"))
		TH_LOG("%s", log);
	free(log);
	fake_drop(f);
	free(f);
	certreq_pki_drop(&p);
}

TEST(ikev1_cr_names_are_escaped_and_unknown_dns_shown)
{
	struct certreq_pki p;
	struct fake *f = calloc(1, sizeof(*f));
	struct iked_auth_blob b[1];
	uint8_t body[512];
	X509_NAME *n = X509_NAME_new();
	unsigned char *q = body + 1;
	char *log;
	int saved, fd;

	certreq_pki_make(&p, 3);
	fake_make(f, p.dir_a);
	/* A DN no CA of ours has, with a terminal escape in it. */
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"Evil\x1b[2J CA", -1,
				   -1, 0);
	body[0] = 4;
	b[0].data = body;
	b[0].len = 1 + (size_t)i2d_X509_NAME(n, &q);
	iked_log_open(0, IKED_LOG_INFO);
	fd = log_capture_start(&saved);
	iked_peer_cas_take(&f->sa, b, 1, true);
	log = log_capture_text(fd);
	log_capture_stop(fd, saved);
	EXPECT_EQ(NULL, strchr(log, 0x1b)) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "peer asks for certificates from CN=Evil\\1B[2J CA"))
		TH_LOG("%s", log);
	free(log);
	X509_NAME_free(n);
	fake_drop(f);
	free(f);
	certreq_pki_drop(&p);
}

TEST_HARNESS_MAIN
