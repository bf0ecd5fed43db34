/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-process kesp-iked for unit tests: a daemon context with one conn,
 * its IKE socket on 127.0.0.1, peers as UDP sockets on other loopback
 * addresses, a fake kernel facade, the log captured, and messages sealed
 * with an IKE SA's keys as its peer would.
 *
 * Include it from one test file only: it defines the kernel facade's
 * functions, so that the linker never pulls kernel.o (netlink) from the
 * archive.
 */

#ifndef KESP_TEST_IKED_FIXTURE_H
#define KESP_TEST_IKED_FIXTURE_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "iked/conn.h"
#include "iked/kernel.h"
#include "kernel_noop.h"
#include "log_capture.h"
#include "iked/ikev2/ike.h"

/* ---- The fake kernel facade: counts what would be installed. ---- */

static struct {
	unsigned int sa_add, sa_del, pol_add;
	uint32_t next_spi;
} fake_kern;

int iked_kernel_open(struct iked_kernel **out, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*out = NULL;
	return 0;
}

const char *iked_kernel_strerror(const struct iked_kernel *k, char *buf,
				 size_t len)
{
	(void)k;
	snprintf(buf, len, "fake kernel");
	return buf;
}

int iked_kernel_spi_alloc(struct iked_kernel *k, const struct kesp_addr *dst,
			  uint32_t *spi)
{
	(void)k;
	(void)dst;
	*spi = 0x1000 + fake_kern.next_spi++;
	return 0;
}

int iked_kernel_sa_add(struct iked_kernel *k, const struct kesp_sa *sa)
{
	(void)k;
	(void)sa;
	fake_kern.sa_add++;
	return 0;
}

int iked_kernel_sa_del(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi)
{
	(void)k;
	(void)dir;
	(void)dst;
	(void)spi;
	fake_kern.sa_del++;
	return 0;
}

int iked_kernel_sa_get(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi,
		       struct kesp_sa *out)
{
	(void)k;
	(void)dir;
	(void)dst;
	(void)spi;
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

int iked_kernel_policy_add(struct iked_kernel *k, const struct kesp_policy *p,
			   uint32_t *id)
{
	(void)k;
	(void)p;
	*id = ++fake_kern.pol_add;
	return 0;
}

int iked_kernel_policy_del(struct iked_kernel *k, uint32_t id)
{
	(void)k;
	(void)id;
	return 0;
}

int iked_kernel_sa_move(struct iked_kernel *k, uint8_t dir,
			const struct kesp_addr *dst, uint32_t spi,
			const struct kesp_addr *new_src,
			const struct kesp_addr *new_dst, uint16_t sport,
			uint16_t dport)
{
	(void)k;
	(void)dir;
	(void)dst;
	(void)spi;
	(void)new_src;
	(void)new_dst;
	(void)sport;
	(void)dport;
	return 0;
}

/* ---- The daemon, its peers and the log. ---- */

#define FX_PEERS	3	/* 127.0.0.2, .3, .4 */

struct fx {
	struct iked *d;
	int peer[FX_PEERS];		/* a peer's UDP socket */
	struct iked_path path[FX_PEERS];	/* as the daemon sees each */
	int log_fd;			/* the captured stderr */
	int saved_stderr;
};

static const char fx_conf[] =
	"conn t\n"
	"\tleft=127.0.0.1\n"
	"\tleftid=@us.example\n"
	"\tleftsubnet=10.1.0.0/24\n"
	"\tright=127.0.0.2\n"
	"\trightid=@peer.example\n"
	"\trightsubnet=10.2.0.0/24\n"
	"\tauthby=secret\n"
	"\tike=aes128gcm16-prfsha256-ecp256!\n"
	"\tesp=aes128gcm16!\n"
	"\tauto=add\n";

static int fx_udp(const char *ip, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		abort();
	inet_pton(AF_INET, ip, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len))
		abort();
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct kesp_addr fx_addr(const char *s)
{
	struct kesp_addr a;
	char err[128];

	memset(&a, 0, sizeof(a));
	if (kesp_addr_parse(s, &a, err, sizeof(err)))
		abort();
	return a;
}

/* Everything logged so far, NUL-terminated; free() it. */
static char *fx_log(struct fx *f)
{
	return log_capture_text(f->log_fd);
}

static __attribute__((unused)) void fx_log_clear(struct fx *f)
{
	if (ftruncate(f->log_fd, 0))
		abort();
	lseek(f->log_fd, 0, SEEK_SET);
}

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[IKED_CONF_ERRLEN];
	uint16_t port;
	int i;

	if (!f)
		abort();
	memset(&fake_kern, 0, sizeof(fake_kern));
	f->log_fd = log_capture_start(&f->saved_stderr);
	iked_log_open(0, IKED_LOG_DEBUG);
	f->d = calloc(1, sizeof(*f->d));
	if (!f->d)
		abort();
	f->d->retx_first_ms = IKED_RETX_FIRST_MS;
	f->d->retx_tries = IKED_RETX_TRIES;
	f->d->cookie_threshold = IKED_COOKIE_THRESHOLD;
	f->d->ctl_fd = -1;
	f->d->sig_fd = -1;
	if (iked_conf_parse("fx.conf", fx_conf, sizeof(fx_conf) - 1,
			    &f->d->conf, err, sizeof(err)) ||
	    iked_conns_init(f->d, err, sizeof(err))) {
		fprintf(stderr, "fixture: %s\n", err);
		abort();
	}
	f->d->net.fd4 = fx_udp("127.0.0.1", &f->d->net.port);
	f->d->net.fd6 = f->d->net.nat4 = f->d->net.nat6 = -1;
	for (i = 0; i < FX_PEERS; i++) {
		char ip[16];

		snprintf(ip, sizeof(ip), "127.0.0.%d", i + 2);
		f->peer[i] = fx_udp(ip, &port);
		f->path[i].local = fx_addr("127.0.0.1");
		f->path[i].lport = f->d->net.port;
		f->path[i].remote = fx_addr(ip);
		f->path[i].rport = port;
	}
	return f;
}

