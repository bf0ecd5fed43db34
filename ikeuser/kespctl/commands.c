// SPDX-License-Identifier: GPL-2.0
/* The kespctl command table and the prefix matching of objects and verbs. */

#include <stdio.h>
#include <string.h>
#include "kespctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct kespctl_verb version_verbs[] = {
	{ "show", kespctl_version_show, "" },
};

static const struct kespctl_verb stats_verbs[] = {
	{ "show", kespctl_stats_show, "" },
	{ "reset", kespctl_stats_reset, "" },
};

#define SA_ID "spi SPI dir in|out dst ADDR"
#define LIFETIME "[soft-bytes N] [hard-bytes N] [soft-packets N] " \
	"[hard-packets N] [soft-add-secs N] [hard-add-secs N] " \
	"[soft-use-secs N] [hard-use-secs N]"
#define SEL "src PREFIX dst PREFIX [proto PROTO] [sport PORTS] [dport PORTS]"

static const struct kespctl_verb sa_verbs[] = {
	{ "list", kespctl_sa_list, "" },
	{ "get", kespctl_sa_get, SA_ID },
	{ "add", kespctl_sa_add, SA_ID " mode tunnel|transport src ADDR "
	  "enc ALG [keyfile FILE|-] [integ ALG integkeyfile FILE|-] "
	  "[sel " SEL "] [replay-window N] [esn] [reqid N] " LIFETIME
	  " [seq N] [encap SPORT DPORT]" },
	{ "del", kespctl_sa_del, SA_ID },
	{ "update", kespctl_sa_update, SA_ID " " LIFETIME " [seq N] "
	  "[new-src ADDR] [new-dst ADDR] [encap SPORT DPORT]" },
	{ "flush", kespctl_sa_flush, "[dir in|out]" },
};

static const struct kespctl_verb spi_verbs[] = {
	{ "alloc", kespctl_spi_alloc, "dst ADDR [min SPI] [max SPI]" },
};

static const struct kespctl_verb policy_verbs[] = {
	{ "list", kespctl_policy_list, "" },
	{ "get", kespctl_policy_get, "id N" },
	{ "add", kespctl_policy_add, "dir in|out|fwd " SEL
	  " action protect|bypass|discard [priority N] "
	  "[tmpl mode tunnel|transport [src ADDR dst ADDR] [reqid N]]" },
	{ "del", kespctl_policy_del, "id N" },
	{ "flush", kespctl_policy_flush, "[dir in|out|fwd]" },
};

static const struct kespctl_verb monitor_verbs[] = {
	{ "all", kespctl_monitor_all, "" },
	{ "acquire", kespctl_monitor_acquire, "" },
	{ "expire", kespctl_monitor_expire, "" },
	{ "mapping", kespctl_monitor_mapping, "" },
};

static const struct kespctl_verb encap_verbs[] = {
	{ "listen", kespctl_encap_listen, "[-6] [addr ADDR] PORT" },
};

static const struct kespctl_verb ike_verbs[] = {
	{ "list", kespctl_ike_list, "" },
	{ "up", kespctl_ike_up, "NAME" },
	{ "down", kespctl_ike_down, "NAME" },
	{ "rekey", kespctl_ike_rekey, "NAME [ike|child]" },
	{ "diagnose", kespctl_ike_diagnose, "NAME" },
};

static const struct kespctl_verb reload_verbs[] = {
	{ "conf", kespctl_reload, "" },
};

static const struct kespctl_verb cert_verbs[] = {
	{ "list", kespctl_cert_list, "" },
};

static const struct kespctl_verb status_verbs[] = {
	{ "show", kespctl_status_show, "" },
};

