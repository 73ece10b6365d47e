/* Hot code on small stacks: a signal handler on a 16 KiB alternate stack
 * calling a hot function and running a hot loop, and a thread made with
 * 16 KiB (PTHREAD_STACK_MIN) calling another, then ending the process
 * (exit 3). Where the runtime compiles on the program's thread (one CPU,
 * --compile-threads 0), its tier-ups come on those stacks, and its exit's
 * work (the code cache, --report) on the thread's: LLVM, and glibc's
 * fprintf to unbuffered stderr, need far more than they have. */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL (16 << 10)

static unsigned long mix(unsigned long x)
{
	for (int i = 0; i < 20; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

/* calls of mix, then a loop of its own: a tier-up and an OSR entry */
static unsigned long work(unsigned long seed, int n)
{
	unsigned long acc = seed;
	for (int i = 0; i < n; i++)
		acc += mix(acc + (unsigned long)i);
	for (int i = 0; i < 40 * n; i++)
		acc = (acc ^ (acc >> 13)) * 0x9e3779b97f4a7c15ul + (unsigned long)i;
	return acc;
}

static volatile unsigned long from_handler;

static void handler(int sig)
{
	from_handler += work((unsigned long)sig, 20000);
}

/* called from the thread's loop: its tier-ups come at fixed counts there */
static unsigned long churn(unsigned long x)
{
	for (int i = 0; i < 16; i++)
		x = (x ^ (x << 7)) * 0xff51afd7ed558ccdul + (unsigned long)i;
	return x;
}

/* and the program's end: its exit, on the thread's small stack */
static void *thread(void *arg)
{
	unsigned long acc = (unsigned long)(uintptr_t)arg;
	for (int i = 0; i < 200000; i++)
		acc = churn(acc + (unsigned long)i);
	printf("thread: %016lx\n", acc);
	exit(3);
}

int main(void)
{
	stack_t ss = {.ss_sp = malloc(SMALL), .ss_size = SMALL};
	if (!ss.ss_sp || sigaltstack(&ss, NULL)) {
		perror("sigaltstack");
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	for (int k = 0; k < 4; k++)
		raise(SIGUSR1);
	printf("handler: %016lx\n", from_handler);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN)) {
		puts("no stack size");
		return 1;
	}
	pthread_t t;
	fflush(stdout);
	if (pthread_create(&t, &attr, thread, (void *)7) || pthread_join(t, NULL))
		puts("no thread");
	return 1;
}
