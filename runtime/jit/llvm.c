/* The one module that calls LLVM (its C API): bitcode in, machine code out. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "jit.h"

struct jit {
	int opt;
	char *cpu, *features, *triple;
	LLVMTargetMachineRef tm; /* for the IR passes; LLJIT owns its own */
	LLVMOrcThreadSafeContextRef tsc;
	LLVMContextRef ctx;
	LLVMModuleRef module; /* the program, until handed to LLJIT */
	LLVMOrcLLJITRef lljit;
	const struct jit_symbol *table; /* what the program may use */
	size_t ntable;
	struct jit_stats stats;
	char err[4096];
};

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int fail(struct jit *j, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof j->err, fmt, ap);
	va_end(ap);
	return code;
}

/* An LLVMErrorRef becomes our message (and is consumed). */
static int fail_llvm(struct jit *j, int code, const char *what, LLVMErrorRef e)
{
	char *msg = LLVMGetErrorMessage(e);
	fail(j, code, "%s: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return code;
}

const char *jit_error(const struct jit *j) { return j->err; }
const char *jit_cpu_name(const struct jit *j) { return j->cpu; }
const char *jit_cpu_features(const struct jit *j) { return j->features; }
const struct jit_stats *jit_stats(const struct jit *j) { return &j->stats; }

static LLVMCodeGenOptLevel codegen_level(int opt)
{
	static const LLVMCodeGenOptLevel levels[] = {LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
						     LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive};
	return levels[opt < 0 ? 0 : opt > 3 ? 3 : opt];
}

/* A target machine for this very CPU: its name and full feature string. */
static LLVMTargetMachineRef host_machine(struct jit *j)
{
	LLVMTargetRef target;
	char *msg = NULL;
	if (LLVMGetTargetFromTriple(j->triple, &target, &msg)) {
		fail(j, JIT_EINTERNAL, "no LLVM target for %s: %s", j->triple, msg);
		LLVMDisposeMessage(msg);
		return NULL;
	}
	return LLVMCreateTargetMachine(target, j->triple, j->cpu, j->features, codegen_level(j->opt),
				       LLVMRelocDefault, LLVMCodeModelJITDefault);
}

struct jit *jit_create(int opt, char *err, size_t errlen)
{
	struct jit *j = calloc(1, sizeof *j);
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	j->opt = opt;
	if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter()) {
		snprintf(err, errlen, "LLVM has no code generator for this machine");
		free(j);
		return NULL;
	}
	j->triple = LLVMGetDefaultTargetTriple();
	j->cpu = LLVMGetHostCPUName();
	j->features = LLVMGetHostCPUFeatures();
	j->tm = host_machine(j);
	LLVMTargetMachineRef jit_tm = j->tm ? host_machine(j) : NULL;
	if (!jit_tm) {
		snprintf(err, errlen, "%s", j->err[0] ? j->err : "cannot make a target machine");
		return NULL;
	}
	LLVMOrcLLJITBuilderRef b = LLVMOrcCreateLLJITBuilder();
	LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
	    b, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jit_tm));
	LLVMErrorRef e = LLVMOrcCreateLLJIT(&j->lljit, b);
	if (e) {
		fail_llvm(j, JIT_EINTERNAL, "cannot start LLVM's JIT", e);
		snprintf(err, errlen, "%s", j->err);
		return NULL;
	}
	j->tsc = LLVMOrcCreateNewThreadSafeContext();
	j->ctx = LLVMOrcThreadSafeContextGetContext(j->tsc);
	return j;
}

/* clang stamps the CPU it compiled for on every function; the JIT's own
 * (this machine's) must apply instead. */
static void strip_target_attributes(LLVMModuleRef m)
{
	static const char *const keys[] = {"target-cpu", "target-features", "tune-cpu"};
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, keys[k],
							 (unsigned)strlen(keys[k]));
}

