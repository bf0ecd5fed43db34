/* SPDX-License-Identifier: GPL-2.0 */
/* kesp-iked's state: the daemon context, its connections, IKE SAs and CHILD SAs. */

#ifndef KESP_IKED_DAEMON_H
#define KESP_IKED_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "secrets.h"

struct iked_creds;
struct iked_certreq;
#include "vendor.h"
#include "net.h"
#include "ratelimit.h"
#include "../common/kesp_msg.h"
#include "crypto/chosen.h"
#include "sa/ts_list.h"
#include "sa/natt.h"

struct iked_kernel;
struct iked_ctl_client;
struct iked_proto;
struct iked_retired;

/* Monotonic milliseconds: every deadline in the daemon is one of these. */
typedef uint64_t iked_ms;
iked_ms iked_now(void);
/* The same clock in microseconds: for gaps that matter below a ms. */
uint64_t iked_now_us(void);

/*
 * Retransmission of requests (RFC 7296 2.1): first after 0.5 s, then
 * doubling, giving up after IKED_RETX_TRIES retransmissions and one more
 * timeout: 0.5 + 1 + ... + 32 = 63.5 s, the minute operators expect.
 * --retransmit-timeout and --retransmit-tries change them.
 */
#define IKED_RETX_FIRST_MS	500
#define IKED_RETX_TRIES		6
#define IKED_RETX_MAX_TRIES	16
/*
 * Stopping (sa/shutdown.c): how long the daemon waits for the answers to
 * its IKEv2 Deletes. A peer that is there answers within a round trip;
 * 3 s also covers a few lost datagrams and a peer busy for a moment
 * (charon adopting a rekeyed IKE SA), yet keeps a reboot or a restart
 * from waiting on a peer that is gone, well inside systemd's
 * TimeoutStopSec. A second signal ends the wait at once.
 */
#define IKED_DRAIN_MS		3000
/*
 * Then how long it waits for the leftupdown= scripts (and leftfirewall=
 * rules) of the tunnels it took down: their monitors run in the unit's
 * cgroup, which systemd kills once the daemon exits (KillMode=mixed).
 * 3 s + 10 s stay inside the unit's TimeoutStopSec=30s.
 */
#define IKED_UPDOWN_WAIT_MS	10000
/*
 * Meanwhile the Deletes are retransmitted at this interval (at most; the
 * first timeout if shorter) instead of doubling: the deadline, not
 * --retransmit-tries, bounds the wait, and a doubling schedule would
 * fit only two retransmissions into it.
 */
#define IKED_DRAIN_RETX_MS	500
/*
 * The last message of an IKE SA that the peer does not answer (an IKEv1
 * Delete, RFC 2408 3.15) is sent this many times more, the first gap
 * this (or the retransmission timeout if shorter), then doubling; then
 * the IKE SA ends. With no answer to wait for, the copies only cover a
 * lost datagram or two: 1.5 s, not the minute a request may take, and
 * the copies that reach a peer which has deleted the SA already are
 * dropped there as for an unknown SA.
 */
#define IKED_LAST_RESENDS	2
#define IKED_LAST_GAP_MS	500
/*
 * IKE fragmentation (RFC 7383): the largest IP datagram an IKE fragment
 * may make, IP and UDP headers (and the non-ESP marker) included, as
 * strongSwan's charon.fragment_size counts it; --fragment-size sets it.
 */
#define IKED_FRAG_SIZE_DEFAULT	1280
#define IKED_FRAG_SIZE_MIN	200
/* strongSwan's charon.cookie_threshold default. */
#define IKED_COOKIE_THRESHOLD	30

/*
 * Reqids of kesp-iked's SAs and policies: this base plus the conn's
 * number. The base marks them as ours, so that a daemon restarted after
 * a crash finds and removes what its predecessor left ("ki" in ASCII).
 */
#define IKED_REQID_BASE		0x6b690000u
#define IKED_REQID_MASK		0xffff0000u

