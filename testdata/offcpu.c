/* Off-CPU workload with known answers (tests/e2e/offcpu.sh).
 *
 *   offcpu waits:   thread "sleeper" sleeps 10 x 100 ms in sleep_long() and 10 x 40 ms in
 *                   sleep_short(); "piperd" waits in pipe_wait() for "pipewr", which computes
 *                   ~5 ms and then writes in pipe_write_one(), 20 times; "mtxwait" waits in
 *                   mutex_wait() for the mutex "mtxhold" holds 10 x 20 ms in mutex_hold().
 *                   Each waiter prints the time it measured itself waiting:
 *                   "blocked THREAD SECONDS".
 *   offcpu wall:    thread "walltest" computes until it has used 0.3 s of CPU (its own CPU
 *                   clock, however slow the machine), then sleeps 0.7 s; prints
 *                   "cpu SECONDS" and "wall SECONDS".
 *   offcpu preempt N: N threads "spinN" spin for 1 s of wall time each (more runnable
 *                   threads than CPUs: they take turns, preempted).
 *   offcpu switch SECONDS: two threads "ping"/"pong" hand a token over pipes as fast as they
 *                   can for SECONDS (a context-switch-heavy load for the benchmark); prints
 *                   "switches N".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __attribute__((noinline)) nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts))
		;
}

/* Spin until this thread has used `sec` seconds of CPU. */
static void __attribute__((noinline)) compute(double sec)
{
	double end = now_s(CLOCK_THREAD_CPUTIME_ID) + sec;
	while (now_s(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 20000; i++)
			sink += (unsigned long)i * 7;
}

static void __attribute__((noinline)) sleep_long(void)
{
	for (int i = 0; i < 10; i++)
		nap(100);
}

static void __attribute__((noinline)) sleep_short(void)
{
	for (int i = 0; i < 10; i++)
		nap(40);
}

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	sleep_long();
	sleep_short();
	return NULL;
}

static int pfd[2];
#define PIPE_ROUNDS 20

static void __attribute__((noinline)) pipe_write_one(void)
{
	char c = 'x';
	if (write(pfd[1], &c, 1) != 1)
		exit(1);
}

static void *pipewr(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "pipewr");
	for (int i = 0; i < PIPE_ROUNDS; i++) {
		compute(0.005);
		pipe_write_one();
	}
	return NULL;
}

static double __attribute__((noinline)) pipe_wait(void)
{
	char c;
	double t0 = now_s(CLOCK_MONOTONIC);
	if (read(pfd[0], &c, 1) != 1)
		exit(1);
	return now_s(CLOCK_MONOTONIC) - t0;
}

static void *piperd(void *arg)
{
	double *waited = arg;
	pthread_setname_np(pthread_self(), "piperd");
	for (int i = 0; i < PIPE_ROUNDS; i++)
		*waited += pipe_wait();
	return NULL;
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t go_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int held;

static void __attribute__((noinline)) mutex_hold(void)
{
	pthread_mutex_lock(&mtx);
	pthread_mutex_lock(&go_mtx);
	held++;
	pthread_cond_signal(&go_cond);
	pthread_mutex_unlock(&go_mtx);
	nap(20);
	pthread_mutex_unlock(&mtx);
}

static void *mtxhold(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "mtxhold");
	for (int i = 0; i < 10; i++) {
		mutex_hold();
		nap(2); /* let the waiter take it */
	}
	return NULL;
}

static double __attribute__((noinline)) mutex_wait(void)
{
	double t0 = now_s(CLOCK_MONOTONIC);
	pthread_mutex_lock(&mtx);
	double w = now_s(CLOCK_MONOTONIC) - t0;
	pthread_mutex_unlock(&mtx);
	return w;
}

static void *mtxwait(void *arg)
{
	double *waited = arg;
	pthread_setname_np(pthread_self(), "mtxwait");
	for (int i = 0; i < 10; i++) {
		/* Wait until the holder has the lock, then queue for it. */
		pthread_mutex_lock(&go_mtx);
		while (held <= i)
			pthread_cond_wait(&go_cond, &go_mtx);
		pthread_mutex_unlock(&go_mtx);
		*waited += mutex_wait();
	}
	return NULL;
}

static void run_waits(void)
{
	pthread_t t[5];
	double pipe_waited = 0, mtx_waited = 0;
	if (pipe(pfd))
		exit(1);
	pthread_create(&t[0], NULL, sleeper, NULL);
	pthread_create(&t[1], NULL, piperd, &pipe_waited);
	pthread_create(&t[2], NULL, pipewr, NULL);
	pthread_create(&t[3], NULL, mtxwait, &mtx_waited);
	pthread_create(&t[4], NULL, mtxhold, NULL);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	printf("blocked piperd %.6f\nblocked mtxwait %.6f\n", pipe_waited, mtx_waited);
}

static void *walltest(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "walltest");
	double w0 = now_s(CLOCK_MONOTONIC);
	compute(0.3);
	nap(700);
	printf("cpu %.6f\nwall %.6f\n", now_s(CLOCK_THREAD_CPUTIME_ID), now_s(CLOCK_MONOTONIC) - w0);
	return NULL;
}

static void *spin(void *arg)
{
	char name[16];
	snprintf(name, sizeof(name), "spin%ld", (long)(size_t)arg);
	pthread_setname_np(pthread_self(), name);
	double end = now_s(CLOCK_MONOTONIC) + 1.0;
	while (now_s(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 20000; i++)
			sink += (unsigned long)i;
	return NULL;
}

static int ping[2], pong[2];
static volatile int stop;

static void *ponger(void *arg)
{
	char c;
	(void)arg;
	pthread_setname_np(pthread_self(), "pong");
	while (read(ping[0], &c, 1) == 1 && c == 'p')
		if (write(pong[1], &c, 1) != 1)
			break;
	return NULL;
}

static void run_switch(double sec)
{
	pthread_t t;
	char c = 'p';
	unsigned long n = 0;
	if (pipe(ping) || pipe(pong))
		exit(1);
	pthread_setname_np(pthread_self(), "ping");
	pthread_create(&t, NULL, ponger, NULL);
	double end = now_s(CLOCK_MONOTONIC) + sec;
	while (now_s(CLOCK_MONOTONIC) < end) {
		for (int i = 0; i < 100; i++, n++)
			if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
				exit(1);
	}
	c = 'q';
	if (write(ping[1], &c, 1) != 1)
		exit(1);
	pthread_join(t, NULL);
	printf("switches %lu\n", 2 * n);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "waits";
	pthread_t t[64];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "waits")) {
		run_waits();
	} else if (!strcmp(mode, "wall")) {
		pthread_create(&t[0], NULL, walltest, NULL);
		pthread_join(t[0], NULL);
	} else if (!strcmp(mode, "preempt")) {
		long n = argc > 2 ? atol(argv[2]) : 4;
		if (n < 1 || n > 64)
			n = 4;
		for (long i = 0; i < n; i++)
			pthread_create(&t[i], NULL, spin, (void *)(size_t)i);
		for (long i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	} else if (!strcmp(mode, "switch")) {
		run_switch(argc > 2 ? atof(argv[2]) : 1.0);
	} else {
		fprintf(stderr, "usage: offcpu [waits|wall|preempt N|switch SECONDS]\n");
		return 2;
	}
	return 0;
}
