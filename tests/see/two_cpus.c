/*
 * Two threads, each pinned to a CPU of its own and spinning in a function
 * of its own for the same number of steps: a profiler that samples every
 * CPU finds both, in about equal shares (bareflow run --cpus 2 --sample).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static long steps = 60000000;

__attribute__((noinline)) static unsigned long spin_a(void)
{
	unsigned long x = 1;
	for (long i = 0; i < steps; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

__attribute__((noinline)) static unsigned long spin_b(void)
{
	unsigned long x = 3;
	for (long i = 0; i < steps; i++)
		x = x * 2862933555777941757ul + 3037000493ul;
	return x;
}

static void *run(void *arg)
{
	long cpu = (long)arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		perror("sched_setaffinity");
	unsigned long r = cpu ? spin_b() : spin_a();
	return (void *)r;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	void *r[2];
	if (argc > 1)
		steps = atol(argv[1]);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, run, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], &r[i]);
	printf("%lx %lx\n", (unsigned long)r[0], (unsigned long)r[1]);
	return 0;
}
