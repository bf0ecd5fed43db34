// SPDX-License-Identifier: GPL-2.0
/*
 * kesp-iked's reload (reload.c) in process, with the fixture's fake
 * kernel and UDP peers on loopback: conns matched by name; an unchanged
 * conn keeps its IKE SA, CHILD SA, kernel SAs, traps and reqid; a
 * removed one sends a Delete and loses its SAs; a changed one (esp= or
 * PSK) is taken down and started again; a new auto=start conn initiates.
 * A file with a mistake (ipsec.conf or ipsec.secrets) is refused whole
 * with FILE:LINE, and nothing running changes.
 */

#include <sys/stat.h>

#include "iked_fixture.h"
#include "kselftest_harness.h"
#include "iked/reload.h"
#include "iked/sa/child_sa.h"
#include "iked/crypto/auth/creds.h"
#include "iked/sa/timers.h"

/* One conn on peer 127.0.0.@PEER, subnets 10.@NET.0.0/16 <-> 10.@NET+100. */
static void conn_text(FILE *out, const char *name, int peer, int net,
		      const char *esp, const char *autostart)
{
	fprintf(out,
		"conn %s\n"
		"\tleft=127.0.0.1\n"
		"\tleftid=@us-%s.example\n"
		"\tleftsubnet=10.%d.0.0/16\n"
		"\tright=127.0.0.%d\n"
		"\trightid=@peer-%s.example\n"
		"\trightsubnet=10.%d.0.0/16\n"
		"\tauthby=secret\n"
		"\tike=aes128gcm16-prfsha256-ecp256!\n"
		"\tesp=%s!\n"
		"\tauto=%s\n\n",
		name, name, net, peer, name, net + 100, esp, autostart);
}

struct files {
	char dir[64], conf[96], secrets[96];
};

static void files_init(struct files *fs, struct iked *d)
{
	strcpy(fs->dir, "/tmp/kesp-unit-reload-XXXXXX");
	if (!mkdtemp(fs->dir))
		abort();
	snprintf(fs->conf, sizeof(fs->conf), "%s/ipsec.conf", fs->dir);
	snprintf(fs->secrets, sizeof(fs->secrets), "%s/ipsec.secrets", fs->dir);
	d->conf_path = fs->conf;
	d->secrets_path = fs->secrets;
}

static void files_free(struct files *fs, struct iked *d)
{
	unlink(fs->conf);
	unlink(fs->secrets);
	rmdir(fs->dir);
	iked_secrets_free(d->secrets);
	d->secrets = NULL;
	/* A reload reads ipsec.d (none here): an empty store. */
	iked_creds_free(d->creds);
	d->creds = NULL;
}

static void write_secrets(struct files *fs, const char *change_key)
{
	FILE *f = fopen(fs->secrets, "w");

	if (!f)
		abort();
	if (fchmod(fileno(f), 0600))
		abort();
	fprintf(f, "@us-keep.example @peer-keep.example : PSK \"keep key\"\n"
		   "@us-gone.example @peer-gone.example : PSK \"gone key\"\n"
		   "@us-esp.example @peer-esp.example : PSK \"esp key\"\n"
		   "@us-psk.example @peer-psk.example : PSK \"%s\"\n"
		   "@us-new.example @peer-new.example : PSK \"new key\"\n"
		   "@us-route.example @peer-route.example : PSK \"route key\"\n",
		   change_key);
	fclose(f);
}

/*
 * The first configuration: keep, gone, esp, psk on peers .2, .3, .4, .2
 * (auto=add), route (auto=route); @second: keep and route as they were,
 * gone removed, esp with AES-256, psk's key changed (by write_secrets),
 * new added with auto=start.
 */
static void write_conf(struct files *fs, bool second)
{
	FILE *f = fopen(fs->conf, "w");

	if (!f)
		abort();
	fprintf(f, "# reload test\n\n");
	/* Moved in the file: where a conn is written does not matter. */
	if (second)
		conn_text(f, "esp", 4, 3, "aes256gcm16", "add");
	conn_text(f, "keep", 2, 1, "aes128gcm16", "add");
	if (!second) {
		conn_text(f, "gone", 3, 2, "aes128gcm16", "add");
		conn_text(f, "esp", 4, 3, "aes128gcm16", "add");
	}
	conn_text(f, "psk", 2, 4, "aes128gcm16", "add");
	conn_text(f, "route", 3, 5, "aes128gcm16", "route");
	if (second)
		conn_text(f, "new", 4, 6, "aes128gcm16", "start");
	fclose(f);
}

