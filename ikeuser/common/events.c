// SPDX-License-Identifier: GPL-2.0
/* Joining the kesp "events" multicast group and receiving from it with libnl. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/kesp.h>

#include "events.h"

struct recv_state {
	int family;
	kesp_nl_reply_fn fn;
	void *arg;
	int err;
};

static void set_last(struct kesp_nl *nl, int err, const char *msg)
{
	nl->last.err = err;
	snprintf(nl->last.msg, sizeof(nl->last.msg), "%s", msg);
	nl->last.where[0] = '\0';
	nl->last.from_kernel = 0;
}

int kesp_nl_subscribe(struct kesp_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, KESP_GENL_NAME,
					KESP_GENL_MCGRP_EVENTS);

	if (grp < 0) {
		set_last(nl, -ENOENT, "the kesp family has no \"events\" multicast group");
		return -ENOENT;
	}
	/* Events carry no sequence number we asked for. */
	nl_socket_disable_seq_check(nl->sk);
	errno = 0;
	if (nl_socket_add_membership(nl->sk, grp) < 0) {
		int err = errno ? -errno : -EPERM;

		set_last(nl, err, "cannot join the \"events\" multicast group");
		return err;
	}
	/* A burst of ACQUIREs must not overrun a listener that prints slowly. */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	return 0;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct recv_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (nlh->nlmsg_type != st->family)
		return NL_SKIP;
	err = st->fn(nlh, st->arg);
	if (err < 0) {
		st->err = err;
		return NL_STOP;
	}
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int kesp_nl_recv_events(struct kesp_nl *nl, kesp_nl_reply_fn fn, void *arg)
{
	struct recv_state st = { .family = nl->family, .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	if (!cb) {
		set_last(nl, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &st);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (st.err)
		return st.err;
	if (err == -NLE_NOMEM) {
		/* libnl's name for ENOBUFS from recvmsg: the queue overflowed. */
		set_last(nl, -ENOBUFS, "events were lost: the receive queue overflowed");
		return -ENOBUFS;
	}
	if (err < 0) {
		set_last(nl, -EIO, nl_geterror(err));
		return -EIO;
	}
	return 0;
}
