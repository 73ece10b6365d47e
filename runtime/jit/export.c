/*
 * The appliance's code (`bareflow export`): the whole program in one
 * module, compiled ahead of time at -O3 for the CPU the tiers settled on,
 * each function the profile specialized behind a guard as the JIT's (the
 * clone for the values seen, the generic body for any others), and no
 * instrumentation, stubs or runtime: an object file that clang links with
 * the C library into a static executable without LLVM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Linker.h>

#include "internal.h"

#define RENAMED_PREFIX "bareflow.libc." /* llvm.c: LLJIT's interposed names */

/* The program's calls to atexit and its kin were renamed for the JIT
 * (llvm.c); in a static executable they are libc's again. */
static void restore_interposed(LLVMModuleRef m)
{
	size_t k = strlen(RENAMED_PREFIX);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		const char *name = LLVMGetValueName(f);
		if (!strncmp(name, RENAMED_PREFIX, k) && !LLVMGetNamedFunction(m, name + k)) {
			char plain[64];
			snprintf(plain, sizeof plain, "%s", name + k);
			LLVMSetValueName2(f, plain, strlen(plain));
		}
	}
}

/* A specialized value as a constant of parameter type t (integers and
 * floating point only). */
static LLVMValueRef constant(struct ir *ir, LLVMTypeRef t, int64_t bits)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMFloatTypeKind:
		return LLVMConstBitCast(LLVMConstInt(ir->i32, (uint64_t)bits & 0xffffffffu, 0), t);
	case LLVMDoubleTypeKind:
		return LLVMConstBitCast(LLVMConstInt(ir->i64, (uint64_t)bits, 0), t);
	default:
		return LLVMConstInt(t, (unsigned long long)bits, 1);
	}
}

/* tail call f(the parameters of from) in from, returning its value. */
static void forward(struct ir *ir, LLVMValueRef from, LLVMValueRef f)
{
	unsigned n = LLVMCountParams(from);
	LLVMValueRef *args = malloc((n ? n : 1) * sizeof *args);
	if (!args)
		return;
	for (unsigned k = 0; k < n; k++)
		args[k] = LLVMGetParam(from, k);
	LLVMTypeRef fty = LLVMGlobalGetValueType(f);
	LLVMValueRef c = LLVMBuildCall2(ir->b, fty, f, args, n, "");
	LLVMSetInstructionCallConv(c, LLVMGetFunctionCallConv(f)); /* fastcc, often */
	LLVMSetTailCall(c, 1);
	if (LLVMGetTypeKind(LLVMGetReturnType(fty)) == LLVMVoidTypeKind)
		LLVMBuildRetVoid(ir->b);
	else
		LLVMBuildRet(ir->b, c);
	free(args);
}

/* !prof branch weights {yes, no} on branch br. */
static void weigh(struct ir *ir, LLVMValueRef br, uint64_t yes, uint64_t no)
{
	LLVMContextRef ctx = ir->j->ctx;
	/* scaled into 32 bits, as the metadata holds them */
	while (yes > 0xffffffffu || no > 0xffffffffu)
		yes >>= 1, no >>= 1;
	LLVMMetadataRef md[3] = {LLVMMDStringInContext2(ctx, "branch_weights", 14),
				 LLVMValueAsMetadata(LLVMConstInt(ir->i32, yes + 1, 0)),
				 LLVMValueAsMetadata(LLVMConstInt(ir->i32, no + 1, 0))};
	unsigned kind = LLVMGetMDKindIDInContext(ctx, "prof", 4);
	LLVMSetMetadata(br, kind, LLVMMetadataAsValue(ctx, LLVMMDNodeInContext2(ctx, md, 3)));
}

/* Function r->fn of m behind a guard: the name and every use now reach the
 * guard, which calls a clone specialized on r's values (from a version
 * module linked into m) for those values (and pointers apart, where the
 * clone takes them as such: jit_no_overlap) and the generic body
 * otherwise. Pointer arguments are not specialized here: their values were
 * addresses in the training run. */
