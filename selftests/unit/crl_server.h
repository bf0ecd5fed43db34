/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny HTTP server for the CRL fetch and OCSP tests: a thread on 127.0.0.1 that answers every GET with one body, or a POST with what a callback makes of its body, and counts the requests. */

#ifndef KESP_TEST_CRL_SERVER_H
#define KESP_TEST_CRL_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct crl_server {
	int fd;
	unsigned short port;
	pthread_t t;
	atomic_int requests;
	uint8_t *body;
	size_t len;
	char uri[128];			/* http://127.0.0.1:PORT/root.crl */
	/* A POST's answer, malloc()ed (NULL: @body), from the thread. */
	uint8_t *(*answer)(void *arg, const uint8_t *req, size_t len,
			   size_t *out_len);
	void *arg;
	atomic_int posts;
	char head[2048];		/* the last request's line and headers */
	/* While set, a request is read but not answered: a fetch in flight. */
	atomic_bool hold;
	atomic_int held;		/* requests waiting for the hold to end */
};

/* The rest of a POST's body after @got bytes of @req (headers included). */
static size_t crl_server_body(int c, char *req, size_t got, size_t cap,
			      const char **body)
{
	char *end = strstr(req, "\r\n\r\n"), *cl = strcasestr(req,
						"\r\nContent-Length:");
	size_t want, have;
	ssize_t n;

	if (!end || !cl || cl > end)
		return 0;
	want = strtoul(cl + 17, NULL, 10);
	*body = end + 4;
	have = got - (size_t)(end + 4 - req);
	while (have < want && (size_t)(end + 4 - req) + want < cap &&
	       (n = recv(c, req + got, cap - 1 - got, 0)) > 0) {
		got += (size_t)n;
		have += (size_t)n;
	}
	return have < want ? have : want;
}

/* What the server sends for one request: @s->body, or @s->answer's. */
static void crl_server_reply(struct crl_server *s, int c, char *req,
			     size_t got, size_t cap)
{
	const char *body = NULL;
	uint8_t *mine = NULL, *out = s->body;
	size_t blen, len = s->len, off = 0;
	char head[160];
	ssize_t n;

	if (!strncmp(req, "POST ", 5) && s->answer) {
		atomic_fetch_add(&s->posts, 1);
		blen = crl_server_body(c, req, got, cap, &body);
		mine = s->answer(s->arg, (const uint8_t *)body, blen, &len);
		out = mine;
	}
	n = snprintf(head, sizeof(head),
		     "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
		     out ? len : 0);
	if (send(c, head, (size_t)n, MSG_NOSIGNAL) == n)
		while (out && off < len &&
		       (n = send(c, out + off, len - off, MSG_NOSIGNAL)) > 0)
			off += (size_t)n;
	free(mine);
}

static void *crl_server_run(void *arg)
{
	struct crl_server *s = arg;
	char req[16384], *end;

	for (;;) {
		size_t got = 0;
		ssize_t n;
		int c = accept(s->fd, NULL, NULL);

		if (c < 0)
			return NULL;
		req[0] = '\0';
		while (got < sizeof(req) - 1 &&
		       (n = recv(c, req + got, sizeof(req) - 1 - got, 0)) > 0) {
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		end = strstr(req, "\r\n\r\n");
		snprintf(s->head, sizeof(s->head), "%.*s",
			 (int)(end ? (size_t)(end - req) : got), req);
		atomic_fetch_add(&s->requests, 1);
		if (atomic_load(&s->hold)) {
			atomic_fetch_add(&s->held, 1);
			while (atomic_load(&s->hold))
				usleep(1000);
			atomic_fetch_sub(&s->held, 1);
		}
		crl_server_reply(s, c, req, got, sizeof(req));
		close(c);
	}
}

/* A port nothing listens on (a server that is down). */
static inline unsigned short crl_port_closed(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl))
		abort();
	close(fd);
	return ntohs(sin.sin_port);
}

/* Listening on 127.0.0.1 (any port); 0 or -1. */
static int crl_server_start(struct crl_server *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(s->fd, 16) ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &sl))
		return -1;
	s->port = ntohs(sin.sin_port);
	snprintf(s->uri, sizeof(s->uri), "http://127.0.0.1:%u/root.crl",
		 s->port);
	return pthread_create(&s->t, NULL, crl_server_run, s) ? -1 : 0;
}

/* What the server answers from now on: @crl (freed) as PEM or DER. */
static inline void crl_server_serve(struct crl_server *s, X509_CRL *crl, int der)
{
	unsigned char *p;
	BIO *b;
	int n;

	free(s->body);
	if (der) {
		n = i2d_X509_CRL(crl, NULL);
		s->body = malloc((size_t)n);
		p = s->body;
		i2d_X509_CRL(crl, &p);
		s->len = (size_t)n;
	} else {
		char *mem;
		long len;

		b = BIO_new(BIO_s_mem());
		PEM_write_bio_X509_CRL(b, crl);
		len = BIO_get_mem_data(b, &mem);
		s->body = malloc((size_t)len);
		memcpy(s->body, mem, (size_t)len);
		s->len = (size_t)len;
		BIO_free(b);
	}
	X509_CRL_free(crl);
}

static void crl_server_stop(struct crl_server *s)
{
	atomic_store(&s->hold, false);
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->t, NULL);
	close(s->fd);
	free(s->body);
}

#endif /* KESP_TEST_CRL_SERVER_H */
