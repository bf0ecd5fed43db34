/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two in-process kesp-iked instances that authenticate with certificates
 * whose revocation they fetch (a CRL from a distribution point, an OCSP
 * answer) from the test's HTTP server (crl_server.h), under
 * strictcrlpolicy=yes: the fixture of test_iked_crl_fetch_auth.c and
 * test_iked_ocsp_auth.c, which differ only in their certificates and
 * what the server answers. Each test enters a network namespace of its
 * own (fetch_pair_enter), writes its ipsec.d into p->dir, then starts
 * the daemons (fetch_pair_start), whose log goes to a file the test
 * reads (fetch_pair_log). Include after kselftest_harness.h,
 * iked_pair.h, iked_inst.h, cert_fixture.h and crl_server.h.
 */

#ifndef KESP_TEST_FETCH_PAIR_H
#define KESP_TEST_FETCH_PAIR_H

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iked/crypto/auth/creds.h"
#include "iked/crypto/auth/crl_fetch.h"
#include "iked/sa/control.h"
#include "iked/sa/ike_sa.h"

#define FETCH_PAIR_CONF(me, ip, net, peer, pip, pnet) \
	"config setup\n\tstrictcrlpolicy=yes\n" \
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

static const char fetch_conf_a[] =
	FETCH_PAIR_CONF("a", "127.0.0.1", "10.1.0.0/24", "b", "127.0.0.2",
			"10.2.0.0/24");
static const char fetch_conf_b[] =
	FETCH_PAIR_CONF("b", "127.0.0.2", "10.2.0.0/24", "a", "127.0.0.1",
			"10.1.0.0/24");

/*
 * A gateway's certificate under @ca whose revocation is asked of @uri:
 * its CRL distribution point, or with @ocsp its OCSP responder (AIA).
 */
static X509 *fetch_gw_cert(EVP_PKEY *k, const char *cn, X509 *ca,
			   EVP_PKEY *ca_key, const char *uri, bool ocsp)
{
	char san[64], where[160];
	X509 *x;

	snprintf(san, sizeof(san), "DNS:%s", cn);
	snprintf(where, sizeof(where), "%sURI:%s", ocsp ? "OCSP;" : "", uri);
	x = new_cert(k, cn, ca, san, -1, 30);
	add_ext(x, ca, ocsp ? NID_info_access : NID_crl_distribution_points,
		where);
	return sign_cert(x, ca_key);
}

struct fetch_pair {
	char dir[64], why[IKED_CONF_ERRLEN], logpath[64];
	struct inst a, b;
	struct crl_server srv;
	unsigned int to_a, to_b;	/* datagrams each received */
	int saved_err;
	/* Called once a loop turn by fetch_pair_run(), if set. */
	void (*each_turn)(struct fetch_pair *p);
	/*
	 * Another ipsec.conf and ipsec.secrets for A and B (set before
	 * fetch_pair_start); NULL: fetch_conf_a/b, their ECDSA keys.
	 */
	const char *conf_a, *conf_b, *secrets_a, *secrets_b;
};

/* In FIXTURE_SETUP: what the teardown must know before anything ran. */
static inline void fetch_pair_init(struct fetch_pair *p)
{
	p->saved_err = -1;
	p->logpath[0] = '\0';
	p->dir[0] = '\0';
}

static inline int fetch_inst_new(struct inst *in, const char *dir,
				 const char *ip, const char *conf,
				 const char *secrets, char *why, size_t len)
{
	if (pair_daemon_new(in, ip, conf, secrets, why, len))
		return -1;
	/* Ours retransmit soon: the dropped IKE_AUTH comes again. */
	in->d->retx_first_ms = 300;
	return iked_creds_load(dir, in->d->conf, in->d->secrets,
			       &in->d->creds, why, len);
}

/* A network namespace of the test's own, the HTTP server started. */
static inline void fetch_pair_enter(struct __test_metadata *_metadata,
				    struct fetch_pair *p)
{
	int r = netns_enter(p->why, sizeof(p->why));

	if (r > 0)
		SKIP(exit(255), "%s", p->why);
	ASSERT_EQ(0, r) TH_LOG("%s", p->why);
	ASSERT_EQ(0, crl_server_start(&p->srv));
}

/* After the test wrote p->dir: both daemons, logging into a file. */
static inline void fetch_pair_start(struct __test_metadata *_metadata,
				    struct fetch_pair *p)
{
	int fd;

