// SPDX-License-Identifier: GPL-2.0
/* Whether two loaded conns mean the same tunnel: what a reload keeps running. */

#include <stdbool.h>
#include <string.h>

#include "conf.h"

/* Field by field: structs read from files may differ in their padding. */

static bool addr_same(const struct kesp_addr *a, const struct kesp_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, kesp_addr_len(a->family));
}

static bool ts_same(const struct iked_conf_ts *a, const struct iked_conf_ts *b)
{
	return a->dynamic == b->dynamic && a->net.plen == b->net.plen &&
	       addr_same(&a->net.addr, &b->net.addr) && a->proto == b->proto &&
	       a->ports.min == b->ports.min && a->ports.max == b->ports.max;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool end_same(const struct iked_conf_end *a,
		     const struct iked_conf_end *b)
{
	size_t i;

	if (!addr_same(&a->addr, &b->addr) || a->id_set != b->id_set ||
	    a->id.type != b->id.type || a->id.len != b->id.len ||
	    memcmp(a->id.data, b->id.data, a->id.len) || a->n_ts != b->n_ts ||
	    !str_same(a->updown, b->updown) || a->auth != b->auth ||
	    !str_same(a->cert, b->cert) || a->ca.type != b->ca.type ||
	    a->ca.len != b->ca.len || memcmp(a->ca.data, b->ca.data, a->ca.len) ||
	    a->sendcert != b->sendcert || a->firewall != b->firewall)
		return false;
	for (i = 0; i < a->n_ts; i++)
		if (!ts_same(&a->ts[i], &b->ts[i]))
			return false;
	return true;
}

static bool algs_same(const uint16_t *a, const uint16_t *b, uint8_t n)
{
	return !n || !memcmp(a, b, n * sizeof(*a));
}

static bool prop_same(const struct iked_prop *a, const struct iked_prop *b)
{
	uint8_t i;

	if (a->n_encr != b->n_encr || a->n_integ != b->n_integ ||
	    a->n_prf != b->n_prf || a->n_dh != b->n_dh ||
	    a->n_esn != b->n_esn || a->aead != b->aead)
		return false;
	for (i = 0; i < a->n_encr; i++)
		if (a->encr[i].id != b->encr[i].id ||
		    a->encr[i].key_bits != b->encr[i].key_bits)
			return false;
	return algs_same(a->integ, b->integ, a->n_integ) &&
	       algs_same(a->prf, b->prf, a->n_prf) &&
	       algs_same(a->dh, b->dh, a->n_dh) &&
	       algs_same(a->esn, b->esn, a->n_esn);
}

static bool props_same(const struct iked_prop_list *a,
		       const struct iked_prop_list *b)
{
	size_t i;

	if (a->proto != b->proto || a->n != b->n ||
	    a->n_configured != b->n_configured || a->strict != b->strict)
		return false;
	for (i = 0; i < a->n; i++)
		if (!prop_same(&a->props[i], &b->props[i]))
			return false;
	return true;
}

bool iked_conf_conn_same(const struct iked_conf_conn *a,
			 const struct iked_conf_conn *b)
{
	/* Where the conn is written (file, line) does not matter. */
	return !strcmp(a->name, b->name) && end_same(&a->left, &b->left) &&
	       end_same(&a->right, &b->right) &&
	       a->autostart == b->autostart && a->mode == b->mode &&
	       props_same(&a->ike, &b->ike) && props_same(&a->esp, &b->esp) &&
	       a->ikelifetime == b->ikelifetime && a->lifetime == b->lifetime &&
	       a->rekeymargin == b->rekeymargin &&
	       a->rekeyfuzz == b->rekeyfuzz &&
	       a->keyingtries == b->keyingtries && a->rekey == b->rekey &&
	       a->reauth == b->reauth && a->dpddelay == b->dpddelay &&
	       a->dpdtimeout == b->dpdtimeout &&
	       a->dpdaction == b->dpdaction && a->encaps == b->encaps &&
	       a->ike_version == b->ike_version &&
	       a->aggressive == b->aggressive &&
	       a->fragmentation == b->fragmentation;
}
