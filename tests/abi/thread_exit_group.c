/* exit from a thread other than main ends the whole process with that
 * status (exit_group), while main waits in a join and another thread
 * spins in ring 3; a thread that calls pthread_exit leaves the others
 * running; a robust mutex whose owner died is handed over with EOWNERDEAD. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	pthread_mutex_lock(&robust);
	pthread_exit(arg); /* with the lock held */
}

static void *spin(void *arg)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
	return arg;
}

static void *quitter(void *arg)
{
	usleep(20000);
	printf("quitter: exit(5)\n");
	fflush(stdout);
	exit(5);
	return arg;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_t t, s, q;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, die_holding, (void *)7L);
	void *ret;
	pthread_join(t, &ret);
	int r = pthread_mutex_lock(&robust);
	printf("joined %ld; lock after the owner died: %s\n", (long)ret, r == EOWNERDEAD ? "EOWNERDEAD" : "other");
	pthread_mutex_consistent(&robust);
	pthread_mutex_unlock(&robust);
	fflush(stdout);

	pthread_create(&s, NULL, spin, NULL);
	pthread_create(&q, NULL, quitter, NULL);
	pthread_join(s, NULL); /* never returns */
	printf("not reached\n");
	return 0;
}
