# Default actions that cannot be compared with Linux in a shared test run:
# SIGKILL sent to ourselves ends us even while "blocked" (status 137), and
# SIGSTOP, which nothing could ever continue, ends us with the status a
# shell shows for a stopped job (147). Each leaves a one-line report.
. tests/boot/common.inc
cat >"$TMP/selfsig.c" <<'END'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t all;
	int sig = strcmp(argv[1], "kill") == 0 ? SIGKILL : SIGSTOP;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL); /* cannot hold back SIGKILL or SIGSTOP */
	printf("sending %s\n", argv[1]);
	fflush(stdout);
	kill(getpid(), sig);
	printf("survived\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/selfsig" "$TMP/selfsig.c" || fail "cannot build the program"
run ./bareflow run --timeout 60 "$TMP/selfsig" kill
expect_status 137
expect_output "sending kill"
expect_no_output "survived"
expect_output "Program killed by SIGKILL: sent by the program itself (kill) at "
run ./bareflow run --timeout 60 "$TMP/selfsig" stop
expect_status 147
expect_output "sending stop"
expect_no_output "survived"
expect_output "Program killed by SIGSTOP: stopped, with no other process to continue it"
