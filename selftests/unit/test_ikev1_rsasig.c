// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 with RSA signatures (RFC 2409 5.1, auth method 3): two
 * in-process kesp-iked instances (inst_pair.h: loopback UDP, a netns of
 * their own, the recorder as kernel, both logs captured) with RSA
 * certificates from one CA made here by OpenSSL (cert_fixture.h). Main
 * Mode both ways and Aggressive Mode establish and Quick Mode installs
 * matching CHILD SAs; CR goes in MM3/MM4 and CERT with SIG in MM5/MM6
 * (read from the wire, and from the responder's decryption of MM5); a
 * certificate of an unknown CA, an ID not in the certificate, a SIG
 * tampered with on the wire (Aggressive Mode sends it in the clear) or
 * made over another HASH, and a PSK conn against an rsasig one are
 * refused with their lines and nothing is installed. The ISAKMP SA's
 * rekey authenticates with the certificates again.
 */

#include <poll.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "iked/crypto/auth/creds.h"
#include "iked/ikev1/v1.h"
#include "iked/sa/control.h"
/* The pair's helpers this test has no use for. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "inst_pair.h"
#pragma GCC diagnostic pop
#include "cert_fixture.h"

/*
 * ipsec.d with the CA (the only one in cacerts/), A's and B's
 * certificates and keys, and b-rogue.pem: B's key certified by a CA
 * that A does not know.
 */
static void make_dir(char *dir)
{
	static const char *const sub[] = {
		"ipsec.d", "ipsec.d/cacerts", "ipsec.d/certs", "ipsec.d/private",
	};
	EVP_PKEY *ca_key = new_key("RSA"), *rogue_key = new_key("RSA"),
		 *ka = new_key("RSA"), *kb = new_key("RSA"),
		 *kae = new_key("EC"), *kbe = new_key("EC");
	X509 *ca, *rogue, *a, *b, *br, *ae, *be;
	char p[256];
	size_t i;

	strcpy(dir, "/tmp/kesp-v1rsa-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		mkdir(p, 0700);
	}
	ca = new_signed_cert(ca_key, "Example Root CA", NULL, NULL, NULL, -1, 30);
	rogue = new_signed_cert(rogue_key, "Rogue CA", NULL, NULL, NULL, -1, 30);
	a = new_signed_cert(ka, "a.example", ca, ca_key, "DNS:a.example", -1, 30);
	b = new_signed_cert(kb, "b.example", ca, ca_key, "DNS:b.example", -1, 30);
	br = new_signed_cert(kb, "b.example", rogue, rogue_key,
			     "DNS:b.example", -1, 30);
	ae = new_signed_cert(kae, "a.example", ca, ca_key, "DNS:a.example", -1,
			     30);
	be = new_signed_cert(kbe, "b.example", ca, ca_key, "DNS:b.example", -1,
			     30);
	put_pem(dir, "certs/a-ec.pem", ae, NULL);
	put_pem(dir, "certs/b-ec.pem", be, NULL);
	put_pem(dir, "private/a-ec.key", NULL, kae);
	put_pem(dir, "private/b-ec.key", NULL, kbe);
	X509_free(ae); X509_free(be);
	EVP_PKEY_free(kae); EVP_PKEY_free(kbe);
	put_pem(dir, "cacerts/ca.pem", ca, NULL);
	put_pem(dir, "certs/a.pem", a, NULL);
	put_pem(dir, "certs/b.pem", b, NULL);
	put_pem(dir, "certs/b-rogue.pem", br, NULL);
	put_pem(dir, "private/a.key", NULL, ka);
	put_pem(dir, "private/b.key", NULL, kb);
	X509_free(ca); X509_free(rogue); X509_free(a); X509_free(b);
	X509_free(br);
	EVP_PKEY_free(ca_key); EVP_PKEY_free(rogue_key);
	EVP_PKEY_free(ka); EVP_PKEY_free(kb);
}

/* A conn of @me to @peer; @extra: more lines ("\tkey=value\n"). */
#define CONF(me, ip, net, peer, pip, pnet, cert, id, rid, auth, extra) \
	"conn " me "-" peer "\n"					\
	"\tleft=" ip "\n\tleftid=" id "\n"				\
	"\tleftcert=" cert "\n"						\
	"\tleftsubnet=" net "\n"					\
	"\tright=" pip "\n\trightid=" rid "\n"			\
	"\trightsubnet=" pnet "\n"					\
	"\tauthby=" auth "\n\tkeyexchange=ikev1\n"			\
	"\tfragmentation=no\n"						\
	"\tike=aes256-sha256-modp2048!\n"				\
	"\tesp=aes128-sha256!\n"					\
	extra								\
	"\tauto=add\n"

#define CONF_A(extra) CONF("a", "127.0.0.1", "10.1.0.0/24", "b", \
			   "127.0.0.2", "10.2.0.0/24", "a.pem", \
			   "@a.example", "@b.example", "rsasig", extra)
