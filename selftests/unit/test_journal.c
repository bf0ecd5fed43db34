// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's log through the journal's native protocol: a datagram
 * socket stands in for /run/systemd/journal/socket and receives what
 * iked_log() sends, field by field; $JOURNAL_STREAM decides whether
 * stderr is the journal.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "kselftest_harness.h"
#include "iked/journal.h"
#include "iked/log.h"

FIXTURE(journal) {
	char dir[32], path[64];
	int fd;
};

FIXTURE_SETUP(journal)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };

	snprintf(self->dir, sizeof(self->dir), "/tmp/kesp-jrnl-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/socket", self->dir);
	self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->fd);
	/* A datagram that never comes fails the test, not hangs it. */
	setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	strcpy(sun.sun_path, self->path);
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&sun, sizeof(sun)));
}

FIXTURE_TEARDOWN(journal)
{
	close(self->fd);
	unlink(self->path);
	rmdir(self->dir);
}

/* The next entry, NUL-terminated; its length in *@len. */
static const char *entry(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n = recv(fd, buf, cap - 1, 0);

	*len = n > 0 ? (size_t)n : 0;
	buf[*len] = '\0';
	return buf;
}

TEST_F(journal, conn_line_carries_kesp_conn_and_priority)
{
	char buf[1024];
	size_t len;

	ASSERT_EQ(0, iked_log_open_journal(self->path, IKED_LOG_INFO));
	iked_log(IKED_LOG_ERR, "lan-a-lan-b", 3, "authentication failed: %s",
		 "PSK mismatch");
	EXPECT_STREQ("PRIORITY=3\n"
		     "SYSLOG_IDENTIFIER=kesp-iked\n"
		     "SYSLOG_FACILITY=3\n"
		     "KESP_CONN=lan-a-lan-b\n"
		     "KESP_IKE_SA=3\n"
		     "MESSAGE=lan-a-lan-b[3] error: authentication failed: PSK mismatch\n",
		     entry(self->fd, buf, sizeof(buf), &len));

	/* A conn without an IKE SA yet: no KESP_IKE_SA. */
	iked_log(IKED_LOG_INFO, "site", 0, "a packet needs the tunnel");
	EXPECT_STREQ("PRIORITY=6\n"
		     "SYSLOG_IDENTIFIER=kesp-iked\n"
		     "SYSLOG_FACILITY=3\n"
		     "KESP_CONN=site\n"
		     "MESSAGE=site: a packet needs the tunnel\n",
		     entry(self->fd, buf, sizeof(buf), &len));
}

TEST_F(journal, daemon_line_has_no_conn_and_peer_bytes_stay_escaped)
{
	char buf[1024];
	size_t len;

	ASSERT_EQ(0, iked_log_open_journal(self->path, IKED_LOG_INFO));
	iked_log(IKED_LOG_WARN, NULL, 0, "peer said \"%s\"", "a\nMESSAGE=x\x1b");
	EXPECT_STREQ("PRIORITY=4\n"
		     "SYSLOG_IDENTIFIER=kesp-iked\n"
		     "SYSLOG_FACILITY=3\n"
		     "MESSAGE=warning: peer said \"a\\x0aMESSAGE=x\\x1b\"\n",
		     entry(self->fd, buf, sizeof(buf), &len));
	/* Below the level: nothing sent. */
	iked_log(IKED_LOG_DEBUG, "site", 1, "not shown");
	iked_log(IKED_LOG_INFO, NULL, 0, "shown");
	EXPECT_STREQ("PRIORITY=6\n"
		     "SYSLOG_IDENTIFIER=kesp-iked\n"
		     "SYSLOG_FACILITY=3\n"
		     "MESSAGE=shown\n", entry(self->fd, buf, sizeof(buf), &len));
}

/* A value with a newline takes the protocol's length-prefixed form. */
TEST_F(journal, newline_in_value_is_length_prefixed)
{
	static const char want_tail[] = "KESP_CONN\n\x05\0\0\0\0\0\0\0a\nb-c\n";
	char buf[1024];
	size_t len;
	const char *p;
	int fd = iked_journal_open(self->path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iked_journal_send(fd, self->path, LOG_INFO, "a\nb-c", 0,
				       "hello"));
	close(fd);
	entry(self->fd, buf, sizeof(buf), &len);
	p = memmem(buf, len, want_tail, sizeof(want_tail) - 1);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, strcmp(p + sizeof(want_tail) - 1, "MESSAGE=hello\n"));
}

/* The journal gone: the line reaches stderr instead of vanishing. */
TEST_F(journal, journal_gone_falls_back_to_stderr)
{
	char out[] = "/tmp/kesp-jrnl-err-XXXXXX", text[512] = "";
	int saved = dup(STDERR_FILENO), tmp = mkstemp(out);
	ssize_t n;

	ASSERT_LE(0, tmp);
	ASSERT_EQ(0, iked_log_open_journal(self->path, IKED_LOG_INFO));
	unlink(self->path);
	ASSERT_LE(0, dup2(tmp, STDERR_FILENO));
	iked_log(IKED_LOG_INFO, "site", 2, "IKE SA established");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	n = pread(tmp, text, sizeof(text) - 1, 0);
	ASSERT_LT(0, n);
	EXPECT_NE(NULL, strstr(text, " site[2] IKE SA established\n"));
	close(tmp);
	close(saved);
	unlink(out);
}

TEST(journal_stream_names_stderr)
{
	char want[64];
	struct stat st;

	ASSERT_EQ(0, fstat(STDERR_FILENO, &st));
	snprintf(want, sizeof(want), "%llu:%llu",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	ASSERT_EQ(0, setenv("JOURNAL_STREAM", want, 1));
	EXPECT_TRUE(iked_journal_is_stderr());
	/* Another file (stderr redirected after systemd started us). */
	snprintf(want, sizeof(want), "%llu:%llu",
		 (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	ASSERT_EQ(0, setenv("JOURNAL_STREAM", want, 1));
	EXPECT_FALSE(iked_journal_is_stderr());
	ASSERT_EQ(0, setenv("JOURNAL_STREAM", "12:34x", 1));
	EXPECT_FALSE(iked_journal_is_stderr());
	ASSERT_EQ(0, unsetenv("JOURNAL_STREAM"));
	EXPECT_FALSE(iked_journal_is_stderr());
}

TEST_HARNESS_MAIN
