// SPDX-License-Identifier: GPL-2.0
/* kesp-iked: the IKEv2 daemon's start, event loop and stop. */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "daemon.h"
#include "crypto/auth/creds.h"
#include "crypto/auth/crl_fetch.h"
#include "conn.h"
#include "ctl.h"
#include "kernel.h"
#include "log.h"
#include "proto.h"
#include "reload.h"
#include "sdnotify.h"
#include "updown.h"
#include "sa/control.h"
#include "sa/ike_sa.h"
#include "sa/shutdown.h"
#include "sa/timers.h"
#include "sa/natt.h"

#define MAX_CLIENTS	64

/* A macro's value as a string literal. */
#define IKED_STR_(x)	#x
#define IKED_STR(x)	IKED_STR_(x)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kesp-iked [-c CONF] [-s SECRETS] [-S SOCKET] [--syslog] [-v] [-n]\n"
		"  -c, --config FILE    connections (default /etc/kesp/ipsec.conf)\n"
		"  -s, --secrets FILE   pre-shared keys (default /etc/kesp/ipsec.secrets)\n"
		"  -S, --socket PATH    control socket (default " IKED_CTL_PATH ")\n"
		"      --syslog         log to syslog instead of stderr\n"
		"  -v, --verbose        log every message sent and received\n"
		"  -n, --check          read the configuration, print it, and exit\n"
		"      --retransmit-timeout SECS  first retransmission of a request\n"
		"                       (default 0.5; then doubling)\n"
		"      --retransmit-tries N       retransmissions before giving up\n"
		"                       (default 6: 63.5 s in all)\n"
		"      --cookie-threshold N       half-open IKE SAs from which on an\n"
		"                       IKE_SA_INIT must bring a COOKIE (default 30; 0: always)\n"
		"      --keep-alive SECS          NAT keepalives from behind a NAT when\n"
		"                       nothing else was sent (default 20; 0: none)\n"
		"      --fragment-size BYTES      largest IP datagram of an IKEv2 fragment\n"
		"                       (RFC 7383; default 1280, at least 200)\n"
		"Runs in the foreground; SIGTERM or SIGINT deletes the tunnels and stops\n"
		"once the peers answered, " IKED_STR(IKED_DRAIN_MS) " ms at most (a second signal: at once).\n"
		"SIGHUP (or `kespctl reload`) reads CONF, SECRETS and ipsec.d again: a\n"
		"file with a mistake is refused whole; else only added, removed and\n"
		"changed conns are touched, unchanged ones keep their tunnels.\n");
}

static void on_event(const struct kesp_event *ev, void *arg)
{
	struct iked *d = arg;
	struct iked_conn *c;
	struct ike_sa *sa;

	if (ev->cmd == KESP_CMD_EXPIRE) {
		iked_sa_expired(d, &ev->sa, ev->hard);
		return;
	}
	if (ev->cmd == KESP_CMD_MAPPING) {
		natt_on_mapping(d, ev);
		return;
	}
	/* Stopping: a tunnel started now would be cut off unannounced. */
	if (ev->cmd != KESP_CMD_ACQUIRE || d->stopping)
		return;
	c = iked_conn_by_reqid(d, ev->policy.tmpl.reqid);
	if (!c) {
		iked_log(IKED_LOG_DEBUG, NULL, 0,
			 "ACQUIRE for policy %u, which is not ours",
			 ev->policy.id);
		return;
	}
	iked_log(IKED_LOG_INFO, c->cfg->name, 0,
		 "a packet needs the tunnel: initiating");
	iked_initiate(d, c, &sa);
}

