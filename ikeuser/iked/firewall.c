// SPDX-License-Identifier: GPL-2.0
/* leftfirewall=yes: strongSwan's default updown rules, in nftables (see firewall.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "firewall.h"
#include "updown.h"
#include "daemon.h"
#include "escape.h"
#include "log.h"

#define NFT		"/usr/sbin/nft"
/* Concurrent monitors must not drop the table while another fills it. */
#define LOCK_PATH	"/run/kesp-iked-firewall.lock"
#define SCRIPT_MAX	16384
#define OUTPUT_MAX	2048
/* Before a filter chain at priority filter (0) on the same hook. */
#define PRIORITY	"-10"

static const char *const hooks[3][2] = {
	{ "fwd", "forward" }, { "in", "input" }, { "out", "output" },
};

struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* FNV-1a of the conn's name and the CHILD SA's selectors: stable over rekeys. */
static uint32_t selectors_hash(const struct ike_sa *sa, const struct child_sa *ch)
{
	const uint8_t *parts[3] = { (const uint8_t *)sa->conn->name,
				    (const uint8_t *)&ch->ts_local,
				    (const uint8_t *)&ch->ts_remote };
	size_t lens[3] = { strlen(sa->conn->name), sizeof(ch->ts_local),
			   sizeof(ch->ts_remote) }, i, k;
	uint32_t h = 2166136261u;

	for (i = 0; i < 3; i++)
		for (k = 0; k < lens[i]; k++)
			h = (h ^ parts[i][k]) * 16777619u;
	return h;
}

/* The rules' comment: the conn name, with only what nft quotes safely. */
static void comment_of(const struct ike_sa *sa, const struct child_sa *ch,
		       char *buf, size_t len)
{
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "%s", sa->conn->name);
	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') ||
		      strchr("._-+:@/", name[i])))
			name[i] = '_';
	snprintf(buf, len, "conn %s reqid %u", name, ch->reqid);
}

/* "ip saddr A/N ip daddr B/M" and the protocol and ports of two selectors. */
static void match(struct out *o, const struct iked_ts *src,
		  const struct iked_ts *dst)
{
	const char *fam = src->type == IKED_TS_IPV4 ? "ip" : "ip6";
	char a[KESP_ADDR_STRLEN], b[KESP_ADDR_STRLEN];
	struct kesp_addr sn, dn;
	unsigned int sl, dl;
	uint8_t proto = src->proto ? src->proto : dst->proto;

	iked_ts_prefix(src, &sn, &sl);
	iked_ts_prefix(dst, &dn, &dl);
	kesp_addr_format(&sn, a, sizeof(a));
	kesp_addr_format(&dn, b, sizeof(b));
	put(o, "%s saddr %s/%u %s daddr %s/%u", fam, a, sl, fam, b, dl);
	if (!proto)
		return;
	put(o, " meta l4proto %u", proto);
	if (src->start_port == src->end_port)
		put(o, " th sport %u", src->start_port);
	if (dst->start_port == dst->end_port)
		put(o, " th dport %u", dst->start_port);
}

static void rule(struct out *o, const char *chain, const char *tag,
		 const struct iked_ts *src, const struct iked_ts *dst,
		 const char *comment)
{
	put(o, "add rule %s %s_%s ", IKED_FW_TABLE, chain, tag);
	match(o, src, dst);
	put(o, " counter accept comment \"%s\"\n", comment);
}

/* ESP (and ESP in UDP) between the gateways, as _updown's INPUT/OUTPUT. */
static void esp_rules(struct out *o, const struct ike_sa *sa, const char *tag,
		      const char *comment)
{
	const char *fam = sa->path.local.family == AF_INET ? "ip" : "ip6";
	char me[KESP_ADDR_STRLEN], peer[KESP_ADDR_STRLEN];

	kesp_addr_format(&sa->path.local, me, sizeof(me));
	kesp_addr_format(&sa->path.remote, peer, sizeof(peer));
	put(o, "add rule %s in_%s %s saddr %s %s daddr %s meta l4proto esp counter accept comment \"%s\"\n",
	    IKED_FW_TABLE, tag, fam, peer, fam, me, comment);
	put(o, "add rule %s out_%s %s saddr %s %s daddr %s meta l4proto esp counter accept comment \"%s\"\n",
	    IKED_FW_TABLE, tag, fam, me, fam, peer, comment);
	if (!sa->natt.in_use)
		return;
	put(o, "add rule %s in_%s %s saddr %s %s daddr %s udp sport %u udp dport %u counter accept comment \"%s\"\n",
	    IKED_FW_TABLE, tag, fam, peer, fam, me, sa->path.rport,
	    sa->path.lport, comment);
	put(o, "add rule %s out_%s %s saddr %s %s daddr %s udp sport %u udp dport %u counter accept comment \"%s\"\n",
	    IKED_FW_TABLE, tag, fam, me, fam, peer, sa->path.lport,
	    sa->path.rport, comment);
}

static bool is_host(const struct iked_ts *ts, const struct kesp_addr *host)
{
	struct kesp_addr net;
	unsigned int plen;

	iked_ts_prefix(ts, &net, &plen);
	return net.family == host->family &&
	       plen == kesp_addr_len(net.family) * 8 &&
	       !memcmp(net.bytes, host->bytes, kesp_addr_len(net.family));
}

/* Every pair of selectors, as _updown runs once per pair. */
static void pair_rules(struct out *o, const struct ike_sa *sa,
		       const struct child_sa *ch, const char *tag,
		       const char *comment)
{
	size_t i, k;

	for (i = 0; i < ch->ts_local.n; i++) {
		for (k = 0; k < ch->ts_remote.n; k++) {
			const struct iked_ts *l = &ch->ts_local.ts[i];
			const struct iked_ts *r = &ch->ts_remote.ts[k];
			bool host = is_host(l, &sa->path.local);

			if (l->type != r->type)
				continue;
			rule(o, host ? "in" : "fwd", tag, r, l, comment);
			rule(o, host ? "out" : "fwd", tag, l, r, comment);
		}
	}
}

