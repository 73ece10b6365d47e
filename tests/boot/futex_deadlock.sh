# A futex wait that nothing can end (one thread, no timeout) ends the
# program as if killed by SIGKILL (137) with a report naming the cause,
# instead of hanging until the timeout. Here glibc waits in the futex when
# a program locks a (non-recursive) mutex it already holds.
. tests/boot/common.inc
cat >"$TMP/deadlock.c" <<'END'
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	pthread_mutex_lock(&lock);
	printf("locked once; locking again\n");
	fflush(stdout);
	pthread_mutex_lock(&lock);
	printf("never printed\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/deadlock" "$TMP/deadlock.c" || fail "cannot build the program"
run ./bareflow run --timeout 60 "$TMP/deadlock"
expect_status 137
expect_output "locked once; locking again"
expect_no_output "never printed"
expect_output "Program killed by SIGKILL: futex wait with no other thread to wake it"
expect_output " main+0x"
