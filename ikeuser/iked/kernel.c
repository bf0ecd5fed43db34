// SPDX-License-Identifier: GPL-2.0
/* kesp-iked's kernel facade over the kesp generic netlink family: the only place the daemon touches netlink. */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>

#include "../common/events.h"
#include "../common/nl.h"
#include "kernel.h"
#include "kernel_int.h"
#include "kqueue.h"
#include "daemon.h"
#include "log.h"

#define IKE_PORT		500
#define IKE_NATT_PORT		4500
/*
 * Datagrams read per iked_kernel_events() call: enough to drain any
 * normal backlog, few enough that a flood does not hold the event loop.
 */
#define EVENT_BATCHES		64
/* A dump that keeps colliding with changes is reported, not retried forever. */
#define DUMP_TRIES		3

void kernel_set_error(struct iked_kernel *k, int err, const char *fmt, ...)
{
	va_list ap;

	memset(&k->last, 0, sizeof(k->last));
	k->last.err = err;
	va_start(ap, fmt);
	vsnprintf(k->last.msg, sizeof(k->last.msg), fmt, ap);
	va_end(ap);
}

/* Keep what the socket said about its last failure; pass @err on. */
static int took(struct iked_kernel *k, const struct kesp_nl *nl, int err)
{
	if (err < 0) {
		k->last = nl->last;
		if (!k->last.err)
			k->last.err = err;
	}
	return err;
}

int kernel_check_addr(struct iked_kernel *k, const struct kesp_addr *a,
		      const char *what)
{
	if (!kesp_addr_len(a->family)) {
		kernel_set_error(k, -EAFNOSUPPORT,
				 "%s is not an IPv4 or IPv6 address", what);
		return -EAFNOSUPPORT;
	}
	return 0;
}

/* --- open, close --- */

/*
 * The worker's facade: a request socket of its own, so that a request
 * of the event loop (after kq_drain()) never shares one with the thread.
 */
static int open_worker(struct iked_kernel *k, char *err, size_t errlen)
{
	char buf[512];
	int ret;

	k->w = calloc(1, sizeof(*k->w));
	if (!k->w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = kesp_nl_open(&k->w->req);
	if (ret < 0) {
		snprintf(err, errlen, "worker socket: %s",
			 kesp_nl_strerror(&k->w->req.last, buf, sizeof(buf)));
		goto free_w;
	}
	ret = kq_open(&k->q, kernel_run_op, k);
	if (ret < 0) {
		snprintf(err, errlen, "cannot start the kernel thread: %s",
			 strerror(-ret));
		goto close_w;
	}
	return 0;

close_w:
	kesp_nl_close(&k->w->req);
free_w:
	free(k->w);
	k->w = NULL;
	return ret;
}

static int open_sockets(struct iked_kernel *k, char *err, size_t errlen)
{
	char buf[512];
	int ret;

	ret = kesp_nl_open(&k->req);
	if (ret < 0) {
		snprintf(err, errlen, "%s",
			 kesp_nl_strerror(&k->req.last, buf, sizeof(buf)));
		return ret;
	}
	ret = kesp_nl_open(&k->ev);
	if (ret < 0) {
		snprintf(err, errlen, "events socket: %s",
			 kesp_nl_strerror(&k->ev.last, buf, sizeof(buf)));
		goto close_req;
	}
	ret = kesp_nl_subscribe(&k->ev);
	if (ret < 0) {
		snprintf(err, errlen, "%s%s",
			 kesp_nl_strerror(&k->ev.last, buf, sizeof(buf)),
			 ret == -EPERM ? "; it needs CAP_NET_ADMIN" : "");
		goto close_ev;
	}
	ret = nl_socket_set_nonblocking(k->ev.sk);
	if (ret < 0) {
		snprintf(err, errlen, "cannot make the events socket non-blocking: %s",
			 nl_geterror(ret));
		ret = -EIO;
		goto close_ev;
	}
	return 0;

close_ev:
	kesp_nl_close(&k->ev);
close_req:
	kesp_nl_close(&k->req);
	return ret;
}

int iked_kernel_open(struct iked_kernel **out, char *err, size_t errlen)
{
	struct iked_kernel *k = calloc(1, sizeof(*k));
	int ret;

	*out = NULL;
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&k->pol_lock, NULL);
	ret = open_sockets(k, err, errlen);
	if (ret < 0)
		goto free_k;
	ret = open_worker(k, err, errlen);
	if (ret < 0)
		goto close_sockets;
	*out = k;
	return 0;

close_sockets:
	kesp_nl_close(&k->ev);
	kesp_nl_close(&k->req);
free_k:
	pthread_mutex_destroy(&k->pol_lock);
	free(k);
	return ret;
}