/* The peer's answer to our CREATE_CHILD_SA: the offer accepted. */
static void child_answer(struct ike_sa *sa, struct ikev2_chain *c)
{
	static const uint8_t nonce[32] = { 1, 2, 3 };

	ikev2_chain_init(c);
	c->sa = v2(sa)->pend.offered;
	c->sa.prop[0].spi[0] = 0xab;
	c->sa.prop[0].spi[3] = 0xcd;
	if (ikev2_chain_add(c, IKEV2_PL_SA) ||
	    ikev2_chain_add_nonce(c, nonce, sizeof(nonce)))
		abort();
	c->tsi = v2(sa)->pend.tsi;
	c->tsr = v2(sa)->pend.tsr;
	if (ikev2_chain_add(c, IKEV2_PL_TSI) ||
	    ikev2_chain_add(c, IKEV2_PL_TSR))
		abort();
}

/* An established IKE SA of conn @name with peer @i, and a CHILD SA in it. */
static struct ike_sa *up(struct fx *f, const char *name, int i)
{
	struct ike_sa *sa = fx_ike_sa(f, i, true, IKE_ESTABLISHED);
	static struct ikev2_chain c;
	uint8_t buf[4096];
	size_t len;

	ike_sa_set_conn(sa, iked_conf_find(f->d->conf, name));
	if (child_create_start(sa, 0))
		abort();
	child_answer(sa, &c);
	len = fx_seal(sa, &c, IKEV2_EXCH_CREATE_CHILD_SA, true,
		      v2(sa)->next_req_id - 1, buf, sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[i]);
	if (!sa->children)
		abort();
	return sa;
}

static bool sa_alive(struct iked *d, const struct ike_sa *want)
{
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next)
		if (sa == want && sa->state != IKE_DEAD)
			return true;
	return false;
}

/* Datagrams waiting at peer @i (read and dropped). */
static unsigned int drain(struct fx *f, int i)
{
	uint8_t buf[4096];
	unsigned int n = 0;

	while (fx_peer_recv(f, i, buf, sizeof(buf)) >= 0)
		n++;
	return n;
}

/*
 * The IKE SAs of conn @name in the conf in force that are not dead (not
 * those of a conn of that name a reload replaced, still deleting).
 */
static unsigned int sas_of(struct iked *d, const char *name)
{
	const struct iked_conf_conn *cfg = iked_conf_find(d->conf, name);
	struct ike_sa *sa;
	unsigned int n = 0;

	for (sa = d->sas; sa; sa = sa->next)
		if (cfg && sa->conn == cfg && sa->state != IKE_DEAD)
			n++;
	return n;
}

/* @want is in the list, waiting for the answer to its Delete. */
static bool sa_deleting(struct iked *d, const struct ike_sa *want)
{
	struct ike_sa *sa;

	for (sa = d->sas; sa; sa = sa->next)
		if (sa == want)
			return sa->state == IKE_DELETING && sa->req_kind;
	return false;
}

/* The peer of @sa answers its Delete (an empty INFORMATIONAL response). */
static void answer_delete(struct fx *f, struct ike_sa *sa, int i)
{
	static struct ikev2_chain c;
	uint8_t buf[4096];
	size_t len;

	ikev2_chain_init(&c);
	len = fx_seal(sa, &c, IKEV2_EXCH_INFORMATIONAL, true,
		      v2(sa)->next_req_id - 1, buf, sizeof(buf));
	ikev2_recv(f->d, buf, len, &f->path[i]);
}

FIXTURE(reload) {
	struct fx *f;
	struct files fs;
};

FIXTURE_SETUP(reload)
{
	struct iked_reload_counts k;
	char msg[IKED_CONF_ERRLEN + 64];

	self->f = fx_new();
	files_init(&self->fs, self->f->d);
	write_conf(&self->fs, false);
	write_secrets(&self->fs, "psk key");
	/* From the fixture's one conn to ours: t goes, five come. */
	ASSERT_EQ(0, iked_reload(self->f->d, msg, sizeof(msg), &k));
	ASSERT_EQ(5, k.added);
	ASSERT_EQ(1, k.removed);
	ASSERT_EQ(5, self->f->d->n_conns);
}

