# fork under the JIT (runtime/fork.c). Hosted, the child is a copy of the
# process with the forking thread alone, no compiler thread: it must
# compile its own hot functions (in_child, which only it calls) on its own
# thread, exit with its status, and write no report (the parent's --report
# is the one); vfork is fork, and its child execs. tests/jit/fork/fork.c's
# output must equal the clang build's, the child's included. Bare-metal
# the kernel makes no new process: fork and vfork fail with ENOSYS, as for
# the clang build under `bareflow run`. Before, a program naming fork did
# not start (exit 127).
. tests/boot/common.inc
src=tests/jit/fork/fork.c
clang-19 -O2 -o "$TMP/native" "$src" || fail "clang failed"
"$TMP/native" >"$TMP/want" || fail "the clang build failed"
grep -q "^child exited with 3$" "$TMP/want" || fail "the clang build's child did not exit with 3"
run sh -c "./bareflow jit --hosted --cache off --report --log-tiers $src >$TMP/got 2>$TMP/err"
expect_status 0
cmp -s "$TMP/want" "$TMP/got" || fail "hosted output differs: $(diff "$TMP/want" "$TMP/got" | head -5)"
n=$(grep -c "^bareflow-rt report" "$TMP/err")
[ "$n" -eq 1 ] || fail "expected one report (the parent's), found $n: $(head -5 "$TMP/err")"
! grep -q "cannot compile\|does not verify" "$TMP/err" || fail "$(cat "$TMP/err")"
grep -q "^bareflow-rt: \(tier-up\|OSR\) in_child: tier 0 -> 2" "$TMP/err" ||
	fail "the child compiled nothing of its own: $(cat "$TMP/err")"

# A fork while a signal handler runs JIT code (a thread sends SIGUSR1 to
# the forking one all along): fork's handlers take the runtime's locks
# with signals from outside blocked, as the probes do; before, a handler
# running in the fork's window took the policy lock again and hung. And
# an exit handler that forks, whose child exits: rt_exit's lock, held by
# the parent's exiting thread, is new in the child; before, the child
# paused for good. Both against clang's builds, each within a minute.
cat >"$TMP/signals.c" <<'EOF'
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile unsigned long acc;
static volatile int done;
static pthread_t forker;
static unsigned long work(unsigned long x)
{
	for (int i = 0; i < 50; i++)
		x = x * 6364136223846793005ul + 1;
	return x;
}
static void on_usr1(int s)
{
	(void)s;
	acc += work(acc);
}
static void *pester(void *arg)
{
	(void)arg;
	while (!done) {
		pthread_kill(forker, SIGUSR1);
		usleep(50);
	}
	return NULL;
}
int main(void)
{
	pthread_t t;
	forker = pthread_self();
	signal(SIGUSR1, on_usr1);
	pthread_create(&t, NULL, pester, NULL);
	for (int k = 0; k < 200; k++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		int st;
		while (waitpid(pid, &st, 0) < 0)
			;
	}
	done = 1;
	pthread_join(t, NULL);
	puts("200 forks");
	return 0;
}
EOF
cat >"$TMP/atexit.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static void handler(void)
{
	int st;
	pid_t pid = fork();
	if (pid == 0)
		exit(5);
	waitpid(pid, &st, 0);
	printf("the handler's child exited with %d\n", WEXITSTATUS(st));
}
int main(void)
{
	atexit(handler);
	puts("main");
	return 0;
}
EOF
for p in signals atexit; do
	clang-19 -O2 -pthread -o "$TMP/$p" "$TMP/$p.c" || fail "clang failed on $p.c"
	"$TMP/$p" >"$TMP/$p.want" || fail "the clang build of $p.c failed"
	run timeout 60 ./bareflow jit --hosted --cache off --thresholds 1,1,2,2 "$TMP/$p.c"
	expect_status 0
	grep -v "^bareflow" "$OUT" >"$TMP/$p.got"
	cmp -s "$TMP/$p.want" "$TMP/$p.got" || fail "$p.c: $(diff "$TMP/$p.want" "$TMP/$p.got" | head -5)"
done

# A child that forks again before its first probe: the grandchild has the
# jobs its parent had not adopted yet, and compiles them (before, they
# were lost: their functions stayed pending, each call came back to the
# runtime, and the stack overflowed). g's tier-up is asked at its second
# call and queued; the fork, then the second, come before any probe.
cat >"$TMP/twice.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
__attribute__((noinline)) unsigned long g(unsigned long x)
{
	return x * 2654435761u + 1;
}
int main(void)
{
	unsigned long s = g(1) + g(2) + g(3);
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		pid_t inner = fork();
		if (inner == 0) {
			for (long i = 0; i < 20000000; i++)
				s += g((unsigned long)i);
			printf("grandchild %lx\n", s);
			exit(0);
		}
		waitpid(inner, &st, 0);
		exit(WIFEXITED(st) ? WEXITSTATUS(st) : 99);
	}
	waitpid(pid, &st, 0);
	printf("child exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 99);
	return 0;
}
EOF
clang-19 -O2 -o "$TMP/twice" "$TMP/twice.c" || fail "clang failed on twice.c"
"$TMP/twice" >"$TMP/twice.want" || fail "the clang build of twice.c failed"
run timeout 120 ./bareflow jit --hosted --cache off --compile-threads 1 \
	--thresholds 2,1000000000,1000000000,1000000000 "$TMP/twice.c"
expect_status 0
grep -v "^bareflow" "$OUT" >"$TMP/twice.got"
cmp -s "$TMP/twice.want" "$TMP/twice.got" || fail "twice.c: $(diff "$TMP/twice.want" "$TMP/twice.got" | head -5)"

clang-19 -O2 -static -o "$TMP/static" "$src" || fail "clang -static failed"
run ./bareflow run "$TMP/static" 100000
expect_status 0
grep -v "^bareflow:" "$OUT" >"$TMP/want"
grep -q "^fork failed: Function not implemented$" "$TMP/want" || fail "expected fork to fail bare-metal"
run ./bareflow jit --cache off "$src" -- 100000
expect_status 0
grep -v "^bareflow" "$OUT" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "bare-metal output differs: $(diff "$TMP/want" "$TMP/got" | head -5)"
echo ok
