// SPDX-License-Identifier: GPL-2.0
/* What fixes a mismatch: on our side in ipsec.conf words, on the peer's in its product's own words. */

#include <stdio.h>
#include <stdlib.h>

#include "advice.h"
#include "proposal.h"

/* Libreswan takes strongSwan's group keywords (modp2048, ecp256) too. */
static const char *group_word(uint16_t g, char *buf, size_t len)
{
	if (!g)
		g = IKED_PROP_DH_MODP_2048;
	return iked_prop_alg_name(IKED_PROP_DH, g, 0, buf, len);
}

static void peer_pfs_off(FILE *f, enum iked_peer_product p, const char *g)
{
	if (p != IKED_PEER_STRONGSWAN)
		fprintf(f, "%spfs=no in its conn", p ? "" : "Libreswan: ");
	if (!p)
		fprintf(f, "; strongSwan: ");
	if (p != IKED_PEER_LIBRESWAN)
		fprintf(f, "drop -%s from its esp_proposals (swanctl.conf) or esp= (ipsec.conf), or add -none to it",
			g);
}

static void peer_pfs_on(FILE *f, enum iked_peer_product p, const char *g)
{
	if (p != IKED_PEER_STRONGSWAN)
		fprintf(f, "%spfs=yes (its default) and no esp= without a group, e.g. esp=aes_gcm256-null-%s",
			p ? "" : "Libreswan: ", g);
	if (!p)
		fprintf(f, "; strongSwan: ");
	if (p != IKED_PEER_LIBRESWAN)
		fprintf(f, "add -%s to its esp_proposals (swanctl.conf) or esp= (ipsec.conf)",
			g);
}

char *iked_advice_pfs(enum iked_peer_product p, bool peer_wants_pfs,
		      uint16_t group)
{
	const char *name = iked_peer_product_name(p);
	char *s = NULL, g[32];
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	group_word(group, g, sizeof(g));
	if (peer_wants_pfs)
		fprintf(f, "fix: here accept PFS: add a group to esp= (e.g. esp=aes256gcm16-%s-none) or end it without \"!\" so that kesp's defaults (every group and none) follow; or on the peer%s%s%s: ",
			g, name ? " (" : "", name ? name : "", name ? ")" : "");
	else
		fprintf(f, "fix: here accept a rekey without PFS: add none to esp= (e.g. esp=aes256gcm16-%s-none) or end it without \"!\"; or on the peer%s%s%s: ",
			g, name ? " (" : "", name ? name : "", name ? ")" : "");
	if (peer_wants_pfs)
		peer_pfs_off(f, p, g);
	else
		peer_pfs_on(f, p, g);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

char *iked_advice_ikev1(enum iked_peer_product p)
{
	const char *w;
	char *s = NULL;

	switch (p) {
	case IKED_PEER_LIBRESWAN:
		w = "fix on the peer (Libreswan): ikev2=insist in its conn, or remove ikev2=no";
		break;
	case IKED_PEER_STRONGSWAN:
		w = "fix on the peer (strongSwan): keyexchange=ikev2 (ipsec.conf) or version = 2 (swanctl.conf)";
		break;
	default:
		w = "fix on the peer: make its conn IKEv2 (Libreswan: ikev2=insist, or remove ikev2=no; strongSwan: keyexchange=ikev2 in ipsec.conf, version = 2 in swanctl.conf)";
	}
	if (asprintf(&s, "%s", w) < 0)
		return NULL;
	return s;
}
