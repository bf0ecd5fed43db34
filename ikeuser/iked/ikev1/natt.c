// SPDX-License-Identifier: GPL-2.0
/* NAT traversal in IKEv1 (RFC 3947 and the drafts older gear speaks): Vendor IDs, NAT-D payloads, the UDP-encapsulated modes of Quick Mode; keepalives, port 4500 and encapsulated kernel SAs are the core's (sa/natt.c). */

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "v1.h"
#include "../conn.h"
#include "../net.h"
#include "../conf/conf.h"
#include "../vendor.h"
#include "../sa/natt.h"

/* What we send in MM1/AM1, best first. */
static const enum iked_natt_vid our_vids[] = {
	IKED_NATT_VID_RFC3947, IKED_NATT_VID_DRAFT_03,
	IKED_NATT_VID_DRAFT_02N, IKED_NATT_VID_DRAFT_02,
};

static bool natt_off(const struct ike_sa *sa)
{
	return sa->conn && sa->conn->encaps == IKED_ENCAPS_NEVER;
}

static bool is_rfc(const struct v1_sa *v)
{
	return v->natt == IKED_NATT_VID_RFC3947;
}

int v1_natt_add_vids(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	size_t i;

	if (natt_off(sa))
		return 0;
	if (!sa->initiator) {
		/* The responder names the one method it chose. */
		if (v->natt && !ikev1_chain_add_raw(c, IKEV1_PL_VID,
						    iked_vendor_natt_id(v->natt),
						    IKED_VID_LEN))
			return -E2BIG;
		return 0;
	}
	for (i = 0; i < sizeof(our_vids) / sizeof(our_vids[0]); i++)
		if (!ikev1_chain_add_raw(c, IKEV1_PL_VID,
					 iked_vendor_natt_id(our_vids[i]),
					 IKED_VID_LEN))
			return -E2BIG;
	return 0;
}

void v1_natt_take_vids(struct ike_sa *sa, const struct ikev1_chain *c)
{
	enum iked_natt_vid best = IKED_NATT_VID_NONE, x;
	uint8_t i;

	for (i = 0; i < c->n; i++) {
		if (c->pl[i].type != IKEV1_PL_VID)
			continue;
		x = iked_vendor_natt(c->pl[i].body, c->pl[i].len);
		if (x > best)
			best = x;
	}
	v1(sa)->peer_natt = best;
	v1(sa)->natt = natt_off(sa) ? IKED_NATT_VID_NONE : best;
	if (best)
		ike_sa_log(sa, IKED_LOG_DEBUG, "the peer does NAT-T (%s)%s",
			   best == IKED_NATT_VID_RFC3947 ? "RFC 3947" :
			   "draft-ietf-ipsec-nat-t-ike-02/03",
			   natt_off(sa) ? ", but this conn has encapsulation=no" :
			   "");
}

static uint8_t natd_type(const struct v1_sa *v)
{
	return is_rfc(v) ? IKEV1_PL_NATD : IKEV1_PL_NATD_DRAFT;
}

/* HASH(CKY-I | CKY-R | IP | Port) of @a, @port. */
static int natd_of(struct ike_sa *sa, const struct kesp_addr *a,
		   uint16_t port, uint8_t *out)
{
	return ikev1_natd_hash(v1(sa)->alg.hash, sa->spi_i, sa->spi_r,
			       a->bytes, kesp_addr_len(a->family), port, out);
}