/* Policy priorities (lower wins): IKE bypass < CHILD SA < on-demand trap. */
#define IKED_PRIO_CHILD		0x10000
#define IKED_PRIO_TRAP		0x20000

/* Kernel policies a CHILD SA or a trap installs: out, in, fwd per pair. */
#define IKED_MAX_POLICIES	48
#define IKED_MAX_SELS		(IKED_MAX_POLICIES / 3)

enum child_state {
	CHILD_INSTALLED,
	CHILD_DELETING,		/* our Delete sent, waiting for the answer */
};

struct child_sa {
	struct child_sa *next;
	unsigned int no;		/* CHILD SA number, for logs */
	enum child_state state;
	uint32_t spi_in, spi_out;	/* host order */
	uint32_t reqid;
	uint8_t mode;			/* enum kesp_mode */
	struct iked_chosen prop;
	struct iked_ts_list ts_local, ts_remote;
	uint32_t policy[IKED_MAX_POLICIES];
	size_t n_policy;
	iked_ms established;
	uint32_t soft_secs;		/* when the kernel asks for a rekey */
	/*
	 * Its hard lifetime in the kernel: the conn's lifetime, or less when
	 * the peer's is shorter (IKEv1 RESPONDER-LIFETIME, a QM1 proposal).
	 */
	uint32_t life_secs;
	bool rekey_due;			/* soft lifetime reached */
	iked_ms rekey_at;		/* not before this (a retry) */
	bool rekeying;			/* our rekey of it is under way */
	/*
	 * The new SA of a rekey collision that the lowest nonce condemned
	 * (RFC 7296 2.8.1): its creator deletes it; we never send on it.
	 */
	bool redundant;
	/*
	 * A redundant SA the peer should delete (a crossing creation): if
	 * it has not by then, we do (not every peer resolves those). 0: no.
	 */
	iked_ms peer_deletes_by;
	bool out_absent;		/* its outbound SA was never installed */
	bool replaced;			/* rekeyed by the peer: not by us */
	/*
	 * Made in IKE_AUTH, which has no key exchange: its prop.dh says
	 * nothing about what the peer wants for PFS in a rekey.
	 */
	bool from_auth;
	/*
	 * As responder to a rekey, the new outbound SA waits (keys and
	 * all) until the peer deletes the old one: before, the peer may
	 * not have installed the matching inbound SA yet (RFC 7296 2.8).
	 */
	struct kesp_sa *deferred_out;
	/*
	 * Make before break without an answer to wait for (IKEv1): a CHILD
	 * SA that a new one replaced is deleted through its version at
	 * retire_at, then still receives until linger_until, when it goes
	 * from the kernel (sa/timers.c). 0: not scheduled.
	 */
	iked_ms retire_at, linger_until;
	/*
	 * Its Delete goes when the linger ends, not when it stops sending
	 * (IKEv1): ESP sent on it just before may still be on its way, and
	 * the peer drops that once it has the Delete.
	 */
	bool delete_at_end;
	/*
	 * IKEv1: the pair our Quick Mode made that lost a rekey collision.
	 * It stops sending as any replaced pair does, but its Delete waits
	 * until a newer pair of its selectors is in (or its hard lifetime
	 * nears): the peer may count it as its newest pair, which Libreswan
	 * does for the last Quick Mode to complete whatever the nonces, and
	 * a Delete of its newest pair makes pluto take the conn's IN and FWD
	 * policies out for the Quick Mode that replaces it (ikev1/qm_cross.c).
	 */
	bool linger_for_newer;
};

/* Room for a protocol module's decoded messages (struct iked). */
#define IKED_PROTO_SCRATCH	32768

/* A deferred outbound SA goes in after this, Delete from the peer or not. */
#define IKED_DEFER_OUT_MS	3000
/* An ISAKMP SA replaced by our rekey: its Delete after this (ike_rekey.c). */
#define IKED_V1_RETIRE_MS	10000
/* How long a peer has to delete the redundant pair of a crossing creation. */
#define IKED_REDUNDANT_WAIT_MS	5000

