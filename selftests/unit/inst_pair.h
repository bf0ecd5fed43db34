/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two in-process kesp-iked instances (iked_inst.h) that negotiate with
 * each other over loopback UDP (A on 127.0.0.1:500, B on 127.0.0.2:500),
 * in a network namespace of their own, both event loops driven by hand,
 * the kernel facade replaced by the recorder (iked_pair.h), both
 * daemons' log captured: what the IKEv2 and the IKEv1 exchange tests
 * share. The conns and secrets are the test's (pair_open). Include it
 * from one test file only, before the tests; it includes
 * kselftest_harness.h itself (after its log stream).
 */

#ifndef KESP_TEST_INST_PAIR_H
#define KESP_TEST_INST_PAIR_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iked/conn.h"
#include "iked/kernel.h"
#include "iked/proto.h"
#include "iked/sa/ike_sa.h"
#include "iked/sa/timers.h"
#include "iked_pair.h"
#include "iked_inst.h"

/* ---- Daemon adapter: the calls into kesp-iked beyond iked_inst.h. ---- */

/* kespctl ike up: bring the (only) conn up. */
static int pair_initiate(struct inst *in)
{
	struct ike_sa *sa;

	return iked_initiate(in->d, &in->d->conns[0], &sa);
}

/* kespctl ike down. */
static int pair_terminate(struct inst *in)
{
	return iked_terminate(in->d, &in->d->conns[0]);
}

/* The IKE SAs of @in that are not dead, into @v; how many. */
static size_t pair_ike_list(const struct inst *in, struct ike_view *v,
			    size_t cap)
{
	const struct ike_sa *sa;
	const struct child_sa *ch;
	size_t n = 0;

	for (sa = in->d->sas; sa && n < cap; sa = sa->next) {
		if (sa->state == IKE_DEAD)
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].spi_i, sa->spi_i, 8);
		memcpy(v[n].spi_r, sa->spi_r, 8);
		v[n].established = sa->state == IKE_ESTABLISHED &&
				   !sa->successor;
		v[n].initiator = sa->initiator;
		for (ch = sa->children; ch; ch = ch->next)
			v[n].n_children++;
		n++;
	}
	return n;
}

static void pair_log_open(void)
{
	iked_log_open(0, IKED_LOG_DEBUG);
}

/* The log is captured; TH_LOG lines still go to the real stderr. */
#include "log_capture.h"
#include "kselftest_harness.h"

/* ---- The pair: two instances, their log, the netns they run in. ---- */

struct pair {
	struct inst a, b;
	int log_fd, saved_stderr;
	unsigned int delivered;
};

static void log_capture(struct pair *p)
{
	p->log_fd = log_capture_start(&p->saved_stderr);
}

/* Everything logged so far, NUL-terminated; free() it. */
static char *log_text(struct pair *p)
{
	return log_capture_text(p->log_fd);
}

/* A failed test shows both daemons' log (PAIR_LOG=1: every test). */
static void log_release(struct pair *p, bool failed)
{
	if (failed || getenv("PAIR_LOG")) {
		char *text = log_text(p);

		fprintf(log_real_err, "# the daemons' log:\n%s", text);
		free(text);
	}
	log_capture_stop(p->log_fd, p->saved_stderr);
}

/*
 * Lines of both logs that contain @needle, whatever their conn (for
 * pairs with several conns per end, where log_count() does not fit).
 */
static inline unsigned int log_lines(struct pair *p, const char *needle)
{
	char *text = log_text(p), *at = text;
	unsigned int n = 0;

	while ((at = strstr(at, needle))) {
		n++;
		at += strlen(needle);
	}
	free(text);
	return n;
}

/* @in's established IKE SA of its conn number @i, or NULL. */
static inline const struct ike_sa *inst_sa_of(const struct inst *in,
					      size_t i)
{
	const struct ike_sa *sa;

	for (sa = in->d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED &&
		    sa->conn == in->d->conns[i].cfg)
			return sa;
	return NULL;
}