/* ipsec.d beside ipsec.conf: CAs, certificates, the keys ipsec.secrets names. */
static int load_creds(struct iked *d)
{
	char err[IKED_CONF_ERRLEN], dir[4096];
	int r;

	iked_creds_dir_of(d->conf_path, dir, sizeof(dir));
	r = iked_creds_load(dir, d->conf, d->secrets, &d->creds, err,
			    sizeof(err));
	if (r) {
		fprintf(stderr, "kesp-iked: %s\n", err);
		return r;
	}
	iked_crls_log(&d->creds->crls, 0);
	if (d->creds->n_cas || d->creds->n_certs || d->creds->n_keys ||
	    d->creds->crls.n)
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "loaded %zu CA certificates, %zu CRLs, %zu certificates and %zu private keys from %s",
			 d->creds->n_cas, d->creds->crls.n, d->creds->n_certs,
			 d->creds->n_keys, d->creds->dir);
	return 0;
}

static int load(struct iked *d)
{
	char err[IKED_CONF_ERRLEN];
	size_t i;
	int r;

	r = iked_conf_load(d->conf_path, &d->conf, err, sizeof(err));
	if (r) {
		fprintf(stderr, "kesp-iked: %s\n", err);
		return r;
	}
	for (i = 0; i < d->conf->n_warnings; i++)
		iked_log(IKED_LOG_WARN, NULL, 0, "%s", d->conf->warnings[i]);
	r = iked_secrets_load(d->secrets_path, &d->secrets, err, sizeof(err));
	if (r) {
		fprintf(stderr, "kesp-iked: %s\n", err);
		return r;
	}
	return load_creds(d);
}

static void print_conns(const struct iked *d)
{
	size_t i;

	for (i = 0; i < d->conf->n_conns; i++) {
		const struct iked_conf_conn *c = &d->conf->conns[i];
		/* Every proposal: what is accepted, defaults included. */
		char *ike = iked_prop_list_format(&c->ike);
		char *esp = iked_prop_list_format(&c->esp);

		printf("conn %s (%s:%u):\n  ike=%s\n  esp=%s\n", c->name,
		       c->file, c->line, ike ? ike : "(out of memory)",
		       esp ? esp : "(out of memory)");
		free(ike);
		free(esp);
	}
	printf("%zu conns, %zu pre-shared keys: configuration OK\n",
	       d->conf->n_conns, iked_secrets_count_psk(d->secrets));
}

static int setup_signals(struct iked *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	return d->sig_fd < 0 ? -errno : 0;
}

static void on_signal(struct iked *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		/* Stopping: a reload would only start conns to cut off. */
		if (si.ssi_signo == SIGHUP && d->stopping)
			continue;
		if (si.ssi_signo == SIGHUP) {
			char msg[IKED_CONF_ERRLEN + 64];

			/* Here, not in a handler: signalfd hands it to the loop. */
			iked_log(IKED_LOG_INFO, NULL, 0,
				 "SIGHUP: reloading the configuration");
			iked_reload(d, msg, sizeof(msg), NULL);
			continue;
		}
		if (d->stopping) {
			iked_log(IKED_LOG_INFO, NULL, 0,
				 "signal %u again: not waiting for the answers",
				 si.ssi_signo);
			d->drain_until = iked_now();
			continue;
		}
		iked_log(IKED_LOG_INFO, NULL, 0, "signal %u: stopping",
			 si.ssi_signo);
		iked_sd_notify("STOPPING=1\nSTATUS=deleting the tunnels");
		iked_shutdown_begin(d);
	}
}

static void recv_all(struct iked *d, int fd)
{
	struct iked_path path;
	ssize_t n;
	int i;

	/* A bounded batch, so that a flood cannot starve the rest. */
	for (i = 0; i < 64; i++) {
		n = iked_net_recv(&d->net, fd, d->buf, sizeof(d->buf), &path);
		if (n < 0)
			return;
		/* A keepalive or ESP on the NAT-T port: nothing for IKE. */
		if (n == 0)
			continue;
		d->rx_us = iked_now_us();
		iked_ike_recv(d, d->buf, (size_t)n, &path);
	}
}

/* Outgoing IKE waits while kernel requests (SA installs) are queued. */
static bool kernel_busy(void *arg)
{
	return iked_kernel_async_pending(arg) > 0;
}

/*
 * The kernel thread finished requests: their failures first (a Delete
 * they send queues behind what is held), then, once nothing is queued,
 * what waited for the kernel goes out in order.
 */
