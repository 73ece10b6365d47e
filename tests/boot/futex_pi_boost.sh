# Priority inheritance on one CPU: a SCHED_FIFO thread of priority 10
# holds a PTHREAD_PRIO_INHERIT mutex that one of priority 30 waits for,
# while one of 20 spins until the waiter has had the lock. The holder must
# run at 30 until it unlocks (else the spinner starves it for 3 s and the
# waiter with it), and still read its own priority as 10. A chain too:
# the holder of a second lock, at 5, waits for the first while the thread
# of 30 waits for the second. And a waiter's priority changed while it
# waits: raised from 5 to 30, the holder runs at 30; lowered from 30 to 5,
# at its own 10 again, and the spinner starves it.
. tests/boot/common.inc
cat >"$TMP/boost.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t first, second;
static atomic_int holding, go, got, low_seen = -1, medium_gave_up;
static double high_waited;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void spin(double seconds)
{
	double until = now() + seconds;
	while (now() < until)
		;
}

/* Holds `first`, asleep until the others are there, then for 0.2 s of
 * its own work. */
static void *low(void *arg)
{
	pthread_mutex_lock(&first);
	holding++;
	while (!go)
		usleep(1000);
	spin(0.2);
	struct sched_param sp;
	int policy;
	pthread_getschedparam(pthread_self(), &policy, &sp);
	low_seen = sp.sched_priority;
	pthread_mutex_unlock(&first);
	return arg;
}

/* Holds `second`, then waits for `first` (the chain's middle). */
static void *lowest(void *arg)
{
	pthread_mutex_lock(&second);
	holding++;
	pthread_mutex_lock(&first);
	pthread_mutex_unlock(&first);
	pthread_mutex_unlock(&second);
	return arg;
}

static void *high(void *arg)
{
	double start = now();
	pthread_mutex_lock(arg);
	high_waited = now() - start;
	got = 1;
	pthread_mutex_unlock(arg);
	return NULL;
}

static void *medium(void *arg)
{
	double until = now() + 3;
	while (!got && now() < until)
		;
	medium_gave_up = !got;
	return arg;
}

static pthread_t start(void *(*fn)(void *), int priority, void *arg)
{
	pthread_attr_t a;
	struct sched_param sp = {.sched_priority = priority};
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &sp);
	pthread_t t;
	if (pthread_create(&t, &a, fn, arg)) {
		printf("cannot start a SCHED_FIFO thread\n");
		_exit(1);
	}
	return t;
}

static void round_of(const char *what, int chain)
{
	holding = go = got = medium_gave_up = 0;
	low_seen = -1;
	pthread_t l = start(low, 10, NULL), c;
	if (chain)
		c = start(lowest, 5, NULL);
	while (holding < 1 + chain)
		usleep(1000); /* main sleeps: they run and take their locks */
	while (chain && !(first.__data.__lock & 0x80000000))
		usleep(1000); /* lowest sleeps in the kernel for first */
	pthread_t h = start(high, 30, chain ? &second : &first);
	pthread_t m = start(medium, 20, NULL);
	go = 1;
	pthread_join(h, NULL);
	pthread_join(m, NULL);
	pthread_join(l, NULL);
	if (chain)
		pthread_join(c, NULL);
	printf("%s: the waiter had the lock %s, the spinner %s, the holder read priority %d\n",
	       what, high_waited < 1 ? "within 1 s" : "late", medium_gave_up ? "gave up" : "stopped",
	       (int)low_seen);
}

static void set_priority(pthread_t t, int priority)
{
	struct sched_param sp = {.sched_priority = priority};
	pthread_setschedparam(t, SCHED_FIFO, &sp);
}

/* The waiter starts at `initial` and has `later` once it waits. */
static void changed(const char *what, int initial, int later)
{
	holding = go = got = medium_gave_up = 0;
	pthread_t l = start(low, 10, NULL);
	while (!holding)
		usleep(1000);
	pthread_t h = start(high, initial, &first);
	while (!(first.__data.__lock & 0x80000000))
		usleep(1000); /* it sleeps in the kernel */
	set_priority(h, later);
	pthread_t m = start(medium, 20, NULL);
	go = 1;
	pthread_join(h, NULL);
	pthread_join(m, NULL);
	pthread_join(l, NULL);
	printf("%s: the waiter had the lock %s, the spinner %s\n", what,
	       high_waited < 1 ? "within 1 s" : "late", medium_gave_up ? "gave up" : "stopped");
}

int main(void)
{
	struct sched_param sp = {.sched_priority = 50};
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		printf("cannot be SCHED_FIFO\n");
		return 1;
	}
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&first, &a);
	pthread_mutex_init(&second, &a);
	round_of("direct", 0);
	round_of("chain", 1);
	changed("raised", 5, 30);
	changed("lowered", 30, 5);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/boost" "$TMP/boost.c" || fail "cannot build the program"
run ./bareflow run --cpus 1 --timeout 120 "$TMP/boost"
expect_status 0
expect_output "direct: the waiter had the lock within 1 s, the spinner stopped, the holder read priority 10"
expect_output "chain: the waiter had the lock within 1 s, the spinner stopped, the holder read priority 10"
expect_output "raised: the waiter had the lock within 1 s, the spinner stopped"
expect_output "lowered: the waiter had the lock late, the spinner gave up"
