/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's kernel facade: SAs, policies and events of kesp.ko without netlink in sight. */

#ifndef KESP_IKED_KERNEL_H
#define KESP_IKED_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/kesp_msg.h"

/* Opaque: one kesp_nl for requests, one subscribed to the "events" group. */
struct iked_kernel;

/*
 * Every call below returns 0 or a negative errno; on failure
 * iked_kernel_strerror() says why, with the kernel's extack message when
 * there is one. Addresses are struct kesp_addr, whose ->family (AF_INET
 * or AF_INET6) says how many of its bytes count; the facade derives the
 * netlink FAMILY attributes from it.
 */

/*
 * The event loop never waits in the kernel for an SA add (issue 17: the
 * first SA of an algorithm makes kesp.ko load and self-test its crypto
 * inside the request, seconds under emulation). A worker thread with a
 * netlink socket of its own runs requests from a FIFO queue, in order.
 * The rules, which keep every request in the order the daemon made it:
 *
 *  - iked_kernel_sa_add() always joins the queue and returns 0 at once
 *    (or an error it can tell without the kernel).
 *  - iked_kernel_sa_del(), _sa_move(), _policy_add() and _policy_del()
 *    join the queue while it is not empty (so that nothing is deleted,
 *    moved or protected before its SA is in) and return 0; else they
 *    run at once and return the kernel's answer. A policy added through
 *    the queue gets a handle (IKED_KERNEL_HANDLE set) for its id, which
 *    _policy_del() takes like a kernel id.
 *  - Everything else that asks the kernel (spi_alloc, sa_get, dumps,
 *    caps, encap_sock, bypass_ike) first waits until the queue is
 *    drained, then asks on the event loop's socket. (kesp.ko runs one
 *    request at a time anyway: its genl family is not parallel_ops.)
 *  - A queued request that fails comes back through
 *    iked_kernel_async_reap(), in order; the caller was told 0.
 *  - The caller holds outgoing IKE messages while
 *    iked_kernel_async_pending() is not 0 (net.c), so that no peer
 *    learns of an SA before it is in.
 *
 * The unit tests' fake facades have no queue: every call is synchronous,
 * iked_kernel_async_fd() is -1 and nothing is ever pending.
 */
#define IKED_KERNEL_HANDLE	0x80000000u

/* A queued request that failed, as iked_kernel_async_reap() hands it back. */
struct iked_kernel_failure {
	int cmd;			/* KESP_CMD_SA_NEW, _SA_DEL, _SA_UPDATE, _POLICY_NEW, _POLICY_DEL */
	int err;			/* negative errno */
	const char *why;		/* as iked_kernel_strerror() says it */
	const struct kesp_sa *sa;	/* SA_NEW (all of it), SA_DEL and SA_UPDATE (dir, dst, spi) */
	const struct kesp_policy *pol;	/* POLICY_NEW */
};
typedef void (*iked_kernel_failed_fn)(const struct iked_kernel_failure *f,
				      void *arg);

/* Readable when queued requests are done (poll it); -1: no queue. */
int iked_kernel_async_fd(const struct iked_kernel *k);
/* Queued requests not yet handed back by iked_kernel_async_reap(). */
size_t iked_kernel_async_pending(const struct iked_kernel *k);
/*
 * Hand back what the worker finished: @fn sees each failure, in order.
 * Returns how many requests were done. Never waits.
 */
size_t iked_kernel_async_reap(struct iked_kernel *k, iked_kernel_failed_fn fn,
			      void *arg);
/* Wait for the queue to drain, then iked_kernel_async_reap(). */
size_t iked_kernel_async_flush(struct iked_kernel *k, iked_kernel_failed_fn fn,
			       void *arg);

/*
 * Open both sockets and join the events group (needs CAP_NET_ADMIN in the
 * network namespace). 0 or -errno, with the reason (-ENOENT: kesp.ko not
 * loaded) in @err.
 */
int iked_kernel_open(struct iked_kernel **out, char *err, size_t errlen);
/*
 * Run what is still queued (failures are no longer handed back), stop
 * the worker, remove the policies iked_kernel_bypass_ike() installed,
 * close, free.
 */
void iked_kernel_close(struct iked_kernel *k);

/* The events socket's fd for poll(); it is non-blocking. */
int iked_kernel_event_fd(const struct iked_kernel *k);

/*
 * Read the pending events without blocking and call @fn for each ACQUIRE,
 * EXPIRE and MAPPING. Events of commands newer than this code are skipped. At most
 * a bounded number of datagrams is read per call, so a flood of ACQUIREs
 * cannot starve the rest of the daemon: the fd stays readable while more
 * are queued. Returns 0; after handling everything that was read,
 * -ENOBUFS if the kernel dropped events because the queue overflowed
 * (state may have changed unseen: log it, go on, and resynchronise with
 * a dump if it matters) or -EPROTO if a malformed event was skipped (log
 * it and go on); any other negative errno means the socket is broken.
 */
