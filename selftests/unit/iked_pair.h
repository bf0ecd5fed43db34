/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording kernel facade for in-process tests of kesp-iked: each
 * daemon instance gets a recorder as its struct iked_kernel, which notes
 * every SA and policy added and removed (SPI, direction, addresses,
 * algorithms, keys) so that a test can compare what two ends installed.
 * Also a private network namespace for such tests.
 *
 * Include it from one test file only: it defines the kernel facade's
 * functions, so that the linker never pulls kernel.o (netlink) from the
 * archive.
 */

#ifndef KESP_TEST_IKED_PAIR_H
#define KESP_TEST_IKED_PAIR_H

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iked/kernel.h"
#include "kernel_noop.h"

/*
 * The kernel recorder: one per instance, behind the opaque struct
 * iked_kernel the facade hands around. kernel.o (netlink) is never
 * linked because this file defines every iked_kernel_* function.
 */

#define REC_MAX		64

struct rec_sa {
	struct kesp_sa sa;
	bool live;
	bool gone;		/* removed "by the kernel" (an expiry) */
	unsigned int add_seq, del_seq;
};

struct rec_pol {
	struct kesp_policy pol;
	bool live;
};

struct iked_kernel {
	uint32_t spi_base, next_spi;
	unsigned int seq;		/* orders adds and deletes */
	struct rec_sa sa[REC_MAX];
	size_t n_sa;
	struct rec_pol pol[REC_MAX];
	size_t n_pol;
	unsigned int pol_adds, pol_dels;
	/* What no kernel would accept: deletes of nothing, duplicates. */
	unsigned int bogus;
	char bogus_why[160];
};

/* ---- The recorder's side of the facade. ---- */

int iked_kernel_open(struct iked_kernel **out, char *err, size_t errlen)
{
	(void)out;
	snprintf(err, errlen, "the recorder is set up by the test");
	return -ENOTSUP;
}

const char *iked_kernel_strerror(const struct iked_kernel *k, char *buf,
				 size_t len)
{
	snprintf(buf, len, "recorder: %s", k && k->bogus ? k->bogus_why : "");
	return buf;
}

static void rec_bogus(struct iked_kernel *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rec_bogus(struct iked_kernel *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!k->bogus)
		vsnprintf(k->bogus_why, sizeof(k->bogus_why), fmt, ap);
	va_end(ap);
	k->bogus++;
}

int iked_kernel_spi_alloc(struct iked_kernel *k, const struct kesp_addr *dst,
			  uint32_t *spi)
{
	(void)dst;
	*spi = k->spi_base + k->next_spi++;
	return 0;
}

static struct rec_sa *rec_find(struct iked_kernel *k, uint8_t dir,
			       const struct kesp_addr *dst, uint32_t spi,
			       bool any)
{
	size_t i;

	for (i = 0; i < k->n_sa; i++) {
		struct rec_sa *r = &k->sa[i];

		if ((r->live || (any && r->gone)) && r->sa.dir == dir &&
		    r->sa.spi == spi &&
		    !memcmp(&r->sa.dst, dst, sizeof(*dst)))
			return r;
	}
	return NULL;
}

int iked_kernel_sa_add(struct iked_kernel *k, const struct kesp_sa *sa)
{
	struct rec_sa *r;

	if (rec_find(k, sa->dir, &sa->dst, sa->spi, false)) {
		rec_bogus(k, "SA %s %08x added twice", kesp_dir_name(sa->dir),
			  sa->spi);
		return -EEXIST;
	}
	if (k->n_sa == REC_MAX) {
		rec_bogus(k, "more than %d SAs", REC_MAX);
		return -ENOSPC;
	}
	r = &k->sa[k->n_sa++];
	r->sa = *sa;
	r->live = true;
	r->add_seq = ++k->seq;
	return 0;
}

int iked_kernel_sa_del(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi)
{
	struct rec_sa *r = rec_find(k, dir, dst, spi, true);

	if (!r) {
		rec_bogus(k, "SA %s %08x deleted, never added",
			  kesp_dir_name(dir), spi);
		return -ENOENT;
	}
	/* The kernel removed it already (an expiry): ENOENT, as there. */
	if (r->gone)
		return -ENOENT;
	r->live = false;
	r->del_seq = ++k->seq;
	return 0;
}

int iked_kernel_sa_get(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi,
		       struct kesp_sa *out)
{
	struct rec_sa *r = rec_find(k, dir, dst, spi, false);

	memset(out, 0, sizeof(*out));
	if (!r)
		return -ENOENT;
	/* As a dump: identity and lifetimes, never the keys. */
	out->present = KESP_BIT(KESP_SA_A_SPI) | KESP_BIT(KESP_SA_A_DIR) |
		       KESP_BIT(KESP_SA_A_DST);
	out->spi = r->sa.spi;
	out->dir = r->sa.dir;
	out->dst = r->sa.dst;
	return 0;
}

