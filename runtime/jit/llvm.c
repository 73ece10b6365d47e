/* The one module that calls LLVM (its C API): bitcode in, machine code out. */
#include <cpuid.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Comdat.h>
#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/Error.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "internal.h"

int jit_fail(struct jit *j, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof j->err, fmt, ap);
	va_end(ap);
	return code;
}

/* An LLVMErrorRef becomes our message (and is consumed). */
int jit_fail_llvm(struct jit *j, int code, const char *what, LLVMErrorRef e)
{
	char *msg = LLVMGetErrorMessage(e);
	jit_fail(j, code, "%s: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return code;
}

const char *jit_error(const struct jit *j)
{
	return j->err;
}
const char *jit_cpu_name(const struct jit *j)
{
	return j->cpu;
}
const char *jit_cpu_features(const struct jit *j)
{
	return j->features;
}
const struct jit_stats *jit_stats(const struct jit *j)
{
	return &j->stats;
}

static LLVMCodeGenOptLevel codegen_level(int opt)
{
	static const LLVMCodeGenOptLevel levels[] = {LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
						     LLVMCodeGenLevelDefault,
						     LLVMCodeGenLevelAggressive};
	return levels[opt < 0 ? 0 : opt > 3 ? 3 : opt];
}

/*
 * A target machine for a CPU (by name and full feature string) at a
 * backend level. LLVM's JIT default, the large code model, lets code reach
 * any address, but makes every call a 64-bit immediate and an indirect
 * call through a register (recursive fib took 0.50 s against clang's 0.40,
 * its calls to itself each `movabs; call *%r14`), and at level 0 the fast
 * instruction selector cannot lower a global's address, so every block
 * that names one went through SelectionDAG (655 misses against 180 on
 * apps/llm, and twice the time: 300 -> 120 ms hosted). So every level is
 * small-model and position-independent (jit_small_model): within its
 * object, code is PC-relative; what lies outside (the program's other
 * code and data, this binary's libc, the runtime's counters) goes through
 * the GOT entries and PLT stubs the JIT's linker makes, which it bypasses
 * where the target is within reach (a direct call, a lea). A module whose
 * own data would not fit the small model's reach is generated in the large
 * one (machine_for_module).
 */
LLVMTargetMachineRef jit_target_machine(const char *triple, const char *cpu,
					const char *features, int opt, bool small, char *err,
					size_t errlen)
{
	LLVMTargetRef target;
	char *msg = NULL;
	if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
		snprintf(err, errlen, "no LLVM target for %s: %s", triple, msg);
		LLVMDisposeMessage(msg);
		return NULL;
	}
	LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
	    target, triple, cpu, features, codegen_level(opt), small ? LLVMRelocPIC : LLVMRelocDefault,
	    small ? LLVMCodeModelSmall : LLVMCodeModelJITDefault);
	if (!tm)
		snprintf(err, errlen, "LLVM made no target machine for %s (%s)", cpu, triple);
	return tm;
}

static LLVMTargetMachineRef machine(struct jit *j, const char *cpu, const char *features, int opt,
				    bool small)
{
	return jit_target_machine(j->triple, cpu, features, opt, small, j->err, sizeof j->err);
}

static LLVMTargetMachineRef host_machine(struct jit *j, int opt)
{
	return machine(j, j->cpu, j->features, opt, true);
}

/* The machine a compile at level opt uses: this CPU's, or, while
 * j->generic_cpu is set, the baseline x86-64's (SSE2). Made when first
 * asked for (jit_make_machines) but level 0's (jit_create): with the
 * compile server a guest never asks for the others, and under emulation
 * each took some 3 ms to make. NULL if it cannot be made (machine() said
 * why). */
static LLVMTargetMachineRef machine_for(struct jit *j, int opt)
{
	if (j->generic_cpu)
		return j->tm_generic ? j->tm_generic
				     : (j->tm_generic = machine(j, "x86-64", "", 3, true));
	return j->tm[opt] ? j->tm[opt] : (j->tm[opt] = host_machine(j, opt));
}

void jit_make_machines(struct jit *j)
{
	if (jit_compiles_remotely(j))
		return;
	for (int l = 1; l < 4; l++)
		machine_for(j, l);
	j->generic_cpu = true;
	machine_for(j, 3);
	j->generic_cpu = false;
}

void jit_machine_spec(const struct jit *j, int opt, struct jit_machine_spec *s)
{
	if (j->generic_cpu) /* tm_generic's */
		*s = (struct jit_machine_spec){"x86-64", "", 3, true};
	else if (opt == 0 && j->tier0_any_cpu) /* jit_tier0_for_any_cpu's */
		*s = (struct jit_machine_spec){"x86-64", "", JIT_TIER0_FILE_LEVEL, true};
	else /* host_machine's */
		*s = (struct jit_machine_spec){j->cpu, j->features, opt, true};
}

static LLVMErrorRef generate(LLVMOrcDefinitionGeneratorRef gen, void *ctx,
			     LLVMOrcLookupStateRef *state, LLVMOrcLookupKind kind,
			     LLVMOrcJITDylibRef jd, LLVMOrcJITDylibLookupFlags flags,
			     LLVMOrcCLookupSet names, size_t n);

/* ORC reports a failure while linking to the session (by default on
 * stderr), often with more than the lookup that failed gets back: keep it
 * for jit_lookup's message. */
static void session_error(void *ctx, LLVMErrorRef e)
{
	struct jit *j = ctx;
	char *msg = LLVMGetErrorMessage(e);
	snprintf(j->session_err, sizeof j->session_err, "%s", msg);
	LLVMDisposeErrorMessage(msg);
}

void jit_dispose_machines(struct jit *j)
{
	for (int l = 0; l < 4; l++)
		if (j->tm[l])
			LLVMDisposeTargetMachine(j->tm[l]);
	if (j->tm_generic)
		LLVMDisposeTargetMachine(j->tm_generic);
	if (j->layout)
		LLVMDisposeTargetData(j->layout);
	memset(j->tm, 0, sizeof j->tm);
	j->tm_generic = NULL, j->layout = NULL;
}

/* What jit_create made before it failed. */
static struct jit *create_failed(struct jit *j, char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	jit_dispose_machines(j);
	LLVMDisposeMessage(j->triple);
	LLVMDisposeMessage(j->cpu);
	LLVMDisposeMessage(j->features);
	if (j->all_features)
		LLVMDisposeMessage(j->all_features);
	free(j);
	return NULL;
}

/* What this thread is compiling (the module's name, or the symbol being
 * linked; empty when nothing), for the report of a fatal LLVM error. */
static _Thread_local char compiling[256];

static void set_compiling(const char *what)
{
	snprintf(compiling, sizeof compiling, "%s", what ? what : "");
}

/*
 * LLVM ends the process on an error it cannot return (a pass that fails
 * its own check, inline assembly it cannot encode). Its default handler
 * calls exit, whose handlers would wait for the compile that failed (the
 * runtime's exit waits for compiles in progress): the process would hang.
 * Say what failed and end at once, with what the program wrote so far
 * flushed; 126 as for any code the runtime cannot compile.
 */
static void llvm_fatal(const char *reason)
{
	fflush(stdout);
	if (compiling[0])
		fprintf(stderr, "bareflow-rt: LLVM failed while compiling %s: %s\n", compiling,
			reason);
	else
		fprintf(stderr, "bareflow-rt: LLVM failed: %s\n", reason);
	fflush(stderr);
	_exit(126);
}

/*
 * LLVM's reports about the code it compiles. Without a handler, an error
 * (inline assembly that does not assemble) is printed and ends the process
 * with exit(1). Here an error fails the compile that met it (codegen_here).
 * A warning is the program's author's concern, as clang's are: the code
 * generator alone reports some (a call to a function declared with
 * __attribute__((warning))), so each is printed once, however many tiers
 * compile the code again. (Tier 0 calls through the slots, so such a call
 * is reported when a tier that calls directly compiles it.) Remarks and
 * notes are not printed.
 */
/* The length of ".SUFFIX" at s if it is one the JIT adds to a name (".bfl",
 * a tier's ".bf0" to ".bf2g", ".osrN", and with versions true ".vN"),
 * else 0. */
