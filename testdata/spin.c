/* spin: a CPU-bound workload with a known call chain, for recording tests.
 * usage: spin [SECONDS [THREADS]]  — every thread runs spin_top → spin_mid → spin_leaf. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;
static double seconds = 1.0;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) void spin_leaf(void)
{
	for (unsigned long i = 0; i < 200000; i++)
		sink += i * i;
}

__attribute__((noinline)) void spin_mid(void)
{
	spin_leaf();
	__asm__ volatile("" ::: "memory"); /* keep the call from becoming a tail jump */
}

__attribute__((noinline)) void spin_top(void)
{
	spin_mid();
	__asm__ volatile("" ::: "memory");
}

static void *worker(void *arg)
{
	double end = now() + seconds;
	(void)arg;
	while (now() < end)
		spin_top();
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1;
	if (argc > 1)
		seconds = atof(argv[1]);
	if (argc > 2)
		threads = atoi(argv[2]);
	if (threads <= 1) {
		worker(NULL);
		return 0;
	}
	pthread_t *t = calloc((size_t)threads, sizeof(*t));
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}
