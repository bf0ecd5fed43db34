// SPDX-License-Identifier: GPL-2.0
/*
 * The requests of the netlink fuzzer: seeded, reproducible byte strings
 * for the kesp family. Half start from a well-formed request (SA or policy
 * from a small pool of SPIs and addresses, so that later requests find
 * what earlier ones made) and are then mutated; the other half are
 * attribute soup: random types, lengths, nesting and extreme values.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>

#include "common/kesp_msg.h"
#include "nlfuzz.h"

uint64_t nlfuzz_rand(struct nlfuzz_gen *g)
{
	/* xorshift64*: small, fast, and the same sequence for a seed. */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * 0x2545F4914F6CDD1DULL;
}

uint32_t nlfuzz_below(struct nlfuzz_gen *g, uint32_t n)
{
	return n ? (uint32_t)(nlfuzz_rand(g) % n) : 0;
}

static int chance(struct nlfuzz_gen *g, unsigned int percent)
{
	return nlfuzz_below(g, 100) < percent;
}

/* Values at the edges, where length and range checks live. */
static uint64_t extreme(struct nlfuzz_gen *g)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255,
		256, 1023, 1024, 4096, 65535, 65536, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff, 0x100000000ULL, ~0ULL >> 1, ~0ULL,
	};

	if (chance(g, 30))
		return nlfuzz_rand(g);
	return v[nlfuzz_below(g, sizeof(v) / sizeof(v[0]))];
}

/* One of four addresses of each family, or (rarely) anything. */
static void pool_addr(struct nlfuzz_gen *g, int family, struct kesp_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (chance(g, 5)) {
		for (int i = 0; i < 16; i++)
			a->bytes[i] = nlfuzz_rand(g);
		return;
	}
	if (family == AF_INET) {
		a->bytes[0] = 10;
		a->bytes[3] = 1 + nlfuzz_below(g, 4);
	} else {
		a->bytes[0] = 0xfd;
		a->bytes[15] = 1 + nlfuzz_below(g, 4);
	}
}

static void pool_sel(struct nlfuzz_gen *g, int family, struct kesp_sel *s)
{
	kesp_sel_any(s, family);
	if (chance(g, 60)) {
		pool_addr(g, family, &s->src.addr);
		s->src.plen = family == AF_INET ? 32 : 128;
	}
	if (chance(g, 60)) {
		pool_addr(g, family, &s->dst.addr);
		s->dst.plen = chance(g, 50) ? 0 : family == AF_INET ? 32 : 128;
		if (!s->dst.plen)
			memset(s->dst.addr.bytes, 0, 16);
	}
	if (chance(g, 40)) {
		static const uint8_t protos[] = { 1, 6, 17, 58, 50, 132, 255 };

		s->proto = protos[nlfuzz_below(g, sizeof(protos))];
		s->dport.min = nlfuzz_below(g, 65536);
		s->dport.max = chance(g, 80) ? s->dport.min : extreme(g);
		s->sport.max = 65535;
	}
}

/* One field of @sa set to an edge value: what a range check must catch. */
static void corrupt_sa(struct nlfuzz_gen *g, struct kesp_sa *sa)
{
	uint64_t v = extreme(g);

	switch (nlfuzz_below(g, 12)) {
	case 0: sa->spi = v; break;
	case 1: sa->dir = v; break;
	case 2: sa->mode = v; break;
	case 3: sa->family = v; break;
	case 4: sa->enc = v; break;
	case 5: sa->enc_key_len = v % 80; break;
	case 6: sa->integ = v; break;
	case 7: sa->replay_window = v; break;
	case 8: sa->flags = v; break;
	case 9: sa->lft[nlfuzz_below(g, __KESP_LFT_A_MAX)] = v; break;
	case 10: sa->encap_dport = v; break;
	default: sa->present = nlfuzz_rand(g); break;
	}
}

/*
 * A well-formed SA from the pool (a transform the module takes, keys of
 * the right length), then, half of the time, one field off.
 */
