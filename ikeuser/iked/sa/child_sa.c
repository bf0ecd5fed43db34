// SPDX-License-Identifier: GPL-2.0
/* CHILD SAs as the core keeps them: kernel SAs and policies in and out, found by SPI; what a version negotiated, installed the same way. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child_sa.h"
#include "ike_sa.h"
#include "lifetime.h"
#include "natt.h"
#include "../proto.h"
#include "ts.h"
#include "../kernel.h"
#include "../updown.h"
#include "../../common/alg.h"

/* kesp.ko's default; strongSwan uses 32, XFRM's maximum is 4096. */
#define REPLAY_WINDOW	128

const char *child_sa_kerr(struct ike_sa *sa)
{
	static char buf[320];

	return iked_kernel_strerror(sa->d->kern, buf, sizeof(buf));
}

/* ESP key lengths kesp.ko wants: the key with its salt, and the integrity key. */
int child_sa_key_lens(const struct iked_chosen *c, size_t *enc,
		      size_t *integ)
{
	const struct kesp_alg *a = kesp_alg_by_id(KESP_ALG_ENC, c->encr);
	const struct kesp_alg *i = NULL;

	if (!a)
		return -EOPNOTSUPP;
	*enc = (c->encr_key_bits ? c->encr_key_bits / 8u : a->key_lens[0]) +
	       a->salt_len;
	*integ = 0;
	if (c->integ) {
		i = kesp_alg_by_id(KESP_ALG_INTEG, c->integ);
		if (!i)
			return -EOPNOTSUPP;
		*integ = i->key_lens[0];
	}
	return 0;
}

static void fill_ksa(struct ike_sa *sa, struct kesp_sa *k, uint8_t dir,
		     uint32_t spi, const struct child_sa *ch,
		     const uint8_t *ek, size_t ek_len, const uint8_t *ak,
		     size_t ak_len, const struct kesp_sel *sel)
{
	const struct iked_conf_conn *cfg = sa->conn;

	memset(k, 0, sizeof(*k));
	k->present = KESP_BIT(KESP_SA_A_SPI) | KESP_BIT(KESP_SA_A_DIR) |
		     KESP_BIT(KESP_SA_A_MODE) | KESP_BIT(KESP_SA_A_FAMILY) |
		     KESP_BIT(KESP_SA_A_SRC) | KESP_BIT(KESP_SA_A_DST) |
		     KESP_BIT(KESP_SA_A_ENC) | KESP_BIT(KESP_SA_A_ENC_KEY) |
		     KESP_BIT(KESP_SA_A_FLAGS) | KESP_BIT(KESP_SA_A_REQID) |
		     KESP_BIT(KESP_SA_A_LIFETIME);
	k->spi = spi;
	k->dir = dir;
	k->mode = ch->mode;
	k->family = sa->path.local.family;
	k->src = dir == KESP_DIR_OUT ? sa->path.local : sa->path.remote;
	k->dst = dir == KESP_DIR_OUT ? sa->path.remote : sa->path.local;
	k->enc = ch->prop.encr;
	k->enc_key_len = (uint16_t)ek_len;
	memcpy(k->enc_key, ek, ek_len);
	if (ch->prop.integ) {
		k->present |= KESP_BIT(KESP_SA_A_INTEG) |
			      KESP_BIT(KESP_SA_A_INTEG_KEY);
		k->integ = ch->prop.integ;
		k->integ_key_len = (uint16_t)ak_len;
		memcpy(k->integ_key, ak, ak_len);
	}
	if (dir == KESP_DIR_IN) {
		k->present |= KESP_BIT(KESP_SA_A_REPLAY_WINDOW);
		k->replay_window = REPLAY_WINDOW;
	}
	k->flags = ch->prop.esn == IKED_PROP_ESN_YES ? KESP_SA_F_ESN : 0;
	k->reqid = ch->reqid;
	if (sel) {
		k->present |= KESP_BIT(KESP_SA_A_SEL);
		k->sel = *sel;
	}
	/*
	 * The kernel's hard limit stands even without the daemon; the soft
	 * one is where a rekey would start, before the peer's limit.
	 */
	k->lft[KESP_LFT_A_HARD_ADD_SECS] = ch->life_secs;
	if (cfg->rekey && ch->soft_secs)
		k->lft[KESP_LFT_A_SOFT_ADD_SECS] = ch->soft_secs;
	/* ESP in UDP when NAT-T is in use (natt.c). */
	natt_fill_ksa(sa, k);
}