static void kernel_done(struct iked *d)
{
	iked_kernel_async_reap(d->kern, iked_kernel_failed, d);
	iked_net_release(&d->net);
}

static void loop(struct iked *d)
{
	enum { P_SIG, P_KERN, P_KQ, P_CTL, P_V4, P_V6, P_NAT4, P_NAT6,
	       P_FIXED };
	struct pollfd pfd[P_FIXED + MAX_CLIENTS + IKED_CRL_FETCH_MAX];
	struct iked_ctl_client *cls[MAX_CLIENTS];
	int cfds[MAX_CLIENTS];

	for (;;) {
		iked_ms now = iked_now(), next;
		size_t n, nf, i;
		int timeout = -1, r;

		next = iked_run_timers(d, now);
		ike_sa_reap(d);
		if (d->stopping && iked_shutdown_drained(d, now))
			return;
		if (d->stopping && (!next || d->drain_until < next))
			next = d->drain_until;
		if (next)
			timeout = next > now ? (int)(next - now) : 0;
		pfd[P_SIG] = (struct pollfd){ d->sig_fd, POLLIN, 0 };
		pfd[P_KERN] = (struct pollfd){ iked_kernel_event_fd(d->kern),
					       POLLIN, 0 };
		pfd[P_KQ] = (struct pollfd){ iked_kernel_async_fd(d->kern),
					     POLLIN, 0 };
		pfd[P_CTL] = (struct pollfd){ d->ctl_fd, POLLIN, 0 };
		pfd[P_V4] = (struct pollfd){ d->net.fd4, POLLIN, 0 };
		pfd[P_V6] = (struct pollfd){ d->net.fd6, POLLIN, 0 };
		pfd[P_NAT4] = (struct pollfd){ d->net.nat4, POLLIN, 0 };
		pfd[P_NAT6] = (struct pollfd){ d->net.nat6, POLLIN, 0 };
		n = iked_ctl_fds(d, cfds, cls, MAX_CLIENTS);
		for (i = 0; i < n; i++)
			pfd[P_FIXED + i] = (struct pollfd){ cfds[i], POLLIN, 0 };
		/* CRL fetches: their threads say "done" on an eventfd. */
		nf = iked_crl_fetch_fds(d->creds, &pfd[P_FIXED + n],
					IKED_CRL_FETCH_MAX);
		r = poll(pfd, P_FIXED + n + nf, timeout);
		if (r < 0 && errno != EINTR) {
			iked_log(IKED_LOG_ERR, NULL, 0, "poll: %s",
				 strerror(errno));
			return;
		}
		if (r <= 0)
			continue;
		if (pfd[P_SIG].revents)
			on_signal(d);
		if (iked_crl_fetch_poll(d->creds, &pfd[P_FIXED + n], nf))
			ike_sa_creds_ready(d);
		if (pfd[P_KQ].revents)
			kernel_done(d);
		if (pfd[P_V4].revents)
			recv_all(d, d->net.fd4);
		if (pfd[P_V6].revents)
			recv_all(d, d->net.fd6);
		if (pfd[P_NAT4].revents)
			recv_all(d, d->net.nat4);
		if (pfd[P_NAT6].revents)
			recv_all(d, d->net.nat6);
		if (pfd[P_KERN].revents) {
			r = iked_kernel_events(d->kern, on_event, d);
			if (r == -ENOBUFS)
				iked_log(IKED_LOG_WARN, NULL, 0,
					 "kernel events were lost (too many at once)");
		}
		/* Clients may be freed while handling: answer before accept. */
		for (i = 0; i < n; i++)
			if (pfd[P_FIXED + i].revents)
				iked_ctl_read(d, cls[i]);
		if (pfd[P_CTL].revents)
			iked_ctl_accept(d);
	}
}

/* What the command line asks for besides the daemon's settings. */
struct run_opts {
	int use_syslog, verbose, check;
};

/*
 * An unsigned option @arg up to @max into *@out; false (said on stderr,
 * "expected @range") when it is not one.
 */