void iked_kernel_close(struct iked_kernel *k)
{
	int i;

	if (!k)
		return;
	/* What is queued still goes in (or out) first: kq_close() runs it. */
	kq_close(k->q);
	k->q = NULL;
	kesp_nl_close(&k->w->req);
	free(k->w);
	/* Best effort: the policies may be gone already (a flush by hand). */
	for (i = 0; i < N_BYPASS; i++)
		if (k->bypass_id[i])
			iked_kernel_policy_del(k, k->bypass_id[i]);
	kesp_nl_close(&k->ev);
	kesp_nl_close(&k->req);
	pthread_mutex_destroy(&k->pol_lock);
	free(k->pol_kid);
	free(k);
}

int iked_kernel_event_fd(const struct iked_kernel *k)
{
	return nl_socket_get_fd(k->ev.sk);
}

const char *iked_kernel_strerror(const struct iked_kernel *k, char *buf,
				 size_t len)
{
	return kesp_nl_strerror(&k->last, buf, len);
}

/* --- events --- */

struct event_state {
	iked_kernel_event_fn fn;
	void *arg;
	int malformed;
};

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct event_state *st = arg;
	struct kesp_event ev;
	int err = kesp_msg_parse_event(nlh, &ev);

	/* A newer kind of event is not ours; a broken one is reported later. */
	if (err == -EOPNOTSUPP)
		return 0;
	if (err) {
		st->malformed++;
		return 0;
	}
	st->fn(&ev, st->arg);
	return 0;
}

/* 1 if the events socket has a datagram (or an overflow) waiting. */
static int readable(struct iked_kernel *k)
{
	struct pollfd p = { .fd = iked_kernel_event_fd(k), .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLERR));
}

int iked_kernel_events(struct iked_kernel *k, iked_kernel_event_fn fn,
		       void *arg)
{
	struct event_state st = { .fn = fn, .arg = arg };
	int lost = 0, err, i;

	/*
	 * kesp_nl_recv_events() reads one datagram; on the non-blocking
	 * socket an empty queue reads as 0 too, so poll() says when to stop.
	 */
	for (i = 0; i < EVENT_BATCHES && readable(k); i++) {
		err = kesp_nl_recv_events(&k->ev, on_event, &st);
		if (err == -ENOBUFS) {
			lost = 1;
			continue;
		}
		if (err < 0)
			return took(k, &k->ev, err);
	}
	if (lost) {
		kernel_set_error(k, -ENOBUFS, "events were lost: the receive queue overflowed");
		return -ENOBUFS;
	}
	if (st.malformed) {
		kernel_set_error(k, -EPROTO, "%d malformed event%s from the kernel skipped",
				 st.malformed, st.malformed == 1 ? "" : "s");
		return -EPROTO;
	}
	return 0;
}

/* --- SAs --- */

/* One SA request and, for GET and SPI_ALLOC, where its reply goes. */
struct sa_exchange {
	struct kesp_sa_req req;		/* first: kesp_msg_build_sa reads it */
	struct kesp_sa *reply;
	int replies;
};

static int sa_reply(struct nlmsghdr *nlh, void *arg)
{
	struct sa_exchange *x = arg;

	if (!x->reply)
		return 0;
	x->replies++;
	return kesp_msg_parse_sa_reply(nlh, x->reply);
}

static int sa_request(struct iked_kernel *k, int cmd, const struct kesp_sa *sa,
		      uint32_t send, struct kesp_sa *reply)
{
	struct sa_exchange x = { .req = { .sa = sa, .send = send },
				 .reply = reply };
	int err;

	err = kesp_nl_request(&k->req, cmd, 0, kesp_msg_build_sa, sa_reply,
			      &x);
	if (err < 0)
		return took(k, &k->req, err);
	if (reply && !x.replies) {
		kernel_set_error(k, -EPROTO, "the kernel's reply has no SA");
		return -EPROTO;
	}
	return 0;
}

/* The (SPI, direction, destination) that DEL and GET find an SA by. */
static int sa_id(struct iked_kernel *k, struct kesp_sa *sa, uint8_t dir,
		 const struct kesp_addr *dst, uint32_t spi)
{
	memset(sa, 0, sizeof(*sa));
	if (kernel_check_addr(k, dst, "the SA's destination"))
		return -EAFNOSUPPORT;
	sa->present = KESP_SA_SEND_ID;
	sa->spi = spi;
	sa->dir = dir;
	sa->family = dst->family;
	sa->dst = *dst;
	return 0;
}

