// SPDX-License-Identifier: GPL-2.0
/* kespctl sa and spi: each verb's words parsed and checked, the key files read. */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/alg.h"
#include "args.h"
#include "key.h"
#include "kespctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SA_BIT(attr) KESP_BIT(KESP_SA_A_##attr)
#define KEYFILE_EXPECT "a file holding the key in hex, or - for standard input"

/* --- argument handlers; kw->arg is the KESP_SA_A_* (or _LFT_A_*) they set --- */

static int set_dir(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kespctl_sa_args *a = ctx;
	int dir = kesp_dir_parse(val);

	(void)kw;
	if (dir == KESP_DIR_FWD) {
		snprintf(err, errlen, "SAs have no fwd direction; fwd is for policies");
		return -EINVAL;
	}
	if (dir != KESP_DIR_IN && dir != KESP_DIR_OUT) {
		snprintf(err, errlen, "not a direction");
		return -EINVAL;
	}
	a->sa.dir = (uint8_t)dir;
	a->sa.present |= SA_BIT(DIR);
	return 0;
}

static int set_mode(void *ctx, const struct kespctl_kw *kw, const char *val,
		    char *err, size_t errlen)
{
	struct kespctl_sa_args *a = ctx;
	int mode = kesp_mode_parse(val);

	(void)kw;
	if (mode < 0) {
		snprintf(err, errlen, "not a mode");
		return -EINVAL;
	}
	a->sa.mode = (uint8_t)mode;
	a->sa.present |= SA_BIT(MODE);
	return 0;
}

static int set_u32(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_sa *sa = &((struct kespctl_sa_args *)ctx)->sa;
	uint32_t min = 0, max = UINT32_MAX, *field;

	switch (kw->arg) {
	case KESP_SA_A_SPI:
		field = &sa->spi;
		min = 1;
		break;
	case KESP_SA_A_REPLAY_WINDOW:
		field = &sa->replay_window;
		max = 4096;
		break;
	case KESP_SA_A_REQID:
		field = &sa->reqid;
		break;
	case KESP_SA_A_SPI_MIN:
		field = &sa->spi_min;
		min = 256;	/* RFC 4303: 1 to 255 are reserved */
		break;
	default:
		field = &sa->spi_max;
		min = 256;
	}
	sa->present |= KESP_BIT(kw->arg);
	return kespctl_parse_u32(val, min, max, field, err, errlen);
}

static int set_seq(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_sa *sa = &((struct kespctl_sa_args *)ctx)->sa;

	(void)kw;
	sa->present |= SA_BIT(SEQ);
	return kespctl_parse_u64(val, &sa->seq, err, errlen);
}

static int set_lft(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_sa *sa = &((struct kespctl_sa_args *)ctx)->sa;

	sa->present |= SA_BIT(LIFETIME);
	return kespctl_parse_u64(val, &sa->lft[kw->arg], err, errlen);
}

static int set_addr(void *ctx, const struct kespctl_kw *kw, const char *val,
		    char *err, size_t errlen)
{
	struct kesp_sa *sa = &((struct kespctl_sa_args *)ctx)->sa;

	struct kesp_addr *a;

	switch (kw->arg) {
	case KESP_SA_A_SRC:
		a = &sa->src;
		break;
	case KESP_SA_A_NEW_SRC:
		a = &sa->new_src;
		break;
	case KESP_SA_A_NEW_DST:
		a = &sa->new_dst;
		break;
	default:
		a = &sa->dst;
	}
	sa->present |= KESP_BIT(kw->arg);
	return kesp_addr_parse(val, a, err, errlen);
}

static int set_alg(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kespctl_sa_args *a = ctx;
	enum kesp_alg_type type = kw->arg == KESP_SA_A_ENC ? KESP_ALG_ENC :
			    KESP_ALG_INTEG;
	const struct kesp_alg *alg;
	unsigned int key_len;
	char names[256];

	alg = kesp_alg_by_name(type, val, &key_len);
	if (!alg) {
		snprintf(err, errlen, "not one of %s",
			 kesp_alg_names(type, names, sizeof(names)));
		return -EINVAL;
	}
	if (type == KESP_ALG_ENC) {
		a->sa.enc = alg->id;
		a->enc_key_len = key_len;
	} else {
		a->sa.integ = alg->id;
	}
	a->sa.present |= KESP_BIT(kw->arg);
	return 0;
}

