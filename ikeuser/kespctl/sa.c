// SPDX-License-Identifier: GPL-2.0
/* kespctl sa and spi: install, show, change and remove SAs by hand. */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "../common/alg.h"
#include "table.h"
#include "kespctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SA_BIT(attr) KESP_BIT(KESP_SA_A_##attr)

/* --- output --- */

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

static const char *alg_text(const struct kesp_sa *sa, char *buf, size_t len)
{
	char e[32], i[32];

	kesp_alg_name(KESP_ALG_ENC, sa->enc, e, sizeof(e));
	if (sa->integ)
		snprintf(buf, len, "%s/%s", e,
			 kesp_alg_name(KESP_ALG_INTEG, sa->integ, i, sizeof(i)));
	else
		snprintf(buf, len, "%s", e);
	return buf;
}

/* The hard limits, which end the SA: "8h00m00s, 4.0G, 1000000 pkts". */
static const char *lifetime_text(const struct kesp_sa *sa, char *buf,
				 size_t len)
{
	char t[24] = "", b[24] = "", p[32] = "";

	if (sa->lft[KESP_LFT_A_HARD_ADD_SECS])
		kespctl_duration(sa->lft[KESP_LFT_A_HARD_ADD_SECS], t, sizeof(t));
	if (sa->lft[KESP_LFT_A_HARD_BYTES])
		kespctl_bytes(sa->lft[KESP_LFT_A_HARD_BYTES], b, sizeof(b));
	if (sa->lft[KESP_LFT_A_HARD_PACKETS])
		snprintf(p, sizeof(p), "%llu pkts",
			 (unsigned long long)sa->lft[KESP_LFT_A_HARD_PACKETS]);
	snprintf(buf, len, "%s%s%s%s%s", t, t[0] && b[0] ? ", " : "", b,
		 (t[0] || b[0]) && p[0] ? ", " : "", p);
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static void table_row(struct kespctl_table *t, const struct kesp_sa *sa)
{
	char buf[KESP_ADDR_STRLEN], alg[64], lft[64], el[24] = "-";
	long r = kespctl_table_add(t);

	if (sa->present & SA_BIT(ADD_TIME))
		kespctl_duration(sa->add_time, el, sizeof(el));
	kespctl_table_set(t, r, 0, "%s", kesp_addr_format(&sa->dst, buf,
							   sizeof(buf)));
	kespctl_table_set(t, r, 1, "%s", or_q(kesp_dir_name(sa->dir)));
	kespctl_table_set(t, r, 2, "0x%08x", sa->spi);
	if (sa->present & SA_BIT(ENCAP_DPORT))
		kespctl_table_set(t, r, 3, "ESP/UDP %u>%u", sa->encap_sport,
				  sa->encap_dport);
	else
		kespctl_table_set(t, r, 3, "ESP");
	kespctl_table_set(t, r, 4, "%s", alg_text(sa, alg, sizeof(alg)));
	kespctl_table_set(t, r, 5, "%s", el);
	kespctl_table_set(t, r, 6, "%s", lifetime_text(sa, lft, sizeof(lft)));
	kespctl_table_set(t, r, 7, "%llu", (unsigned long long)sa->cnt.bytes);
	kespctl_table_set(t, r, 8, "%llu",
			  (unsigned long long)kesp_counters_errors(&sa->cnt));
}

static void print_table(const struct kesp_sa *v, size_t n)
{
	static const char *const head[] = {
		"Destination", "Dir", "SPI", "Proto", "Algorithm", "Elapsed",
		"Lifetime", "Bytes", "Errored packets",
	};
	struct kespctl_table t;
	size_t i;

	kespctl_table_init(&t, head, ARRAY_SIZE(head));
	for (i = 0; i < n; i++)
		table_row(&t, &v[i]);
	kespctl_table_print(&t, stdout);
	kespctl_table_free(&t);
}

static void lifetime_json(struct json *j, const struct kesp_sa *sa)
{
	unsigned int i;

	json_obj_begin(j, "lifetime");
	for (i = KESP_LFT_A_PAD + 1; i <= KESP_LFT_A_MAX; i++)
		json_u64(j, kesp_lft_name(i), sa->lft[i]);
	json_obj_end(j);
}

static void counters_json(struct json *j, const struct kesp_counters *cnt)
{
	unsigned int i;

	json_u64(j, "packets", cnt->packets);
	json_u64(j, "bytes", cnt->bytes);
	json_u64(j, "errored-packets", kesp_counters_errors(cnt));
	json_obj_begin(j, "errors");
	for (i = 0; i < __KESP_STAT_MAX; i++)
		if (cnt->errors_present & KESP_BIT(i))
			json_u64(j, kesp_stat_name(i), cnt->errors[i]);
	json_obj_end(j);
}

void kespctl_sa_json(struct json *j, const char *key,
		     const struct kesp_sa *sa)
{
	char buf[KESP_ADDR_STRLEN];

	json_obj_begin(j, key);
	json_u64(j, "spi", sa->spi);
	json_str(j, "dir", or_q(kesp_dir_name(sa->dir)));
	json_str(j, "mode", or_q(kesp_mode_name(sa->mode)));
	json_str(j, "family", kespctl_family_text(sa->family));
	json_str(j, "src", kesp_addr_format(&sa->src, buf, sizeof(buf)));
	json_str(j, "dst", kesp_addr_format(&sa->dst, buf, sizeof(buf)));
	json_str(j, "proto", "esp");
	if (sa->present & SA_BIT(ENCAP_DPORT)) {
		json_obj_begin(j, "encap");
		json_u64(j, "sport", sa->encap_sport);
		json_u64(j, "dport", sa->encap_dport);
		json_obj_end(j);
	}
	json_str(j, "enc", kesp_alg_name(KESP_ALG_ENC, sa->enc, buf,
					 sizeof(buf)));
	json_u64(j, "enc-id", sa->enc);
	json_str(j, "integ", kesp_alg_name(KESP_ALG_INTEG, sa->integ, buf,
					   sizeof(buf)));
	json_u64(j, "integ-id", sa->integ);
	kespctl_sel_json(j, "sel", &sa->sel);
	json_u64(j, "replay-window", sa->replay_window);
	json_bool(j, "esn", !!(sa->flags & KESP_SA_F_ESN));
	json_u64(j, "flags", sa->flags);
	json_u64(j, "reqid", sa->reqid);
	lifetime_json(j, sa);
	json_u64(j, "seq", sa->seq);
	json_u64(j, "add-time", sa->add_time);
	if (sa->present & SA_BIT(USE_TIME))
		json_u64(j, "use-time", sa->use_time);
	counters_json(j, &sa->cnt);
	json_obj_end(j);
}

const char *kespctl_sa_text(const struct kesp_sa *sa, char *buf, size_t len)
{
	char s[KESP_ADDR_STRLEN], d[KESP_ADDR_STRLEN];

	int n;

	n = snprintf(buf, len, "spi 0x%08x dir %s mode %s src %s dst %s reqid %u",
		     sa->spi, or_q(kesp_dir_name(sa->dir)),
		     or_q(kesp_mode_name(sa->mode)),
		     kesp_addr_format(&sa->src, s, sizeof(s)),
		     kesp_addr_format(&sa->dst, d, sizeof(d)), sa->reqid);
	if ((sa->present & SA_BIT(ENCAP_DPORT)) && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " encap %u %u",
			 sa->encap_sport, sa->encap_dport);
	return buf;
}

static void print_lifetime_line(const struct kesp_sa *sa)
{
	unsigned int i;
	int any = 0;

	printf("\tlifetime");
	for (i = KESP_LFT_A_PAD + 1; i <= KESP_LFT_A_MAX; i++) {
		if (!sa->lft[i])
			continue;
		printf(" %s %llu", kesp_lft_name(i),
		       (unsigned long long)sa->lft[i]);
		any = 1;
	}
	printf("%s\n", any ? "" : " none");
}

static void print_counters_line(const struct kesp_counters *cnt)
{
	unsigned int i;

	printf("\tpackets %llu bytes %llu errors %llu",
	       (unsigned long long)cnt->packets,
	       (unsigned long long)cnt->bytes,
	       (unsigned long long)kesp_counters_errors(cnt));
	for (i = 0; i < __KESP_STAT_MAX; i++)
		if ((cnt->errors_present & KESP_BIT(i)) && cnt->errors[i])
			printf(" %s %llu", kesp_stat_name(i),
			       (unsigned long long)cnt->errors[i]);
	printf("\n");
}

/* Everything about one SA, in the words `sa add` takes where there are some. */
static void print_detail(const struct kesp_sa *sa)
{
	char buf[256], alg[32], t1[24], t2[24] = "-";

	printf("%s\n", kespctl_sa_text(sa, buf, sizeof(buf)));
	printf("\tenc %s", kesp_alg_name(KESP_ALG_ENC, sa->enc, alg,
					   sizeof(alg)));
	printf(" integ %s replay-window %u%s\n",
	       kesp_alg_name(KESP_ALG_INTEG, sa->integ, alg, sizeof(alg)),
	       sa->replay_window, sa->flags & KESP_SA_F_ESN ? " esn" : "");
	printf("\tsel %s\n", kespctl_sel_text(&sa->sel, buf, sizeof(buf)));
	if (sa->present & SA_BIT(ENCAP_DPORT))
		printf("\tencap %u %u\n", sa->encap_sport, sa->encap_dport);
	print_lifetime_line(sa);
	if (sa->present & SA_BIT(USE_TIME))
		kespctl_duration(sa->use_time, t2, sizeof(t2));
	printf("\tseq %llu add-time %s use-time %s\n",
	       (unsigned long long)sa->seq,
	       kespctl_duration(sa->add_time, t1, sizeof(t1)), t2);
	print_counters_line(&sa->cnt);
}

/* --- run functions --- */

static int usage(const char *verb, const char *err)
{
	fprintf(stderr, "kespctl: %s: %s\n", verb, err);
	return KESPCTL_USAGE;
}

/* One request and, for GET and SPI_ALLOC, where its reply goes. */
struct exchange {
	const struct kesp_sa *sa;
	uint32_t send;			/* KESP_SA_SEND_* */
	struct kesp_sa *reply;		/* NULL: no reply expected */
};

static int build_exchange(struct nl_msg *msg, void *arg)
{
	const struct exchange *x = arg;

	return kesp_msg_put_sa(msg, x->sa, x->send);
}

static int take_reply(struct nlmsghdr *nlh, void *arg)
{
	struct exchange *x = arg;

	return x->reply ? kesp_msg_parse_sa_reply(nlh, x->reply) : 0;
}

static int send_sa(struct kespctl *c, int cmd, const struct kesp_sa *sa,
		   uint32_t send, struct kesp_sa *reply, const char *what)
{
	struct exchange x = { .sa = sa, .send = send, .reply = reply };

	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, cmd, 0, build_exchange, take_reply,
			    &x) < 0)
		return kespctl_kernel_error(c, what);
	return KESPCTL_OK;
}

