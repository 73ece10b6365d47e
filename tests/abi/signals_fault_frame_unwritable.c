/* A fault whose handler frame cannot be written (here the alternate stack
 * is memory without access, as when a stack overflow leaves no room) does
 * not loop or hang: Linux kills the process with SIGSEGV (status 139). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void handler(int sig)
{
	static const char msg[] = "handler ran\n";
	write(1, msg, sizeof msg - 1);
	_exit(sig);
}

int main(void)
{
	struct sigaction sa;
	stack_t ss = {.ss_size = 65536};

	ss.ss_sp = mmap(NULL, ss.ss_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	printf("faulting\n");
	fflush(stdout);
	*(volatile int *)8 = 1;
	printf("not reached\n");
	return 0;
}