static int set_file(void *ctx, const struct kespctl_kw *kw, const char *val,
		    char *err, size_t errlen)
{
	struct kespctl_sa_args *a = ctx;

	if (!val[0]) {
		snprintf(err, errlen, "empty file name");
		return -EINVAL;
	}
	if (kw->arg == KESP_SA_A_ENC_KEY)
		a->keyfile = val;
	else
		a->integkeyfile = val;
	return 0;
}

static int set_flag(void *ctx, const struct kespctl_kw *kw, const char *val,
		    char *err, size_t errlen)
{
	struct kespctl_sa_args *a = ctx;

	(void)val;
	(void)err;
	(void)errlen;
	if (kw->arg == KESP_SA_A_SEL) {
		a->has_sel = 1;
	} else {
		a->sa.flags |= KESP_SA_F_ESN;
		a->sa.present |= SA_BIT(FLAGS);
	}
	return 0;
}

/* --- keyword tables: each verb takes a few of these sets --- */

static const struct kespctl_kw dir_kw[] = {
	{ "dir", "in or out", set_dir, NULL, KESP_SA_A_DIR },
};

static const struct kespctl_kw id_kw[] = {
	{ "spi", "an SPI, 1 to 0xffffffff", set_u32, NULL, KESP_SA_A_SPI },
	{ "dst", "the IPv4 or IPv6 address the SA's packets go to", set_addr,
	  NULL, KESP_SA_A_DST },
};

static const struct kespctl_kwset sel_set = {
	kespctl_sel_kw, KESPCTL_N_SEL_KW,
	offsetof(struct kespctl_sa_args, sel)
};

static const struct kespctl_kw add_kw[] = {
	{ "mode", "tunnel or transport", set_mode, NULL, KESP_SA_A_MODE },
	{ "src", "the IPv4 or IPv6 address the SA's packets come from",
	  set_addr, NULL, KESP_SA_A_SRC },
	{ "enc", "an encryption algorithm", set_alg, NULL, KESP_SA_A_ENC },
	{ "keyfile", KEYFILE_EXPECT, set_file, NULL, KESP_SA_A_ENC_KEY },
	{ "integ", "an integrity algorithm", set_alg, NULL, KESP_SA_A_INTEG },
	{ "integkeyfile", KEYFILE_EXPECT, set_file, NULL,
	  KESP_SA_A_INTEG_KEY },
	{ "sel", NULL, set_flag, &sel_set, KESP_SA_A_SEL },
	{ "replay-window", "packets, 0 (no replay check) to 4096", set_u32,
	  NULL, KESP_SA_A_REPLAY_WINDOW },
	{ "esn", NULL, set_flag, NULL, KESP_SA_A_FLAGS },
	{ "reqid", "a number, 0 to 0xffffffff", set_u32, NULL,
	  KESP_SA_A_REQID },
};

#define LFT_KW(name, what, attr) \
	{ name, what ", 0 for no limit", set_lft, NULL, attr }

static const struct kespctl_kw lft_kw[] = {
	LFT_KW("soft-bytes", "bytes", KESP_LFT_A_SOFT_BYTES),
	LFT_KW("hard-bytes", "bytes", KESP_LFT_A_HARD_BYTES),
	LFT_KW("soft-packets", "packets", KESP_LFT_A_SOFT_PACKETS),
	LFT_KW("hard-packets", "packets", KESP_LFT_A_HARD_PACKETS),
	LFT_KW("soft-add-secs", "seconds after adding", KESP_LFT_A_SOFT_ADD_SECS),
	LFT_KW("hard-add-secs", "seconds after adding", KESP_LFT_A_HARD_ADD_SECS),
	LFT_KW("soft-use-secs", "seconds after first use", KESP_LFT_A_SOFT_USE_SECS),
	LFT_KW("hard-use-secs", "seconds after first use", KESP_LFT_A_HARD_USE_SECS),
};

