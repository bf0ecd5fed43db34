/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKEv1 PSK conns of the in-process pair tests (ikev1_pair.h) that
 * vary a line or two: one writer, so that each test says only what
 * differs. Include it after ikev1_pair.h.
 */

#ifndef KESP_TEST_IKEV1_CONN_H
#define KESP_TEST_IKEV1_CONN_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The conn of A (@a: "a-b", 127.0.0.1, @a.example) or B ("b-a",
 * 127.0.0.2, @b.example) into @buf: its subnets @lsub and @rsub (NULL:
 * A's 10.1.0.0/24, B's 10.2.0.0/24), then @extra, more lines of the
 * conn ("\tlifetime=1h\n").
 */
static __attribute__((unused)) void v1_conn(char *buf, size_t len, bool a,
					    const char *lsub,
					    const char *rsub,
					    const char *extra)
{
	const char *mine = a ? "10.1.0.0/24" : "10.2.0.0/24";
	const char *peers = a ? "10.2.0.0/24" : "10.1.0.0/24";

	snprintf(buf, len,
		 "conn %s\n"
		 "\tleft=%s\n\tleftid=@%s.example\n\tleftsubnet=%s\n"
		 "\tright=%s\n\trightid=@%s.example\n\trightsubnet=%s\n"
		 "\tauthby=secret\n\tkeyexchange=ikev1\n"
		 "\tike=aes256-sha256-modp2048!\n"
		 "\tesp=aes128-sha256-ecp256!\n"
		 "%s\tauto=add\n",
		 a ? "a-b" : "b-a",
		 a ? "127.0.0.1" : "127.0.0.2", a ? "a" : "b",
		 lsub ? lsub : mine,
		 a ? "127.0.0.2" : "127.0.0.1", a ? "b" : "a",
		 rsub ? rsub : peers, extra);
}

#endif /* KESP_TEST_IKEV1_CONN_H */
