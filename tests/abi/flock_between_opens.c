/* flock was ENOSYS. Its locks belong to open file descriptions, so within
 * one process two opens of a file exclude each other (a dup shares its
 * description's lock); shared locks coexist; a failed conversion has lost
 * the old lock (Linux drops it first); the last close releases; a thread
 * waits for another's lock; a signal ends the wait (EINTR without
 * SA_RESTART); two threads waiting on one description both return with
 * one lock between them; a description closed while a thread waits on it
 * leaves no lock behind. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "result_name.h"

static char path[] = "/tmp/flock_XXXXXX";
static volatile int marker, got_marker = -1, phase;
static volatile long interrupted = 99;

static void *waiter(void *arg)
{
	int fd = open(path, O_RDONLY);
	phase = 1;
	flock(fd, LOCK_EX);
	got_marker = marker;
	close(fd);
	return arg;
}

static void *interrupted_waiter(void *arg)
{
	int fd = open(path, O_RDONLY);
	phase = 1;
	interrupted = flock(fd, LOCK_SH) ? -errno : 0;
	close(fd);
	return arg;
}

static int shared_fd, closing_fd;
static volatile int waiting;
static volatile long results[2] = {99, 99};

static void *same_description(void *arg)
{
	long k = (long)arg;
	__atomic_fetch_add(&waiting, 1, __ATOMIC_SEQ_CST);
	results[k] = flock(shared_fd, LOCK_EX) ? -errno : 0;
	return NULL;
}

static void *on_closed(void *arg)
{
	__atomic_fetch_add(&waiting, 1, __ATOMIC_SEQ_CST);
	results[0] = flock(closing_fd, LOCK_EX) ? -errno : 0;
	return arg;
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(void)
{
	int fd1 = mkstemp(path), fd2 = open(path, O_RDONLY);
	printf("exclusive on one open: %s\n", res(flock(fd1, LOCK_EX)));
	printf("again on it: %s\n", res(flock(fd1, LOCK_EX)));
	printf("exclusive on the other, no wait: %s\n", res(flock(fd2, LOCK_EX | LOCK_NB)));
	printf("shared on the other, no wait: %s\n", res(flock(fd2, LOCK_SH | LOCK_NB)));
	int d = dup(fd1);
	printf("on a dup of the first: %s\n", res(flock(d, LOCK_EX | LOCK_NB)));
	printf("unlock: %s\n", res(flock(fd1, LOCK_UN)));
	printf("shared on the other: %s\n", res(flock(fd2, LOCK_SH | LOCK_NB)));
	printf("shared on the first too: %s\n", res(flock(fd1, LOCK_SH | LOCK_NB)));
	printf("the first to exclusive: %s\n", res(flock(fd1, LOCK_EX | LOCK_NB)));
	int fd3 = open(path, O_RDWR);
	printf("exclusive on a third: %s\n", res(flock(fd3, LOCK_EX | LOCK_NB)));
	printf("shared on the third: %s\n", res(flock(fd3, LOCK_SH | LOCK_NB)));
	flock(fd3, LOCK_UN);
	close(fd2);
	printf("exclusive on the third after the other's close (the first lost its lock): %s\n",
	       res(flock(fd3, LOCK_EX | LOCK_NB)));
	printf("unlock what is not locked: %s\n", res(flock(fd1, LOCK_UN)));
	printf("operation 0: %s\n", res(flock(fd1, 0)));
	printf("shared and exclusive: %s\n", res(flock(fd1, LOCK_SH | LOCK_EX)));
	printf("a closed descriptor: %s\n", res(flock(999, LOCK_SH)));

	/* a thread waits for another's lock */
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	while (phase < 1)
		usleep(1000);
	usleep(50000);
	marker = 42;
	flock(fd3, LOCK_UN);
	pthread_join(t, NULL);
	printf("the waiter had the lock after the unlock: %s\n", got_marker == 42 ? "yes" : "no");

	/* a signal ends a wait */
	flock(fd3, LOCK_EX);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	phase = 0;
	pthread_create(&t, NULL, interrupted_waiter, NULL);
	while (phase < 1)
		usleep(1000);
	usleep(50000);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	printf("a signal while waiting: %s\n", interrupted == -EINTR ? "EINTR" : "other");
	printf("LOCK_MAND: %s\n", res(flock(fd3, 32 | LOCK_SH)));
	printf("operation 0 on a closed descriptor: %s\n", res(flock(999, 0)));

	/* two threads wait on one description: one lock between them */
	shared_fd = open(path, O_RDONLY);
	pthread_t a[2];
	waiting = 0;
	for (long k = 0; k < 2; k++)
		pthread_create(&a[k], NULL, same_description, (void *)k);
	while (waiting < 2)
		usleep(1000);
	usleep(100000);
	flock(fd3, LOCK_UN);
	for (int k = 0; k < 2; k++)
		pthread_join(a[k], NULL);
	printf("both waiters on one description: %s %s\n", res(results[0]), res(results[1]));
	flock(shared_fd, LOCK_UN);
	int other = open(path, O_RDONLY);
	printf("after its one unlock, another open: %s\n", res(flock(other, LOCK_EX | LOCK_NB)));
	flock(other, LOCK_UN);

	/* a waiter's description closed under it */
	flock(other, LOCK_EX);
	closing_fd = open(path, O_RDONLY);
	waiting = 0;
	pthread_create(&a[0], NULL, on_closed, NULL);
	while (waiting < 1)
		usleep(1000);
	usleep(100000);
	close(closing_fd);
	flock(other, LOCK_UN);
	pthread_join(a[0], NULL);
	int fresh = open(path, O_RDONLY);
	printf("a waiter whose descriptor was closed: %s; then a new open: %s\n", res(results[0]),
	       res(flock(fresh, LOCK_EX | LOCK_NB)));
	unlink(path);
	return 0;
}