/*
 * IKE SA states, in the order an exchange moves through them. The number
 * kespctl shows next to "negotiating" is this value.
 */
enum ike_state {
	IKE_INIT_SENT = 1,	/* initiator: IKE_SA_INIT request out */
	IKE_INIT_DONE,		/* responder: answered IKE_SA_INIT */
	IKE_AUTH_SENT,		/* initiator: IKE_AUTH request out */
	IKE_ESTABLISHED,
	IKE_DELETING,		/* our Delete of the IKE SA is out */
	IKE_DEAD,		/* to be freed by the main loop */
};

struct ike_sa {
	struct ike_sa *next;
	struct iked *d;
	/* The version that speaks for it, and its state there (its own type). */
	const struct iked_proto *proto;
	void *priv;
	const struct iked_conf_conn *conn;	/* NULL until chosen */
	unsigned int no;
	bool initiator;			/* we sent the first IKE_SA_INIT */
	enum ike_state state;
	uint8_t spi_i[8], spi_r[8];
	struct iked_path path;
	const struct iked_conf_end *local, *remote;	/* of conn */
	/* The IKE SA's algorithms, once chosen (prop.encr 0 until then). */
	struct iked_chosen prop;

	/* Peer identity, once authenticated. */
	struct iked_conf_id peer_id;

	/*
	 * The request in flight (a window of one) and its retransmission
	 * (sa/retransmit.c): req_kind says what it is for in the version's
	 * terms (0: nothing outstanding).
	 */
	int req_kind;
	/* It is the last message, not answered (retransmit_keep_last). */
	bool req_last;
	/* Delete the IKE SA once the outstanding request is done (2.3). */
	bool delete_pending;
	uint8_t *req;			/* our outstanding request */
	size_t req_len;
	unsigned int retx;		/* retransmissions so far */
	iked_ms req_sent, retx_at;	/* retx_at 0: nothing outstanding */
	/*
	 * Why the outstanding request went as one IP datagram larger than
	 * a fragment may be (NULL: it did not), and that datagram's bytes:
	 * a path that drops IP fragments never lets it arrive, which the
	 * give-up line then says (sa/retransmit.c).
	 */
	const char *req_whole_why;
	size_t req_whole_ip_len;
	uint8_t *resp;			/* our last response, resent as is */
	size_t resp_len;
	bool have_resp;
	/* Where the request it answers came from (an authentic one). */
	struct iked_path resp_path;
	/* The peer's product, from its Vendor IDs: advice in its words. */
	enum iked_peer_product product;
	/*
	 * The CAs its last CERTREQ or CR payloads named, which our chain
	 * is chosen for (crypto/auth/peer_cas.h); NULL: none came.
	 */
	struct iked_certreq *peer_cas;

	/* Lifetime: rekey at rekey_at, gone at hard_at (0: never). */
	iked_ms rekey_at, hard_at;
	/*
	 * Seconds it lives, when its version negotiated fewer than the
	 * conn's ikelifetime (IKEv1: a shorter proposal, RESPONDER-
	 * LIFETIME); 0: ikelifetime (sa/lifetime.c ike_sa_lifetime()).
	 */
	uint32_t life_secs;
	/* Replaced by a rekey: waiting for its Delete, no timers but this. */
	iked_ms retire_at;
	struct ike_sa *successor;

	/* NAT traversal: detected NATs, ports, keepalives (natt.c). */
	struct ike_natt natt;

	/* Dead peer detection: when the peer last proved it is there. */
	iked_ms last_recv;
	uint64_t dpd_in_bytes;		/* inbound ESP bytes seen by then */

	/* Half-open SAs die after this, complete or not. */
	iked_ms created, established, expire_at;
	/*
	 * A message of the peer's is held until the revocation check of
	 * its certificate (a CRL fetch, an OCSP query) ends, at the latest
	 * until this (IKEv1: proto->cred_ready); 0: none is held.
	 */
	iked_ms cred_wait_until;
	unsigned int n_children_done;	/* CHILD SAs negotiated so far */
	struct child_sa *children;
	/* auto=start lost its CHILD SA to an expiry or a flush: a new one. */
	bool want_child;
	/* reauth=yes: this IKE SA replaces the one with these SPIs. */
	bool reauth;
	uint8_t reauth_spi_i[8], reauth_spi_r[8];
	struct iked_ctl_client *waiter;	/* `kespctl ike up` waiting */
};

