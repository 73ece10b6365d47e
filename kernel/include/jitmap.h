/*
 * The code map a JIT publishes so that fault reports name its code: the
 * runtime (bareflow-rt) defines a struct jitmap at the symbol
 * JITMAP_SYMBOL, and the kernel, finding that symbol in the program's ELF
 * the first time it needs it, reads it through copy_from_user when a
 * program faults (and when the sampler names its samples). Entries are
 * appended (count grows after its entry is written); a later entry over
 * the same address wins, as code can be freed and its memory reused.
 */
#ifndef BF_JITMAP_H
#define BF_JITMAP_H

#include <stdint.h>

#define JITMAP_SYMBOL "bareflow_jitmap"
#define JITMAP_MAGIC 0x3170616d74696a62ull /* "bjitmap1" */
#define JITMAP_LABEL 112		   /* bytes, NUL included */
#define JITMAP_MAX 1000000		   /* entries a reader looks at, at most */

struct jitmap_entry {
	uint64_t start, size;	   /* the code's address range */
	char label[JITMAP_LABEL]; /* e.g. "matmul [tier 2, arg3=96]" */
};

struct jitmap {
	uint64_t magic;
	uint64_t count;	  /* entries written */
	uint64_t entries; /* the address of the first struct jitmap_entry */
};

#endif