static const struct kespctl_kw seq_kw[] = {
	{ "seq", "the last sequence number sent (the next packet has seq+1)",
	  set_seq, NULL, KESP_SA_A_SEQ },
};

static const struct kespctl_kw move_kw[] = {
	{ "new-src", "the SA's new outer source address", set_addr, NULL,
	  KESP_SA_A_NEW_SRC },
	{ "new-dst", "the SA's new outer destination address", set_addr, NULL,
	  KESP_SA_A_NEW_DST },
};

static const struct kespctl_kw alloc_kw[] = {
	{ "dst", "the local IPv4 or IPv6 address the SA will receive on",
	  set_addr, NULL, KESP_SA_A_DST },
	{ "min", "the lowest SPI to pick, 256 to 0xffffffff", set_u32, NULL,
	  KESP_SA_A_SPI_MIN },
	{ "max", "the highest SPI to pick, 256 to 0xffffffff", set_u32, NULL,
	  KESP_SA_A_SPI_MAX },
};

#define SET(kw) { kw, ARRAY_SIZE(kw), 0 }

static const struct kespctl_kwset dir_set = SET(dir_kw);
static const struct kespctl_kwset id_set = SET(id_kw);
static const struct kespctl_kwset add_set = SET(add_kw);
static const struct kespctl_kwset lft_set = SET(lft_kw);
static const struct kespctl_kwset seq_set = SET(seq_kw);
static const struct kespctl_kwset alloc_set = SET(alloc_kw);
static const struct kespctl_kwset move_set = SET(move_kw);

static const struct kespctl_kwset *const add_sets[] = {
	&dir_set, &id_set, &add_set, &lft_set, &seq_set, NULL
};
static const struct kespctl_kwset *const id_sets[] = {
	&dir_set, &id_set, NULL
};
static const struct kespctl_kwset *const update_sets[] = {
	&dir_set, &id_set, &lft_set, &seq_set, &move_set, NULL
};
static const struct kespctl_kwset *const flush_sets[] = { &dir_set, NULL };
static const struct kespctl_kwset *const alloc_sets[] = { &alloc_set, NULL };

/* --- checks after parsing --- */

static int missing(const struct kespctl_kw *kw, char *err, size_t errlen)
{
	snprintf(err, errlen, "missing \"%s\" (expected %s)", kw->name,
		 kw->expect);
	return KESPCTL_USAGE;
}

static int missing_attr(const struct kespctl_kw *kw, size_t n, int attr,
			char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n && kw[i].arg != attr; i++)
		;
	return missing(&kw[i < n ? i : 0], err, errlen);
}

/* Every keyword of @kw whose attribute is in @attrs must have been given. */
static int require(const struct kesp_sa *sa, const struct kespctl_kw *kw,
		   size_t n, uint32_t attrs, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((attrs & KESP_BIT(kw[i].arg)) &&
		    !(sa->present & KESP_BIT(kw[i].arg)))
			return missing(&kw[i], err, errlen);
	return 0;
}

static int require_id(struct kesp_sa *sa, char *err, size_t errlen)
{
	if (require(sa, dir_kw, ARRAY_SIZE(dir_kw), SA_BIT(DIR), err, errlen) ||
	    require(sa, id_kw, ARRAY_SIZE(id_kw), SA_BIT(SPI) | SA_BIT(DST),
		    err, errlen))
		return KESPCTL_USAGE;
	sa->family = sa->dst.family;
	sa->present |= SA_BIT(FAMILY);
	return 0;
}

/* check_lifetime() walks the limits as (soft, hard) pairs. */
_Static_assert(KESP_LFT_A_HARD_BYTES == KESP_LFT_A_SOFT_BYTES + 1 &&
	       KESP_LFT_A_HARD_PACKETS == KESP_LFT_A_SOFT_PACKETS + 1 &&
	       KESP_LFT_A_HARD_ADD_SECS == KESP_LFT_A_SOFT_ADD_SECS + 1 &&
	       KESP_LFT_A_HARD_USE_SECS == KESP_LFT_A_SOFT_USE_SECS + 1 &&
	       KESP_LFT_A_SOFT_PACKETS == KESP_LFT_A_SOFT_BYTES + 2 &&
	       KESP_LFT_A_SOFT_ADD_SECS == KESP_LFT_A_SOFT_BYTES + 4 &&
	       KESP_LFT_A_SOFT_USE_SECS == KESP_LFT_A_SOFT_BYTES + 6,
	       "lifetime attributes are not in (soft, hard) pairs");