int kespctl_sa_add(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	char err[512];
	int ret;

	if (kespctl_sa_parse_add(argc, argv, &a, err, sizeof(err)))
		return usage("sa add", err);
	if (kespctl_sa_read_keys(&a, err, sizeof(err))) {
		kesp_sa_wipe(&a.sa);
		return usage("sa add", err);
	}
	ret = send_sa(c, KESP_CMD_SA_NEW, &a.sa, KESP_SA_SEND_NEW, NULL,
		      "SA_NEW");
	kesp_sa_wipe(&a.sa);
	return ret;
}

int kespctl_sa_del(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	char err[512];

	if (kespctl_sa_parse_id(argc, argv, &a, err, sizeof(err)))
		return usage("sa del", err);
	return send_sa(c, KESP_CMD_SA_DEL, &a.sa, KESP_SA_SEND_ID, NULL,
		       "SA_DEL");
}

int kespctl_sa_update(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	char err[512];

	if (kespctl_sa_parse_update(argc, argv, &a, err, sizeof(err)))
		return usage("sa update", err);
	return send_sa(c, KESP_CMD_SA_UPDATE, &a.sa, KESP_SA_SEND_UPDATE, NULL,
		       "SA_UPDATE");
}

int kespctl_sa_flush(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	char err[512];

	if (kespctl_sa_parse_flush(argc, argv, &a, err, sizeof(err)))
		return usage("sa flush", err);
	if (a.sa.present & SA_BIT(DIR))
		return send_sa(c, KESP_CMD_SA_FLUSH, &a.sa, KESP_SA_SEND_FLUSH,
			       NULL, "SA_FLUSH");
	/* No direction: the uapi wants no attributes at all, not an empty nest. */
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, KESP_CMD_SA_FLUSH, 0, NULL, NULL, NULL) < 0)
		return kespctl_kernel_error(c, "SA_FLUSH");
	return KESPCTL_OK;
}