static bool opt_uint(const char *name, const char *arg, unsigned long max,
		     const char *range, unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (*end || !*arg || n > max) {
		fprintf(stderr, "kesp-iked: --%s %s: expected %s\n", name, arg,
			range);
		return false;
	}
	*out = (unsigned int)n;
	return true;
}

/* --retransmit-timeout: seconds, fractions allowed. */
static bool opt_retx_timeout(struct iked *d, const char *arg)
{
	char *end;
	double secs = strtod(arg, &end);

	if (*end || !(secs >= 0.05 && secs <= 60)) {
		fprintf(stderr, "kesp-iked: --retransmit-timeout %s: expected seconds from 0.05 to 60\n",
			arg);
		return false;
	}
	d->retx_first_ms = (unsigned int)(secs * 1000);
	return true;
}

/* One option @o (getopt's) with @arg: false to stop with 2. */
static bool opt_one(struct iked *d, struct run_opts *ro, int o,
		    const char *arg)
{
	switch (o) {
	case 'c':
		d->conf_path = arg;
		return true;
	case 's':
		d->secrets_path = arg;
		return true;
	case 'S':
		d->ctl_path = arg;
		return true;
	case 'L':
		ro->use_syslog = 1;
		return true;
	case 'v':
		ro->verbose = 1;
		return true;
	case 'n':
		ro->check = 1;
		return true;
	case 'T':
		return opt_retx_timeout(d, arg);
	case 'R':
		return opt_uint("retransmit-tries", arg, IKED_RETX_MAX_TRIES,
				"0 to " IKED_STR(IKED_RETX_MAX_TRIES),
				&d->retx_tries);
	case 'K':
		return opt_uint("cookie-threshold", arg, 100000,
				"0 to 100000", &d->cookie_threshold);
	case 'A':
		return opt_uint("keep-alive", arg, 3600,
				"seconds from 0 to 3600", &d->keepalive_secs);
	case 'F':
		if (!opt_uint("fragment-size", arg, 65535,
			      "bytes from " IKED_STR(IKED_FRAG_SIZE_MIN)
			      " to 65535", &d->fragment_size))
			return false;
		if (d->fragment_size >= IKED_FRAG_SIZE_MIN)
			return true;
		fprintf(stderr, "kesp-iked: --fragment-size %s: expected bytes from "
			IKED_STR(IKED_FRAG_SIZE_MIN) " to 65535\n", arg);
		return false;
	}
	usage(stderr);
	return false;
}

