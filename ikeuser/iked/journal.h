/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's journal, native protocol: one datagram of KEY=value fields
 * per log line, so that the conn name is a field (KESP_CONN=) that
 * `journalctl KESP_CONN=site` selects, without libsystemd.
 */

#ifndef KESP_IKED_JOURNAL_H
#define KESP_IKED_JOURNAL_H

#include <stdbool.h>

#define IKED_JOURNAL_SOCKET	"/run/systemd/journal/socket"

/*
 * Whether stderr is the journal's stream: $JOURNAL_STREAM, which systemd
 * sets to "DEVICE:INODE" of the stream it gives a service, names the
 * file stderr is. Not when stderr was redirected (2>file), nor for a
 * child that inherited the variable but not the stream.
 */
bool iked_journal_is_stderr(void);

/* A datagram socket for @path: the fd, or -errno. */
int iked_journal_open(const char *path);

/*
 * One entry: MESSAGE=@msg, PRIORITY=@prio (syslog's), SYSLOG_IDENTIFIER,
 * SYSLOG_FACILITY, and KESP_CONN=@conn and KESP_IKE_SA=@no when not
 * NULL / 0. 0, or -errno (the caller then writes the line to stderr).
 */
int iked_journal_send(int fd, const char *path, int prio, const char *conn,
		      unsigned int no, const char *msg);

#endif /* KESP_IKED_JOURNAL_H */
