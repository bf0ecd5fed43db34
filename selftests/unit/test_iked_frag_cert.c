// SPDX-License-Identifier: GPL-2.0
/*
 * IKE fragmentation (RFC 7383) where it matters: two in-process
 * kesp-iked instances authenticate with RSA certificates from one CA,
 * each sending its certificate, with a fragment size of 300 bytes. Each
 * IKE_AUTH message goes as several Encrypted Fragments, the other end
 * reassembles them, verifies the certificate and the signature, and
 * both install matching CHILD SAs (the recorder of iked_pair.h). With
 * fragmentation=no on one end the same exchange goes in whole messages.
 * On a path that drops IP fragments (the network loses every datagram
 * over 600 bytes, fragments are 600), fragments get through, and a whole
 * IKE_AUTH is given up with a line that says why it went whole.
 * Each test runs in a network namespace of its own, as
 * test_iked_exchange does.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/sa/control.h"
/* The recorder's checks this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_pair.h"
#include "iked_inst.h"
#pragma GCC diagnostic pop
#include "log_capture.h"
#include "kselftest_harness.h"
#include "cert_fixture.h"

/* ipsec.d with the CA, both gateways' certificates and keys. */
static void make_dir(char *dir)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	EVP_PKEY *ca_key = new_key("EC"), *ka = new_key("RSA"),
		 *kb = new_key("RSA");
	X509 *ca, *a, *b;
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-frag-cert-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
	ca = new_signed_cert(ca_key, "Example Root CA", NULL, NULL, NULL, -1, 30);
	a = new_signed_cert(ka, "a.example", ca, ca_key, "DNS:a.example", -1, 30);
	b = new_signed_cert(kb, "b.example", ca, ca_key, "DNS:b.example", -1, 30);
	put_pem(dir, "cacerts/ca.pem", ca, NULL);
	put_pem(dir, "certs/a.pem", a, NULL);
	put_pem(dir, "certs/b.pem", b, NULL);
	put_pem(dir, "private/a.key", NULL, ka);
	put_pem(dir, "private/b.key", NULL, kb);
	X509_free(ca);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}

#define CONF(me, ip, net, peer, pip, pnet) \
	"conn " me "-" peer "\n" \
	"\tleft=" ip "\n\tleftid=@" me ".example\n" \
	"\tleftcert=" me ".pem\n\tleftsendcert=always\n" \
	"\tleftsubnet=" net "\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n" \
	"\tauthby=pubkey\n" \
	"\tike=aes256gcm16-prfsha256-ecp256!\n" \
	"\tesp=aes128-sha256-ecp256!\n" \
	"\tauto=add\n"

static const char conf_a[] = CONF("a", "127.0.0.1", "10.1.0.0/24", "b",
				  "127.0.0.2", "10.2.0.0/24");
static const char conf_b[] = CONF("b", "127.0.0.2", "10.2.0.0/24", "a",
				  "127.0.0.1", "10.1.0.0/24");

FIXTURE(certs) {
	char dir[64], why[IKED_CONF_ERRLEN];
	struct inst a, b;
	/* Datagrams each end received. */
	unsigned int to_a, to_b;
};

static int inst_new(struct inst *in, const char *dir, const char *ip,
		    const char *conf, const char *secrets, char *why,
		    size_t len)
{
	if (pair_daemon_new(in, ip, conf, secrets, why, len))
		return -1;
	return iked_creds_load(dir, in->d->conf, in->d->secrets,
			       &in->d->creds, why, len);
}