int jit_add_file(struct jit *j, const char *path)
{
	uint64_t t0 = now_ns();
	LLVMMemoryBufferRef buf;
	LLVMModuleRef m;
	char *msg = NULL;

	if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buf, &msg)) {
		fail(j, JIT_EBADCODE, "%s: %s", path, msg);
		LLVMDisposeMessage(msg);
		return JIT_EBADCODE;
	}
	/* Bitcode starts with "BC" 0xC0DE (or the wrapper's 0x0B17C0DE); textual
	 * IR is accepted from .ll files only, so that a damaged .bc is reported
	 * as such rather than parsed as text. */
	const unsigned char *p = (const unsigned char *)LLVMGetBufferStart(buf);
	size_t size = LLVMGetBufferSize(buf), len = strlen(path);
	bool is_text = len > 3 && !strcmp(path + len - 3, ".ll");
	bool magic = size >= 4 && ((p[0] == 'B' && p[1] == 'C' && p[2] == 0xc0 && p[3] == 0xde) ||
				   (p[0] == 0xde && p[1] == 0xc0 && p[2] == 0x17 && p[3] == 0x0b));
	if (!is_text && !magic) {
		LLVMDisposeMemoryBuffer(buf);
		return fail(j, JIT_EBADCODE, "%s: not LLVM bitcode (no bitcode signature; %zu bytes)",
			    path, size);
	}
	if (LLVMParseIRInContext(j->ctx, buf, &m, &msg)) { /* takes the buffer */
		fail(j, JIT_EBADCODE, "%s: not valid LLVM bitcode: %s", path, msg);
		LLVMDisposeMessage(msg);
		return JIT_EBADCODE;
	}
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
		fail(j, JIT_EBADCODE, "%s: the bitcode does not verify: %s", path, msg);
		LLVMDisposeMessage(msg);
		LLVMDisposeModule(m);
		return JIT_EBADCODE;
	}
	LLVMDisposeMessage(msg);
	strip_target_attributes(m);
	if (!j->module) {
		j->module = m;
	} else if (LLVMLinkModules2(j->module, m)) { /* consumes m */
		return fail(j, JIT_EBADCODE, "%s: cannot be linked with the files before it "
					     "(a symbol defined twice?)", path);
	}
	j->stats.load_ns += now_ns() - t0;
	return 0;
}

