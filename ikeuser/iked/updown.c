// SPDX-License-Identifier: GPL-2.0
/* leftupdown=: run strongSwan's updown scripts with its PLUTO_* environment, never waiting for them but when stopping. */

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "updown.h"
#include "firewall.h"
#include "daemon.h"
#include "escape.h"
#include "log.h"

/* What a failing script said, kept for its log line. */
#define OUTPUT_MAX	1024
#define ENV_MAX		40
#define ENV_LEN		320

struct env {
	char *v[ENV_MAX + 1];
	char buf[ENV_MAX][ENV_LEN];
	size_t n;
};

static void env_add(struct env *e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void env_add(struct env *e, const char *key, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (e->n == ENV_MAX)
		return;
	w = snprintf(e->buf[e->n], ENV_LEN, "%s=", key);
	va_start(ap, fmt);
	vsnprintf(e->buf[e->n] + w, ENV_LEN - (size_t)w, fmt, ap);
	va_end(ap);
	e->v[e->n] = e->buf[e->n];
	e->v[++e->n] = NULL;
}

/* A selector as strongSwan's to_subnet() gives it: the covering prefix. */
void iked_ts_prefix(const struct iked_ts *ts, struct kesp_addr *net,
		    unsigned int *plen)
{
	size_t alen = ts->type == IKED_TS_IPV4 ? 4 : 16, i;
	unsigned int bits = 0;

	memset(net, 0, sizeof(*net));
	net->family = ts->type == IKED_TS_IPV4 ? AF_INET : AF_INET6;
	for (i = 0; i < alen * 8; i++) {
		uint8_t m = (uint8_t)(0x80 >> (i % 8));

		if ((ts->start[i / 8] & m) != (ts->end[i / 8] & m))
			break;
		bits++;
	}
	for (i = 0; i < alen; i++) {
		unsigned int keep = bits >= (i + 1) * 8 ? 8 :
				    bits > i * 8 ? bits - (unsigned int)i * 8 : 0;

		net->bytes[i] = ts->start[i] &
				(uint8_t)(0xff00 >> keep);
	}
	*plen = bits;
}

static void mask_of(int family, unsigned int plen, char *buf, size_t len)
{
	struct kesp_addr m = { .family = (uint8_t)family };
	size_t i;

	for (i = 0; i < kesp_addr_len(family); i++) {
		unsigned int b = plen >= (i + 1) * 8 ? 8 :
				 plen > i * 8 ? plen - (unsigned int)i * 8 : 0;

		m.bytes[i] = (uint8_t)(0xff00 >> b);
	}
	kesp_addr_format(&m, buf, len);
}

/* The interface that holds @a, as strongSwan's PLUTO_INTERFACE. */
static void iface_of(const struct kesp_addr *a, char *buf, size_t len)
{
	struct ifaddrs *ifs, *i;

	snprintf(buf, len, "unknown");
	if (getifaddrs(&ifs))
		return;
	for (i = ifs; i; i = i->ifa_next) {
		const void *b;

		if (!i->ifa_addr || i->ifa_addr->sa_family != a->family)
			continue;
		b = a->family == AF_INET ?
			(const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (!memcmp(b, a->bytes, kesp_addr_len(a->family))) {
			snprintf(buf, len, "%s", i->ifa_name);
			break;
		}
	}
	freeifaddrs(ifs);
}

/* PLUTO_MY_* or PLUTO_PEER_* of one selector. */
static void env_side(struct env *e, const char *who, const struct iked_ts *ts,
		     const struct kesp_addr *host, bool *is_host)
{
	char key[40], a[KESP_ADDR_STRLEN], m[KESP_ADDR_STRLEN];
	struct kesp_addr net;
	unsigned int plen;

	iked_ts_prefix(ts, &net, &plen);
	kesp_addr_format(&net, a, sizeof(a));
	mask_of(net.family, plen, m, sizeof(m));
	snprintf(key, sizeof(key), "PLUTO_%s_CLIENT", who);
	env_add(e, key, "%s/%u", a, plen);
	snprintf(key, sizeof(key), "PLUTO_%s_CLIENT_NET", who);
	env_add(e, key, "%s", a);
	snprintf(key, sizeof(key), "PLUTO_%s_CLIENT_MASK", who);
	env_add(e, key, "%s", m);
	snprintf(key, sizeof(key), "PLUTO_%s_PORT", who);
	env_add(e, key, "%u", ts->start_port == ts->end_port ? ts->start_port : 0);
	snprintf(key, sizeof(key), "PLUTO_%s_PROTOCOL", who);
	env_add(e, key, "%u", ts->proto);
	*is_host = plen == kesp_addr_len(net.family) * 8 &&
		   !memcmp(net.bytes, host->bytes, kesp_addr_len(net.family));
}

static void build_env(struct env *e, const struct ike_sa *sa,
		      const struct child_sa *ch, const struct iked_ts *l,
		      const struct iked_ts *r, bool up)
{
	char a[KESP_ADDR_STRLEN], id[IKED_ID_STRLEN], ifname[64];
	bool host, peer_host;

	e->n = 0;
	e->v[0] = NULL;
	/* The daemon's own PATH and the like, as strongSwan passes them. */
	if (getenv("PATH"))
		env_add(e, "PATH", "%s", getenv("PATH"));
	else
		env_add(e, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env_add(e, "PLUTO_VERSION", "1.1");
	env_add(e, "PLUTO_CONNECTION", "%s", sa->conn->name);
	env_add(e, "PLUTO_REQID", "%u", ch->reqid);
	env_add(e, "PLUTO_UNIQUEID", "%u", sa->no);
	env_add(e, "PLUTO_PROTO", "esp");
	iface_of(&sa->path.local, ifname, sizeof(ifname));
	env_add(e, "PLUTO_INTERFACE", "%s", ifname);
	env_add(e, "PLUTO_ME", "%s", kesp_addr_format(&sa->path.local, a, sizeof(a)));
	env_add(e, "PLUTO_MY_ID", "%s", iked_conf_id_format(&sa->local->id, id, sizeof(id)));
	env_side(e, "MY", l, &sa->path.local, &host);
	env_add(e, "PLUTO_PEER", "%s", kesp_addr_format(&sa->path.remote, a, sizeof(a)));
	env_add(e, "PLUTO_PEER_ID", "%s", iked_conf_id_format(&sa->peer_id, id, sizeof(id)));
	env_side(e, "PEER", r, &sa->path.remote, &peer_host);
	if (sa->natt.in_use)
		env_add(e, "PLUTO_UDP_ENC", "%u", sa->path.rport);
	env_add(e, "PLUTO_VERB", "%s-%s%s", up ? "up" : "down",
		host ? "host" : "client", l->type == IKED_TS_IPV6 ? "-v6" : "");
}

/* In the script's process: its environment, output into @out, exec. */
static void exec_script(const char *script, struct env *e, int out)
{
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(out, 1);
	dup2(out, 2);
	if (out > 2)
		close(out);
	execle("/bin/sh", "sh", "-c", script, (char *)NULL, e->v);
	_exit(127);
}

/* Run one script invocation to its end; log it if it failed. */
static void run_one(const struct ike_sa *sa, const char *script,
		    struct env *e)
{
	char out[OUTPUT_MAX], esc[4 * OUTPUT_MAX], *verb = NULL;
	const char *stays;
	size_t got = 0, i;
	int p[2], status;
	pid_t pid;

	for (i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], "PLUTO_VERB=", 11))
			verb = e->v[i] + 11;
	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		exec_script(script, e, p[1]);
	}
	close(p[1]);
	for (;;) {
		char chunk[512];
		ssize_t n = read(p[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* Beyond OUTPUT_MAX it is read and dropped, so it cannot block. */
		if (got < sizeof(out)) {
			size_t k = (size_t)n < sizeof(out) - got ?
				   (size_t)n : sizeof(out) - got;

			memcpy(out + got, chunk, k);
			got += k;
		}
	}
	close(p[0]);
	if (pid < 0)
		return;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (got && (out[got - 1] == '\n' || out[got - 1] == '\r'))
		got--;
	iked_escape(esc, sizeof(esc), out, got, 0);
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		iked_log(IKED_LOG_DEBUG, sa->conn->name, sa->no,
			 "updown: %s %s: done%s%s", script, verb, got ? ": " : "",
			 esc);
		return;
	}
	/* A down-* script runs as the tunnel goes: it stays only for up-*. */
	stays = verb && !strncmp(verb, "down", 4) ? "" : " (the tunnel stays)";
	if (WIFEXITED(status))
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "updown: %s %s failed with exit status %d%s%s%s",
			 script, verb, WEXITSTATUS(status), got ? ": " : "", esc,
			 stays);
	else
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "updown: %s %s killed by signal %d%s%s%s",
			 script, verb, WTERMSIG(status), got ? ": " : "", esc,
			 stays);
}

