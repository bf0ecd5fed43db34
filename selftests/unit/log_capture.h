/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-process daemons' log captured for a test: iked_log writes
 * stderr, so stderr goes to an unlinked temporary file the test reads
 * back, while the harness's TH_LOG lines still go to the real stderr.
 * What iked_fixture.h and inst_pair.h share. Include it before
 * kselftest_harness.h (it sets TH_LOG_STREAM); one capture at a time.
 */

#ifndef KESP_TEST_LOG_CAPTURE_H
#define KESP_TEST_LOG_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The real stderr while the log is captured, for TH_LOG. */
static FILE *log_real_err;

static inline FILE *log_th_stream(void)
{
	return log_real_err ? log_real_err : stderr;
}

#define TH_LOG_STREAM log_th_stream()

/*
 * Send stderr to a new temporary file from now on: its fd; the real
 * stderr's into *@saved_stderr. FX_NOCAPTURE=1: the log stays on
 * stderr, to debug a test (it then reads back nothing).
 */
static int log_capture_start(int *saved_stderr)
{
	char path[] = "/tmp/kesp-unit-log-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	unlink(path);
	fflush(stderr);
	*saved_stderr = dup(2);
	log_real_err = fdopen(dup(*saved_stderr), "w");
	if (!log_real_err)
		abort();
	setvbuf(log_real_err, NULL, _IONBF, 0);
	if (!getenv("FX_NOCAPTURE"))
		dup2(fd, 2);
	return fd;
}

/* Everything logged to @fd so far, NUL-terminated; free() it. */
static char *log_capture_text(int fd)
{
	off_t n;
	char *s;

	fflush(stderr);
	n = lseek(fd, 0, SEEK_END);
	s = calloc(1, (size_t)n + 1);
	if (!s || pread(fd, s, (size_t)n, 0) != n)
		abort();
	return s;
}

/* stderr back to @saved_stderr; @fd, the log, closed. */
static void log_capture_stop(int fd, int saved_stderr)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	fclose(log_real_err);
	log_real_err = NULL;
	close(fd);
}

#endif /* KESP_TEST_LOG_CAPTURE_H */
