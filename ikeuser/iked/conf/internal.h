/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of conf/ share and nothing outside conf/ may use. */

#ifndef KESP_IKED_CONF_INTERNAL_H
#define KESP_IKED_CONF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define CONF_NO_RAWKEYS \
	"raw public keys are not supported: give a certificate with leftcert="

enum kw_id {
	KW_NONE,
	KW_ALSO,
	KW_LEFT, KW_RIGHT,
	KW_LEFTID, KW_RIGHTID,
	KW_LEFTSUBNET, KW_RIGHTSUBNET,
	KW_LEFTPROTOPORT, KW_RIGHTPROTOPORT,
	KW_LEFTAUTH, KW_RIGHTAUTH,
	KW_AUTHBY,
	KW_KEYEXCHANGE,
	KW_IKE, KW_ESP,
	KW_IKELIFETIME, KW_LIFETIME, KW_REKEYMARGIN, KW_REKEYFUZZ,
	KW_KEYINGTRIES, KW_REKEY, KW_REAUTH,
	KW_AUTO, KW_TYPE,
	KW_DPDDELAY, KW_DPDTIMEOUT, KW_DPDACTION,
	KW_ENCAPS,
	KW_MOBIKE, KW_COMPRESS, KW_FRAGMENTATION, KW_INSTALLPOLICY,
	KW_AGGRESSIVE, KW_LEFTFIREWALL, KW_RIGHTFIREWALL, KW_CLOSEACTION,
	KW_LEFTSENDCERT, KW_RIGHTSENDCERT,
	KW_LEFTCERT, KW_RIGHTCERT, KW_LEFTCA, KW_RIGHTCA,
	KW_LEFTNEXTHOP, KW_RIGHTNEXTHOP,
	KW_PFS,
	KW_LEFTUPDOWN, KW_RIGHTUPDOWN,
	KW_UNSUPPORTED,		/* refused whatever the value */
	KW_SETUP,		/* config setup: accepted and ignored */
	KW_COUNT
};

/* Settings that only exist while a conn is put together. */
struct build {
	struct iked_conf_conn c;
	/* authby=, and leftauth=/rightauth= over it for their end. */
	enum iked_conf_auth authby;
	uint8_t authby_set;
	enum iked_conf_auth c_auth[2];
	uint8_t auth_set[2];
	uint8_t ca_same[2];		/* leftca=%same: the other end's */
	struct {
		uint8_t set, proto;
		struct kesp_port_range ports;
	} pp[2];
	/* Per selector: 1 if it was written with its own [proto/port]. */
	uint8_t *own_pp[2];
	/* left=NAME, right=NAME: resolved when the conn is finished. */
	char *host_name[2];
	uint8_t no_pfs;			/* Libreswan's pfs=no */
};

struct kw;
typedef int (*set_fn)(struct build *b, const struct kw *kw, const char *v,
		      char *err, size_t errlen);

struct kw {
	const char *name;
	enum kw_id id;		/* synonyms share it */
	uint8_t setup;		/* 1: a config setup keyword */
	uint8_t side;		/* 0 left, 1 right, for left and right pairs */
	/* Text parsed when the keyword is not given (or given empty). */
	const char *dflt;
	set_fn set;
	/* The one value accepted (set_only), or NULL. */
	const char *only;
	/* Why something is refused or ignored. */
	const char *note;
};

enum sect_type {
	SECT_SETUP,
	SECT_CONN,
	SECT_DEFAULT,
};

struct entry {
	const struct kw *kw;
	char *value;			/* "" means the default */
	const char *file;
	unsigned int line;
};

struct sect {
	enum sect_type type;
	char *name;
	const char *file;
	unsigned int line;
	struct entry *e;
	size_t n;
};

struct reader {
	struct iked_conf *conf;
	struct sect *s;
	size_t n_s;
	long cur;			/* the open section, -1 for none */
	long dflt;			/* the merged conn %default, or -1 */
	long setup;			/* the merged config setup, or -1 */
	long first_conn;		/* to refuse a %default after it */
	unsigned int depth;		/* of include */
	char *err;
	size_t errlen;
};

static inline int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* keywords.c: the keyword table */

const struct kw *conf_kw_find(const char *name, int setup);
/* The row whose default counts for @id. */
const struct kw *conf_kw_default_row(enum kw_id id);
/* After "unknown keyword KEY": the keyword meant, or the list of them. */
void conf_kw_suggest(char *msg, size_t len, size_t *used, const char *key,
		     int setup);
void conf_build_free(struct build *b);

/* values.c: the syntaxes the keywords share */

/* One of @n words, or a message listing them. */
int conf_pick(const char *v, const char *const *words, size_t n, int *idx,
	      char *err, size_t errlen);
int conf_parse_uint(const char *s, uint32_t *v);
/* "tcp/80", "udp/%any", "17/500", "tcp", "%any/53" is refused. */
int conf_parse_protoport(const char *v, size_t n, uint8_t *proto,
			 struct kesp_port_range *ports, char *err,
			 size_t errlen);
/*
 * A subnet list: PREFIX or %dynamic, each maybe with [PROTO/PORT], between
 * commas. *@tsp and *@ownp (1 where an entry has its own [PROTO/PORT]) are
 * malloc'd with *@np entries.
 */
int conf_parse_subnets(const char *v, struct iked_conf_ts **tsp,
		       uint8_t **ownp, size_t *np, char *err, size_t errlen);

/* libreswan.c: Libreswan's proposal syntax */

/*
 * @v as strongSwan writes it, when it is in Libreswan's syntax: *@out is
 * then a malloc'd strongSwan string ("!"-terminated: Libreswan proposes
 * and accepts exactly what it lists), else NULL. Returns 0, -EINVAL with
 * a message naming the Libreswan word, or -ENOMEM.
 */
int conf_lsw_proposals(enum iked_prop_proto proto, const char *v, char **out,
		       char *err, size_t errlen);

/*
 * ikev1.c: an IKEv1 conn's algorithms fit IKEv1, aggressive=yes only in
 * one (warned about). 0, or -EINVAL / -ENOMEM with r->err set.
 */
int conf_check_ikev1(struct reader *r, const struct iked_conf_conn *c,
		     const struct entry *const *win);

/* reader.c: sections and lines, with the file and line of each */

/* "FILE:LINE: " and the message into r->err; returns -EINVAL. */
int conf_fail(struct reader *r, const char *file, unsigned int line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A warning for conf->warnings; 0, or -ENOMEM with r->err set. */
int conf_warn(struct reader *r, const char *file, unsigned int line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Keep @name in conf->files; NULL when out of memory. */
const char *conf_add_file(struct reader *r, const char *name);
int conf_read_file(struct reader *r, const char *path, const char *from,
		   unsigned int from_line);
int conf_read_text(struct reader *r, const char *file, const char *text,
		   size_t len);
void conf_reader_free(struct reader *r);

/* resolve.c: %default, also= and defaults into a loaded conn */

/* Add section @si, a conn, to r->conf unless it is auto=ignore. */
int conf_resolve(struct reader *r, size_t si);
/* The one notice naming the config setup keywords read and ignored. */
int conf_setup_notice(struct reader *r);

#endif /* KESP_IKED_CONF_INTERNAL_H */