/* A rekey: another installed CHILD SA of @sa has @ch's selectors. */
static bool has_twin(const struct ike_sa *sa, const struct child_sa *ch)
{
	const struct child_sa *o;

	for (o = sa->children; o; o = o->next)
		if (o != ch && !o->redundant &&
		    !memcmp(&o->ts_local, &ch->ts_local, sizeof(o->ts_local)) &&
		    !memcmp(&o->ts_remote, &ch->ts_remote, sizeof(o->ts_remote)))
			return true;
	return false;
}

/* syslog's socket (datagrams, or a stream to a *log path) stays. */
static bool keep_unix(int fd)
{
	struct sockaddr_un peer;
	socklen_t len = sizeof(peer);
	int type = 0;
	socklen_t tl = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl))
		return false;
	if (type == SOCK_DGRAM)
		return true;
	memset(&peer, 0, sizeof(peer));
	return !getpeername(fd, (struct sockaddr *)&peer, &len) &&
	       strstr(peer.sun_path, "log");
}

/*
 * The monitor keeps none of the daemon's sockets: a slow script must not
 * hold UDP 500 and 4500, the netlink sockets or the control socket
 * while a restarted kesp-iked wants them. The log's socket stays.
 */
static void close_daemon_sockets(void)
{
	struct sockaddr_storage ss;
	int fd;

	for (fd = 3; fd < 1024; fd++) {
		socklen_t len = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &len))
			continue;
		if (ss.ss_family == AF_UNIX && keep_unix(fd))
			continue;
		close(fd);
	}
}