/* A kernel policy shared by the CHILD SAs (and trap) of a conn. */
struct conn_policy {
	struct kesp_policy pol;
	uint32_t id;
	unsigned int refs;
};

/*
 * The ISAKMP major version a conn speaks unless its keyexchange= says
 * otherwise (keyexchange=ikev1, ikev2=no: 1).
 */
#define IKED_IKE_VERSION_DEFAULT	2

/* Runtime of one configured conn. */
struct iked_conn {
	struct conn_policy *pols;
	size_t n_pols;
	const struct iked_conf_conn *cfg;
	/* Its IKE version (ISAKMP major): which module speaks for it. */
	uint8_t ike_version;
	const struct iked_conf_end *local, *remote;
	uint32_t reqid;			/* shared by its traps and CHILD SAs */
	uint32_t trap[IKED_MAX_POLICIES];	/* auto=route policies */
	size_t n_trap;
	char *last_error;		/* the last failure, for ike list */
	iked_ms last_error_at;
	unsigned int give_ups;		/* initiations that got no answer */
	unsigned int tries;		/* of keyingtries, since the last success */
	/*
	 * The peer's CHILD SA rekey interval (s) last warned about as a
	 * lifetime mismatch: warned again only when it changes much.
	 */
	uint32_t lft_warned;
	/* The peer's CHILD SA rekeys in a row that came that early. */
	unsigned int lft_early;
	/*
	 * A reload removed or changed it (conn_retired.c): its IKE SAs
	 * only finish their Deletes; nothing of it starts again.
	 */
	bool retired;
};

struct iked {
	const char *conf_path, *secrets_path, *ctl_path;
	unsigned int retx_first_ms, retx_tries;
	/* Bytes of IP datagram per IKE fragment; 0: IKED_FRAG_SIZE_DEFAULT. */
	unsigned int fragment_size;
	/*
	 * How long an ISAKMP SA our rekey replaced lives on before its
	 * Delete (IKED_V1_RETIRE_MS; 0 at once, as unit tests have it).
	 */
	unsigned int v1_retire_ms;
	/*
	 * How long an IKE SA holds a message for a revocation fetch at
	 * most (0: IKED_CRL_WAIT_MS; tests shorten it).
	 */
	unsigned int cred_wait_ms;
	/*
	 * Half-open IKE SAs from which on a responder asks for a COOKIE
	 * (RFC 7296 2.6) before it keeps any state; 0: always.
	 */
	unsigned int cookie_threshold;
	uint8_t cookie_secret[32];
	/* Cookies sent since cookie_log_at, logged once per period. */
	unsigned int cookies_sent;
	iked_ms cookie_log_at;
	struct iked_conf *conf;
	struct iked_secrets *secrets;
	/* Certificates and private keys (crypto/auth/creds.h); NULL: none. */
	struct iked_creds *creds;
	struct iked_conn *conns;	/* one per conf->conns[] */
	size_t n_conns;
	/* Confs a reload replaced, still used by deleting IKE SAs. */
	struct iked_retired *retired;
	/* The last reqid number given to a conn (iked_conn_new_reqid). */
	uint32_t next_reqid;
	struct iked_kernel *kern;
	struct iked_net net;
	/* kesp.ko encapsulates ESP in UDP (KESP_CAP_UDP_ENCAP). */
	bool natt_kernel;
	/* Seconds between NAT keepalives (--keep-alive; 0: none). */
	unsigned int keepalive_secs;
	int ctl_fd;
	int sig_fd;
	/*
	 * The daemon is stopping (sa/shutdown.c): nothing new is started;
	 * the loop runs until the Deletes are answered or drain_until.
	 */
	bool stopping;
	iked_ms drain_until;
	unsigned int drain_waiting;	/* IKEv2 Deletes it began with */
	/*
	 * updown.c: every monitor of leftupdown= scripts holds the write
	 * end of this pipe until it exits; the read end's EOF tells a
	 * stopping daemon that they are all done (iked_updown_wait).
	 */
	int updown_pipe[2];
	bool updown_piped;
	struct ike_sa *sas;
	unsigned int next_sa_no, next_child_no;
	unsigned int stale_sas, stale_policies;	/* found at start */
	/* Log lines of unauthenticated packets, per source (peerlog.c). */
	struct iked_ratelimit peer_log;
	/* The last IKE version mismatch logged: once a minute per peer. */
	struct kesp_addr vm_peer;
	iked_ms vm_at;
	struct iked_ctl_client *clients;
	/*
	 * IKEv1 fragments dropped for cookies of no ISAKMP SA, and
	 * fragment reassemblies that failed (ikev1/frag_recv.c).
	 */
	unsigned int v1_frag_unknown, v1_frag_failed;
	/* CERTREQ and CR payloads refused as malformed (peer_cas.c). */
	unsigned int certreq_refused;
	/*
	 * Quick Mode messages dropped for a malformed NAT-OA (ikev1/xchg.c)
	 * and NAT-OA pairs ignored as unusable (ikev1/natoa.c).
	 */
	unsigned int natoa_refused;
	/* When the datagram being handled arrived (iked_now_us()). */
	uint64_t rx_us;
	/*
	 * One message in and one out at a time: big, so not on the stack.
	 * The decoded forms are the protocol module's (its layout; it
	 * checks at build time that they fit), so that a daemon calloc()ed
	 * by a test needs no set-up.
	 */
	_Alignas(max_align_t) unsigned char proto_scratch[IKED_PROTO_SCRATCH];
	uint8_t buf[IKED_MSG_MAX];
	uint8_t out[IKED_MSG_MAX];
	uint8_t plain[IKED_MSG_MAX];
};

