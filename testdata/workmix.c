/* workmix: one round of work is big_work, mid_work (through mid_caller) and
 * small_work in the proportion 50 : 30 : 20; with "double", mid_work does
 * twice as much per round.
 *
 *   workmix ROUNDS [double]           a fixed amount of work: ROUNDS rounds, then exit
 *   workmix --paced SECONDS [double]  15 rounds every 10 ms for SECONDS (0: until
 *                                     killed), sleeping in between: the work per
 *                                     second is fixed (about a third of a CPU at
 *                                     -O0), not the CPU time it gets; each tick
 *                                     starts with a random bit of jitter_work
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UNIT 20000

static volatile unsigned long sink;

__attribute__((noinline)) void big_work(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 3;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void mid_work(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 3;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void mid_caller(int scale)
{
	mid_work(3 * UNIT * scale);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void small_work(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 3;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void one_round(int scale)
{
	big_work(5 * UNIT);
	mid_caller(scale);
	small_work(2 * UNIT);
	__asm__ volatile("" ::: "memory");
}

/*
 * Paced mode: a random amount of work (under one round) before each tick's
 * rounds.  A sampling timer that restarts when the process wakes would
 * otherwise hit the same points of every round (the rounds are as regular as
 * the timer), and the functions there would get more than their share.
 */
__attribute__((noinline)) void jitter_work(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 3;
	__asm__ volatile("" ::: "memory");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int paced = argc > 1 && !strcmp(argv[1], "--paced");
	int a = paced ? 2 : 1;
	double n = argc > a ? atof(argv[a]) : 1000;
	int scale = argc > a + 1 && !strcmp(argv[a + 1], "double") ? 2 : 1;

	if (!paced) {
		for (long r = 0; r < (long)n; r++)
			one_round(scale);
		return 0;
	}
	/* Ticks on a fixed schedule: a late round is made up, not dropped. */
	double start = now(), next = start;
	unsigned long rng = (unsigned long)getpid() * 2654435761ul + (unsigned long)(start * 1e9);
	while (n <= 0 || now() - start < n) {
		rng = rng * 6364136223846793005ul + 1442695040888963407ul;
		jitter_work((int)((rng >> 33) % (10 * UNIT)));
		for (int k = 0; k < 15; k++)
			one_round(scale);
		next += 0.010;
		double wait = next - now();
		if (wait > 0) {
			struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}
