/* SPDX-License-Identifier: GPL-2.0 */
/* The netlink fuzzer's request generator (nlfuzz_gen.c), seeded. */

#ifndef KESP_SELFTESTS_NLFUZZ_H
#define KESP_SELFTESTS_NLFUZZ_H

#include <stddef.h>
#include <stdint.h>

struct nlfuzz_gen {
	uint64_t s;		/* xorshift64* state, never 0 */
};

uint64_t nlfuzz_rand(struct nlfuzz_gen *g);
/* 0 .. n-1 */
uint32_t nlfuzz_below(struct nlfuzz_gen *g, uint32_t n);
/*
 * One request for the family @family into @buf: its length (0 if none
 * could be built). @encap_fd is a UDP socket of the caller's that an
 * ENCAP_SOCK request may name.
 */
size_t nlfuzz_request(struct nlfuzz_gen *g, int family, uint8_t *buf,
		      size_t cap, int encap_fd);

#endif /* KESP_SELFTESTS_NLFUZZ_H */
