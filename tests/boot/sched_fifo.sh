# Real-time priorities on one CPU, as Linux has them: a SCHED_FIFO thread
# that never waits runs to its end before the thread that made it goes on;
# one woken by a pipe write runs before that write returns; a thread reads
# back the policy and priority it set; SCHED_RR has a quantum, SCHED_FIFO
# none; SCHED_RESET_ON_FORK reads back and makes new threads SCHED_OTHER.
# Under `bareflow run` (one CPU) the program must print exactly the lines
# Linux's rules give, and, when this host lets it set SCHED_FIFO natively
# (root, a CPU of its own to pin to), the same lines as on Linux; natively,
# anything it may not do ends it with status 2 and no comparison.
. tests/boot/common.inc
cat >"$TMP/fifo.c" <<'END'
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORK 4000000ul

static volatile unsigned long work;
static volatile int woken;
static int pipefd[2];

static void *busy(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i < WORK; i++)
		work = i + 1;
	return NULL;
}

static void *reader(void *arg)
{
	char c;
	(void)arg;
	if (read(pipefd[0], &c, 1) == 1)
		woken = 1;
	return NULL;
}

static const char *yes(int c) { return c ? "yes" : "no"; }

static void *policy_of_new_thread(void *arg)
{
	*(int *)arg = sched_getscheduler(0);
	return NULL;
}

/* A thread with SCHED_FIFO at prio, running fn. */
static int start(pthread_t *t, int prio, void *(*fn)(void *))
{
	pthread_attr_t a;
	struct sched_param p = {.sched_priority = prio};
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &p);
	int e = pthread_create(t, &a, fn, NULL);
	pthread_attr_destroy(&a);
	return e;
}

int main(void)
{
	cpu_set_t all, one;
	struct sched_param p = {.sched_priority = 5}, got;
	struct timespec q;
	pthread_t t;
	int cpu = 0, policy = -1;

	if (sched_getaffinity(0, sizeof all, &all))
		return perror("sched_getaffinity"), 2;
	while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &all))
		cpu++;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one))
		return perror("sched_setaffinity"), 2;
	if (sched_setscheduler(0, SCHED_FIFO, &p)) {
		printf("SCHED_FIFO: %s\n", strerror(errno));
		return 2;
	}
	printf("policy SCHED_FIFO: %s", yes(sched_getscheduler(0) == SCHED_FIFO));
	printf(", priority 5: %s", yes(!sched_getparam(0, &got) && got.sched_priority == 5));
	p.sched_priority = 7;
	if (sched_setparam(0, &p))
		return perror("sched_setparam 7"), 2;
	printf(", sched_setparam 7: yes");
	printf(", read back: %s\n", yes(!sched_getparam(0, &got) && got.sched_priority == 7));
	printf("SCHED_FIFO's quantum is 0: %s",
	       yes(!sched_rr_get_interval(0, &q) && !q.tv_sec && !q.tv_nsec));
	p.sched_priority = 3;
	if (sched_setscheduler(0, SCHED_RR, &p))
		return perror("SCHED_RR"), 2;
	printf(", SCHED_RR's is not: %s\n",
	       yes(!sched_rr_get_interval(0, &q) && (q.tv_sec || q.tv_nsec)));
	p.sched_priority = 5;
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &p))
		return perror("SCHED_RESET_ON_FORK"), 2;
	printf("SCHED_RESET_ON_FORK reads back: %s",
	       yes(sched_getscheduler(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK)));
	if (pthread_create(&t, NULL, policy_of_new_thread, &policy))
		return printf("pthread_create failed\n"), 2;
	pthread_join(t, NULL);
	printf(", a new thread's policy is SCHED_OTHER: %s\n", yes(policy == SCHED_OTHER));
	p.sched_priority = 0;
	if (sched_setscheduler(0, SCHED_OTHER, &p))
		return perror("back to SCHED_OTHER"), 1;

	if (start(&t, 10, busy))
		return printf("pthread_create failed\n"), 2;
	unsigned long seen = work;
	pthread_join(t, NULL);
	printf("a SCHED_FIFO thread that never waits ran to its end first: %s\n",
	       yes(seen == WORK));

	if (pipe(pipefd) || start(&t, 10, reader))
		return printf("pipe or pthread_create failed\n"), 2;
	usleep(20000); /* it reads, and waits */
	int before = woken;
	if (write(pipefd[1], "x", 1) != 1)
		return perror("write"), 1;
	int after = woken;
	pthread_join(t, NULL);
	printf("it waited: %s; woken by our write, it ran before the write returned: %s\n",
	       yes(!before), yes(after));
	return 0;
}
END
clang-19 -static -O1 -pthread -o "$TMP/fifo" "$TMP/fifo.c" || fail "cannot build the test program"
run ./bareflow run --timeout 120 "$TMP/fifo"
expect_status 0
expect_output "^policy SCHED_FIFO: yes, priority 5: yes, sched_setparam 7: yes, read back: yes$"
expect_output "^SCHED_FIFO's quantum is 0: yes, SCHED_RR's is not: yes$"
expect_output "^SCHED_RESET_ON_FORK reads back: yes, a new thread's policy is SCHED_OTHER: yes$"
expect_output "^a SCHED_FIFO thread that never waits ran to its end first: yes$"
expect_output "^it waited: yes; woken by our write, it ran before the write returned: yes$"
"$TMP/fifo" >"$TMP/native" 2>&1
native=$?
if [ "$native" -eq 2 ]; then
	echo "ok (natively $(cat "$TMP/native"): no comparison with Linux)"
	exit 0
fi
./bareflow run --timeout 120 "$TMP/fifo" >"$TMP/bare" 2>"$TMP/err"
failures=0
compare_runs "SCHED_FIFO on one CPU, against Linux" "$TMP/native" "$native" "$TMP/bare" $? "$TMP/err"
[ "$failures" -eq 0 ] || exit 1
echo ok