#define CONF_B(cert, id, auth, extra) \
	CONF("b", "127.0.0.2", "10.2.0.0/24", "a", "127.0.0.1", \
	     "10.1.0.0/24", cert, id, "@a.example", auth, extra)

FIXTURE(v1rsa) {
	struct pair p;
	char dir[64], why[IKED_CONF_ERRLEN];
};

FIXTURE_SETUP(v1rsa)
{
	make_dir(self->dir);
}

static void creds_free(struct inst *in)
{
	if (in->d) {
		iked_creds_free(in->d->creds);
		in->d->creds = NULL;
	}
}

FIXTURE_TEARDOWN(v1rsa)
{
	char cmd[128];

	creds_free(&self->p.a);
	creds_free(&self->p.b);
	pair_teardown(&self->p, !_metadata->passed);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		abort();
}

/* A and B with @ca and @cb, their keys, ipsec.d read: 0, 1 skip, -1. */
static int open_pair(FIXTURE_DATA(v1rsa) *self, const char *ca,
		     const char *cb)
{
	struct pair *p = &self->p;
	int r = pair_open(p, ca, cb, ": RSA a.key\n", ": RSA b.key\n",
			  self->why, sizeof(self->why));

	if (r)
		return r;
	if (iked_creds_load(self->dir, p->a.d->conf, p->a.d->secrets,
			    &p->a.d->creds, self->why, sizeof(self->why)) ||
	    iked_creds_load(self->dir, p->b.d->conf, p->b.d->secrets,
			    &p->b.d->creds, self->why, sizeof(self->why)))
		return -1;
	return 0;
}

#define OPEN(ca, cb) do {						\
		int r_ = open_pair(self, ca, cb);			\
		if (r_ > 0)						\
			SKIP(return, "%s", self->why);			\
		ASSERT_EQ(0, r_) TH_LOG("%s", self->why);		\
	} while (0)

/* Payloads of each type in one message. */
struct seen {
	unsigned int n[IKEV1_PL_VID + 1];
	uint8_t exchange;
};

static void count(const struct ikev1_chain *c, struct seen *s)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->pl[i].type <= IKEV1_PL_VID)
			s->n[c->pl[i].type]++;
}

/*
 * The next datagram for @in, handed to it; what it carries into @s:
 * read on the wire, or from @in's decryption when it is encrypted.
 * With @flip_sig, a bit of its SIG is flipped first. 0 or -1.
 */
static int step(struct inst *in, struct seen *s, bool flip_sig)
{
	struct ikev1_msg *m = calloc(1, sizeof(*m));
	struct pollfd pfd = { pair_fd(in), POLLIN, 0 };
	struct iked_path path;
	struct ikev1_err err;
	const struct ikev1_pl *sig;
	ssize_t len;

	memset(s, 0, sizeof(*s));
	if (!m || poll(&pfd, 1, 5000) != 1)
		goto fail;
	len = iked_net_recv(&in->d->net, in->d->net.fd4, in->d->buf,
			    sizeof(in->d->buf), &path);
	if (len <= 0 || ikev1_msg_parse(m, in->d->buf, (size_t)len, &err))
		goto fail;
	s->exchange = m->hdr.exchange;
	count(&m->chain, s);
	sig = ikev1_chain_find(&m->chain, IKEV1_PL_SIG, 0);
	if (flip_sig && sig)
		((uint8_t *)in->d->buf)[sig->body - in->d->buf + 7] ^= 0x10;
	iked_ike_recv(in->d, in->d->buf, (size_t)len, &path);
	if (m->hdr.flags & IKEV1_F_ENCRYPT) {
		/* What the receiver decrypted, still in its buffer. */
		if (ikev1_chain_parse(&m->chain, m->hdr.next, in->d->plain,
				      m->body_len, true, &err))
			goto fail;
		count(&m->chain, s);
	}
	free(m);
	return 0;
fail:
	free(m);
	return -1;
}

