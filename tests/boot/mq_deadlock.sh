# A blocking mq_receive from an empty message queue (or mq_send to a full
# one) without a timeout could never end with one thread: the program ends
# as if killed by SIGKILL (137) with a report naming the cause, as a futex
# deadlock does, instead of hanging until the host's timeout.
. tests/boot/common.inc
cat >"$TMP/mq.c" <<'END'
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};
	char buf[8];
	mq_unlink("/deadlock");
	mqd_t q = mq_open("/deadlock", O_RDWR | O_CREAT, 0600, &attr);
	if (!strcmp(argv[1], "send")) {
		mq_send(q, "a", 1, 0);
		printf("sent one; sending to the full queue\n");
		fflush(stdout);
		mq_send(q, "b", 1, 0);
	} else {
		printf("receiving from the empty queue\n");
		fflush(stdout);
		mq_receive(q, buf, sizeof buf, NULL);
	}
	printf("never printed\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/mq" "$TMP/mq.c" || fail "cannot build the program"
run ./bareflow run --timeout 60 "$TMP/mq" receive
expect_status 137
expect_output "receiving from the empty queue"
expect_no_output "never printed"
expect_output "Program killed by SIGKILL: mq_timedreceive from an empty queue that only it writes"
run ./bareflow run --timeout 60 "$TMP/mq" send
expect_status 137
expect_output "sent one; sending to the full queue"
expect_no_output "never printed"
expect_output "Program killed by SIGKILL: mq_timedsend to a full queue that only it reads"