static int add_policies(struct ike_sa *sa, struct child_sa *ch,
			const struct kesp_sel *sels, size_t n)
{
	int r = iked_conn_protect(sa->d, iked_conn_of(sa->d, sa->conn), sels,
				  n, ch->mode, &sa->path.local,
				  &sa->path.remote, IKED_PRIO_CHILD,
				  ch->policy, &ch->n_policy);

	if (r)
		ike_sa_log(sa, IKED_LOG_ERR, "cannot install the CHILD SA's policies: %s",
			   child_sa_kerr(sa));
	return r;
}

static void remove_kernel(struct ike_sa *sa, struct child_sa *ch, bool in,
			  bool out)
{
	struct iked_conn *c = iked_conn_of(sa->d, sa->conn);
	size_t i;

	for (i = 0; i < ch->n_policy; i++)
		iked_conn_policy_put(sa->d, c, ch->policy[i]);
	ch->n_policy = 0;
	if (out)
		iked_kernel_sa_del(sa->d->kern, KESP_DIR_OUT, &sa->path.remote,
				   ch->spi_out);
	if (in)
		iked_kernel_sa_del(sa->d->kern, KESP_DIR_IN, &sa->path.local,
				   ch->spi_in);
}

/*
 * Install inbound SA, outbound SA and policies, in that order: the peer
 * may send as soon as it has the answer, and an outbound SA before its
 * policy is harmless.
 */
int child_sa_install(struct ike_sa *sa, const struct child_sa_spec *s,
		     const struct child_sa_keys *keys, struct child_sa **out,
		     uint64_t *in_us)
{
	struct kesp_sel sels[IKED_MAX_SELS], insel;
	struct kesp_sa k;
	struct child_sa *ch;
	size_t n_sel;
	int r;

	r = iked_ts_to_sels(s->tsl, s->tsr, sels, IKED_MAX_SELS, &n_sel);
	if (r || !n_sel) {
		ike_sa_log(sa, IKED_LOG_ERR,
			   "traffic selectors do not make kernel selectors");
		return r ? r : -EINVAL;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->no = ++sa->d->next_child_no;
	ch->spi_in = s->spi_in;
	ch->spi_out = s->spi_out;
	ch->mode = s->mode;
	ch->prop = *s->prop;
	ch->reqid = iked_conn_of(sa->d, sa->conn)->reqid;
	/* Randomized, so that the two ends do not rekey at once (2.8.1). */
	ch->life_secs = s->life ? s->life : sa->conn->lifetime;
	ch->soft_secs = rekey_secs(sa->conn, ch->life_secs);
	ch->ts_local = *s->tsl;
	ch->ts_remote = *s->tsr;
	insel = sels[0];
	iked_sel_reverse(&insel);
	fill_ksa(sa, &k, KESP_DIR_IN, s->spi_in, ch, keys->ek_in,
		 keys->enc_len, keys->ak_in, keys->integ_len,
		 n_sel == 1 ? &insel : NULL);
	r = iked_kernel_sa_add(sa->d->kern, &k);
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot install inbound SA %08x: %s",
			   s->spi_in, child_sa_kerr(sa));
		goto wipe;
	}
	*in_us = iked_now_us();
	fill_ksa(sa, &k, KESP_DIR_OUT, s->spi_out, ch, keys->ek_out,
		 keys->enc_len, keys->ak_out, keys->integ_len,
		 n_sel == 1 ? &sels[0] : NULL);
	if (s->defer_out) {
		ch->deferred_out = malloc(sizeof(k));
		r = ch->deferred_out ? 0 : -ENOMEM;
		if (!r)
			memcpy(ch->deferred_out, &k, sizeof(k));
	} else {
		r = iked_kernel_sa_add(sa->d->kern, &k);
	}
	if (r) {
		ike_sa_log(sa, IKED_LOG_ERR, "cannot install outbound SA %08x: %s",
			   s->spi_out, child_sa_kerr(sa));
		remove_kernel(sa, ch, true, false);
		goto wipe;
	}
	r = add_policies(sa, ch, sels, n_sel);
	if (r) {
		remove_kernel(sa, ch, true, true);
		goto wipe;
	}
	kesp_sa_wipe(&k);
	ch->state = CHILD_INSTALLED;
	ch->established = iked_now();
	ch->next = sa->children;
	sa->children = ch;
	sa->n_children_done++;
	iked_conn_of(sa->d, sa->conn)->tries = 0;
	iked_updown(sa, ch, true);
	*out = ch;
	return 0;
