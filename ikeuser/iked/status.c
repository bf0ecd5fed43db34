// SPDX-License-Identifier: GPL-2.0
/* `kespctl ike list`: the IKE SAs, their CHILD SAs and each conn's last failure. */

#include <stdio.h>
#include <string.h>

#include "status.h"
#include "kernel.h"
#include "proto.h"
#include "conn.h"
#include "sa/ike_sa.h"
#include "sa/lifetime.h"
#include "sa/ts.h"
#include "crypto/auth/certreq.h"
#include "../common/json.h"

static const char *const auto_names[] = { "ignore", "add", "route", "start" };

static const char *state_name(enum ike_state s)
{
	switch (s) {
	case IKE_ESTABLISHED:
		return "established";
	case IKE_DELETING:
		return "deleting";
	case IKE_DEAD:
		return "dead";
	default:
		return "negotiating";
	}
}

static void hex8(const uint8_t *spi, char *buf)
{
	int i;

	for (i = 0; i < 8; i++)
		sprintf(buf + 2 * i, "%02x", spi[i]);
}

struct child_counters {
	uint64_t bytes_in, packets_in, bytes_out, packets_out;
};

static void counters(struct iked *d, const struct ike_sa *sa,
		     const struct child_sa *ch, struct child_counters *c)
{
	struct kesp_sa k;

	memset(c, 0, sizeof(*c));
	if (!iked_kernel_sa_get(d->kern, KESP_DIR_IN, &sa->path.local,
				ch->spi_in, &k)) {
		c->bytes_in = k.cnt.bytes;
		c->packets_in = k.cnt.packets;
	}
	if (!iked_kernel_sa_get(d->kern, KESP_DIR_OUT, &sa->path.remote,
				ch->spi_out, &k)) {
		c->bytes_out = k.cnt.bytes;
		c->packets_out = k.cnt.packets;
	}
}

static unsigned long long secs_since(iked_ms t, iked_ms now)
{
	return t && now > t ? (now - t) / 1000 : 0;
}

/* "remote end behind NAT, UDP 4500->31024" for the human form. */
static const char *natt_text(const struct ike_sa *sa, char *buf, size_t len)
{
	const char *st = natt_status(sa);
	const char *what = !strcmp(st, "local") ? "local end behind NAT" :
			   !strcmp(st, "remote") ? "remote end behind NAT" :
			   !strcmp(st, "both") ? "both ends behind NAT" : st;

	if (sa->natt.in_use)
		snprintf(buf, len, "%s, UDP %u->%u%s", what, sa->path.lport,
			 sa->path.rport,
			 sa->natt.encap ? "" : " (kesp.ko cannot encapsulate)");
	else if (strcmp(st, "none"))
		snprintf(buf, len, "%s, not used (encapsulation=no)", what);
	else
		snprintf(buf, len, "none");
	return buf;
}

static unsigned int count_sas(struct iked *d, const struct iked_conn *c)
{
	const struct ike_sa *sa;
	unsigned int n = 0;

	for (sa = d->sas; sa; sa = sa->next)
		if (sa->conn == c->cfg && sa->state != IKE_DEAD)
			n++;
	return n;
}

/* One CHILD SA of @sa, two lines, for the human form. */
static void human_child(struct iked *d, FILE *f, const struct ike_sa *sa,
			const struct child_sa *ch, iked_ms now)
{
	struct child_counters c;
	char tl[512], tr[512], alg[256];

	counters(d, sa, ch, &c);
	fprintf(f, "  %s{%u}: %s, %s, SPIs %08x_i %08x_o, %s, %llus ago\n",
		ike_sa_name(sa), ch->no,
		ch->state == CHILD_INSTALLED ? "INSTALLED" :
					       "DELETING",
		ch->mode == KESP_MODE_TRANSPORT ? "TRANSPORT" :
						  "TUNNEL",
		ch->spi_in, ch->spi_out,
		iked_chosen_format(&ch->prop, alg, sizeof(alg)),
		secs_since(ch->established, now));
	fprintf(f, "  %s{%u}:   %s === %s, in %llu bytes (%llu packets), out %llu bytes (%llu packets)\n",
		ike_sa_name(sa), ch->no,
		iked_ts_format(&ch->ts_local, tl, sizeof(tl)),
		iked_ts_format(&ch->ts_remote, tr, sizeof(tr)),
		(unsigned long long)c.bytes_in,
		(unsigned long long)c.packets_in,
		(unsigned long long)c.bytes_out,
		(unsigned long long)c.packets_out);
}

