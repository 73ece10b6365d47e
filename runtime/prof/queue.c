/*
 * The compile queue and its compiler thread (queue.h has the contract).
 * The thread blocks every signal: the program's handlers run on its own
 * threads, never in the middle of a compile.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "queue.h"

/* LLVM's optimizer and code generator recurse over large functions. */
#define COMPILER_STACK (16u << 20)

static struct {
	pthread_mutex_t lock; /* the fields below */
	pthread_cond_t more;
	struct queue_job *head, *tail;
	bool running;  /* a compiler thread serves the queue */
	bool stopping; /* queue_stop was called */
	bool joined;   /* by then */
	pthread_t thread;
	pthread_mutex_t policy, jit;
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .more = PTHREAD_COND_INITIALIZER,
       .policy = PTHREAD_MUTEX_INITIALIZER,
       .jit = PTHREAD_MUTEX_INITIALIZER};

static void run(struct queue_job *job)
{
	pthread_mutex_lock(&Q.jit);
	job->compile(job);
	pthread_mutex_unlock(&Q.jit);
}

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&Q.lock);
		while (!Q.head && !Q.stopping)
			pthread_cond_wait(&Q.more, &Q.lock);
		if (Q.stopping) {
			pthread_mutex_unlock(&Q.lock);
			return NULL;
		}
		struct queue_job *job = Q.head;
		Q.head = job->next;
		if (!Q.head)
			Q.tail = NULL;
		pthread_mutex_unlock(&Q.lock);

		run(job);
		pthread_mutex_lock(&Q.policy);
		job->install(job);
		pthread_mutex_unlock(&Q.policy);
		free(job);
	}
}

bool queue_start(unsigned n, int *why)
{
	pthread_attr_t attr;
	sigset_t all, old;
	if (!n)
		return true;
	if (getenv("BAREFLOW_RT_THREADS_FAIL")) { /* tests: as bare-metal without threads */
		*why = ENOSYS;
		return false;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits it */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, COMPILER_STACK);
	*why = pthread_create(&Q.thread, &attr, serve, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	Q.running = *why == 0;
	return Q.running;
}

bool queue_background(void)
{
	return Q.running;
}

void queue_submit(struct queue_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&Q.lock);
	if (Q.stopping) {
		pthread_mutex_unlock(&Q.lock);
		free(job);
		return;
	}
	if (Q.running) {
		if (Q.tail)
			Q.tail->next = job;
		else
			Q.head = job;
		Q.tail = job;
		pthread_cond_signal(&Q.more);
		pthread_mutex_unlock(&Q.lock);
		return;
	}
	pthread_mutex_unlock(&Q.lock);
	run(job);
	job->install(job);
	free(job);
}

void queue_lock_policy(void)
{
	pthread_mutex_lock(&Q.policy);
}

void queue_unlock_policy(void)
{
	pthread_mutex_unlock(&Q.policy);
}

bool queue_try_jit(void)
{
	return pthread_mutex_trylock(&Q.jit) == 0;
}

void queue_unlock_jit(void)
{
	pthread_mutex_unlock(&Q.jit);
}

void queue_stop(void)
{
	pthread_mutex_lock(&Q.lock);
	Q.stopping = true;
	while (Q.head) {
		struct queue_job *job = Q.head;
		Q.head = job->next;
		free(job);
	}
	Q.tail = NULL;
	pthread_cond_signal(&Q.more);
	bool join = Q.running && !Q.joined; /* two threads may exit at once */
	Q.joined = true;
	pthread_mutex_unlock(&Q.lock);
	if (join)
		pthread_join(Q.thread, NULL);
}