FIXTURE_TEARDOWN(reload)
{
	files_free(&self->fs, self->f->d);
	fx_free(self->f);
}

TEST_F(reload, diff_keeps_unchanged_and_replaces_the_rest)
{
	struct iked *d = self->f->d;
	struct iked_reload_counts k;
	char msg[IKED_CONF_ERRLEN + 64], *log;
	struct ike_sa *keep, *gone, *esp, *psk, *sa;
	struct iked_conn *route;
	uint32_t keep_spi, keep_reqid, route_reqid, trap0;
	unsigned int sa_del, pol_add;
	size_t n_trap;

	keep = up(self->f, "keep", 0);
	gone = up(self->f, "gone", 1);
	esp = up(self->f, "esp", 2);
	psk = up(self->f, "psk", 0);
	route = iked_conn_by_name(d, "route");
	ASSERT_NE(NULL, route);
	ASSERT_LT(0, route->n_trap);
	keep_spi = keep->children->spi_in;
	keep_reqid = keep->children->reqid;
	route_reqid = route->reqid;
	n_trap = route->n_trap;
	trap0 = route->trap[0];
	drain(self->f, 0);
	drain(self->f, 1);
	drain(self->f, 2);
	sa_del = fake_kern.sa_del;
	pol_add = fake_kern.pol_add;
	fx_log_clear(self->f);

	write_conf(&self->fs, true);
	write_secrets(&self->fs, "a new psk key");
	ASSERT_EQ(0, iked_reload(d, msg, sizeof(msg), &k));
	EXPECT_EQ(1, k.added);
	EXPECT_EQ(1, k.removed);
	EXPECT_EQ(2, k.changed);
	EXPECT_EQ(2, k.unchanged);
	EXPECT_NE(NULL, strstr(msg, "added 1, removed 1, changed 2, unchanged 2"));
	/* No ipsec.d here: an empty store, said all the same. */
	EXPECT_NE(NULL, strstr(msg, "unchanged 2; credentials: 0 CA certificates, 0 end-entity certificates, 0 private keys, 0 CRLs"))
		TH_LOG("%s", msg);
	log = fx_log(self->f);
	EXPECT_NE(NULL, strstr(log, "added 1, removed 1, changed 2, unchanged 2"));
	free(log);

	/* keep: the same IKE SA and CHILD SA, now on the new conf. */
	ASSERT_TRUE(sa_alive(d, keep));
	EXPECT_EQ(iked_conf_find(d->conf, "keep"), keep->conn);
	EXPECT_EQ(iked_conn_by_name(d, "keep")->local, keep->local);
	ASSERT_NE(NULL, keep->children);
	EXPECT_EQ(keep_spi, keep->children->spi_in);
	EXPECT_EQ(keep_reqid, iked_conn_by_name(d, "keep")->reqid);
	EXPECT_EQ(iked_conn_by_name(d, "keep"), iked_conn_by_reqid(d, keep_reqid));
	/* route: its traps stay as they were; none installed again. */
	route = iked_conn_by_name(d, "route");
	EXPECT_EQ(route_reqid, route->reqid);
	EXPECT_EQ(n_trap, route->n_trap);
	EXPECT_EQ(trap0, route->trap[0]);

	/*
	 * gone, esp and psk: their CHILD SAs out of the kernel at once, a
	 * Delete to each of their peers, whose answers the IKE SAs wait
	 * for on the old conf, kept for them.
	 */
	ASSERT_TRUE(sa_deleting(d, gone));
	ASSERT_TRUE(sa_deleting(d, esp));
	ASSERT_TRUE(sa_deleting(d, psk));
	EXPECT_EQ(NULL, gone->children);
	EXPECT_EQ(NULL, esp->children);
	EXPECT_EQ(NULL, psk->children);
	EXPECT_NE(iked_conf_find(d->conf, "esp"), esp->conn);
	EXPECT_STREQ("gone", gone->conn->name);
	EXPECT_NE(NULL, d->retired);
	EXPECT_EQ(NULL, iked_conn_by_name(d, "gone"));
	/* Three CHILD SAs, two kernel SAs each. */
	EXPECT_EQ(sa_del + 6, fake_kern.sa_del);
	/* psk's Delete and keep's nothing at .2; gone's Delete at .3. */
	EXPECT_EQ(1, drain(self->f, 0));
	EXPECT_EQ(1, drain(self->f, 1));
	/* .4: esp's Delete (new's IKE_SA_INIT goes to port 500). */
	EXPECT_EQ(1, drain(self->f, 2));
	/* new: auto=start, initiated at once. */
	ASSERT_EQ(1, sas_of(d, "new"));
	for (sa = d->sas; sa->conn != iked_conf_find(d->conf, "new");
	     sa = sa->next)
		;
	EXPECT_TRUE(sa->initiator);
	EXPECT_EQ(IKE_INIT_SENT, sa->state);
	/* Changed conns with auto=add wait for the peer or kespctl. */
	EXPECT_EQ(0, sas_of(d, "esp"));
	EXPECT_EQ(0, sas_of(d, "psk"));
	/* Only new conns' reqids are new; no trap was installed again. */
	EXPECT_NE(keep_reqid, iked_conn_by_name(d, "new")->reqid);
	EXPECT_NE(route_reqid, iked_conn_by_name(d, "new")->reqid);
	EXPECT_EQ(pol_add, fake_kern.pol_add);
	EXPECT_EQ(5, d->n_conns);

	/* Answered: they end, and the old conf with the last of them. */
	answer_delete(self->f, gone, 1);
	answer_delete(self->f, esp, 2);
	EXPECT_FALSE(sa_alive(d, gone));
	EXPECT_FALSE(sa_alive(d, esp));
	ike_sa_reap(d);
	EXPECT_NE(NULL, d->retired);
	answer_delete(self->f, psk, 0);
	EXPECT_FALSE(sa_alive(d, psk));
	ike_sa_reap(d);
	EXPECT_EQ(NULL, d->retired);
	EXPECT_TRUE(sa_alive(d, keep));
}

