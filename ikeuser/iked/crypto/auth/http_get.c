// SPDX-License-Identifier: GPL-2.0
/* A minimal HTTP/1.0 GET or POST over plain TCP for CRL distribution points and OCSP responders: URI parsing, one request, the body of a 200 response; blocking with a deadline, the name lookup included. */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "http_get.h"
#include "http_lookup.h"

/* Room for the status line and headers beyond the body's cap. */
#define HTTP_HEAD_MAX	16384

/* Bytes we put into a request line or Host header as they are. */
static int uri_char_ok(char ch)
{
	/* No backslash either: the URI then shows in logs as it is. */
	return ch > 0x20 && ch < 0x7f && ch != 0x5c;
}

int http_uri_parse(const char *uri, struct http_uri *out)
{
	const char *p, *host, *end, *slash;
	size_t hlen;

	memset(out, 0, sizeof(*out));
	if (strncasecmp(uri, "http://", 7))
		return strstr(uri, "://") ? -EPROTONOSUPPORT : -EINVAL;
	for (p = uri; *p; p++)
		if (!uri_char_ok(*p))
			return -EINVAL;
	host = uri + 7;
	slash = strchr(host, '/');
	end = slash ? slash : host + strlen(host);
	if (memchr(host, '@', (size_t)(end - host)))
		return -EINVAL;
	snprintf(out->port, sizeof(out->port), "80");
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (!close)
			return -EINVAL;
		hlen = (size_t)(close - host - 1);
		host++;
		p = close + 1;
	} else {
		p = memchr(host, ':', (size_t)(end - host));
		hlen = (size_t)((p ? p : end) - host);
		if (!p)
			p = end;
	}
	if (!hlen || hlen >= sizeof(out->host))
		return -EINVAL;
	memcpy(out->host, host, hlen);
	if (*p == ':') {
		size_t plen = (size_t)(end - p - 1);

		if (!plen || plen >= sizeof(out->port) ||
		    strspn(p + 1, "0123456789") < plen)
			return -EINVAL;
		memcpy(out->port, p + 1, plen);
		out->port[plen] = '\0';
	} else if (p != end) {
		return -EINVAL;
	}
	if (snprintf(out->path, sizeof(out->path), "%s", slash ? slash : "/") >=
	    (int)sizeof(out->path))
		return -EINVAL;
	return 0;
}

/* The value of header @name in @head (@len bytes), or NULL; length in *@vlen. */
static const char *header(const char *head, size_t len, const char *name,
			  size_t *vlen)
{
	size_t n = strlen(name);
	const char *p = memchr(head, '\n', len), *end = head + len;

	while (p && p + 1 < end) {
		const char *line = p + 1, *eol = memchr(line, '\n', (size_t)(end - line));

		if (!eol)
			break;
		if ((size_t)(eol - line) > n && line[n] == ':' &&
		    !strncasecmp(line, name, n)) {
			line += n + 1;
			while (line < eol && (*line == ' ' || *line == '\t'))
				line++;
			*vlen = (size_t)(eol - line);
			if (*vlen && line[*vlen - 1] == '\r')
				(*vlen)--;
			return line;
		}
		p = eol;
	}
	return NULL;
}

int http_response_body(const uint8_t *buf, size_t len, const uint8_t **body,
		       size_t *body_len, char *why, size_t why_len)
{
	const char *s = (const char *)buf, *v;
	const uint8_t *hend = NULL;
	size_t i, vlen, head;
	int status;

	for (i = 0; i + 1 < len && !hend; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			hend = buf + i + 2;
		else if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
			hend = buf + i + 4;
	}
	if (len < 12 || strncmp(s, "HTTP/1.", 7) || s[8] != ' ' ||
	    sscanf(s + 9, "%3d", &status) != 1) {
		snprintf(why, why_len, "the answer is no HTTP response");
		return -EBADMSG;
	}
	if (status != 200) {
		snprintf(why, why_len, "HTTP status %d", status);
		return -EBADMSG;
	}
	if (!hend) {
		snprintf(why, why_len, "the HTTP response ends inside its headers");
		return -EBADMSG;
	}
	head = (size_t)(hend - buf);
	*body = hend;
	*body_len = len - head;
	v = header(s, head, "Transfer-Encoding", &vlen);
	if (v && !(vlen == 8 && !strncasecmp(v, "identity", 8))) {
		snprintf(why, why_len, "the HTTP response uses a transfer encoding (HTTP/1.0 was asked for)");
		return -EBADMSG;
	}
	v = header(s, head, "Content-Length", &vlen);
	if (v) {
		char num[24];
		unsigned long long cl;

		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 23 ? vlen : 23), v);
		cl = strtoull(num, NULL, 10);
		if (cl > *body_len) {
			snprintf(why, why_len, "the HTTP body ends after %zu of its %llu bytes",
				 *body_len, cl);
			return -EBADMSG;
		}
		*body_len = (size_t)cl;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @ev on @fd until @deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd p = { fd, ev, 0 };
	long long left;
	int r;

	do {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r ? 0 : -ETIMEDOUT;
}

/*
 * A connected socket to @u by @deadline (@timeout_ms after the fetch
 * began, for the line): fd or -errno (@why).
 */
