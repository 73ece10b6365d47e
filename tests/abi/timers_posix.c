/* POSIX timers (timer_create ... timer_delete returned ENOSYS): SIGEV_SIGNAL
 * with its si_value and SI_TIMER, SIGEV_NONE, the default sigevent,
 * CLOCK_MONOTONIC, CLOCK_REALTIME and the CPU-time clock, relative and
 * TIMER_ABSTIME, intervals and overruns, and the errors. The raw system
 * calls are used where glibc would add its own layer (kernel timer ids,
 * SIGEV_THREAD, which the kernel treats as SIGEV_SIGNAL). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static long create(clockid_t clock, struct sigevent *ev, int *id)
{
	return syscall(SYS_timer_create, clock, ev, id);
}

static long settime(int id, int flags, long vs, long vns, long is, long ins, struct itimerspec *old)
{
	struct itimerspec its = {{is, ins}, {vs, vns}};
	return syscall(SYS_timer_settime, id, flags, &its, old);
}

static long gettime(int id, struct itimerspec *cur)
{
	return syscall(SYS_timer_gettime, id, cur);
}

static double ns(const struct timespec *t)
{
	return t->tv_sec * 1e9 + t->tv_nsec;
}

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ns(&ts);
}

/* Wait up to `ms` for one of the blocked signals in set. */
static int wait_for(int sig, int ms, siginfo_t *si)
{
	sigset_t set;
	struct timespec t = {ms / 1000, ms % 1000 * 1000000L};

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, si, &t);
}

static struct sigevent event(int notify, int sig, int value)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = value;
	return ev;
}

