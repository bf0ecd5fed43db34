/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's log: one line per event, to stderr, syslog or the journal. */

#ifndef KESP_IKED_LOG_H
#define KESP_IKED_LOG_H

#include <stdarg.h>

enum iked_log_level {
	IKED_LOG_ERR,		/* a tunnel failed, or the daemon cannot go on */
	IKED_LOG_WARN,		/* something an operator should fix */
	IKED_LOG_INFO,		/* established, deleted, retransmitting */
	IKED_LOG_DEBUG,		/* every message sent and received (-v) */
};

/*
 * Lines look like "conn-a[3] IKE SA established ...": the conn name and
 * the IKE SA's number, so that one grep follows one tunnel. @conn may be
 * NULL (daemon events) and @no 0 (no IKE SA yet).
 */
void iked_log_open(int use_syslog, enum iked_log_level max);
/*
 * Log to the journal socket @path (IKED_JOURNAL_SOCKET; another for
 * tests): what iked_log_open() does when stderr is the journal's stream.
 * Each line is an entry with PRIORITY, SYSLOG_IDENTIFIER, MESSAGE and,
 * for a line about a conn, KESP_CONN (and KESP_IKE_SA). 0, or -errno.
 */
int iked_log_open_journal(const char *path, enum iked_log_level max);
void iked_log(enum iked_log_level lvl, const char *conn, unsigned int no,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void iked_vlog(enum iked_log_level lvl, const char *conn, unsigned int no,
	       const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
int iked_log_enabled(enum iked_log_level lvl);

#endif /* KESP_IKED_LOG_H */
