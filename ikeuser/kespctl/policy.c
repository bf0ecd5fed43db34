// SPDX-License-Identifier: GPL-2.0
/* kespctl policy: add, show and remove security policies by hand. */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "table.h"
#include "kespctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define POL_BIT(attr) KESP_BIT(KESP_POL_A_##attr)
#define TMPL_BIT(attr) KESP_BIT(KESP_TMPL_A_##attr)

/* --- argument handlers --- */

static int set_dir(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_policy *pol = &((struct kespctl_policy_args *)ctx)->pol;
	int dir = kesp_dir_parse(val);

	(void)kw;
	if (dir < 0) {
		snprintf(err, errlen, "not a direction");
		return -EINVAL;
	}
	pol->dir = (uint8_t)dir;
	pol->present |= POL_BIT(DIR);
	return 0;
}

static int set_action(void *ctx, const struct kespctl_kw *kw,
		      const char *val, char *err, size_t errlen)
{
	struct kesp_policy *pol = &((struct kespctl_policy_args *)ctx)->pol;
	int action = kesp_action_parse(val);

	(void)kw;
	if (action < 0) {
		snprintf(err, errlen, "not an action");
		return -EINVAL;
	}
	pol->action = (uint8_t)action;
	pol->present |= POL_BIT(ACTION);
	return 0;
}

static int set_u32(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_policy *pol = &((struct kespctl_policy_args *)ctx)->pol;
	uint32_t *field = kw->arg == KESP_POL_A_ID ? &pol->id : &pol->priority;

	pol->present |= KESP_BIT(kw->arg);
	return kespctl_parse_u32(val, 0, UINT32_MAX, field, err, errlen);
}

static int set_mss(void *ctx, const struct kespctl_kw *kw, const char *val,
		   char *err, size_t errlen)
{
	struct kesp_policy *pol = &((struct kespctl_policy_args *)ctx)->pol;
	uint32_t v = 0;
	int ret;

	pol->present |= KESP_BIT(kw->arg);
	if (!strcmp(val, "auto")) {
		pol->mss = 0;
		return 0;
	}
	ret = kespctl_parse_u32(val, 536, 65535, &v, err, errlen);
	pol->mss = (uint16_t)v;
	return ret;
}

static int set_tmpl(void *ctx, const struct kespctl_kw *kw, const char *val,
		    char *err, size_t errlen)
{
	struct kespctl_policy_args *a = ctx;

	(void)kw;
	(void)val;
	(void)err;
	(void)errlen;
	a->has_tmpl = 1;
	return 0;
}

/* The words after "tmpl"; kw->arg is the KESP_TMPL_A_* they set. */
static int set_tmpl_word(void *ctx, const struct kespctl_kw *kw,
			 const char *val, char *err, size_t errlen)
{
	struct kesp_tmpl *t = &((struct kespctl_policy_args *)ctx)->pol.tmpl;
	int mode;

	t->present |= KESP_BIT(kw->arg);
	switch (kw->arg) {
	case KESP_TMPL_A_MODE:
		mode = kesp_mode_parse(val);
		if (mode < 0) {
			snprintf(err, errlen, "not a mode");
			return -EINVAL;
		}
		t->mode = (uint8_t)mode;
		return 0;
	case KESP_TMPL_A_SRC:
		return kesp_addr_parse(val, &t->src, err, errlen);
	case KESP_TMPL_A_DST:
		return kesp_addr_parse(val, &t->dst, err, errlen);
	default:
		return kespctl_parse_u32(val, 0, UINT32_MAX, &t->reqid, err,
					 errlen);
	}
}

/* --- keyword tables --- */

static const struct kespctl_kw tmpl_kw[] = {
	{ "mode", "tunnel or transport", set_tmpl_word, NULL,
	  KESP_TMPL_A_MODE },
	{ "src", "the SA's local IPv4 or IPv6 address", set_tmpl_word,
	  NULL, KESP_TMPL_A_SRC },
	{ "dst", "the peer's IPv4 or IPv6 address", set_tmpl_word,
	  NULL, KESP_TMPL_A_DST },
	{ "reqid", "a number linking the policy to SAs, 0 to 0xffffffff",
	  set_tmpl_word, NULL, KESP_TMPL_A_REQID },
};