static int dial(const struct http_uri *u, long long deadline,
		long long timeout_ms, char *why, size_t why_len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	int fd = -1, r = -EHOSTUNREACH, e;
	socklen_t el = sizeof(e);

	/* The lookup too is under the deadline: a dead resolver is slow. */
	r = http_lookup(u->host, u->port, &hints, deadline, &ai, &e);
	if (r == -ETIMEDOUT) {
		snprintf(why, why_len, "cannot resolve %s: the name lookup timed out after %lld ms",
			 u->host, timeout_ms);
		return r;
	}
	if (r) {
		snprintf(why, why_len, "cannot resolve %s: %s", u->host,
			 r == -EHOSTUNREACH ? gai_strerror(e) : strerror(-r));
		return r;
	}
	r = -EHOSTUNREACH;
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			r = -errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS)
			r = -errno;
		else if (!(r = wait_fd(fd, POLLOUT, deadline)) &&
			 !getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el))
			r = -e;
		if (r) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		snprintf(why, why_len, "cannot connect to %s port %s: %s",
			 u->host, u->port, r == -ETIMEDOUT ? "timed out" :
			 strerror(-r));
	return fd < 0 ? r : fd;
}

/* The request out on @fd by @deadline: 0 or -errno. */
static int send_all(int fd, const char *req, size_t len, long long deadline)
{
	size_t off = 0;
	ssize_t n;
	int r;

	while (off < len) {
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r)
			return r;
	}
	return 0;
}

/* Everything up to the server's close, at most @cap bytes: 0 or -errno. */
static int recv_all(int fd, uint8_t *buf, size_t cap, size_t *len,
		    long long deadline)
{
	ssize_t n;
	int r;

	*len = 0;
	for (;;) {
		n = recv(fd, buf + *len, cap - *len, 0);
		if (n == 0)
			return 0;
		if (n > 0) {
			*len += (size_t)n;
			if (*len == cap)
				return -EFBIG;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		r = wait_fd(fd, POLLIN, deadline);
		if (r)
			return r;
	}
}

/* "GET" or "POST" with its body: the request line, headers and body. */
static char *request(const struct http_uri *u, const struct http_body *post,
		     size_t *len)
{
	const char *ob = strchr(u->host, ':') ? "[" : "",
		   *cb = strchr(u->host, ':') ? "]" : "";
	size_t blen = post ? post->len : 0;
	char *req = malloc(1536 + blen);
	int n;

	if (!req)
		return NULL;
	if (post)
		n = snprintf(req, 1536,
			     "POST %s HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: kesp-iked\r\nContent-Type: %s\r\nContent-Length: %zu\r\nAccept: %s\r\nConnection: close\r\n\r\n",
			     u->path, ob, u->host, cb, post->type, blen,
			     post->accept);
	else
		n = snprintf(req, 1536,
			     "GET %s HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: kesp-iked\r\nAccept: application/pkix-crl, */*\r\nConnection: close\r\n\r\n",
			     u->path, ob, u->host, cb);
	if (n < 0 || n >= 1536) {
		free(req);
		return NULL;
	}
	if (blen)
		memcpy(req + n, post->data, blen);
	*len = (size_t)n + blen;
	return req;
}

/* The response of @u on the connected @fd into @buf: 0 or -errno (@why). */
static int exchange(int fd, const struct http_uri *u,
		    const struct http_body *post, uint8_t *buf, size_t cap,
		    size_t *len, long long deadline, unsigned int timeout_ms,
		    size_t max, char *why, size_t why_len)
{
	size_t n;
	char *req = request(u, post, &n);
	int r;

	if (!req) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	r = send_all(fd, req, n, deadline);
	free(req);
	if (!r)
		r = recv_all(fd, buf, cap, len, deadline);
	if (r == -EFBIG)
		snprintf(why, why_len, "the response is larger than %zu bytes",
			 max);
	else if (r == -ETIMEDOUT)
		snprintf(why, why_len, "no complete answer within %u ms",
			 timeout_ms);
	else if (r)
		snprintf(why, why_len, "%s", strerror(-r));
	return r;
}

int http_request(const char *uri, const struct http_body *post,
		 unsigned int timeout_ms, size_t max, uint8_t **body,
		 size_t *body_len, char *why, size_t why_len)
{
	long long deadline = now_ms() + timeout_ms;
	size_t cap = max + HTTP_HEAD_MAX, len = 0, blen;
	const uint8_t *b;
	struct http_uri u;
	uint8_t *buf;
	int fd, r;

	*body = NULL;
	r = http_uri_parse(uri, &u);
	if (r) {
		snprintf(why, why_len, "%s", r == -EPROTONOSUPPORT ?
			 "unsupported scheme: only http:// is fetched" :
			 "not a URI kesp-iked fetches");
		return r;
	}
	fd = dial(&u, deadline, timeout_ms, why, why_len);
	if (fd < 0)
		return fd;
	buf = malloc(cap);
	r = buf ? exchange(fd, &u, post, buf, cap, &len, deadline, timeout_ms,
			   max, why, why_len) : -ENOMEM;
	close(fd);
	if (!r)
		r = http_response_body(buf, len, &b, &blen, why, why_len);
	if (!r && blen > max) {
		snprintf(why, why_len, "the body is larger than %zu bytes", max);
		r = -EFBIG;
	}
	if (!r) {
		*body = malloc(blen ? blen : 1);
		if (*body) {
			memcpy(*body, b, blen);
			*body_len = blen;
		} else {
			r = -ENOMEM;
		}
	}
	if (r == -ENOMEM)
		snprintf(why, why_len, "out of memory");
	free(buf);
	return r;
}

int http_get(const char *uri, unsigned int timeout_ms, size_t max,
	     uint8_t **body, size_t *body_len, char *why, size_t why_len)
{
	return http_request(uri, NULL, timeout_ms, max, body, body_len, why,
			    why_len);
}