static void fx_free(struct fx *f)
{
	struct ike_sa *sa;
	int i;

	for (sa = f->d->sas; sa; sa = sa->next)
		ike_sa_kill(sa, NULL);
	ike_sa_reap(f->d);
	for (i = 0; i < FX_PEERS; i++)
		close(f->peer[i]);
	close(f->d->net.fd4);
	iked_conns_fini(f->d);
	iked_conf_free(f->d->conf);
	free(f->d);
	log_capture_stop(f->log_fd, f->saved_stderr);
	free(f);
}

/* What peer @i received since the last call: its length, or -1 if nothing. */
static __attribute__((unused)) ssize_t fx_peer_recv(struct fx *f, int i, uint8_t *buf, size_t cap)
{
	return recv(f->peer[i], buf, cap, MSG_DONTWAIT);
}

/*
 * An IKE SA with the peer on path @i, as if IKE_SA_INIT were done (AES-GCM
 * keys drawn at random), in @state, we the responder unless @initiator.
 */
static struct ike_sa *fx_ike_sa(struct fx *f, int i, bool initiator,
				enum ike_state state)
{
	struct ike_sa *sa = ike_sa_new(f->d, &ikev2_proto, initiator,
				     &f->path[i]);

	if (!sa)
		abort();
	ike_sa_set_conn(sa, &f->d->conf->conns[0]);
	RAND_bytes(initiator ? sa->spi_r : sa->spi_i, 8);
	sa->prop.proto = IKEV2_PROTO_IKE;
	sa->prop.encr = 20;		/* ENCR_AES_GCM_16 */
	sa->prop.encr_key_bits = 128;
	sa->prop.prf = IKED_PROP_PRF_HMAC_SHA2_256;
	sa->prop.dh = IKED_PROP_DH_ECP_256;
	if (ikev2_sk_key_lens(sa->prop.encr, sa->prop.encr_key_bits, 0,
			      &v2(sa)->enc_len, &v2(sa)->integ_len))
		abort();
	v2(sa)->keys.enc_len = v2(sa)->enc_len;
	v2(sa)->keys.integ_len = 0;
	v2(sa)->keys.prf_len = 32;
	RAND_bytes(v2(sa)->keys.sk_d, 32);
	RAND_bytes(v2(sa)->keys.sk_pi, 32);
	RAND_bytes(v2(sa)->keys.sk_pr, 32);
	RAND_bytes(v2(sa)->keys.sk_ei, sizeof(v2(sa)->keys.sk_ei));
	RAND_bytes(v2(sa)->keys.sk_er, sizeof(v2(sa)->keys.sk_er));
	v2(sa)->ni_len = v2(sa)->nr_len = 32;
	RAND_bytes(v2(sa)->ni, 32);
	RAND_bytes(v2(sa)->nr, 32);
	sa->state = state;
	if (state == IKE_ESTABLISHED)
		ike_sa_established(sa);
	v2(sa)->next_peer_id = state == IKE_INIT_DONE ? 1 : 2;
	v2(sa)->next_req_id = 2;
	return sa;
}

/*
 * @inner sealed as the peer of @sa sends it: a request (message ID
 * @msg_id) or a response, of @exchange. Into @out; its length.
 */
static __attribute__((unused)) size_t fx_seal(struct ike_sa *sa,
		const struct ikev2_chain *inner, uint8_t exchange,
		bool response, uint32_t msg_id, uint8_t *out, size_t cap)
{
	uint8_t plain[4096];
	struct ikev2_sk_keys k;
	struct ikev2_hdr h;
	size_t ilen, len;

	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.exchange = exchange;
	/* The peer's role is the opposite of ours. */
	h.flags = (uint8_t)((sa->initiator ? 0 : IKEV2_F_INITIATOR) |
			    (response ? IKEV2_F_RESPONSE : 0));
	h.msg_id = msg_id;
	if (ikev2_chain_build(inner, plain, sizeof(plain), &ilen))
		abort();
	xchg_sk_keys(sa, !sa->initiator, &k);
	if (ikev2_sk_seal(&k, &h, ikev2_chain_first(inner), plain, ilen, out,
			  cap, &len))
		abort();
	return len;
}

/* The chain a message of @sa's own direction decrypts to (what we sent). */
static __attribute__((unused)) int fx_open(struct ike_sa *sa,
					 const uint8_t *buf, size_t len,
		   struct ikev2_msg *m, struct ikev2_chain *in)
{
	static uint8_t plain[IKED_MSG_MAX];
	struct ikev2_sk_keys k;
	size_t plen;
	int r;

	r = ikev2_msg_parse(m, buf, len, NULL);
	if (r)
		return r;
	if (!ikev2_chain_has(&m->chain, IKEV2_PL_SK))
		return 1;
	xchg_sk_keys(sa, sa->initiator, &k);
	r = ikev2_sk_open(&k, buf, len, &m->chain.sk, plain, sizeof(plain),
			  &plen);
	if (!r)
		r = ikev2_chain_parse(in, m->chain.sk.inner, plain, plen, NULL);
	return r;
}

#endif /* KESP_TEST_IKED_FIXTURE_H */