static void rand_sa(struct nlfuzz_gen *g, struct kesp_sa *sa)
{
	static const uint16_t ok[][4] = {
		{ 20, 20, 0, 0 }, { 20, 36, 0, 0 }, { 28, 36, 0, 0 },
		{ 16, 19, 0, 0 }, { 12, 16, 12, 32 }, { 3, 24, 2, 20 },
		{ 11, 0, 14, 64 },
	};
	const uint16_t *t = ok[nlfuzz_below(g, 7)];
	int family = chance(g, 70) ? AF_INET : AF_INET6;

	memset(sa, 0, sizeof(*sa));
	sa->present = ~0U;
	sa->spi = 0x100 + nlfuzz_below(g, 16);
	sa->dir = 1 + nlfuzz_below(g, 2);
	sa->mode = 1 + nlfuzz_below(g, 2);
	sa->family = family;
	pool_addr(g, family, &sa->src);
	pool_addr(g, family, &sa->dst);
	pool_sel(g, family, &sa->sel);
	sa->enc = t[0];
	sa->enc_key_len = t[1];
	sa->integ = t[2];
	sa->integ_key_len = t[3];
	for (int i = 0; i < KESP_KEY_MAX; i++) {
		sa->enc_key[i] = nlfuzz_rand(g);
		sa->integ_key[i] = nlfuzz_rand(g);
	}
	sa->replay_window = 32;
	sa->flags = nlfuzz_below(g, 2);
	sa->reqid = nlfuzz_below(g, 4);
	if (chance(g, 20))
		sa->lft[nlfuzz_below(g, __KESP_LFT_A_MAX)] =
			1 + nlfuzz_below(g, 100);
	if (chance(g, 30)) {
		sa->encap_sport = 4500;
		sa->encap_dport = 4500 + nlfuzz_below(g, 4);
	} else {
		sa->present &= ~(KESP_BIT(KESP_SA_A_ENCAP_SPORT) |
				 KESP_BIT(KESP_SA_A_ENCAP_DPORT));
	}
	/* What the uapi allows for the direction only. */
	if (sa->dir != KESP_DIR_IN)
		sa->present &= ~KESP_BIT(KESP_SA_A_REPLAY_WINDOW);
	if (sa->dir != KESP_DIR_OUT)
		sa->present &= ~KESP_BIT(KESP_SA_A_SEQ);
	if (chance(g, 80))
		sa->present &= ~(KESP_BIT(KESP_SA_A_NEW_SRC) |
				 KESP_BIT(KESP_SA_A_NEW_DST));
	sa->spi_min = 0x100;
	sa->spi_max = 0x10f;
	pool_addr(g, family, &sa->new_src);
	pool_addr(g, family, &sa->new_dst);
	if (chance(g, 50))
		corrupt_sa(g, sa);
}

/* A well-formed policy from the pool, then, half of the time, one field off. */
static void rand_policy(struct nlfuzz_gen *g, struct kesp_policy *p)
{
	int family = chance(g, 70) ? AF_INET : AF_INET6;
	uint64_t v;

	memset(p, 0, sizeof(*p));
	p->present = ~0U;
	p->id = 1 + nlfuzz_below(g, 64);
	p->dir = 1 + nlfuzz_below(g, KESP_DIR_MAX);
	pool_sel(g, family, &p->sel);
	p->action = 1 + nlfuzz_below(g, KESP_ACTION_MAX);
	p->priority = nlfuzz_below(g, 8);
	p->tmpl.present = ~0U;
	p->tmpl.mode = 1 + nlfuzz_below(g, 2);
	p->tmpl.family = family;
	pool_addr(g, family, &p->tmpl.src);
	pool_addr(g, family, &p->tmpl.dst);
	p->tmpl.reqid = nlfuzz_below(g, 4);
	if (p->action != KESP_ACTION_PROTECT)
		p->present &= ~KESP_BIT(KESP_POL_A_TMPL);
	if (chance(g, 70))
		p->present &= ~KESP_BIT(KESP_POL_A_MSS);
	else
		p->mss = chance(g, 50) ? 0 : 536 + nlfuzz_below(g, 1000);
	if (chance(g, 50))
		return;
	v = extreme(g);
	switch (nlfuzz_below(g, 8)) {
	case 0: p->dir = v; break;
	case 1: p->action = v; break;
	case 2: p->priority = v; break;
	case 3: p->tmpl.mode = v; break;
	case 4: p->tmpl.family = v; break;
	case 5: p->mss = v; break;
	case 6: p->tmpl.present = nlfuzz_rand(g); break;
	default: p->present = nlfuzz_rand(g); break;
	}
}

/* Random attributes, nested up to @depth levels. */
static void soup(struct nlfuzz_gen *g, struct nl_msg *msg, int maxtype,
		 int depth)
{
	unsigned int n = 1 + nlfuzz_below(g, 6);
	uint8_t payload[300];

	while (n--) {
		int type = nlfuzz_below(g, maxtype + 3);

		if (depth && chance(g, 35)) {
			struct nlattr *nest = nla_nest_start(msg, type);

			if (!nest)
				return;
			soup(g, msg, 24, depth - 1);
			nla_nest_end(msg, nest);
			continue;
		}
		if (chance(g, 60)) {
			uint64_t v = extreme(g);
			static const int sizes[] = { 1, 2, 4, 8 };
			int sz = sizes[nlfuzz_below(g, 4)];

			memcpy(payload, &v, sz);
			nla_put(msg, type, sz, payload);
			continue;
		}
		unsigned int len = nlfuzz_below(g, sizeof(payload));

		for (unsigned int i = 0; i < len; i++)
			payload[i] = nlfuzz_rand(g);
		nla_put(msg, type, chance(g, 50) ? len % 20 : len, payload);
	}
}

