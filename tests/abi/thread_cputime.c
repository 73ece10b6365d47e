/* Each thread's CPU-time clock counts its own time on a CPU: a thread that
 * sleeps 300 ms has used almost none, one that spins 300 ms of its own CPU
 * time has; the process's clock counts at least the spinner's. Printed as
 * verdicts, the same on any machine. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static double now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double sleeper_cpu, spinner_cpu;

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec d = {0, 300000000};
	double t0 = now(CLOCK_THREAD_CPUTIME_ID);
	nanosleep(&d, NULL);
	sleeper_cpu = now(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

static void *spinner(void *arg)
{
	(void)arg;
	double t0 = now(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;
	while (now(CLOCK_THREAD_CPUTIME_ID) - t0 < 0.3)
		x++;
	spinner_cpu = now(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	double p0 = now(CLOCK_PROCESS_CPUTIME_ID);
	pthread_create(&a, NULL, sleeper, NULL);
	pthread_create(&b, NULL, spinner, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	double process = now(CLOCK_PROCESS_CPUTIME_ID) - p0;
	printf("sleeping thread used under 50 ms: %s\n", sleeper_cpu < 0.05 ? "yes" : "no");
	printf("spinning thread used 300 ms to 1 s: %s\n",
	       spinner_cpu >= 0.3 && spinner_cpu < 1.0 ? "yes" : "no");
	printf("the process used at least the spinner's: %s\n",
	       process >= spinner_cpu - 0.01 ? "yes" : "no");
	return 0;
}
