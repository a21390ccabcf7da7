/* debugframe: built with -fomit-frame-pointer -fno-asynchronous-unwind-tables
 * -fno-unwind-tables -g, so its own functions have call frame information only
 * in .debug_frame (the .eh_frame that remains is the C runtime's).  Time goes
 * to a three-deep chain under main, each level with its own stack frame.
 * usage: debugframe [SECONDS] */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t df_inner(uint64_t seed, int rounds)
{
	volatile uint64_t scratch[8]; /* a frame of its own: the CFA is not rsp + 8 */
	uint64_t a = seed, b = seed ^ 0x9e3779b97f4a7c15ULL, c = 0;
	for (int i = 0; i < rounds; i++) {
		a = a * 6364136223846793005ULL + b;
		b ^= a >> 29;
		c += a ^ (b << 3);
		scratch[i & 7] = c;
	}
	return a ^ b ^ c ^ scratch[3];
}

__attribute__((noinline)) static uint64_t df_middle(uint64_t seed)
{
	volatile uint64_t pad[4];
	uint64_t t = 0;
	for (int i = 0; i < 4; i++) {
		pad[i] = df_inner(seed + (uint64_t)i, 20000);
		t += pad[i] * (uint64_t)(i + 1);
	}
	return t ^ pad[1];
}

__attribute__((noinline)) static uint64_t df_outer(uint64_t seed)
{
	volatile uint64_t pad[2];
	pad[0] = df_middle(seed);
	pad[1] = df_middle(pad[0]);
	return pad[0] + pad[1]; /* not a tail call: df_outer stays on the stack */
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
	uint64_t seed = 1;
	while (now() < end)
		sink += df_outer(seed++);
	return 0;
}