static const struct kespctl_kwset tmpl_set = {
	tmpl_kw, ARRAY_SIZE(tmpl_kw), 0
};

static const struct kespctl_kw dir_kw[] = {
	{ "dir", "in, out or fwd", set_dir, NULL, KESP_POL_A_DIR },
};

static const struct kespctl_kw add_kw[] = {
	{ "action", "protect, bypass or discard", set_action, NULL,
	  KESP_POL_A_ACTION },
	{ "priority", "a number, 0 to 0xffffffff; lower wins", set_u32, NULL,
	  KESP_POL_A_PRIORITY },
	{ "mss", "auto (what fits the tunnel) or bytes, 536 to 65535: clamp TCP SYNs",
	  set_mss, NULL, KESP_POL_A_MSS },
	{ "tmpl", NULL, set_tmpl, &tmpl_set, KESP_POL_A_TMPL },
};

static const struct kespctl_kw id_kw[] = {
	{ "id", "a policy id, as policy add or policy list print it", set_u32,
	  NULL, KESP_POL_A_ID },
};

static const struct kespctl_kwset dir_set = { dir_kw, ARRAY_SIZE(dir_kw), 0 };
static const struct kespctl_kwset add_set = { add_kw, ARRAY_SIZE(add_kw), 0 };
static const struct kespctl_kwset id_set = { id_kw, ARRAY_SIZE(id_kw), 0 };
static const struct kespctl_kwset sel_set = {
	kespctl_sel_kw, KESPCTL_N_SEL_KW,
	offsetof(struct kespctl_policy_args, sel)
};

static const struct kespctl_kwset *const add_sets[] = {
	&dir_set, &sel_set, &add_set, NULL
};
static const struct kespctl_kwset *const id_sets[] = { &id_set, NULL };
static const struct kespctl_kwset *const flush_sets[] = { &dir_set, NULL };

/* --- checks after parsing --- */

static int missing(const struct kespctl_kw *kw, const char *prefix,
		   char *err, size_t errlen)
{
	snprintf(err, errlen, "missing \"%s%s\" (expected %s)", prefix,
		 kw->name, kw->expect);
	return KESPCTL_USAGE;
}

static int finish_tmpl(struct kespctl_policy_args *a, char *err,
		       size_t errlen)
{
	struct kesp_tmpl *t = &a->pol.tmpl;
	int s = t->src.family, d = t->dst.family;

	if (!(t->present & TMPL_BIT(MODE)))
		return missing(&tmpl_kw[0], "tmpl ", err, errlen);
	/* Endpoints come in pairs; a tunnel cannot do without them. */
	if ((t->mode == KESP_MODE_TUNNEL || d) && !s)
		return missing(&tmpl_kw[1], "tmpl ", err, errlen);
	if ((t->mode == KESP_MODE_TUNNEL || s) && !d)
		return missing(&tmpl_kw[2], "tmpl ", err, errlen);
	if (s && d && s != d) {
		snprintf(err, errlen, "tmpl src is %s but tmpl dst is %s",
			 kesp_family_label(s), kesp_family_label(d));
		return KESPCTL_USAGE;
	}
	if (s || d) {
		t->family = (uint16_t)(s ? s : d);
		t->present |= TMPL_BIT(FAMILY);
	}
	if (t->mode == KESP_MODE_TRANSPORT && t->family &&
	    t->family != a->pol.sel.family) {
		snprintf(err, errlen, "tmpl: transport mode between %s addresses protects only %s traffic, not this %s selector",
			 kesp_family_label(t->family),
			 kesp_family_label(t->family),
			 kesp_family_label(a->pol.sel.family));
		return KESPCTL_USAGE;
	}
	a->pol.present |= POL_BIT(TMPL);
	return 0;
}

static int finish_action(struct kespctl_policy_args *a, char *err,
			 size_t errlen)
{
	if (a->pol.action == KESP_ACTION_PROTECT && !a->has_tmpl) {
		snprintf(err, errlen, "action protect needs \"tmpl mode tunnel|transport ...\": the SA to protect with");
		return KESPCTL_USAGE;
	}
	if (a->pol.action != KESP_ACTION_PROTECT && a->has_tmpl) {
		snprintf(err, errlen, "tmpl: only action protect uses a template, not action %s",
			 kesp_action_name(a->pol.action));
		return KESPCTL_USAGE;
	}
	return a->has_tmpl ? finish_tmpl(a, err, errlen) : 0;
}