/* Both ends up: one ISAKMP SA each, one pair of matching CHILD SAs. */
static void expect_up(struct __test_metadata *_metadata, struct pair *p,
		      char *why, size_t len)
{
	EXPECT_EQ(0, check_one_ike_sa(p, NULL, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, check_one_pair(p, why, len)) TH_LOG("%s", why);
	EXPECT_EQ(0, check_history(p, why, len)) TH_LOG("%s", why);
}

/* Nothing installed on @in. */
static size_t n_sas(const struct inst *in)
{
	const struct kesp_sa *v[4];

	return live_sas(&in->rec, KESP_DIR_IN, v, 4) +
	       live_sas(&in->rec, KESP_DIR_OUT, v, 4);
}

TEST_F_TIMEOUT(v1rsa, main_mode_with_certificates_both_ways, 60)
{
	struct pair *p = &self->p;
	struct seen s;

	OPEN(CONF_A(""), CONF_B("b.pem", "@b.example", "rsasig", ""));
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM1 */
	ASSERT_EQ(0, step(&p->a, &s, false));		/* MM2 */
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM3 */
	EXPECT_EQ(1, s.n[IKEV1_PL_CR]) TH_LOG("MM3: no CR for our one CA");
	ASSERT_EQ(0, step(&p->a, &s, false));		/* MM4 */
	EXPECT_EQ(1, s.n[IKEV1_PL_CR]) TH_LOG("MM4: no CR");
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM5, as B read it */
	EXPECT_EQ(1, s.n[IKEV1_PL_ID]);
	EXPECT_EQ(1, s.n[IKEV1_PL_CERT]) TH_LOG("MM5: no CERT though asked");
	EXPECT_EQ(1, s.n[IKEV1_PL_SIG]);
	EXPECT_EQ(0, s.n[IKEV1_PL_HASH]);
	ASSERT_EQ(0, step(&p->a, &s, false));		/* MM6 */
	EXPECT_EQ(1, s.n[IKEV1_PL_CERT]) TH_LOG("MM6: no CERT though asked");
	EXPECT_EQ(1, s.n[IKEV1_PL_SIG]);
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	EXPECT_EQ(1, log_count(p, &p->a, "ISAKMP SA established (IKEv1 Main Mode, initiator)"));
	/* Only A has left for B to name; now B initiates to A. */
	ASSERT_EQ(0, pair_terminate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(0, n_sas(&p->a));
	ASSERT_EQ(0, pair_initiate(&p->b));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
}

/* The ISAKMP SA's rekey (a new Main Mode beside it) signs again. */
TEST_F_TIMEOUT(v1rsa, the_isakmp_sa_rekey_signs_again, 60)
{
	struct pair *p = &self->p;
	struct ike_sa *sa;
	size_t before;

	OPEN(CONF_A(""), CONF_B("b.pem", "@b.example", "rsasig", ""));
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	before = n_sas(&p->a);
	for (sa = p->a.d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED)
			sa->rekey_at = iked_now();
	pair_timers(&p->a);
	pair_settle(p, 5000);
	EXPECT_EQ(2, log_count(p, &p->a, "ISAKMP SA established (IKEv1 Main Mode, initiator)"));
	EXPECT_EQ(2, log_count(p, &p->b, "ISAKMP SA established (IKEv1 Main Mode, responder)"));
	EXPECT_EQ(0, log_count(p, &p->a, "authentication failed"));
	EXPECT_EQ(0, log_count(p, &p->b, "authentication failed"));
	EXPECT_EQ(before, n_sas(&p->a));
	EXPECT_EQ(0, check_one_pair(p, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

/* leftsendcert=never: B sends no CERT; A has it pinned (rightcert=). */
TEST_F_TIMEOUT(v1rsa, sendcert_never_with_a_pinned_peer_certificate, 60)
{
	struct pair *p = &self->p;
	struct seen s;

	OPEN(CONF_A("\trightcert=b.pem\n"),
	     CONF_B("b.pem", "@b.example", "rsasig", "\tleftsendcert=never\n"));
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM1 */
	ASSERT_EQ(0, step(&p->a, &s, false));		/* MM2 */
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM3 */
	EXPECT_EQ(0, s.n[IKEV1_PL_CR]) TH_LOG("MM3: CR for a pinned peer");
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
}

TEST_F_TIMEOUT(v1rsa, a_certificate_of_an_unknown_ca_is_refused, 60)
{
	struct pair *p = &self->p;

	OPEN(CONF_A(""), CONF_B("b-rogue.pem", "@b.example", "rsasig", ""));
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "authentication failed (AUTHENTICATION_FAILED): SIG_R in MM6 (ID b.example): unknown or untrusted CA: the certificate \"C=CH, O=Example, CN=b.example\" was issued by \"C=CH, O=Example, CN=Rogue CA\""));
	EXPECT_EQ(0, n_sas(&p->a));
	EXPECT_EQ(0, n_sas(&p->b));
}

TEST_F_TIMEOUT(v1rsa, an_id_not_in_the_certificate_is_refused, 60)
{
	struct pair *p = &self->p;

	/* B says it is c.example, A expects that, but the certificate is b's. */
	OPEN(CONF("a", "127.0.0.1", "10.1.0.0/24", "b", "127.0.0.2",
		  "10.2.0.0/24", "a.pem", "@a.example", "@c.example",
		  "rsasig", ""),
	     CONF_B("b.pem", "@c.example", "rsasig", ""));
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "SIG_R in MM6 (ID c.example): identity not in the certificate: the peer's ID c.example is not in its certificate"));
	EXPECT_EQ(0, n_sas(&p->a));
	EXPECT_EQ(0, n_sas(&p->b));
}

/*
 * A's copy of its SA payload changed after MM1: its SIG_I is over
 * another HASH_I than B computes, a signature that does not verify.
 */
TEST_F_TIMEOUT(v1rsa, a_sig_over_another_hash_is_refused, 60)
{
	struct pair *p = &self->p;
	struct seen s;

	OPEN(CONF_A(""), CONF_B("b.pem", "@b.example", "rsasig", ""));
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_NE(NULL, p->a.d->sas);
	v1(p->a.d->sas)->sai_b[v1(p->a.d->sas)->sai_len - 1] ^= 1;
	ASSERT_EQ(0, step(&p->b, &s, false));		/* MM1 */
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->b, "authentication failed (INVALID_SIGNATURE): SIG_I in MM5 (ID a.example): the public key of its certificate (subject \"C=CH, O=Example, CN=a.example\""));
	/* INVALID_SIGNATURE, in the clear: phase 1 is not up. */
	EXPECT_EQ(1, log_count(p, &p->a, "the peer sent notify 25 in the clear"))
		TH_LOG("A did not hear B's notify");
	EXPECT_EQ(0, n_sas(&p->a));
	EXPECT_EQ(0, n_sas(&p->b));
}

