/* The process ends by main's exit while another thread runs a hot
 * function (under the JIT, with synchronous compiles, that thread is then
 * making its compile itself: the exit must not wait for it). Natively the
 * worker never ends; main's exit(7) ends it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile unsigned long sink;

static unsigned long step(unsigned long s, unsigned long k)
{
	for (unsigned long i = 0; i < 500; i++)
		s = s * 2862933555777941757ul + (i ^ k);
	return s;
}

static void *worker(void *arg)
{
	(void)arg;
	unsigned long s = 1;
	for (unsigned long k = 0;; k++)
		sink = s = step(s, k);
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	usleep(500000);
	printf("main leaves while the worker works\n");
	exit(7);
}
