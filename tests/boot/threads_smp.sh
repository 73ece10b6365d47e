# POSIX threads on two CPUs (multi-threaded TCG): the threaded programs of
# tests/abi (mutexes, condition variables, barriers, rwlocks, TLS, errno,
# detached threads, 64 threads, cancellation, pthread_kill, a 1,000,000-lock
# futex stress, exit from a thread, a thread's SIGSEGV, no stale TLB after
# munmap/mprotect/mmap over pages another CPU reads, process signals taken
# by a sigwait thread or outliving the thread that sent them, FUTEX_WAKE_OP
# racing another CPU's atomic adds, a thread re-pinned to the other CPU by
# sched_setaffinity running there, the process's CPU time summed over
# threads busy at once, RLIMIT_CPU, pipe waits that another thread's read,
# write, close or signal ends) run under
# `bareflow run --cpus 2` with the same output and status as on Linux, and
# an OpenMP program (tests/omp) on one CPU and on two. Then
# what has no Linux twin: the thread limit (EAGAIN, every page back at the
# exit), signals queued to a thread that exits (freed), a deadlock of every thread (137, reported), waits another thread
# ends (no false deadlock), and a pthreads program's threads on both CPUs.
. tests/boot/common.inc
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "skipped: this host has one CPU"; exit 0; }
mkdir -p build/abi
failures=0
for name in pthreads_sync pthreads_cancel_kill futex_stress_threads thread_exit_group \
	thread_crash_segv threads_no_stale_tlb signals_process_signal_missed_by_sigwait_thread \
	signals_process_signal_lost_with_exiting_thread futex_wake_op_lost_update \
	sched_setaffinity_other_thread_starved process_cputime_sums_threads \
	signals_ignored_after_main_thread_exit clock_cpu_sleep_and_thread_timers \
	pipe_waits_between_threads; do
	bin=build/abi/$name
	if [ ! -x "$bin" ] || [ "tests/abi/$name.c" -nt "$bin" ]; then
		clang-19 -static -O1 -fno-omit-frame-pointer -o "$bin" "tests/abi/$name.c" || fail "cannot build $name"
	fi
	"$bin" >"$TMP/$name.native" 2>/dev/null </dev/null
	native=$?
	./bareflow run --cpus 2 --timeout 60 "$bin" >"$TMP/$name.bare" 2>"$TMP/$name.err" </dev/null
	compare_runs "$name (--cpus 2, against Linux)" "$TMP/$name.native" "$native" "$TMP/$name.bare" $? "$TMP/$name.err"
done
for want in "Program killed by SIGSEGV" "in thread_writes_null+0x" "fault address 0000000000000010 (write)" " crash+0x"; do
	grep -q -- "$want" "$TMP/thread_crash_segv.err" || { echo "report lacks '$want'"; failures=$((failures + 1)); }
done
# OpenMP with libgomp, built by gcc (tests/omp), on one CPU and on two.
if gcc -fopenmp -static -O2 -o "$TMP/omp" tests/omp/openmp_basic.c 2>"$TMP/omp.cc"; then
	"$TMP/omp" >"$TMP/omp.native" 2>/dev/null </dev/null
	native=$?
	for cpus in 1 2; do
		./bareflow run --cpus $cpus --timeout 60 "$TMP/omp" >"$TMP/omp.bare" 2>"$TMP/omp.err" </dev/null
		compare_runs "openmp_basic (--cpus $cpus, against Linux)" "$TMP/omp.native" "$native" "$TMP/omp.bare" $? "$TMP/omp.err"
	done
else
	echo "skipped openmp_basic: gcc -fopenmp -static failed:"
	head -5 "$TMP/omp.cc"
fi
[ "$failures" -eq 0 ] || fail "$failures threaded program(s) differ from Linux"

# build_run NAME TIMEOUT: build $TMP/NAME.c, run it on 2 CPUs with --verbose.
build_run() {
	clang-19 -static -O1 -o "$TMP/$1" "$TMP/$1.c" || fail "cannot build $1.c"
	run ./bareflow run --cpus 2 --verbose --timeout "$2" "$TMP/$1"
}

# The thread limit: 10,000 threads made and joined one by one, then as
# many at once as the kernel allows: EAGAIN at 512 (the first included).
cat >"$TMP/limit.c" <<'END'
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int go;

static void *blocker(void *arg)
{
	pthread_mutex_lock(&m);
	while (!go)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	return arg;
}

static void *nothing(void *arg) { return arg; }

int main(void)
{
	static pthread_t t[2000];
	pthread_attr_t a;
	long sum = 0;
	void *r;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 65536);
	for (long i = 0; i < 10000; i++) {
		pthread_t x;
		int e = pthread_create(&x, &a, nothing, (void *)i);
		if (e) {
			printf("create %ld: %s\n", i, strerror(e));
			return 1;
		}
		pthread_join(x, &r);
		sum += (long)r;
	}
	printf("10000 created and joined, sum %ld\n", sum);
	int n = 0, err = 0;
	while (n < 2000 && !(err = pthread_create(&t[n], &a, blocker, NULL)))
		n++;
	printf("threads made at once: %d, then: %s\n", n, strerror(err));
	pthread_mutex_lock(&m);
	go = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("all joined\n");
	return 0;
}
END
build_run limit 120
expect_status 0
expect_output "^10000 created and joined, sum 49995000"
expect_output "^threads made at once: 511, then: Resource temporarily unavailable"
expect_output "^all joined"
expect_output "every page, page table and heap block the program used is free again"