static int specialize(struct jit *j, LLVMModuleRef m, const struct jit_request *r,
		      const uint64_t weights[2])
{
	char name[640];
	const char *sym = j->syms[r->fn];
	struct jit_request q = *r;
	q.nspec = 0;
	LLVMValueRef orig = LLVMGetNamedFunction(m, sym);
	if (!orig)
		return 0;
	for (unsigned k = 0; k < r->nspec; k++) {
		unsigned a = r->spec_arg[k];
		if (a < LLVMCountParams(orig) &&
		    LLVMGetTypeKind(LLVMTypeOf(LLVMGetParam(orig, a))) != LLVMPointerTypeKind) {
			q.spec_arg[q.nspec] = a;
			q.spec_value[q.nspec++] = r->spec_value[k];
		}
	}
	if (!q.nspec)
		return 0;

	snprintf(name, sizeof name, "%s.bfx.spec", sym);
	LLVMValueRef body;
	LLVMModuleRef vm = ir_version_module(j, r->fn, name, &body);
	struct ir ir;
	struct jit_extents ext = {0};
	int err = 0;
	ir_open(&ir, j, vm);
	for (unsigned k = 0; k < q.nspec; k++) {
		LLVMValueRef p = LLVMGetParam(body, q.spec_arg[k]);
		LLVMReplaceAllUsesWith(p, constant(&ir, LLVMTypeOf(p), q.spec_value[k]));
	}
	/* pointers apart, as the tiers' guards check them (tiers.c) */
	if (jit_has_pointer_pair(&q, body) && !(err = jit_optimize(j, vm, -1, JIT_EXTENT_PASSES)))
		jit_no_overlap(&ir, body, &ext);
	ir_close(&ir);
	if (err) {
		LLVMDisposeModule(vm);
		return err;
	}
	if (LLVMLinkModules2(m, vm)) /* consumes vm */
		return jit_fail(j, JIT_EINTERNAL, "cannot link %s's specialized clone", sym);
	LLVMValueRef spec = LLVMGetNamedFunction(m, name);
	if (!spec)
		return jit_fail(j, JIT_EINTERNAL, "%s's specialized clone was lost", sym);

	LLVMValueRef guard = LLVMAddFunction(m, "bf.guard", LLVMGlobalGetValueType(orig));
	ir_copy_param_attrs(orig, guard, false);
	LLVMSetFunctionCallConv(guard, LLVMGetFunctionCallConv(orig));
	ir_replace_function(orig, guard);
	snprintf(name, sizeof name, "%s.bfx.generic", sym);
	LLVMSetValueName2(orig, name, strlen(name));
	LLVMSetValueName2(guard, sym, strlen(sym));
	ir_open(&ir, j, m);
	LLVMBasicBlockRef e = LLVMAppendBasicBlockInContext(j->ctx, guard, "");
	LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(j->ctx, guard, "same");
	LLVMBasicBlockRef no = LLVMAppendBasicBlockInContext(j->ctx, guard, "other");
	LLVMPositionBuilderAtEnd(ir.b, e);
	LLVMValueRef all = jit_apart(&ir, guard, &ext);
	for (unsigned k = 0; k < q.nspec; k++) {
		LLVMValueRef eq =
		    LLVMBuildICmp(ir.b, LLVMIntEQ, ir_bits(&ir, LLVMGetParam(guard, q.spec_arg[k])),
				  LLVMConstInt(ir.i64, (uint64_t)q.spec_value[k], 0), "");
		all = LLVMBuildAnd(ir.b, all, eq, "");
	}
	weigh(&ir, LLVMBuildCondBr(ir.b, all, yes, no), weights[0], weights[1]);
	LLVMPositionBuilderAtEnd(ir.b, yes);
	forward(&ir, guard, spec);
	LLVMPositionBuilderAtEnd(ir.b, no);
	forward(&ir, guard, orig);
	ir_close(&ir);
	return 0;
}

/* The allocator's functions, which glibc lets a program replace: its own
 * definitions then serve the C library's calls too, in a static link. */
static bool replaces_allocator(const char *name)
{
	static const char *const names[] = {
	    "malloc",	"free",		  "calloc", "realloc", "aligned_alloc",
	    "memalign", "posix_memalign", "valloc", "pvalloc", "malloc_usable_size"};
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (!strcmp(name, names[k]))
			return true;
	return false;
}

/* Only main, the program's own allocator, and what its assembly names are
 * seen from outside: every other definition is internal, so the optimizer
 * sees the whole program, as the JIT's whole-program pass does for the
 * tiers. */
static bool internalize(LLVMModuleRef m)
{
	struct ir_asm_names in_asm;
	if (!ir_asm_names(m, &in_asm))
		return false;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && strcmp(LLVMGetValueName(f), "main") &&
		    !replaces_allocator(LLVMGetValueName(f)) &&
		    !ir_asm_names_has(in_asm.names, in_asm.nnames, LLVMGetValueName(f)))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && strncmp(LLVMGetValueName(g), "llvm.", 5) &&
		    !ir_asm_names_has(in_asm.names, in_asm.nnames, LLVMGetValueName(g)))
			LLVMSetLinkage(g, LLVMInternalLinkage);
	ir_asm_names_free(&in_asm);
	return true;
}

int jit_export(struct jit *j, const struct jit_request *r, const uint64_t (*weights)[2], size_t n,
	       bool generic_cpu, const char *path)
{
	char *msg = NULL;
	LLVMTargetRef target;
	int err = 0;

	if (!j->module)
		return jit_fail(j, JIT_EINTERNAL, "no program to export");
	LLVMModuleRef m = ir_clone(j->module);
	for (size_t k = 0; k < n && !err; k++)
		if (r[k].tier == 2 && r[k].nspec)
			err = specialize(j, m, &r[k], weights[k]);
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	restore_interposed(m);
	if (!internalize(m)) {
		LLVMDisposeModule(m);
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	}
	char *vmsg = NULL;
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &vmsg)) {
		jit_fail(j, JIT_EINTERNAL, "the exported program does not verify: %s", vmsg);
		LLVMDisposeMessage(vmsg);
		LLVMDisposeModule(m);
		return JIT_EINTERNAL;
	}
	LLVMDisposeMessage(vmsg);
	j->generic_cpu = generic_cpu;
	err = jit_optimize(j, m, 3, NULL);
	j->generic_cpu = false;
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	/* a static executable: the small code model, no PIC */
	if (LLVMGetTargetFromTriple(j->triple, &target, &msg)) {
		jit_fail(j, JIT_EINTERNAL, "no LLVM target for %s: %s", j->triple, msg);
		LLVMDisposeMessage(msg);
		LLVMDisposeModule(m);
		return JIT_EINTERNAL;
	}
	LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
	    target, j->triple, generic_cpu ? "x86-64" : j->cpu, generic_cpu ? "" : j->features,
	    LLVMCodeGenLevelAggressive, LLVMRelocStatic, LLVMCodeModelSmall);
	if (LLVMTargetMachineEmitToFile(tm, m, path, LLVMObjectFile, &msg)) {
		jit_fail(j, JIT_EINTERNAL, "cannot write %s: %s", path, msg);
		LLVMDisposeMessage(msg);
		err = JIT_EINTERNAL;
	}
	LLVMDisposeTargetMachine(tm);
	LLVMDisposeModule(m);
	return err;
}