static size_t jit_suffix(const char *s, bool versions)
{
	static const char *const ours[] = {"bfl", "bf0", "bf1", "bf2", "bf2s", "bf2g"};
	if (*s != '.')
		return 0;
	size_t k = 0; /* the suffix ends where a name would */
	while (isalnum((unsigned char)s[1 + k]) || s[1 + k] == '_')
		k++;
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (k == strlen(ours[i]) && !strncmp(s + 1, ours[i], k))
			return k + 1;
	if (k > 3 && !strncmp(s + 1, "osr", 3) && strspn(s + 4, "0123456789") == k - 3)
		return k + 1;
	if (versions && k > 1 && s[1] == 'v' && strspn(s + 2, "0123456789") == k - 1)
		return k + 1;
	return 0;
}

/* LLVM's text, with names as the source gave them. */
void jit_source_names(const char *llvm_msg, char *msg, size_t size)
{
	size_t n = 0;
	for (const char *c = llvm_msg; *c && n < size - 1;) {
		size_t k = jit_suffix(c, false);
		if (!k) {
			msg[n++] = *c++;
			continue;
		}
		while (k) {
			c += k;
			k = jit_suffix(c, true);
		}
	}
	msg[n] = 0;
}


/* FNV-1a: h, then n bytes at p. */
uint64_t jit_fnv1a(uint64_t h, const void *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		h = (h ^ ((const unsigned char *)p)[k]) * 0x100000001b3ull;
	return h;
}

/* msg on stderr, unless said before; past JIT_WARNED_MAX warnings, a line
 * that there are more, once. */
void jit_warn_once(struct jit *j, const char *msg)
{
	if (j->quiet)
		return;
	uint64_t h = jit_fnv1a(JIT_FNV_BASIS, msg, strlen(msg));
	for (unsigned i = 0; i < j->nwarned && i < JIT_WARNED_MAX; i++)
		if (j->warned[i] == h)
			return;
	if (j->nwarned < JIT_WARNED_MAX) {
		fprintf(stderr, "bareflow-rt: warning: %s\n", msg);
		j->warned[j->nwarned++] = h;
	} else if (j->nwarned == JIT_WARNED_MAX) {
		fprintf(stderr, "bareflow-rt: (more warnings from LLVM not shown)\n");
		j->nwarned++;
	}
}

static void diagnose(LLVMDiagnosticInfoRef d, void *ctx)
{
	struct jit *j = ctx;
	LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(d);
	if (sev != LLVMDSError && sev != LLVMDSWarning)
		return;
	if (sev == LLVMDSError && j->diag[0])
		return;
	char *llvm_msg = LLVMGetDiagInfoDescription(d);
	if (sev == LLVMDSWarning) {
		char msg[1024];
		jit_source_names(llvm_msg, msg, sizeof msg);
		jit_warn_once(j, msg);
	} else {
		jit_source_names(llvm_msg, j->diag, sizeof j->diag);
	}
	LLVMDisposeMessage(llvm_msg);
}

/*
 * Whether this CPU is QEMU's emulation (TCG, which names itself in CPUID's
 * hypervisor leaf; KVM's is "KVMKVMKVM"). QEMU 7.2 runs the AVX family
 * (VEX- and EVEX-encoded instructions) through helper calls, far slower
 * than SSE: bare-metal, the language model's warm run, its -O3 matmul
 * vectorized with AVX2, made 4.3 tokens a second against 85 with the
 * same code generated without AVX (`make run`'s model; 16.6 s against
 * 2.3 s). So there the JIT generates code as for a CPU without it.
 */
static bool under_tcg(void)
{
	unsigned a, b, c, d;
	char vendor[12];
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 31 & 1)) /* no hypervisor */
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(vendor, &b, 4), memcpy(vendor + 4, &c, 4), memcpy(vendor + 8, &d, 4);
	return !memcmp(vendor, "TCGTCGTCGTCG", 12);
}

/* Whether a feature of LLVM's is one of the AVX family. */
static bool vex_feature(const char *f, size_t n)
{
	static const char *const family[] = {"fma", "fma4", "f16c", "xop", "vaes", "vpclmulqdq",
					     "evex512"};
	if (n >= 3 && (!strncmp(f, "avx", 3) || !strncmp(f, "amx", 3)))
		return true;
	for (size_t k = 0; k < sizeof family / sizeof family[0]; k++)
		if (strlen(family[k]) == n && !strncmp(f, family[k], n))
			return true;
	return false;
}

/* Whether the n bytes of features (LLVM's "+a,-b,...", not necessarily
 * NUL-ended) turn any of the AVX family on. */
static bool vex_on(const char *s, size_t n)
{
	for (const char *end = s + n;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t len = (size_t)((comma ? comma : end) - s);
		if (len && *s == '+' && vex_feature(s + 1, len - 1))
			return true;
		if (!comma)
			return false;
		s = comma + 1;
	}
}

/* A copy of features with the AVX family off. */
static char *without_vex(const char *features)
{
	char *out = LLVMCreateMessage(features);
	for (char *f = out; *f; f += strcspn(f, ",") + !!f[strcspn(f, ",")])
		if (*f == '+' && vex_feature(f + 1, strcspn(f + 1, ",")))
			*f = '-';
	return out;
}

/* A program that asks for the AVX family itself (a function marked
 * target("avx2") for its intrinsics, or bitcode built with -mavx2) gets
 * it under emulation too: without it, its intrinsics cannot be compiled.
 * Before the program is prepared, the machines are made again for all of
 * this CPU's features. */
static int vex_back_if_asked(struct jit *j)
{
	if (!j->vex_off || !j->wants_vex)
		return 0;
	LLVMDisposeMessage(j->features);
	j->features = j->all_features;
	j->all_features = NULL;
	j->vex_off = false;
	for (int l = 1; l < 4; l++) { /* made again when asked for */
		if (j->tm[l])
			LLVMDisposeTargetMachine(j->tm[l]);
		j->tm[l] = NULL;
	}
	LLVMDisposeTargetMachine(j->tm[0]);
	if (!(j->tm[0] = host_machine(j, 0)))
		return JIT_EINTERNAL; /* machine() said why */
	return 0;
}

bool jit_vex_off(const struct jit *j)
{
	return j->vex_off;
}

struct jit *jit_create(char *err, size_t errlen)
{
	struct jit *j = calloc(1, sizeof *j);
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&j->kept, NULL);
	pthread_mutex_init(&j->defining, NULL);
	LLVMInstallFatalErrorHandler(llvm_fatal);
	/* the parser too: code generation assembles inline assembly */
	if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
	    LLVMInitializeNativeAsmParser()) {
		snprintf(err, errlen, "LLVM has no code generator for this machine");
		free(j);
		return NULL;
	}
	j->triple = LLVMGetDefaultTargetTriple();
	j->cpu = LLVMGetHostCPUName();
	j->features = LLVMGetHostCPUFeatures();
	if (under_tcg() && vex_on(j->features, strlen(j->features))) {
		j->all_features = j->features;
		j->features = without_vex(j->all_features);
		j->vex_off = true;
	}
	if (!(j->tm[0] = host_machine(j, 0))) /* the others when first asked for */
		return create_failed(j, err, errlen, j->err); /* machine() said why */
	j->layout = LLVMCreateTargetDataLayout(j->tm[0]);
	LLVMOrcLLJITBuilderRef b = LLVMOrcCreateLLJITBuilder();
	LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
	    b, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(host_machine(j, 2)));
	LLVMErrorRef e = LLVMOrcCreateLLJIT(&j->lljit, b); /* takes b */
	if (e) {
		jit_fail_llvm(j, JIT_EINTERNAL, "cannot start LLVM's JIT", e);
		return create_failed(j, err, errlen, j->err);
	}
	LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(j->lljit),
				    LLVMOrcCreateCustomCAPIDefinitionGenerator(generate, j, NULL));
	LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(j->lljit),
						session_error, j);
	j->remote = -1;
	j->ctx = LLVMContextCreate();
	/* No names for values inside functions (clang's release builds
	 * discard them anyway; the runtime names only functions and
	 * variables, and reads no other name). A function then has no
	 * symbol table, so moving its blocks out and back (ir_take_aside,
	 * ir_put_back: every function a version does not keep, at each
	 * compile) no longer visits each instruction: on Duktape's 1,350
	 * functions that was an eighth of the compile thread's time. */
	LLVMContextSetDiscardValueNames(j->ctx, 1);
	LLVMContextSetDiagnosticHandler(j->ctx, diagnose, j);
	return j;
}

