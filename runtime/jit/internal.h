/*
 * Shared by the files of jit/ (the LLVM boundary) and nothing else: the
 * jit's state and the IR helpers its passes use.
 */
#ifndef BFRT_JIT_INTERNAL_H
#define BFRT_JIT_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/TargetMachine.h>

#include "clock.h"
#include "jit.h"

struct jit {
	char *cpu, *features, *triple;
	LLVMTargetMachineRef tm[4]; /* one per backend optimization level */
	LLVMTargetDataRef layout;
	LLVMContextRef ctx;
	LLVMModuleRef module; /* the program as loaded, never compiled itself */
	LLVMOrcLLJITRef lljit;
	const struct jit_symbol *table; /* what the program may use */
	size_t ntable;
	struct jit_fn *fns; /* its defined functions, in module order */
	char **syms;	    /* their symbol names in the module */
	size_t nfns;
	struct jit_probes probes;
	unsigned serial; /* numbers the versions' symbol names */
	struct jit_stats stats;
	char err[4096];
};

/* llvm.c */
int jit_fail(struct jit *j, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Optimize m at level opt (-1: no IR passes), generate code at backend
 * level cg, and link it into the JIT; m is consumed. */
int jit_emit(struct jit *j, LLVMModuleRef m, int opt, int cg, const char *pre_passes);
/* The two halves of jit_emit; jit_optimize leaves m to the caller. */
int jit_optimize(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes);
int jit_codegen(struct jit *j, LLVMModuleRef m, int cg);
int jit_lookup(struct jit *j, const char *name, void **addr);

/* ir.c */
struct ir {
	struct jit *j;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i1, i8, i32, i64, ptr;
};
void ir_open(struct ir *ir, struct jit *j, LLVMModuleRef m);
void ir_close(struct ir *ir);
/* A copy of the program in which `fn` (a jit_fn index) is the only
 * definition that will be emitted: it is renamed to `name` and all uses of
 * it go to a declaration of its old name (its stub); other functions are
 * available for inlining; variables are declarations of the tier-0 ones. */
LLVMModuleRef ir_version_module(struct jit *j, unsigned fn, const char *name, LLVMValueRef *body);
/* Function f's blocks, in order (malloc'ed), and the loop headers among
 * such a list (the targets of retreating edges of a depth-first walk from
 * the first), as block numbers in headers (if not NULL); their count. */
LLVMBasicBlockRef *ir_blocks(LLVMValueRef f, unsigned *n);
unsigned ir_loop_headers(LLVMBasicBlockRef *blocks, unsigned n, unsigned *headers);
/* Block -> its number in such a list, by open addressing on the pointer;
 * -1 for a block not in it. */
struct ir_blockmap {
	LLVMBasicBlockRef *keys;
	unsigned *vals, mask;
};
bool ir_blockmap_init(struct ir_blockmap *m, LLVMBasicBlockRef *blocks, unsigned n);
long ir_blockmap_get(const struct ir_blockmap *m, LLVMBasicBlockRef b);
void ir_blockmap_free(struct ir_blockmap *m);
/* Whether v is a static alloca (constant size) in f's entry block. */
bool ir_is_static_alloca(LLVMValueRef v);
/* Whether f calls a function that can return twice (setjmp). */
bool ir_calls_returns_twice(LLVMValueRef f);
/* Copy f's return and parameter attributes to g / to call site c. */
void ir_copy_param_attrs(LLVMValueRef from, LLVMValueRef to, bool call_site);

/* osr.c */
int jit_build_osr(struct jit *j, LLVMModuleRef m, LLVMValueRef body, unsigned loop,
		  const char *name);

#endif