/* Soft limits warn before hard ones; the other way round is a typo. */
static int check_lifetime(const struct kesp_sa *sa, char *err, size_t errlen)
{
	int i;

	for (i = KESP_LFT_A_SOFT_BYTES; i < KESP_LFT_A_MAX; i += 2) {
		uint64_t soft = sa->lft[i], hard = sa->lft[i + 1];

		if (hard && soft > hard) {
			snprintf(err, errlen, "%s %llu is above %s %llu",
				 kesp_lft_name((unsigned int)i),
				 (unsigned long long)soft,
				 kesp_lft_name((unsigned int)i + 1),
				 (unsigned long long)hard);
			return KESPCTL_USAGE;
		}
	}
	return 0;
}

/* What the uapi allows per direction, said before the kernel refuses it. */
static int check_direction(const struct kesp_sa *sa, char *err, size_t errlen)
{
	if ((sa->present & SA_BIT(REPLAY_WINDOW)) && sa->dir != KESP_DIR_IN) {
		snprintf(err, errlen, "replay-window: only inbound SAs (dir in) have one");
		return KESPCTL_USAGE;
	}
	if ((sa->present & SA_BIT(SEQ)) && sa->dir != KESP_DIR_OUT) {
		snprintf(err, errlen, "seq: only outbound SAs (dir out) send sequence numbers");
		return KESPCTL_USAGE;
	}
	return 0;
}

static int check_integ(const struct kespctl_sa_args *a,
		       const struct kesp_alg *enc, char *err, size_t errlen)
{
	int has_integ = !!(a->sa.present & SA_BIT(INTEG));
	char names[256];

	if (enc->aead && (has_integ || a->integkeyfile)) {
		snprintf(err, errlen, "%s: %s has its own integrity check; leave out integ and integkeyfile",
			 has_integ ? "integ" : "integkeyfile", enc->name);
		return KESPCTL_USAGE;
	}
	if (!enc->aead && !has_integ) {
		snprintf(err, errlen, "missing \"integ\" (%s needs an integrity algorithm: %s)",
			 enc->name, kesp_alg_names(KESP_ALG_INTEG, names,
						   sizeof(names)));
		return KESPCTL_USAGE;
	}
	if (has_integ && !a->integkeyfile)
		return missing_attr(add_kw, ARRAY_SIZE(add_kw),
				    KESP_SA_A_INTEG_KEY, err, errlen);
	return 0;
}

static int check_keys(const struct kespctl_sa_args *a,
		      const struct kesp_alg *enc, char *err, size_t errlen)
{
	int keyless = enc->n_key_lens == 1 && enc->key_lens[0] == 0;

	if (keyless && a->keyfile) {
		snprintf(err, errlen, "keyfile: %s takes no key", enc->name);
		return KESPCTL_USAGE;
	}
	if (!keyless && !a->keyfile)
		return missing_attr(add_kw, ARRAY_SIZE(add_kw),
				    KESP_SA_A_ENC_KEY, err, errlen);
	if (a->keyfile && a->integkeyfile && !strcmp(a->keyfile, "-") &&
	    !strcmp(a->integkeyfile, "-")) {
		snprintf(err, errlen, "integkeyfile: standard input already holds the keyfile; put one key in a file");
		return KESPCTL_USAGE;
	}
	return 0;
}

static int finish_sel(struct kespctl_sa_args *a, char *err, size_t errlen)
{
	struct kesp_sa *sa = &a->sa;

	if (!a->has_sel)
		return 0;
	if (kespctl_sel_finish(&a->sel, sa->family, "sel ", &sa->sel, err,
			       errlen))
		return KESPCTL_USAGE;
	/* Transport mode protects the packet itself: one family throughout. */
	if (sa->mode == KESP_MODE_TRANSPORT && sa->sel.family != sa->family) {
		snprintf(err, errlen, "sel: a transport mode SA between %s addresses carries only %s traffic",
			 kesp_family_label(sa->family),
			 kesp_family_label(sa->family));
		return KESPCTL_USAGE;
	}
	sa->present |= SA_BIT(SEL);
	return 0;
}

