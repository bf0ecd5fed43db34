// SPDX-License-Identifier: GPL-2.0
/* kespctl ike, reload and status: asking kesp-iked over its control socket. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "kespctl.h"

#define IKED_DEFAULT_SOCKET	"/run/kesp/iked.sock"

static const char *socket_path(const struct kespctl *c)
{
	const char *env = getenv("KESP_IKED_SOCKET");

	if (c->ike_socket)
		return c->ike_socket;
	return env && *env ? env : IKED_DEFAULT_SOCKET;
}

int kespctl_parse_timeout(const char *s, int *secs)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 86400) {
		fprintf(stderr, "kespctl: -t takes seconds, 0 to 86400 (0: wait for ever), not \"%s\"\n",
			s);
		return -1;
	}
	*secs = (int)v;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * read() that gives up at @deadline (CLOCK_MONOTONIC ms; 0: never) with
 * -ETIMEDOUT: a daemon that never answers must not hang the caller.
 */
static ssize_t read_by(int fd, char *buf, size_t len, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left;
	int r;

	for (;;) {
		left = deadline ? deadline - now_ms() : -1;
		if (deadline && left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			return read(fd, buf, len);
	}
}

/*
 * Send @req and read the whole answer into *@body (malloc'd). Returns
 * the daemon's status (0 or a negative errno, its message in *@body), or
 * a negative errno of our own after printing why.
 */
static int ask(const struct kespctl *c, const char *req, char **body)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = socket_path(c);
	size_t len = 0, cap = 4096;
	long long deadline;
	char *buf, *nl;
	ssize_t r = 0;
	int fd, status;

	*body = NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "kespctl: socket path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int e = errno;

		fprintf(stderr, "kespctl: cannot reach kesp-iked at %s: %s%s\n",
			path, strerror(e),
			e == ENOENT || e == ECONNREFUSED ?
			" (is kesp-iked running? -S names another socket)" : "");
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		fprintf(stderr, "kespctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	deadline = c->ike_timeout_s ? now_ms() + c->ike_timeout_s * 1000LL : 0;
	buf = malloc(cap);
	while (buf && (r = read_by(fd, buf + len, cap - len - 1, deadline)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap) {
			char *n = realloc(buf, cap * 2);

			if (!n) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = n;
			cap *= 2;
		}
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "kespctl: kesp-iked did not answer within %d s (it may still finish: see kespctl ike list; -t SECS waits longer, -t 0 for ever)\n",
			c->ike_timeout_s);
		free(buf);
		return -ETIMEDOUT;
	}
	buf[len] = '\0';
	nl = strchr(buf, '\n');
	if (!nl || sscanf(buf, "%d", &status) != 1) {
		fprintf(stderr, "kespctl: kesp-iked gave no answer\n");
		free(buf);
		return -EPROTO;
	}
	if (status) {
		/* "-2 message": the message alone, without the number. */
		char *msg = strchr(buf, ' ');

		*nl = '\0';
		memmove(buf, msg ? msg + 1 : nl, strlen(msg ? msg + 1 : nl) + 1);
	} else {
		memmove(buf, nl + 1, strlen(nl + 1) + 1);
	}
	*body = buf;
	return status;
}

static int run(struct kespctl *c, const char *req, const char *what)
{
	char *body;
	int r = ask(c, req, &body);

	if (!body)
		return KESPCTL_FAIL;
	if (r)
		fprintf(stderr, "kespctl: %s: %s\n", what, body);
	else
		fputs(body, stdout);
	free(body);
	return r ? KESPCTL_FAIL : KESPCTL_OK;
}

int kespctl_cert_list(struct kespctl *c, int argc, char **argv)
{
	if (kespctl_no_args(argc, argv, "cert list"))
		return KESPCTL_USAGE;
	return run(c, c->json ? "cert list json\n" : "cert list\n",
		   "cert list");
}

int kespctl_ike_list(struct kespctl *c, int argc, char **argv)
{
	if (kespctl_no_args(argc, argv, "ike list"))
		return KESPCTL_USAGE;
	return run(c, c->json ? "ike list json\n" : "ike list\n", "ike list");
}

static int up_down(struct kespctl *c, int argc, char **argv, const char *verb)
{
	char req[256];

	if (argc != 1 || !argv[0][0] || strlen(argv[0]) > 200 ||
	    strpbrk(argv[0], " \t\n")) {
		fprintf(stderr, "kespctl: ike %s takes one conn name\n", verb);
		return KESPCTL_USAGE;
	}
	snprintf(req, sizeof(req), "ike %s %s\n", verb, argv[0]);
	return run(c, req, verb);
}

int kespctl_ike_up(struct kespctl *c, int argc, char **argv)
{
	return up_down(c, argc, argv, "up");
}

int kespctl_ike_down(struct kespctl *c, int argc, char **argv)
{
	return up_down(c, argc, argv, "down");
}

int kespctl_ike_rekey(struct kespctl *c, int argc, char **argv)
{
	char req[256];

	if (argc < 1 || argc > 2 || !argv[0][0] || strlen(argv[0]) > 200 ||
	    strpbrk(argv[0], " \t\n") ||
	    (argc == 2 && strcmp(argv[1], "ike") && strcmp(argv[1], "child"))) {
		fprintf(stderr, "kespctl: ike rekey takes a conn name, then optionally 'ike' or 'child'\n");
		return KESPCTL_USAGE;
	}
	snprintf(req, sizeof(req), "ike rekey %s%s%s\n", argv[0],
		 argc == 2 ? " " : "", argc == 2 ? argv[1] : "");
	return run(c, req, "rekey");
}

int kespctl_ike_diagnose(struct kespctl *c, int argc, char **argv)
{
	return up_down(c, argc, argv, "diagnose");
}

int kespctl_reload(struct kespctl *c, int argc, char **argv)
{
	if (kespctl_no_args(argc, argv, "reload"))
		return KESPCTL_USAGE;
	return run(c, "reload\n", "reload");
}

int kespctl_status_show(struct kespctl *c, int argc, char **argv)
{
	char *body = NULL;
	int r, ret = KESPCTL_OK;

	if (kespctl_no_args(argc, argv, "status"))
		return KESPCTL_USAGE;
	r = ask(c, c->json ? "ike list json\n" : "ike list\n", &body);
	if (c->json) {
		/* One document: the daemon's and the kernel's parts side by side. */
		printf("{\"ike\": %s,\n\"sas\": ", !r && body ? body : "null");
		fflush(stdout);
		if (kespctl_sa_list(c, 0, NULL))
			ret = KESPCTL_FAIL;
		printf(",\n\"stats\": ");
		fflush(stdout);
		if (kespctl_stats_show(c, 0, NULL))
			ret = KESPCTL_FAIL;
		printf("}\n");
	} else {
		printf("IKE SAs (kesp-iked):\n");
		if (!r && body)
			fputs(body, stdout);
		else
			printf("  (not available%s%s)\n", body ? ": " : "",
			       body ? body : "");
		printf("\nKernel SAs (kesp.ko):\n");
		fflush(stdout);
		if (kespctl_sa_list(c, 0, NULL))
			ret = KESPCTL_FAIL;
		printf("\n");
		fflush(stdout);
		if (kespctl_stats_show(c, 0, NULL))
			ret = KESPCTL_FAIL;
	}
	free(body);
	return ret;
}