/*
 * The Delete of a removed conn's IKE SA is lost: it goes again on the
 * retransmission schedule, and only the answer ends the IKE SA. Meanwhile
 * it still logs and retransmits with its old conf, which must be alive
 * (ASan). The one-shot Delete of old freed it at once.
 */
TEST_F(reload, removed_conn_retransmits_its_delete_until_answered)
{
	struct iked *d = self->f->d;
	struct iked_reload_counts k;
	char msg[IKED_CONF_ERRLEN + 64], *log;
	struct ike_sa *gone = up(self->f, "gone", 1);
	unsigned int sa_del = fake_kern.sa_del;
	iked_ms t;

	drain(self->f, 1);
	fx_log_clear(self->f);
	write_conf(&self->fs, true);
	ASSERT_EQ(0, iked_reload(d, msg, sizeof(msg), &k));
	EXPECT_EQ(1, k.removed);
	/* Its kernel SAs at once; the Delete lost on the way. */
	EXPECT_EQ(sa_del + 2, fake_kern.sa_del);
	EXPECT_EQ(1, drain(self->f, 1));
	ASSERT_TRUE(sa_deleting(d, gone));
	ASSERT_NE(0, gone->retx_at);

	t = gone->retx_at;
	iked_run_timers(d, t);
	ike_sa_reap(d);
	ASSERT_TRUE(sa_deleting(d, gone));
	EXPECT_EQ(1, gone->retx);
	EXPECT_EQ(1, drain(self->f, 1));
	/* The next one doubles, as for any request. */
	EXPECT_EQ(t + 2 * IKED_RETX_FIRST_MS, gone->retx_at);
	log = fx_log(self->f);
	EXPECT_NE(NULL, strstr(log, "gone[")) TH_LOG("log: %s", log);
	free(log);

	answer_delete(self->f, gone, 1);
	EXPECT_FALSE(sa_alive(d, gone));
	ike_sa_reap(d);
	EXPECT_EQ(NULL, d->retired);
	/* Nothing more to the peer. */
	iked_run_timers(d, t + 600000);
	EXPECT_EQ(0, drain(self->f, 1));
}

/*
 * Nobody answers: the IKE SA gives up as for any request, with the
 * failure on the retired conn; nothing of the conn starts again.
 */