int v1_natt_add_natd(struct ike_sa *sa, struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	size_t hl = ikev1_hash_len(v->alg.hash);
	int r;

	if (!v->natt || natt_off(sa))
		return 0;
	/* RFC 3947 3.2: the peer's address first, then ours. */
	r = natd_of(sa, &sa->path.remote, sa->path.rport, v->natd[0]);
	if (r)
		return r;
	if (sa->conn && sa->conn->encaps == IKED_ENCAPS_FORCE) {
		/* As with IKEv2 (ikev2/natd.c): the peer sees us behind NAT. */
		sa->natt.forced = true;
		if (RAND_bytes(v->natd[1], (int)hl) != 1)
			return -EIO;
	} else {
		r = natd_of(sa, &sa->path.local, sa->path.lport, v->natd[1]);
		if (r)
			return r;
	}
	if (!ikev1_chain_add_raw(c, natd_type(v), v->natd[0], hl) ||
	    !ikev1_chain_add_raw(c, natd_type(v), v->natd[1], hl))
		return -E2BIG;
	return 0;
}

bool v1_natt_detect(const uint8_t *const *got, size_t n, size_t len,
		    const uint8_t *want_local, const uint8_t *want_remote,
		    bool *local_behind, bool *remote_behind)
{
	bool remote_ok = false;
	size_t i;

	if (n < 2)
		return false;
	/* The first: our address and port as the peer sent to them. */
	*local_behind = CRYPTO_memcmp(got[0], want_local, len) != 0;
	/* The rest: the peer's own addresses (one per address it has). */
	for (i = 1; i < n; i++)
		remote_ok |= !CRYPTO_memcmp(got[i], want_remote, len);
	*remote_behind = !remote_ok;
	return true;
}

/* The peer's NAT-D hashes of @c (at most 8), all of @len bytes. */
static size_t natd_in(const struct v1_sa *v, const struct ikev1_chain *c,
		      size_t len, const uint8_t **got, size_t max)
{
	size_t n = 0;
	uint8_t i;

	for (i = 0; i < c->n && n < max; i++) {
		if (c->pl[i].type != natd_type(v))
			continue;
		if (c->pl[i].len != len)
			return 0;
		got[n++] = c->pl[i].body;
	}
	return n;
}

/*
 * Detection from @got against the hashes of @p's addresses and ports;
 * false when there are too few hashes or they cannot be computed.
 */
static bool detect_on(struct ike_sa *sa, const struct iked_path *p,
		      const uint8_t *const *got, size_t cnt, bool *local,
		      bool *remote)
{
	uint8_t want_local[IKEV1_HASH_MAX], want_remote[IKEV1_HASH_MAX];
	size_t hl = ikev1_hash_len(v1(sa)->alg.hash);

	if (natd_of(sa, &p->local, p->lport, want_local) ||
	    natd_of(sa, &p->remote, p->rport, want_remote))
		return false;
	return v1_natt_detect(got, cnt, hl, want_local, want_remote, local,
			      remote);
}

void v1_natt_check(struct ike_sa *sa, const struct ikev1_chain *c)
{
	struct v1_sa *v = v1(sa);
	struct ike_natt *n = &sa->natt;
	const struct iked_path *rx = v->rx_path;
	size_t hl = ikev1_hash_len(v->alg.hash), cnt;
	bool local, remote;
	const uint8_t *got[8];

	if (!v->natt || natt_off(sa))
		return;
	cnt = natd_in(v, c, hl, got, 8);
	if (!detect_on(sa, &sa->path, got, cnt, &n->local_behind,
		       &n->remote_behind)) {
		ike_sa_log(sa, IKED_LOG_INFO,
			   "the peer announced NAT-T but sent %zu usable NAT-D payloads: no NAT-T",
			   cnt);
		n->forced = false;
		return;
	}
	/*
	 * AM3 comes on 4500 once AM2 showed a NAT, and strongSwan hashes
	 * the ports it travels by there, where RFC 3947 3.2 means the ports
	 * of the exchange so far: a hash that matches either is no NAT.
	 */
	if (rx && (rx->lport != sa->path.lport || rx->rport != sa->path.rport) &&
	    detect_on(sa, rx, got, cnt, &local, &remote)) {
		n->local_behind &= local;
		n->remote_behind &= remote;
	}
	n->peer_natd = true;
	if (sa->conn && sa->conn->encaps == IKED_ENCAPS_FORCE)
		n->forced = true;
	natt_decide(sa);
}

