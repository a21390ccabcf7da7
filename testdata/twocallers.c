/* twocallers: shared_work() is called from two callers, caller_a twice as often as
 * caller_b; fib() recurses.  With "double" as argument, hot_b's cost doubles.
 * usage: twocallers [SECONDS] [double] */
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile unsigned long sink;

__attribute__((noinline)) void shared_work(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 3;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void caller_a(void)
{
	shared_work(40000);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void caller_b(void)
{
	shared_work(20000);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void hot_b(int scale)
{
	for (int i = 0; i < 20000 * scale; i++)
		sink ^= (unsigned long)i;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) unsigned long fib(int n)
{
	return n < 2 ? (unsigned long)n : fib(n - 1) + fib(n - 2);
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
	int scale = argc > 2 && !strcmp(argv[2], "double") ? 2 : 1;
	while (now() < end) {
		caller_a();
		caller_b();
		hot_b(scale);
		sink += fib(12);
	}
	return 0;
}
