/*
 * The program's thread-local variables under the JIT. LLVM 19's JIT linker
 * cannot link x86-64's thread-local relocations (R_X86_64_TPOFF32 and the
 * rest), so the JIT emulates them (jit/ir.c, ir_emulate_tls): each such
 * variable becomes an ordinary one that holds its initial value and is
 * never written, and each access asks rt_tls_address for the running
 * thread's copy, made from that image at the thread's first access. The
 * copies of a thread are freed when it exits (a thread-specific key's
 * destructor); the main thread's go with the process.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

struct tls_copy {
	const void *image;
	void *copy;
};

/* A thread's copies: an open-addressed table keyed by the image's address,
 * with the last one found kept aside (most code reaches one variable
 * several times in a row). */
struct tls_table {
	struct tls_copy *slot;
	size_t cap, n; /* cap a power of two, n < cap / 2 */
	struct tls_copy last;
};

static __thread struct tls_table tls;
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_key_err;

static void tls_free(void *arg)
{
	struct tls_table *t = arg;
	for (size_t i = 0; i < t->cap; i++)
		free(t->slot[i].copy);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static void tls_make_key(void)
{
	tls_key_err = pthread_key_create(&tls_key, tls_free);
}

static size_t tls_hash(const void *image, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)image * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (cap - 1);
}

static __attribute__((noreturn)) void tls_out_of_memory(uint64_t size)
{
	fprintf(stderr, "bareflow-rt: out of memory for a thread's copy of a thread-local "
			"variable (%llu bytes)\n",
		(unsigned long long)size);
	abort();
}

/* Put (image, copy) into t, which has room. */
static void tls_insert(struct tls_table *t, const void *image, void *copy)
{
	size_t i = tls_hash(image, t->cap);
	while (t->slot[i].image)
		i = (i + 1) & (t->cap - 1);
	t->slot[i].image = image, t->slot[i].copy = copy;
	t->n++;
}

static void tls_grow(struct tls_table *t)
{
	struct tls_table bigger = {.cap = t->cap ? t->cap * 2 : 16};
	bigger.slot = calloc(bigger.cap, sizeof *bigger.slot);
	if (!bigger.slot)
		tls_out_of_memory(bigger.cap * sizeof *bigger.slot);
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].image)
			tls_insert(&bigger, t->slot[i].image, t->slot[i].copy);
	free(t->slot);
	t->slot = bigger.slot, t->cap = bigger.cap;
	if (!t->n) { /* the thread's first: free the table when it exits */
		pthread_once(&tls_once, tls_make_key);
		if (!tls_key_err)
			pthread_setspecific(tls_key, t);
	}
}

void *rt_tls_address(const void *image, uint64_t size, uint64_t align)
{
	struct tls_table *t = &tls;
	if (t->last.image == image)
		return t->last.copy;
	if (t->cap) {
		for (size_t i = tls_hash(image, t->cap); t->slot[i].image; i = (i + 1) & (t->cap - 1))
			if (t->slot[i].image == image) {
				t->last = t->slot[i];
				return t->last.copy;
			}
	}
	if ((t->n + 1) * 2 > t->cap)
		tls_grow(t);
	void *copy;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&copy, (size_t)align, size ? (size_t)size : 1))
		tls_out_of_memory(size);
	memcpy(copy, image, (size_t)size);
	tls_insert(t, image, copy);
	t->last.image = image, t->last.copy = copy;
	return copy;
}
