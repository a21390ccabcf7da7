/* sleeper: blocks N times for a millisecond (context-switch samples land in nap()). */
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) void nap(void)
{
	struct timespec ts = { 0, 1000000 };
	nanosleep(&ts, NULL);
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	for (int i = 0; i < n; i++)
		nap();
	return 0;
}