/* The command line into @d and @ro: -1 to go on, else the exit code. */
static int parse_args(struct iked *d, struct run_opts *ro, int argc,
		      char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "secrets", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "retransmit-timeout", required_argument, NULL, 'T' },
		{ "retransmit-tries", required_argument, NULL, 'R' },
		{ "cookie-threshold", required_argument, NULL, 'K' },
		{ "keep-alive", required_argument, NULL, 'A' },
		{ "fragment-size", required_argument, NULL, 'F' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "c:s:S:vnhV", opts, NULL)) != -1) {
		if (o == 'h') {
			usage(stdout);
			return 0;
		}
		if (o == 'V') {
			printf("kesp-iked %s\n", KESP_VERSION);
			return 0;
		}
		if (!opt_one(d, ro, o, optarg))
			return 2;
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static void set_defaults(struct iked *d)
{
	d->conf_path = "/etc/kesp/ipsec.conf";
	d->secrets_path = "/etc/kesp/ipsec.secrets";
	d->ctl_path = IKED_CTL_PATH;
	d->ctl_fd = d->sig_fd = -1;
	d->retx_first_ms = IKED_RETX_FIRST_MS;
	d->retx_tries = IKED_RETX_TRIES;
	d->cookie_threshold = IKED_COOKIE_THRESHOLD;
	d->net.fd4 = d->net.fd6 = d->net.nat4 = d->net.nat6 = -1;
	d->keepalive_secs = IKED_KEEPALIVE_SECS;
	d->fragment_size = IKED_FRAG_SIZE_DEFAULT;
	d->v1_retire_ms = IKED_V1_RETIRE_MS;
}

/* Kernel, sockets, control socket, signals, conns: 0, or -1 (said). */
static int start(struct iked *d)
{
	char err[512];

	if (RAND_bytes(d->cookie_secret, sizeof(d->cookie_secret)) != 1) {
		fprintf(stderr, "kesp-iked: no random bytes for the cookie secret\n");
		return -1;
	}
	if (iked_kernel_open(&d->kern, err, sizeof(err))) {
		fprintf(stderr, "kesp-iked: %s\n", err);
		return -1;
	}
	if (iked_kernel_bypass_ike(d->kern)) {
		fprintf(stderr, "kesp-iked: cannot let IKE bypass the policies: %s\n",
			iked_kernel_strerror(d->kern, err, sizeof(err)));
		return -1;
	}
	if (iked_net_open(&d->net, IKED_IKE_PORT, err, sizeof(err))) {
		fprintf(stderr, "kesp-iked: %s (is another IKE daemon running?)\n",
			err);
		return -1;
	}
	if (iked_net_hold_init(&d->net, kernel_busy, d->kern)) {
		fprintf(stderr, "kesp-iked: out of memory\n");
		return -1;
	}
	if (natt_open(d, err, sizeof(err))) {
		fprintf(stderr, "kesp-iked: NAT traversal: %s (is another IKE daemon running?)\n",
			err);
		return -1;
	}
	if (iked_ctl_open(d, err, sizeof(err)) || setup_signals(d) ||
	    iked_conns_init(d, err, sizeof(err))) {
		fprintf(stderr, "kesp-iked: %s\n", err);
		return -1;
	}
	return 0;
}

static void stop(struct iked *d)
{
	if (d->conns)
		iked_conns_fini(d);
	iked_ctl_close(d);
	iked_updown_close(d);
	iked_net_close(&d->net);
	iked_kernel_close(d->kern);
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	iked_conf_free(d->conf);
	iked_secrets_free(d->secrets);
	iked_creds_free(d->creds);
	free(d);
}

int main(int argc, char **argv)
{
	struct iked *d = calloc(1, sizeof(*d));
	struct run_opts ro = { 0 };
	int rc;

	if (!d)
		return 1;
	set_defaults(d);
	rc = parse_args(d, &ro, argc, argv);
	if (rc >= 0) {
		free(d);
		return rc;
	}
	rc = 1;
	iked_log_open(ro.use_syslog, ro.verbose ? IKED_LOG_DEBUG : IKED_LOG_INFO);
	if (load(d))
		goto out;
	if (ro.check) {
		print_conns(d);
		rc = 0;
		goto out;
	}
	if (start(d))
		goto out;
	iked_log(IKED_LOG_INFO, NULL, 0,
		 "kesp-iked %s started: %zu conns from %s, control socket %s",
		 KESP_VERSION, d->n_conns, d->conf_path, d->ctl_path);
	iked_conns_cleanup(d);
	iked_conns_start(d);
	/* systemd (Type=notify): the sockets are open, the conns loaded. */
	iked_sd_notifyf("READY=1\nSTATUS=%zu conns from %s, control socket %s",
			d->n_conns, d->conf_path, d->ctl_path);
	loop(d);
	/* poll() failed: no drain, the Deletes go once. */
	if (!d->stopping) {
		iked_sd_notify("STOPPING=1\nSTATUS=deleting the tunnels");
		iked_shutdown_begin(d);
	}
	iked_shutdown_done(d);
	ike_sa_reap(d);
	/*
	 * The last requests in, the last Deletes out, before the sockets go
	 * (a failure handled may queue more: until nothing is left).
	 */
	while (iked_kernel_async_flush(d->kern, iked_kernel_failed, d))
		;
	iked_net_release(&d->net);
	/* The down-client scripts of the tunnels just deleted. */
	iked_updown_wait(d, IKED_UPDOWN_WAIT_MS);
	rc = 0;
out:
	stop(d);
	return rc;
}
