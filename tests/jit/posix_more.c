/* More of the C library than the common calls, under X/Open's feature
 * macro (so that glibc's headers redirect strerror_r and basename to their
 * XSI forms): POSIX semaphores between threads, C11 threads (an int result
 * through thrd_join and thrd_exit, a mutex, a condition), a recursive
 * mutex, regular expressions, file-name patterns, a binary search tree
 * with its callbacks, byte order, coroutines (makecontext and
 * swapcontext, the other context running JIT code). */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <pthread.h>
#include <regex.h>
#include <search.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <ucontext.h>

static sem_t items, slots;
static int ring[4], produced;

static void *producer(void *arg)
{
	int n = *(int *)arg;
	for (int i = 0; i < n; i++) {
		sem_wait(&slots);
		ring[i % 4] = i * i;
		sem_post(&items);
	}
	return NULL;
}

static mtx_t lock;
static cnd_t ready;
static int turn;

static int c11_worker(void *arg)
{
	int id = *(int *)arg;
	mtx_lock(&lock);
	while (turn != id)
		cnd_wait(&ready, &lock);
	turn++;
	cnd_broadcast(&ready);
	mtx_unlock(&lock);
	if (id == 2)
		thrd_exit(200 + id);
	return 100 + id;
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int walked;
static void walk(const void *node, VISIT v, int depth)
{
	(void)depth;
	if (v == postorder || v == leaf)
		walked = walked * 31 + **(int *const *)node;
}

static ucontext_t main_ctx, co_ctx;
static int co_value;
static void coroutine(void)
{
	for (int i = 1; i <= 3; i++) {
		co_value = i * 10;
		swapcontext(&co_ctx, &main_ctx);
	}
	co_value = -1;
}

int main(void)
{
	/* a producer and this consumer through two semaphores */
	int n = 1000;
	long sum = 0;
	pthread_t t;
	if (sem_init(&items, 0, 0) || sem_init(&slots, 0, 4) ||
	    pthread_create(&t, NULL, producer, &n))
		return 1;
	for (int i = 0; i < n; i++) {
		sem_wait(&items);
		sum += ring[i % 4];
		sem_post(&slots);
	}
	pthread_join(t, NULL);
	int left;
	sem_getvalue(&slots, &left);
	printf("semaphores: sum %ld, %d slots free\n", sum, left);
	sem_destroy(&items);
	sem_destroy(&slots);

	/* C11 threads, taking turns */
	thrd_t c[3];
	int ids[3] = {0, 1, 2}, res[3];
	mtx_init(&lock, mtx_plain);
	cnd_init(&ready);
	for (int i = 2; i >= 0; i--)
		if (thrd_create(&c[i], c11_worker, &ids[i]) != thrd_success)
			return 2;
	for (int i = 0; i < 3; i++)
		thrd_join(c[i], &res[i]);
	printf("C11 threads: %d %d %d, turn %d\n", res[0], res[1], res[2], turn);

	/* a recursive mutex */
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &ma);
	int twice = !pthread_mutex_lock(&m) && !pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_unlock(&m);
	printf("recursive mutex: locked twice %s\n", twice ? "yes" : "no");

	/* regular expressions */
	regex_t re;
	regmatch_t mt[3];
	if (regcomp(&re, "([a-z]+)-([0-9]+)", REG_EXTENDED))
		return 3;
	const char *text = "id: build-2026 done";
	if (!regexec(&re, text, 3, mt, 0))
		printf("regex: '%.*s' '%.*s'\n", (int)(mt[1].rm_eo - mt[1].rm_so),
		       text + mt[1].rm_so, (int)(mt[2].rm_eo - mt[2].rm_so), text + mt[2].rm_so);
	regfree(&re);
	printf("fnmatch: %d %d\n", fnmatch("*.c", "posix_more.c", 0) == 0,
	       fnmatch("*.h", "posix_more.c", 0) == FNM_NOMATCH);

	/* a tree, its comparisons and its walk JIT code */
	void *root = NULL;
	int keys[] = {50, 20, 80, 10, 30, 70, 90, 20};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		tsearch(&keys[i], &root, by_value);
	int probe = 30;
	twalk(root, walk);
	printf("tsearch: 30 %s, walk %d\n", tfind(&probe, &root, by_value) ? "found" : "missing",
	       walked);

	/* XSI strerror_r and basename, byte order */
	char buf[64], path[] = "/usr/lib/libc.a";
	int r = strerror_r(ENOENT, buf, sizeof buf);
	printf("strerror_r: %d '%s'; basename '%s'\n", r, buf, basename(path));
	printf("byte order: %08x %04x\n", (unsigned)htonl(0x01020304), (unsigned)ntohs(0x0a0b));

	/* a coroutine on its own stack */
	static char stack[64 * 1024];
	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = stack;
	co_ctx.uc_stack.ss_size = sizeof stack;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, coroutine, 0);
	printf("coroutine:");
	for (int i = 0; i < 4; i++) {
		swapcontext(&main_ctx, &co_ctx);
		printf(" %d", co_value);
	}
	printf("\n");
	return 0;
}
