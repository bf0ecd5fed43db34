// SPDX-License-Identifier: GPL-2.0
/*
 * Several certificates of our own in one conn (leftcert=a1.pem,a2.pem,
 * strongSwan's comma separated list): two in-process kesp-iked
 * instances, A with a1.pem under Root One and a2.pem under Root Two
 * (each with its key), B trusting one root only and asking for it in
 * its CERTREQ (IKEv2) or CR (IKEv1). A authenticates with the
 * certificate of the root B named, in both versions and whichever root
 * it is; both are loaded. A list with an empty name, and a list for the
 * peer's pinned certificate, are refused with FILE:LINE. Each test in a
 * network namespace of its own.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/sa/control.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_pair.h"
#include "iked_inst.h"
#pragma GCC diagnostic pop
#include "log_capture.h"
#include "kselftest_harness.h"
#include "cert_fixture.h"

#define CONF(me, ip, net, peer, pip, pnet, cert, kx) \
	"conn " me "-" peer "\n" \
	"\tleft=" ip "\n\tleftid=@" me ".example\n" \
	"\tleftcert=" cert "\n" \
	"\tleftsubnet=" net "\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n" \
	"\tauthby=pubkey\n\tkeyexchange=" kx "\n" \
	"\tike=aes256-sha256-ecp256!\n" \
	"\tesp=aes128-sha256!\n" \
	"\tauto=add\n"

FIXTURE(multicert) {
	char dir_a[64], dir_b[64], why[IKED_CONF_ERRLEN];
	struct inst a, b;
	unsigned int to_a, to_b;
	char *log;
};

FIXTURE_VARIANT(multicert) {
	const char *conf_a, *conf_b;
	int b_root;			/* the one root B trusts */
};

#define VARIANT(name, kx, root) \
	FIXTURE_VARIANT_ADD(multicert, name) { \
		.conf_a = CONF("a", "127.0.0.1", "10.1.0.0/24", "b", \
			       "127.0.0.2", "10.2.0.0/24", \
			       "a1.pem, a2.pem", kx), \
		.conf_b = CONF("b", "127.0.0.2", "10.2.0.0/24", "a", \
			       "127.0.0.1", "10.1.0.0/24", "b.pem", kx), \
		.b_root = root, \
	}

VARIANT(ikev2_second, "ikev2", 2);
VARIANT(ikev2_first, "ikev2", 1);
VARIANT(ikev1_second, "ikev1", 2);

static void mkdirs(char *dir)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-multicert-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
}

/* Roots One and Two; A's two certificates, B's under root @b_root. */
static void make_pki(FIXTURE_DATA(multicert) *self, int b_root)
{
	EVP_PKEY *k1 = new_key("EC"), *k2 = new_key("EC"),
		 *ka1 = new_key("EC"), *ka2 = new_key("EC"),
		 *kb = new_key("EC");
	X509 *r1, *r2, *a1, *a2, *b;

	mkdirs(self->dir_a);
	mkdirs(self->dir_b);
	r1 = new_signed_cert(k1, "Root One", NULL, NULL, NULL, -1, 30);
	r2 = new_signed_cert(k2, "Root Two", NULL, NULL, NULL, -1, 30);
	a1 = new_signed_cert(ka1, "a1", r1, k1, "DNS:a.example", -1, 30);
	a2 = new_signed_cert(ka2, "a2", r2, k2, "DNS:a.example", -1, 30);
	b = new_signed_cert(kb, "b", b_root == 1 ? r1 : r2,
			    b_root == 1 ? k1 : k2, "DNS:b.example", -1, 30);
	put_pem(self->dir_a, "cacerts/one.pem", r1, NULL);
	put_pem(self->dir_a, "cacerts/two.pem", r2, NULL);
	put_pem(self->dir_a, "certs/a1.pem", a1, NULL);
	put_pem(self->dir_a, "certs/a2.pem", a2, NULL);
	put_pem(self->dir_a, "private/a1.key", NULL, ka1);
	put_pem(self->dir_a, "private/a2.key", NULL, ka2);
	put_pem(self->dir_b, "cacerts/root.pem", b_root == 1 ? r1 : r2, NULL);
	put_pem(self->dir_b, "certs/b.pem", b, NULL);
	put_pem(self->dir_b, "private/b.key", NULL, kb);
	X509_free(r1); X509_free(r2); X509_free(a1); X509_free(a2);
	X509_free(b);
	EVP_PKEY_free(k1); EVP_PKEY_free(k2); EVP_PKEY_free(ka1);
	EVP_PKEY_free(ka2); EVP_PKEY_free(kb);
}