static int finish_add(struct kespctl_sa_args *a, char *err, size_t errlen)
{
	struct kesp_sa *sa = &a->sa;
	const struct kesp_alg *enc;

	if (require_id(sa, err, errlen) ||
	    require(sa, add_kw, ARRAY_SIZE(add_kw),
		    SA_BIT(MODE) | SA_BIT(SRC) | SA_BIT(ENC), err, errlen))
		return KESPCTL_USAGE;
	if (sa->src.family != sa->dst.family) {
		snprintf(err, errlen, "src is %s but dst is %s",
			 kesp_family_label(sa->src.family),
			 kesp_family_label(sa->dst.family));
		return KESPCTL_USAGE;
	}
	enc = kesp_alg_by_id(KESP_ALG_ENC, sa->enc);
	if (!enc || check_integ(a, enc, err, errlen) ||
	    check_keys(a, enc, err, errlen) ||
	    check_direction(sa, err, errlen) ||
	    check_lifetime(sa, err, errlen) || finish_sel(a, err, errlen))
		return KESPCTL_USAGE;
	return 0;
}

/* --- parsers --- */

#define ENCAP_EXPECT "a UDP port, 1 to 65535"

/*
 * "encap SPORT DPORT" (as `ip xfrm state ... encap espinudp SPORT DPORT`
 * writes it) is the one keyword with two values: taken out of @argv
 * before the keyword parser sees the rest. Returns the words left.
 */
static int take_encap(int argc, char **argv, struct kespctl_sa_args *a,
		      char *err, size_t errlen)
{
	uint32_t port[2];
	char why[128];
	int i, k, n = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "encap")) {
			argv[n++] = argv[i];
			continue;
		}
		if (a->sa.present & SA_BIT(ENCAP_SPORT)) {
			snprintf(err, errlen, "encap: given twice");
			return -1;
		}
		for (k = 0; k < 2; k++) {
			if (i + 1 + k >= argc) {
				snprintf(err, errlen, "encap: missing %s port (expected encap SPORT DPORT)",
					 k ? "destination" : "source");
				return -1;
			}
			if (kespctl_parse_u32(argv[i + 1 + k], 1, 65535,
					      &port[k], why, sizeof(why))) {
				snprintf(err, errlen, "encap \"%s\": %s (expected %s)",
					 argv[i + 1 + k], why, ENCAP_EXPECT);
				return -1;
			}
		}
		a->sa.encap_sport = (uint16_t)port[0];
		a->sa.encap_dport = (uint16_t)port[1];
		a->sa.present |= SA_BIT(ENCAP_SPORT) | SA_BIT(ENCAP_DPORT);
		i += 2;
	}
	return n;
}

static int parse(int argc, char **argv, const struct kespctl_kwset *const *sets,
		 struct kespctl_sa_args *a, char *err, size_t errlen)
{
	char *words[argc + 1];
	int n = argc;

	memset(a, 0, sizeof(*a));
	memcpy(words, argv, sizeof(*words) * (size_t)argc);
	words[argc] = NULL;
	if (sets == add_sets || sets == update_sets) {
		n = take_encap(argc, words, a, err, errlen);
		if (n < 0)
			return KESPCTL_USAGE;
	}
	if (kespctl_parse_kw(n, words, sets, a, err, errlen))
		return KESPCTL_USAGE;
	return 0;
}

int kespctl_sa_parse_add(int argc, char **argv, struct kespctl_sa_args *a,
			 char *err, size_t errlen)
{
	if (parse(argc, argv, add_sets, a, err, errlen))
		return KESPCTL_USAGE;
	return finish_add(a, err, errlen);
}

int kespctl_sa_parse_id(int argc, char **argv, struct kespctl_sa_args *a,
			char *err, size_t errlen)
{
	if (parse(argc, argv, id_sets, a, err, errlen))
		return KESPCTL_USAGE;
	return require_id(&a->sa, err, errlen);
}

