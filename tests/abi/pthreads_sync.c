/* POSIX threads: mutexes, condition variables, barriers, rwlocks, __thread
 * variables, errno per thread, detached threads and join, and 64 threads
 * at once. Everything is printed after the joins, so the output is the
 * same whatever the interleaving. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NT 8
#define ITER 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *adder(void *arg)
{
	for (int i = 0; i < ITER; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

/* A bounded queue with two condition variables. */
#define QN 4
static int queue[QN], qhead, qlen;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static long consumed_sum;

static void *producer(void *arg)
{
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == QN)
			pthread_cond_wait(&not_full, &lock);
		queue[(qhead + qlen++) % QN] = i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static void *consumer(void *arg)
{
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == 0)
			pthread_cond_wait(&not_empty, &lock);
		consumed_sum += queue[qhead];
		qhead = (qhead + 1) % QN;
		qlen--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static pthread_barrier_t barrier;
static int phase_seen[NT][3];
static volatile int phase;

static void *barrier_worker(void *arg)
{
	long id = (long)arg;
	for (int p = 0; p < 3; p++) {
		phase_seen[id][p] = phase;
		if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
			phase++;
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long shared_a, shared_b, bad_reads;

static void *rw_worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 2000; i++) {
		if (id == 0 && i % 4 == 0) {
			pthread_rwlock_wrlock(&rw);
			shared_a++;
			shared_b++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			if (shared_a != shared_b)
				__atomic_fetch_add(&bad_reads, 1, __ATOMIC_RELAXED);
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

static __thread long tls_value = 7;
static __thread char tls_buf[64];

static void *tls_worker(void *arg)
{
	long id = (long)arg;
	long before = tls_value;
	tls_value = id * 100;
	snprintf(tls_buf, sizeof tls_buf, "thread %ld", id);
	/* errno is per thread: a failing call here leaves the others' alone */
	errno = 0;
	if (close(1000 + (int)id) == 0 || errno != EBADF)
		return (void *)-1L;
	for (int i = 0; i < 1000; i++)
		sched_yield();
	if (errno != EBADF || tls_value != id * 100)
		return (void *)-2L;
	return (void *)(before * 1000 + tls_value + (long)(tls_buf[7] - '0'));
}

static sem_t detached_done;
static void *detached(void *arg)
{
	sem_post(&detached_done);
	return arg;
}

static int many_hits[64];
static void *many(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 100; i++)
		__atomic_fetch_add(&many_hits[id], 1, __ATOMIC_RELAXED);
	return (void *)(id * 2);
}

/* 200 KiB through a pipe from one thread to another (three times its buffer). */
static int pipefd[2];
static void *pipe_writer(void *arg)
{
	static unsigned char buf[4096];
	for (int i = 0; i < 50; i++) {
		for (int j = 0; j < 4096; j++)
			buf[j] = (unsigned char)(i + j);
		for (int off = 0; off < 4096;) {
			ssize_t w = write(pipefd[1], buf + off, 4096 - off);
			if (w <= 0)
				return (void *)1L;
			off += (int)w;
		}
	}
	close(pipefd[1]);
	return NULL;
}

static unsigned long pipe_between_threads(void)
{
	pthread_t w;
	unsigned char buf[1000];
	unsigned long sum = 0, total = 0;
	ssize_t n;

	pipe(pipefd);
	pthread_create(&w, NULL, pipe_writer, NULL);
	while ((n = read(pipefd[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + buf[i];
		total += (unsigned long)n;
	}
	pthread_join(w, NULL);
	close(pipefd[0]);
	return sum ^ total;
}

int main(void)
{
	pthread_t t[64];
	void *ret;

	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, adder, (void *)i);
	long rets = 0;
	for (int i = 0; i < NT; i++) {
		pthread_join(t[i], &ret);
		rets += (long)ret;
	}
	printf("mutex: counter %ld (want %d), returns %ld\n", counter, NT * ITER, rets);

	pthread_create(&t[0], NULL, producer, NULL);
	pthread_create(&t[1], NULL, consumer, NULL);
	pthread_create(&t[2], NULL, consumer, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("condvar: consumed sum %ld (want %d), left %d\n", consumed_sum, 1000 * 1001 / 2, qlen);

	pthread_barrier_init(&barrier, NULL, NT);
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, barrier_worker, (void *)i);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	int ok = 1;
	for (int i = 0; i < NT; i++)
		for (int p = 0; p < 3; p++)
			ok &= phase_seen[i][p] == p;
	printf("barrier: every thread saw each phase in order: %s\n", ok ? "yes" : "no");

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("rwlock: writes %ld, torn reads %ld\n", shared_a, bad_reads);

	for (long i = 1; i <= 4; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)i);
	for (int i = 1; i <= 4; i++) {
		pthread_join(t[i], &ret);
		printf("tls: thread %d returned %ld\n", i, (long)ret);
	}
	printf("tls: main still has %ld, errno untouched: %d\n", tls_value, errno);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sem_init(&detached_done, 0, 0);
	for (int i = 0; i < 5; i++)
		pthread_create(&t[i], &attr, detached, NULL);
	for (int i = 0; i < 5; i++)
		sem_wait(&detached_done);
	printf("detached: 5 ran\n");

	for (long i = 0; i < 64; i++)
		if (pthread_create(&t[i], NULL, many, (void *)i))
			printf("create %ld failed\n", i);
	long sum = 0;
	for (int i = 0; i < 64; i++) {
		pthread_join(t[i], &ret);
		sum += (long)ret + many_hits[i];
	}
	printf("64 threads: sum %ld (want %d)\n", sum, 64 * 63 + 6400);
	printf("pipe between threads: %lx\n", pipe_between_threads());
	return 0;
}
