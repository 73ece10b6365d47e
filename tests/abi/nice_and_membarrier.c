/* getpriority, setpriority (and nice, built on them) and membarrier were
 * ENOSYS. A nice belongs to a thread: PRIO_PROCESS names a thread id (0:
 * the caller), PRIO_PGRP and PRIO_USER every thread of the group or user;
 * a new thread starts with its creator's; values are cut to -20..19, and
 * without privilege one may be raised but not lowered. membarrier's
 * private expedited command wants registering first. Compared with
 * Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

static volatile int phase;
static volatile pid_t worker_tid;
static int inherited = 99, later = 99;

static void *worker(void *arg)
{
	worker_tid = gettid();
	errno = 0;
	inherited = getpriority(PRIO_PROCESS, 0);
	phase = 1;
	while (phase < 2)
		usleep(1000);
	later = getpriority(PRIO_PROCESS, 0);
	phase = 3;
	while (phase < 4)
		usleep(1000);
	return arg;
}

static void show(const char *what, long r)
{
	printf("%-40s %s", what, res(r));
	if (r >= 0)
		printf(" %ld", r);
	printf("\n");
}

static long prio(int which, int who)
{
	return syscall(SYS_getpriority, which, who); /* raw: 20 - nice */
}

static long membarrier(int cmd, unsigned flags)
{
	return syscall(SYS_membarrier, cmd, flags, 0);
}

int main(void)
{
	show("getpriority self (raw)", prio(PRIO_PROCESS, 0));
	show("setpriority self 3", setpriority(PRIO_PROCESS, 0, 3));
	show("getpriority self (raw)", prio(PRIO_PROCESS, 0));
	errno = 0;
	printf("nice(2): %d %s\n", nice(2), res(errno ? -1 : 0));
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	while (phase < 1)
		usleep(1000);
	printf("a new thread starts at its creator's nice: %d\n", inherited);
	show("setpriority of the thread 10", setpriority(PRIO_PROCESS, worker_tid, 10));
	phase = 2;
	while (phase < 3)
		usleep(1000);
	printf("it sees: %d, ours stays: %ld\n", later, prio(PRIO_PROCESS, 0));
	show("getpriority of the thread (raw)", prio(PRIO_PROCESS, worker_tid));
	/* (PRIO_PGRP and PRIO_USER: natively they reach other processes) */
	phase = 4;
	pthread_join(t, NULL);
	show("setpriority 25 (cut to 19)", setpriority(PRIO_PROCESS, 0, 25));
	show("getpriority (raw)", prio(PRIO_PROCESS, 0));
	show("setpriority -30 as root (cut to -20)", setpriority(PRIO_PROCESS, 0, -30));
	show("getpriority (raw)", prio(PRIO_PROCESS, 0));
	show("no such thread", prio(PRIO_PROCESS, 999999));
	show("setpriority, no such thread", setpriority(PRIO_PROCESS, 999999, 1));
	show("which 3", prio(3, 0));
	show("setpriority which -1", setpriority(-1, 0, 0));
	show("a user with no thread", prio(PRIO_USER, 4242));

	long q = membarrier(MEMBARRIER_CMD_QUERY, 0);
	printf("membarrier query: %s, private expedited %s, global %s\n", res(q),
	       q > 0 && (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
		       (q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)
		   ? "yes"
		   : "no",
	       q > 0 && (q & MEMBARRIER_CMD_GLOBAL) ? "yes" : "no");
	show("private expedited, unregistered", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	show("register private expedited", membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
	show("private expedited", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	show("sync core, unregistered", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	show("register sync core", membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	show("sync core", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0));
	show("global", membarrier(MEMBARRIER_CMD_GLOBAL, 0));
	show("global expedited", membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0));
	show("query with flags", membarrier(MEMBARRIER_CMD_QUERY, 1));
	show("an unknown command", membarrier(12345, 0));

	/* without privilege: a nice may go up, not down */
	if (setuid(1000) == 0) {
		show("unprivileged: setpriority 19", setpriority(PRIO_PROCESS, 0, 19));
		show("unprivileged: setpriority 0", setpriority(PRIO_PROCESS, 0, 0));
		long mine = prio(PRIO_USER, 0);
		printf("unprivileged: PRIO_USER 0 finds this process: %s\n", mine > 0 ? "yes" : "no");
		show("getpriority (raw)", prio(PRIO_PROCESS, 0));
	}
	return 0;
}