int iked_kernel_policy_add(struct iked_kernel *k, const struct kesp_policy *p,
			   uint32_t *id)
{
	struct rec_pol *r;

	if (k->n_pol == REC_MAX) {
		rec_bogus(k, "more than %d policies", REC_MAX);
		return -ENOSPC;
	}
	r = &k->pol[k->n_pol++];
	r->pol = *p;
	r->pol.id = (uint32_t)k->n_pol;
	r->live = true;
	k->pol_adds++;
	*id = r->pol.id;
	return 0;
}

int iked_kernel_policy_del(struct iked_kernel *k, uint32_t id)
{
	if (!id || id > k->n_pol || !k->pol[id - 1].live) {
		rec_bogus(k, "policy %u deleted, not there", id);
		return -ENOENT;
	}
	k->pol[id - 1].live = false;
	k->pol_dels++;
	return 0;
}

int iked_kernel_sa_move(struct iked_kernel *k, uint8_t dir,
			const struct kesp_addr *dst, uint32_t spi,
			const struct kesp_addr *new_src,
			const struct kesp_addr *new_dst, uint16_t sport,
			uint16_t dport)
{
	(void)new_src;
	(void)new_dst;
	(void)sport;
	(void)dport;
	if (!rec_find(k, dir, dst, spi, false)) {
		rec_bogus(k, "SA %08x moved, not there", spi);
		return -ENOENT;
	}
	return 0;
}

/* ---- What the recorders show. ---- */

/* The live SAs of @k in @dir: how many; the first @cap into @out. */
static size_t live_sas(const struct iked_kernel *k, uint8_t dir,
		       const struct kesp_sa **out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < k->n_sa; i++) {
		if (!k->sa[i].live || k->sa[i].sa.dir != dir)
			continue;
		if (n < cap)
			out[n] = &k->sa[i].sa;
		n++;
	}
	return n;
}

static size_t added_sas(const struct iked_kernel *k, uint8_t dir)
{
	size_t i, n = 0;

	for (i = 0; i < k->n_sa; i++)
		n += k->sa[i].sa.dir == dir;
	return n;
}

static const struct rec_sa *rec_of(const struct iked_kernel *k, uint8_t dir,
				   uint32_t spi)
{
	size_t i;

	for (i = 0; i < k->n_sa; i++)
		if (k->sa[i].sa.dir == dir && k->sa[i].sa.spi == spi)
			return &k->sa[i];
	return NULL;
}

static size_t live_policies(const struct iked_kernel *k)
{
	size_t i, n = 0;

	for (i = 0; i < k->n_pol; i++)
		n += k->pol[i].live;
	return n;
}

static bool all_zero(const uint8_t *b, size_t len)
{
	while (len--)
		if (*b++)
			return false;
	return true;
}

/* Field by field: struct kesp_prefix has a byte of padding. */
static bool sel_equal(const struct kesp_sel *a, const struct kesp_sel *b)
{
	return a->family == b->family &&
	       !memcmp(&a->src.addr, &b->src.addr, sizeof(a->src.addr)) &&
	       a->src.plen == b->src.plen &&
	       !memcmp(&a->dst.addr, &b->dst.addr, sizeof(a->dst.addr)) &&
	       a->dst.plen == b->dst.plen && a->proto == b->proto &&
	       a->sport.min == b->sport.min && a->sport.max == b->sport.max &&
	       a->dport.min == b->dport.min && a->dport.max == b->dport.max;
}

/* The one live policy of @k in @dir, or NULL if there are none or more. */
static const struct kesp_policy *live_policy(const struct iked_kernel *k,
					     uint8_t dir)
{
	const struct kesp_policy *found = NULL;
	size_t i;

	for (i = 0; i < k->n_pol; i++) {
		if (!k->pol[i].live || k->pol[i].pol.dir != dir)
			continue;
		if (found)
			return NULL;
		found = &k->pol[i].pol;
	}
	return found;
}

/*
 * Whether outbound SA @out of one end is what inbound SA @in of the
 * other decrypts: same SPI, addresses, mode, algorithms, keys and
 * (when the SAs carry them) traffic selectors. Why not into @why.
 */
