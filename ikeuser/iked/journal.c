// SPDX-License-Identifier: GPL-2.0
/* systemd's journal, native protocol (systemd.journal-fields(7)). */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

bool iked_journal_is_stderr(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!v || sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int iked_journal_open(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* A buffer that grows; @failed once an allocation did not. */
struct fields {
	char *p;
	size_t len, cap;
	bool failed;
};

static void put(struct fields *f, const void *src, size_t n)
{
	if (f->failed)
		return;
	if (f->len + n > f->cap) {
		size_t cap = (f->len + n) * 2 + 256;
		char *p = realloc(f->p, cap);

		if (!p) {
			f->failed = true;
			return;
		}
		f->p = p;
		f->cap = cap;
	}
	memcpy(f->p + f->len, src, n);
	f->len += n;
}

/*
 * KEY=value\n; a value with a newline in it takes the binary form the
 * protocol has for it: KEY\n, its length as 64-bit little endian, the
 * bytes, \n. Log lines are escaped (no control characters), so only a
 * conn name could need it.
 */
static void field(struct fields *f, const char *key, const char *val)
{
	size_t n = strlen(val);

	put(f, key, strlen(key));
	if (!memchr(val, '\n', n)) {
		put(f, "=", 1);
	} else {
		uint8_t le[8];
		int i;

		for (i = 0; i < 8; i++)
			le[i] = (uint8_t)((uint64_t)n >> (8 * i));
		put(f, "\n", 1);
		put(f, le, sizeof(le));
	}
	put(f, val, n);
	put(f, "\n", 1);
}

int iked_journal_send(int fd, const char *path, int prio, const char *conn,
		      unsigned int no, const char *msg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct fields f = { 0 };
	char num[16];
	int r = 0;

	snprintf(num, sizeof(num), "%d", prio);
	field(&f, "PRIORITY", num);
	field(&f, "SYSLOG_IDENTIFIER", "kesp-iked");
	field(&f, "SYSLOG_FACILITY", "3");	/* LOG_DAEMON */
	if (conn)
		field(&f, "KESP_CONN", conn);
	if (no) {
		snprintf(num, sizeof(num), "%u", no);
		field(&f, "KESP_IKE_SA", num);
	}
	field(&f, "MESSAGE", msg);
	if (f.failed) {
		free(f.p);
		return -ENOMEM;
	}
	/* Checked by iked_journal_open(). */
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if (sendto(fd, f.p, f.len, MSG_NOSIGNAL, (struct sockaddr *)&sun,
		   sizeof(sun)) < 0)
		r = -errno;
	free(f.p);
	return r;
}