/* The monitor: every pair of selectors in turn, then gone. */
static void monitor(const struct ike_sa *sa, const struct child_sa *ch,
		    const char *script, bool up)
{
	struct env *e = malloc(sizeof(*e));
	size_t i, k;

	if (!e)
		_exit(1);
	close_daemon_sockets();
	/* strongSwan runs leftupdown= instead of its own rules when both are set. */
	if (!script) {
		iked_firewall_run(sa, ch, up);
		_exit(0);
	}
	for (i = 0; i < ch->ts_local.n; i++) {
		for (k = 0; k < ch->ts_remote.n; k++) {
			if (ch->ts_local.ts[i].type != ch->ts_remote.ts[k].type)
				continue;
			build_env(e, sa, ch, &ch->ts_local.ts[i],
				  &ch->ts_remote.ts[k], up);
			run_one(sa, script, e);
		}
	}
	_exit(0);
}

/*
 * The pipe whose write end each monitor holds (CLOEXEC: not the scripts,
 * so a daemon a script leaves behind does not hold up the stop).
 */
static void track(struct iked *d)
{
	if (!d || d->updown_piped)
		return;
	if (pipe2(d->updown_pipe, O_CLOEXEC)) {
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "updown: no pipe (%s): a stop will not wait for the scripts",
			 strerror(errno));
		return;
	}
	d->updown_piped = true;
}

void iked_updown_close(struct iked *d)
{
	if (!d->updown_piped)
		return;
	close(d->updown_pipe[0]);
	close(d->updown_pipe[1]);
	d->updown_piped = false;
}

/* A second SIGTERM or SIGINT (SIGHUP is dropped): stop waiting. */
static bool signalled_again(struct iked *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			continue;
		iked_log(IKED_LOG_INFO, NULL, 0,
			 "signal %u again: not waiting for the updown scripts",
			 si.ssi_signo);
		return true;
	}
	return false;
}

void iked_updown_wait(struct iked *d, unsigned int ms)
{
	struct pollfd p[2] = {
		{ .fd = -1, .events = POLLIN },
		{ .fd = d->sig_fd, .events = POLLIN },
	};
	iked_ms until = iked_now() + ms;
	char c;

	if (!d->updown_piped)
		return;
	close(d->updown_pipe[1]);
	d->updown_pipe[1] = -1;
	p[0].fd = d->updown_pipe[0];
	for (;;) {
		iked_ms now = iked_now();
		int r;

		if (now >= until) {
			iked_log(IKED_LOG_WARN, NULL, 0,
				 "stopping: updown scripts still running after %u ms: not waiting for them",
				 ms);
			break;
		}
		r = poll(p, 2, (int)(until - now));
		if (r < 0 && errno != EINTR)
			break;
		/* Nobody writes: data never comes, EOF does (0). */
		if (r > 0 && p[0].revents && read(p[0].fd, &c, 1) <= 0)
			break;
		if (r > 0 && p[1].revents && signalled_again(d))
			break;
	}
	close(d->updown_pipe[0]);
	d->updown_piped = false;
}

void iked_updown(struct ike_sa *sa, const struct child_sa *ch, bool up)
{
	const char *script = sa->conn && sa->local ? sa->local->updown : NULL;
	bool firewall = !script && sa->conn && sa->local && sa->local->firewall;
	pid_t pid;
	int status;

	if ((!script && !firewall) || has_twin(sa, ch))
		return;
	iked_log(IKED_LOG_INFO, sa->conn->name, sa->no,
		 "updown: %s%s for CHILD SA #%u going %s",
		 script ? "running " : "nftables rules in table " IKED_FW_TABLE,
		 script ? script : "", ch->no, up ? "up" : "down");
	track(sa->d);
	/*
	 * Fork twice: the intermediate exits at once (the only wait here),
	 * and the monitor, adopted by init, waits for the scripts instead.
	 */
	pid = fork();
	if (pid < 0) {
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "updown: cannot fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		pid_t m = fork();

		if (m == 0) {
			setsid();
			if (sa->d && sa->d->updown_piped)
				close(sa->d->updown_pipe[0]);
			monitor(sa, ch, script, up);
		}
		_exit(m < 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
