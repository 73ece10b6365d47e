/*
 * The LLVM boundary: everything the runtime asks of LLVM 19 goes through
 * these functions, and only jit/llvm.c includes LLVM's (C API) headers.
 * Errors come back as a negative code with a message in the jit's error
 * buffer (jit_error), never as LLVM objects.
 */
#ifndef BFRT_JIT_H
#define BFRT_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jit;

/* What went into compiling the program, for --verbose, --report, --profile. */
struct jit_stats {
	unsigned functions;	   /* defined in the program */
	unsigned long instructions; /* IR instructions in them, before optimizing */
	uint64_t load_ns;	   /* reading, parsing and linking the bitcode */
	uint64_t optimize_ns;	   /* the IR pass pipeline */
	uint64_t codegen_ns;	   /* machine code generation and linking in memory */
};

/* A name the program may use, and where it is in this binary. */
struct jit_symbol {
	const char *name;
	void *addr;
	bool function;
};

enum {
	JIT_EBADCODE = -1, /* the bitcode is malformed or does not verify */
	JIT_ENOSYM = -2,   /* the program needs symbols the runtime lacks */
	JIT_EINTERNAL = -3 /* LLVM failed otherwise */
};

/* A JIT for this CPU (name and features as LLVM detects them) compiling at
 * optimization level opt (0-3). NULL if LLVM cannot target this machine;
 * the reason is written to err. */
struct jit *jit_create(int opt, char *err, size_t errlen);
/* The last error's message. */
const char *jit_error(const struct jit *j);
const char *jit_cpu_name(const struct jit *j);
const char *jit_cpu_features(const struct jit *j);
/* Read a bitcode (or textual IR) file and link it into the program. */
int jit_add_file(struct jit *j, const char *path);
/* The symbols the program may use (kept by reference). */
int jit_provide(struct jit *j, const struct jit_symbol *table, size_t n);
/* Optimize, compile and link the program; the address of `entry`.
 * JIT_ENOSYM if the program refers to an external name outside the table
 * (all such names are in the error). */
int jit_compile(struct jit *j, const char *entry, void **addr);
const struct jit_stats *jit_stats(const struct jit *j);

#endif
