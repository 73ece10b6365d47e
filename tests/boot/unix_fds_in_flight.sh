# Files in flight in Unix socket queues when the program ends: a socket
# sent into its own queue, two in each other's, and a chain of 3000 sockets
# each holding the next in its queue, all closed by the program. Nothing
# but the end can free them (Linux has a collector for such cycles); the
# kernel must let go of every one, without recursing once per link, and
# report every page and heap block free again.
. tests/boot/common.inc
cat >"$TMP/cycles.c" <<'END'
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_fd(int s, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	struct iovec v = {"x", 1};
	struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl,
			   .msg_controllen = sizeof ctl};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_len = CMSG_LEN(sizeof(int));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(s, &m, 0) == 1;
}

int main(void)
{
	int a[2], b[2], ok = 1, prev[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, a);
	ok &= send_fd(a[0], a[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, b);
	ok &= send_fd(b[0], b[1]) & send_fd(b[1], b[0]);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
	/* a chain: each pair's receiving end holds the previous pair's */
	socketpair(AF_UNIX, SOCK_STREAM, 0, prev);
	for (int i = 0; i < 3000 && ok; i++) {
		int s[2];
		ok &= socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0;
		ok &= send_fd(s[0], prev[1]);
		close(prev[0]), close(prev[1]);
		prev[0] = s[0], prev[1] = s[1];
	}
	close(prev[0]), close(prev[1]);
	printf("sent: %d\n", ok);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/cycles" "$TMP/cycles.c" || fail "cannot build the program"
run ./bareflow run --verbose --timeout 120 "$TMP/cycles"
expect_status 0
expect_output "^sent: 1$"
expect_output "every page, page table and heap block the program used is free again"
expect_no_output "kernel bug"
