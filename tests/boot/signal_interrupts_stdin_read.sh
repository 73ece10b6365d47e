# A timer's signal ends a read from stdin that waits for the host (a pipe
# streamed over the serial line): EINTR without SA_RESTART; with it the
# read goes on and gets the line. The same as natively.
. tests/boot/common.inc
cat >"$TMP/rd.c" <<'END'
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alrm;
static void handler(int sig) { alrm = sig; }

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct itimerval v = {{0, 0}, {0, 200000}};
	char buf[64] = "";

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = argc > 1 ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &v, NULL);
	ssize_t n = read(0, buf, sizeof buf - 1);
	printf("read: %s, handler ran: %s, got: %s", n < 0 ? (errno == EINTR ? "EINTR" : "error") : "ok",
	       alrm ? "yes" : "no", n > 0 ? buf : "nothing\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/rd" "$TMP/rd.c" || fail "cannot build the program"
for restart in "" restart; do
	(sleep 3; echo line) | "$TMP/rd" $restart >"$TMP/native" 2>&1
	(sleep 3; echo line) | ./bareflow run --timeout 60 "$TMP/rd" $restart >"$OUT" 2>&1
	STATUS=$?
	expect_status 0
	cmp -s "$TMP/native" "$OUT" || fail "differs from Linux: $(cat "$TMP/native")"
done
grep -q "read: ok, handler ran: yes, got: line" "$OUT" || fail "the restarted read lost the line"
