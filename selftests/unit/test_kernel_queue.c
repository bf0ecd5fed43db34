// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel request queue (kqueue.c) and the IKE datagrams held behind it
 * (net.c), without a kernel: the worker's request runs a stand-in that can
 * be made to block on a condition, as SA_NEW does while kesp.ko self-tests
 * its crypto. Submitting returns while the worker is blocked; a datagram
 * sent meanwhile is held and goes out, in order, only once the queue has
 * been reaped; a delete queued behind an add runs after it; a failed
 * request comes back with its error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "iked/kqueue.h"
#include "iked/net.h"

/* The stand-in kernel: what it ran, in order, and a gate to block on. */
struct fake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool gate_shut;		/* the worker waits in run() while set */
	bool in_run;		/* the worker is inside run() */
	int fail_err;		/* what an SA add returns */
	enum kq_kind ran[16];
	uint32_t ran_spi[16];
	int n_ran;
};

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
}

static void fake_fini(struct fake *f)
{
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
}

static void fake_run(void *ctx, struct kq_op *op)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->in_run = true;
	pthread_cond_broadcast(&f->cond);
	while (f->gate_shut)
		pthread_cond_wait(&f->cond, &f->lock);
	if (f->n_ran < 16) {
		f->ran[f->n_ran] = op->kind;
		f->ran_spi[f->n_ran] = op->sa.spi;
		f->n_ran++;
	}
	if (op->kind == KQ_SA_ADD && f->fail_err) {
		op->err = f->fail_err;
		snprintf(op->why, sizeof(op->why),
			 "File exists (kernel: an SA with this SPI exists)");
	}
	f->in_run = false;
	pthread_mutex_unlock(&f->lock);
}

