/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One in-process kesp-iked instance for exchange tests: its context on
 * IP:500 with the recording kernel facade (iked_pair.h), datagrams handed
 * to the dispatcher (so IKEv1 and IKEv2 alike), timers run by hand.
 * Include it after iked_pair.h, from one test file only. The helpers
 * for two instances (insts_*) are marked unused: not every file that
 * includes this one runs a pair.
 */

#ifndef KESP_TEST_IKED_INST_H
#define KESP_TEST_IKED_INST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iked/conn.h"
#include "iked/crypto/auth/creds.h"
#include "iked/kernel.h"
#include "iked/proto.h"
#include "iked/sa/ike_sa.h"
#include "iked/sa/timers.h"


/* One daemon instance: its context, its recorder, its conn's name. */
struct inst {
	const char *name;		/* "A", "B" */
	const char *conn;		/* its conn, the prefix of its log lines */
	struct iked *d;
	struct iked_kernel rec;
	/*
	 * What the network loses on its way to this instance: a datagram
	 * for which it returns true never reaches the daemon, it is only
	 * counted in @lost. NULL (the default): nothing is lost.
	 */
	bool (*lose)(const struct inst *in, const uint8_t *dgram, size_t len);
	unsigned int lost;
};

/* What the tests may know of an IKE SA. */
struct ike_view {
	uint8_t spi_i[8], spi_r[8];
	bool established;		/* established and not replaced */
	bool initiator;
	unsigned int n_children;
};

static int udp_bind(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int on = 1;

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, ip, &sin.sin_addr);
	/* The daemon's path needs the local address (net.c does the same). */
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Who A and B are: their names, their conns (the prefixes of their log
 * lines) and where their recorders' SPIs begin (A 0xa00001xx, B
 * 0xb00001xx: a test can tell whose SPI it sees).
 */
static __attribute__((unused)) void insts_name(struct inst *a,
						 struct inst *b)
{
	a->name = "A";
	a->conn = "a-b";
	a->rec.spi_base = 0xa0000100;
	b->name = "B";
	b->conn = "b-a";
	b->rec.spi_base = 0xb0000100;
}

/* A daemon context for @conf and @secrets on @ip:500; 0 or -1 (@err). */
static int pair_daemon_new(struct inst *in, const char *ip, const char *conf,
			   const char *secrets, char *err, size_t errlen)
{
	struct iked *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	in->d = d;
	/*
	 * Loopback loses nothing: a retransmission would only blur what
	 * the tests count, and a slow ASan run must not cause one.
	 */
	d->retx_first_ms = 20000;
	d->retx_tries = IKED_RETX_TRIES;
	d->cookie_threshold = IKED_COOKIE_THRESHOLD;
	d->ctl_fd = d->sig_fd = -1;
	d->net.fd6 = d->net.nat4 = d->net.nat6 = -1;
	d->kern = &in->rec;
	d->net.port = IKED_IKE_PORT;
	d->net.fd4 = udp_bind(ip, IKED_IKE_PORT);
	if (d->net.fd4 < 0) {
		snprintf(err, errlen, "bind %s:%u: %s", ip, IKED_IKE_PORT,
			 strerror(errno));
		return -1;
	}
	if (iked_conf_parse(in->name, conf, strlen(conf), &d->conf, err,
			    errlen) ||
	    iked_secrets_parse(in->name, secrets, strlen(secrets),
			       &d->secrets, err, errlen) ||
	    iked_conns_init(d, err, errlen))
		return -1;
	return 0;
}

static void pair_daemon_free(struct inst *in)
{
	struct iked *d = in->d;
	struct ike_sa *sa;

	if (!d)
		return;
	for (sa = d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD)
			ike_sa_kill(sa, NULL);
	ike_sa_reap(d);
	if (d->conns)
		iked_conns_fini(d);
	if (d->net.fd4 >= 0)
		close(d->net.fd4);
	/* A reload loads credentials, PSK-only daemons' too. */
	iked_creds_free(d->creds);
	iked_conf_free(d->conf);
	iked_secrets_free(d->secrets);
	free(d);
	in->d = NULL;
}

static int pair_fd(const struct inst *in)
{
	return in->d->net.fd4;
}

/* Hand every datagram waiting on @in's socket to it; how many. */
static unsigned int pair_recv(struct inst *in)
{
	struct iked *d = in->d;
	struct iked_path path;
	unsigned int n = 0;
	ssize_t len;

	while ((len = iked_net_recv(&d->net, d->net.fd4, d->buf,
				    sizeof(d->buf), &path)) >= 0) {
		if (!len)
			continue;
		if (in->lose && in->lose(in, d->buf, (size_t)len)) {
			in->lost++;
			continue;
		}
		d->rx_us = iked_now_us();
		iked_ike_recv(d, d->buf, (size_t)len, &path);
		n++;
	}
	return n;
}

/* Run @in's due timers (they start rekeys, Deletes, CHILD SAs). */
static void pair_timers(struct inst *in)
{
	iked_run_timers(in->d, iked_now());
	ike_sa_reap(in->d);
}

/* Whether @in waits for the answer to a request of its own. */
static bool pair_busy(const struct inst *in)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state != IKE_DEAD && sa->req_kind != 0)
			return true;
	return false;
}

static __attribute__((unused)) uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Neither end waits for an answer and no datagram moved for this long:
 * nothing is in flight on loopback, the exchanges are over.
 */
#define IDLE_MS		30

/*
 * What a test may do to the datagrams waiting for @in before @in takes
 * them (look at them, take one off, send another in its place); nonzero
 * ends the settle at once.
 */
typedef int (*inst_peek_fn)(struct inst *in, void *arg);

/*
 * insts_settle(), with @peek (if not NULL) called each time datagrams
 * wait for either instance, before it takes them. Nonzero when @peek
 * ended the settle.
 */
static __attribute__((unused)) int
insts_settle_peek(struct inst *a, struct inst *b, unsigned int max_ms,
		  unsigned int *to_a, unsigned int *to_b, inst_peek_fn peek,
		  void *arg)
{
	uint64_t start = now_ms(), idle = start;

	for (;;) {
		struct pollfd pfd[2] = {
			{ pair_fd(a), POLLIN, 0 },
			{ pair_fd(b), POLLIN, 0 },
		};
		uint64_t t;

		pair_timers(a);
		pair_timers(b);
		if (poll(pfd, 2, 10) > 0) {
			if (peek && ((pfd[0].revents && peek(a, arg)) ||
				     (pfd[1].revents && peek(b, arg))))
				return 1;
			if (pfd[0].revents)
				*to_a += pair_recv(a);
			if (pfd[1].revents)
				*to_b += pair_recv(b);
			idle = now_ms();
		}
		t = now_ms();
		if ((t - idle >= IDLE_MS && !pair_busy(a) && !pair_busy(b)) ||
		    t - start >= max_ms)
			return 0;
	}
}

/*
 * Run the event loops of @a and @b: timers, then whatever either sent
 * the other, until the exchanges are over, or @max_ms passed. The
 * datagrams each one received are added to *@to_a and *@to_b.
 */
static __attribute__((unused)) void
insts_settle(struct inst *a, struct inst *b, unsigned int max_ms,
	     unsigned int *to_a, unsigned int *to_b)
{
	insts_settle_peek(a, b, max_ms, to_a, to_b, NULL, NULL);
}

#endif /* KESP_TEST_IKED_INST_H */