/*
 * Lines of @in's log that contain @needle: those of its conn, which
 * begin "TIME CONN[N] " or "TIME CONN: " (log.c).
 */
static unsigned int log_count(struct pair *p, const struct inst *in,
			      const char *needle)
{
	char *text = log_text(p), *line, *save = NULL;
	size_t len = strlen(in->conn);
	unsigned int n = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *who = strchr(line, ' ');

		if (who && !strncmp(who + 1, in->conn, len) &&
		    (who[1 + len] == '[' || who[1 + len] == ':') &&
		    strstr(who, needle))
			n++;
	}
	free(text);
	return n;
}

/*
 * pair_settle(), with @peek at the datagrams waiting for either end
 * before it takes them (insts_settle_peek): nonzero from @peek ends it.
 * How many datagrams were delivered.
 */
static unsigned int pair_settle_peek(struct pair *p, unsigned int max_ms,
				     inst_peek_fn peek, void *arg)
{
	unsigned int to_a = 0, to_b = 0;

	insts_settle_peek(&p->a, &p->b, max_ms, &to_a, &to_b, peek, arg);
	p->delivered += to_a + to_b;
	return to_a + to_b;
}

/*
 * Run both event loops until the exchanges are over, or @max_ms passed
 * (insts_settle). How many datagrams were delivered.
 */
static unsigned int pair_settle(struct pair *p, unsigned int max_ms)
{
	return pair_settle_peek(p, max_ms, NULL, NULL);
}

/*
 * A on 127.0.0.1 with @conf_a and @secrets_a, B on 127.0.0.2 with @conf_b
 * and @secrets_b, in a netns of their own, the log captured: 0, 1 when
 * no netns can be had (skip), -1 on an error (@why).
 */
static int pair_open(struct pair *p, const char *conf_a, const char *conf_b,
		     const char *secrets_a, const char *secrets_b, char *why,
		     size_t len)
{
	memset(p, 0, sizeof(*p));
	p->log_fd = p->saved_stderr = -1;
	if (netns_enter(why, len))
		return 1;
	log_capture(p);
	pair_log_open();
	insts_name(&p->a, &p->b);
	if (pair_daemon_new(&p->a, "127.0.0.1", conf_a, secrets_a, why, len) ||
	    pair_daemon_new(&p->b, "127.0.0.2", conf_b, secrets_b, why, len))
		return -1;
	return 0;
}

static void pair_teardown(struct pair *p, bool failed)
{
	pair_daemon_free(&p->a);
	pair_daemon_free(&p->b);
	if (p->log_fd >= 0)
		log_release(p, failed);
}

static int check_one_pair(const struct pair *p, char *why, size_t len)
{
	return rec_check_pair(&p->a.rec, &p->b.rec, why, len);
}

static int check_history(const struct pair *p, char *why, size_t len)
{
	return rec_check_history(&p->a.rec, &p->b.rec, why, len);
}

/* Exactly one established IKE SA on each side, the same one; into @v. */
static int check_one_ike_sa(const struct pair *p, struct ike_view *v,
			    char *why, size_t len)
{
	struct ike_view a[4], b[4];
	size_t na = pair_ike_list(&p->a, a, 4), nb = pair_ike_list(&p->b, b, 4);

	if (na != 1 || nb != 1 || !a[0].established || !b[0].established) {
		snprintf(why, len, "IKE SAs: A %zu (%s), B %zu (%s)", na,
			 na && a[0].established ? "established" : "-", nb,
			 nb && b[0].established ? "established" : "-");
		return -1;
	}
	if (memcmp(a[0].spi_i, b[0].spi_i, 8) ||
	    memcmp(a[0].spi_r, b[0].spi_r, 8) ||
	    a[0].initiator == b[0].initiator) {
		snprintf(why, len, "A and B do not have the same IKE SA");
		return -1;
	}
	if (v)
		*v = a[0];
	return 0;
}

#endif /* KESP_TEST_INST_PAIR_H */
