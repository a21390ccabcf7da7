/* nofp: built with -fomit-frame-pointer; time goes to a qsort comparator under a
 * three-deep chain of the program's own functions, and to deep recursion when asked.
 * usage: nofp [SECONDS] [recurse DEPTH | narrow DEPTH [SPREAD]]  (recurse: 272-byte frames;
 * narrow: 16-byte frames, deeper than the frames an unwinder takes before its stack copy ends;
 * with SPREAD the depth goes round DEPTH .. DEPTH + SPREAD - 1) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	sink += x ^ y;
	return (x > y) - (x < y);
}

__attribute__((noinline)) static void chain_three(uint32_t *v, size_t n, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = (uint32_t)(*seed >> 33);
	}
	qsort(v, n, sizeof(*v), by_value);
	sink++; /* not a tail call: chain_three stays on the stack */
}

__attribute__((noinline)) static void chain_two(uint32_t *v, size_t n, uint64_t *seed)
{
	chain_three(v, n, seed);
	sink++;
}

__attribute__((noinline)) static void chain_one(uint32_t *v, size_t n, uint64_t *seed)
{
	chain_two(v, n, seed);
	sink++;
}

__attribute__((noinline)) static uint64_t deep(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (n <= 0) {
		uint64_t x = 0;
		for (int i = 0; i < 200000; i++)
			x += (uint64_t)i * (uint64_t)pad[0];
		return x;
	}
	return deep(n - 1) + pad[0];
}

/* Frames of 16 bytes (the return address and alignment): the call goes through a pointer the
 * compiler cannot see through, so it is neither inlined nor turned into a loop. */
static uint64_t narrow(int n);
static uint64_t (*volatile narrow_p)(int) = narrow;

__attribute__((noinline)) static uint64_t narrow(int n)
{
	if (n <= 0) {
		uint64_t x = 0;
		for (int i = 0; i < 200000; i++)
			x += (uint64_t)i * (uint64_t)sink;
		return x;
	}
	return narrow_p(n - 1) + 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double end = now() + (argc > 1 ? atof(argv[1]) : 1.0);
	int depth = argc > 3 && !strcmp(argv[2], "recurse") ? atoi(argv[3]) : -1;
	int narrow_depth = argc > 3 && !strcmp(argv[2], "narrow") ? atoi(argv[3]) : -1;
	int spread = narrow_depth >= 0 && argc > 4 ? atoi(argv[4]) : 1, turn = 0;
	size_t n = 4096;
	uint32_t *v = malloc(n * sizeof(*v));
	uint64_t seed = 1;
	while (now() < end) {
		if (depth >= 0)
			sink += deep(depth);
		else if (narrow_depth >= 0)
			sink += narrow_p(narrow_depth + (spread > 1 ? turn++ % spread : 0));
		else
			chain_one(v, n, &seed);
	}
	free(v);
	return 0;
}