/* One CHILD SA of @sa as a JSON object. */
static void json_child(struct json *j, struct iked *d, const struct ike_sa *sa,
		       const struct child_sa *ch, iked_ms now)
{
	char buf[512], spi[17];
	struct child_counters c;

	counters(d, sa, ch, &c);
	json_obj_begin(j, NULL);
	json_u64(j, "no", ch->no);
	json_str(j, "state", ch->state == CHILD_INSTALLED ?
		 "installed" : "deleting");
	json_str(j, "mode", ch->mode == KESP_MODE_TRANSPORT ?
		 "transport" : "tunnel");
	snprintf(spi, sizeof(spi), "%08x", ch->spi_in);
	json_str(j, "spi_in", spi);
	snprintf(spi, sizeof(spi), "%08x", ch->spi_out);
	json_str(j, "spi_out", spi);
	json_str(j, "algorithm",
		 iked_chosen_format(&ch->prop, buf, sizeof(buf)));
	json_str(j, "local_ts",
		 iked_ts_format(&ch->ts_local, buf, sizeof(buf)));
	json_str(j, "remote_ts",
		 iked_ts_format(&ch->ts_remote, buf, sizeof(buf)));
	json_u64(j, "elapsed", secs_since(ch->established, now));
	json_u64(j, "bytes_in", c.bytes_in);
	json_u64(j, "packets_in", c.packets_in);
	json_u64(j, "bytes_out", c.bytes_out);
	json_u64(j, "packets_out", c.packets_out);
	json_obj_end(j);
}

static void write_human(struct iked *d, FILE *f)
{
	iked_ms now = iked_now();
	const struct ike_sa *sa;
	size_t i;

	for (sa = d->sas; sa; sa = sa->next) {
		char l[80], r[80], lid[IKED_ID_STRLEN], rid[IKED_ID_STRLEN];
		char alg[256], si[17], sr[17], nat[128];
		struct iked_conf_id us;
		const struct child_sa *ch;

		if (sa->state == IKE_DEAD)
			continue;
		ike_sa_local_id(sa, &us);
		hex8(sa->spi_i, si);
		hex8(sa->spi_r, sr);
		if (sa->state == IKE_ESTABLISHED)
			fprintf(f, "%s[%u]: ESTABLISHED %llus ago, ", ike_sa_name(sa),
				sa->no, secs_since(sa->established, now));
		else
			fprintf(f, "%s[%u]: %s(%d) for %llus, ", ike_sa_name(sa),
				sa->no, sa->state == IKE_DELETING ?
				"DELETING" : "NEGOTIATING", (int)sa->state,
				secs_since(sa->created, now));
		fprintf(f, "%s[%s]...%s[%s]\n",
			iked_net_format(&sa->path.local, sa->path.lport, l,
					sizeof(l)),
			iked_conf_id_format(&us, lid, sizeof(lid)),
			iked_net_format(&sa->path.remote, sa->path.rport, r,
					sizeof(r)),
			sa->peer_id.type || sa->peer_id.len ?
			iked_conf_id_format(&sa->peer_id, rid, sizeof(rid)) :
			"?");
		fprintf(f, "  %s, remote gateway %s, %s, SPIs %s_i%s %s_r%s\n",
			sa->proto->name,
			kesp_addr_format(&sa->path.remote,
					 (char[KESP_ADDR_STRLEN]){ 0 },
					 KESP_ADDR_STRLEN),
			sa->initiator ? "initiator" : "responder",
			si, sa->initiator ? "*" : "", sr,
			sa->initiator ? "" : "*");
		fprintf(f, "  algorithm %s, lifetime %us, NAT-T %s, CHILD SAs negotiated %u\n",
			sa->prop.encr ? iked_chosen_format(&sa->prop, alg,
							    sizeof(alg)) :
			"(negotiating)",
			ike_sa_lifetime(sa),
			natt_text(sa, nat, sizeof(nat)),
			sa->n_children_done);
		for (ch = sa->children; ch; ch = ch->next)
			human_child(d, f, sa, ch, now);
	}
	for (i = 0; i < d->n_conns; i++) {
		const struct iked_conn *c = &d->conns[i];
		unsigned int n = count_sas(d, c);

		if (!n)
			fprintf(f, "%s: no IKE SA (auto=%s, remote %s)\n",
				c->cfg->name, auto_names[c->cfg->autostart],
				c->remote->addr.family ?
				kesp_addr_format(&c->remote->addr,
						 (char[KESP_ADDR_STRLEN]){ 0 },
						 KESP_ADDR_STRLEN) : "%any");
		if (iked_conn_last_error(c)[0])
			fprintf(f, "%s: last failure %llus ago: %s\n",
				c->cfg->name, secs_since(c->last_error_at, now),
				c->last_error);
	}
	/* Said only once there is something: noise or a broken peer. */
	if (d->v1_frag_unknown || d->v1_frag_failed)
		fprintf(f, "IKEv1 fragments: %u dropped for cookies of no ISAKMP SA, %u reassemblies failed\n",
			d->v1_frag_unknown, d->v1_frag_failed);
	if (d->certreq_refused)
		fprintf(f, "CERTREQ/CR payloads refused as malformed: %u\n",
			d->certreq_refused);
	if (d->natoa_refused)
		fprintf(f, "NAT-OA payloads refused as malformed or ignored: %u\n",
			d->natoa_refused);
}