uint16_t v1_natt_encap(const struct ike_sa *sa, bool transport)
{
	const struct v1_sa *v = v1(sa);

	if (!sa->natt.in_use || !v->natt)
		return transport ? IKEV1_ENCAP_TRANSPORT : IKEV1_ENCAP_TUNNEL;
	if (is_rfc(v))
		return transport ? IKEV1_ENCAP_UDP_TRANSPORT :
				   IKEV1_ENCAP_UDP_TUNNEL;
	return transport ? IKEV1_ENCAP_UDP_TRANSPORT_DRAFT :
			   IKEV1_ENCAP_UDP_TUNNEL_DRAFT;
}

bool v1_natt_encap_ok(const struct ike_sa *sa, bool transport, uint16_t got)
{
	if (!sa->natt.in_use || !v1(sa)->natt)
		return got == v1_natt_encap(sa, transport);
	/* Some peers mix the RFC's numbers with a draft's Vendor ID. */
	if (transport)
		return got == IKEV1_ENCAP_UDP_TRANSPORT ||
		       got == IKEV1_ENCAP_UDP_TRANSPORT_DRAFT;
	return got == IKEV1_ENCAP_UDP_TUNNEL ||
	       got == IKEV1_ENCAP_UDP_TUNNEL_DRAFT;
}

void v1_natt_authenticated(struct ike_sa *sa)
{
	const struct iked_path *p = v1(sa)->rx_path;

	if (p)
		natt_on_authenticated(sa, p);
}

/* Why ESP goes unencapsulated, and what would change it. */
static void no_natt_why(const struct ike_sa *sa, const char **why,
			const char **fix)
{
	if (natt_off(sa)) {
		*why = v1(sa)->peer_natt ?
		       "this conn has encapsulation=no (the peer offered NAT-T)" :
		       "this conn has encapsulation=no";
		*fix = "set encapsulation=auto here";
	} else {
		*why = "the peer does not do NAT traversal (no NAT-T Vendor ID)";
		*fix = "enable NAT traversal on the peer (nat_traversal=yes, encapsulation=auto)";
	}
}

/* Whether the peer's ID is an address other than the one it talks from. */
static bool id_not_source(const struct ike_sa *sa)
{
	const struct iked_conf_id *id = &sa->peer_id;
	const struct kesp_addr *a = &sa->path.remote;

	if (id->type != (a->family == AF_INET ? IKED_ID_IPV4_ADDR :
						IKED_ID_IPV6_ADDR))
		return false;
	return id->len != kesp_addr_len(a->family) ||
	       memcmp(id->data, a->bytes, id->len);
}

void v1_natt_diagnose(struct ike_sa *sa)
{
	const char *why, *fix;
	char peer[80], id[128];

	if (v1(sa)->natt)
		return;
	no_natt_why(sa, &why, &fix);
	iked_net_format(&sa->path.remote, sa->path.rport, peer, sizeof(peer));
	/*
	 * Ours to the peer leave from 500 and it answers to the port they
	 * came from; a responder that sees another port saw a NAT's.
	 */
	if (!sa->initiator && sa->path.rport != IKED_IKE_PORT &&
	    sa->path.rport != IKED_NATT_PORT) {
		iked_conn_fail(sa->d, sa->conn, sa->no,
			       "NAT-T mismatch: %s came from another port than 500: a NAT is in between, and %s: the tunnel may come up and pass nothing, as ESP cannot cross a NAT unencapsulated; %s",
			       peer, why, fix);
		return;
	}
	/* A peer's IP address ID is most often its own interface's. */
	if (id_not_source(sa))
		ike_sa_log(sa, IKED_LOG_WARN,
			   "the peer's ID is %s but it talks from %s: a NAT is likely in between, and %s: ESP may not cross it unencapsulated; %s",
			   iked_conf_id_format(&sa->peer_id, id, sizeof(id)),
			   peer, why, fix);
}