int kespctl_sa_parse_update(int argc, char **argv, struct kespctl_sa_args *a,
			    char *err, size_t errlen)
{
	if (parse(argc, argv, update_sets, a, err, errlen) ||
	    require_id(&a->sa, err, errlen))
		return KESPCTL_USAGE;
	if (!(a->sa.present & (SA_BIT(LIFETIME) | SA_BIT(SEQ) |
			       SA_BIT(NEW_SRC) | SA_BIT(NEW_DST) |
			       SA_BIT(ENCAP_SPORT)))) {
		snprintf(err, errlen, "nothing to change: give lifetime limits (soft-bytes ... hard-use-secs), seq, new-src, new-dst or encap");
		return KESPCTL_USAGE;
	}
	if (((a->sa.present & SA_BIT(NEW_SRC)) &&
	     a->sa.new_src.family != a->sa.family) ||
	    ((a->sa.present & SA_BIT(NEW_DST)) &&
	     a->sa.new_dst.family != a->sa.family)) {
		snprintf(err, errlen, "new-src and new-dst must be %s addresses, as dst is",
			 kesp_family_label(a->sa.family));
		return KESPCTL_USAGE;
	}
	if (check_direction(&a->sa, err, errlen) ||
	    check_lifetime(&a->sa, err, errlen))
		return KESPCTL_USAGE;
	return 0;
}

int kespctl_sa_parse_flush(int argc, char **argv, struct kespctl_sa_args *a,
			   char *err, size_t errlen)
{
	return parse(argc, argv, flush_sets, a, err, errlen);
}

int kespctl_spi_parse_alloc(int argc, char **argv, struct kespctl_sa_args *a,
			    char *err, size_t errlen)
{
	struct kesp_sa *sa = &a->sa;
	uint32_t min, max;

	if (parse(argc, argv, alloc_sets, a, err, errlen) ||
	    require(sa, alloc_kw, 1, SA_BIT(DST), err, errlen))
		return KESPCTL_USAGE;
	sa->family = sa->dst.family;
	sa->present |= SA_BIT(FAMILY);
	/* The uapi's defaults, to check the range the user half gave. */
	min = sa->present & SA_BIT(SPI_MIN) ? sa->spi_min : 256;
	max = sa->present & SA_BIT(SPI_MAX) ? sa->spi_max : UINT32_MAX;
	if (min > max) {
		snprintf(err, errlen, "min 0x%x is above max 0x%x", min, max);
		return KESPCTL_USAGE;
	}
	return 0;
}

static int read_key(const char *word, const char *path,
		    const struct kesp_alg *alg, unsigned int key_len,
		    uint8_t *key, uint16_t *len, char *err, size_t errlen)
{
	char why[256];

	if (kespctl_key_read(path, key, KESP_KEY_MAX, len, why, sizeof(why)) ||
	    kesp_alg_check_key(alg, *len, key_len, why, sizeof(why))) {
		explicit_bzero(key, KESP_KEY_MAX);
		*len = 0;
		snprintf(err, errlen, "%s \"%s\": %s", word, path, why);
		return KESPCTL_USAGE;
	}
	return 0;
}

int kespctl_sa_read_keys(struct kespctl_sa_args *a, char *err, size_t errlen)
{
	struct kesp_sa *sa = &a->sa;
	const struct kesp_alg *alg;

	if (a->keyfile) {
		alg = kesp_alg_by_id(KESP_ALG_ENC, sa->enc);
		if (!alg || read_key("keyfile", a->keyfile, alg, a->enc_key_len,
				     sa->enc_key, &sa->enc_key_len, err,
				     errlen))
			return KESPCTL_USAGE;
		sa->present |= SA_BIT(ENC_KEY);
	}
	if (a->integkeyfile) {
		alg = kesp_alg_by_id(KESP_ALG_INTEG, sa->integ);
		if (!alg || read_key("integkeyfile", a->integkeyfile, alg, 0,
				     sa->integ_key, &sa->integ_key_len, err,
				     errlen))
			return KESPCTL_USAGE;
		sa->present |= SA_BIT(INTEG_KEY);
	}
	return 0;
}