/* clang stamps the CPU it compiled for on every function; the JIT's own
 * (this machine's) must apply instead. */
static void strip_target_attributes(struct jit *j, LLVMModuleRef m)
{
	static const char *const keys[] = {"target-cpu", "target-features", "tune-cpu"};
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		LLVMAttributeRef a =
		    LLVMGetStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, keys[1], 15);
		unsigned len = 0;
		const char *v = a ? LLVMGetStringAttributeValue(a, &len) : NULL;
		if (v && vex_on(v, len))
			j->wants_vex = true;
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, keys[k],
							 (unsigned)strlen(keys[k]));
	}
}

static bool has_attr(LLVMValueRef f, unsigned kind)
{
	return LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, kind) != NULL;
}

/* clang -O0 (its default) marks every function optnone and noinline (but
 * those always_inline or minsize), for a quick build that keeps each
 * line's code apart: under the JIT no tier could then optimize or inline
 * anything (lz ran 1.75 times as long as from bitcode built as the CLI
 * builds it). When every function a file defines is optnone, those marks
 * are clang's, not the program's: the runtime drops them, and the frame
 * pointer -O0 keeps. A file that marks some functions only keeps its
 * marks. */
static void unmark_unoptimized(LLVMModuleRef m)
{
	unsigned optnone = LLVMGetEnumAttributeKindForName("optnone", 7);
	unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
	/* -O0 leaves these two unmarked (optnone would contradict them) */
	unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	unsigned minsize = LLVMGetEnumAttributeKindForName("minsize", 7);
	/* and a naked function keeps noinline, which it needs */
	unsigned naked = LLVMGetEnumAttributeKindForName("naked", 5);
	unsigned n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || has_attr(f, always) || has_attr(f, minsize))
			continue;
		if (!has_attr(f, optnone))
			return;
		n++;
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f && n; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) || !has_attr(f, optnone))
			continue;
		LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, optnone);
		if (!has_attr(f, naked))
			LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline);
		LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, "frame-pointer",
						 13);
	}
}

/* FNV-1a over every input file's size (its bytes, low first) and bytes:
 * the code cache's key, and the tier-0 file's. */
static void note_input(struct jit *j, const void *p, size_t size)
{
	uint64_t h = jit_fnv1a(j->input_hash ? j->input_hash : JIT_FNV_BASIS, &size, sizeof size);
	h = jit_fnv1a(h, p, size);
	j->input_hash = h;
	snprintf(j->input_hex, sizeof j->input_hex, "%016llx", (unsigned long long)h);
}

/* The bytes of the input file at path, in *buf; 0 or JIT_EBADCODE. */
static int read_input(struct jit *j, const char *path, LLVMMemoryBufferRef *buf)
{
	char *msg = NULL;
	if (!LLVMCreateMemoryBufferWithContentsOfFile(path, buf, &msg))
		return 0;
	jit_fail(j, JIT_EBADCODE, "%s: %s", path, msg);
	LLVMDisposeMessage(msg);
	return JIT_EBADCODE;
}

int jit_hash_file(struct jit *j, const char *path)
{
	LLVMMemoryBufferRef buf;
	if (read_input(j, path, &buf))
		return JIT_EBADCODE;
	note_input(j, LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));
	LLVMDisposeMemoryBuffer(buf);
	return 0;
}

void jit_forget_inputs(struct jit *j)
{
	j->input_hash = 0;
	j->input_hex[0] = 0;
}

int jit_add_prepared(struct jit *j, const void *bitcode, size_t size, bool wants_vex)
{
	uint64_t t0 = rt_now_ns();
	LLVMModuleRef m;
	if (j->module || j->nlinking)
		return jit_fail(j, JIT_EINTERNAL, "a prepared program after another one");
	LLVMMemoryBufferRef buf =
	    LLVMCreateMemoryBufferWithMemoryRange(bitcode, size, "prepared program", false);
	j->diag[0] = 0; /* the reader says why through the diagnostic handler */
	bool bad = LLVMParseBitcodeInContext2(j->ctx, buf, &m);
	LLVMDisposeMemoryBuffer(buf); /* a whole module read keeps none of it */
	if (bad)
		return jit_fail(j, JIT_EBADCODE, "its program is not valid bitcode%s%s",
				j->diag[0] ? ": " : "", j->diag);
	j->module = m;
	j->wants_vex = wants_vex;
	j->prepared_input = true;
	j->stats.load_ns += rt_now_ns() - t0;
	return 0;
}

void jit_keep_prepared(struct jit *j)
{
	j->keep_prepared = true;
}

bool jit_prepared_program(const struct jit *j, const void **bitcode, size_t *size,
			  bool *wants_vex, uint64_t *read_ns)
{
	if (!j->prepared_bc)
		return false;
	*bitcode = LLVMGetBufferStart(j->prepared_bc);
	*size = LLVMGetBufferSize(j->prepared_bc);
	*wants_vex = j->wants_vex;
	*read_ns = j->prepared_read_ns;
	return true;
}

/* jit_keep_prepared's copy of the program, and how long reading it back
 * takes here (what a guest's reading of it is measured against). */
static int keep_prepared(struct jit *j)
{
	LLVMModuleRef m;
	j->prepared_bc = LLVMWriteBitcodeToMemoryBuffer(j->module);
	if (!j->prepared_bc)
		return jit_fail(j, JIT_EINTERNAL, "cannot write the prepared program as bitcode");
	/* into an empty context, as a guest reads it, whose handler takes
	 * the reader's errors (without one, LLVM would exit) */
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(ctx, diagnose, j);
	j->diag[0] = 0;
	uint64_t t0 = rt_now_ns();
	bool bad = LLVMParseBitcodeInContext2(ctx, j->prepared_bc, &m);
	j->prepared_read_ns = rt_now_ns() - t0;
	if (!bad)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	return bad ? jit_fail(j, JIT_EINTERNAL, "the prepared program does not read back: %s",
			      j->diag)
		   : 0;
}

static int link_last(struct jit *j);

static int add_buffer(struct jit *j, const char *path, LLVMMemoryBufferRef buf, uint64_t t0);

int jit_add_file(struct jit *j, const char *path)
{
	uint64_t t0 = rt_now_ns();
	LLVMMemoryBufferRef buf;
	if (read_input(j, path, &buf))
		return JIT_EBADCODE;
	/* The helper reads the same bytes (helper.c), as they are read here:
	 * it checks them as this jit does, quietly (a crash of LLVM's reader
	 * on its thread is reported as one here would be), and a file that
	 * fails here ends the run, and the helper with it. (Handed over once
	 * parsed here, a 138 KB generated source's bitcode reached tier 0 on
	 * the helper's thread some 20 ms later.) */
	if (j->helper) {
		size_t size = LLVMGetBufferSize(buf);
		void *copy = malloc(size ? size : 1);
		if (copy)
			memcpy(copy, LLVMGetBufferStart(buf), size);
		jit_helper_file(j, path, copy, size);
	}
	return add_buffer(j, path, buf, t0);
}

int jit_add_bytes(struct jit *j, const char *path, const void *bytes, size_t size)
{
	uint64_t t0 = rt_now_ns();
	LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes, size, path);
	return buf ? add_buffer(j, path, buf, t0) : jit_out_of_memory(j);
}

/* 0 if m, read from path as `what` (LLVM IR, bitcode), verifies; else
 * JIT_EBADCODE after saying why. m stays the caller's. */
