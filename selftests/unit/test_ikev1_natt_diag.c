// SPDX-License-Identifier: GPL-2.0
/*
 * The IKEv1 NAT-T mismatch diagnosis (ikev1/natt.c v1_natt_diagnose)
 * between two in-process kesp-iked instances (ikev1_pair.h), A the
 * responder: when phase 1 is up without NAT-T (encapsulation=no on A, or
 * a B that offers no NAT-T), a B whose datagrams come from another port
 * than 500 (here B is bound to 2500, as a NAT's rewritten port) is an
 * error line naming the cause and the fix; a B whose ID is an IP address
 * other than the one it talks from is a warning. With NAT-T agreed, or
 * nothing odd, nothing is said.
 */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "ikev1_pair.h"
#pragma GCC diagnostic pop
#include "ikev1_conn.h"
#include "pair_sa.h"

FIXTURE(diag) {
	struct pair p;
	char why[256];
};

FIXTURE_VARIANT(diag) {
	const char *a_extra, *b_extra;	/* more conn lines of A, of B */
	bool b_id_address;		/* B is 10.9.9.9, not @b.example */
	bool b_port_2500;		/* B talks from 2500, not 500 */
	const char *line;		/* what A says, or NULL: nothing */
};

FIXTURE_VARIANT_ADD(diag, encapsulation_no_and_a_rewritten_port) {
	.a_extra = "\tencapsulation=no\n", .b_extra = "",
	.b_port_2500 = true,
	.line = "error: NAT-T mismatch: 127.0.0.2[2500] came from another port than 500: a NAT is in between, and this conn has encapsulation=no (the peer offered NAT-T): the tunnel may come up and pass nothing, as ESP cannot cross a NAT unencapsulated; set encapsulation=auto here",
};

FIXTURE_VARIANT_ADD(diag, peer_without_natt_and_a_rewritten_port) {
	.a_extra = "", .b_extra = "\tencapsulation=no\n",
	.b_port_2500 = true,
	.line = "error: NAT-T mismatch: 127.0.0.2[2500] came from another port than 500: a NAT is in between, and the peer does not do NAT traversal (no NAT-T Vendor ID)",
};

FIXTURE_VARIANT_ADD(diag, encapsulation_no_and_an_address_id_elsewhere) {
	.a_extra = "\tencapsulation=no\n", .b_extra = "",
	.b_id_address = true,
	.line = "warning: the peer's ID is 10.9.9.9 but it talks from 127.0.0.2[500]: a NAT is likely in between, and this conn has encapsulation=no (the peer offered NAT-T)",
};

FIXTURE_VARIANT_ADD(diag, natt_agreed_says_nothing) {
	.a_extra = "", .b_extra = "", .b_port_2500 = true,
};

FIXTURE_VARIANT_ADD(diag, encapsulation_no_without_a_nat_says_nothing) {
	.a_extra = "\tencapsulation=no\n", .b_extra = "",
};

/* B's socket on 127.0.0.2:2500 instead of 500, as a NAT would show it. */
static int b_on_2500(struct inst *b, char *why, size_t len)
{
	struct iked *d = b->d;

	close(d->net.fd4);
	d->net.fd4 = udp_bind("127.0.0.2", 2500);
	d->net.port = 2500;
	if (d->net.fd4 < 0) {
		snprintf(why, len, "bind 127.0.0.2:2500: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* @conf with B's ID @b.example replaced by 10.9.9.9 (in place). */
static void b_id_to_address(char *conf)
{
	char *at = strstr(conf, "id=@b.example\n");
	size_t tail;

	if (!at)
		return;
	at += strlen("id=");
	tail = strlen(at + strlen("@b.example"));
	memmove(at + strlen("10.9.9.9"), at + strlen("@b.example"), tail + 1);
	memcpy(at, "10.9.9.9", strlen("10.9.9.9"));
}

static const char secrets_address[] =
	"@a.example 10.9.9.9 : PSK \"" IKE_PSK "\"\n";

FIXTURE_SETUP(diag)
{
	const char *secrets = variant->b_id_address ? secrets_address :
						       secrets_ok;
	char ca[1024], cb[1024];
	int r;

	v1_conn(ca, sizeof(ca), true, NULL, NULL, variant->a_extra);
	v1_conn(cb, sizeof(cb), false, NULL, NULL, variant->b_extra);
	if (variant->b_id_address) {
		b_id_to_address(ca);
		b_id_to_address(cb);
	}
	r = pair_open(&self->p, ca, cb, secrets, secrets, self->why,
		      sizeof(self->why));
	if (r > 0)
		SKIP(exit(255), "%s", self->why);
	ASSERT_EQ(0, r) TH_LOG("%s", self->why);
	if (variant->b_port_2500)
		ASSERT_EQ(0, b_on_2500(&self->p.b, self->why,
				       sizeof(self->why))) TH_LOG("%s", self->why);
}

FIXTURE_TEARDOWN(diag)
{
	pair_teardown(&self->p, !_metadata->passed);
}

TEST_F(diag, said_once_by_the_responder_when_a_nat_shows)
{
	struct pair *p = &self->p;

	ASSERT_EQ(0, pair_initiate(&p->b));
	pair_settle(p, 5000);
	ASSERT_NE(NULL, live_sa(&p->a)) TH_LOG("phase 1 did not come up");
	if (variant->line) {
		EXPECT_EQ(1, log_count(p, &p->a, variant->line));
	} else {
		EXPECT_EQ(0, log_count(p, &p->a, "NAT-T mismatch"));
		EXPECT_EQ(0, log_count(p, &p->a, "a NAT is likely"));
	}
	/* The initiator cannot tell: its packets left from its own port. */
	EXPECT_EQ(0, log_count(p, &p->b, "NAT-T mismatch"));
}

TEST_HARNESS_MAIN