static void write_json(struct iked *d, FILE *f)
{
	iked_ms now = iked_now();
	const struct ike_sa *sa;
	struct json j;
	size_t i;

	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "ike_sas");
	for (sa = d->sas; sa; sa = sa->next) {
		char buf[512], spi[17];
		struct iked_conf_id us;
		const struct child_sa *ch;

		if (sa->state == IKE_DEAD)
			continue;
		ike_sa_local_id(sa, &us);
		json_obj_begin(&j, NULL);
		json_str(&j, "conn", ike_sa_name(sa));
		json_u64(&j, "no", sa->no);
		json_str(&j, "version", sa->proto->name);
		json_str(&j, "state", state_name(sa->state));
		json_u64(&j, "state_no", sa->state);
		json_bool(&j, "initiator", sa->initiator);
		json_str(&j, "local", kesp_addr_format(&sa->path.local, buf,
							sizeof(buf)));
		json_u64(&j, "local_port", sa->path.lport);
		json_str(&j, "remote", kesp_addr_format(&sa->path.remote, buf,
							 sizeof(buf)));
		json_u64(&j, "remote_port", sa->path.rport);
		json_str(&j, "local_id", iked_conf_id_format(&us, buf,
							     sizeof(buf)));
		json_str(&j, "remote_id", sa->peer_id.len ?
			 iked_conf_id_format(&sa->peer_id, buf, sizeof(buf)) :
			 "");
		hex8(sa->spi_i, spi);
		json_str(&j, "spi_i", spi);
		hex8(sa->spi_r, spi);
		json_str(&j, "spi_r", spi);
		json_str(&j, "algorithm", sa->prop.encr ?
			 iked_chosen_format(&sa->prop, buf, sizeof(buf)) : "");
		json_u64(&j, "elapsed", sa->state == IKE_ESTABLISHED ?
			 secs_since(sa->established, now) :
			 secs_since(sa->created, now));
		json_u64(&j, "lifetime", ike_sa_lifetime(sa));
		json_str(&j, "nat_t", natt_status(sa));
		json_bool(&j, "nat_t_in_use", sa->natt.in_use);
		json_bool(&j, "nat_t_encap", sa->natt.encap);
		json_u64(&j, "nat_t_keepalives", sa->natt.keepalives);
		json_u64(&j, "child_sas_negotiated", sa->n_children_done);
		json_arr_begin(&j, "child_sas");
		for (ch = sa->children; ch; ch = ch->next)
			json_child(&j, d, sa, ch, now);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "conns");
	for (i = 0; i < d->n_conns; i++) {
		const struct iked_conn *c = &d->conns[i];
		char buf[KESP_ADDR_STRLEN];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", c->cfg->name);
		json_str(&j, "auto", auto_names[c->cfg->autostart]);
		json_str(&j, "remote", c->remote->addr.family ?
			 kesp_addr_format(&c->remote->addr, buf, sizeof(buf)) :
			 "%any");
		json_u64(&j, "ike_sas", count_sas(d, c));
		json_str(&j, "last_error", iked_conn_last_error(c));
		if (iked_conn_last_error(c)[0])
			json_u64(&j, "last_error_age",
				 secs_since(c->last_error_at, now));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "ikev1_fragments");
	json_u64(&j, "unknown_cookies", d->v1_frag_unknown);
	json_u64(&j, "reassembly_failed", d->v1_frag_failed);
	json_obj_end(&j);
	json_u64(&j, "certreq_refused", d->certreq_refused);
	json_u64(&j, "natoa_refused", d->natoa_refused);
	json_obj_end(&j);
	json_finish(&j);
}

