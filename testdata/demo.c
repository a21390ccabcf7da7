/* demo: a small program with a few distinct hot paths, for `make demo`.
 * Sorting with a comparator, hashing and a recursive tree walk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

__attribute__((noinline)) static void sort_numbers(uint32_t *v, size_t n, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = (uint32_t)(*seed >> 33);
	}
	qsort(v, n, sizeof(*v), compare_u32);
	sink++; /* not a tail call: sort_numbers stays on the stack, above qsort */
}

__attribute__((noinline)) static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

__attribute__((noinline)) static void hash_blocks(const unsigned char *buf, size_t n)
{
	for (size_t off = 0; off + 4096 <= n; off += 4096)
		sink += hash_bytes(buf + off, 4096);
}

__attribute__((noinline)) static uint64_t fib(int n)
{
	return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static void walk_tree(void)
{
	sink += fib(24);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	size_t n = 20000;
	uint32_t *v = malloc(n * sizeof(*v));
	unsigned char *buf = malloc(1 << 20);
	uint64_t seed = 42;
	struct timespec t0, t;

	memset(buf, 7, 1 << 20);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sort_numbers(v, n, &seed);
		hash_blocks(buf, 1 << 20);
		walk_tree();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	printf("demo: done (%llu)\n", (unsigned long long)(sink & 0xff));
	free(v);
	free(buf);
	return 0;
}