static int finish_add(struct kespctl_policy_args *a, char *err, size_t errlen)
{
	if (!(a->pol.present & POL_BIT(DIR)))
		return missing(&dir_kw[0], "", err, errlen);
	/* Written out even as "any": a policy's reach should be deliberate. */
	if (!(a->sel.given & KESPCTL_SEL_SRC))
		return missing(&kespctl_sel_kw[0], "", err, errlen);
	if (!(a->sel.given & KESPCTL_SEL_DST))
		return missing(&kespctl_sel_kw[1], "", err, errlen);
	if (!(a->pol.present & POL_BIT(ACTION)))
		return missing(&add_kw[0], "", err, errlen);
	if (kespctl_sel_finish(&a->sel, 0, "", &a->pol.sel, err, errlen))
		return KESPCTL_USAGE;
	a->pol.present |= POL_BIT(SEL);
	return finish_action(a, err, errlen);
}

/* --- parsers --- */

static int parse(int argc, char **argv, const struct kespctl_kwset *const *sets,
		 struct kespctl_policy_args *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (kespctl_parse_kw(argc, argv, sets, a, err, errlen))
		return KESPCTL_USAGE;
	return 0;
}

int kespctl_policy_parse_add(int argc, char **argv,
			     struct kespctl_policy_args *a, char *err,
			     size_t errlen)
{
	if (parse(argc, argv, add_sets, a, err, errlen))
		return KESPCTL_USAGE;
	return finish_add(a, err, errlen);
}

int kespctl_policy_parse_id(int argc, char **argv,
			    struct kespctl_policy_args *a, char *err,
			    size_t errlen)
{
	if (parse(argc, argv, id_sets, a, err, errlen))
		return KESPCTL_USAGE;
	if (!(a->pol.present & POL_BIT(ID)))
		return missing(&id_kw[0], "", err, errlen);
	return 0;
}

int kespctl_policy_parse_flush(int argc, char **argv,
			       struct kespctl_policy_args *a, char *err,
			       size_t errlen)
{
	return parse(argc, argv, flush_sets, a, err, errlen);
}

/* --- output --- */

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

static const char *tmpl_text(const struct kesp_policy *pol, char *buf,
			     size_t len)
{
	const struct kesp_tmpl *t = &pol->tmpl;
	char s[KESP_ADDR_STRLEN], d[KESP_ADDR_STRLEN], ends[2 * KESP_ADDR_STRLEN + 8] = "";

	if (!(pol->present & POL_BIT(TMPL))) {
		snprintf(buf, len, "-");
		return buf;
	}
	if ((t->present & TMPL_BIT(SRC)) && (t->present & TMPL_BIT(DST)))
		snprintf(ends, sizeof(ends), " src %s dst %s",
			 kesp_addr_format(&t->src, s, sizeof(s)),
			 kesp_addr_format(&t->dst, d, sizeof(d)));
	snprintf(buf, len, "mode %s%s reqid %u", or_q(kesp_mode_name(t->mode)),
		 ends, t->reqid);
	if (pol->present & POL_BIT(MSS)) {
		size_t n = strlen(buf);

		if (pol->mss)
			snprintf(buf + n, len - n, " mss %u", pol->mss);
		else
			snprintf(buf + n, len - n, " mss auto");
	}
	return buf;
}

static void table_row(struct kespctl_table *t, const struct kesp_policy *p)
{
	char buf[KESPCTL_CELL];
	long r = kespctl_table_add(t);

	kespctl_table_set(t, r, 0, "%u", p->id);
	kespctl_table_set(t, r, 1, "%s", or_q(kesp_dir_name(p->dir)));
	kespctl_table_set(t, r, 2, "%s",
			  kesp_prefix_format(&p->sel.src, buf, sizeof(buf)));
	kespctl_table_set(t, r, 3, "%s",
			  kesp_prefix_format(&p->sel.dst, buf, sizeof(buf)));
	kespctl_table_set(t, r, 4, "%s",
			  kespctl_proto_text(p->sel.proto, buf, sizeof(buf)));
	kespctl_table_set(t, r, 5, "%s",
			  kesp_ports_format(&p->sel.sport, buf, sizeof(buf)));
	kespctl_table_set(t, r, 6, "%s",
			  kesp_ports_format(&p->sel.dport, buf, sizeof(buf)));
	kespctl_table_set(t, r, 7, "%s", or_q(kesp_action_name(p->action)));
	kespctl_table_set(t, r, 8, "%u", p->priority);
	kespctl_table_set(t, r, 9, "%llu", (unsigned long long)p->packets);
	kespctl_table_set(t, r, 10, "%s", tmpl_text(p, buf, sizeof(buf)));
}