int iked_kernel_spi_alloc(struct iked_kernel *k, const struct kesp_addr *dst,
			  uint32_t *spi)
{
	struct kesp_sa q = { 0 }, r;
	int err;

	kernel_settle(k);
	if (kernel_check_addr(k, dst, "the SA's local address"))
		return -EAFNOSUPPORT;
	/* No SPI_MIN/MAX: the kernel's default range is 256..0xffffffff. */
	q.present = KESP_BIT(KESP_SA_A_FAMILY) | KESP_BIT(KESP_SA_A_DST);
	q.family = dst->family;
	q.dst = *dst;
	err = sa_request(k, KESP_CMD_SPI_ALLOC, &q, KESP_SA_SEND_SPI_ALLOC, &r);
	if (err)
		return err;
	if (!(r.present & KESP_BIT(KESP_SA_A_SPI)) || r.spi < 256) {
		kernel_set_error(k, -EPROTO, "the kernel's SPI_ALLOC reply has no valid SPI");
		return -EPROTO;
	}
	*spi = r.spi;
	return 0;
}

int kernel_sa_add_now(struct iked_kernel *k, const struct kesp_sa *sa)
{
	return sa_request(k, KESP_CMD_SA_NEW, sa, KESP_SA_SEND_NEW, NULL);
}

/* The family the addresses carry, when @sa does not say it. */
int kernel_sa_family(struct iked_kernel *k, struct kesp_sa *sa)
{
	if (sa->present & KESP_BIT(KESP_SA_A_FAMILY))
		return 0;
	if (kernel_check_addr(k, &sa->dst, "the SA's destination"))
		return -EAFNOSUPPORT;
	sa->family = sa->dst.family;
	sa->present |= KESP_BIT(KESP_SA_A_FAMILY);
	return 0;
}

int kernel_sa_del_now(struct iked_kernel *k, uint8_t dir,
		      const struct kesp_addr *dst, uint32_t spi)
{
	struct kesp_sa q;

	if (sa_id(k, &q, dir, dst, spi))
		return -EAFNOSUPPORT;
	return sa_request(k, KESP_CMD_SA_DEL, &q, KESP_SA_SEND_ID, NULL);
}
int iked_kernel_sa_get(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi,
		       struct kesp_sa *out)
{
	struct kesp_sa q;

	kernel_settle(k);
	if (sa_id(k, &q, dir, dst, spi))
		return -EAFNOSUPPORT;
	return sa_request(k, KESP_CMD_SA_GET, &q, KESP_SA_SEND_ID, out);
}

/* --- dumps --- */

/* A whole dump collected into an array of @size-byte elements. */
struct collect {
	int (*parse)(struct nlmsghdr *nlh, void *elem);
	size_t size;
	void *v;
	size_t n, cap;
};

static int collect_one(struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *p = reallocarray(c->v, cap, c->size);

		if (!p)
			return -ENOMEM;
		c->v = p;
		c->cap = cap;
	}
	if (c->parse(nlh, (char *)c->v + c->n * c->size))
		return -EPROTO;
	c->n++;
	return 0;
}

/*
 * Read the whole dump before anyone sees it: the request socket is busy
 * until the dump ends, and a walker that deletes must be able to use it.
 */
static int dump(struct iked_kernel *k, int cmd, struct collect *c)
{
	int err, tries = 0;

	kernel_settle(k);
	do {
		c->n = 0;
		err = kesp_nl_request(&k->req, cmd, 1, NULL, collect_one, c);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err < 0) {
		free(c->v);
		c->v = NULL;
		c->n = 0;
		return took(k, &k->req, err);
	}
	return 0;
}

static int parse_sa(struct nlmsghdr *nlh, void *elem)
{
	return kesp_msg_parse_sa_reply(nlh, elem);
}

static int parse_policy(struct nlmsghdr *nlh, void *elem)
{
	return kesp_msg_parse_policy_reply(nlh, elem);
}

int iked_kernel_sa_dump(struct iked_kernel *k,
			int (*fn)(const struct kesp_sa *sa, void *arg),
			void *arg)
{
	struct collect c = { .parse = parse_sa, .size = sizeof(struct kesp_sa) };
	struct kesp_sa *v;
	size_t i;
	int err = dump(k, KESP_CMD_SA_GET, &c);

	if (err)
		return err;
	v = c.v;
	for (i = 0; i < c.n && !err; i++)
		err = fn(&v[i], arg);
	free(c.v);
	return err;
}

