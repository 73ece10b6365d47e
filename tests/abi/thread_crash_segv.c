/* A thread's segmentation fault ends the process (139) while the other
 * threads sleep or spin, with the report naming the faulting function. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *spin(void *arg)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
	return arg;
}

__attribute__((noinline)) static void thread_writes_null(volatile int *p) { *p = 42; }

static void *crash(void *arg)
{
	usleep(10000);
	thread_writes_null((volatile int *)arg);
	return NULL;
}

int main(void)
{
	pthread_t s, c;

	printf("starting\n");
	fflush(stdout);
	pthread_create(&s, NULL, spin, NULL);
	pthread_create(&c, NULL, crash, (void *)16);
	pthread_join(c, NULL);
	printf("not reached\n");
	return 0;
}
