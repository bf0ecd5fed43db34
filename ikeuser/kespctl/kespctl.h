/* SPDX-License-Identifier: GPL-2.0 */
/* What every kespctl subcommand gets: options, output and the kernel link. */

#ifndef KESPCTL_H
#define KESPCTL_H

#include <stddef.h>
#include <stdint.h>
#include "../common/json.h"
#include "../common/kesp_msg.h"
#include "../common/nl.h"
#include "sel.h"

struct kespctl {
	int json;		/* -j: print JSON instead of the human form */
	/* -S: kesp-iked's control socket; KESP_IKED_SOCKET, else the default. */
	const char *ike_socket;
	/*
	 * -t: seconds to wait for kesp-iked's answer (0: for ever); unset,
	 * KESPCTL_IKED_TIMEOUT_S.
	 */
	int ike_timeout_s;
	struct kesp_nl nl;
	int nl_open;
};

typedef int (*kespctl_run_fn)(struct kespctl *c, int argc, char **argv);

struct kespctl_verb {
	const char *name;
	kespctl_run_fn run;
	const char *usage;	/* arguments after the verb, "" if none */
};

struct kespctl_object {
	const char *name;
	const struct kespctl_verb *verbs;	/* the first is the default */
	size_t n_verbs;
	const char *help;
};

/*
 * How long kespctl waits for kesp-iked by default. `ike up` is answered
 * when the tunnel is up or has failed: with the daemon's default
 * retransmissions (0.5 s doubling, 6 resends: 63.5 s per exchange) an
 * IKE_SA_INIT and an IKE_AUTH that go unanswered take about two minutes,
 * so five minutes means the daemon itself is stuck.
 */
#define KESPCTL_IKED_TIMEOUT_S	300

/* Exit codes: 0 ok, 1 the operation failed, 2 bad usage. */
enum { KESPCTL_OK = 0, KESPCTL_FAIL = 1, KESPCTL_USAGE = 2 };

/*
 * Index of the unique entry of @names that @word is a prefix of, an exact
 * match winning over longer names; -1 if none, -2 if ambiguous.
 */
int kespctl_match(const char *word, const char *const *names, size_t n);

/*
 * Find the object and verb that argv names. On success returns 0 and sets
 * *argi to the first argument after them; otherwise returns KESPCTL_USAGE
 * with a message in @err.
 */
int kespctl_resolve(int argc, char **argv, const struct kespctl_object **obj,
		    const struct kespctl_verb **verb, int *argi, char *err,
		    size_t errlen);

void kespctl_usage(FILE *f);

/* -b FILE: run each line of FILE ("-": stdin) as a command; stops at the
 * first failure. */
int kespctl_batch(struct kespctl *c, const char *path);

/* Open the netlink link on first use; prints the error and returns -errno. */
int kespctl_kernel(struct kespctl *c);
/* Print "kespctl: WHAT: <errno text> (kernel: <extack>)" for the last request. */
int kespctl_kernel_error(struct kespctl *c, const char *what);

/* For verbs that take no arguments: prints the error and returns USAGE. */
int kespctl_no_args(int argc, char **argv, const char *what);
/* -t SECS: 0 to 86400; prints why and returns -1 otherwise. */
int kespctl_parse_timeout(const char *s, int *secs);

/*
 * A dump collected into an array of @size-byte elements, each filled by
 * @parse (0 or a negative errno). kespctl_dump() returns 0 or a negative
 * errno (the kernel's error is in c->nl.last); the caller frees v.
 */
struct kespctl_dump {
	int (*parse)(struct nlmsghdr *nlh, void *elem);
	size_t size;
	void *v;
	size_t n;
};

int kespctl_dump(struct kespctl *c, int cmd, struct kespctl_dump *d);

extern const struct kespctl_object kespctl_objects[];
extern const size_t kespctl_n_objects;

