# A SCHED_OTHER thread's nice weighs its share of a CPU (its slice: 1.25
# times longer for each step below 0, 0.8 times for each above, at least a
# tick): on one CPU, a spinning thread of nice -5 against one of nice 0 gets
# about 3 times the work done, one of nice 10 about half (a tick against
# two). And PRIO_PGRP and PRIO_USER reach every thread of the program.
. tests/boot/common.inc
cat >"$TMP/nice.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int stop;
static volatile long done[2];
static int nices[2];

static void *spin(void *arg)
{
	int k = (int)(long)arg;
	setpriority(PRIO_PROCESS, 0, nices[k]);
	long n = 0;
	while (!stop)
		n++;
	done[k] = n;
	return NULL;
}

static void race(int a, int b)
{
	pthread_t t[2];
	nices[0] = a, nices[1] = b, stop = 0;
	for (long k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, spin, (void *)k);
	sleep(2);
	stop = 1;
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	double r = (double)done[0] / (double)done[1];
	printf("nice %d against %d: %s\n", a, b,
	       r > 2.2 ? "far more" : r > 1.5 ? "more" : r < 0.7 ? "less" : "even");
}

static void *idle(void *arg)
{
	while (!stop)
		usleep(1000);
	return arg;
}

int main(void)
{
	race(0, 0);
	race(-5, 0);
	race(10, 0);
	/* PRIO_PGRP 0 and PRIO_USER 0: every thread of the program */
	pthread_t t;
	stop = 0;
	setpriority(PRIO_PROCESS, 0, 0);
	pthread_create(&t, NULL, idle, NULL);
	setpriority(PRIO_PGRP, 0, 4);
	printf("PRIO_PGRP 0 set both: %s\n",
	       getpriority(PRIO_PROCESS, 0) == 4 && syscall(SYS_getpriority, PRIO_PGRP, 0) == 16
		   ? "yes"
		   : "no");
	setpriority(PRIO_PROCESS, 0, 9);
	printf("PRIO_USER 0 gives the highest: %s\n",
	       syscall(SYS_getpriority, PRIO_USER, 0) == 16 ? "yes" : "no");
	stop = 1;
	pthread_join(t, NULL);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/nice" "$TMP/nice.c" || fail "cannot build the program"
run ./bareflow run --cpus 1 --timeout 120 "$TMP/nice"
expect_status 0
expect_output "nice 0 against 0: even"
expect_output "nice -5 against 0: far more"
expect_output "nice 10 against 0: less"
expect_output "PRIO_PGRP 0 set both: yes"
expect_output "PRIO_USER 0 gives the highest: yes"