static const struct jit_symbol *find(const struct jit_symbol *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* Append name to the list of missing symbols in the error message. */
static void note_missing(struct jit *j, size_t *used, const char *name)
{
	int n = snprintf(j->err + *used, sizeof j->err - *used, "%s%s", *used ? ", " : "", name);
	if (n > 0 && *used + (size_t)n < sizeof j->err)
		*used += (size_t)n;
}

/* Names LLJIT defines itself (to run JIT atexit handlers when it is torn
 * down, which a program that calls exit never does): the program's
 * references to them are renamed so that they reach libc's own. */
static const char *const interposed[] = {"atexit", "__cxa_atexit", "at_quick_exit"};
#define RENAMED_PREFIX "bareflow.libc."

static void bypass_interposed(LLVMModuleRef m)
{
	char name[64];
	for (size_t i = 0; i < sizeof interposed / sizeof interposed[0]; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(m, interposed[i]);
		if (f && LLVMIsDeclaration(f)) {
			snprintf(name, sizeof name, RENAMED_PREFIX "%s", interposed[i]);
			LLVMSetValueName2(f, name, strlen(name));
		}
	}
}

/* The table's name for a declaration in the module (renamed or not). */
static const char *table_name(const char *name)
{
	size_t k = strlen(RENAMED_PREFIX);
	return strncmp(name, RENAMED_PREFIX, k) ? name : name + k;
}

int jit_provide(struct jit *j, const struct jit_symbol *table, size_t n)
{
	j->table = table;
	j->ntable = n;
	return 0;
}

/* Count the program and check every external name it uses (after the
 * optimizer, which may add some, e.g. puts for printf), then define them. */
static int define_symbols(struct jit *j)
{
	const struct jit_symbol *table = j->table;
	size_t n = j->ntable, used = 0;
	unsigned missing = 0;

	bypass_interposed(j->module);
	j->err[0] = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f)) {
		const char *name = LLVMGetValueName(f);
		if (!LLVMIsDeclaration(f)) {
			j->stats.functions++;
			for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
				for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
					j->stats.instructions++;
		} else if (strncmp(name, "llvm.", 5) && !find(table, n, table_name(name))) {
			note_missing(j, &used, name);
			missing++;
		}
	}
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g)) {
		const char *name = LLVMGetValueName(g);
		if (LLVMIsDeclaration(g) && !find(table, n, name)) {
			note_missing(j, &used, name);
			missing++;
		}
	}
	if (missing) {
		char list[sizeof j->err];
		memcpy(list, j->err, sizeof list);
		return fail(j, JIT_ENOSYM, "the program uses %s that the runtime does not provide: %s",
			    missing == 1 ? "a function or variable" : "functions or variables", list);
	}
	/* Every name in the table becomes a symbol, not just those the module
	 * declares: code generation adds calls of its own (memset for
	 * llvm.memset, fmod for frem, the 128-bit helpers). LLJIT's own
	 * interposed names are defined only under their renamed form. */
	LLVMOrcCSymbolMapPairs pairs = calloc(n, sizeof *pairs);
	size_t k = 0;
	if (!pairs)
		return fail(j, JIT_EINTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char renamed[64];
		const char *name = table[i].name;
		for (size_t r = 0; r < sizeof interposed / sizeof interposed[0]; r++)
			if (!strcmp(name, interposed[r])) {
				snprintf(renamed, sizeof renamed, RENAMED_PREFIX "%s", name);
				name = renamed;
			}
		pairs[k].Name = LLVMOrcLLJITMangleAndIntern(j->lljit, name);
		pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)table[i].addr;
		pairs[k].Sym.Flags.GenericFlags =
		    LLVMJITSymbolGenericFlagsExported |
		    (table[i].function ? LLVMJITSymbolGenericFlagsCallable : 0);
		pairs[k].Sym.Flags.TargetFlags = 0;
		k++;
	}
	LLVMErrorRef e = k ? LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit),
						   LLVMOrcAbsoluteSymbols(pairs, k))
			   : NULL;
	free(pairs);
	return e ? fail_llvm(j, JIT_EINTERNAL, "cannot define the runtime's symbols", e) : 0;
}

int jit_compile(struct jit *j, const char *entry, void **addr)
{
	char pipeline[32];
	uint64_t t0 = now_ns();

	LLVMSetTarget(j->module, j->triple);
	LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(j->tm);
	LLVMSetModuleDataLayout(j->module, layout);
	LLVMDisposeTargetData(layout);
	if (!j->module)
		return fail(j, JIT_EBADCODE, "no program was loaded");
	if (j->opt > 0) {
		snprintf(pipeline, sizeof pipeline, "default<O%d>", j->opt);
		LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
		LLVMErrorRef e = LLVMRunPasses(j->module, pipeline, j->tm, o);
		LLVMDisposePassBuilderOptions(o);
		if (e)
			return fail_llvm(j, JIT_EINTERNAL, "the optimizer failed", e);
	}
	uint64_t t1 = now_ns();
	j->stats.optimize_ns = t1 - t0;
	int err = define_symbols(j);
	if (err)
		return err;
	LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(j->module, j->tsc);
	j->module = NULL; /* LLJIT owns it now */
	LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModule(j->lljit, LLVMOrcLLJITGetMainJITDylib(j->lljit), tsm);
	if (e)
		return fail_llvm(j, JIT_EINTERNAL, "cannot add the program to the JIT", e);
	LLVMOrcExecutorAddress a;
	e = LLVMOrcLLJITLookup(j->lljit, &a, entry); /* compiles the module */
	j->stats.codegen_ns = now_ns() - t1;
	if (e) {
		/* A name only code generation introduced, and we lack. */
		char *msg = LLVMGetErrorMessage(e);
		int code = strstr(msg, "Symbols not found") ? JIT_ENOSYM : JIT_EINTERNAL;
		fail(j, code, "cannot compile the program: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return code;
	}
	*addr = (void *)(uintptr_t)a;
	return 0;
}
