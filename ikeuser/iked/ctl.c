// SPDX-License-Identifier: GPL-2.0
/* kesp-iked's control socket: what `kespctl ike ...` talks to. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "conn.h"
#include "log.h"
#include "status.h"
#include "proto.h"
#include "reload.h"
#include "sa/control.h"
#include "crypto/auth/creds.h"

struct iked_ctl_client {
	struct iked_ctl_client *next;
	int fd;
	char line[512];
	size_t len;
	bool waiting;		/* "ike up": answered by iked_ctl_done() */
};

int iked_ctl_open(struct iked *d, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = d->ctl_path;
	char dir[sizeof(sun.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		/* /run/kesp: only root may even look for the socket. */
		if (mkdir(dir, 0700) && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -errno;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* A socket left by a killed daemon would make bind() fail. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(path, 0600) || listen(fd, 16))
		goto fail;
	d->ctl_fd = fd;
	return 0;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -errno;
}

static void client_free(struct iked *d, struct iked_ctl_client *cl)
{
	struct iked_ctl_client **pp;
	struct ike_sa *sa;

	for (pp = &d->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	for (sa = d->sas; sa; sa = sa->next)
		if (sa->waiter == cl)
			sa->waiter = NULL;
	close(cl->fd);
	free(cl);
}

void iked_ctl_close(struct iked *d)
{
	while (d->clients)
		client_free(d, d->clients);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->ctl_path);
		d->ctl_fd = -1;
	}
}

void iked_ctl_accept(struct iked *d)
{
	struct iked_ctl_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* The socket's mode already keeps others out; this says so clearly. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		static const char no[] = "-1 Operation not permitted: root only\n";

		if (write(fd, no, sizeof(no) - 1) < 0) {
			/* Nothing more to tell a client that is gone. */
		}
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->next = d->clients;
	d->clients = cl;
}

size_t iked_ctl_fds(struct iked *d, int *fds, struct iked_ctl_client **cls,
		    size_t cap)
{
	struct iked_ctl_client *cl;
	size_t n = 0;

	for (cl = d->clients; cl && n < cap; cl = cl->next) {
		fds[n] = cl->fd;
		cls[n++] = cl;
	}
	return n;
}

static void write_all(int fd, const char *p, size_t len)
{
	int flags = fcntl(fd, F_GETFL);

	/* Answers are small and the client reads them at once. */
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static void answer(struct iked *d, struct iked_ctl_client *cl, int err,
		   const char *body)
{
	char head[32];

	/* The body as it is: a diagnosis is never cut short. */
	snprintf(head, sizeof(head), err ? "%d " : "0\n", err);
	write_all(cl->fd, head, strlen(head));
	if (body)
		write_all(cl->fd, body, strlen(body));
	if (err)
		write_all(cl->fd, "\n", 1);
	client_free(d, cl);
}

void iked_ctl_done(struct iked *d, struct iked_ctl_client *cl, int err,
		   const char *msg)
{
	char *body = NULL;

	if (err) {
		answer(d, cl, err, msg);
		return;
	}
	if (asprintf(&body, "%s\n", msg) < 0)
		body = NULL;
	answer(d, cl, 0, body ? body : "(out of memory)\n");
	free(body);
}

static void do_list(struct iked *d, struct iked_ctl_client *cl, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		answer(d, cl, -ENOMEM, "out of memory");
		return;
	}
	iked_status_write(d, f, json);
	fclose(f);
	answer(d, cl, 0, text);
	free(text);
}

static void do_cert_list(struct iked *d, struct iked_ctl_client *cl,
			 bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		answer(d, cl, -ENOMEM, "out of memory");
		return;
	}
	iked_creds_write(d->creds, f, json);
	fclose(f);
	answer(d, cl, 0, text);
	free(text);
}