TEST_F(reload, removed_conn_gives_up_without_an_answer)
{
	struct iked *d = self->f->d;
	struct iked_reload_counts k;
	char msg[IKED_CONF_ERRLEN + 64];
	struct ike_sa *gone = up(self->f, "gone", 1), *sa;
	unsigned int tries = 0;

	write_conf(&self->fs, true);
	ASSERT_EQ(0, iked_reload(d, msg, sizeof(msg), &k));
	while (sa_deleting(d, gone) && tries++ < 20) {
		iked_run_timers(d, gone->retx_at);
		ike_sa_reap(d);
	}
	EXPECT_FALSE(sa_alive(d, gone));
	EXPECT_EQ(IKED_RETX_TRIES + 1, tries);
	EXPECT_EQ(NULL, d->retired);
	/* Only new's IKE SA: none for a conn named gone. */
	for (sa = d->sas; sa; sa = sa->next)
		EXPECT_STRNE("gone", sa->conn->name);
}

TEST_F(reload, same_files_change_nothing)
{
	struct iked *d = self->f->d;
	struct iked_reload_counts k;
	char msg[IKED_CONF_ERRLEN + 64];
	struct ike_sa *keep = up(self->f, "keep", 0);
	unsigned int sa_del = fake_kern.sa_del;

	ASSERT_EQ(0, iked_reload(d, msg, sizeof(msg), &k));
	EXPECT_EQ(0, k.added + k.removed + k.changed);
	EXPECT_EQ(5, k.unchanged);
	EXPECT_TRUE(sa_alive(d, keep));
	EXPECT_EQ(sa_del, fake_kern.sa_del);
}

/* A reload of @conf_extra / @secrets_extra must be refused naming @where. */
static void refused(struct fx *f, struct files *fs, const char *conf_line,
		    const char *secrets_line, const char *where,
		    struct __test_metadata *_metadata)
{
	struct iked *d = f->d;
	const struct iked_conf *conf = d->conf;
	const struct iked_secrets *secrets = d->secrets;
	struct iked_conn *conns = d->conns;
	struct iked_reload_counts k = { 77, 77, 77, 77 };
	char msg[IKED_CONF_ERRLEN + 64], *log;
	struct ike_sa *keep = up(f, "keep", 0);
	unsigned int sa_del = fake_kern.sa_del;
	FILE *out;

	write_conf(fs, true);
	out = fopen(conf_line ? fs->conf : fs->secrets, "a");
	ASSERT_NE(NULL, out);
	fputs(conf_line ? conf_line : secrets_line, out);
	fclose(out);
	EXPECT_EQ(-EINVAL, iked_reload(d, msg, sizeof(msg), &k));
	EXPECT_NE(NULL, strstr(msg, where)) TH_LOG("message: %s", msg);
	log = fx_log(f);
	EXPECT_NE(NULL, strstr(log, "reload refused")) TH_LOG("log: %s", log);
	free(log);
	/* Nothing moved: the same objects, SAs, counts untouched. */
	EXPECT_EQ(conf, d->conf);
	EXPECT_EQ(secrets, d->secrets);
	EXPECT_EQ(conns, d->conns);
	EXPECT_EQ(5, d->n_conns);
	EXPECT_EQ(77, k.added);
	EXPECT_TRUE(sa_alive(d, keep));
	EXPECT_EQ(sa_del, fake_kern.sa_del);
	EXPECT_NE(NULL, iked_conn_by_name(d, "gone"));
	EXPECT_EQ(NULL, iked_conn_by_name(d, "new"));
}

TEST_F(reload, conf_mistake_is_refused_whole)
{
	char where[128];

	/*
	 * write_conf(second) writes 2 lines, then 5 conns of 12 lines:
	 * "conn broken" is line 63, the bad keyword 64.
	 */
	snprintf(where, sizeof(where), "%s:64:", self->fs.conf);
	refused(self->f, &self->fs, "conn broken\n\tleftbogus=1\n", NULL,
		where, _metadata);
}

TEST_F(reload, secrets_mistake_is_refused_whole)
{
	char where[128];

	snprintf(where, sizeof(where), "%s:7:", self->fs.secrets);
	refused(self->f, &self->fs, NULL, "@a @b : XAUTH \"x\"\n", where,
		_metadata);
}

TEST_HARNESS_MAIN
