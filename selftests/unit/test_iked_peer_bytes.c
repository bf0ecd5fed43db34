// SPDX-License-Identifier: GPL-2.0
/*
 * A peer's bytes as kesp-iked shows them: an identity with a newline, an
 * ESC sequence, a backslash or a NUL must not forge a log line, repaint a
 * terminal, or make two identities look alike, before authentication or
 * after: in the log, in `kespctl ike list` (human and JSON), in `kespctl
 * ike diagnose`, and in the conn's last failure.
 */

#include <stdint.h>
#include "iked_fixture.h"
#include "kselftest_harness.h"
#include "iked/escape.h"
#include "iked/status.h"

/* A line the peer would like to see in our log, and a terminal reset. */
static const char evil[] = "evil\n01:02:03.004 t[9] IKE SA established\x1b[2J\\x41";
/* How it must read: one line, printable, backslash doubled. */
static const char shown[] =
	"evil\\x0a01:02:03.004 t[9] IKE SA established\\x1b[2J\\\\x41";

/* No byte of @s is a control character but the line ends. */
static bool printable_lines(const char *s)
{
	for (; *s; s++)
		if (*s != '\n' && ((unsigned char)*s < 0x20 ||
				   (unsigned char)*s >= 0x7f))
			return false;
	return true;
}

/* No line of @s starts with the text the peer tried to inject. */
static bool no_forged_line(const char *s)
{
	return !strstr(s, "\n01:02:03.004") && strncmp(s, "01:02:03.004", 12);
}

static void set_fqdn(struct iked_conf_id *id, const char *s, size_t len)
{
	memset(id, 0, sizeof(*id));
	id->type = IKED_ID_FQDN;
	id->len = (uint16_t)len;
	memcpy(id->data, s, len);
}

TEST(escape_helper)
{
	char buf[16];

	EXPECT_EQ(8, iked_escape(buf, sizeof(buf), "a\nb\\", 4, 0));
	EXPECT_STREQ("a\\x0ab\\\\", buf);
	/* Text escaped once keeps its backslashes; control bytes still go. */
	iked_escape(buf, sizeof(buf), "a\\x0a\x1b", 6, IKED_ESC_TEXT);
	EXPECT_STREQ("a\\x0a\\x1b", buf);
	EXPECT_FALSE(iked_escape_needed("a\\x0a", IKED_ESC_TEXT));
	EXPECT_TRUE(iked_escape_needed("a\\x0a", 0));
	EXPECT_TRUE(iked_escape_needed("a\x7f", IKED_ESC_TEXT));
	/* An escape that does not fit is left out whole, never cut. */
	EXPECT_EQ(2, iked_escape(buf, 6, "ab\x1b", 3, 0));
	EXPECT_STREQ("ab", buf);
	EXPECT_EQ(0, iked_escape(buf, 1, "a", 1, 0));
	EXPECT_STREQ("", buf);
}

TEST(id_format_escapes)
{
	struct iked_conf_id id;
	char buf[IKED_ID_STRLEN];

	set_fqdn(&id, evil, sizeof(evil) - 1);
	EXPECT_STREQ(shown, iked_conf_id_format(&id, buf, sizeof(buf)));
	/* A NUL does not end the name early: "a" and "a\0b" differ. */
	set_fqdn(&id, "a\0b", 3);
	EXPECT_STREQ("a\\x00b", iked_conf_id_format(&id, buf, sizeof(buf)));
	/* Non-ASCII bytes are shown, not passed. */
	set_fqdn(&id, "\xc3\xa9t\x7f", 4);
	EXPECT_STREQ("\\xc3\\xa9t\\x7f",
		     iked_conf_id_format(&id, buf, sizeof(buf)));
}

TEST(id_compare_is_bytewise)
{
	struct iked_conf_id a, b;

	/* Past a NUL the names differ: they are two identities. */
	set_fqdn(&a, "gw\0one", 6);
	set_fqdn(&b, "gw\0two", 6);
	EXPECT_FALSE(iked_conf_id_equal(&a, &b));
	set_fqdn(&a, "GW.example", 10);
	set_fqdn(&b, "gw.EXAMPLE", 10);
	EXPECT_TRUE(iked_conf_id_equal(&a, &b));
}

/* The peer's IKE_AUTH: an identity no conn accepts, before any AUTH check. */
static void send_auth(struct fx *f, struct ike_sa *sa)
{
	static struct ikev2_chain c;
	static const uint8_t auth[32];
	uint8_t buf[4096];
	size_t len;

	ikev2_chain_init(&c);
	if (ikev2_chain_add_id(&c, IKEV2_PL_IDI, IKEV2_ID_FQDN, evil,
			       sizeof(evil) - 1) ||
	    ikev2_chain_add_auth(&c, IKEV2_AUTH_PSK, auth, sizeof(auth)))
		abort();
	len = fx_seal(sa, &c, IKEV2_EXCH_IKE_AUTH, false, 1, buf,
		      sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[0]);
}

/* The text of the status writers, as kespctl prints it. */
static char *status(struct fx *f, int which)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		abort();
	if (which == 2)
		iked_status_diagnose(f->d, &f->d->conns[0], m);
	else
		iked_status_write(f->d, m, which == 1);
	fclose(m);
	return text;
}

TEST(peer_id_before_auth_in_log_and_last_failure)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_INIT_DONE);
	char *log, *human, *json, *diag;

	send_auth(f, sa);
	log = fx_log(f);
	human = status(f, 0);
	json = status(f, 1);
	diag = status(f, 2);
	EXPECT_NE(NULL, strstr(log, "peer ID mismatch")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, shown)) TH_LOG("%s", log);
	EXPECT_TRUE(printable_lines(log));
	EXPECT_TRUE(no_forged_line(log)) TH_LOG("%s", log);
	/* The conn's last failure, in each view. */
	EXPECT_NE(NULL, strstr(human, shown)) TH_LOG("%s", human);
	EXPECT_TRUE(printable_lines(human));
	EXPECT_TRUE(no_forged_line(human));
	EXPECT_NE(NULL, strstr(diag, shown)) TH_LOG("%s", diag);
	EXPECT_TRUE(printable_lines(diag));
	EXPECT_TRUE(no_forged_line(diag));
	/* JSON: the same text, its backslashes escaped once more. */
	EXPECT_NE(NULL, strstr(json, "evil\\\\x0a01:02:03.004")) TH_LOG("%s", json);
	EXPECT_NE(NULL, strstr(json, "\\\\x1b[2J\\\\\\\\x41"));
	free(log);
	free(human);
	free(json);
	free(diag);
	fx_free(f);
}

TEST(peer_id_of_established_sa_in_ike_list)
{
	struct fx *f = fx_new();
	struct ike_sa *sa = fx_ike_sa(f, 0, false, IKE_ESTABLISHED);
	char *human, *json;

	set_fqdn(&sa->peer_id, evil, sizeof(evil) - 1);
	human = status(f, 0);
	json = status(f, 1);
	EXPECT_NE(NULL, strstr(human, shown)) TH_LOG("%s", human);
	EXPECT_TRUE(printable_lines(human));
	EXPECT_TRUE(no_forged_line(human));
	EXPECT_NE(NULL, strstr(json, "\"remote_id\":\"evil\\\\x0a01:02:03.004"))
		TH_LOG("%s", json);
	EXPECT_TRUE(printable_lines(json));
	free(human);
	free(json);
	fx_free(f);
}

TEST_HARNESS_MAIN
