// SPDX-License-Identifier: GPL-2.0
/* NAT traversal of IKE SAs (RFC 7296 2.23, RFC 3948), what is the same for every version: port 4500, keepalives, floating, new mappings. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "natt.h"
#include "child_sa.h"
#include "ike_sa.h"
#include "ts.h"
#include "../kernel.h"
#include "../proto.h"

int natt_open(struct iked *d, char *err, size_t errlen)
{
	uint64_t caps = 0;
	char kerr[512];
	int r;

	r = iked_net_open_natt(&d->net, IKED_NATT_PORT, err, errlen);
	if (r)
		return r;
	r = iked_kernel_caps(d->kern, &caps);
	if (r || !(caps & KESP_CAP_UDP_ENCAP)) {
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "kesp.ko cannot encapsulate ESP in UDP (no KESP_CAP_UDP_ENCAP%s%s): NAT traversal is off for ESP; IKE still detects NATs and moves to port %u, but a tunnel through a NAT will not pass traffic until a kesp.ko with NAT-T is loaded",
			 r ? ": " : "",
			 r ? iked_kernel_strerror(d->kern, kerr, sizeof(kerr)) : "",
			 IKED_NATT_PORT);
		return 0;
	}
	r = 0;
	if (d->net.nat4 >= 0)
		r = iked_kernel_encap_sock(d->kern, d->net.nat4);
	if (!r && d->net.nat6 >= 0)
		r = iked_kernel_encap_sock(d->kern, d->net.nat6);
	if (r) {
		iked_log(IKED_LOG_WARN, NULL, 0,
			 "kesp.ko refused the UDP %u socket as encapsulation socket (%s): NAT traversal is off for ESP",
			 IKED_NATT_PORT,
			 iked_kernel_strerror(d->kern, kerr, sizeof(kerr)));
		return 0;
	}
	d->natt_kernel = true;
	return 0;
}

void natt_float(struct ike_sa *sa)
{
	struct iked *d = sa->d;

	if (!sa->natt.in_use || !d->net.nat_port ||
	    sa->path.lport == d->net.nat_port)
		return;
	sa->path.lport = d->net.nat_port;
	/* A peer on another port than 500 keeps it (RFC 7296 2.23). */
	if (sa->path.rport == IKED_IKE_PORT)
		sa->path.rport = IKED_NATT_PORT;
}

static bool same_path(const struct iked_path *a, const struct iked_path *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote)) &&
	       (!a->local.family || !b->local.family ||
		!memcmp(&a->local, &b->local, sizeof(a->local)));
}

/*
 * The PROTECT policies of @ch name the tunnel's endpoints in their
 * templates: a new address of either end needs them anew (kesp.ko's
 * SA_UPDATE leaves policies alone).
 */
static void move_policies(struct ike_sa *sa, struct child_sa *ch)
{
	struct iked_conn *c = iked_conn_of(sa->d, sa->conn);
	struct kesp_sel sels[IKED_MAX_SELS];
	size_t i, n_sel;
	char e[512];

	for (i = 0; i < ch->n_policy; i++)
		iked_conn_policy_put(sa->d, c, ch->policy[i]);
	ch->n_policy = 0;
	if (iked_ts_to_sels(&ch->ts_local, &ch->ts_remote, sels,
			     IKED_MAX_SELS, &n_sel) ||
	    iked_conn_protect(sa->d, c, sels, n_sel, ch->mode,
			      &sa->path.local, &sa->path.remote,
			      IKED_PRIO_CHILD, ch->policy, &ch->n_policy))
		ike_sa_log(sa, IKED_LOG_ERR,
			   "cannot move the policies of CHILD SA #%u: %s",
			   ch->no,
			   iked_kernel_strerror(sa->d->kern, e, sizeof(e)));
}