int main(void)
{
	int id, id2;
	struct itimerspec cur, old;
	siginfo_t si;
	sigset_t block;

	sigemptyset(&block);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaddset(&block, s);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);

	struct sigevent ev = event(SIGEV_SIGNAL, SIGRTMIN, 1234);
	printf("create monotonic: %s\n", res(create(CLOCK_MONOTONIC, &ev, &id)));
	gettime(id, &cur);
	printf("unarmed: %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
	       (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
	printf("arm 50 ms: %s\n", res(settime(id, 0, 0, 50000000, 0, 0, NULL)));
	gettime(id, &cur);
	printf("remaining within (0, 50 ms]: %s\n",
	       yes(ns(&cur.it_value) > 0 && ns(&cur.it_value) <= 50e6));
	double t0 = now(CLOCK_MONOTONIC);
	int got = wait_for(SIGRTMIN, 5000, &si);
	double dt = now(CLOCK_MONOTONIC) - t0;
	printf(
	    "signal: %s, SI_TIMER: %s, si_value 1234: %s, si_overrun %d, after 40 ms to 2 s: %s, "
	    "si_timerid is the id: %s\n",
	    yes(got == SIGRTMIN), yes(si.si_code == SI_TIMER), yes(si.si_value.sival_int == 1234),
	    si.si_overrun, yes(dt > 40e6 && dt < 2e9), yes(si.si_timerid == id));
	gettime(id, &cur);
	printf("one-shot after it fired: %ld %ld\n", (long)cur.it_value.tv_sec,
	       cur.it_value.tv_nsec);

	/* Periodic, 10 ms, while its signal stays blocked: overruns. */
	settime(id, 0, 0, 10000000, 0, 10000000, NULL);
	struct timespec nap = {0, 150000000};
	nanosleep(&nap, NULL);
	got = wait_for(SIGRTMIN, 1000, &si);
	int over = syscall(SYS_timer_getoverrun, id);
	printf("periodic: one signal: %s, si_overrun 5 to 20: %s, timer_getoverrun the same: %s\n",
	       yes(got == SIGRTMIN), yes(si.si_overrun >= 5 && si.si_overrun <= 20),
	       yes(over == si.si_overrun));
	got = wait_for(SIGRTMIN, 1000, &si);
	printf("next period: signal: %s, si_overrun under 10: %s\n", yes(got == SIGRTMIN),
	       yes(si.si_overrun < 10));
	settime(id, 0, 2, 0, 1, 0, NULL);
	settime(id, 0, 0, 0, 0, 0, &old);
	printf("re-arm returned the old setting: value within (1.9, 2] s: %s, interval %ld.%09ld\n",
	       yes(ns(&old.it_value) > 1.9e9 && ns(&old.it_value) <= 2e9),
	       (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
	while (wait_for(SIGRTMIN, 0, &si) > 0) /* periods sent before it was disarmed */
		;

	/* Absolute times, on both clocks; one in the past fires at once. */
	struct sigevent ev2 = event(SIGEV_SIGNAL, SIGRTMIN + 1, 7);
	create(CLOCK_REALTIME, &ev2, &id2);
	double target = now(CLOCK_REALTIME) + 50e6;
	settime(id2, TIMER_ABSTIME, (long)(target / 1e9), (long)((long long)target % 1000000000), 0,
		0, NULL);
	got = wait_for(SIGRTMIN + 1, 5000, &si);
	printf("realtime absolute: signal: %s, not before the time: %s\n", yes(got == SIGRTMIN + 1),
	       yes(now(CLOCK_REALTIME) >= target - 1e6));
	settime(id2, TIMER_ABSTIME, 1, 0, 0, 0, NULL);
	got = wait_for(SIGRTMIN + 1, 1000, &si);
	printf("realtime absolute in the past: signal: %s\n", yes(got == SIGRTMIN + 1));
	target = now(CLOCK_MONOTONIC) + 30e6;
	settime(id, TIMER_ABSTIME, (long)(target / 1e9), (long)((long long)target % 1000000000), 0,
		0, NULL);
	got = wait_for(SIGRTMIN, 5000, &si);
	printf("monotonic absolute: signal: %s, not before the time: %s\n", yes(got == SIGRTMIN),
	       yes(now(CLOCK_MONOTONIC) >= target - 1e6));
	printf("delete: %s %s\n", res(syscall(SYS_timer_delete, id)),
	       res(syscall(SYS_timer_delete, id2)));

	/* SIGEV_NONE: it runs, but nothing is sent. */
	struct sigevent none = event(SIGEV_NONE, 0, 0);
	printf("create SIGEV_NONE: %s\n", res(create(CLOCK_MONOTONIC, &none, &id)));
	settime(id, 0, 1, 0, 0, 0, NULL);
	gettime(id, &cur);
	printf("SIGEV_NONE remaining within (0.9, 1] s: %s\n",
	       yes(ns(&cur.it_value) > 0.9e9 && ns(&cur.it_value) <= 1e9));
	settime(id, 0, 0, 20000000, 0, 0, NULL);
	nanosleep(&nap, NULL);
	gettime(id, &cur);
	sigset_t pending;
	sigpending(&pending);
	printf("SIGEV_NONE after it expired: %ld %ld, nothing pending: %s\n",
	       (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
	       yes(!sigismember(&pending, SIGRTMIN)));
	syscall(SYS_timer_delete, id);

	/* No sigevent: SIGALRM with the timer id as its value. */
	printf("create without sigevent: %s\n", res(create(CLOCK_MONOTONIC, NULL, &id)));
	settime(id, 0, 0, 10000000, 0, 0, NULL);
	got = wait_for(SIGALRM, 5000, &si);
	printf("default: SIGALRM: %s, si_value is the id: %s\n", yes(got == SIGALRM),
	       yes(si.si_value.sival_int == id));
	syscall(SYS_timer_delete, id);

	/* SIGEV_THREAD to the kernel, and SIGEV_THREAD_ID to ourselves. */
	struct sigevent thr = event(SIGEV_THREAD, SIGRTMIN + 2, 5);
	printf("raw SIGEV_THREAD: %s\n", res(create(CLOCK_MONOTONIC, &thr, &id)));
	settime(id, 0, 0, 10000000, 0, 0, NULL);
	got = wait_for(SIGRTMIN + 2, 5000, &si);
	printf("raw SIGEV_THREAD sends its signal: %s\n", yes(got == SIGRTMIN + 2));
	syscall(SYS_timer_delete, id);
	struct sigevent tid = event(SIGEV_THREAD_ID, SIGRTMIN + 3, 6);
	tid._sigev_un._tid = gettid();
	printf("SIGEV_THREAD_ID to us: %s\n", res(create(CLOCK_MONOTONIC, &tid, &id)));
	settime(id, 0, 0, 10000000, 0, 0, NULL);
	got = wait_for(SIGRTMIN + 3, 5000, &si);
	printf("SIGEV_THREAD_ID sends its signal: %s\n", yes(got == SIGRTMIN + 3));
	syscall(SYS_timer_delete, id);
	tid._sigev_un._tid = 999999;
	printf("SIGEV_THREAD_ID to another: %s\n", res(create(CLOCK_MONOTONIC, &tid, &id)));

	/* A signal of a timer deleted or set again since is dropped (Linux 6.13 on). */
	ev = event(SIGEV_SIGNAL, SIGRTMIN, 3);
	create(CLOCK_MONOTONIC, &ev, &id);
	settime(id, 0, 0, 10000000, 0, 0, NULL);
	nanosleep(&nap, NULL);
	syscall(SYS_timer_delete, id);
	printf("deleted timer's signal taken: %s\n", yes(wait_for(SIGRTMIN, 0, &si) > 0));
	create(CLOCK_MONOTONIC, &ev, &id);
	settime(id, 0, 0, 10000000, 0, 0, NULL);
	nanosleep(&nap, NULL);
	settime(id, 0, 10, 0, 0, 0, NULL);
	printf("re-armed timer's old signal taken: %s\n", yes(wait_for(SIGRTMIN, 0, &si) > 0));
	syscall(SYS_timer_delete, id);

	/* The process's CPU time, also by clock_getcpuclockid's id. */
	clockid_t cpu;
	clock_getcpuclockid(0, &cpu);
	printf("create on clock_getcpuclockid(0): %s\n", res(create(cpu, &ev, &id)));
	syscall(SYS_timer_delete, id);
	ev = event(SIGEV_SIGNAL, SIGRTMIN, 1);
	printf("create CPU-time: %s\n", res(create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id)));
	settime(id, 0, 0, 30000000, 0, 0, NULL);
	t0 = now(CLOCK_MONOTONIC);
	while (wait_for(SIGRTMIN, 0, &si) < 0 && now(CLOCK_MONOTONIC) - t0 < 10e9)
		;
	printf("CPU-time timer fired while computing: %s\n", yes(now(CLOCK_MONOTONIC) - t0 < 10e9));
	/* Absolute, on the clock clock_gettime reads: the process's CPU time. */
	double cpu_now = now(CLOCK_PROCESS_CPUTIME_ID);
	nanosleep(&(struct timespec){0, 200000000}, NULL);
	printf("process CPU clock still during a 200 ms sleep: %s\n",
	       yes(now(CLOCK_PROCESS_CPUTIME_ID) - cpu_now < 100e6));
	cpu_now = now(CLOCK_PROCESS_CPUTIME_ID);
	double at = cpu_now + 30e6;
	settime(id, TIMER_ABSTIME, (long)(at / 1e9), (long)((long long)at % 1000000000), 0, 0,
		NULL);
	t0 = now(CLOCK_MONOTONIC);
	while (wait_for(SIGRTMIN, 0, &si) < 0 && now(CLOCK_MONOTONIC) - t0 < 10e9)
		;
	printf("absolute CPU-time timer fired: %s, not before its time: %s\n",
	       yes(now(CLOCK_MONOTONIC) - t0 < 10e9), yes(now(CLOCK_PROCESS_CPUTIME_ID) >= at));
	syscall(SYS_timer_delete, id);

	/* Many at once: 200 timers each send their own value. */
	int ids[200], made = 0, seen = 0;
	for (int i = 0; i < 200; i++) {
		ev = event(SIGEV_SIGNAL, SIGRTMIN + 1, i);
		made += create(CLOCK_MONOTONIC, &ev, &ids[i]) == 0;
		settime(ids[i], 0, 0, 10000000, 0, 0, NULL);
	}
	for (int i = 0; i < 200 && wait_for(SIGRTMIN + 1, 2000, &si) == SIGRTMIN + 1; i++)
		seen += si.si_value.sival_int == i;
	int deleted = 0;
	for (int i = 0; i < 200; i++)
		deleted += syscall(SYS_timer_delete, ids[i]) == 0;
	printf("200 timers: created %d, signals in order %d, deleted %d\n", made, seen, deleted);

	/* Errors. */
	printf("clock 99: %s\n", res(create(99, &ev, &id)));
	printf("CLOCK_MONOTONIC_RAW: %s\n", res(create(CLOCK_MONOTONIC_RAW, &ev, &id)));
	struct sigevent bad = event(SIGEV_SIGNAL, 0, 0);
	printf("signal 0: %s\n", res(create(CLOCK_MONOTONIC, &bad, &id)));
	bad = event(SIGEV_SIGNAL, 65, 0);
	printf("signal 65: %s\n", res(create(CLOCK_MONOTONIC, &bad, &id)));
	bad = event(99, SIGRTMIN, 0);
	printf("notify 99: %s\n", res(create(CLOCK_MONOTONIC, &bad, &id)));
	printf("bad sigevent pointer: %s\n", res(create(CLOCK_MONOTONIC, (void *)16, &id)));
	printf("bad id pointer: %s\n", res(create(CLOCK_MONOTONIC, &ev, (void *)16)));
	create(CLOCK_MONOTONIC, &ev, &id);
	printf("settime nsec 1e9: %s\n", res(settime(id, 0, 0, 1000000000, 0, 0, NULL)));
	printf("settime negative: %s\n", res(settime(id, 0, -1, 0, 0, 0, NULL)));
	printf("settime NULL: %s\n", res(syscall(SYS_timer_settime, id, 0, NULL, NULL)));
	printf("settime bad pointer: %s\n",
	       res(syscall(SYS_timer_settime, id, 0, (void *)16, NULL)));
	printf("gettime bad pointer: %s\n", res(syscall(SYS_timer_gettime, id, (void *)16)));
	syscall(SYS_timer_delete, id);
	printf("gettime deleted: %s\n", res(gettime(id, &cur)));
	printf("settime deleted: %s\n", res(settime(id, 0, 1, 0, 0, 0, NULL)));
	printf("getoverrun deleted: %s\n", res(syscall(SYS_timer_getoverrun, id)));
	printf("delete deleted: %s\n", res(syscall(SYS_timer_delete, id)));
	printf("delete -1: %s\n", res(syscall(SYS_timer_delete, -1)));

	/* Through glibc: a timer_t and timer_settime as programs use them. */
	timer_t t;
	ev = event(SIGEV_SIGNAL, SIGRTMIN, 99);
	printf("glibc timer_create: %s\n", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	printf("glibc timer_settime: %s\n", res(timer_settime(t, 0, &its, NULL)));
	got = wait_for(SIGRTMIN, 5000, &si);
	printf("glibc timer signal with its value: %s\n",
	       yes(got == SIGRTMIN && si.si_value.sival_int == 99));
	printf("glibc timer_delete: %s\n", res(timer_delete(t)));
	return 0;
}
