# The names a networked program looks up in the guest: getaddrinfo of
# "localhost" and of the host name uname gives (from /etc/hosts, before any
# DNS), of a numeric address, of a name nothing knows (an error, at once:
# the DNS server it asks, 127.0.0.1, refuses), getprotobyname and
# getservbyname; then a TCP connection made the way such a program makes
# it, to "localhost" and the service "http-alt" (8080), from a server
# thread. The host's own files differ from machine to machine, so this is
# checked against what the guest's files say, not against Linux.
. tests/boot/common.inc
cat >"$TMP/names.c" <<'END'
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

static void show(const char *host, const char *service)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	int r = getaddrinfo(host, service, &hints, &res);
	printf("%s %s:", host, service);
	if (r) {
		printf(" error %s\n", r == EAI_NONAME ? "EAI_NONAME" : r == EAI_AGAIN ? "EAI_AGAIN" : "other");
		return;
	}
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		char b[64];
		int port;
		if (a->ai_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, b, sizeof b);
			port = ntohs(((struct sockaddr_in *)a->ai_addr)->sin_port);
		} else {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, b, sizeof b);
			port = ntohs(((struct sockaddr_in6 *)a->ai_addr)->sin6_port);
		}
		printf(" %s port %d;", b, port);
	}
	printf("\n");
	freeaddrinfo(res);
}

static int listener;

static void *serve(void *arg)
{
	int c = accept(listener, NULL, NULL);
	char buf[32] = {0};
	read(c, buf, sizeof buf - 1);
	write(c, "served ", 7);
	write(c, buf, strlen(buf));
	close(c);
	return arg;
}

int main(void)
{
	struct utsname u;
	uname(&u);
	show("localhost", "80");
	show(u.nodename, "22");
	show("127.0.0.1", "7");
	show("no-such-host.invalid", "80");
	struct protoent *p = getprotobyname("tcp");
	struct servent *s = getservbyname("http", "tcp");
	printf("getprotobyname tcp: %d; getservbyname http/tcp: %d\n", p ? p->p_proto : -1,
	       s ? ntohs(s->s_port) : -1);

	/* a server on the service's port, and a client that looks both up */
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
	if (getaddrinfo(NULL, "http-alt", &hints, &res))
		return 1;
	listener = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (bind(listener, res->ai_addr, res->ai_addrlen) || listen(listener, 4))
		return 2;
	freeaddrinfo(res);
	pthread_t t;
	pthread_create(&t, NULL, serve, NULL);
	hints.ai_flags = 0;
	if (getaddrinfo("localhost", "http-alt", &hints, &res))
		return 3;
	int c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (connect(c, res->ai_addr, res->ai_addrlen))
		return 4;
	write(c, "hello", 5);
	char buf[64] = {0};
	for (size_t got = 0; got < sizeof buf - 1;) {
		ssize_t n = read(c, buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	pthread_join(t, NULL);
	printf("through localhost:http-alt: \"%s\"\n", buf);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/names" "$TMP/names.c" 2>/dev/null || fail "cannot build the program"
run ./bareflow run --timeout 60 "$TMP/names"
expect_status 0
expect_output "^localhost 80: 127.0.0.1 port 80;$"
expect_output "^bareflow 22: 127.0.1.1 port 22;$"
expect_output "^127.0.0.1 7: 127.0.0.1 port 7;$"
expect_output "^no-such-host.invalid 80: error EAI_AGAIN$"
expect_output "^getprotobyname tcp: 6; getservbyname http/tcp: 80$"
expect_output "^through localhost:http-alt: \"served hello\"$"