# Real-time signals queued to a thread (pthread_sigqueue) that blocks
# them and exits: sent, and freed with the thread.
cat >"$TMP/rtq.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int go;

static void *blocks_all(void *arg)
{
	sigset_t s;
	sigfillset(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	go = 1;
	usleep(50000);
	return arg;
}

int main(void)
{
	pthread_t t;
	union sigval v = {.sival_int = 1};
	int sent = 0;

	pthread_create(&t, NULL, blocks_all, NULL);
	while (!go)
		usleep(1000);
	for (int i = 0; i < 5; i++)
		sent += pthread_sigqueue(t, SIGRTMIN + 1, v) == 0;
	pthread_join(t, NULL);
	printf("queued to the thread: %d\n", sent);
	return 0;
}
END
build_run rtq 60
expect_status 0
expect_output "^queued to the thread: 5"
expect_output "every page, page table and heap block the program used is free again"

# Every thread waits for ever (each holds the mutex the other wants; or
# one reads an empty pipe, the other polls another): 137, reported; waits
# that another thread ends are no deadlock.
cat >"$TMP/waits.c" <<'END'
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready;

static void *takes_b_then_a(void *arg)
{
	pthread_mutex_lock(&b);
	usleep(50000);
	pthread_mutex_lock(&a);
	return arg;
}

static int p1[2], p2[2];

static void *reads_p1(void *arg)
{
	char ch;
	read(p1[0], &ch, 1);
	return arg;
}

static void *works_then_signals(void *arg)
{
	volatile unsigned long s = 0;
	for (unsigned long i = 0; i < 10000000; i++)
		s += i;
	usleep(100000);
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (!strcmp(argv[1], "deadlock")) {
		pthread_create(&t, NULL, takes_b_then_a, NULL);
		pthread_mutex_lock(&a);
		usleep(50000);
		printf("both hold one lock\n");
		fflush(stdout);
		pthread_mutex_lock(&b);
		printf("never printed\n");
		return 0;
	}
	if (!strcmp(argv[1], "pipes")) {
		struct pollfd p = {.events = POLLIN};
		pipe(p1), pipe(p2);
		pthread_create(&t, NULL, reads_p1, NULL);
		printf("both wait on pipes\n");
		fflush(stdout);
		p.fd = p2[0];
		poll(&p, 1, -1);
		printf("never printed\n");
		return 0;
	}
	pthread_create(&t, NULL, works_then_signals, NULL);
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	printf("woken by the other thread\n");
	return 3;
}
END
clang-19 -static -O1 -o "$TMP/waits" "$TMP/waits.c" || fail "cannot build waits.c"
for cpus in 1 2; do
	run ./bareflow run --cpus $cpus --timeout 60 "$TMP/waits" deadlock
	expect_status 137
	expect_output "both hold one lock"
	expect_no_output "never printed"
	expect_output "Program killed by SIGKILL: futex wait with no other thread to wake it (a deadlock)"
	run ./bareflow run --cpus $cpus --timeout 60 "$TMP/waits" pipes
	expect_status 137
	expect_output "both wait on pipes"
	expect_no_output "never printed"
	expect_output "bareflow: the program would wait forever"
	run ./bareflow run --cpus $cpus --timeout 60 "$TMP/waits" other
	expect_status 3
	expect_output "woken by the other thread"
done

# Two threads that compute: each reports the CPUs it ran on; with two
# CPUs both are used (sched_getcpu, from getcpu), and the affinity mask
# and /sys/devices/system/cpu/online (sysconf) name both.
cat >"$TMP/spread.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

static volatile int seen[2][64];

static void *work(void *arg)
{
	long id = (long)arg;
	volatile unsigned long s = 0;
	for (unsigned long i = 0; i < 20000000; i++) {
		s += i;
		if (!(i & 0x3ffff))
			seen[id][sched_getcpu() & 63] = 1;
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];
	cpu_set_t set;

	sched_getaffinity(0, sizeof set, &set);
	printf("affinity: %d CPUs\n", CPU_COUNT(&set));
	printf("online: %ld CPUs\n", sysconf(_SC_NPROCESSORS_ONLN));
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	int both = 0;
	for (int c = 0; c < 64; c++)
		both += seen[0][c] || seen[1][c];
	printf("CPUs used: %d\n", both);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/spread" "$TMP/spread.c" || fail "cannot build spread.c"
run ./bareflow run --cpus 2 --timeout 60 "$TMP/spread"
expect_status 0
expect_output "^affinity: 2 CPUs"
expect_output "^online: 2 CPUs"
expect_output "^CPUs used: 2"
echo ok