/* One IKE SA of `kespctl ike diagnose`, its CHILD SAs with it. */
static void diagnose_sa(const struct ike_sa *sa, iked_ms now, FILE *f)
{
	const struct child_sa *ch;
	char a[512], b[512], w[256], cas[2048];

	fprintf(f, "  IKE SA %s[%u]: %s(%d) with %s, %s; %s\n",
		sa->conn->name, sa->no, state_name(sa->state),
		(int)sa->state,
		iked_net_format(&sa->path.remote, sa->path.rport, a,
				sizeof(a)),
		sa->initiator ? "we initiated" : "the peer initiated",
		sa->proto->waiting_for(sa, w, sizeof(w)));
	if (sa->state == IKE_ESTABLISHED)
		fprintf(f, "    established %llus ago, last heard from the peer %llus ago%s\n",
			secs_since(sa->established, now),
			secs_since(sa->last_recv, now),
			sa->successor ? ", replaced by a rekey" : "");
	if (sa->state == IKE_ESTABLISHED) {
		char nat[128];

		fprintf(f, "    NAT-T %s; %lu keepalives sent\n",
			natt_text(sa, nat, sizeof(nat)),
			sa->natt.keepalives);
	}
	if (sa->peer_cas && (sa->peer_cas->n || sa->peer_cas->any))
		fprintf(f, "    the peer asked for certificates from %s\n",
			iked_certreq_format(sa->peer_cas, sa->d->creds, cas,
					    sizeof(cas)));
	for (ch = sa->children; ch; ch = ch->next)
		fprintf(f, "    CHILD SA #%u: SPIs %08x_i %08x_o, %s === %s%s\n",
			ch->no, ch->spi_in, ch->spi_out,
			iked_ts_format(&ch->ts_local, a, sizeof(a)),
			iked_ts_format(&ch->ts_remote, b, sizeof(b)),
			ch->rekeying ? ", being rekeyed" : "");
}

void iked_status_diagnose(struct iked *d, const struct iked_conn *c, FILE *f)
{
	const struct iked_conf_conn *cfg = c->cfg;
	iked_ms now = iked_now();
	const struct ike_sa *sa;
	char a[512], b[512];
	unsigned int n = 0;

	fprintf(f, "conn %s (%s:%u), auto=%s, %s mode\n", cfg->name,
		cfg->file, cfg->line, auto_names[cfg->autostart],
		cfg->mode == IKED_MODE_TRANSPORT ? "transport" : "tunnel");
	fprintf(f, "  local  %s id %s\n",
		c->local->addr.family ? kesp_addr_format(&c->local->addr, a,
							 sizeof(a)) : "%any",
		iked_conf_id_format(&c->local->id, b, sizeof(b)));
	fprintf(f, "  remote %s id %s\n",
		c->remote->addr.family ? kesp_addr_format(&c->remote->addr, a,
							  sizeof(a)) : "%any",
		iked_conf_id_format(&c->remote->id, b, sizeof(b)));
	fprintf(f, "  ike=%s%s esp=%s%s\n",
		iked_prop_format(&cfg->ike.props[0], a, sizeof(a)),
		cfg->ike.n > 1 ? ",..." : "",
		iked_prop_format(&cfg->esp.props[0], b, sizeof(b)),
		cfg->esp.n > 1 ? ",..." : "");
	fprintf(f, "  ikelifetime=%us lifetime=%us rekeymargin=%us rekeyfuzz=%u%% dpdaction=%s dpddelay=%us\n",
		cfg->ikelifetime, cfg->lifetime, cfg->rekeymargin,
		cfg->rekeyfuzz,
		(const char *[]){ "none", "clear", "hold", "restart" }[cfg->dpdaction],
		cfg->dpddelay);
	if (cfg->autostart == IKED_AUTO_ROUTE)
		fprintf(f, "  on-demand policies: %s\n", c->n_trap ?
			"installed (the first packet starts the tunnel)" :
			"NOT installed (see the log)");
	for (sa = d->sas; sa; sa = sa->next) {
		if (sa->conn != cfg || sa->state == IKE_DEAD)
			continue;
		n++;
		diagnose_sa(sa, now, f);
	}
	if (!n)
		fprintf(f, "  no IKE SA%s\n",
			cfg->autostart == IKED_AUTO_ADD ?
			": waiting for the peer to initiate (auto=add)" :
			cfg->autostart == IKED_AUTO_ROUTE ?
			": waiting for traffic (auto=route)" : "");
	if (iked_conn_last_error(c)[0])
		fprintf(f, "  last failure %llus ago: %s\n",
			secs_since(c->last_error_at, now), c->last_error);
	else
		fprintf(f, "  no failure so far\n");
	if (c->give_ups)
		fprintf(f, "  %u initiations got no answer at all\n",
			c->give_ups);
}

void iked_status_write(struct iked *d, FILE *f, bool json)
{
	if (json)
		write_json(d, f);
	else
		write_human(d, f);
}