static uint32_t pol_send(int cmd)
{
	switch (cmd) {
	case KESP_CMD_POLICY_NEW:
		return KESP_POL_SEND_NEW;
	case KESP_CMD_POLICY_FLUSH:
		return KESP_POL_SEND_FLUSH;
	default:
		return KESP_POL_SEND_ID;
	}
}

/* What a well-formed request of @cmd carries, per the uapi. */
static uint32_t sa_send(int cmd)
{
	switch (cmd) {
	case KESP_CMD_SA_NEW:
		return KESP_SA_SEND_NEW;
	case KESP_CMD_SA_UPDATE:
		return KESP_SA_SEND_UPDATE;
	case KESP_CMD_SA_FLUSH:
		return KESP_SA_SEND_FLUSH;
	case KESP_CMD_SPI_ALLOC:
		return KESP_SA_SEND_SPI_ALLOC;
	default:
		return KESP_SA_SEND_ID;
	}
}

static void valid_body(struct nlfuzz_gen *g, struct nl_msg *msg, int cmd,
		       int encap_fd)
{
	struct kesp_sa sa;
	struct kesp_policy pol;

	switch (cmd) {
	case KESP_CMD_POLICY_NEW:
	case KESP_CMD_POLICY_DEL:
	case KESP_CMD_POLICY_GET:
	case KESP_CMD_POLICY_FLUSH:
		rand_policy(g, &pol);
		kesp_msg_put_policy(msg, &pol, chance(g, 80) ?
				    pol_send(cmd) : pol.present);
		break;
	case KESP_CMD_ENCAP_SOCK:
		nla_put_u32(msg, KESP_A_ENCAP_FD,
			    chance(g, 80) ? (uint32_t)encap_fd :
			    (uint32_t)extreme(g));
		break;
	case KESP_CMD_STATS_RESET:
	case KESP_CMD_GET_INFO:
	case KESP_CMD_STATS_GET:
		if (chance(g, 20))
			soup(g, msg, KESP_A_MAX, 1);
		break;
	default:
		rand_sa(g, &sa);
		kesp_msg_put_sa(msg, &sa, chance(g, 80) ? sa_send(cmd) :
				sa.present);
		break;
	}
}

/* Flip, overwrite, shorten or lengthen what a request carries. */
static size_t mutate(struct nlfuzz_gen *g, uint8_t *buf, size_t len,
		     size_t cap)
{
	const size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int n = 1 + nlfuzz_below(g, 4);

	while (n-- && len > hdr) {
		size_t off = hdr + nlfuzz_below(g, len - hdr);

		switch (nlfuzz_below(g, 5)) {
		case 0:
			buf[off] ^= 1 << nlfuzz_below(g, 8);
			break;
		case 1:	/* an nla_len or nla_type, aligned as attributes are */
			off &= ~(size_t)3;
			if (off + 4 <= len) {
				uint16_t v = extreme(g);

				memcpy(buf + off + 2 * nlfuzz_below(g, 2), &v, 2);
			}
			break;
		case 2:
			len = off;
			break;
		case 3: {
			size_t more = nlfuzz_below(g, 64);

			if (len + more <= cap) {
				for (size_t i = 0; i < more; i++)
					buf[len + i] = nlfuzz_rand(g);
				len += more;
			}
			break;
		}
		default:
			buf[off] = extreme(g);
			break;
		}
	}
	return len;
}

size_t nlfuzz_request(struct nlfuzz_gen *g, int family, uint8_t *buf,
		      size_t cap, int encap_fd)
{
	struct nl_msg *msg = nlmsg_alloc_size(cap);
	int cmd = chance(g, 97) ? 1 + nlfuzz_below(g, KESP_CMD_MAX) :
		  nlfuzz_below(g, 256);
	int flags = NLM_F_REQUEST | NLM_F_ACK;
	struct nlmsghdr *nlh;
	size_t len;

	if (!msg)
		return 0;
	if ((cmd == KESP_CMD_SA_GET || cmd == KESP_CMD_POLICY_GET) &&
	    chance(g, 50))
		flags |= NLM_F_DUMP;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, chance(g, 95) ? 1 : nlfuzz_below(g, 256))) {
		nlmsg_free(msg);
		return 0;
	}
	if (chance(g, 50))
		valid_body(g, msg, cmd, encap_fd);
	else
		soup(g, msg, KESP_A_MAX, 3);
	nlh = nlmsg_hdr(msg);
	len = nlh->nlmsg_len < cap ? nlh->nlmsg_len : cap;
	memcpy(buf, nlh, len);
	nlmsg_free(msg);
	if (chance(g, 50))
		len = mutate(g, buf, len, cap);
	((struct nlmsghdr *)buf)->nlmsg_len = len;
	return len;
}