static void print_table(const struct kesp_policy *v, size_t n)
{
	static const char *const head[] = {
		"ID", "Dir", "Source", "Destination", "Proto", "Sport", "Dport",
		"Action", "Priority", "Packets", "Template",
	};
	struct kespctl_table t;
	size_t i;

	kespctl_table_init(&t, head, ARRAY_SIZE(head));
	for (i = 0; i < n; i++)
		table_row(&t, &v[i]);
	kespctl_table_print(&t, stdout);
	kespctl_table_free(&t);
}

static void tmpl_json(struct json *j, const struct kesp_tmpl *t)
{
	char buf[KESP_ADDR_STRLEN];

	json_obj_begin(j, "tmpl");
	json_str(j, "mode", or_q(kesp_mode_name(t->mode)));
	if (t->present & TMPL_BIT(FAMILY))
		json_str(j, "family", kespctl_family_text(t->family));
	if (t->present & TMPL_BIT(SRC))
		json_str(j, "src", kesp_addr_format(&t->src, buf, sizeof(buf)));
	if (t->present & TMPL_BIT(DST))
		json_str(j, "dst", kesp_addr_format(&t->dst, buf, sizeof(buf)));
	json_u64(j, "reqid", t->reqid);
	json_obj_end(j);
}

void kespctl_policy_json(struct json *j, const char *key,
			 const struct kesp_policy *pol)
{
	json_obj_begin(j, key);
	json_u64(j, "id", pol->id);
	json_str(j, "dir", or_q(kesp_dir_name(pol->dir)));
	kespctl_sel_json(j, "sel", &pol->sel);
	json_str(j, "action", or_q(kesp_action_name(pol->action)));
	json_u64(j, "priority", pol->priority);
	json_u64(j, "packets", pol->packets);
	if (pol->present & POL_BIT(MSS))
		json_u64(j, "mss", pol->mss);
	if (pol->present & POL_BIT(TMPL))
		tmpl_json(j, &pol->tmpl);
	json_obj_end(j);
}

const char *kespctl_policy_text(const struct kesp_policy *pol, char *buf,
				size_t len)
{
	char sel[256], tmpl[160] = "";

	if (pol->present & POL_BIT(TMPL))
		snprintf(tmpl, sizeof(tmpl), " tmpl %s",
			 tmpl_text(pol, sel, sizeof(sel)));
	snprintf(buf, len, "id %u dir %s %s action %s priority %u%s", pol->id,
		 or_q(kesp_dir_name(pol->dir)),
		 kespctl_sel_text(&pol->sel, sel, sizeof(sel)),
		 or_q(kesp_action_name(pol->action)), pol->priority, tmpl);
	return buf;
}

/* --- run functions --- */

static int usage(const char *verb, const char *err)
{
	fprintf(stderr, "kespctl: %s: %s\n", verb, err);
	return KESPCTL_USAGE;
}

struct exchange {
	const struct kesp_policy *pol;
	uint32_t send;			/* KESP_POL_SEND_* */
	struct kesp_policy *reply;	/* NULL: no reply expected */
};

static int build_exchange(struct nl_msg *msg, void *arg)
{
	const struct exchange *x = arg;

	return kesp_msg_put_policy(msg, x->pol, x->send);
}

static int take_reply(struct nlmsghdr *nlh, void *arg)
{
	struct exchange *x = arg;

	return x->reply ? kesp_msg_parse_policy_reply(nlh, x->reply) : 0;
}

static int send_policy(struct kespctl *c, int cmd,
		       const struct kesp_policy *pol, uint32_t send,
		       struct kesp_policy *reply, const char *what)
{
	struct exchange x = { .pol = pol, .send = send, .reply = reply };

	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, cmd, 0, build_exchange, take_reply,
			    &x) < 0)
		return kespctl_kernel_error(c, what);
	return KESPCTL_OK;
}

