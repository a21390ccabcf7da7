/* phases: two named threads, one after the other: "early" spins for the first
 * SECONDS, then "late" spins for the next SECONDS.  usage: phases [SECONDS] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;
static double seconds = 0.6;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void early_work(void)
{
	for (int i = 0; i < 100000; i++)
		sink += (unsigned long)i;
}

__attribute__((noinline)) static void late_work(void)
{
	for (int i = 0; i < 100000; i++)
		sink ^= (unsigned long)i;
}

static void *early(void *arg)
{
	double end = now() + seconds;
	(void)arg;
	pthread_setname_np(pthread_self(), "early");
	while (now() < end)
		early_work();
	return NULL;
}

static void *late(void *arg)
{
	double end = now() + seconds;
	(void)arg;
	pthread_setname_np(pthread_self(), "late");
	while (now() < end)
		late_work();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	if (argc > 1)
		seconds = atof(argv[1]);
	pthread_create(&t, NULL, early, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, late, NULL);
	pthread_join(t, NULL);
	return 0;
}