FIXTURE_SETUP(certs)
{
	int r = netns_enter(self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	iked_log_open(0, IKED_LOG_WARN);
	make_dir(self->dir);
	insts_name(&self->a, &self->b);
	ASSERT_EQ(0, inst_new(&self->a, self->dir, "127.0.0.1", conf_a,
			      ": RSA a.key\n", self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(&self->b, self->dir, "127.0.0.2", conf_b,
			      ": RSA b.key\n", self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	self->a.d->fragment_size = 300;
	self->b.d->fragment_size = 300;
}

static void inst_free(struct inst *in)
{
	if (in->d) {
		iked_creds_free(in->d->creds);
		in->d->creds = NULL;
	}
	pair_daemon_free(in);
}

FIXTURE_TEARDOWN(certs)
{
	char cmd[128];

	inst_free(&self->a);
	inst_free(&self->b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		abort();
}

/* A brings the conn up; both loops run until nothing moves. */
static void run(FIXTURE_DATA(certs) *self)
{
	struct ike_sa *sa;

	if (iked_initiate(self->a.d, &self->a.d->conns[0], &sa))
		return;
	insts_settle(&self->a, &self->b, 10000, &self->to_a, &self->to_b);
}

static bool established(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && sa->children)
			return true;
	return false;
}

TEST_F_TIMEOUT(certs, ike_auth_with_certificates_in_fragments, 120)
{
	run(self);
	ASSERT_TRUE(established(&self->a));
	ASSERT_TRUE(established(&self->b));
	EXPECT_EQ(0, rec_check_pair(&self->a.rec, &self->b.rec, self->why,
				    sizeof(self->why))) TH_LOG("%s", self->why);
	/*
	 * IKE_SA_INIT is one datagram each way; a 2048-bit certificate and
	 * signature in 300-byte datagrams make IKE_AUTH five or more.
	 */
	EXPECT_LE(1 + 5, self->to_b) TH_LOG("to B: %u", self->to_b);
	EXPECT_LE(1 + 5, self->to_a) TH_LOG("to A: %u", self->to_a);
}

TEST_F_TIMEOUT(certs, fragmentation_no_sends_whole_messages, 120)
{
	self->b.d->conf->conns[0].fragmentation = IKED_FRAG_NO;
	run(self);
	ASSERT_TRUE(established(&self->a));
	ASSERT_TRUE(established(&self->b));
	EXPECT_EQ(0, rec_check_pair(&self->a.rec, &self->b.rec, self->why,
				    sizeof(self->why))) TH_LOG("%s", self->why);
	EXPECT_EQ(2, self->to_b);
	EXPECT_EQ(2, self->to_a);
}

/*
 * A path that drops IP fragments, for a fragment size of PATH_MAX_IP: a
 * datagram of more is lost (@len counts the UDP payload).
 */
#define PATH_MAX_IP	600

static bool ip_fragments_dropped(const struct inst *in, const uint8_t *dgram,
				 size_t len)
{
	(void)in;
	(void)dgram;
	return len + 20 + 8 > PATH_MAX_IP;
}

static void lossy_path(FIXTURE_DATA(certs) *self)
{
	self->a.d->fragment_size = PATH_MAX_IP;
	self->b.d->fragment_size = PATH_MAX_IP;
	self->a.lose = ip_fragments_dropped;
	self->b.lose = ip_fragments_dropped;
	/* Give up soon: three sends in 350 ms. */
	self->a.d->retx_first_ms = 50;
	self->a.d->retx_tries = 2;
}

/* A's log while it brings the conn up on the lossy path; free() it. */
static char *run_logged(FIXTURE_DATA(certs) *self)
{
	int saved, fd = log_capture_start(&saved);
	char *text;

	run(self);
	text = log_capture_text(fd);
	log_capture_stop(fd, saved);
	return text;
}

TEST_F_TIMEOUT(certs, fragments_pass_a_path_that_drops_ip_fragments, 120)
{
	lossy_path(self);
	run(self);
	ASSERT_TRUE(established(&self->a));
	ASSERT_TRUE(established(&self->b));
	EXPECT_EQ(0, self->a.lost + self->b.lost)
		TH_LOG("lost: to A %u, to B %u", self->a.lost, self->b.lost);
}

TEST_F_TIMEOUT(certs, whole_ike_auth_lost_is_said_with_our_fragmentation_no, 120)
{
	char *log;

	self->a.d->conf->conns[0].fragmentation = IKED_FRAG_NO;
	lossy_path(self);
	log = run_logged(self);
	EXPECT_FALSE(established(&self->a));
	EXPECT_LE(3, self->b.lost) TH_LOG("lost at B: %u", self->b.lost);
	EXPECT_NE(NULL, strstr(log, "no response from 127.0.0.2[500] to IKE_AUTH request: giving up after 2 retransmits"))
		TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, ", over the fragment size of 600, because fragmentation=no here: a path that drops IP fragments"))
		TH_LOG("%s", log);
	free(log);
}

TEST_F_TIMEOUT(certs, whole_ike_auth_lost_is_said_when_the_peer_has_no_fragmentation, 120)
{
	char *log;

	self->b.d->conf->conns[0].fragmentation = IKED_FRAG_NO;
	lossy_path(self);
	log = run_logged(self);
	EXPECT_FALSE(established(&self->a));
	EXPECT_NE(NULL, strstr(log, "because the peer did not announce IKE fragmentation (RFC 7383) in IKE_SA_INIT"))
		TH_LOG("%s", log);
	free(log);
}

/* A request that fits goes whole and its give-up line says nothing more. */
TEST_F_TIMEOUT(certs, small_request_lost_gets_the_plain_line, 120)
{
	char *log;

	self->a.d->conf->conns[0].fragmentation = IKED_FRAG_NO;
	lossy_path(self);
	self->a.d->fragment_size = 4000;
	self->b.lose = NULL;
	self->a.lose = ip_fragments_dropped;	/* B's IKE_AUTH answer is lost */
	log = run_logged(self);
	EXPECT_FALSE(established(&self->a));
	EXPECT_NE(NULL, strstr(log, "to IKE_AUTH request: giving up after 2 retransmits"))
		TH_LOG("%s", log);
	EXPECT_EQ(NULL, strstr(log, "over the fragment size")) TH_LOG("%s", log);
	free(log);
}

TEST_HARNESS_MAIN
