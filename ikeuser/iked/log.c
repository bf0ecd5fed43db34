// SPDX-License-Identifier: GPL-2.0
/* kesp-iked's log: one line per event, to stderr, syslog or the journal. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "escape.h"
#include "journal.h"
#include "log.h"

/*
 * The one piece of process-wide state outside the daemon's context: the
 * log is opened once in main() and read-only afterwards, like openlog()'s
 * own state.
 */
static struct {
	int use_syslog;
	enum iked_log_level max;
	int journal_fd;			/* -1: not the journal */
	const char *journal_path;
} log_cfg = { 0, IKED_LOG_INFO, -1, NULL };

void iked_log_open(int use_syslog, enum iked_log_level max)
{
	log_cfg.use_syslog = use_syslog;
	log_cfg.max = max;
	if (use_syslog)
		openlog("kesp-iked", LOG_PID, LOG_DAEMON);
	/* Started by systemd with stderr to the journal: fields, not text. */
	else if (iked_journal_is_stderr())
		iked_log_open_journal(IKED_JOURNAL_SOCKET, max);
}

int iked_log_open_journal(const char *path, enum iked_log_level max)
{
	int fd = iked_journal_open(path);

	log_cfg.max = max;
	if (fd < 0)
		return fd;
	log_cfg.journal_fd = fd;
	log_cfg.journal_path = path;
	return 0;
}

/* The line as a journal entry: false if it must go to stderr instead. */
static bool to_journal(int prio, const char *conn, unsigned int no,
		       const char *line)
{
	if (log_cfg.journal_fd < 0)
		return false;
	return !iked_journal_send(log_cfg.journal_fd, log_cfg.journal_path,
				  prio, conn, no, line);
}

int iked_log_enabled(enum iked_log_level lvl)
{
	return lvl <= log_cfg.max;
}

/* The journal's MESSAGE= is the stderr line without the time. */
static bool journal_line(int prio, const char *conn, unsigned int no,
			 const char *who, const char *tag, const char *msg)
{
	char *line;
	bool sent;

	if (asprintf(&line, "%s%s%s", who, tag, msg) < 0)
		return false;
	sent = to_journal(prio, conn, no, line);
	free(line);
	return sent;
}

void iked_vlog(enum iked_log_level lvl, const char *conn, unsigned int no,
	       const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "", "" };
	char who[96] = "";
	char *msg = NULL, *shown;

	if (!iked_log_enabled(lvl))
		return;
	if (conn && no)
		snprintf(who, sizeof(who), "%s[%u] ", conn, no);
	else if (conn)
		snprintf(who, sizeof(who), "%s: ", conn);
	/*
	 * As long as it takes: a diagnosis cut short loses its hint, and
	 * a list of proposals is as long as the peer made it.
	 */
	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
		fmt = "(out of memory for a log line)";
	}
	/*
	 * The last line of defence: what a peer chose is escaped where it
	 * is formatted (iked_conf_id_format()), but no byte outside
	 * printable ASCII reaches the log, whatever missed that.
	 */
	if (msg && iked_escape_needed(msg, IKED_ESC_TEXT)) {
		size_t cap = 4 * strlen(msg) + 1;

		shown = malloc(cap);
		if (shown)
			iked_escape(shown, cap, msg, strlen(msg),
				    IKED_ESC_TEXT);
		free(msg);
		msg = shown;
	}
	if (!msg)
		msg = strdup("(out of memory for a log line)");
	if (!msg)
		return;
	if (log_cfg.use_syslog) {
		syslog(prio[lvl], "%s%s%s", who, tag[lvl], msg);
	} else if (log_cfg.journal_fd >= 0 &&
		   journal_line(prio[lvl], conn, no, who, tag[lvl], msg)) {
		/* Sent; a journal that is gone gets the line on stderr. */
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s%s%s\n", when, ts.tv_nsec / 1000000,
			who, tag[lvl], msg);
	}
	free(msg);
}

void iked_log(enum iked_log_level lvl, const char *conn, unsigned int no,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	iked_vlog(lvl, conn, no, fmt, ap);
	va_end(ap);
}