/* One run function per subcommand, each in the file named for its object. */
int kespctl_version_show(struct kespctl *c, int argc, char **argv);
int kespctl_stats_show(struct kespctl *c, int argc, char **argv);
int kespctl_stats_reset(struct kespctl *c, int argc, char **argv);
int kespctl_sa_list(struct kespctl *c, int argc, char **argv);
int kespctl_ike_list(struct kespctl *c, int argc, char **argv);
/* kesp-iked's loaded certificates (no key material). */
int kespctl_cert_list(struct kespctl *c, int argc, char **argv);
int kespctl_ike_up(struct kespctl *c, int argc, char **argv);
int kespctl_ike_down(struct kespctl *c, int argc, char **argv);
int kespctl_ike_rekey(struct kespctl *c, int argc, char **argv);
int kespctl_ike_diagnose(struct kespctl *c, int argc, char **argv);
int kespctl_reload(struct kespctl *c, int argc, char **argv);
int kespctl_status_show(struct kespctl *c, int argc, char **argv);
int kespctl_sa_get(struct kespctl *c, int argc, char **argv);
int kespctl_sa_add(struct kespctl *c, int argc, char **argv);
int kespctl_sa_del(struct kespctl *c, int argc, char **argv);
int kespctl_sa_update(struct kespctl *c, int argc, char **argv);
int kespctl_sa_flush(struct kespctl *c, int argc, char **argv);
int kespctl_spi_alloc(struct kespctl *c, int argc, char **argv);
int kespctl_policy_list(struct kespctl *c, int argc, char **argv);
int kespctl_policy_get(struct kespctl *c, int argc, char **argv);
int kespctl_policy_add(struct kespctl *c, int argc, char **argv);
int kespctl_policy_del(struct kespctl *c, int argc, char **argv);
int kespctl_policy_flush(struct kespctl *c, int argc, char **argv);
int kespctl_monitor_all(struct kespctl *c, int argc, char **argv);
int kespctl_monitor_acquire(struct kespctl *c, int argc, char **argv);
int kespctl_monitor_expire(struct kespctl *c, int argc, char **argv);
int kespctl_monitor_mapping(struct kespctl *c, int argc, char **argv);
int kespctl_encap_listen(struct kespctl *c, int argc, char **argv);

/*
 * The arguments of an sa (or spi) verb, parsed but not yet acted on: the
 * keys are read from the files named only after the words all check out,
 * and are wiped with kesp_sa_wipe(&args.sa) after the request.
 */
struct kespctl_sa_args {
	struct kesp_sa sa;		/* ->present: what the words set */
	struct kespctl_sel_args sel;	/* the words after "sel" */
	int has_sel;
	const char *keyfile;		/* "-": standard input */
	const char *integkeyfile;
	unsigned int enc_key_len;	/* key size the enc name fixes, or 0 */
};

/*
 * Parsers of the verbs' words, separate from the run functions so they can
 * be tested without a kernel. Each fills @a and returns 0, or returns
 * KESPCTL_USAGE with a message in @err naming the word and what was
 * expected.
 */
int kespctl_sa_parse_add(int argc, char **argv, struct kespctl_sa_args *a,
			 char *err, size_t errlen);
/* get and del: spi, dir, dst. */
int kespctl_sa_parse_id(int argc, char **argv, struct kespctl_sa_args *a,
			char *err, size_t errlen);
int kespctl_sa_parse_update(int argc, char **argv, struct kespctl_sa_args *a,
			    char *err, size_t errlen);
int kespctl_sa_parse_flush(int argc, char **argv, struct kespctl_sa_args *a,
			   char *err, size_t errlen);
int kespctl_spi_parse_alloc(int argc, char **argv, struct kespctl_sa_args *a,
			    char *err, size_t errlen);
/* Read the keys that @a names into a->sa and check their lengths. */
int kespctl_sa_read_keys(struct kespctl_sa_args *a, char *err, size_t errlen);

struct kespctl_policy_args {
	struct kesp_policy pol;		/* ->present: what the words set */
	struct kespctl_sel_args sel;
	int has_tmpl;
};

int kespctl_policy_parse_add(int argc, char **argv,
			     struct kespctl_policy_args *a, char *err,
			     size_t errlen);
/* get and del: id. */
int kespctl_policy_parse_id(int argc, char **argv,
			    struct kespctl_policy_args *a, char *err,
			    size_t errlen);
int kespctl_policy_parse_flush(int argc, char **argv,
			       struct kespctl_policy_args *a, char *err,
			       size_t errlen);

/* Printers shared with monitor; JSON keys as README.md lists them. */
void kespctl_sa_json(struct json *j, const char *key,
		     const struct kesp_sa *sa);
/* "spi 0x00001000 dir out mode tunnel src A dst B reqid 5" */
const char *kespctl_sa_text(const struct kesp_sa *sa, char *buf, size_t len);
void kespctl_policy_json(struct json *j, const char *key,
			 const struct kesp_policy *pol);
/* "id 7 dir out src ... action protect priority N tmpl ..." */
const char *kespctl_policy_text(const struct kesp_policy *pol, char *buf,
				size_t len);

#endif /* KESPCTL_H */