static void gate(struct fake *f, bool shut)
{
	pthread_mutex_lock(&f->lock);
	f->gate_shut = shut;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* Wait until the worker is inside run(), blocked at the gate. */
static void wait_in_run(struct fake *f)
{
	pthread_mutex_lock(&f->lock);
	while (!f->in_run)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

static int n_ran(struct fake *f)
{
	int n;

	pthread_mutex_lock(&f->lock);
	n = f->n_ran;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static struct kq_op *sa_op(enum kq_kind kind, uint32_t spi)
{
	struct kq_op *op = kq_op_new(kind);

	if (op) {
		op->sa.spi = spi;
		op->sa.dir = KESP_DIR_IN;
	}
	return op;
}

/* 1 once the queue's eventfd is readable within @ms. */
static int signalled(struct kq *q, int ms)
{
	struct pollfd p = { .fd = kq_fd(q), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

TEST(submit_returns_while_the_worker_is_blocked)
{
	struct fake f;
	struct kq *q;

	fake_init(&f);
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	gate(&f, true);
	kq_submit(q, sa_op(KQ_SA_ADD, 0x1001));
	/* We are here: submitting did not wait for the blocked request. */
	wait_in_run(&f);
	EXPECT_EQ(1u, kq_pending(q));
	EXPECT_EQ(0, signalled(q, 50));
	EXPECT_EQ(0u, kq_reap(q, NULL, NULL));
	EXPECT_EQ(0, n_ran(&f));
	gate(&f, false);
	EXPECT_EQ(1, signalled(q, 5000));
	EXPECT_EQ(1u, kq_reap(q, NULL, NULL));
	EXPECT_EQ(0u, kq_pending(q));
	EXPECT_EQ(1, n_ran(&f));
	kq_close(q);
	fake_fini(&f);
}

/* A UDP socket on 127.0.0.1, any port; its port into *@port. */
static int udp_lo(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static bool queue_busy(void *arg)
{
	return kq_pending(arg) > 0;
}

/* The next datagram at @fd as a string, "" if none comes within 1 s. */
static const char *next_dgram(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	if (poll(&p, 1, 1000) == 1)
		n = recv(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST(datagrams_wait_for_the_queue_and_go_in_order)
{
	struct iked_net n = { .fd4 = -1, .fd6 = -1, .nat4 = -1, .nat6 = -1 };
	struct iked_path path = { 0 };
	uint16_t peer_port;
	struct fake f;
	struct kq *q;
	char buf[64];
	int peer;

	fake_init(&f);
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	n.fd4 = udp_lo(&n.port);
	peer = udp_lo(&peer_port);
	ASSERT_LE(0, n.fd4);
	ASSERT_LE(0, peer);
	ASSERT_EQ(0, iked_net_hold_init(&n, queue_busy, q));
	path.remote.family = AF_INET;
	path.remote.bytes[0] = 127;
	path.remote.bytes[3] = 1;
	path.rport = peer_port;

	/* Nothing queued: straight out. */
	EXPECT_EQ(0, iked_net_send(&n, &path, "first", 5));
	EXPECT_STREQ("first", next_dgram(peer, buf, sizeof(buf)));

	gate(&f, true);
	kq_submit(q, sa_op(KQ_SA_ADD, 0x1001));
	EXPECT_EQ(0, iked_net_send(&n, &path, "answer", 6));
	EXPECT_EQ(0, iked_net_send(&n, &path, "again", 5));
	EXPECT_EQ(2u, iked_net_held(&n));
	EXPECT_STREQ("", next_dgram(peer, buf, sizeof(buf)));
	EXPECT_EQ(0u, iked_net_release(&n));

	/* Done, but not reaped yet: still held. */
	gate(&f, false);
	EXPECT_EQ(1, signalled(q, 5000));
	EXPECT_EQ(0u, iked_net_release(&n));
	EXPECT_STREQ("", next_dgram(peer, buf, sizeof(buf)));

	EXPECT_EQ(1u, kq_reap(q, NULL, NULL));
	EXPECT_EQ(2u, iked_net_release(&n));
	EXPECT_STREQ("answer", next_dgram(peer, buf, sizeof(buf)));
	EXPECT_STREQ("again", next_dgram(peer, buf, sizeof(buf)));
	EXPECT_EQ(0u, iked_net_held(&n));
	EXPECT_EQ(0, iked_net_send(&n, &path, "after", 5));
	EXPECT_STREQ("after", next_dgram(peer, buf, sizeof(buf)));

	iked_net_close(&n);
	close(peer);
	kq_close(q);
	fake_fini(&f);
}

TEST(a_delete_runs_after_the_add_before_it)
{
	struct fake f;
	struct kq *q;

	fake_init(&f);
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	gate(&f, true);
	kq_submit(q, sa_op(KQ_SA_ADD, 0x1001));
	wait_in_run(&f);
	kq_submit(q, sa_op(KQ_SA_DEL, 0x1001));
	kq_submit(q, sa_op(KQ_SA_ADD, 0x1002));
	EXPECT_EQ(3u, kq_pending(q));
	EXPECT_EQ(0, n_ran(&f));
	gate(&f, false);
	/* The barrier: after it, everything submitted has run. */
	kq_drain(q);
	ASSERT_EQ(3, n_ran(&f));
	EXPECT_EQ(KQ_SA_ADD, f.ran[0]);
	EXPECT_EQ(0x1001u, f.ran_spi[0]);
	EXPECT_EQ(KQ_SA_DEL, f.ran[1]);
	EXPECT_EQ(0x1001u, f.ran_spi[1]);
	EXPECT_EQ(KQ_SA_ADD, f.ran[2]);
	EXPECT_EQ(0x1002u, f.ran_spi[2]);
	EXPECT_EQ(3u, kq_reap(q, NULL, NULL));
	kq_close(q);
	fake_fini(&f);
}

struct failures {
	int n;
	int err;
	uint32_t spi;
	char why[sizeof(((struct kq_op *)0)->why)];
};

static void on_done(const struct kq_op *op, void *arg)
{
	struct failures *fl = arg;

	if (!op->err)
		return;
	fl->n++;
	fl->err = op->err;
	fl->spi = op->sa.spi;
	snprintf(fl->why, sizeof(fl->why), "%s", op->why);
}

TEST(a_failed_add_comes_back_with_its_error)
{
	struct failures fl = { 0 };
	struct fake f;
	struct kq *q;

	fake_init(&f);
	f.fail_err = -EEXIST;
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	kq_submit(q, sa_op(KQ_SA_ADD, 0x2002));
	kq_submit(q, sa_op(KQ_SA_DEL, 0x2002));
	kq_drain(q);
	EXPECT_EQ(2u, kq_reap(q, on_done, &fl));
	EXPECT_EQ(1, fl.n);
	EXPECT_EQ(-EEXIST, fl.err);
	EXPECT_EQ(0x2002u, fl.spi);
	EXPECT_STREQ("File exists (kernel: an SA with this SPI exists)",
		     fl.why);
	kq_close(q);
	fake_fini(&f);
}

TEST(close_runs_what_is_still_queued)
{
	struct fake f;
	struct kq *q;

	fake_init(&f);
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	gate(&f, true);
	kq_submit(q, sa_op(KQ_SA_ADD, 0x3003));
	kq_submit(q, sa_op(KQ_SA_DEL, 0x3003));
	wait_in_run(&f);
	gate(&f, false);
	kq_close(q);
	EXPECT_EQ(2, n_ran(&f));
	fake_fini(&f);
}

/*
 * The queue starts before kesp-iked blocks its signals for the signalfd
 * (main.c): the worker must not take SIGTERM, or the process dies of it
 * instead of draining (as in the guest tests: exit 143).
 */
TEST(sigterm_goes_to_the_signalfd_not_the_worker)
{
	struct signalfd_siginfo si;
	struct fake f;
	sigset_t set, old;
	struct kq *q;
	int sfd;

	fake_init(&f);
	ASSERT_EQ(0, kq_open(&q, fake_run, &f));
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &old));
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	ASSERT_LE(0, sfd);
	/* A process-directed signal: any thread that accepts it may get it. */
	ASSERT_EQ(0, kill(getpid(), SIGTERM));
	ASSERT_EQ((ssize_t)sizeof(si), read(sfd, &si, sizeof(si)));
	EXPECT_EQ((uint32_t)SIGTERM, si.ssi_signo);
	close(sfd);
	kq_close(q);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

TEST_HARNESS_MAIN