TEST_F_TIMEOUT(v1rsa, aggressive_mode_with_certificates, 60)
{
	struct pair *p = &self->p;
	struct seen s;

	OPEN(CONF_A("\taggressive=yes\n"),
	     CONF_B("b.pem", "@b.example", "rsasig", "\taggressive=yes\n"));
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_EQ(0, step(&p->b, &s, false));		/* AM1 */
	EXPECT_EQ(IKEV1_EXCH_AGGRESSIVE, s.exchange);
	EXPECT_EQ(1, s.n[IKEV1_PL_CR]);
	ASSERT_EQ(0, step(&p->a, &s, false));		/* AM2 */
	EXPECT_EQ(1, s.n[IKEV1_PL_CERT]);
	EXPECT_EQ(1, s.n[IKEV1_PL_SIG]);
	EXPECT_EQ(1, s.n[IKEV1_PL_CR]);
	ASSERT_EQ(0, step(&p->b, &s, false));		/* AM3 */
	EXPECT_EQ(1, s.n[IKEV1_PL_CERT]);
	EXPECT_EQ(1, s.n[IKEV1_PL_SIG]);
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	EXPECT_EQ(0, log_count(p, &p->b, "can be attacked offline"));
}

/* AM2 carries SIG_R in the clear: one bit of it flipped on the way. */
TEST_F_TIMEOUT(v1rsa, a_sig_tampered_with_on_the_wire_is_refused, 60)
{
	struct pair *p = &self->p;
	struct seen s;

	OPEN(CONF_A("\taggressive=yes\n"),
	     CONF_B("b.pem", "@b.example", "rsasig", "\taggressive=yes\n"));
	ASSERT_EQ(0, pair_initiate(&p->a));
	ASSERT_EQ(0, step(&p->b, &s, false));		/* AM1 */
	ASSERT_EQ(0, step(&p->a, &s, true));		/* AM2, SIG flipped */
	EXPECT_EQ(1, s.n[IKEV1_PL_SIG]);
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->a, "authentication failed (INVALID_SIGNATURE): SIG_R in AM2 (ID b.example): the public key of its certificate"));
	EXPECT_EQ(0, n_sas(&p->a));
	EXPECT_EQ(0, n_sas(&p->b));
}

