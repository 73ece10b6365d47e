/* sendmmsg and recvmmsg on Unix domain sockets, against Linux: several
 * messages a call with each one's count, MSG_WAITFORONE, a timeout looked
 * at after each message and what is left of it written back, an error
 * after some messages kept for SO_ERROR, and the calls' errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static char bufs[8][32];
static struct iovec iov[8];
static struct mmsghdr hdr[8];

static void setup(int n)
{
	memset(bufs, 0, sizeof bufs);
	memset(hdr, 0, sizeof hdr);
	for (int i = 0; i < n; i++) {
		iov[i] = (struct iovec){bufs[i], sizeof bufs[i] - 1};
		hdr[i].msg_hdr.msg_iov = &iov[i];
		hdr[i].msg_hdr.msg_iovlen = 1;
		hdr[i].msg_len = 777;
	}
}

static void show(const char *what, int r, int n)
{
	printf("%s: %s", what, res_value(r));
	for (int i = 0; i < n; i++)
		printf(" [%u \"%s\"]", hdr[i].msg_len, bufs[i]);
	printf("\n");
}

static void send_three(int s)
{
	static char *words[3] = {"one", "three", "eleven"};
	setup(3);
	for (int i = 0; i < 3; i++)
		iov[i] = (struct iovec){words[i], strlen(words[i])};
	show("sendmmsg 3", sendmmsg(s, hdr, 3, 0), 3);
}

int main(void)
{
	int sv[2];
	setvbuf(stdout, NULL, _IONBF, 0);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);

	send_three(sv[0]);
	setup(5);
	show("recvmmsg 5, MSG_DONTWAIT", recvmmsg(sv[1], hdr, 5, MSG_DONTWAIT, NULL), 5);
	send_three(sv[0]);
	setup(5);
	show("recvmmsg 5, MSG_WAITFORONE", recvmmsg(sv[1], hdr, 5, MSG_WAITFORONE, NULL), 5);
	send_three(sv[0]);
	setup(2);
	show("recvmmsg 2", recvmmsg(sv[1], hdr, 2, 0, NULL), 2);
	struct timespec t = {5, 0};
	setup(2);
	show("recvmmsg 2 more, MSG_DONTWAIT, a timeout", recvmmsg(sv[1], hdr, 2, MSG_DONTWAIT, &t),
	     2);
	printf("  the timeout written back: %d\n", t.tv_sec == 5 && t.tv_nsec == 0);
	send_three(sv[0]);
	t = (struct timespec){5, 0};
	setup(3);
	show("recvmmsg 3, a timeout", recvmmsg(sv[1], hdr, 3, 0, &t), 3);
	printf("  what is left of it: %d\n", t.tv_sec >= 3 && t.tv_sec <= 4);
	send_three(sv[0]);
	send_three(sv[0]);
	t = (struct timespec){0x7fffffffffffffffll, 0};
	setup(5);
	show("recvmmsg 5, the longest timeout", recvmmsg(sv[1], hdr, 5, 0, &t), 5);
	setup(1);
	recvmmsg(sv[1], hdr, 1, 0, NULL);
	t = (struct timespec){0, 1000000000};
	printf("timeout of 1e9 ns: %s\n", res(recvmmsg(sv[1], hdr, 3, 0, &t)));
	printf("unreadable timeout: %s\n", res(recvmmsg(sv[1], hdr, 3, 0, (struct timespec *)8)));
	printf("nothing queued, MSG_DONTWAIT: %s\n",
	       res(recvmmsg(sv[1], hdr, 3, MSG_DONTWAIT, NULL)));
	printf("vlen 0: %s %s\n", res_value(sendmmsg(sv[0], hdr, 0, 0)),
	       res_value(recvmmsg(sv[1], hdr, 0, 0, NULL)));

	/* an error after a message: kept for SO_ERROR (and the next call) */
	send_three(sv[0]);
	setup(3);
	hdr[1].msg_hdr.msg_iov = (struct iovec *)8;
	show("recvmmsg with a bad second header", recvmmsg(sv[1], hdr, 3, 0, NULL), 1);
	int e = -1;
	socklen_t el = sizeof e;
	getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &e, &el);
	printf("  SO_ERROR then: %s\n", e == 14 ? "EFAULT" : e ? "other" : "0");
	setup(3);
	show("  the rest", recvmmsg(sv[1], hdr, 3, MSG_DONTWAIT, NULL), 2);
	send_three(sv[0]);
	setup(3);
	hdr[1].msg_hdr.msg_iov = (struct iovec *)8;
	show("again", recvmmsg(sv[1], hdr, 3, 0, NULL), 1);
	setup(3);
	printf("  the next call: %s\n", res(recvmmsg(sv[1], hdr, 3, MSG_DONTWAIT, NULL)));
	setup(3);
	show("  then", recvmmsg(sv[1], hdr, 3, MSG_DONTWAIT, NULL), 2);

	setup(3);
	iov[0] = (struct iovec){"ok", 2};
	iov[2] = (struct iovec){"ok", 2};
	hdr[1].msg_hdr.msg_iov = (struct iovec *)8;
	show("sendmmsg with a bad second header", sendmmsg(sv[0], hdr, 3, 0), 3);
	hdr[0].msg_hdr.msg_iov = (struct iovec *)8;
	printf("sendmmsg with a bad first header: %s\n", res(sendmmsg(sv[0], hdr, 3, 0)));
	printf("bad descriptor: %s %s\n", res(sendmmsg(99, hdr, 1, 0)),
	       res(recvmmsg(99, hdr, 1, 0, NULL)));
	printf("not a socket: %s %s\n", res(sendmmsg(0, hdr, 1, 0)),
	       res(recvmmsg(0, hdr, 1, 0, NULL)));
	printf("unreadable vector: %s\n", res(sendmmsg(sv[0], (struct mmsghdr *)8, 1, 0)));

	static char big[212960];
	int bd[2], big_len = sizeof big;
	socketpair(AF_UNIX, SOCK_DGRAM, 0, bd);
	setsockopt(bd[0], SOL_SOCKET, SO_SNDBUF, &big_len, sizeof big_len);
	socklen_t bl = sizeof big_len;
	getsockopt(bd[0], SOL_SOCKET, SO_SNDBUF, &big_len, &bl);
	printf("a datagram of SO_SNDBUF - 32 bytes (default buffer): %s\n",
	       res_value(send(bd[0], big, 212960, MSG_DONTWAIT)));
	close(bd[0]);
	close(bd[1]);

	int st[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, st);
	setup(2);
	iov[0] = (struct iovec){"abc", 3};
	iov[1] = (struct iovec){"de", 2};
	show("stream sendmmsg", sendmmsg(st[0], hdr, 2, 0), 2);
	setup(2);
	show("stream recvmmsg, MSG_DONTWAIT", recvmmsg(st[1], hdr, 2, MSG_DONTWAIT, NULL), 2);
	return 0;
}
