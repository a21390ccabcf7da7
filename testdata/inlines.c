/* inlines: named threads whose hot loop is two functions inlined into a third, for export tests.
 * usage: inlines [SECONDS [THREADS]]
 * Each thread "work-N" runs outer_loop → (inlined) mix_step → (inlined) rotate_bits;
 * main runs main_only.  Build with -O2 -g so the inline chain is in DWARF. */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile uint64_t sink;
static double seconds = 1.0;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline __attribute__((always_inline)) uint64_t rotate_bits(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline __attribute__((always_inline)) uint64_t mix_step(uint64_t h, uint64_t i)
{
	h ^= i * 0x9e3779b97f4a7c15ULL;
	h = rotate_bits(h, 27) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 31);
}

__attribute__((noinline)) void outer_loop(void)
{
	uint64_t h = 1;
	for (uint64_t i = 0; i < 2000000; i++)
		h = mix_step(h, i);
	sink += h;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void main_only(void)
{
	for (unsigned long i = 0; i < 2000000; i++)
		sink += i * i;
	__asm__ volatile("" ::: "memory");
}

static void *worker(void *arg)
{
	char name[16];
	snprintf(name, sizeof(name), "work-%d", (int)(intptr_t)arg);
	pthread_setname_np(pthread_self(), name);
	double end = now() + seconds;
	while (now() < end)
		outer_loop();
	return NULL;
}

int main(int argc, char **argv)
{
	seconds = argc > 1 ? atof(argv[1]) : 1.0;
	int threads = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t tid[64];
	if (threads < 0 || threads > 64)
		threads = 1;
	for (int i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)(i + 1));
	double end = now() + seconds;
	while (now() < end)
		main_only();
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