static void move_children(struct ike_sa *sa, const struct iked_path *old)
{
	struct iked *d = sa->d;
	const struct iked_path *p = &sa->path;
	bool local_moved = memcmp(&old->local, &p->local, sizeof(p->local));
	bool remote_moved = memcmp(&old->remote, &p->remote,
				   sizeof(p->remote));
	struct child_sa *ch;
	char e[512];

	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->deferred_out) {
			ch->deferred_out->src = p->local;
			ch->deferred_out->dst = p->remote;
			ch->deferred_out->encap_sport = p->lport;
			ch->deferred_out->encap_dport = p->rport;
		} else if (iked_kernel_sa_move(d->kern, KESP_DIR_OUT,
					       &old->remote, ch->spi_out,
					       local_moved ? &p->local : NULL,
					       remote_moved ? &p->remote : NULL,
					       p->lport, p->rport)) {
			ike_sa_log(sa, IKED_LOG_ERR,
				   "cannot move outbound SA %08x: %s",
				   ch->spi_out,
				   iked_kernel_strerror(d->kern, e, sizeof(e)));
		}
		if (iked_kernel_sa_move(d->kern, KESP_DIR_IN, &old->local,
					ch->spi_in,
					remote_moved ? &p->remote : NULL,
					local_moved ? &p->local : NULL,
					p->rport, p->lport))
			ike_sa_log(sa, IKED_LOG_ERR,
				   "cannot move inbound SA %08x: %s",
				   ch->spi_in,
				   iked_kernel_strerror(d->kern, e, sizeof(e)));
		if (local_moved || remote_moved)
			move_policies(sa, ch);
	}
}

void natt_on_authenticated(struct ike_sa *sa, const struct iked_path *path)
{
	struct iked *d = sa->d;
	struct iked_path old = sa->path, now = *path;
	char a[80], b[80];
	unsigned int n_child = 0;
	struct child_sa *ch;

	if (sa->natt.probe && same_path(&sa->natt.probe_path, path))
		sa->natt.probe = false;
	if (same_path(&old, path))
		return;
	/* Only NAT-T moves an IKE SA (without MOBIKE, RFC 7296 2.23). */
	if (!sa->natt.peer_natd &&
	    !(d->net.nat_port && path->lport == d->net.nat_port))
		return;
	if (!now.local.family)
		now.local = old.local;
	sa->path = now;
	sa->natt.probe = false;
	iked_net_format(&old.remote, old.rport, a, sizeof(a));
	iked_net_format(&now.remote, now.rport, b, sizeof(b));
	for (ch = sa->children; ch; ch = ch->next)
		n_child++;
	/* The switch to the NAT-T port (2.23), before any CHILD SA. */
	if (!memcmp(&old.remote, &now.remote, sizeof(now.remote)) &&
	    old.lport != now.lport && now.lport == d->net.nat_port &&
	    !n_child)
		ike_sa_log(sa, IKED_LOG_DEBUG, "peer moved to %s (port %u here)",
			   b, now.lport);
	else
		ike_sa_log(sa, IKED_LOG_INFO,
			   "peer moved from %s to %s (NAT mapping changed): updating the IKE SA and %u CHILD SA%s",
			   a, b, n_child, n_child == 1 ? "" : "s");
	if (sa->natt.encap && n_child)
		move_children(sa, &old);
}

/* Outbound ESP packets of @sa's CHILD SAs, as the kernel counts them. */
static uint64_t out_packets(struct ike_sa *sa)
{
	struct child_sa *ch;
	struct kesp_sa k;
	uint64_t sum = 0;

	for (ch = sa->children; ch; ch = ch->next)
		if (!ch->deferred_out &&
		    !iked_kernel_sa_get(sa->d->kern, KESP_DIR_OUT,
					&sa->path.remote, ch->spi_out, &k))
			sum += k.cnt.packets;
	return sum;
}

uint64_t natt_work(struct ike_sa *sa, uint64_t now)
{
	struct ike_natt *n = &sa->natt;
	struct iked *d = sa->d;
	uint64_t ival = (uint64_t)d->keepalive_secs * 1000, packets;

	/* Only the end behind a NAT keeps its mapping open (RFC 3948 4). */
	if (!n->in_use || !n->local_behind || !ival ||
	    sa->state != IKE_ESTABLISHED || sa->successor ||
	    sa->path.lport != d->net.nat_port)
		return 0;
	if (!n->ka_at || n->ka_at > now + ival) {
		n->ka_at = now + ival;
		return n->ka_at;
	}
	if (now < n->ka_at)
		return n->ka_at;
	/* ESP sent in the meantime kept the mapping open too. */
	packets = n->encap ? out_packets(sa) : 0;
	if (!n->encap || packets == n->ka_packets) {
		if (iked_net_send_keepalive(&d->net, &sa->path) == 0) {
			n->keepalives++;
			ike_sa_log(sa, IKED_LOG_DEBUG,
				   "NAT keepalive sent (%lu so far)",
				   n->keepalives);
		}
	}
	n->ka_packets = packets;
	n->ka_at = now + ival;
	return n->ka_at;
}