typedef void (*iked_kernel_event_fn)(const struct kesp_event *ev, void *arg);
int iked_kernel_events(struct iked_kernel *k, iked_kernel_event_fn fn,
		       void *arg);

/* The last failure as text: "File exists (kernel: an SA with this ...)". */
const char *iked_kernel_strerror(const struct iked_kernel *k, char *buf,
				 size_t len);

/*
 * Reserve an inbound SPI, 256 to 0xffffffff (the uapi's default range;
 * 1-255 are reserved by RFC 4303), for an SA to local address @dst. The
 * reservation holds for 60 s; installing the inbound SA with
 * iked_kernel_sa_add() (SA_NEW, not UPDATE) takes it. SPIs are unique per
 * (local address, family) only.
 */
int iked_kernel_spi_alloc(struct iked_kernel *k, const struct kesp_addr *dst,
			  uint32_t *spi);

/*
 * Install one SA: the fields of @sa in sa->present & KESP_SA_SEND_NEW are
 * sent. Without KESP_SA_A_FAMILY in ->present the family is taken from
 * sa->dst. -EEXIST if that SPI, direction and destination exist; queued
 * (above), that comes back through iked_kernel_async_reap().
 */
int iked_kernel_sa_add(struct iked_kernel *k, const struct kesp_sa *sa);
/* Remove one SA (no EXPIRE event follows). -ENOENT if there is none. */
int iked_kernel_sa_del(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi);
/*
 * One SA's state as a dump shows it (counters, seq, add and use time,
 * never the keys) into @out, ->present saying what the kernel sent.
 * -ENOENT if there is none.
 */
int iked_kernel_sa_get(struct iked_kernel *k, uint8_t dir,
		       const struct kesp_addr *dst, uint32_t spi,
		       struct kesp_sa *out);

/*
 * Install a policy (the fields in p->present & KESP_POL_SEND_NEW); *@id
 * gets the kernel's policy id, which iked_kernel_policy_del() takes.
 */
int iked_kernel_policy_add(struct iked_kernel *k, const struct kesp_policy *p,
			   uint32_t *id);
int iked_kernel_policy_del(struct iked_kernel *k, uint32_t id);

/*
 * Let IKE itself through whatever PROTECT policies exist: BYPASS for UDP
 * from local ports 500 and 4500 (OUT) and to them (IN), IPv4 and IPv6,
 * 8 policies at priority IKED_KERNEL_BYPASS_PRIORITY. Equal priorities
 * are decided by the more specific selector, so the daemon's own policies
 * must use a larger priority value for these to win. Idempotent: a call
 * puts back what was removed behind the daemon's back (a policy flush)
 * and takes over a bypass left behind by an earlier run. The ids are
 * kept here and iked_kernel_close() removes the policies.
 */
#define IKED_KERNEL_BYPASS_PRIORITY	0
int iked_kernel_bypass_ike(struct iked_kernel *k);

/*
 * Walk all SAs / policies of the namespace: the whole dump is read first,
 * then @fn is called once per entry, so @fn may itself call the facade
 * (delete what it sees). A negative return of @fn stops the walk and is
 * returned.
 */
int iked_kernel_sa_dump(struct iked_kernel *k,
			int (*fn)(const struct kesp_sa *sa, void *arg),
			void *arg);
int iked_kernel_policy_dump(struct iked_kernel *k,
			    int (*fn)(const struct kesp_policy *p, void *arg),
			    void *arg);

/* NAT traversal (the uapi's "UDP encapsulation" section). */

/* The module's KESP_A_INFO_CAPS (enum kesp_cap bits) into *@caps. */
int iked_kernel_caps(struct iked_kernel *k, uint64_t *caps);
/*
 * Make UDP socket @fd (bound, usually to port 4500) an encapsulation
 * socket: ESP in UDP arriving on it enters kesp.ko, keepalives are
 * absorbed, IKE (behind the non-ESP marker) still reaches the socket.
 */
int iked_kernel_encap_sock(struct iked_kernel *k, int fd);
/*
 * Move an encapsulated SA after a NAT mapping change (SA_UPDATE): the SA
 * found by (@dir, @dst, @spi) gets the outer addresses @new_src,
 * @new_dst and UDP ports @sport, @dport (host order; NULL or 0: keep).
 */
int iked_kernel_sa_move(struct iked_kernel *k, uint8_t dir,
			const struct kesp_addr *dst, uint32_t spi,
			const struct kesp_addr *new_src,
			const struct kesp_addr *new_dst, uint16_t sport,
			uint16_t dport);

#endif /* KESP_IKED_KERNEL_H */