wipe:
	kesp_sa_wipe(&k);
	free(ch);
	return r;
}

void child_install_deferred(struct ike_sa *sa, struct child_sa *ch)
{
	struct kesp_sa *k = ch->deferred_out;

	if (!k || ch->redundant)
		return;
	ch->deferred_out = NULL;
	if (iked_kernel_sa_add(sa->d->kern, k))
		ike_sa_log(sa, IKED_LOG_ERR, "cannot install outbound SA %08x: %s",
			   k->spi, child_sa_kerr(sa));
	else
		ike_sa_log(sa, IKED_LOG_DEBUG,
			   "CHILD SA #%u now sends on its new SA %08x",
			   ch->no, k->spi);
	kesp_sa_wipe(k);
	free(k);
}

void child_remove(struct ike_sa *sa, struct child_sa *ch, const char *why)
{
	struct child_sa **pp, *o;

	for (pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	/* The replacement takes over the moment the old one goes. */
	for (o = sa->children; o; o = o->next)
		child_install_deferred(sa, o);
	remove_kernel(sa, ch, true, !ch->deferred_out && !ch->out_absent);
	ike_sa_log(sa, IKED_LOG_INFO, "CHILD SA #%u deleted (SPIs %08x_i %08x_o)%s%s",
		   ch->no, ch->spi_in, ch->spi_out, why ? ": " : "",
		   why ? why : "");
	iked_updown(sa, ch, false);
	if (ch->deferred_out) {
		kesp_sa_wipe(ch->deferred_out);
		free(ch->deferred_out);
	}
	free(ch);
}

/* The outbound SA that waited is not installed, ever: no longer kept. */
void child_sa_drop_deferred_out(struct child_sa *ch)
{
	if (ch->deferred_out) {
		kesp_sa_wipe(ch->deferred_out);
		free(ch->deferred_out);
		ch->deferred_out = NULL;
	}
	ch->out_absent = true;
}

void child_stop_sending(struct ike_sa *sa, struct child_sa *ch)
{
	ch->state = CHILD_DELETING;
	if (!ch->deferred_out && !ch->out_absent)
		iked_kernel_sa_del(sa->d->kern, KESP_DIR_OUT, &sa->path.remote,
				   ch->spi_out);
	child_sa_drop_deferred_out(ch);
}

void child_retire(struct child_sa *ch, iked_ms at)
{
	ch->retire_at = at ? at : 1;
}

void child_linger(struct ike_sa *sa, struct child_sa *ch, iked_ms ms)
{
	struct child_sa *o;

	for (o = sa->children; o; o = o->next)
		if (o != ch)
			child_install_deferred(sa, o);
	child_stop_sending(sa, ch);
	ch->linger_until = iked_now() + (ms ? ms : 1);
}

iked_ms child_retire_run(struct ike_sa *sa, iked_ms now)
{
	struct child_sa *ch;
	iked_ms next = 0, t;

again:
	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->linger_until && ch->linger_until <= now) {
			/* The version sends its Delete and removes it. */
			if (ch->delete_at_end)
				sa->proto->delete_child(sa, ch);
			else
				child_remove(sa, ch, "replaced by a rekey");
			goto again;
		}
		if (ch->retire_at && ch->retire_at <= now &&
		    ch->state == CHILD_INSTALLED) {
			ch->state = CHILD_DELETING;
			/* It may go at once: the list is looked at anew. */
			sa->proto->delete_child(sa, ch);
			goto again;
		}
		t = ch->linger_until ? ch->linger_until :
		    ch->state == CHILD_INSTALLED ? ch->retire_at : 0;
		if (t && (!next || t < next))
			next = t;
	}
	return next;
}

struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_out == spi_out)
			return ch;
	return NULL;
}

struct child_sa *child_find_in(struct ike_sa *sa, uint32_t spi_in)
{
	struct child_sa *ch;

	for (ch = sa->children; ch; ch = ch->next)
		if (ch->spi_in == spi_in)
			return ch;
	return NULL;
}