int iked_kernel_policy_dump(struct iked_kernel *k,
			    int (*fn)(const struct kesp_policy *p, void *arg),
			    void *arg)
{
	struct collect c = { .parse = parse_policy,
			     .size = sizeof(struct kesp_policy) };
	struct kesp_policy *v;
	size_t i;
	int err = dump(k, KESP_CMD_POLICY_GET, &c);

	if (err)
		return err;
	v = c.v;
	for (i = 0; i < c.n && !err; i++)
		err = fn(&v[i], arg);
	free(c.v);
	return err;
}

/* --- policies --- */

struct pol_exchange {
	struct kesp_policy_req req;	/* first: kesp_msg_build_policy reads it */
	struct kesp_policy reply;
	int replies;
};

static int pol_reply(struct nlmsghdr *nlh, void *arg)
{
	struct pol_exchange *x = arg;

	x->replies++;
	return kesp_msg_parse_policy_reply(nlh, &x->reply);
}

int kernel_policy_add_now(struct iked_kernel *k, const struct kesp_policy *p,
			  uint32_t *id)
{
	struct pol_exchange x = { .req = { .pol = p, .send = KESP_POL_SEND_NEW } };
	int err;

	err = kesp_nl_request(&k->req, KESP_CMD_POLICY_NEW, 0,
			      kesp_msg_build_policy, pol_reply, &x);
	if (err < 0)
		return took(k, &k->req, err);
	if (!x.replies || !(x.reply.present & KESP_BIT(KESP_POL_A_ID))) {
		kernel_set_error(k, -EPROTO, "the kernel's POLICY_NEW reply has no policy id");
		return -EPROTO;
	}
	*id = x.reply.id;
	return 0;
}

int kernel_policy_del_now(struct iked_kernel *k, uint32_t id)
{
	struct kesp_policy p = { .present = KESP_BIT(KESP_POL_A_ID), .id = id };
	struct kesp_policy_req req = { .pol = &p, .send = KESP_POL_SEND_ID };
	int err, i;

	err = kesp_nl_request(&k->req, KESP_CMD_POLICY_DEL, 0,
			      kesp_msg_build_policy, NULL, &req);
	if (err < 0)
		return took(k, &k->req, err);
	/* Deleted by id from outside the bypass code: forget it there too. */
	for (i = 0; i < N_BYPASS; i++)
		if (k->bypass_id[i] == id)
			k->bypass_id[i] = 0;
	return 0;
}

/* --- IKE's own bypass --- */

/* Bypass @i: bit 0 the direction, bit 1 the port, bit 2 the family. */
static void bypass_policy(int i, struct kesp_policy *p)
{
	int family = i & 4 ? AF_INET6 : AF_INET;
	uint16_t port = i & 2 ? IKE_NATT_PORT : IKE_PORT;

	memset(p, 0, sizeof(*p));
	p->present = KESP_BIT(KESP_POL_A_DIR) | KESP_BIT(KESP_POL_A_SEL) |
		     KESP_BIT(KESP_POL_A_ACTION) |
		     KESP_BIT(KESP_POL_A_PRIORITY);
	p->dir = i & 1 ? KESP_DIR_OUT : KESP_DIR_IN;
	p->action = KESP_ACTION_BYPASS;
	p->priority = IKED_KERNEL_BYPASS_PRIORITY;
	kesp_sel_any(&p->sel, family);
	p->sel.proto = IPPROTO_UDP;
	/* Our port: the destination coming in, the source going out. */
	if (p->dir == KESP_DIR_IN)
		p->sel.dport.min = p->sel.dport.max = port;
	else
		p->sel.sport.min = p->sel.sport.max = port;
}

static int prefix_equal(const struct kesp_prefix *a,
			const struct kesp_prefix *b, size_t len)
{
	return a->plen == b->plen && !memcmp(a->addr.bytes, b->addr.bytes, len);
}

static int sel_equal(const struct kesp_sel *a, const struct kesp_sel *b)
{
	size_t len = kesp_addr_len(a->family);

	return a->family == b->family && a->proto == b->proto &&
	       prefix_equal(&a->src, &b->src, len) &&
	       prefix_equal(&a->dst, &b->dst, len) &&
	       a->sport.min == b->sport.min && a->sport.max == b->sport.max &&
	       a->dport.min == b->dport.min && a->dport.max == b->dport.max;
}

struct find_policy {
	const struct kesp_policy *want;
	uint32_t id;
};

static int find_one(const struct kesp_policy *p, void *arg)
{
	struct find_policy *f = arg;

	if (p->dir == f->want->dir && p->action == f->want->action &&
	    p->priority == f->want->priority &&
	    sel_equal(&p->sel, &f->want->sel))
		f->id = p->id;
	return 0;
}

