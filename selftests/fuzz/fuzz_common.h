/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fuzz target shares: its entry point, CHECK() (a broken
 * invariant is a crash, which is what the fuzzer reports) and, built
 * with -DFUZZ_DRIVER, a main() that replays the files named on the
 * command line once each, for compilers without libFuzzer. Include it
 * once, in the target's .c.
 */

#ifndef KESP_FUZZ_COMMON_H
#define KESP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);					\
			abort();					\
		}							\
	} while (0)

#ifdef FUZZ_DRIVER
int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET)) {
			perror(argv[i]);
			return 1;
		}
		/* exactly the file's size: reads past it are ASan reports */
		buf = malloc(n ? (size_t)n : 1);
		if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
#endif

#endif /* KESP_FUZZ_COMMON_H */