static int verify_input(struct jit *j, LLVMModuleRef m, const char *path, const char *what)
{
	char *msg = NULL;
	int bad = LLVMVerifyModule(m, LLVMReturnStatusAction, &msg);
	if (bad)
		jit_fail(j, JIT_EBADCODE, "%s: not valid %s (it does not verify: %s)", path, what,
			 msg);
	LLVMDisposeMessage(msg);
	return bad ? JIT_EBADCODE : 0;
}

/* Textual IR in *buf (taken) read in a context of its own and written out
 * again as bitcode, into *buf: LLVM's parser refuses to read text into a
 * context that discards the names of values, as the JIT's does
 * (jit_create). 0, or the error after saying why. */
static int text_to_bitcode(struct jit *j, const char *path, LLVMMemoryBufferRef *buf)
{
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef m;
	char *msg = NULL;
	LLVMContextSetDiagnosticHandler(ctx, diagnose, j);
	bool parsed = !LLVMParseIRInContext(ctx, *buf, &m, &msg); /* takes the buffer */
	*buf = NULL;
	if (!parsed) {
		jit_fail(j, JIT_EBADCODE, "%s: not valid LLVM IR (%s)", path, msg);
		LLVMDisposeMessage(msg);
		LLVMContextDispose(ctx);
		return JIT_EBADCODE;
	}
	LLVMDisposeMessage(msg);
	/* checked before the bitcode writer, which expects a valid module
	 * (and the bitcode read back needs no second check) */
	int err = verify_input(j, m, path, "LLVM IR");
	if (!err)
		*buf = LLVMWriteBitcodeToMemoryBuffer(m);
	LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	return err ? err : *buf ? 0 : jit_out_of_memory(j);
}

/* jit_add_file's, of the file at path read into buf (taken). */
static int add_buffer(struct jit *j, const char *path, LLVMMemoryBufferRef buf, uint64_t t0)
{
	LLVMModuleRef m;
	char *msg = NULL;
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
		return jit_fail(j, JIT_EBADCODE,
				"%s: not valid LLVM bitcode (no bitcode signature; %zu bytes)",
				path, size);
	}
	note_input(j, p, size);
	int err = magic ? 0 : text_to_bitcode(j, path, &buf);
	if (err)
		return err;
	if (LLVMParseIRInContext(j->ctx, buf, &m, &msg)) { /* takes the buffer */
		jit_fail(j, JIT_EBADCODE, "%s: not valid LLVM bitcode (%s)", path, msg);
		LLVMDisposeMessage(msg);
		return JIT_EBADCODE;
	}
	/* known by the file's name, the buffer's (text_to_bitcode's has none) */
	LLVMSetModuleIdentifier(m, path, strlen(path));
	if (magic && (err = verify_input(j, m, path, "LLVM bitcode"))) {
		LLVMDisposeModule(m);
		return err;
	}
	strip_target_attributes(j, m);
	unmark_unoptimized(m);
	/* Nothing here reads debug information (gdb learns the JIT's
	 * functions from symbol-only objects, gdbjit.c), and the tiers' code,
	 * built from pieces of several functions, would have to keep every
	 * location and variable record pointing into the right subprogram:
	 * bitcode built with -g runs as if built with -g0. (The reader drops
	 * debug information without a version; the walk over every
	 * instruction is for files that have some.) */
	if (LLVMGetModuleDebugMetadataVersion(m))
		LLVMStripModuleDebugInfo(m);
	char **paths = realloc(j->paths, (j->files + 1) * sizeof *paths);
	struct jit_linking *l = realloc(j->linking, (j->nlinking + 1) * sizeof *l);
	if (paths)
		j->paths = paths;
	if (l)
		j->linking = l;
	if (!paths || !l || !(j->paths[j->files] = strdup(path))) {
		LLVMDisposeModule(m);
		return jit_out_of_memory(j);
	}
	jit_note_section_order(j, m, j->files);
	j->linking[j->nlinking++] = (struct jit_linking){m, j->files++, 1};
	while (!err && j->nlinking >= 2 &&
	       j->linking[j->nlinking - 2].n == j->linking[j->nlinking - 1].n)
		err = link_last(j);
	j->stats.load_ns += rt_now_ns() - t0;
	return err;
}

/*
 * Files are linked as a binary counter counts: each file read is a module
 * of one, and two modules of as many files are linked into one (the later
 * into the earlier, so that definitions keep the files' order); the rest
 * at the end (jit_link_files), later into earlier. LLVM's linker walks
 * the whole destination module for its types at every link: file after
 * file into one module, the walks added up to the square of the files (a
 * compressor's 30 files: 142 ms of linking of 250 to read them, Lua's 34:
 * 56 of 125).
 */
static int link_last(struct jit *j)
{
	struct jit_linking *a = &j->linking[j->nlinking - 2], *b = a + 1;
	j->diag[0] = 0; /* the linker says why through the diagnostic handler */
	bool bad = LLVMLinkModules2(a->m, b->m); /* consumes b's */
	unsigned first = b->first, last = b->first + b->n - 1;
	a->n += b->n;
	j->nlinking--;
	if (!bad)
		return 0;
	const char *why = j->diag[0] ? j->diag : "(a symbol defined twice?)";
	if (first == last)
		return jit_fail(j, JIT_EBADCODE, "%s: cannot be linked with the files before it: %s",
				j->paths[first], why);
	return jit_fail(j, JIT_EBADCODE,
			"%s to %s: cannot be linked with the files before them: %s",
			j->paths[first], j->paths[last], why);
}

int jit_link_files(struct jit *j)
{
	uint64_t t0 = rt_now_ns();
	int err = 0;
	while (!err && j->nlinking >= 2)
		err = link_last(j);
	j->stats.load_ns += rt_now_ns() - t0;
	if (err)
		return err;
	if (j->nlinking == 1 && !j->module) {
		j->module = j->linking[0].m;
		j->nlinking = 0;
	}
	return 0;
}

static int name_vs_symbol(const void *name, const void *sym)
{
	return strcmp(name, ((const struct jit_symbol *)sym)->name);
}

static const struct jit_symbol *find(const struct jit_symbol *t, size_t n, const char *name)
{
	return bsearch(name, t, n, sizeof *t, name_vs_symbol);
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

const struct jit_symbol *jit_provided(const struct jit *j, const char *name)
{
	return find(j->table, j->ntable, table_name(name));
}

int jit_provide(struct jit *j, const struct jit_symbol *table, size_t n)
{
	j->table = table;
	j->ntable = n;
	return 0;
}

/* Whether name is one of LLJIT's own interposed names, not renamed. */
static bool interposed_name(const char *name)
{
	for (size_t r = 0; r < sizeof interposed / sizeof interposed[0]; r++)
		if (!strcmp(name, interposed[r]))
			return true;
	return false;
}

/* Names a lookup in the JIT's main JITDylib found no definition for: those
 * the runtime's table has are defined now, as absolute symbols; the rest
 * (required ones only: a weak reference may go unresolved) are noted, so
 * that the failure says which without reading LLVM's message. So the JIT
 * holds the table's symbols that code refers to (the program, and the
 * calls code generation adds of its own: memset for llvm.memset, fmod for
 * frem, the 128-bit helpers), not all 2,300 of them: defining each took a
 * microsecond of every run's start. The program's own definition of a
 * name is in the JITDylib already, and wins, as in a static link. LLJIT's
 * interposed names are the table's only under their renamed form. */
static LLVMErrorRef generate(LLVMOrcDefinitionGeneratorRef gen, void *ctx,
			     LLVMOrcLookupStateRef *state, LLVMOrcLookupKind kind,
			     LLVMOrcJITDylibRef jd, LLVMOrcJITDylibLookupFlags flags,
			     LLVMOrcCLookupSet names, size_t n)
{
	(void)gen, (void)state, (void)kind, (void)flags;
	struct jit *j = ctx;
	LLVMOrcCSymbolMapPairs pairs = calloc(n ? n : 1, sizeof *pairs);
	if (!pairs)
		return LLVMCreateStringError("out of memory");
	size_t k = 0;
	pthread_mutex_lock(&j->defining); /* two lookups may ask for one name */
	size_t used = strlen(j->unresolved);
	for (size_t i = 0; i < n; i++) {
		const char *name = LLVMOrcSymbolStringPoolEntryStr(names[i].Name);
		const struct jit_symbol *s =
		    !j->table_defined || interposed_name(name) ? NULL : jit_provided(j, name);
		if (!s) {
			if (names[i].LookupFlags != LLVMOrcSymbolLookupFlagsRequiredSymbol)
				continue;
			int w = snprintf(j->unresolved + used, sizeof j->unresolved - used,
					 "%s%s", used ? ", " : "", name);
			if (w > 0 && used + (size_t)w < sizeof j->unresolved)
				used += (size_t)w;
			continue;
		}
		if (j->table_defined[s - j->table])
			continue; /* by a lookup before: this one finds it */
		j->table_defined[s - j->table] = true;
		LLVMOrcRetainSymbolStringPoolEntry(names[i].Name); /* the unit takes it */
		pairs[k].Name = names[i].Name;
		pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)s->addr;
		pairs[k].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
						  (s->function ? LLVMJITSymbolGenericFlagsCallable : 0);
		pairs[k].Sym.Flags.TargetFlags = 0;
		k++;
	}
	LLVMErrorRef e = NULL;
	if (k) {
		LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, k);
		e = LLVMOrcJITDylibDefine(jd, mu);
		if (e)
			LLVMOrcDisposeMaterializationUnit(mu);
	}
	pthread_mutex_unlock(&j->defining);
	free(pairs);
	return e;
}