static bool sa_match(const struct kesp_sa *out, const struct kesp_sa *in,
		     char *why, size_t len)
{
	const char *bad = NULL;

	if (out->dir != KESP_DIR_OUT || in->dir != KESP_DIR_IN)
		bad = "directions";
	else if (out->spi != in->spi)
		bad = "SPI";
	else if (memcmp(&out->src, &in->src, sizeof(out->src)) ||
		 memcmp(&out->dst, &in->dst, sizeof(out->dst)))
		bad = "addresses";
	else if (out->mode != in->mode)
		bad = "mode";
	else if (out->enc != in->enc || out->integ != in->integ ||
		 out->flags != in->flags)
		bad = "algorithms";
	else if (!out->enc_key_len || out->enc_key_len != in->enc_key_len ||
		 memcmp(out->enc_key, in->enc_key, out->enc_key_len))
		bad = "encryption key";
	else if (out->integ_key_len != in->integ_key_len ||
		 memcmp(out->integ_key, in->integ_key, out->integ_key_len))
		bad = "integrity key";
	else if (all_zero(out->enc_key, out->enc_key_len))
		bad = "an all-zero key";
	else if ((out->present ^ in->present) & KESP_BIT(KESP_SA_A_SEL) ||
		 ((out->present & KESP_BIT(KESP_SA_A_SEL)) &&
		  !sel_equal(&out->sel, &in->sel)))
		bad = "selectors";
	if (bad)
		snprintf(why, len, "out %08x / in %08x: %s differ", out->spi,
			 in->spi, bad);
	return !bad;
}

/* The SA (@dir, @spi) of @k was installed and is gone now. */
static bool removed(const struct iked_kernel *k, uint8_t dir, uint32_t spi)
{
	const struct rec_sa *r = rec_of(k, dir, spi);

	return r && !r->live;
}

/*
 * The end state of a healthy pair (@a and @b are its two ends' recorders,
 * "A" and "B" below): each end has exactly one inbound and
 * one outbound SA live, each end's outbound is the other's inbound, and
 * the two directions have keys of their own. 0, or what is wrong in
 * @why.
 */
static int rec_check_pair(const struct iked_kernel *a,
			  const struct iked_kernel *b, char *why, size_t len)
{
	const struct kesp_sa *ai[4], *ao[4], *bi[4], *bo[4];
	size_t nai = live_sas(a, KESP_DIR_IN, ai, 4);
	size_t nao = live_sas(a, KESP_DIR_OUT, ao, 4);
	size_t nbi = live_sas(b, KESP_DIR_IN, bi, 4);
	size_t nbo = live_sas(b, KESP_DIR_OUT, bo, 4);

	if (nai != 1 || nao != 1 || nbi != 1 || nbo != 1) {
		snprintf(why, len, "live SAs in/out: A %zu/%zu, B %zu/%zu",
			 nai, nao, nbi, nbo);
		return -1;
	}
	if (!sa_match(ao[0], bi[0], why, len) ||
	    !sa_match(bo[0], ai[0], why, len))
		return -1;
	if (!memcmp(ao[0]->enc_key, ai[0]->enc_key, ao[0]->enc_key_len) ||
	    (ao[0]->integ_key_len &&
	     !memcmp(ao[0]->integ_key, ai[0]->integ_key,
		     ao[0]->integ_key_len))) {
		snprintf(why, len, "both directions have the same key");
		return -1;
	}
	return 0;
}

/*
 * Over the whole history: every outbound SA either end ever installed
 * was the other's inbound SA, keys and all (a redundant SA of a
 * collision too), and neither recorder saw a bogus request.
 */
static int rec_check_history(const struct iked_kernel *a,
			     const struct iked_kernel *b, char *why,
			     size_t len)
{
	const struct iked_kernel *side[2] = { a, b };
	static const char *const name[2] = { "A", "B" };
	int s;
	size_t i;

	for (s = 0; s < 2; s++) {
		const struct iked_kernel *k = side[s];
		const struct iked_kernel *o = side[!s];

		if (k->bogus) {
			snprintf(why, len, "%s's recorder: %s", name[s],
				 k->bogus_why);
			return -1;
		}
		for (i = 0; i < k->n_sa; i++) {
			const struct kesp_sa *out = &k->sa[i].sa;
			const struct rec_sa *in;

			if (out->dir != KESP_DIR_OUT)
				continue;
			in = rec_of(o, KESP_DIR_IN, out->spi);
			if (!in) {
				snprintf(why, len, "%s sent on %08x, which %s never installed",
					 name[s], out->spi,
					 name[!s]);
				return -1;
			}
			if (!sa_match(out, &in->sa, why, len))
				return -1;
		}
	}
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* A network namespace of our own with lo up; 0, or -1 with @why. */
static int netns_enter(char *why, size_t len)
{
	struct ifreq ifr;
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fd, r;

	if (unshare(CLONE_NEWNET)) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			snprintf(why, len, "no network namespace: %s",
				 strerror(errno));
			return -1;
		}
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
		if (write_file("/proc/self/setgroups", "deny") ||
		    write_file("/proc/self/uid_map", map)) {
			snprintf(why, len, "uid_map: %s", strerror(errno));
			return -1;
		}
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
		if (write_file("/proc/self/gid_map", map)) {
			snprintf(why, len, "gid_map: %s", strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	r = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : 0;
	ifr.ifr_flags |= IFF_UP;
	if (!r)
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (r)
		snprintf(why, len, "cannot bring lo up: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

#endif /* KESP_TEST_IKED_PAIR_H */