static int inst_new(struct inst *in, const char *dir, const char *ip,
		    const char *conf, const char *secrets, char *why,
		    size_t len)
{
	if (pair_daemon_new(in, ip, conf, secrets, why, len))
		return -1;
	return iked_creds_load(dir, in->d->conf, in->d->secrets,
			       &in->d->creds, why, len);
}

FIXTURE_SETUP(multicert)
{
	int r = netns_enter(self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	iked_log_open(0, IKED_LOG_INFO);
	make_pki(self, variant->b_root);
	insts_name(&self->a, &self->b);
	ASSERT_EQ(0, inst_new(&self->a, self->dir_a, "127.0.0.1",
			      variant->conf_a, ": ECDSA a1.key\n: ECDSA a2.key\n",
			      self->why, sizeof(self->why))) TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(&self->b, self->dir_b, "127.0.0.2",
			      variant->conf_b, ": ECDSA b.key\n", self->why,
			      sizeof(self->why))) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(multicert)
{
	char cmd[160];

	pair_daemon_free(&self->a);
	pair_daemon_free(&self->b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", self->dir_a, self->dir_b);
	if (system(cmd))
		abort();
	free(self->log);
}

static bool established(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED)
			return true;
	return false;
}

TEST_F_TIMEOUT(multicert, the_certificate_of_the_root_the_peer_asks_for, 120)
{
	int saved, fd = log_capture_start(&saved);
	char want[128];
	struct ike_sa *sa;

	/* Both loaded, each with its key (kespctl cert list shows them). */
	EXPECT_EQ(2, self->a.d->creds->n_certs);
	if (!iked_initiate(self->a.d, &self->a.d->conns[0], &sa))
		insts_settle(&self->a, &self->b, 10000, &self->to_a,
			     &self->to_b);
	self->log = log_capture_text(fd);
	log_capture_stop(fd, saved);
	EXPECT_TRUE(established(&self->a)) TH_LOG("%s", self->log);
	EXPECT_TRUE(established(&self->b)) TH_LOG("%s", self->log);
	snprintf(want, sizeof(want), "a-b[1] authenticating with a%d.pem of leftcert=a1.pem,a2.pem (the peer's CERTREQ chose)",
		 variant->b_root);
	EXPECT_NE(NULL, strstr(self->log, want)) TH_LOG("%s", self->log);
	EXPECT_EQ(NULL, strstr(self->log, "will not trust")) TH_LOG("%s", self->log);
}

/* A config error: FILE:LINE and what is wrong. */
static void conf_refused(struct __test_metadata *_metadata, const char *conf,
			 const char *want)
{
	struct inst in = { .name = "X" };
	char why[IKED_CONF_ERRLEN] = "";

	EXPECT_NE(0, pair_daemon_new(&in, "127.0.0.3", conf, "", why,
				     sizeof(why))) TH_LOG("%s", conf);
	EXPECT_NE(NULL, strstr(why, want)) TH_LOG("%s", why);
	pair_daemon_free(&in);
}

TEST_F(multicert, lists_refused_with_file_and_line)
{
	conf_refused(_metadata,
		     CONF("x", "127.0.0.3", "10.3.0.0/24", "y", "127.0.0.4",
			  "10.4.0.0/24", "a1.pem,,a2.pem", "ikev2"),
		     "X:4: ");
	conf_refused(_metadata,
		     CONF("x", "127.0.0.3", "10.3.0.0/24", "y", "127.0.0.4",
			  "10.4.0.0/24", "a1.pem,,a2.pem", "ikev2"),
		     "an empty name in the list");
	conf_refused(_metadata,
		     CONF("x", "127.0.0.3", "10.3.0.0/24", "y", "127.0.0.4",
			  "10.4.0.0/24", "a1.pem,a2.pem,", "ikev2"),
		     "an empty name in the list");
	conf_refused(_metadata,
		     CONF("x", "127.0.0.3", "10.3.0.0/24", "y", "127.0.0.4",
			  "10.4.0.0/24", "a,b,c,d,e", "ikev2"),
		     "too many certificates");
	conf_refused(_metadata,
		     "conn x-y\n\tleft=127.0.0.3\n\tright=127.0.0.4\n"
		     "\tleftcert=x.pem\n\trightcert=p.pem,q.pem\n"
		     "\tleftsubnet=10.3.0.0/24\n\trightsubnet=10.4.0.0/24\n"
		     "\tauto=add\n",
		     "X:1: conn x-y: rightcert=p.pem,q.pem: the peer's certificate is pinned to one");
}

TEST_HARNESS_MAIN