const struct kespctl_object kespctl_objects[] = {
	{ "version", version_verbs, ARRAY_SIZE(version_verbs),
	  "versions of kespctl and of the loaded kesp.ko, and its capabilities" },
	{ "stats", stats_verbs, ARRAY_SIZE(stats_verbs),
	  "the namespace's drop counters by cause" },
	{ "sa", sa_verbs, ARRAY_SIZE(sa_verbs),
	  "security associations: keys, algorithms, limits, counters" },
	{ "spi", spi_verbs, ARRAY_SIZE(spi_verbs),
	  "reserve an inbound SPI before its SA exists" },
	{ "policy", policy_verbs, ARRAY_SIZE(policy_verbs),
	  "security policies: which traffic is protected, bypassed or dropped" },
	{ "monitor", monitor_verbs, ARRAY_SIZE(monitor_verbs),
	  "print ACQUIRE, EXPIRE and MAPPING events until interrupted" },
	{ "encap", encap_verbs, ARRAY_SIZE(encap_verbs),
	  "a UDP socket for ESP in UDP (NAT traversal); prints the IKE it gets" },
	{ "ike", ike_verbs, ARRAY_SIZE(ike_verbs),
	  "kesp-iked's IKE SAs: list them, bring a conn up or down" },
	{ "cert", cert_verbs, ARRAY_SIZE(cert_verbs),
	  "kesp-iked's loaded CA and end-entity certificates" },
	{ "status", status_verbs, ARRAY_SIZE(status_verbs),
	  "IKE SAs with their CHILD SAs, the kernel's SAs and drop counters" },
	{ "reload", reload_verbs, ARRAY_SIZE(reload_verbs),
	  "kesp-iked reads ipsec.conf, ipsec.secrets and ipsec.d again (as on\n"
	  "           SIGHUP): a file with a mistake is refused whole (FILE:LINE\n"
	  "           said); unchanged conns keep their tunnels, removed ones are\n"
	  "           deleted, changed ones replaced, new ones added; new\n"
	  "           certificates and keys serve the authentications after it" },
};

const size_t kespctl_n_objects = ARRAY_SIZE(kespctl_objects);

int kespctl_match(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word), i;
	int found = -1;

	if (!len)
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcmp(word, names[i]))
			return (int)i;
		if (!strncmp(word, names[i], len))
			found = found == -1 ? (int)i : -2;
	}
	return found;
}

static int match_object(const char *word)
{
	const char *names[ARRAY_SIZE(kespctl_objects)];
	size_t i;

	for (i = 0; i < kespctl_n_objects; i++)
		names[i] = kespctl_objects[i].name;
	return kespctl_match(word, names, kespctl_n_objects);
}

static int match_verb(const struct kespctl_object *o, const char *word)
{
	const char *names[8];
	size_t i, n = o->n_verbs < 8 ? o->n_verbs : 8;

	for (i = 0; i < n; i++)
		names[i] = o->verbs[i].name;
	return kespctl_match(word, names, n);
}

int kespctl_resolve(int argc, char **argv, const struct kespctl_object **obj,
		    const struct kespctl_verb **verb, int *argi, char *err,
		    size_t errlen)
{
	int o, v;

	if (argc < 1) {
		snprintf(err, errlen, "missing OBJECT");
		return KESPCTL_USAGE;
	}
	o = match_object(argv[0]);
	if (o < 0) {
		snprintf(err, errlen, "%s object \"%s\"",
			 o == -2 ? "ambiguous" : "unknown", argv[0]);
		return KESPCTL_USAGE;
	}
	*obj = &kespctl_objects[o];
	if (argc < 2 || argv[1][0] == '-') {
		*verb = &(*obj)->verbs[0];
		*argi = 1;
		return 0;
	}
	v = match_verb(*obj, argv[1]);
	if (v < 0) {
		snprintf(err, errlen, "%s verb \"%s\" for \"%s\"",
			 v == -2 ? "ambiguous" : "unknown", argv[1],
			 (*obj)->name);
		return KESPCTL_USAGE;
	}
	*verb = &(*obj)->verbs[v];
	*argi = 2;
	return 0;
}

int kespctl_no_args(int argc, char **argv, const char *what)
{
	if (argc == 0)
		return 0;
	fprintf(stderr, "kespctl: %s takes no arguments, got \"%s\"\n", what,
		argv[0]);
	return KESPCTL_USAGE;
}

void kespctl_usage(FILE *f)
{
	size_t i, k;

	fputs("usage: kespctl [-j] [-S SOCKET] [-t SECS] OBJECT [VERB] [ARGS]\n"
	      "       kespctl [-j] -b FILE   (one command per line, - for stdin)\n"
	      "  -j, --json   print JSON instead of the human form\n"
	      "  -b, --batch  run the commands of FILE over one socket\n"
	      "  -S, --socket kesp-iked's control socket (default\n"
	      "               $KESP_IKED_SOCKET, else /run/kesp/iked.sock)\n"
	      "  -t, --timeout seconds to wait for kesp-iked's answer\n"
	      "               (default 300; 0 waits for ever)\n"
	      "Objects and verbs may be abbreviated to a unique prefix; the\n"
	      "first verb listed is the default.\n\n", f);
	for (i = 0; i < kespctl_n_objects; i++) {
		const struct kespctl_object *o = &kespctl_objects[i];

		fprintf(f, "  %-8s %s\n", o->name, o->help);
		for (k = 0; k < o->n_verbs; k++)
			fprintf(f, "      kespctl %s %s %s\n", o->name,
				o->verbs[k].name, o->verbs[k].usage);
	}
}
