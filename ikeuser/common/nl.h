/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace side of the kesp generic netlink family: one request at a time. */

#ifndef KESP_COMMON_NL_H
#define KESP_COMMON_NL_H

#include <stddef.h>
#include <netlink/msg.h>

struct nl_sock;

/* Why the last request failed, as the kernel said it. */
struct kesp_nl_error {
	int err;		/* negative errno, 0 on success */
	char msg[256];		/* extack message, "" if the kernel gave none */
	char where[64];		/* the attribute it points at, "" if none */
	int from_kernel;	/* msg is the kernel's extack, not ours */
};

struct kesp_nl {
	struct nl_sock *sk;
	int family;
	struct kesp_nl_error last;
};

/* Called for each reply message; return 0 to go on, a negative errno to stop. */
typedef int (*kesp_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);
/* Adds the request's attributes; return 0 or a negative errno. */
typedef int (*kesp_nl_build_fn)(struct nl_msg *msg, void *arg);

/*
 * Connect and resolve the family (which makes the kernel load kesp.ko if it
 * is installed). Returns 0 or a negative errno; on failure ->last says why.
 */
int kesp_nl_open(struct kesp_nl *nl);
void kesp_nl_close(struct kesp_nl *nl);

/*
 * Send command @cmd (with NLM_F_DUMP if @dump), add attributes with @build
 * (may be NULL), hand every reply to @reply (may be NULL) and wait for the
 * final ack or end of dump. Returns 0 or the negative errno; nl->last holds
 * the errno and the kernel's extack message.
 */
int kesp_nl_request(struct kesp_nl *nl, int cmd, int dump,
		    kesp_nl_build_fn build, kesp_nl_reply_fn reply, void *arg);

/* "Operation not permitted (kernel: missing attribute)" into @buf. */
const char *kesp_nl_strerror(const struct kesp_nl_error *e, char *buf,
			     size_t len);

#endif /* KESP_COMMON_NL_H */
