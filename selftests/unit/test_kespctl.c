// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of kespctl's argument handling and its JSON and error text. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "kespctl/kespctl.h"

TEST(match_exact_prefix_ambiguous_none)
{
	const char *const names[] = { "show", "set", "stats", "st" };

	EXPECT_EQ(0, kespctl_match("show", names, 4));
	EXPECT_EQ(0, kespctl_match("sh", names, 4));
	EXPECT_EQ(1, kespctl_match("se", names, 4));
	/* "st" is a name of its own and wins over the longer "stats". */
	EXPECT_EQ(3, kespctl_match("st", names, 4));
	EXPECT_EQ(2, kespctl_match("sta", names, 4));
	EXPECT_EQ(-2, kespctl_match("s", names, 4));
	EXPECT_EQ(-1, kespctl_match("x", names, 4));
	EXPECT_EQ(-1, kespctl_match("", names, 4));
	EXPECT_EQ(-1, kespctl_match("shows", names, 4));
}

TEST(resolve_default_verb)
{
	const struct kespctl_object *o;
	const struct kespctl_verb *v;
	char *argv[] = { "v", NULL };
	char err[128];
	int argi;

	ASSERT_EQ(0, kespctl_resolve(1, argv, &o, &v, &argi, err, sizeof(err)));
	EXPECT_STREQ("version", o->name);
	EXPECT_STREQ("show", v->name);
	EXPECT_EQ(1, argi);
}

TEST(resolve_verb_prefix_and_args)
{
	const struct kespctl_object *o;
	const struct kespctl_verb *v;
	char *argv[] = { "stats", "res", "extra", NULL };
	char err[128];
	int argi;

	ASSERT_EQ(0, kespctl_resolve(3, argv, &o, &v, &argi, err, sizeof(err)));
	EXPECT_STREQ("reset", v->name);
	EXPECT_EQ(2, argi);
}

TEST(resolve_errors_name_the_word)
{
	const struct kespctl_object *o;
	const struct kespctl_verb *v;
	char *unknown[] = { "frobnicate", NULL };
	char *badverb[] = { "stats", "zap", NULL };
	char err[128];
	int argi;

	EXPECT_EQ(KESPCTL_USAGE, kespctl_resolve(0, unknown, &o, &v, &argi,
						 err, sizeof(err)));
	EXPECT_STREQ("missing OBJECT", err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_resolve(1, unknown, &o, &v, &argi,
						 err, sizeof(err)));
	EXPECT_STREQ("unknown object \"frobnicate\"", err);
	EXPECT_EQ(KESPCTL_USAGE, kespctl_resolve(2, badverb, &o, &v, &argi,
						 err, sizeof(err)));
	EXPECT_STREQ("unknown verb \"zap\" for \"stats\"", err);
}

TEST(no_args)
{
	char *argv[] = { "surplus", NULL };

	EXPECT_EQ(0, kespctl_no_args(0, argv, "x"));
	EXPECT_EQ(KESPCTL_USAGE, kespctl_no_args(1, argv, "x"));
}

TEST(json_nesting_and_escaping)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	ASSERT_NE(NULL, f);
	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", "a\"b\\c\n\x01");
	json_u64(&j, "n", 18446744073709551615ULL);
	json_arr_begin(&j, "list");
	json_str(&j, NULL, "x");
	json_obj_begin(&j, NULL);
	json_bool(&j, "t", 1);
	json_obj_end(&j);
	json_arr_end(&j);
	json_arr_begin(&j, "empty");
	json_arr_end(&j);
	json_obj_end(&j);
	json_finish(&j);
	fclose(f);
	EXPECT_STREQ("{\"name\":\"a\\\"b\\\\c\\n\\u0001\","
		     "\"n\":18446744073709551615,"
		     "\"list\":[\"x\",{\"t\":true}],\"empty\":[]}\n", buf);
	free(buf);
}

TEST(strerror_with_and_without_extack)
{
	struct kesp_nl_error e = { .err = -EINVAL };
	char buf[256];

	EXPECT_STREQ("Invalid argument", kesp_nl_strerror(&e, buf, sizeof(buf)));
	strcpy(e.msg, "missing SPI");
	e.from_kernel = 1;
	EXPECT_STREQ("Invalid argument (kernel: missing SPI)",
		     kesp_nl_strerror(&e, buf, sizeof(buf)));
	strcpy(e.where, "offset 20");
	EXPECT_STREQ("Invalid argument (kernel: missing SPI, at offset 20)",
		     kesp_nl_strerror(&e, buf, sizeof(buf)));
	e.from_kernel = 0;
	e.where[0] = '\0';
	strcpy(e.msg, "is kesp.ko loaded?");
	e.err = -ENOENT;
	EXPECT_STREQ("No such file or directory (is kesp.ko loaded?)",
		     kesp_nl_strerror(&e, buf, sizeof(buf)));
}

/*
 * A kesp-iked that takes the request and never answers (a stuck waiter
 * hung `kespctl ike up` once): -t gives up with a line saying so.
 */
TEST(ike_up_gives_up_on_a_silent_daemon)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct kespctl c = { .ike_timeout_s = 1 };
	char *argv[] = { "gw", NULL };
	struct timespec t0, t1;
	int lfd, r;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/kespctl-silent-%d",
		 (int)getpid());
	unlink(sun.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sun, sizeof(sun)));
	/* The kernel completes the connection from the backlog: no accept. */
	ASSERT_EQ(0, listen(lfd, 4));
	c.ike_socket = sun.sun_path;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = kespctl_ike_up(&c, 1, argv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(KESPCTL_FAIL, r);
	EXPECT_LE(1, t1.tv_sec - t0.tv_sec);
	EXPECT_GE(5, t1.tv_sec - t0.tv_sec);
	close(lfd);
	unlink(sun.sun_path);
}

TEST(timeout_option_range)
{
	int s = -1;

	EXPECT_EQ(0, kespctl_parse_timeout("0", &s));
	EXPECT_EQ(0, s);
	EXPECT_EQ(0, kespctl_parse_timeout("86400", &s));
	EXPECT_EQ(86400, s);
	EXPECT_EQ(-1, kespctl_parse_timeout("-1", &s));
	EXPECT_EQ(-1, kespctl_parse_timeout("86401", &s));
	EXPECT_EQ(-1, kespctl_parse_timeout("5s", &s));
	EXPECT_EQ(-1, kespctl_parse_timeout("", &s));
}

TEST_HARNESS_MAIN