int kespctl_policy_add(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_policy_args a;
	struct kesp_policy reply = { 0 };
	struct json j;
	char err[512];
	int ret;

	if (kespctl_policy_parse_add(argc, argv, &a, err, sizeof(err)))
		return usage("policy add", err);
	ret = send_policy(c, KESP_CMD_POLICY_NEW, &a.pol, KESP_POL_SEND_NEW,
			  &reply, "POLICY_NEW");
	if (ret)
		return ret;
	if (!(reply.present & POL_BIT(ID))) {
		fprintf(stderr, "kespctl: POLICY_NEW: the kernel's reply has no policy id\n");
		return KESPCTL_FAIL;
	}
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_u64(&j, "id", reply.id);
		json_obj_end(&j);
		json_finish(&j);
	} else {
		printf("%u\n", reply.id);
	}
	return KESPCTL_OK;
}

int kespctl_policy_del(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_policy_args a;
	char err[512];

	if (kespctl_policy_parse_id(argc, argv, &a, err, sizeof(err)))
		return usage("policy del", err);
	return send_policy(c, KESP_CMD_POLICY_DEL, &a.pol, KESP_POL_SEND_ID,
			   NULL, "POLICY_DEL");
}

int kespctl_policy_get(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_policy_args a;
	struct kesp_policy pol = { 0 };
	struct json j;
	char err[512], buf[512];
	int ret;

	if (kespctl_policy_parse_id(argc, argv, &a, err, sizeof(err)))
		return usage("policy get", err);
	ret = send_policy(c, KESP_CMD_POLICY_GET, &a.pol, KESP_POL_SEND_ID,
			  &pol, "POLICY_GET");
	if (ret)
		return ret;
	if (!(pol.present & POL_BIT(ID))) {
		fprintf(stderr, "kespctl: POLICY_GET: the kernel's reply has no policy\n");
		return KESPCTL_FAIL;
	}
	if (c->json) {
		json_init(&j, stdout);
		kespctl_policy_json(&j, NULL, &pol);
		json_finish(&j);
	} else {
		printf("%s packets %llu\n",
		       kespctl_policy_text(&pol, buf, sizeof(buf)),
		       (unsigned long long)pol.packets);
	}
	return KESPCTL_OK;
}

int kespctl_policy_flush(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_policy_args a;
	char err[512];

	if (kespctl_policy_parse_flush(argc, argv, &a, err, sizeof(err)))
		return usage("policy flush", err);
	if (a.pol.present & POL_BIT(DIR))
		return send_policy(c, KESP_CMD_POLICY_FLUSH, &a.pol,
				   KESP_POL_SEND_FLUSH, NULL, "POLICY_FLUSH");
	/* No direction: the uapi wants no attributes at all, not an empty nest. */
	if (kespctl_kernel(c) < 0)
		return KESPCTL_FAIL;
	if (kesp_nl_request(&c->nl, KESP_CMD_POLICY_FLUSH, 0, NULL, NULL,
			    NULL) < 0)
		return kespctl_kernel_error(c, "POLICY_FLUSH");
	return KESPCTL_OK;
}

static int parse_policy(struct nlmsghdr *nlh, void *elem)
{
	return kesp_msg_parse_policy_reply(nlh, elem);
}

int kespctl_policy_list(struct kespctl *c, int argc, char **argv)
{
	struct kespctl_dump d = { .parse = parse_policy,
				  .size = sizeof(struct kesp_policy) };
	struct kesp_policy *v;
	struct json j;
	size_t i;

	if (kespctl_no_args(argc, argv, "policy list"))
		return KESPCTL_USAGE;
	if (kespctl_dump(c, KESP_CMD_POLICY_GET, &d) < 0)
		return c->nl_open ? kespctl_kernel_error(c, "POLICY_GET dump") :
				    KESPCTL_FAIL;
	v = d.v;
	if (c->json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
		for (i = 0; i < d.n; i++)
			kespctl_policy_json(&j, NULL, &v[i]);
		json_arr_end(&j);
		json_finish(&j);
	} else {
		print_table(v, d.n);
	}
	free(d.v);
	return KESPCTL_OK;
}