void natt_retransmit(struct ike_sa *sa)
{
	if (sa->natt.probe && sa->req)
		iked_net_send_msgs(&sa->d->net, &sa->natt.probe_path, sa->req,
				   sa->req_len);
}

void natt_on_mapping(struct iked *d, const struct kesp_event *ev)
{
	struct iked_path probe;
	struct ike_sa *sa;
	char a[80], b[80];

	for (sa = d->sas; sa; sa = sa->next)
		if (sa->state == IKE_ESTABLISHED && !sa->successor &&
		    child_find_in(sa, ev->sa.spi))
			break;
	if (!sa) {
		iked_log(IKED_LOG_DEBUG, NULL, 0,
			 "MAPPING for inbound SA %08x, which is not ours",
			 ev->sa.spi);
		return;
	}
	probe = sa->path;
	probe.remote = ev->map_src;
	probe.rport = ev->map_sport;
	if (same_path(&probe, &sa->path) ||
	    (sa->natt.probe && same_path(&probe, &sa->natt.probe_path)))
		return;
	iked_net_format(&sa->path.remote, sa->path.rport, a, sizeof(a));
	iked_net_format(&probe.remote, probe.rport, b, sizeof(b));
	ike_sa_log(sa, IKED_LOG_INFO,
		   "ESP of inbound SA %08x came from %s, not %s: the NAT mapping changed; checking liveness there",
		   ev->sa.spi, b, a);
	sa->natt.probe = true;
	sa->natt.probe_path = probe;
	/* Only the peer's authenticated answer moves the SAs. */
	if (!sa->req_kind && sa->proto->liveness(sa))
		return;
	natt_retransmit(sa);
}

void natt_fill_ksa(const struct ike_sa *sa, struct kesp_sa *k)
{
	if (!sa->natt.encap)
		return;
	k->present |= KESP_BIT(KESP_SA_A_ENCAP_SPORT) |
		      KESP_BIT(KESP_SA_A_ENCAP_DPORT);
	/* As the packets travel: ours is the NAT-T port, theirs as seen. */
	if (k->dir == KESP_DIR_OUT) {
		k->encap_sport = sa->path.lport;
		k->encap_dport = sa->path.rport;
	} else {
		k->encap_sport = sa->path.rport;
		k->encap_dport = sa->path.lport;
	}
}

void natt_inherit(struct ike_sa *n, const struct ike_sa *old)
{
	n->natt = old->natt;
	n->natt.probe = false;
	n->path = old->path;
}

const char *natt_status(const struct ike_sa *sa)
{
	const struct ike_natt *n = &sa->natt;

	if (n->local_behind && n->remote_behind)
		return "both";
	if (n->local_behind)
		return "local";
	if (n->remote_behind)
		return "remote";
	if (n->in_use && n->forced)
		return "forced";
	return "none";
}

const char *natt_where(const struct ike_natt *n)
{
	if (n->local_behind && n->remote_behind)
		return "both ends are behind NAT";
	if (n->local_behind)
		return "this end is behind NAT";
	return "the peer is behind NAT";
}

void natt_decide(struct ike_sa *sa)
{
	struct ike_natt *n = &sa->natt;

	n->in_use = n->local_behind || n->remote_behind || n->forced;
	if (!n->in_use)
		return;
	n->encap = sa->d->natt_kernel;
	if (n->local_behind || n->remote_behind)
		ike_sa_log(sa, IKED_LOG_INFO, "NAT detected: %s; using UDP %u",
			   natt_where(n), IKED_NATT_PORT);
	else
		ike_sa_log(sa, IKED_LOG_INFO,
			   "no NAT, but encapsulation=yes: using UDP %u",
			   IKED_NATT_PORT);
	if (!n->encap)
		ike_sa_log(sa, IKED_LOG_WARN,
			   "NAT-T is needed, but kesp.ko cannot encapsulate ESP in UDP: the tunnel will pass nothing");
}