int kespctl_sa_get(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	struct kesp_sa sa = { 0 };
	struct json j;
	char err[512];
	int ret;

	if (kespctl_sa_parse_id(argc, argv, &a, err, sizeof(err)))
		return usage("sa get", err);
	ret = send_sa(c, KESP_CMD_SA_GET, &a.sa, KESP_SA_SEND_ID, &sa,
		      "SA_GET");
	if (ret)
		return ret;
	if (!(sa.present & SA_BIT(SPI))) {
		fprintf(stderr, "kespctl: SA_GET: the kernel's reply has no SA\n");
		return KESPCTL_FAIL;
	}
	if (c->json) {
		json_init(&j, stdout);
		kespctl_sa_json(&j, NULL, &sa);
		json_finish(&j);
	} else {
		print_detail(&sa);
	}
	return KESPCTL_OK;
}

static int parse_sa(struct nlmsghdr *nlh, void *elem)
{
	return kesp_msg_parse_sa_reply(nlh, elem);
}

int kespctl_sa_list(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_dump d = { .parse = parse_sa,
				  .size = sizeof(struct kesp_sa) };
	struct kesp_sa *v;
	struct json j;
	size_t i;

	if (kespctl_no_args(argc, argv, "sa list"))
		return KESPCTL_USAGE;
	if (kespctl_dump(c, KESP_CMD_SA_GET, &d) < 0)
		return c->nl_open ? kespctl_kernel_error(c, "SA_GET dump") :
				    KESPCTL_FAIL;
	v = d.v;
	if (c->json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
		for (i = 0; i < d.n; i++)
			kespctl_sa_json(&j, NULL, &v[i]);
		json_arr_end(&j);
		json_finish(&j);
	} else {
		print_table(v, d.n);
	}
	free(d.v);
	return KESPCTL_OK;
}

int kespctl_spi_alloc(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_sa_args a;
	struct kesp_sa sa = { 0 };
	struct json j;
	char err[512];
	int ret;

	if (kespctl_spi_parse_alloc(argc, argv, &a, err, sizeof(err)))
		return usage("spi alloc", err);
	ret = send_sa(c, KESP_CMD_SPI_ALLOC, &a.sa, KESP_SA_SEND_SPI_ALLOC,
		      &sa, "SPI_ALLOC");
	if (ret)
		return ret;
	if (!(sa.present & SA_BIT(SPI))) {
		fprintf(stderr, "kespctl: SPI_ALLOC: the kernel's reply has no SPI\n");
		return KESPCTL_FAIL;
	}
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "spi", sa.spi);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("0x%08x\n", sa.spi);
	}
	return KESPCTL_OK;
}
