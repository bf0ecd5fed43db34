// SPDX-License-Identifier: GPL-2.0
// budget: 5
/*
 * Runs in the guest against kesp.ko: SPI reservations (KESP_CMD_SPI_ALLOC)
 * are capped per network namespace, as root of an unprivileged user
 * namespace sees them (nobody's unshare of a user and network namespace).
 * 4096 reservations succeed, the next fails with ENOSPC and an extack
 * message; an inbound SA that takes a reserved SPI frees its place;
 * another namespace has its own cap.
 */

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netlink/genl/genl.h>
#include <linux/kesp.h>
#include "kselftest_harness.h"
#include "ktest_main.h"
#include "common/nl.h"

#define CAP 4096

static int put_alloc(struct nl_msg *m, void *arg)
{
	unsigned char dst[4] = { 192, 0, 2, 2 };
	struct nlattr *sa = nla_nest_start(m, KESP_A_SA);

	(void)arg;
	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET);
	nla_put(m, KESP_SA_A_DST, sizeof(dst), dst);
	nla_nest_end(m, sa);
	return 0;
}

static int parse_spi(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[KESP_A_MAX + 1], *sa[KESP_SA_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, KESP_A_MAX, NULL) < 0 || !tb[KESP_A_SA] ||
	    nla_parse_nested(sa, KESP_SA_A_MAX, tb[KESP_A_SA], NULL) < 0 ||
	    !sa[KESP_SA_A_SPI])
		return -EPROTO;
	*(uint32_t *)arg = nla_get_u32(sa[KESP_SA_A_SPI]);
	return 0;
}

static int spi_alloc(struct kesp_nl *nl, uint32_t *spi)
{
	return kesp_nl_request(nl, KESP_CMD_SPI_ALLOC, 0, put_alloc,
			       parse_spi, spi);
}

static int put_sa_in(struct nl_msg *m, void *arg)
{
	unsigned char src[4] = { 192, 0, 2, 1 }, dst[4] = { 192, 0, 2, 2 };
	unsigned char key[20];
	struct nlattr *sa = nla_nest_start(m, KESP_A_SA);

	memset(key, 0x42, sizeof(key));
	nla_put_u32(m, KESP_SA_A_SPI, *(uint32_t *)arg);
	nla_put_u8(m, KESP_SA_A_DIR, KESP_DIR_IN);
	nla_put_u8(m, KESP_SA_A_MODE, KESP_MODE_TUNNEL);
	nla_put_u16(m, KESP_SA_A_FAMILY, AF_INET);
	nla_put(m, KESP_SA_A_SRC, sizeof(src), src);
	nla_put(m, KESP_SA_A_DST, sizeof(dst), dst);
	nla_put_u16(m, KESP_SA_A_ENC, KESP_ENC_AES_GCM_16);
	nla_put(m, KESP_SA_A_ENC_KEY, sizeof(key), key);
	nla_nest_end(m, sa);
	return 0;
}

/* In a child: nobody, then root of its own user and network namespace. */
static void become_userns_root(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534) ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		perror("nobody's unshare");
		_exit(20);
	}
}

/* Fill the namespace's reservations; 0 if the cap holds exactly. */
static int fill(struct kesp_nl *nl, uint32_t *first)
{
	uint32_t spi;
	int i, err;

	for (i = 0; i < CAP; i++) {
		err = spi_alloc(nl, &spi);
		if (err) {
			fprintf(stderr, "# reservation %d failed: %d %s\n",
				i + 1, err, nl->last.msg);
			return 1;
		}
		if (!i)
			*first = spi;
	}
	err = spi_alloc(nl, &spi);
	fprintf(stderr, "# reservation %d: %d (%s)\n", CAP + 1, err,
		nl->last.msg);
	if (err != -ENOSPC || !strstr(nl->last.msg, "reserved"))
		return 2;
	return 0;
}

FIXTURE(cap) {
	int unused;
};

FIXTURE_SETUP(cap)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(cap)
{
}

static int capped(void)
{
	struct kesp_nl nl;
	uint32_t first = 0, spi;
	int err;

	become_userns_root();
	if (kesp_nl_open(&nl))
		return 21;
	err = fill(&nl, &first);
	if (err)
		return err;
	/* An inbound SA takes a reserved SPI: its place is free again. */
	err = kesp_nl_request(&nl, KESP_CMD_SA_NEW, 0, put_sa_in, NULL,
			      &first);
	if (err) {
		fprintf(stderr, "# SA_NEW on reserved SPI: %d %s\n", err,
			nl.last.msg);
		return 3;
	}
	if (spi_alloc(&nl, &spi)) {
		fprintf(stderr, "# no reservation after an SA took one: %s\n",
			nl.last.msg);
		return 4;
	}
	if (spi_alloc(&nl, &spi) != -ENOSPC)
		return 5;
	/* Another namespace (of the same user) has its own reservations. */
	if (unshare(CLONE_NEWNET)) {
		perror("# unshare");
		return 6;
	}
	kesp_nl_close(&nl);
	if (kesp_nl_open(&nl) || spi_alloc(&nl, &spi)) {
		fprintf(stderr, "# fresh namespace: %s\n", nl.last.msg);
		return 7;
	}
	return 0;
}

TEST_F_TIMEOUT(cap, spi_reservations_capped_per_namespace, 120)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(capped());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

KTEST_HARNESS_MAIN