TEST_F_TIMEOUT(v1rsa, a_psk_peer_gets_no_proposal_chosen, 60)
{
	struct pair *p = &self->p;
	int r;

	/* B with a PSK conn: A's rsasig transforms are not for it. */
	r = pair_open(p, CONF_A(""),
		      "conn b-a\n\tleft=127.0.0.2\n\tleftid=@b.example\n"
		      "\tright=127.0.0.1\n\trightid=@a.example\n"
		      "\tauthby=secret\n\tkeyexchange=ikev1\n"
		      "\tike=aes256-sha256-modp2048!\n\tauto=add\n",
		      ": RSA a.key\n", "@a.example @b.example : PSK \"x\"\n",
		      self->why, sizeof(self->why));
	if (r > 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, iked_creds_load(self->dir, p->a.d->conf, p->a.d->secrets,
				     &p->a.d->creds, self->why,
				     sizeof(self->why))) TH_LOG("%s", self->why);
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->b, "phase 1 proposal mismatch (NO_PROPOSAL_CHOSEN): authentication method: the peer offers RSA signature (an RSA key) (3), the conn authenticates with pre-shared key (authby=secret) (1)"));
	EXPECT_EQ(0, n_sas(&p->a));
}

/* A and B with ECDSA certificates of @ca and @cb (ipsec.d read). */
static int open_ec(FIXTURE_DATA(v1rsa) *self, const char *ca, const char *cb,
		   const char *sa, const char *sb)
{
	struct pair *p = &self->p;
	int r = pair_open(p, ca, cb, sa, sb, self->why, sizeof(self->why));

	if (r)
		return r;
	if (iked_creds_load(self->dir, p->a.d->conf, p->a.d->secrets,
			    &p->a.d->creds, self->why, sizeof(self->why)) ||
	    iked_creds_load(self->dir, p->b.d->conf, p->b.d->secrets,
			    &p->b.d->creds, self->why, sizeof(self->why)))
		return -1;
	return 0;
}

#define CONF_A_EC CONF("a", "127.0.0.1", "10.1.0.0/24", "b", "127.0.0.2", \
		       "10.2.0.0/24", "a-ec.pem", "@a.example", "@b.example", \
		       "ecdsasig", "")

/*
 * RFC 4754 in IKEv1: ECDSA P-256 keys on both ends, auth method 9 in the
 * phase 1 transforms, r|s SIGs; up as initiator and as responder.
 */
TEST_F_TIMEOUT(v1rsa, main_mode_with_ecdsa_certificates, 60)
{
	struct pair *p = &self->p;
	int r = open_ec(self, CONF_A_EC,
			CONF_B("b-ec.pem", "@b.example", "ecdsasig", ""),
			": ECDSA a-ec.key\n", ": ECDSA b-ec.key\n");

	if (r > 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
	EXPECT_EQ(1, log_count(p, &p->a, "ISAKMP SA established (IKEv1 Main Mode, initiator)"));
	ASSERT_EQ(0, pair_terminate(&p->a));
	pair_settle(p, 5000);
	ASSERT_EQ(0, pair_initiate(&p->b));
	pair_settle(p, 5000);
	expect_up(_metadata, p, self->why, sizeof(self->why));
}

/* An ECDSA key against an RSA one: the one method both would need is none. */
TEST_F_TIMEOUT(v1rsa, ecdsa_against_rsa_gets_no_proposal_chosen, 60)
{
	struct pair *p = &self->p;
	int r = open_ec(self, CONF_A_EC,
			CONF_B("b.pem", "@b.example", "rsasig", ""),
			": ECDSA a-ec.key\n", ": RSA b.key\n");

	if (r > 0)
		SKIP(return, "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	ASSERT_EQ(0, pair_initiate(&p->a));
	pair_settle(p, 5000);
	EXPECT_EQ(1, log_count(p, &p->b, "authentication method: the peer offers ECDSA P-256 signature (RFC 4754) (9), the conn authenticates with RSA signature (an RSA key) (3)"));
	EXPECT_EQ(0, n_sas(&p->a));
	EXPECT_EQ(0, n_sas(&p->b));
}

TEST_HARNESS_MAIN