/* Check every external name the program uses, then have the table's
 * symbols defined as lookups ask for them (generate). */
static int define_symbols(struct jit *j, const struct ir_asm_names *in_asm)
{
	const struct jit_symbol *table = j->table;
	size_t n = j->ntable, used = 0;
	unsigned missing = 0;

	bypass_interposed(j->module);
	j->err[0] = 0;
	/* a label of the module-level assembly is the program's (its object
	 * defines the symbol, if the assembly makes it global); a weak reference nothing defines is
	 * a null address, as in a static link (the linker leaves it unresolved: generate) */
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f)) {
		const char *name = LLVMGetValueName(f);
		if (LLVMIsDeclaration(f) && LLVMGetLinkage(f) != LLVMExternalWeakLinkage &&
		    strncmp(name, "llvm.", 5) && !find(table, n, table_name(name)) &&
		    !ir_asm_names_has(in_asm->labels, in_asm->nlabels, name)) {
			note_missing(j, &used, name);
			missing++;
		}
	}
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g)) {
		const char *name = LLVMGetValueName(g);
		if (LLVMIsDeclaration(g) && LLVMGetLinkage(g) != LLVMExternalWeakLinkage &&
		    !find(table, n, name) &&
		    !ir_asm_names_has(in_asm->labels, in_asm->nlabels, name)) {
			note_missing(j, &used, name);
			missing++;
		}
	}
	if (missing) {
		char list[sizeof j->err];
		memcpy(list, j->err, sizeof list);
		return jit_fail(
		    j, JIT_ENOSYM, "the program uses %s that the runtime does not provide: %s",
		    missing == 1 ? "a function or variable" : "functions or variables", list);
	}
	bool *defined = calloc(n ? n : 1, sizeof *defined);
	if (!defined)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	pthread_mutex_lock(&j->defining);
	j->table_defined = defined; /* generate defines from the table from now on */
	pthread_mutex_unlock(&j->defining);
	return 0;
}

/* Give definition g (a function or a variable) external linkage and, if it
 * had none of its own to keep (static, private, unnamed, or an extern
 * inline body that is only a copy of a definition elsewhere), a name no
 * other definition or runtime symbol has. */
static void promote_one(struct jit *j, LLVMValueRef g, const struct ir_asm_names *in_asm,
			unsigned *anon)
{
	char name[512];
	size_t len;
	const char *old = LLVMGetValueName2(g, &len);
	LLVMLinkage l = LLVMGetLinkage(g);
	/* a static the program's assembly names by its name keeps it, as in
	 * its file's object, unless the runtime has a symbol of that name */
	bool named_in_asm =
	    len && ir_asm_names_has(in_asm->names, in_asm->nnames, old) && !jit_provided(j, old);
	if ((l == LLVMInternalLinkage || l == LLVMPrivateLinkage ||
	     l == LLVMAvailableExternallyLinkage || !len) &&
	    !named_in_asm) {
		if (len)
			snprintf(name, sizeof name, "%.*s.bfl", (int)(len > 400 ? 400 : len), old);
		else
			snprintf(name, sizeof name, "bf.anon.%u", (*anon)++);
		LLVMSetValueName2(g, name, strlen(name));
	}
	LLVMSetLinkage(g, LLVMExternalLinkage);
	LLVMSetVisibility(g, LLVMDefaultVisibility);
	LLVMSetComdat(g, NULL);
}

/* Every definition, so that later tiers, compiled as separate objects, can
 * refer to them: static functions and variables, string literals, inline
 * functions. */
static void promote(struct jit *j, const struct ir_asm_names *in_asm)
{
	unsigned anon = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && strncmp(LLVMGetValueName(g), "llvm.", 5))
			promote_one(j, g, in_asm, &anon);
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f))
			promote_one(j, f, in_asm, &anon);
}

/* The name a user knows a function by: without our ".bfl" suffix. */
static char *display_name(const char *name)
{
	size_t n = strlen(name);
	char *d = strdup(name);
	if (d && n > 4 && !strcmp(name + n - 4, ".bfl"))
		d[n - 4] = 0;
	return d;
}

#define UNREAD "bf.unread"

/* Marks each parameter that its function's body never reads
 * (ir_unread), as the program came: a guard on its value would cost every
 * call and fold nothing, so arg_kind profiles none. Before the
 * whole-program passes: a parameter that IPSCCP makes a constant, passed
 * the same value by every call, is read all the same. Not in a function
 * that reads two pointer parameters or more: a specialization on any
 * argument, read or not, is what asks for the no-overlap version of its
 * pointers (jit_has_pointer_pair), as a constant size that IPSCCP folded
 * does for tests/jit/tiers/overlap.c (a pointer it never reads is no
 * base of any access, so no part of that version). The marks go with a
 * program prepared for another machine. */
static void mark_unread(struct jit *j)
{
	LLVMAttributeRef mark = LLVMCreateStringAttribute(j->ctx, UNREAD, strlen(UNREAD), "", 0);
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		unsigned n = LLVMCountParams(f), pointers = 0;
		bool *unread = n ? malloc(n * sizeof *unread) : NULL;
		if (!unread) /* none, or no memory: each read, as if unmarked */
			continue;
		for (unsigned k = 0; k < n; k++) {
			LLVMValueRef p = LLVMGetParam(f, k);
			unread[k] = ir_unread(p);
			pointers +=
			    LLVMGetTypeKind(LLVMTypeOf(p)) == LLVMPointerTypeKind && !unread[k];
		}
		for (unsigned k = 0; k < n && pointers < 2; k++)
			if (unread[k])
				LLVMAddAttributeAtIndex(f, k + 1, mark);
		free(unread);
	}
}

/* Whether parameter k of f is a value worth profiling: an integer, a
 * pointer the caller chose (not a copy the call makes, as byval's), a
 * float or a double, which f's body reads (mark_unread). */
static unsigned char arg_kind(LLVMValueRef f, unsigned k)
{
	static const char *const copies[] = {"byval", "sret", "inalloca", "preallocated"};
	if (LLVMGetStringAttributeAtIndex(f, k + 1, UNREAD, strlen(UNREAD)))
		return JIT_ARG_OTHER;
	LLVMTypeRef t = LLVMTypeOf(LLVMGetParam(f, k));
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind:
		return LLVMGetIntTypeWidth(t) <= 64 ? JIT_ARG_INT : JIT_ARG_OTHER;
	case LLVMFloatTypeKind:
	case LLVMDoubleTypeKind:
		return JIT_ARG_FP;
	case LLVMPointerTypeKind:
		for (size_t a = 0; a < sizeof copies / sizeof copies[0]; a++)
			if (LLVMGetEnumAttributeAtIndex(
				f, k + 1,
				LLVMGetEnumAttributeKindForName(copies[a], strlen(copies[a]))))
				return JIT_ARG_OTHER;
		return JIT_ARG_PTR;
	default:
		return JIT_ARG_OTHER;
	}
}

