/* sched_setaffinity on another thread moves it to its new CPU within a
 * bounded time: (A) a thread running alone on CPU a, re-pinned to CPU b,
 * leaves a (it used to run on there until it slept); (B) a thread sharing
 * CPU a with a spinner, re-pinned to CPU b where the main thread spins,
 * gets its turn on b (it used to wait on a's queue, where a would not run
 * it, for ever). With one CPU, a and b are the same and both hold at once. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int cpu_a, cpu_b;
static volatile int stop, worker_tid, worker_cpu = -1;

static void pin(int tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof set, &set))
		perror("sched_setaffinity");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	pin(0, cpu_a);
	worker_tid = gettid();
	while (!stop)
		worker_cpu = sched_getcpu();
	return arg;
}

static void *spinner(void *arg)
{
	pin(0, cpu_a);
	while (!stop)
		;
	return arg;
}

/* Re-pin the worker to b, then wait (sleeping or spinning) up to 10 s for
 * it to run there. */
static int moved(int sleep)
{
	double end;

	while (worker_cpu != cpu_a)
		usleep(1000);
	pin(worker_tid, cpu_b);
	end = now() + 10;
	while (now() < end) {
		if (worker_cpu == cpu_b) /* it ran there since it was on a */
			return 1;
		if (sleep)
			usleep(1000);
	}
	return 0;
}

int main(void)
{
	pthread_t w, s;
	cpu_set_t set;
	int n = 0;

	sched_getaffinity(0, sizeof set, &set);
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			*(n++ ? &cpu_b : &cpu_a) = c;
	if (n < 2)
		cpu_b = cpu_a;
	pin(0, cpu_b);

	pthread_create(&w, NULL, worker, NULL);
	printf("A: a running thread re-pinned reaches its new CPU: %s\n", moved(1) ? "yes" : "no");
	stop = 1;
	pthread_join(w, NULL);

	stop = 0;
	worker_cpu = -1;
	pthread_create(&s, NULL, spinner, NULL);
	pthread_create(&w, NULL, worker, NULL);
	printf("B: a thread behind a spinner re-pinned gets its turn: %s\n", moved(0) ? "yes" : "no");
	stop = 1;
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	return 0;
}