/*
 * The conn runtime of a conf conn: of d->conf, or of a conf a reload
 * replaced that a deleting IKE SA still uses (conn_retired.c).
 */
struct iked_conn *iked_conn_of(struct iked *d,
			       const struct iked_conf_conn *cfg);
/* Remember and log the failure of @c ("ike list" shows it). */
/*
 * Install @p (or count one more user of the same policy) and return its
 * id; put it back when done. The CHILD SAs of a rekey share policies.
 */
int iked_conn_policy_get(struct iked *d, struct iked_conn *c,
			 const struct kesp_policy *p, uint32_t *id);
void iked_conn_policy_put(struct iked *d, struct iked_conn *c, uint32_t id);
/*
 * The PROTECT policies of @c for the traffic @sels (outbound view)
 * through @local <-> @remote in @mode (enum kesp_mode): out, in and, in
 * tunnel mode, fwd, at @priority; their ids are appended to @ids, *@n in
 * use (at most IKED_MAX_POLICIES). Shared by a CHILD SA's policies and
 * the auto=route traps. 0 or -errno (the kernel's reason is the facade's
 * last error).
 */
int iked_conn_protect(struct iked *d, struct iked_conn *c,
		      const struct kesp_sel *sels, size_t n_sel, uint8_t mode,
		      const struct kesp_addr *local,
		      const struct kesp_addr *remote, uint32_t priority,
		      uint32_t *ids, size_t *n);
void iked_conn_fail(struct iked *d, const struct iked_conf_conn *c,
		    unsigned int no, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * The same for a failure an unauthenticated packet from @peer caused:
 * always remembered, logged as iked_log_peer() allows.
 */
void iked_conn_fail_peer(struct iked *d, const struct iked_conf_conn *c,
			 unsigned int no, const struct kesp_addr *peer,
			 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* @c's last failure, "" when none (or @c is NULL). */
const char *iked_conn_last_error(const struct iked_conn *c);

#endif /* KESP_IKED_DAEMON_H */