/* Whether a calling convention leaves r11 to the callee, as the stubs
 * need (stubs.c): C, fast and cold do; preserve_none passes its 11th
 * argument in it, and the rarer others are left alone too
 * (tests/jit/callconv.c). */
static bool stub_safe(unsigned conv)
{
	return conv == LLVMCCallConv || conv == LLVMFastCallConv || conv == LLVMColdCallConv;
}

/* Constructors by rising priority, destructors by falling; within one
 * priority, constructors in array order, destructors in reverse. */
static int init_order(const void *a, const void *b)
{
	const struct jit_init *x = a, *y = b;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int fini_order(const void *a, const void *b)
{
	return init_order(b, a);
}

/* The functions of llvm.global_ctors (k 0) or llvm.global_dtors (k 1),
 * by their final names: LLJIT's C API has no way to run them (its
 * platform support would, through LLJIT::initialize), so the runtime
 * does, around main. Entries without a function are skipped. */
static const char *const init_lists[2] = {"llvm.global_ctors", "llvm.global_dtors"};

static int collect_inits(struct jit *j, int k)
{
	LLVMValueRef g = LLVMGetNamedGlobal(j->module, init_lists[k]);
	LLVMValueRef arr = g ? LLVMGetInitializer(g) : NULL;
	int n = arr && LLVMIsAConstantArray(arr) ? LLVMGetNumOperands(arr) : 0;
	j->ninits[k] = 0;
	if (n <= 0)
		return 0;
	j->inits[k] = calloc((size_t)n, sizeof *j->inits[k]);
	if (!j->inits[k])
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	for (int i = 0; i < n; i++) {
		LLVMValueRef e = LLVMGetOperand(arr, (unsigned)i);
		if (!e || LLVMGetNumOperands(e) < 2)
			continue;
		LLVMValueRef prio = LLVMGetOperand(e, 0), fn = LLVMGetOperand(e, 1);
		if (!LLVMIsAConstantInt(prio) || !fn || !LLVMIsAFunction(fn))
			continue;
		struct jit_init *in = &j->inits[k][j->ninits[k]];
		in->name = strdup(LLVMGetValueName(fn));
		if (!in->name)
			return jit_fail(j, JIT_EINTERNAL, "out of memory");
		in->priority = (unsigned)LLVMConstIntGetZExtValue(prio);
		in->order = (size_t)i;
		j->ninits[k]++;
	}
	qsort(j->inits[k], j->ninits[k], sizeof *j->inits[k], k ? fini_order : init_order);
	return 0;
}

int jit_init_functions(struct jit *j, bool ctors, void ***fns, size_t *n)
{
	int k = !ctors;
	*fns = NULL;
	*n = 0;
	if (!j->ninits[k])
		return 0;
	void **f = calloc(j->ninits[k], sizeof *f);
	if (!f)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	for (size_t i = 0; i < j->ninits[k]; i++) {
		int err = jit_lookup(j, j->inits[k][i].name, &f[i]);
		if (err) {
			free(f);
			return err;
		}
	}
	*fns = f;
	*n = j->ninits[k];
	return 0;
}

int jit_own_function(struct jit *j, const char *name, void **addr)
{
	*addr = NULL;
	return jit_fn_by_symbol(j, name) < 0 ? 0 : jit_lookup(j, name, addr);
}

/* jit_prepare's steps once the program is linked, with the names its
 * assembly uses. */
static int prepare_named(struct jit *j, const struct ir_asm_names *in_asm,
			 const struct jit_fn **fns, size_t *nfns)
{
	int err = define_symbols(j, in_asm);
	/* a program prepared elsewhere (jit_add_prepared) was marked, made
	 * whole and promoted there */
	if (!err && !j->prepared_input) {
		mark_unread(j);
		err = jit_whole_program(j, in_asm);
		if (!err)
			promote(j, in_asm);
	}
	if (err)
		return err;
	if ((err = collect_inits(j, 0)) || (err = collect_inits(j, 1)))
		return err;
	if (j->keep_prepared && (err = keep_prepared(j)))
		return err;
	j->has_assembly = ir_has_assembly(j->module); /* none: no module made of it has */
	err = ir_tls_layout(j);
	if (err)
		return err;
	size_t n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f))
		n += !LLVMIsDeclaration(f);
	j->fns = calloc(n ? n : 1, sizeof *j->fns);
	j->syms = calloc(n ? n : 1, sizeof *j->syms);
	LLVMValueRef *defs = calloc(n ? n : 1, sizeof *defs);
	if (!j->fns || !j->syms || !defs) {
		free(defs);
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		defs[j->nfns] = f;
		j->syms[j->nfns] = strdup(LLVMGetValueName(f));
		struct jit_fn *d = &j->fns[j->nfns++];
		LLVMTypeRef ty = LLVMGlobalGetValueType(f);
		d->name = display_name(LLVMGetValueName(f));
		d->nparams = LLVMCountParams(f);
		for (unsigned k = 0; k < d->nparams && k < JIT_MAX_ARGS; k++)
			d->arg_kind[k] = arg_kind(f, k);
		d->managed = true;
		d->labels = ir_labels(f);
		if (LLVMIsFunctionVarArg(ty))
			d->managed = false, d->unmanaged = "takes variable arguments";
		else if (!stub_safe(LLVMGetFunctionCallConv(f)))
			d->managed = false,
			d->unmanaged = "has a calling convention that may pass an argument in r11";
		else if (d->labels == IR_LABELS_SHARED)
			d->managed = false,
			d->unmanaged = "keeps its labels' addresses where another copy would read them";
		j->stats.functions++;
		d->size = ir_instructions(f);
		j->stats.instructions += d->size;
		d->loops = jit_has_loops(f);
		d->always_inline = LLVMGetEnumAttributeAtIndex(
				       f, LLVMAttributeFunctionIndex,
				       LLVMGetEnumAttributeKindForName("alwaysinline", 12)) != NULL;
		d->untimed = d->size <= JIT_UNTIMED_MAX && !d->loops && jit_is_leaf(f);
		d->recursive = jit_calls_itself(f);
	}
	if ((err = jit_note_definitions(j, defs, in_asm)))
		return err;
	*fns = j->fns;
	*nfns = j->nfns;
	return 0;
}

int jit_prepare(struct jit *j, const struct jit_fn **fns, size_t *nfns)
{
	int err = jit_link_files(j);
	if (err)
		return err;
	if (!j->module)
		return jit_fail(j, JIT_EBADCODE, "no program was loaded");
	LLVMSetTarget(j->module, j->triple);
	LLVMSetModuleDataLayout(j->module, j->layout);
	err = vex_back_if_asked(j);
	if (!err)
		err = jit_link_sections(j);
	if (err)
		return err;
	/* the names the program's assembly uses and defines, for every step
	 * below that must keep them (ir_asm_names; none to look for in a
	 * program prepared elsewhere without assembly) */
	struct ir_asm_names in_asm = {0};
	if ((!j->prepared_input || ir_has_assembly(j->module)) && !ir_asm_names(j->module, &in_asm))
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	err = prepare_named(j, &in_asm, fns, nfns);
	ir_asm_names_free(&in_asm);
	return err;
}

LLVMErrorRef jit_run_passes(LLVMModuleRef m, LLVMTargetMachineRef tm, int opt,
			    const char *pre_passes)
{
	char pipeline[256];
	if (opt >= 0)
		snprintf(pipeline, sizeof pipeline, "%s%sdefault<O%d>",
			 pre_passes ? pre_passes : "", pre_passes ? "," : "", opt);
	else
		snprintf(pipeline, sizeof pipeline, "%s", pre_passes);
	LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
	/* what clang turns on at -O2 and up (the pass builder's defaults
	 * leave the SLP vectorizer off) */
	LLVMPassBuilderOptionsSetLoopVectorization(o, opt >= 2);
	LLVMPassBuilderOptionsSetSLPVectorization(o, opt >= 2);
	LLVMPassBuilderOptionsSetLoopInterleaving(o, opt >= 2);
	LLVMPassBuilderOptionsSetLoopUnrolling(o, opt >= 1);
	LLVMErrorRef e = LLVMRunPasses(m, pipeline, tm, o);
	LLVMDisposePassBuilderOptions(o);
	return e;
}

