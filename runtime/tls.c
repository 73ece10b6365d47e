/*
 * The program's thread-local variables under the JIT. LLVM 19's JIT linker
 * cannot link x86-64's thread-local relocations (R_X86_64_TPOFF32 and the
 * rest), so the JIT emulates them (jit/ir.c, ir_emulate_tls): each such
 * variable becomes an ordinary one that holds its initial value and is
 * never written, and each access asks rt_tls_address for its place in the
 * running thread's block. A thread's block holds a copy of every one of
 * them, laid out by the JIT and listed in a table it compiles into the
 * program; it is made at the thread's first access, all at once, so that
 * a signal handler reaching a variable first meets a whole block: it is
 * mapped (not malloc'd: a handler may run inside malloc), filled from the
 * images and only then published, by compare-and-swap, so that a handler
 * that made one meanwhile keeps its own. It is unmapped when the thread
 * exits (a thread-specific key's destructor, in libc's last round); the
 * main thread's goes with the process.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime.h"

/* The table the JIT compiles (JIT_TLS_TABLE in jit/internal.h). */
struct tls_table {
	uint64_t count, total;
	struct {
		const void *image;
		uint64_t offset, size;
	} var[];
};

static __thread unsigned char *tls_block;
static size_t tls_len; /* every thread's block is this long */
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_key_err;

/* In libc's last round of destructors, so that the program's own, and
 * the exit handlers that the end of its last thread runs (threads.c), see
 * the thread's values. */
static void tls_free(void *block)
{
	/* the round as threads.c saw it (a block made in a destructor is
	 * first given back in a later round), else as counted here */
	static __thread unsigned calls;
	unsigned round = ++calls;
	if (rt_thread_end_round() > round)
		round = rt_thread_end_round();
	if (round < PTHREAD_DESTRUCTOR_ITERATIONS && !pthread_setspecific(tls_key, block))
		return;
	if (block == tls_block)
		tls_block = NULL;
	munmap(block, tls_len);
}

static void tls_make_key(void)
{
	tls_key_err = pthread_key_create(&tls_key, tls_free);
}

static unsigned char *tls_new_block(const struct tls_table *t)
{
	size_t len = (t->total + 4095) & ~(size_t)4095;
	unsigned char *b = mmap(NULL, len ? len : 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		static const char msg[] = "bareflow-rt: out of memory for a thread's thread-local "
					  "variables\n";
		(void)!write(2, msg, sizeof msg - 1);
		abort();
	}
	tls_len = len ? len : 4096;
	for (uint64_t i = 0; i < t->count; i++)
		memcpy(b + t->var[i].offset, t->var[i].image, t->var[i].size);
	unsigned char *none = NULL;
	if (!__atomic_compare_exchange_n(&tls_block, &none, b, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED)) {
		munmap(b, tls_len); /* a signal handler made one meanwhile */
		return none;
	}
	pthread_once(&tls_once, tls_make_key);
	if (!tls_key_err)
		pthread_setspecific(tls_key, b);
	return b;
}

void *rt_tls_address(const void *table, uint64_t offset)
{
	unsigned char *b = tls_block;
	if (__builtin_expect(!b, 0))
		b = tls_new_block(table);
	return b + offset;
}
