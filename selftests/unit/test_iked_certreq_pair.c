// SPDX-License-Identifier: GPL-2.0
/*
 * The chain the peer asks for, between two in-process kesp-iked
 * instances, in IKEv2 and in IKEv1 Main Mode (certreq_pki.h): A's
 * certificate is under a Sub CA under an Intermediate CA that both Root
 * One and Root Two certified; B trusts Root Two only and asks for it
 * (CERTREQ: its key's hash; CR: its DN). A sends the path through Root
 * Two, not the first one it holds, and B accepts it. When B trusts an
 * unrelated Root Three, A says which CAs B asked for and that its chain
 * goes to Root One. Each test in a network namespace of its own.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/certreq.h"
#include "iked/crypto/auth/creds.h"
#include "iked/sa/control.h"
#include "iked/status.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "iked_pair.h"
#include "iked_inst.h"
#pragma GCC diagnostic pop
#include "log_capture.h"
#include "kselftest_harness.h"
#include "cert_fixture.h"
#include "certreq_pki.h"

#define CONF(me, ip, net, peer, pip, pnet, kx) \
	"conn " me "-" peer "\n" \
	"\tleft=" ip "\n\tleftid=@" me ".example\n" \
	"\tleftcert=" me ".pem\n" \
	"\tleftsubnet=" net "\n" \
	"\tright=" pip "\n\trightid=@" peer ".example\n" \
	"\trightsubnet=" pnet "\n" \
	"\tauthby=pubkey\n\tkeyexchange=" kx "\n" \
	"\tike=aes256-sha256-ecp256!\n" \
	"\tesp=aes128-sha256!\n" \
	"\tauto=add\n"

FIXTURE(certreq) {
	struct certreq_pki pki;
	char why[IKED_CONF_ERRLEN];
	struct inst a, b;
	unsigned int to_a, to_b;
	char *log;
};

FIXTURE_VARIANT(certreq) {
	const char *conf_a, *conf_b;
	int b_root;
};

#define VARIANT(name, kx, root) \
	FIXTURE_VARIANT_ADD(certreq, name) { \
		.conf_a = CONF("a", "127.0.0.1", "10.1.0.0/24", "b", \
			       "127.0.0.2", "10.2.0.0/24", kx), \
		.conf_b = CONF("b", "127.0.0.2", "10.2.0.0/24", "a", \
			       "127.0.0.1", "10.1.0.0/24", kx), \
		.b_root = root, \
	}

VARIANT(ikev2, "ikev2", 2);
VARIANT(ikev1, "ikev1", 2);
VARIANT(ikev2_unrelated_root, "ikev2", 3);
VARIANT(ikev1_unrelated_root, "ikev1", 3);

static int inst_new(struct inst *in, const char *dir, const char *ip,
		    const char *conf, const char *secrets, char *why,
		    size_t len)
{
	if (pair_daemon_new(in, ip, conf, secrets, why, len))
		return -1;
	return iked_creds_load(dir, in->d->conf, in->d->secrets,
			       &in->d->creds, why, len);
}

FIXTURE_SETUP(certreq)
{
	int r = netns_enter(self->why, sizeof(self->why));

	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	iked_log_open(0, IKED_LOG_INFO);
	certreq_pki_make(&self->pki, variant->b_root);
	insts_name(&self->a, &self->b);
	ASSERT_EQ(0, inst_new(&self->a, self->pki.dir_a, "127.0.0.1",
			      variant->conf_a, ": ECDSA a.key\n", self->why,
			      sizeof(self->why))) TH_LOG("%s", self->why);
	ASSERT_EQ(0, inst_new(&self->b, self->pki.dir_b, "127.0.0.2",
			      variant->conf_b, ": ECDSA b.key\n", self->why,
			      sizeof(self->why))) TH_LOG("%s", self->why);
}

static void inst_free(struct inst *in)
{
	pair_daemon_free(in);
}

FIXTURE_TEARDOWN(certreq)
{
	inst_free(&self->a);
	inst_free(&self->b);
	certreq_pki_drop(&self->pki);
	free(self->log);
}

/* A brings the conn up, both run until nothing moves; the log kept. */
static void run(FIXTURE_DATA(certreq) *self)
{
	int saved, fd = log_capture_start(&saved);
	struct ike_sa *sa;

	if (!iked_initiate(self->a.d, &self->a.d->conns[0], &sa))
		insts_settle(&self->a, &self->b, 10000, &self->to_a,
			     &self->to_b);
	self->log = log_capture_text(fd);
	log_capture_stop(fd, saved);
}

static bool established(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED)
			return true;
	return false;
}

/* `kespctl ike diagnose` of @d's conn, as a new string. */
static char *diagnose(struct iked *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	iked_status_diagnose(d, iked_conn_of(d, &d->conf->conns[0]), f);
	fclose(f);
	return buf;
}

TEST_F_TIMEOUT(certreq, chain_sent_is_the_one_the_peer_asks_for, 120)
{
	char hex[48], want[512], *diag;
	uint8_t h[20];
	size_t i;

	run(self);
	if (variant->b_root == 2) {
		ASSERT_TRUE(established(&self->a)) TH_LOG("%s", self->log);
		ASSERT_TRUE(established(&self->b)) TH_LOG("%s", self->log);
		EXPECT_NE(NULL, strstr(self->log, "a-b[1] peer asks for certificates from C=CH, O=Example, CN=Root Two"))
			TH_LOG("%s", self->log);
		EXPECT_EQ(NULL, strstr(self->log, "will not trust"))
			TH_LOG("%s", self->log);
		diag = diagnose(self->a.d);
		EXPECT_NE(NULL, strstr(diag, "\n    the peer asked for certificates from C=CH, O=Example, CN=Root Two\n"))
			TH_LOG("%s", diag);
		free(diag);
		return;
	}
	EXPECT_FALSE(established(&self->b));
	/* IKEv2 names Root Three by its key's hash, IKEv1 by its DN. */
	ASSERT_EQ(0, iked_certreq_key_hash(self->pki.r3, h));
	for (i = 0; i < 20; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	snprintf(want, sizeof(want), "peer asked for certificates from CAs %s%s, ours (a.pem) chains to C=CH, O=Example, CN=Root One: the peer will not trust it",
		 strstr(variant->conf_a, "ikev1") ? "" : "key hash ",
		 strstr(variant->conf_a, "ikev1") ?
		 "C=CH, O=Example, CN=Root Three" : hex);
	EXPECT_NE(NULL, strstr(self->log, want)) TH_LOG("%s", self->log);
}

TEST_HARNESS_MAIN