int jit_optimize(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes)
{
	uint64_t t0 = rt_now_ns();

	if (opt < 0 && !pre_passes)
		return 0;
	LLVMTargetMachineRef tm = machine_for(j, opt < 0 ? 0 : opt);
	if (!tm)
		return JIT_EINTERNAL; /* machine() said why */
	LLVMErrorRef e = jit_run_passes(m, tm, opt, pre_passes);
	j->stats.optimize_ns += rt_now_ns() - t0;
	return e ? jit_fail_llvm(j, JIT_EINTERNAL, "the optimizer failed", e) : 0;
}

int jit_transform(struct jit *j, LLVMModuleRef *m, int opt, const char *passes)
{
	if (jit_remote_usable(j, *m))
		return jit_remote_passes(j, m, opt, passes);
	return jit_optimize(j, *m, opt, passes);
}

/* $BAREFLOW_RT_OBJECTS=DIR: every object the JIT links is also written
 * to DIR/NNN.o, for objdump. */
static void dump_object(LLVMMemoryBufferRef obj)
{
	static unsigned n;
	const char *dir = getenv("BAREFLOW_RT_OBJECTS");
	char path[4096];
	if (!dir || !*dir)
		return;
	snprintf(path, sizeof path, "%s/%03u.o", dir, n++);
	FILE *f = fopen(path, "wb");
	if (!f ||
	    fwrite(LLVMGetBufferStart(obj), 1, LLVMGetBufferSize(obj), f) != LLVMGetBufferSize(obj))
		fprintf(stderr, "bareflow-rt: cannot write %s\n", path);
	if (f)
		fclose(f);
}

/* A module defining more data than this is generated in the large code
 * model: the small model's reach may not fit it (clang would need
 * -mcmodel=medium or large for it). */
#define SMALL_MODEL_DATA (1ull << 30)

bool jit_fits_small_model(struct jit *j, LLVMModuleRef m)
{
	uint64_t n = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && LLVMGetLinkage(g) != LLVMAvailableExternallyLinkage)
			n += LLVMABISizeOfType(j->layout, LLVMGlobalGetValueType(g));
	return n <= SMALL_MODEL_DATA;
}

LLVMErrorRef jit_small_model(LLVMModuleRef m, LLVMTargetMachineRef tm)
{
	LLVMErrorRef e = jit_run_passes(m, tm, -1, "elim-avail-extern");
	if (!e)
		ir_declarations_not_local(m);
	return e;
}

/* The machine for m at level cg: machine_for's, small-model, with m made
 * ready for it (jit_small_model); or, where m does not fit the small
 * model, one made for it in the large model, in *made for the caller to
 * dispose of. NULL after saying why. */
static LLVMTargetMachineRef machine_for_module(struct jit *j, LLVMModuleRef m, int cg,
					       LLVMTargetMachineRef *made)
{
	LLVMTargetMachineRef tm = machine_for(j, cg);
	*made = NULL;
	if (!tm)
		return NULL; /* machine() said why */
	if (!jit_fits_small_model(j, m)) {
		struct jit_machine_spec s;
		jit_machine_spec(j, cg, &s);
		return *made = machine(j, s.cpu, s.features, s.level, false);
	}
	LLVMErrorRef e = jit_small_model(m, tm);
	if (e) {
		jit_fail_llvm(j, JIT_EINTERNAL, "cannot prepare the code for generation", e);
		return NULL;
	}
	return tm;
}

int jit_tier0_for_any_cpu(struct jit *j)
{
	LLVMTargetMachineRef tm = machine(j, "x86-64", "", JIT_TIER0_FILE_LEVEL, true);
	if (!tm)
		return JIT_EINTERNAL; /* machine() said why */
	LLVMDisposeTargetMachine(j->tm[0]);
	j->tm[0] = tm;
	j->tier0_any_cpu = true;
	return 0;
}

int jit_link_object(struct jit *j, LLVMMemoryBufferRef obj)
{
	dump_object(obj);
	if (j->keep && jit_keep(j, LLVMGetBufferStart(obj), LLVMGetBufferSize(obj))) {
		LLVMDisposeMemoryBuffer(obj);
		return JIT_EINTERNAL;
	}
	jit_code_note_object(j, obj);
	LLVMErrorRef e =
	    LLVMOrcLLJITAddObjectFile(j->lljit, LLVMOrcLLJITGetMainJITDylib(j->lljit), obj);
	return e ? jit_fail_llvm(j, JIT_EINTERNAL, "cannot add code to the JIT", e) : 0;
}

int jit_verify(struct jit *j, LLVMModuleRef m, const char *what)
{
	char *msg = NULL;
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
		jit_fail(j, JIT_EINTERNAL, "internal error: %s does not verify: %.3000s", what,
			 msg);
		LLVMDisposeMessage(msg);
		return JIT_EINTERNAL;
	}
	LLVMDisposeMessage(msg);
	return 0;
}

/* jit_emit_seen's code generation here (m taken), and the link. */
static int codegen_here(struct jit *j, LLVMModuleRef m, int cg)
{
	LLVMMemoryBufferRef obj;
	int err = jit_codegen_object(j, m, cg, &obj);
	return err ? err : jit_link_object(j, obj);
}

int jit_codegen_object(struct jit *j, LLVMModuleRef m, int cg, LLVMMemoryBufferRef *objp)
{
	char *msg = NULL;
	LLVMMemoryBufferRef obj;
	uint64_t t0 = rt_now_ns();
	int err = ir_emulate_tls(j, m);
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	LLVMTargetMachineRef made, tm = machine_for_module(j, m, cg, &made);
	if (!tm) {
		LLVMDisposeModule(m);
		return JIT_EINTERNAL; /* machine_for_module said why */
	}
	j->diag[0] = 0;
	int bad = LLVMTargetMachineEmitToMemoryBuffer(tm, m, LLVMObjectFile, &msg, &obj);
	if (made)
		LLVMDisposeTargetMachine(made);
	j->stats.codegen_ns += rt_now_ns() - t0;
	LLVMDisposeModule(m);
	if (bad) {
		jit_fail(j, JIT_EINTERNAL, "code generation failed: %s", msg);
		LLVMDisposeMessage(msg);
		return JIT_EINTERNAL;
	}
	if (j->diag[0]) { /* the object lacks what the error was about */
		LLVMDisposeMemoryBuffer(obj);
		return jit_fail(j, JIT_EBADCODE, "cannot compile the program's code: %s", j->diag);
	}
	*objp = obj;
	return 0;
}

int jit_emit(struct jit *j, LLVMModuleRef m, int opt, int cg, const char *pre_passes)
{
	return jit_emit_seen(j, m, opt, cg, pre_passes, NULL, NULL);
}

void jit_direct_calls(LLVMValueRef f, void (*each)(void *ctx, const char *name, size_t len),
		      void *ctx)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			LLVMValueRef c = LLVMIsACallInst(i) ? LLVMGetCalledValue(i) : NULL;
			size_t len;
			const char *name = c && LLVMIsAFunction(c) ? LLVMGetValueName2(c, &len) : NULL;
			if (name && !LLVMGetIntrinsicID(c))
				each(ctx, name, len);
		}
}

/* Whether c, called through a pointer, is the runtime's: a probe, or a
 * slot or fallback field read from the profile (a version's way back to
 * its own function's code). */
static bool runtime_callee(LLVMValueRef c)
{
	if (LLVMIsALoadInst(c))
		c = LLVMGetOperand(c, 0);
	while (c && ((LLVMIsAConstantExpr(c) && LLVMGetConstOpcode(c) == LLVMGetElementPtr) ||
		     LLVMIsAGetElementPtrInst(c)))
		c = LLVMGetOperand(c, 0);
	size_t len;
	const char *name = c && LLVMIsAGlobalValue(c) ? LLVMGetValueName2(c, &len) : NULL;
	return name && !strncmp(name, "bareflow.", 9);
}

