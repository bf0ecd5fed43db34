// SPDX-License-Identifier: GPL-2.0
/* libnl-3 transport for the kesp family, with extended-ack error reporting. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/kesp.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct req_state {
	struct kesp_nl *nl;
	kesp_nl_reply_fn reply;
	void *arg;
	int done;
	int interrupted;	/* a dump message had NLM_F_DUMP_INTR */
};

static void set_error(struct kesp_nl_error *e, int err, const char *msg)
{
	e->err = err;
	snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : "");
	e->where[0] = '\0';
	e->from_kernel = 0;
}

/*
 * Pull NLMSGERR_ATTR_MSG and _OFFS out of an error message. The TLVs follow
 * the echoed request, which the kernel leaves out when NLM_F_CAPPED is set.
 */
static void parse_extack(struct nlmsghdr *nlh, struct nlmsgerr *e,
			 struct kesp_nl_error *out)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t hlen = sizeof(*e), total;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	total = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (hlen >= total)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + NLMSG_ALIGN(hlen)),
		      (int)(total - NLMSG_ALIGN(hlen)), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		snprintf(out->msg, sizeof(out->msg), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
		out->from_kernel = 1;
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(out->where, sizeof(out->where),
			 "missing attribute type %u%s",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]),
			 tb[NLMSGERR_ATTR_MISS_NEST] ? " in a nest" : "");
	else if (tb[NLMSGERR_ATTR_OFFS])
		snprintf(out->where, sizeof(out->where), "offset %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	set_error(&st->nl->last, e->error, NULL);
	parse_extack(nlh, e, &st->nl->last);
	st->done = 1;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	(void)msg;
	st->done = 1;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	(void)msg;
	st->interrupted = 1;
	/* Read on to the end of the dump so the socket stays in step. */
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	int err;

	if (!st->reply)
		return NL_OK;
	err = st->reply(nlmsg_hdr(msg), st->arg);
	if (err < 0) {
		set_error(&st->nl->last, err, "malformed reply from the kernel");
		return NL_STOP;
	}
	return NL_OK;
}

int kesp_nl_open(struct kesp_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		set_error(&nl->last, -ENOMEM, "cannot allocate a netlink socket");
		return -ENOMEM;
	}
	if (genl_connect(nl->sk) < 0) {
		set_error(&nl->last, -errno ? -errno : -EIO,
			  "cannot connect to generic netlink");
		goto fail;
	}
	/* Best effort: without it errors still come, just without a message. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, KESP_GENL_NAME);
	if (nl->family < 0) {
		set_error(&nl->last, -ENOENT,
			  "generic netlink family \"kesp\" not found: is kesp.ko loaded (modprobe kesp)?");
		goto fail;
	}
	return 0;

fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return nl->last.err;
}

void kesp_nl_close(struct kesp_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

int kesp_nl_request(struct kesp_nl *nl, int cmd, int dump,
		    kesp_nl_build_fn build, kesp_nl_reply_fn reply, void *arg)
{
	struct req_state st = { .nl = nl, .reply = reply, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	set_error(&nl->last, 0, NULL);
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		set_error(&nl->last, -ENOMEM, "out of memory");
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, (uint8_t)cmd,
			 KESP_GENL_VERSION)) {
		set_error(&nl->last, -EMSGSIZE, "request too large");
		goto out;
	}
	if (build) {
		err = build(msg, arg);
		if (err < 0) {
			set_error(&nl->last, err, "cannot build the request");
			goto out;
		}
	}
	err = nl_send_auto(nl->sk, msg);
	if (err < 0) {
		set_error(&nl->last, -EIO, nl_geterror(err));
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &st);
	while (!st.done && !nl->last.err) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !nl->last.err) {
			set_error(&nl->last, -EIO, nl_geterror(err));
			break;
		}
	}
	if (st.interrupted && !nl->last.err)
		set_error(&nl->last, -EINTR,
			  "the table changed during the dump; dump again");
out:
	nl_cb_put(cb);
	/* Requests may carry SA keys: leave none behind in freed memory. */
	if (msg)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return nl->last.err;
}

const char *kesp_nl_strerror(const struct kesp_nl_error *e, char *buf,
			     size_t len)
{
	const char *who = e->from_kernel ? "kernel: " : "";

	if (e->msg[0] && e->where[0])
		snprintf(buf, len, "%s (%s%s, at %s)", strerror(-e->err), who,
			 e->msg, e->where);
	else if (e->msg[0])
		snprintf(buf, len, "%s (%s%s)", strerror(-e->err), who, e->msg);
	else
		snprintf(buf, len, "%s", strerror(-e->err));
	return buf;
}