/*
 * -EEXIST: an earlier run (killed before it could clean up) left this very
 * policy behind. It is what we want, so it is ours now.
 */
static int adopt(struct iked_kernel *k, const struct kesp_policy *p,
		 uint32_t *id)
{
	struct find_policy f = { .want = p };
	int err = iked_kernel_policy_dump(k, find_one, &f);

	if (err)
		return err;
	if (!f.id) {
		/* Same selectors and priority, other action: not ours to take. */
		kernel_set_error(k, -EEXIST, "another policy has the selectors and priority of IKE's bypass");
		return -EEXIST;
	}
	*id = f.id;
	return 0;
}

/* 1 if policy @id exists, 0 if not, or a negative errno. */
static int policy_exists(struct iked_kernel *k, uint32_t id)
{
	struct kesp_policy p = { .present = KESP_BIT(KESP_POL_A_ID), .id = id };
	struct kesp_policy_req req = { .pol = &p, .send = KESP_POL_SEND_ID };
	int err;

	err = kesp_nl_request(&k->req, KESP_CMD_POLICY_GET, 0,
			      kesp_msg_build_policy, NULL, &req);
	if (err == -ENOENT)
		return 0;
	return err < 0 ? took(k, &k->req, err) : 1;
}

int iked_kernel_bypass_ike(struct iked_kernel *k)
{
	struct kesp_policy p;
	int i, err;

	kernel_settle(k);
	for (i = 0; i < N_BYPASS; i++) {
		/* Ids are never reused, so one that still exists is ours. */
		if (k->bypass_id[i]) {
			err = policy_exists(k, k->bypass_id[i]);
			if (err < 0)
				return err;
			if (err)
				continue;
			/* Flushed behind our back: put it back. */
			k->bypass_id[i] = 0;
		}
		bypass_policy(i, &p);
		err = kernel_policy_add_now(k, &p, &k->bypass_id[i]);
		if (err == -EEXIST)
			err = adopt(k, &p, &k->bypass_id[i]);
		/* What is in stays recorded; a later call adds the rest. */
		if (err)
			return err;
	}
	return 0;
}

/* --- NAT traversal --- */

static int info_reply(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1];
	uint64_t *caps = arg;

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 ||
	    !tb[KESP_A_INFO_CAPS] || nla_len(tb[KESP_A_INFO_CAPS]) != 8)
		return -EPROTO;
	*caps = nla_get_u64(tb[KESP_A_INFO_CAPS]);
	return 0;
}

int iked_kernel_caps(struct iked_kernel *k, uint64_t *caps)
{
	int err;

	*caps = 0;
	kernel_settle(k);
	err = kesp_nl_request(&k->req, KESP_CMD_GET_INFO, 0, NULL, info_reply,
			      caps);
	return err < 0 ? took(k, &k->req, err) : 0;
}

static int build_encap(struct nl_msg *msg, void *arg)
{
	const int *fd = arg;

	return nla_put_u32(msg, KESP_A_ENCAP_FD, (uint32_t)*fd) < 0 ?
	       -EMSGSIZE : 0;
}

int iked_kernel_encap_sock(struct iked_kernel *k, int fd)
{
	int err;

	kernel_settle(k);
	err = kesp_nl_request(&k->req, KESP_CMD_ENCAP_SOCK, 0, build_encap,
			      NULL, &fd);
	return err < 0 ? took(k, &k->req, err) : 0;
}

/* The SA_UPDATE of a move: its id and what changes, from @op. */
int kernel_sa_move_now(struct iked_kernel *k, const struct kq_op *op)
{
	const struct kesp_sa *m = &op->sa;
	struct kesp_sa q;

	if (sa_id(k, &q, m->dir, &m->dst, m->spi))
		return -EAFNOSUPPORT;
	if (op->new_src.family) {
		q.new_src = op->new_src;
		q.present |= KESP_BIT(KESP_SA_A_NEW_SRC);
	}
	if (op->new_dst.family) {
		q.new_dst = op->new_dst;
		q.present |= KESP_BIT(KESP_SA_A_NEW_DST);
	}
	if (op->sport) {
		q.encap_sport = op->sport;
		q.present |= KESP_BIT(KESP_SA_A_ENCAP_SPORT);
	}
	if (op->dport) {
		q.encap_dport = op->dport;
		q.present |= KESP_BIT(KESP_SA_A_ENCAP_DPORT);
	}
	return sa_request(k, KESP_CMD_SA_UPDATE, &q, KESP_SA_SEND_UPDATE, NULL);
}