static void do_up(struct iked *d, struct iked_ctl_client *cl,
		  const char *name)
{
	struct iked_conn *c = iked_conn_by_name(d, name);
	struct ike_sa *sa;
	char msg[600];
	int r;

	if (!c) {
		snprintf(msg, sizeof(msg), "no conn named '%s' loaded", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	if (d->stopping) {
		answer(d, cl, -ESHUTDOWN, "kesp-iked is stopping");
		return;
	}
	iked_log(IKED_LOG_INFO, name, 0, "ike up requested");
	/* An operator's request gets keyingtries afresh. */
	c->tries = 0;
	r = iked_initiate(d, c, &sa);
	if (r) {
		answer(d, cl, r, iked_conn_last_error(c)[0] ?
		       iked_conn_last_error(c) : strerror(-r));
		return;
	}
	if (sa->state == IKE_ESTABLISHED && !sa->proto->child_negotiating(sa)) {
		snprintf(msg, sizeof(msg), "%s[%u] is established\n", name,
			 sa->no);
		answer(d, cl, 0, msg);
		return;
	}
	if (sa->waiter) {
		answer(d, cl, -EALREADY, "someone else is waiting for this IKE SA");
		return;
	}
	sa->waiter = cl;
	cl->waiting = true;
}

static void do_down(struct iked *d, struct iked_ctl_client *cl,
		    const char *name)
{
	struct iked_conn *c = iked_conn_by_name(d, name);
	char msg[600];

	if (!c) {
		snprintf(msg, sizeof(msg), "no conn named '%s' loaded", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	if (iked_terminate(d, c)) {
		snprintf(msg, sizeof(msg), "%s has no IKE SA", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	snprintf(msg, sizeof(msg), "deleting the IKE SAs of %s\n", name);
	answer(d, cl, 0, msg);
}

static void do_rekey(struct iked *d, struct iked_ctl_client *cl,
		     const char *name, const char *what)
{
	struct iked_conn *c = iked_conn_by_name(d, name);
	bool ike = !what || !strcmp(what, "ike");
	bool child = !what || !strcmp(what, "child");
	char msg[600];

	if (!ike && !child) {
		answer(d, cl, -EINVAL, "ike rekey NAME [ike|child]: expected 'ike' or 'child' after the name");
		return;
	}
	if (!c) {
		snprintf(msg, sizeof(msg), "no conn named '%s' loaded", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	if (iked_rekey(d, c, ike, child)) {
		snprintf(msg, sizeof(msg), "%s has no established IKE SA", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	snprintf(msg, sizeof(msg), "rekeying %s of %s\n",
		 ike && child ? "the IKE SA and the CHILD SAs" :
		 ike ? "the IKE SA" : "the CHILD SAs", name);
	answer(d, cl, 0, msg);
}

static void do_diagnose(struct iked *d, struct iked_ctl_client *cl,
			const char *name)
{
	struct iked_conn *c = iked_conn_by_name(d, name);
	char *text = NULL, msg[600];
	size_t len = 0;
	FILE *f;

	if (!c) {
		snprintf(msg, sizeof(msg), "no conn named '%s' loaded", name);
		answer(d, cl, -ENOENT, msg);
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		answer(d, cl, -ENOMEM, "out of memory");
		return;
	}
	iked_status_diagnose(d, c, f);
	fclose(f);
	answer(d, cl, 0, text);
	free(text);
}

static void do_reload(struct iked *d, struct iked_ctl_client *cl)
{
	char msg[IKED_CONF_ERRLEN + 64];
	size_t len;
	int r;

	iked_log(IKED_LOG_INFO, NULL, 0, "reload requested by kespctl");
	r = iked_reload(d, msg, sizeof(msg) - 1, NULL);
	if (!r) {
		len = strlen(msg);
		msg[len] = '\n';
		msg[len + 1] = '\0';
	}
	answer(d, cl, r, msg);
}

static void handle(struct iked *d, struct iked_ctl_client *cl, char *line)
{
	char *argv[4] = { 0 }, *save = NULL, *w;
	int argc = 0;

	for (w = strtok_r(line, " \t", &save); w && argc < 4;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (argc >= 2 && !strcmp(argv[0], "ike") && !strcmp(argv[1], "list"))
		do_list(d, cl, argc == 3 && !strcmp(argv[2], "json"));
	else if (argc >= 2 && !strcmp(argv[0], "cert") &&
		 !strcmp(argv[1], "list"))
		do_cert_list(d, cl, argc == 3 && !strcmp(argv[2], "json"));
	else if (argc == 3 && !strcmp(argv[0], "ike") &&
		 !strcmp(argv[1], "up"))
		do_up(d, cl, argv[2]);
	else if (argc == 3 && !strcmp(argv[0], "ike") &&
		 !strcmp(argv[1], "down"))
		do_down(d, cl, argv[2]);
	else if (argc == 3 && !strcmp(argv[0], "ike") &&
		 !strcmp(argv[1], "diagnose"))
		do_diagnose(d, cl, argv[2]);
	else if ((argc == 3 || argc == 4) && !strcmp(argv[0], "ike") &&
		 !strcmp(argv[1], "rekey"))
		do_rekey(d, cl, argv[2], argv[3]);
	else if (argc == 1 && !strcmp(argv[0], "reload"))
		do_reload(d, cl);
	else
		answer(d, cl, -EINVAL,
		       "unknown request: expected 'ike list [json]', 'cert list [json]', 'ike up NAME', 'ike down NAME', 'ike rekey NAME [ike|child]', 'ike diagnose NAME' or 'reload'");
}

void iked_ctl_read(struct iked *d, struct iked_ctl_client *cl)
{
	struct iked_ctl_client *c;
	ssize_t r;
	char *nl;

	/*
	 * The loop polled a copy of the list: answering an IKE SA's waiter
	 * since then may have freed @cl. Nothing is accepted in between, so
	 * its address cannot have been reused.
	 */
	for (c = d->clients; c && c != cl; c = c->next)
		;
	if (!c)
		return;

	if (cl->waiting) {
		char c;

		/* Only EOF can come: the client gave up waiting. */
		if (read(cl->fd, &c, 1) <= 0)
			client_free(d, cl);
		return;
	}
	r = read(cl->fd, cl->line + cl->len, sizeof(cl->line) - 1 - cl->len);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			client_free(d, cl);
		return;
	}
	cl->len += (size_t)r;
	cl->line[cl->len] = '\0';
	nl = strchr(cl->line, '\n');
	if (!nl) {
		if (cl->len == sizeof(cl->line) - 1)
			answer(d, cl, -E2BIG, "request too long");
		return;
	}
	*nl = '\0';
	handle(d, cl, cl->line);
}