void jit_reached_calls(LLVMValueRef f, void (*each)(void *ctx, const char *name, size_t len),
		       void *ctx)
{
	LLVMValueRef *todo = malloc(16 * sizeof *todo);
	size_t n = 0, cap = 16, next = 0;
	if (!todo) {
		each(ctx, JIT_CALLS_UNKNOWN, strlen(JIT_CALLS_UNKNOWN));
		return;
	}
	todo[n++] = f;
	for (; next < n; next++)
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(todo[next]); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				LLVMValueRef c = LLVMIsACallInst(i) ? LLVMGetCalledValue(i) : NULL;
				size_t len, k;
				if (!c || LLVMIsAInlineAsm(c))
					continue;
				if (!LLVMIsAFunction(c)) {
					if (!runtime_callee(c))
						each(ctx, JIT_CALLS_INDIRECT, strlen(JIT_CALLS_INDIRECT));
					continue;
				}
				if (LLVMGetIntrinsicID(c))
					continue;
				if (LLVMIsDeclaration(c) ||
				    LLVMGetLinkage(c) == LLVMAvailableExternallyLinkage) {
					const char *name = LLVMGetValueName2(c, &len);
					each(ctx, name, len);
					continue;
				}
				for (k = 0; k < n && todo[k] != c; k++)
					;
				if (k < n)
					continue;
				if (n == cap) {
					LLVMValueRef *more = realloc(todo, 2 * cap * sizeof *more);
					if (!more) {
						each(ctx, JIT_CALLS_UNKNOWN, strlen(JIT_CALLS_UNKNOWN));
						free(todo);
						return;
					}
					todo = more, cap *= 2;
				}
				todo[n++] = c;
			}
	free(todo);
}

void jit_mark_name(const struct jit *j, const char *name, unsigned char *calls)
{
	long k;
	if (!strcmp(name, JIT_CALLS_INDIRECT))
		calls[j->nfns] |= JIT_CALLS_THROUGH_POINTER;
	else if (!strcmp(name, JIT_CALLS_UNKNOWN))
		calls[j->nfns] |= JIT_CALLS_NOT_KNOWN;
	else if ((k = jit_fn_by_symbol(j, name)) >= 0)
		calls[k] = 1;
}

struct marks {
	const struct jit *j;
	unsigned char *calls;
};

/* name is an LLVM value's, which LLVM ends with a NUL, or a literal. */
static void mark(void *ctx, const char *name, size_t len)
{
	struct marks *m = ctx;
	(void)len;
	jit_mark_name(m->j, name, m->calls);
}

void jit_mark_calls(const struct jit *j, LLVMValueRef f, unsigned char *calls)
{
	struct marks m = {j, calls};
	jit_direct_calls(f, mark, &m);
}

/* Marks in calls the functions f's code reaches (jit_reached_calls). */
static void mark_reached(const struct jit *j, LLVMValueRef f, unsigned char *calls)
{
	struct marks m = {j, calls};
	jit_reached_calls(f, mark, &m);
}

int jit_emit_seen(struct jit *j, LLVMModuleRef m, int opt, int cg, const char *pre_passes,
		  const char *watch, unsigned char *calls)
{
	size_t len;
	if (cg > 0 && jit_remote_usable(j, m))
		return jit_remote_compile(j, m, opt, pre_passes, cg, watch, calls);
	set_compiling(LLVMGetModuleIdentifier(m, &len));
	int err = jit_optimize(j, m, opt, pre_passes);
	if (err) {
		set_compiling(NULL);
		LLVMDisposeModule(m);
		return err;
	}
	LLVMValueRef w = watch ? LLVMGetNamedFunction(m, watch) : NULL;
	if (w)
		mark_reached(j, w, calls);
	err = codegen_here(j, m, cg);
	set_compiling(NULL);
	return err;
}

int jit_lookup(struct jit *j, const char *name, void **addr)
{
	LLVMOrcExecutorAddress a;
	j->unresolved[0] = j->session_err[0] = 0;
	set_compiling(name);
	LLVMErrorRef e = LLVMOrcLLJITLookup(j->lljit, &a, name); /* links the object */
	set_compiling(NULL);
	if (e) {
		/* e.g. a name only code generation introduced, and we lack: the
		 * generator below saw the link ask for it */
		char *msg = LLVMGetErrorMessage(e);
		int code = j->unresolved[0] ? JIT_ENOSYM : JIT_EINTERNAL;
		if (code == JIT_ENOSYM)
			jit_fail(j, code,
				 "cannot link the program: it needs %s, which the runtime "
				 "does not provide",
				 j->unresolved);
		else if (j->session_err[0] && strcmp(j->session_err, msg))
			jit_fail(j, code, "cannot link the program: %s (%s)", msg, j->session_err);
		else
			jit_fail(j, code, "cannot link the program: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return code;
	}
	*addr = (void *)(uintptr_t)a;
	jit_code_resolve(j);
	return 0;
}

#define JIT_SECTIONS_MAX 60000

/*
 * Each function of m that names no section of its own gets one, as clang's
 * -ffunction-sections gives it (the C API has no such option). In one
 * .text, LLJIT's linker took superlinear time over a large object: it
 * works out, per block, the symbols outside the object the block depends
 * on, and every one of the object's unwind records, a block of its own,
 * took the whole of .text's (the Lua interpreter's tier 0, 1,068 functions
 * and 46,000 relocations: 410-550 ms, now 27-34). A section per function
 * keeps each record's to its function's.
 */
void jit_function_sections(LLVMModuleRef m)
{
	char name[700];
	unsigned n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		n += !LLVMIsDeclaration(f);
	if (n > JIT_SECTIONS_MAX)
		return; /* an ELF file numbers its sections in 16 bits: code.c */
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		const char *sec = LLVMGetSection(f);
		if (LLVMIsDeclaration(f) || (sec && *sec))
			continue;
		snprintf(name, sizeof name, ".text.%s", LLVMGetValueName(f));
		LLVMSetSection(f, name);
	}
}

/*
 * A static function called from one place, as clang inlines it at -O3: its
 * inliner adds a large bonus for the last call to a function of local
 * linkage, which it then deletes. promote made every function external,
 * for the tiers' separate objects, so one compile of the whole program
 * (--opt 1-3) lost the bonus: a game of life called its neighbour count,
 * a 3x3 loop, once per cell, and ran 4.6 times clang's time. Such a
 * function (not recursive, not noinline, of at most FIXED_INLINE_MAX
 * unoptimized IR instructions, as the bonus reaches) is marked
 * always_inline instead; its symbol stays, for the code map and reports.
 */
#define FIXED_INLINE_MAX 3000
static void inline_single_calls(struct jit *j)
{
	unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
	unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	for (size_t i = 0; i < j->nfns; i++) {
		const struct jit_fn *d = &j->fns[i];
		LLVMValueRef f = j->defs[i];
		if (d->only_caller < 0 || d->recursive || d->size > FIXED_INLINE_MAX ||
		    LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline))
			continue;
		LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
					LLVMCreateEnumAttribute(j->ctx, always, 0));
	}
}

int jit_compile_fixed(struct jit *j, int opt, const char *entry, void **addr)
{
	LLVMModuleRef m = j->module; /* compiled once: no copy to keep */
	j->module = NULL;
	if (opt > 0)
		inline_single_calls(j);
	/* the runtime runs the constructors and destructors it noted
	 * (collect_inits): without the lists, GlobalOpt cannot fold a
	 * constructor into the initial values it computes and drop it from
	 * them, which would have run it twice (its functions, all external
	 * since promote, stay) */
	for (size_t k = 0; k < 2; k++) {
		LLVMValueRef g = LLVMGetNamedGlobal(m, init_lists[k]);
		if (g)
			LLVMDeleteGlobal(g);
	}
	jit_function_sections(m);
	int err = jit_emit(j, m, opt > 0 ? opt : -1, opt, NULL);
	if (!err) {
		uint64_t t0 = rt_now_ns();
		err = jit_lookup(j, entry, addr); /* links */
		j->stats.codegen_ns += rt_now_ns() - t0;
	}
	return err;
}
