/* The process ends when its last thread does, as natively: main calls
 * pthread_exit while a worker runs; the worker joins main, cancels a
 * thread of its own, and leaves by pthread_exit while a third thread
 * waits for it. The third returns last: its thread-specific destructor
 * runs, then the exit handlers (exit(0), as libc calls it, on that thread:
 * its thread-local variable still holds what it wrote), and stdout,
 * written out only by that exit, holds all of it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_t main_thread, first_worker;
static pthread_key_t key;
static __thread int mine = 7;

static unsigned mix(unsigned h, unsigned v)
{
	return (h ^ v) * 16777619u;
}

static unsigned work(unsigned seed)
{
	unsigned h = 2166136261u;
	for (unsigned i = 0; i < 300000; i++)
		h = mix(h, seed + i);
	return h;
}

static void destructor(void *value)
{
	printf("destructor: %s\n", (const char *)value);
}

static void on_end(int status, void *arg)
{
	printf("on_exit: status %d, %s, the thread's variable %d\n", status, (const char *)arg,
	       mine);
}

static void *waits_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause(); /* a cancellation point */
	return NULL;
}

static void *last(void *arg)
{
	(void)arg;
	pthread_setspecific(key, "the last thread's");
	mine = 42;
	void *result;
	if (pthread_join(first_worker, &result))
		printf("cannot join the first worker\n");
	printf("last: the first worker left with %ld; work %08x\n", (long)result, work(3));
	return NULL;
}

static void *first(void *arg)
{
	(void)arg;
	pthread_setspecific(key, "the first worker's");
	if (pthread_join(main_thread, NULL))
		printf("cannot join main\n");
	printf("first: main has ended; work %08x\n", work(1));
	pthread_t t;
	void *result;
	if (pthread_create(&t, NULL, waits_forever, NULL) || pthread_cancel(t) ||
	    pthread_join(t, &result))
		printf("cannot cancel a thread\n");
	printf("first: a thread cancelled: %s\n", result == PTHREAD_CANCELED ? "yes" : "no");
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, last, NULL))
		printf("cannot start the last thread\n");
	printf("first: work %08x\n", work(2));
	pthread_exit((void *)42);
}

int main(void)
{
	if (pthread_key_create(&key, destructor) || on_exit(on_end, "from main"))
		return 1;
	main_thread = pthread_self();
	pthread_setspecific(key, "main's");
	printf("main: work %08x\n", work(0));
	if (pthread_create(&first_worker, NULL, first, NULL))
		return 2;
	pthread_exit(NULL);
}