size_t iked_firewall_script(char *buf, size_t cap, const struct ike_sa *sa,
			    const struct child_sa *ch, bool up)
{
	struct out o = { .buf = buf, .cap = cap };
	char tag[32], comment[96];
	size_t h;

	snprintf(tag, sizeof(tag), "%u_%08x", ch->reqid, selectors_hash(sa, ch));
	comment_of(sa, ch, comment, sizeof(comment));
	/* Declared in both directions, so a down after a lost up still succeeds. */
	put(&o, "add table %s\n", IKED_FW_TABLE);
	for (h = 0; h < 3; h++)
		put(&o, "add chain %s %s_%s { type filter hook %s priority %s; policy accept; }\n",
		    IKED_FW_TABLE, hooks[h][0], tag, hooks[h][1], PRIORITY);
	/* An up for rules already there (a restart) replaces them. */
	for (h = 0; h < 3; h++)
		put(&o, "flush chain %s %s_%s\n", IKED_FW_TABLE, hooks[h][0], tag);
	if (up) {
		pair_rules(&o, sa, ch, tag, comment);
		esp_rules(&o, sa, tag, comment);
	} else {
		for (h = 0; h < 3; h++)
			put(&o, "delete chain %s %s_%s\n", IKED_FW_TABLE,
			    hooks[h][0], tag);
	}
	return o.full ? 0 : o.len;
}

/*
 * nft -f - with @script on its stdin; its stdout and stderr into @out.
 * Returns its wait status, or -1 if it could not be started.
 */
static int nft(const char *script, size_t len, char *out, size_t cap,
	       size_t *got)
{
	int in[2], res[2], status;
	pid_t pid;

	*got = 0;
	if (pipe(in))
		return -1;
	if (pipe(res)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(res[1], 1);
		dup2(res[1], 2);
		close(in[0]);
		close(in[1]);
		close(res[0]);
		close(res[1]);
		execl(NFT, "nft", "-f", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	/* A script is far below a pipe's buffer: no deadlock with its output. */
	if (pid > 0 && write(in[1], script, len) != (ssize_t)len) {
		/* nft reads to the end: a short write shows as its parse error. */
	}
	close(in[1]);
	for (;;) {
		char chunk[512];
		ssize_t n = read(res[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (*got < cap) {
			size_t k = (size_t)n < cap - *got ? (size_t)n : cap - *got;

			memcpy(out + *got, chunk, k);
			*got += k;
		}
	}
	close(res[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static void report(const struct ike_sa *sa, const char *what, int status,
		   const char *out, size_t got)
{
	/* Rules that fail to go are left behind; the tunnel goes anyway. */
	const char *stays = strcmp(what, "up") ? "" : " (the tunnel stays)";
	char esc[4 * OUTPUT_MAX];

	while (got && (out[got - 1] == '\n' || out[got - 1] == '\r'))
		got--;
	iked_escape(esc, sizeof(esc), out, got, 0);
	if (status < 0)
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "firewall: %s: cannot run %s: %s%s",
			 what, NFT, strerror(errno), stays);
	else if (WIFEXITED(status))
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "firewall: %s: nft failed with exit status %d%s%s%s",
			 what, WEXITSTATUS(status), got ? ": " : "", esc, stays);
	else
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "firewall: %s: nft killed by signal %d%s%s%s",
			 what, WTERMSIG(status), got ? ": " : "", esc, stays);
}

static bool ok(int status)
{
	return status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status);
}

/* The table goes with its last chain (another CHILD SA's may remain). */
static void drop_table_if_empty(const struct ike_sa *sa)
{
	static const char list[] = "list table " IKED_FW_TABLE "\n";
	static const char drop[] = "delete table " IKED_FW_TABLE "\n";
	char out[OUTPUT_MAX * 8];
	size_t got;
	int status;

	status = nft(list, sizeof(list) - 1, out, sizeof(out) - 1, &got);
	out[got] = '\0';
	if (!ok(status) || strstr(out, "chain "))
		return;
	status = nft(drop, sizeof(drop) - 1, out, sizeof(out), &got);
	if (!ok(status))
		report(sa, "delete table", status, out, got);
}

void iked_firewall_run(const struct ike_sa *sa, const struct child_sa *ch,
		       bool up)
{
	static char script[SCRIPT_MAX];
	char out[OUTPUT_MAX];
	size_t len = iked_firewall_script(script, sizeof(script), sa, ch, up);
	size_t got;
	int lock, status;

	if (!len) {
		iked_log(IKED_LOG_ERR, sa->conn->name, sa->no,
			 "firewall: CHILD SA #%u has too many selectors for %zu bytes of rules (the tunnel stays)",
			 ch->no, sizeof(script));
		return;
	}
	/* Without the lock (no /run) only the table's removal may race. */
	lock = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock >= 0)
		while (flock(lock, LOCK_EX) < 0 && errno == EINTR)
			;
	status = nft(script, len, out, sizeof(out), &got);
	if (!ok(status))
		report(sa, up ? "up" : "down", status, out, got);
	else
		iked_log(IKED_LOG_DEBUG, sa->conn->name, sa->no,
			 "firewall: rules of CHILD SA #%u (reqid %u) %s",
			 ch->no, ch->reqid, up ? "added" : "removed");
	if (!up)
		drop_table_if_empty(sa);
	if (lock >= 0)
		close(lock);
}
