/* FUTEX_WAKE_OP changes its second word while another thread (on another
 * CPU) adds to it with atomic instructions: no update may be lost, the
 * kernel's and the program's alike. It used to read the word and write it
 * back in two steps. A bad or read-only second word is EFAULT. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CALLS 100000

static uint32_t word1, word2;
static volatile int started, done;
static long added;

static long wake_op(uint32_t *w2, int op)
{
	return syscall(SYS_futex, &word1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, w2, op);
}

static void *adder(void *arg)
{
	long n = 0;

	started = 1;
	while (!done || n < 1000) {
		__atomic_fetch_add(&word2, 1, __ATOMIC_SEQ_CST);
		n++;
	}
	added = n;
	return arg;
}

int main(void)
{
	pthread_t t;
	int add1 = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0);
	long bad = 0;

	pthread_create(&t, NULL, adder, NULL);
	while (!started)
		;
	for (int i = 0; i < CALLS; i++)
		bad += wake_op(&word2, add1) != 0; /* nobody waits */
	done = 1;
	pthread_join(t, NULL);
	printf("calls that failed or woke: %ld\n", bad);
	printf("word2 exact: %s\n", word2 == (uint32_t)(added + CALLS) ? "yes" : "no");

	uint32_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long r = wake_op(ro, add1);
	printf("read-only word: %ld %s, word %u\n", r, r < 0 ? strerror(errno) : "", *ro);
	r = wake_op((uint32_t *)8, add1);
	printf("unmapped word: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	r = wake_op((uint32_t *)((char *)&word2 + 1), add1);
	printf("misaligned word: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	uint32_t before = word2;
	r = wake_op(&word2, FUTEX_OP(FUTEX_OP_XOR, 0xf, FUTEX_OP_CMP_EQ, 0));
	printf("xor: %ld, changed by %u\n", r, word2 ^ before);
	return 0;
}