	strcpy(p->logpath, "/tmp/kesp-fetch-auth-log-XXXXXX");
	fd = mkstemp(p->logpath);
	ASSERT_LE(0, fd);
	fflush(stderr);
	p->saved_err = dup(2);
	dup2(fd, 2);
	close(fd);
	iked_log_open(0, IKED_LOG_INFO);
	p->a.name = "A";
	p->a.conn = "a-b";
	p->a.rec.spi_base = 0xa0000100;
	p->b.name = "B";
	p->b.conn = "b-a";
	p->b.rec.spi_base = 0xb0000100;
	ASSERT_EQ(0, fetch_inst_new(&p->a, p->dir, "127.0.0.1",
				    p->conf_a ? p->conf_a : fetch_conf_a,
				    p->secrets_a ? p->secrets_a :
				    ": ECDSA a.key\n", p->why, sizeof(p->why)))
		TH_LOG("%s", p->why);
	ASSERT_EQ(0, fetch_inst_new(&p->b, p->dir, "127.0.0.2",
				    p->conf_b ? p->conf_b : fetch_conf_b,
				    p->secrets_b ? p->secrets_b :
				    ": ECDSA b.key\n", p->why, sizeof(p->why)))
		TH_LOG("%s", p->why);
}

static inline void fetch_inst_free(struct inst *in)
{
	pair_daemon_free(in);
}

/* The daemons, the log file, the server and p->dir gone. */
static inline void fetch_pair_teardown(struct fetch_pair *p)
{
	char cmd[128];

	/* The teardown's Deletes are not this test's business. */
	iked_log_open(0, IKED_LOG_ERR);
	fetch_inst_free(&p->a);
	fetch_inst_free(&p->b);
	if (p->saved_err >= 0) {
		fflush(stderr);
		dup2(p->saved_err, 2);
		close(p->saved_err);
	}
	if (p->logpath[0])
		unlink(p->logpath);
	if (p->dir[0]) {
		crl_server_stop(&p->srv);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", p->dir);
		if (system(cmd))
			abort();
	}
}

/* The log so far, as a new string; stderr the harness's again. */
static inline char *fetch_pair_log(struct fetch_pair *p)
{
	FILE *f;
	char *buf;
	long n;

	fflush(stderr);
	if (p->saved_err >= 0) {
		dup2(p->saved_err, 2);
		close(p->saved_err);
		p->saved_err = -1;
	}
	f = fopen(p->logpath, "r");
	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static inline int fetch_count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s++;
	}
	return n;
}

/* A brings the conn up; both loops, fetches too, until nothing moves. */
static inline void fetch_pair_run(struct fetch_pair *p)
{
	uint64_t start = now_ms(), idle = start;
	struct ike_sa *sa;

	if (iked_initiate(p->a.d, &p->a.d->conns[0], &sa))
		return;
	for (;;) {
		struct pollfd pfd[2 + 2 * IKED_CRL_FETCH_MAX] = {
			{ pair_fd(&p->a), POLLIN, 0 },
			{ pair_fd(&p->b), POLLIN, 0 },
		};
		size_t na, nb;
		uint64_t t;

		if (p->each_turn)
			p->each_turn(p);
		pair_timers(&p->a);
		pair_timers(&p->b);
		na = iked_crl_fetch_fds(p->a.d->creds, pfd + 2,
					IKED_CRL_FETCH_MAX);
		nb = iked_crl_fetch_fds(p->b.d->creds, pfd + 2 + na,
					IKED_CRL_FETCH_MAX);
		if (poll(pfd, 2 + na + nb, 10) > 0) {
			/* As main.c: the IKE SAs holding a message look again. */
			if (iked_crl_fetch_poll(p->a.d->creds, pfd + 2, na))
				ike_sa_creds_ready(p->a.d);
			if (iked_crl_fetch_poll(p->b.d->creds, pfd + 2 + na, nb))
				ike_sa_creds_ready(p->b.d);
			if (pfd[0].revents)
				p->to_a += pair_recv(&p->a);
			if (pfd[1].revents)
				p->to_b += pair_recv(&p->b);
			idle = now_ms();
		}
		t = now_ms();
		if ((t - idle >= 30 && !pair_busy(&p->a) &&
		     !pair_busy(&p->b) && !na && !nb) || t - start >= 10000)
			break;
	}
}

static inline bool fetch_established(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && sa->children)
			return true;
	return false;
}

#endif /* KESP_TEST_FETCH_PAIR_H */
