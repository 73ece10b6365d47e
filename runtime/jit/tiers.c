/*
 * The tiers' code: tier 0 (the whole program, instrumented, every managed
 * function behind a stub and a slot: stubs.c) and the versions that replace
 * functions, one or a batch to a module (tier 1 quick, -O1, with counters and
 * value profiles, tier 2 at -O3, for this CPU or any x86-64, counted or
 * not, profiling values or not, specialized behind a guard or not). All of
 * it is IR built through LLVM's C API.
 *
 * What instrumented code does, per function number k (prof/prof.h):
 *   entry:  calls++; if (calls >= call_trigger || loops >= loop_trigger)
 *           { prof_hot(k); call the slot again, tail call above tier 0 }
 *           [tier 0, 1, profiling tier 2] argument value profiles
 *           cycles of the caller so far are added up; current = k
 *   return: cycles since then are k's; current = the caller; (tier 0)
 *           the whole call's cycles, callees included, are k's inclusive
 *   loop header (tier 0): loops++; if (loops >= osr_trigger and
 *           prof_osr(k, header) gives code) return code(args..., frame)
 *   loop header (tier 1, after optimizing): loops++
 *   guard:  the specialized values: the clone; others: guard_misses++, at
 *           miss_trigger prof_miss(k), then the fallback field's code
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "internal.h"
#include "prof/prof.h"

/* ---- building blocks of instrumentation ---- */

/*
 * The profile's cells and probes are named, not written into the code as
 * numbers: the code refers to these symbols (JIT_PROBE_*, defined by
 * jit_compile_tier0 at the probes' addresses), and linking puts the
 * addresses in. The code is then the same whatever the addresses are in a
 * run, so a version compiled in one run can be loaded in the next (the
 * code cache).
 */
static const char *const probe_names[] = {
    [JIT_PROBE_FNS] = "bareflow.prof.fns",     [JIT_PROBE_CURRENT] = "bareflow.prof.current",
    [JIT_PROBE_STAMP] = "bareflow.prof.stamp", [JIT_PROBE_HOT] = "bareflow.prof.hot",
    [JIT_PROBE_MISS] = "bareflow.prof.miss",   [JIT_PROBE_OSR] = "bareflow.prof.osr"};

static void *probe_address(const struct jit_probes *p, int k)
{
	void *const a[] = {p->fns, p->current, p->stamp, p->hot, p->miss, p->osr};
	return a[k];
}

int jit_define_probes(struct jit *j, const struct jit_probes *p)
{
	LLVMOrcCSymbolMapPair pairs[JIT_PROBES];
	if (j->probes_defined) /* once a run: tier 0 from the cache may fall back */
		return 0;
	for (int k = 0; k < JIT_PROBES; k++) {
		pairs[k].Name = LLVMOrcLLJITMangleAndIntern(j->lljit, probe_names[k]);
		pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)probe_address(p, k);
		pairs[k].Sym.Flags.GenericFlags =
		    LLVMJITSymbolGenericFlagsExported |
		    (k >= JIT_PROBE_HOT ? LLVMJITSymbolGenericFlagsCallable : 0);
		pairs[k].Sym.Flags.TargetFlags = 0;
	}
	LLVMErrorRef e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit),
					       LLVMOrcAbsoluteSymbols(pairs, JIT_PROBES));
	if (e)
		return jit_fail_llvm(j, JIT_EINTERNAL, "cannot define the profile's symbols", e);
	j->probes_defined = true;
	return 0;
}

/* Probe k's symbol in the module being built, declared on first use. */
static LLVMValueRef probe_symbol(struct ir *ir, int k)
{
	LLVMValueRef g = k >= JIT_PROBE_HOT ? LLVMGetNamedFunction(ir->m, probe_names[k])
					    : LLVMGetNamedGlobal(ir->m, probe_names[k]);
	if (g)
		return g;
	if (k >= JIT_PROBE_HOT) { /* void hot(u32), void miss(u32), void *osr(u32, u32) */
		LLVMTypeRef two[2] = {ir->i32, ir->i32};
		LLVMTypeRef t =
		    k == JIT_PROBE_OSR
			? LLVMFunctionType(ir->ptr, two, 2, 0)
			: LLVMFunctionType(LLVMVoidTypeInContext(ir->j->ctx), &ir->i32, 1, 0);
		return LLVMAddFunction(ir->m, probe_names[k], t);
	}
	return LLVMAddGlobal(ir->m, ir->i8, probe_names[k]);
}

/* Address p, one of the probes or inside the profile's table, as a symbol
 * and an offset. */
static LLVMValueRef const_addr(struct ir *ir, const void *p)
{
	const struct jit_probes *pr = &ir->j->probes;
	const char *fns = pr->fns;
	if ((const char *)p >= fns && (const char *)p < fns + (ir->j->nfns + 1) * pr->fn_size) {
		LLVMValueRef off = LLVMConstInt(ir->i64, (uint64_t)((const char *)p - fns), 0);
		return LLVMConstGEP2(ir->i8, probe_symbol(ir, JIT_PROBE_FNS), &off, 1);
	}
	for (int k = JIT_PROBE_CURRENT; k < JIT_PROBES; k++)
		if (p == probe_address(pr, k))
			return probe_symbol(ir, k);
	return LLVMConstIntToPtr(LLVMConstInt(ir->i64, (uintptr_t)p, 0), ir->ptr);
}

static LLVMValueRef field(struct ir *ir, unsigned fn, size_t off)
{
	return const_addr(ir, (char *)ir->j->probes.fns + fn * ir->j->probes.fn_size + off);
}
#define FIELD(ir, fn, member) field(ir, fn, offsetof(struct prof_fn, member))

static LLVMValueRef load(struct ir *ir, LLVMTypeRef t, LLVMValueRef p)
{
	LLVMValueRef v = LLVMBuildLoad2(ir->b, t, p, "");
	LLVMSetAlignment(v, t == ir->i32 ? 4 : 8);
	return v;
}

static void store(struct ir *ir, LLVMValueRef v, LLVMValueRef p)
{
	LLVMValueRef s = LLVMBuildStore(ir->b, v, p);
	LLVMSetAlignment(s, LLVMTypeOf(v) == ir->i32 ? 4 : 8);
}

static LLVMValueRef c64(struct ir *ir, uint64_t v)
{
	return LLVMConstInt(ir->i64, v, 0);
}

/* *p += delta; the new value. */
static LLVMValueRef bump(struct ir *ir, LLVMValueRef p, LLVMValueRef delta)
{
	LLVMValueRef v = LLVMBuildAdd(ir->b, load(ir, ir->i64, p), delta, "");
	store(ir, v, p);
	return v;
}

/*
 * The cycle counter (rdtsc). Where FastISel generates the code (tier 0),
 * through one small function of the module that reads it: FastISel cannot
 * select llvm.readcyclecounter, and gave each read, with the rest of its
 * block above it, to the full SelectionDAG instead. Lua's tier 0 has 2,664
 * reads; a sixth of its code generation went to them (480 -> 400 ms). The
 * call is a few cycles next to rdtsc's own 20 to 40.
 */
static LLVMValueRef cycles_now(struct ir *ir)
{
	unsigned id = LLVMLookupIntrinsicID("llvm.readcyclecounter", 21);
	LLVMValueRef f = LLVMGetIntrinsicDeclaration(ir->m, id, NULL, 0);
	LLVMTypeRef t = LLVMIntrinsicGetType(ir->j->ctx, id, NULL, 0);
	if (ir->fast_isel) {
		LLVMValueRef read = LLVMGetNamedFunction(ir->m, "bf.cycles");
		if (!read) {
			read = LLVMAddFunction(ir->m, "bf.cycles", t);
			LLVMSetLinkage(read, LLVMPrivateLinkage);
			LLVMBuilderRef b = LLVMCreateBuilderInContext(ir->j->ctx);
			LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ir->j->ctx, read, ""));
			LLVMBuildRet(b, LLVMBuildCall2(b, t, f, NULL, 0, ""));
			LLVMDisposeBuilder(b);
		}
		f = read;
	}
	return LLVMBuildCall2(ir->b, t, f, NULL, 0, "");
}

/* The cycles now, less those the runtime has taken from the program
 * (function 0's: its compiles on the program's thread or CPU, its
 * policy): of these, a call's inclusive cycles are its own and its
 * callees'. */
static LLVMValueRef program_cycles(struct ir *ir, LLVMValueRef now)
{
	return LLVMBuildSub(ir->b, now, load(ir, ir->i64, FIELD(ir, 0, cycles)), "");
}

/* The caller's cycles so far are its own; from now on they are fn's.
 * Returns the caller's number, for time_leave, and the program's cycles
 * at entry in *entry. */
static LLVMValueRef time_enter(struct ir *ir, unsigned fn, LLVMValueRef *entry)
{
	const struct jit_probes *p = &ir->j->probes;
	LLVMValueRef now = cycles_now(ir);
	LLVMValueRef prev = load(ir, ir->i32, const_addr(ir, p->current));
	LLVMValueRef stamp = load(ir, ir->i64, const_addr(ir, p->stamp));
	LLVMValueRef off = LLVMBuildAdd(
	    ir->b,
	    LLVMBuildMul(ir->b, LLVMBuildZExt(ir->b, prev, ir->i64, ""), c64(ir, p->fn_size), ""),
	    c64(ir, offsetof(struct prof_fn, cycles)), "");
	LLVMValueRef cell = LLVMBuildGEP2(ir->b, ir->i8, const_addr(ir, p->fns), &off, 1, "");
	bump(ir, cell, LLVMBuildSub(ir->b, now, stamp, ""));
	store(ir, LLVMConstInt(ir->i32, fn, 0), const_addr(ir, p->current));
	store(ir, now, const_addr(ir, p->stamp));
	*entry = program_cycles(ir, now);
	return prev;
}

/* The cycles since the caller's number was saved are fn's; so are, when
 * entry is not NULL (tier 0), those of the whole call, callees included,
 * in its inclusive count, less the runtime's meanwhile (never below 0:
 * another thread's can be in them). */
static void time_leave(struct ir *ir, unsigned fn, LLVMValueRef prev, LLVMValueRef entry)
{
	const struct jit_probes *p = &ir->j->probes;
	LLVMValueRef now = cycles_now(ir);
	LLVMValueRef stamp = load(ir, ir->i64, const_addr(ir, p->stamp));
	bump(ir, FIELD(ir, fn, cycles), LLVMBuildSub(ir->b, now, stamp, ""));
	if (entry) {
		LLVMValueRef at = program_cycles(ir, now);
		LLVMValueRef ran =
		    LLVMBuildSelect(ir->b, LLVMBuildICmp(ir->b, LLVMIntUGT, at, entry, ""),
				    LLVMBuildSub(ir->b, at, entry, ""), c64(ir, 0), "");
		bump(ir, FIELD(ir, fn, inclusive), ran);
	}
	store(ir, prev, const_addr(ir, p->current));
	store(ir, now, const_addr(ir, p->stamp));
}

/* fn's cycles so far, with those since the last stamp (fn's own: it is
 * the current function wherever this is asked). */
static LLVMValueRef cycles_so_far(struct ir *ir, unsigned fn)
{
	LLVMValueRef now = cycles_now(ir);
	LLVMValueRef stamp = load(ir, ir->i64, const_addr(ir, ir->j->probes.stamp));
	return LLVMBuildAdd(ir->b, load(ir, ir->i64, FIELD(ir, fn, cycles)),
			    LLVMBuildSub(ir->b, now, stamp, ""), "");
}

/* calls++; whether a trigger is reached (NULL if not asked). */
static LLVMValueRef count_entry(struct ir *ir, unsigned fn, bool trigger)
{
	LLVMValueRef calls = bump(ir, FIELD(ir, fn, calls), c64(ir, 1));
	if (!trigger)
		return NULL;
	LLVMValueRef ct = load(ir, ir->i64, FIELD(ir, fn, call_trigger));
	LLVMValueRef loops = load(ir, ir->i64, FIELD(ir, fn, loops));
	LLVMValueRef lt = load(ir, ir->i64, FIELD(ir, fn, loop_trigger));
	return LLVMBuildOr(ir->b, LLVMBuildICmp(ir->b, LLVMIntUGE, calls, ct, ""),
			   LLVMBuildICmp(ir->b, LLVMIntUGE, loops, lt, ""), "");
}

/* The value profile at pv, ps, po (struct prof_arg's value, same and
 * other) takes v: straight-line code, a few instructions. */
static void profile_value(struct ir *ir, LLVMValueRef v, LLVMValueRef pv, LLVMValueRef ps,
			  LLVMValueRef po)
{
	LLVMValueRef cand = load(ir, ir->i64, pv);
	LLVMValueRef eq = LLVMBuildICmp(ir->b, LLVMIntEQ, v, cand, "");
	LLVMValueRef same =
	    LLVMBuildAdd(ir->b, load(ir, ir->i64, ps), LLVMBuildZExt(ir->b, eq, ir->i64, ""), "");
	LLVMValueRef other =
	    LLVMBuildAdd(ir->b, load(ir, ir->i64, po),
			 LLVMBuildZExt(ir->b, LLVMBuildNot(ir->b, eq, ""), ir->i64, ""), "");
	LLVMValueRef swap = LLVMBuildICmp(ir->b, LLVMIntUGT, other, same, "");
	store(ir, LLVMBuildSelect(ir->b, swap, v, cand, ""), pv);
	store(ir, LLVMBuildSelect(ir->b, swap, c64(ir, 1), same, ""), ps);
	store(ir, LLVMBuildSelect(ir->b, swap, c64(ir, 0), other, ""), po);
}

/* Under FastISel (tier 0 compiled here: hosted, or in a guest without a
 * tier-0 file), a private function of the module that takes v into the
 * profile at a struct prof_arg: a call per profiled argument rather than
 * the update in every function, which was a tenth to a fifth of tier 0's
 * code generation (bench/README). */
static LLVMValueRef value_helper(struct ir *ir)
{
	LLVMValueRef h = LLVMGetNamedFunction(ir->m, "bf.value");
	if (h)
		return h;
	LLVMTypeRef params[2] = {ir->ptr, ir->i64};
	LLVMTypeRef t = LLVMFunctionType(LLVMVoidTypeInContext(ir->j->ctx), params, 2, 0);
	h = LLVMAddFunction(ir->m, "bf.value", t);
	LLVMSetLinkage(h, LLVMPrivateLinkage);
	unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
	LLVMAddAttributeAtIndex(h, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(ir->j->ctx, nounwind, 0));
	LLVMBuilderRef outer = ir->b;
	ir->b = LLVMCreateBuilderInContext(ir->j->ctx);
	LLVMPositionBuilderAtEnd(ir->b, LLVMAppendBasicBlockInContext(ir->j->ctx, h, ""));
	LLVMValueRef a = LLVMGetParam(h, 0), at[3];
	size_t off[3] = {offsetof(struct prof_arg, value), offsetof(struct prof_arg, same),
			 offsetof(struct prof_arg, other)};
	for (int k = 0; k < 3; k++) {
		LLVMValueRef o = c64(ir, off[k]);
		at[k] = LLVMBuildGEP2(ir->b, ir->i8, a, &o, 1, "");
	}
	profile_value(ir, LLVMGetParam(h, 1), at[0], at[1], at[2]);
	LLVMBuildRetVoid(ir->b);
	LLVMDisposeBuilder(ir->b);
	ir->b = outer;
	return h;
}

/* Each profiled argument's value profile (struct prof_arg). */
static void profile_args(struct ir *ir, unsigned fn, LLVMValueRef f, const struct jit_fn *d)
{
	for (unsigned k = 0; k < d->nparams && k < PROF_MAX_ARGS; k++) {
		if (d->arg_kind[k] == JIT_ARG_OTHER)
			continue;
		LLVMValueRef v = ir_bits(ir, LLVMGetParam(f, k));
		size_t base = offsetof(struct prof_fn, args) + k * sizeof(struct prof_arg);
		if (ir->fast_isel) {
			LLVMValueRef h = value_helper(ir);
			LLVMValueRef args[2] = {field(ir, fn, base), v};
			LLVMBuildCall2(ir->b, LLVMGlobalGetValueType(h), h, args, 2, "");
			continue;
		}
		profile_value(ir, v, field(ir, fn, base + offsetof(struct prof_arg, value)),
			      field(ir, fn, base + offsetof(struct prof_arg, same)),
			      field(ir, fn, base + offsetof(struct prof_arg, other)));
	}
}

static LLVMValueRef *params_of(LLVMValueRef f, unsigned extra, unsigned *n)
{
	*n = LLVMCountParams(f);
	LLVMValueRef *a = malloc((*n + extra + 1) * sizeof *a);
	if (a)
		LLVMGetParams(f, a);
	return a;
}

static void build_ret(struct ir *ir, LLVMTypeRef fty, LLVMValueRef v)
{
	if (LLVMGetTypeKind(LLVMGetReturnType(fty)) == LLVMVoidTypeKind)
		LLVMBuildRetVoid(ir->b);
	else
		LLVMBuildRet(ir->b, v);
}

/* Whether f takes an argument by value in memory (a struct on the stack). */
static bool has_byval(LLVMValueRef f)
{
	unsigned kind = LLVMGetEnumAttributeKindForName("byval", 5);
	for (unsigned k = 1; k <= LLVMCountParams(f); k++)
		if (LLVMGetEnumAttributeAtIndex(f, k, kind))
			return true;
	return false;
}

/* return callee(f's own arguments): a guaranteed tail call, or (must is
 * false) an ordinary call, which is always correct for our functions (no
 * varargs) and costs a frame. x86-64 code generation in LLVM 19 gets a
 * musttail call that forwards a byval argument wrong (it copies the
 * argument over the return address), so those are always ordinary calls. */
static void call_on(struct ir *ir, LLVMValueRef f, LLVMValueRef callee, bool must)
{
	must = must && !has_byval(f);
	LLVMTypeRef fty = LLVMGlobalGetValueType(f);
	unsigned n;
	LLVMValueRef *args = params_of(f, 0, &n);
	LLVMValueRef c = LLVMBuildCall2(ir->b, fty, callee, args, n, "");
	free(args);
	LLVMSetInstructionCallConv(c, LLVMGetFunctionCallConv(f));
	ir_copy_param_attrs(f, c, true);
	if (must)
		LLVMSetTailCallKind(c, LLVMTailCallKindMustTail);
	build_ret(ir, fty, c);
}

static void tail_call(struct ir *ir, LLVMValueRef f, LLVMValueRef callee)
{
	call_on(ir, f, callee, true);
}

static LLVMValueRef slot_load(struct ir *ir, unsigned fn)
{
	LLVMValueRef v = LLVMBuildLoad2(ir->b, ir->ptr, FIELD(ir, fn, code), "");
	LLVMSetAlignment(v, 8);
	LLVMSetOrdering(v, LLVMAtomicOrderingAcquire);
	return v;
}

/* probe(fn) (prof_hot or prof_miss), from the code being built. */
static void call_probe(struct ir *ir, void *probe, unsigned fn)
{
	LLVMTypeRef hty = LLVMFunctionType(LLVMVoidTypeInContext(ir->j->ctx), &ir->i32, 1, 0);
	LLVMValueRef arg = LLVMConstInt(ir->i32, fn, 0);
	LLVMBuildCall2(ir->b, hty, const_addr(ir, probe), &arg, 1, "");
}

/* loops++ at the top of block bb, after its phis: a straight-line count. */
static void count_at(struct ir *ir, LLVMBasicBlockRef bb, unsigned fn)
{
	LLVMValueRef first = LLVMGetFirstInstruction(bb);
	while (LLVMIsAPHINode(first))
		first = LLVMGetNextInstruction(first);
	LLVMPositionBuilderBefore(ir->b, first);
	bump(ir, FIELD(ir, fn, loops), c64(ir, 1));
}

/* Whether an indirect branch (a computed goto) of f may go to bb. */
static bool indirect_target(LLVMValueRef f, LLVMBasicBlockRef bb)
{
	for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b)) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(b);
		if (!t || LLVMGetInstructionOpcode(t) != LLVMIndirectBr)
			continue;
		for (unsigned s = 0; s < LLVMGetNumSuccessors(t); s++)
			if (LLVMGetSuccessor(t, s) == bb)
				return true;
	}
	return false;
}

/*
 * An interpreter's dispatch (clang's one block of a function that ends in
 * its computed gotos' indirect branch, phis first) is the header of every
 * loop through its handlers, where OSR cannot enter. So the headers that
 * end in an indirect branch give way to the blocks it goes to, each a
 * place to count and to enter OSR code. Returns the new number of
 * headers[] (block numbers, at most n).
 */
static unsigned dispatch_targets(LLVMBasicBlockRef *blocks, unsigned n, unsigned *headers,
				 unsigned nh)
{
	struct ir_blockmap map;
	unsigned char *seen = calloc(n ? n : 1, 1);
	unsigned *out = malloc((n + 1) * sizeof *out), m = 0;
	if (!seen || !out || !ir_blockmap_init(&map, blocks, n)) {
		free(seen);
		free(out);
		return nh; /* counted at the dispatch, no OSR there */
	}
	for (unsigned h = 0; h < nh; h++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(blocks[headers[h]]);
		bool dispatch = t && LLVMGetInstructionOpcode(t) == LLVMIndirectBr;
		unsigned ns = dispatch ? LLVMGetNumSuccessors(t) : 1;
		for (unsigned k = 0; k < ns; k++) {
			long b = dispatch ? ir_blockmap_get(&map, LLVMGetSuccessor(t, k)) : headers[h];
			if (b >= 0 && !seen[b])
				seen[b] = 1, out[m++] = (unsigned)b;
		}
	}
	memcpy(headers, out, m * sizeof *out);
	ir_blockmap_free(&map);
	free(seen);
	free(out);
	return m;
}

/* A loop header of a tier-0 function that may enter OSR: its counting
 * block (its terminator still to build), the header, whether its count
 * reached the trigger, its block number. */
struct osr_header {
	LLVMBasicBlockRef lb, hb;
	LLVMValueRef due;
	unsigned id;
	LLVMValueRef *live; /* what it passes besides the allocas (ir_osr_live_ins) */
	unsigned nlive;
};

/* The OSR entry of f (function number fn). Each counting block that is
 * due puts in the frame what its header's code needs besides the static
 * allocas (ir_osr_live_ins), asks prof_osr for the code, and goes on to
 * the header without; with, to the one block that enters the code (its
 * frame: the static allocas first) and returns what it returns. No
 * header is reached from another's counting block: a value clang's
 * unoptimized code keeps in a register from one block to the next (a
 * variable-length array's address and size) would no longer dominate its
 * uses in a loop after it, were a header reached from an earlier loop's
 * (a switch over the headers from one shared block did that, and the
 * tier-0 program did not verify). */
static void osr_entry(struct ir *ir, LLVMValueRef f, unsigned fn, LLVMValueRef frame,
		      LLVMValueRef *allocas, unsigned nalloca, LLVMValueRef prev,
		      LLVMValueRef entered, const struct osr_header *h, unsigned n)
{
	LLVMContextRef ctx = ir->j->ctx;
	LLVMTypeRef fty = LLVMGlobalGetValueType(f);
	unsigned np;
	LLVMValueRef *args = params_of(f, 1, &np);
	LLVMTypeRef *types = malloc((np + 1) * sizeof *types);
	if (!args || !types) { /* no OSR after all */
		for (unsigned k = 0; k < n; k++) {
			LLVMPositionBuilderAtEnd(ir->b, h[k].lb);
			LLVMBuildBr(ir->b, h[k].hb);
		}
		free(args);
		free(types);
		return;
	}
	LLVMBasicBlockRef og = LLVMAppendBasicBlockInContext(ctx, f, "bf.osr.enter");
	LLVMPositionBuilderAtEnd(ir->b, og);
	LLVMValueRef code = LLVMBuildPhi(ir->b, ir->ptr, "");
	LLVMTypeRef oargs[2] = {ir->i32, ir->i32};
	LLVMTypeRef oty = LLVMFunctionType(ir->ptr, oargs, 2, 0);
	for (unsigned k = 0; k < n; k++) {
		LLVMBasicBlockRef ask = LLVMAppendBasicBlockInContext(ctx, f, "bf.osr");
		LLVMPositionBuilderAtEnd(ir->b, h[k].lb);
		LLVMBuildCondBr(ir->b, h[k].due, ask, h[k].hb);
		LLVMPositionBuilderAtEnd(ir->b, ask);
		for (unsigned v = 0; v < h[k].nlive; v++) {
			LLVMValueRef idx = c64(ir, nalloca + v);
			store(ir, h[k].live[v], LLVMBuildGEP2(ir->b, ir->ptr, frame, &idx, 1, ""));
		}
		LLVMValueRef ov[2] = {LLVMConstInt(ir->i32, fn, 0),
				      LLVMConstInt(ir->i32, h[k].id, 0)};
		LLVMValueRef c =
		    LLVMBuildCall2(ir->b, oty, const_addr(ir, ir->j->probes.osr), ov, 2, "");
		LLVMBuildCondBr(ir->b, LLVMBuildIsNull(ir->b, c, ""), h[k].hb, og);
		LLVMAddIncoming(code, &c, &ask, 1);
	}
	LLVMPositionBuilderAtEnd(ir->b, og);
	for (unsigned a = 0; a < nalloca; a++) {
		LLVMValueRef idx = c64(ir, a);
		store(ir, allocas[a], LLVMBuildGEP2(ir->b, ir->ptr, frame, &idx, 1, ""));
	}
	LLVMGetParamTypes(fty, types);
	types[np] = ir->ptr;
	args[np] = frame;
	LLVMTypeRef cty = LLVMFunctionType(LLVMGetReturnType(fty), types, np + 1, 0);
	LLVMValueRef before = prev ? cycles_so_far(ir, fn) : NULL;
	LLVMValueRef r = LLVMBuildCall2(ir->b, cty, code, args, np + 1, "");
	LLVMSetInstructionCallConv(r, LLVMGetFunctionCallConv(f)); /* as osr.c's */
	ir_copy_param_attrs(f, r, true);
	free(args);
	free(types);
	if (prev) { /* another thread may have moved the stamp: never below 0 */
		LLVMValueRef after = cycles_so_far(ir, fn);
		LLVMValueRef in_osr =
		    LLVMBuildSelect(ir->b, LLVMBuildICmp(ir->b, LLVMIntUGT, after, before, ""),
				    LLVMBuildSub(ir->b, after, before, ""), c64(ir, 0), "");
		bump(ir, FIELD(ir, fn, osr_cycles), in_osr);
		time_leave(ir, fn, prev, entered);
	}
	build_ret(ir, fty, r);
}

struct how {
	int tier;
	bool managed; /* has a slot: redispatch after prof_hot */
	bool trigger; /* calls prof_hot */
	bool counted; /* counts calls and cycles */
	bool values;
	bool osr; /* loop headers may call prof_osr */
};

/* For each of f's nh loop headers (block numbers in blocks, f's blocks
 * in order), what OSR code entering there needs besides the frame's
 * allocas, in live[h] (NULL: nothing), their count in nlive[h] (0 where
 * one cannot go in a slot: the OSR code is refused then), the most of
 * them in *most; NULL without memory. */
static LLVMValueRef **osr_live_ins(LLVMBasicBlockRef *blocks, unsigned nb, const unsigned *headers,
				   unsigned nh, unsigned **nlive, unsigned *most)
{
	struct ir_osr o = {0};
	LLVMValueRef **live = calloc(nh, sizeof *live), *buf = NULL;
	*nlive = calloc(nh, sizeof **nlive);
	*most = 0;
	bool ok = live && *nlive && ir_osr_open(&o, blocks, nb);
	if (ok && o.ncands && !(buf = malloc(o.ncands * sizeof *buf)))
		ok = false;
	for (unsigned h = 0; ok && o.ncands && h < nh; h++) {
		bool fit;
		long n = ir_osr_live_ins(&o, headers[h], buf, &fit);
		if (n < 0 || (n > 0 && fit && !(live[h] = malloc((size_t)n * sizeof *buf)))) {
			ok = false;
			break;
		}
		if (n <= 0 || !fit)
			continue;
		memcpy(live[h], buf, (size_t)n * sizeof *buf);
		(*nlive)[h] = (unsigned)n;
		if ((unsigned)n > *most)
			*most = (unsigned)n;
	}
	free(buf);
	ir_osr_close(&o);
	if (ok)
		return live;
	for (unsigned h = 0; live && h < nh; h++)
		free(live[h]);
	free(live);
	free(*nlive);
	*nlive = NULL;
	return NULL;
}

/* Instrument f, function number fn, before any optimization. */
static void instrument(struct ir *ir, LLVMValueRef f, unsigned fn, const struct jit_fn *d,
		       const struct how *how)
{
	LLVMContextRef ctx = ir->j->ctx;
	unsigned nb, nh = 0, nret = 0, nalloca = 0;
	LLVMBasicBlockRef *blocks = ir_blocks(f, &nb);
	unsigned *headers = malloc((nb + 1) * sizeof *headers);
	LLVMValueRef *rets = malloc((nb + 1) * sizeof *rets);
	LLVMValueRef *allocas = NULL, **live = NULL;
	unsigned *nlive = NULL, nslots = 0;
	if (!blocks || !headers || !rets || !nb)
		goto out;
	if (how->tier == 0)
		nh = ir_loop_headers(blocks, nb, headers);
	if (how->osr && d->labels == IR_LABELS_JUMP)
		nh = dispatch_targets(blocks, nb, headers, nh);
	for (unsigned i = 0; i < nb; i++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(blocks[i]);
		if (t && LLVMGetInstructionOpcode(t) == LLVMRet)
			rets[nret++] = t;
	}
	/* what OSR code entering at each header needs of the call, found
	 * before anything here changes the blocks */
	bool osr = how->osr && nh && !ir_calls_returns_twice(f) &&
		   (live = osr_live_ins(blocks, nb, headers, nh, &nlive, &nslots));
	LLVMBasicBlockRef old = blocks[0];
	for (LLVMValueRef i = LLVMGetFirstInstruction(old); i; i = LLVMGetNextInstruction(i))
		nalloca += ir_is_static_alloca(i);
	allocas = malloc((nalloca + 1) * sizeof *allocas);
	if (!allocas)
		goto out;

	/* A new entry block; the old one's static allocas move into it, so
	 * that they stay static (and promotable). */
	LLVMBasicBlockRef entry = LLVMInsertBasicBlockInContext(ctx, old, "bf.entry");
	LLVMPositionBuilderAtEnd(ir->b, entry);
	nalloca = 0;
	for (LLVMValueRef i = LLVMGetFirstInstruction(old), next; i; i = next) {
		next = LLVMGetNextInstruction(i);
		if (ir_is_static_alloca(i)) {
			LLVMInstructionRemoveFromParent(i);
			LLVMInsertIntoBuilder(ir->b, i);
			allocas[nalloca++] = i;
		}
	}
	LLVMValueRef frame = NULL;
	if (osr && nalloca + nslots)
		frame = LLVMBuildAlloca(ir->b, LLVMArrayType2(ir->ptr, nalloca + nslots), "bf.frame");
	else if (osr)
		frame = LLVMConstNull(ir->ptr);

	LLVMValueRef hot = how->counted ? count_entry(ir, fn, how->trigger) : NULL;
	LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(ctx, f, "bf.go");
	if (hot) {
		LLVMBasicBlockRef hb = LLVMAppendBasicBlockInContext(ctx, f, "bf.hot");
		LLVMBuildCondBr(ir->b, hot, hb, go);
		LLVMPositionBuilderAtEnd(ir->b, hb);
		call_probe(ir, ir->j->probes.hot, fn);
		if (how->managed) /* the new version, if any */
			call_on(ir, f, slot_load(ir, fn), how->tier > 0);
		else
			LLVMBuildBr(ir->b, go);
	} else {
		LLVMBuildBr(ir->b, go);
	}
	LLVMPositionBuilderAtEnd(ir->b, go);
	if (how->values)
		profile_args(ir, fn, f, d);
	bool timed = how->counted && !(how->tier == 0 && d->untimed);
	LLVMValueRef entered = NULL;
	LLVMValueRef prev = timed ? time_enter(ir, fn, &entered) : NULL;
	if (how->tier != 0)
		entered = NULL; /* inclusive cycles are tier 0's */
	LLVMBuildBr(ir->b, old);
	for (unsigned r = 0; r < nret && prev; r++) {
		LLVMPositionBuilderBefore(ir->b, rets[r]);
		time_leave(ir, fn, prev, entered);
	}

	/* Loop headers. One whose first instructions are phis (not what clang
	 * emits unoptimized) only counts; the others can enter OSR: each asks
	 * prof_osr in a small block of its own, and all enter the code through
	 * one block per function (osr_entry; a block per header that entered
	 * it made tier 0's code, and its compile, larger). */
	struct osr_header *oh = malloc((nh + 1) * sizeof *oh);
	unsigned nosr = 0;
	if (!oh)
		osr = false;
	for (unsigned h = 0; h < nh; h++) {
		LLVMBasicBlockRef hb = blocks[headers[h]];
		bool indirect = d->labels != IR_LABELS_NONE && indirect_target(f, hb);
		if (LLVMIsAPHINode(LLVMGetFirstInstruction(hb)) ||
		    (indirect && !(osr && d->labels == IR_LABELS_JUMP))) {
			count_at(ir, hb, fn);
			continue;
		}
		LLVMBasicBlockRef lb = LLVMInsertBasicBlockInContext(ctx, hb, "bf.loop");
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
			unsigned ns = t && bb != lb ? LLVMGetNumSuccessors(t) : 0;
			for (unsigned s = 0; s < ns; s++)
				if (LLVMGetSuccessor(t, s) == hb)
					LLVMSetSuccessor(t, s, lb);
		}
		/* a computed goto's target: the jumps through its address come
		 * to lb too (an interpreter's handlers, its only loop headers) */
		if (indirect)
			LLVMReplaceAllUsesWith(LLVMBlockAddress(f, hb), LLVMBlockAddress(f, lb));
		LLVMPositionBuilderAtEnd(ir->b, lb);
		LLVMValueRef n = bump(ir, FIELD(ir, fn, loops), c64(ir, 1));
		if (!osr) {
			LLVMBuildBr(ir->b, hb);
			continue;
		}
		LLVMValueRef due = LLVMBuildICmp(ir->b, LLVMIntUGE, n,
						 load(ir, ir->i64, FIELD(ir, fn, osr_trigger)), "");
		oh[nosr++] = (struct osr_header){lb, hb, due, headers[h], live[h], nlive[h]};
	}
	if (nosr)
		osr_entry(ir, f, fn, frame, allocas, nalloca, prev, entered, oh, nosr);
	free(oh);
out:
	for (unsigned h = 0; live && h < nh; h++)
		free(live[h]);
	free(live);
	free(nlive);
	free(blocks);
	free(headers);
	free(rets);
	free(allocas);
}

/* After optimizing: count loop iterations in f's loop headers. */
static void count_loops(struct ir *ir, LLVMValueRef f, unsigned fn)
{
	unsigned nb;
	LLVMBasicBlockRef *blocks = ir_blocks(f, &nb);
	unsigned *headers = malloc((nb + 1) * sizeof *headers);
	if (blocks && headers && nb) {
		unsigned nh = ir_loop_headers(blocks, nb, headers);
		for (unsigned h = 0; h < nh; h++)
			count_at(ir, blocks[headers[h]], fn);
	}
	free(blocks);
	free(headers);
}

/* A version's module, checked here unless it goes to the compile server,
 * which refuses one that does not verify as this does (remote.c; and a
 * module sent back to compile here after all is checked then). */
static int verify_unless_sent(struct jit *j, LLVMModuleRef m, const char *what)
{
	return jit_remote_usable(j, m) ? 0 : jit_verify(j, m, what);
}

/* ---- tier 0 ---- */

/* Each managed function's slot starts with its tier-0 body; the entry's
 * address. */
static int fill_slots(struct jit *j, const struct jit_probes *p, const char *entry, void **addr)
{
	char name[600];
	int err;
	for (size_t i = 0; i < j->nfns; i++) {
		if (!j->fns[i].managed)
			continue;
		void *code;
		snprintf(name, sizeof name, "%s.bf0", j->syms[i]);
		if ((err = jit_lookup(j, name, &code)))
			return err;
		*(void **)((char *)p->fns + (i + 1) * p->fn_size + offsetof(struct prof_fn, code)) =
		    code;
	}
	return jit_lookup(j, entry, addr);
}

int jit_tier0_part(struct jit *j, size_t lo, size_t hi, bool defines_data, bool in_place,
		   LLVMModuleRef *mp)
{
	char name[600];
	LLVMModuleRef m;
	if (in_place && lo == 0 && hi == j->nfns) {
		m = j->module; /* the caller's now */
		j->module = NULL;
	} else {
		/* The other part's bodies are set aside while the copy is
		 * made: copied, each would only be deleted (the copy of a
		 * compressor's 836 functions took 90 ms). In the copy they are
		 * declarations under their names: a managed one's is its
		 * stub's, an unmanaged one's the other part defines. */
		struct ir_aside *aside = malloc((j->nfns + 1) * sizeof *aside);
		size_t na = 0;
		bool taken = aside;
		for (size_t i = 0; taken && i < j->nfns; i++)
			if ((i < lo || i >= hi) && (taken = ir_take_aside(j->defs[i], &aside[na])))
				na++;
		if (!taken) {
			ir_put_back(aside, na);
			free(aside);
			return jit_out_of_memory(j);
		}
		m = ir_clone(j->module);
		ir_put_back(aside, na);
		free(aside);
	}
	struct ir ir;
	ir_open(&ir, j, m);
	ir.fast_isel = !j->tier0_any_cpu; /* the host's tier 0 for a guest is optimized */
	for (size_t i = 0; i < j->nfns; i++) {
		const struct jit_fn *d = &j->fns[i];
		LLVMValueRef f = LLVMGetNamedFunction(m, j->syms[i]);
		if (i < lo || i >= hi) {
			/* set aside: a declaration, which may have no personality
			 * and no metadata (a profile's entry count, !prof) */
			if (LLVMHasPersonalityFn(f))
				LLVMSetPersonalityFn(f, NULL);
			LLVMGlobalClearMetadata(f);
			continue;
		}
		struct how how = {.tier = 0,
				  .managed = d->managed,
				  .trigger = true,
				  .counted = true,
				  .values = d->managed,
				  /* none where its frame holds label addresses */
				  .osr = d->managed && d->labels != IR_LABELS_FRAME};
		instrument(&ir, f, (unsigned)i + 1, d, &how);
		if (!d->managed)
			continue;
		/* The stub takes the function's name and every use of it:
		 * calls, and its address wherever it is taken. */
		LLVMTypeRef fty = LLVMGlobalGetValueType(f);
		LLVMValueRef decl = LLVMAddFunction(m, "bf.stub", fty);
		ir_copy_param_attrs(f, decl, false);
		ir_replace_function(f, decl);
		snprintf(name, sizeof name, "%s.bf0", j->syms[i]);
		LLVMSetValueName2(f, name, strlen(name));
		LLVMSetValueName2(decl, j->syms[i], strlen(j->syms[i]));
	}
	ir_close(&ir);
	if (!defines_data) /* the other part defines them, and lists the constructors */
		ir_variables_elsewhere(m, false);
	jit_function_sections(m);
	int err = jit_verify(j, m, "the tier-0 program");
	if (err)
		LLVMDisposeModule(m);
	else
		*mp = m;
	return err;
}

/* Where tier 0 is split for the helper (jit_helper_go): the first function
 * of its part, at which the functions before it hold half of the
 * program's instructions; 0 if the smaller part would hold less than a
 * quarter of them (one function much larger than the rest: a generated
 * state machine), where a split would save little of the compile: the
 * helper then compiles all of it. */
static size_t helper_split(const struct jit *j)
{
	unsigned long total = 0, sum = 0;
	for (size_t i = 0; i < j->nfns; i++)
		total += j->fns[i].size;
	size_t split = 0;
	while (split < j->nfns && 2 * (sum + j->fns[split].size) <= total)
		sum += j->fns[split++].size;
	if (split < j->nfns && 2 * (sum + j->fns[split].size) - total < total - 2 * sum)
		sum += j->fns[split++].size; /* the nearer to half */
	unsigned long small = sum < total - sum ? sum : total - sum;
	return split > 0 && split < j->nfns && 4 * small >= total ? split : 0;
}

/* The function (jit_fn index) whose body holds instruction i, or -1. */
static long function_of(const struct jit *j, LLVMValueRef i)
{
	LLVMBasicBlockRef bb = LLVMIsAInstruction(i) ? LLVMGetInstructionParent(i) : NULL;
	return bb ? jit_def_index(j, LLVMGetBasicBlockParent(bb)) : -1;
}

/* A use of a variable by user: counted for the part of its function. */
static void count_use(const struct jit *j, LLVMValueRef user, size_t split, unsigned long *uses)
{
	long f = function_of(j, user);
	if (f >= 0)
		uses[(size_t)f >= split]++;
}

/* Whether the functions from split on use the program's variables more
 * often than those before it: then their part defines the variables, and
 * reaches them directly, where the other part goes through the linker's
 * table of addresses (a state machine updating 24 variables 1500 times a
 * call ran its tier-0 code 45% slower so). Uses in a constant expression
 * count as its users'. */
static bool data_after(const struct jit *j, size_t split)
{
	unsigned long uses[2] = {0, 0}; /* before split, from it on */
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g))
		for (LLVMUseRef u = LLVMGetFirstUse(g); u; u = LLVMGetNextUse(u)) {
			LLVMValueRef user = LLVMGetUser(u);
			if (!LLVMIsAConstantExpr(user))
				count_use(j, user, split, uses);
			else
				for (LLVMUseRef v = LLVMGetFirstUse(user); v; v = LLVMGetNextUse(v))
					count_use(j, LLVMGetUser(v), split, uses);
		}
	return uses[1] > uses[0];
}

/* Tier 0's functions [lo, hi) compiled and linked here. */
static int compile_part(struct jit *j, size_t lo, size_t hi, bool defines_data)
{
	LLVMModuleRef m;
	int err = jit_tier0_part(j, lo, hi, defines_data, false, &m);
	return err ? err : jit_emit(j, m, -1, 0, j->tier0_any_cpu ? JIT_TIER0_FILE_PASSES : NULL);
}

int jit_compile_tier0(struct jit *j, const struct jit_probes *p, const char *entry, void **addr)
{
	j->probes = *p;
	int err = jit_define_probes(j, p);
	if (!err)
		err = jit_define_stubs(j, p);
	if (err)
		return err;
	/* The second half on the helper's thread, if it is there (helper.c).
	 * Where one function holds most of the program, the helper's whole:
	 * its program is its own to instrument, where this jit's must stay
	 * as read for the tiers, and be copied first (a generated Petri net,
	 * one function of 29,000 instructions: 40 ms of a 130 ms start). */
	size_t split = j->helper ? helper_split(j) : 0;
	bool data_there = !split || data_after(j, split);
	const char *why = !j->helper ? "no helper (one CPU, or none could start)" : NULL;
	if (!j->helper || !j->nfns || !jit_helper_go(j, split, data_there, &why)) {
		jit_helper_cancel(j);
		split = j->nfns, data_there = false;
	}
	size_t first = j->nobjs;
	bool whole = split == 0 && j->nfns; /* the helper's */
	if (!whole && (err = compile_part(j, 0, split, !data_there)))
		goto out;
	if (split < j->nfns) {
		LLVMMemoryBufferRef obj;
		uint64_t ns;
		if (jit_helper_wait(j, &obj, &ns, &why)) {
			/* the work, not the wall time: the cost model learns
			 * from it what a compile costs (and, from the tier-0
			 * file's, what it costs a guest) */
			j->stats.codegen_ns += ns;
			err = jit_link_object(j, obj);
			if (!whole)
				snprintf(
				    j->tier0_how, sizeof j->tier0_how,
				    "in two parts at once: %zu function%s here, %zu on another "
				    "thread%s",
				    split, split == 1 ? "" : "s", j->nfns - split,
				    data_there ? " (its part defines the variables)" : "");
			else
				snprintf(j->tier0_how, sizeof j->tier0_how,
					 "on another thread, whole: one function holds most of "
					 "the program");
		} else {
			err = compile_part(j, split, j->nfns, data_there);
		}
		split = j->nfns;
	}
out:
	if (split < j->nfns) /* the helper's part is not wanted any more */
		jit_helper_wait(j, NULL, NULL, NULL);
	if (err)
		return err;
	if (why)
		snprintf(j->tier0_how, sizeof j->tier0_how, "on one thread: %s", why);
	j->tier0_first = (unsigned)first, j->tier0_n = (unsigned)(j->nobjs - first);
	return fill_slots(j, p, entry, addr);
}

const char *jit_tier0_how(const struct jit *j)
{
	return j->tier0_how;
}

int jit_load_tier0(struct jit *j, const struct jit_probes *p, const void *const *objs,
		   const size_t *sizes, unsigned n, const char *entry, void **addr)
{
	uint64_t t0 = rt_now_ns();
	j->probes = *p;
	int err = jit_define_probes(j, p);
	if (!err)
		err = jit_define_stubs(j, p);
	if (err)
		return err;
	struct jit_mark m = jit_mark(j);
	size_t first = j->nobjs;
	for (unsigned k = 0; k < n && !err; k++)
		err = jit_add_object(j, objs[k], sizes[k]);
	if (!err) {
		j->tier0_first = (unsigned)first, j->tier0_n = (unsigned)(j->nobjs - first);
		err = fill_slots(j, p, entry, addr);
		j->tier0_loaded = !err;
	}
	if (err) { /* as if never tried: tier 0 can still be compiled */
		char why[sizeof j->err];
		memcpy(why, j->err, sizeof why);
		jit_rollback(j, m);
		j->tier0_n = 0;
		memcpy(j->err, why, sizeof why);
	}
	j->stats.codegen_ns += rt_now_ns() - t0; /* linking, as after a compile */
	return err;
}

bool jit_tier0_objects(const struct jit *j, unsigned *first, unsigned *n)
{
	*first = j->tier0_first, *n = j->tier0_n;
	return j->keep && j->tier0_n;
}

/* ---- one function's new version ---- */

/* In from's body, calls to stubs[k] (a function's old name) call tos[k]
 * instead, for each k < n but skip (none if skip >= n), in one walk. So a
 * generic version's recursive calls call the version itself: the
 * optimizer can then inline and unroll the recursion as it would ahead of
 * time (a recursion that began in one version stays in it; calls from
 * elsewhere take the slot); and the versions of a batch, and the copies
 * offered them (private or available_externally), call the batch's entries
 * (a generic version, or a specialization's guard), which they can inline.
 * (Never a specialized clone itself, which other values must not reach.) */
static void call_directly(LLVMValueRef from, const LLVMValueRef *stubs, const LLVMValueRef *tos,
			  size_t n, size_t skip)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(from); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			if (!LLVMIsACallInst(i))
				continue;
			LLVMValueRef callee = LLVMGetCalledValue(i);
			for (size_t k = 0; k < n; k++)
				if (k != skip && stubs[k] && callee == stubs[k]) {
					LLVMSetOperand(i, (unsigned)LLVMGetNumOperands(i) - 1, tos[k]);
					break;
				}
		}
}

/* Check, optimize at opt (only the versions are emitted) and link m. */
static int finish_versions(struct jit *j, LLVMModuleRef m, const char *what, int opt,
			   unsigned char *calls)
{
	int err = verify_unless_sent(j, m, what);
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	return jit_emit_seen(j, m, opt, opt, "globaldce", calls ? what : NULL, calls);
}

/* The function of m the program's pointer bits names (its stub), as the
 * program has its address: declared, or offered to inline (not a private
 * copy, whose address is its own; one never has its address taken). */
static LLVMValueRef function_at(struct ir *ir, uint64_t bits)
{
	long fn = jit_function_at(ir->j, bits);
	LLVMValueRef f = fn >= 0 ? LLVMGetNamedFunction(ir->m, ir->j->syms[fn]) : NULL;
	if (!f)
		return NULL;
	LLVMLinkage l = LLVMGetLinkage(f);
	return l == LLVMExternalLinkage || l == LLVMAvailableExternallyLinkage ? f : NULL;
}

/* The constant an argument of type t is specialized on, from its bits. A
 * pointer into one of the program's variables becomes that variable plus
 * an offset, so that the optimizer knows the object (its constant
 * contents, that it aliases no other); one to a function, that function,
 * so that calls through it are direct, and may be inlined (a callback
 * passed from another file, which clang cannot inline); others stay bare
 * addresses. */
static LLVMValueRef spec_constant(struct ir *ir, LLVMTypeRef t, int64_t bits)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMPointerTypeKind: {
		uint64_t off;
		LLVMValueRef g = jit_variable_at(ir->j, ir->m, (uint64_t)bits, &off);
		if (!g && (g = function_at(ir, (uint64_t)bits)))
			return g;
		if (!g)
			return LLVMConstIntToPtr(c64(ir, (uint64_t)bits), t);
		LLVMValueRef idx = c64(ir, off);
		return off ? LLVMConstGEP2(ir->i8, g, &idx, 1) : g;
	}
	case LLVMFloatTypeKind:
		return LLVMConstBitCast(LLVMConstInt(ir->i32, (uint64_t)bits & 0xffffffffu, 0), t);
	case LLVMDoubleTypeKind:
		return LLVMConstBitCast(c64(ir, (uint64_t)bits), t);
	default:
		return LLVMConstInt(t, (unsigned long long)bits, 1);
	}
}

/* The specialized clone: body's specialized parameters replaced by their
 * values. */
static void specialize_body(struct ir *ir, const struct jit_request *r, LLVMValueRef body)
{
	for (unsigned k = 0; k < r->nspec; k++) {
		LLVMValueRef p = LLVMGetParam(body, r->spec_arg[k]);
		LLVMReplaceAllUsesWith(p, spec_constant(ir, LLVMTypeOf(p), r->spec_value[k]));
	}
}

/* In front of the specialized clone body (made internal, so that it is
 * inlined into the guard and generated once), a guard named gname that
 * sends other values, and pointers whose ranges e overlap, to the code in
 * the function's fallback field (generic code); when misses reach the
 * function's miss_trigger, the guard calls the miss probe (which may
 * replace it or its fallback) and goes through the slot again. */
static void build_guard(struct ir *ir, const struct jit_request *r, LLVMValueRef body,
			const struct jit_extents *e, const char *gname)
{
	struct jit *j = ir->j;
	unsigned fn = r->fn + 1;
	LLVMSetLinkage(body, LLVMInternalLinkage);
	LLVMValueRef guard = LLVMAddFunction(ir->m, gname, LLVMGlobalGetValueType(body));
	ir_copy_param_attrs(body, guard, false);
	for (unsigned k = 0; k < e->n; k++) /* the guard's callers promise nothing */
		LLVMRemoveEnumAttributeAtIndex(guard, e->arg[k] + 1,
					       LLVMGetEnumAttributeKindForName("noalias", 7));
	LLVMBasicBlockRef eb = LLVMAppendBasicBlockInContext(j->ctx, guard, "");
	LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(j->ctx, guard, "same");
	LLVMBasicBlockRef no = LLVMAppendBasicBlockInContext(j->ctx, guard, "other");
	LLVMPositionBuilderAtEnd(ir->b, eb);
	LLVMValueRef all = jit_apart(ir, guard, e);
	for (unsigned k = 0; k < r->nspec; k++) {
		LLVMValueRef p = LLVMGetParam(guard, r->spec_arg[k]);
		LLVMValueRef want = spec_constant(ir, LLVMTypeOf(p), r->spec_value[k]);
		/* the guard compares bits: a float's -0.0 or NaN is its own value;
		 * a pointer into a variable, or to a function, is compared with
		 * the variable's (the stub's) address as linked (the same code in
		 * a later run, from the code cache, then compares with that
		 * run's address) */
		LLVMValueRef bits = LLVMGetTypeKind(LLVMTypeOf(p)) == LLVMPointerTypeKind
					? LLVMConstPtrToInt(want, ir->i64)
					: c64(ir, (uint64_t)r->spec_value[k]);
		LLVMValueRef eq = LLVMBuildICmp(ir->b, LLVMIntEQ, ir_bits(ir, p), bits, "");
		all = LLVMBuildAnd(ir->b, all, eq, "");
	}
	LLVMBuildCondBr(ir->b, all, yes, no);
	LLVMPositionBuilderAtEnd(ir->b, yes);
	if (!r->counted) /* the clone counts nothing: the guard counts its calls */
		bump(ir, FIELD(ir, fn, calls), c64(ir, 1));
	tail_call(ir, guard, body);
	LLVMPositionBuilderAtEnd(ir->b, no);
	LLVMValueRef misses = bump(ir, FIELD(ir, fn, guard_misses), c64(ir, 1));
	LLVMValueRef due = LLVMBuildICmp(ir->b, LLVMIntUGE, misses,
					 load(ir, ir->i64, FIELD(ir, fn, miss_trigger)), "");
	LLVMBasicBlockRef hot = LLVMAppendBasicBlockInContext(j->ctx, guard, "hot");
	LLVMBasicBlockRef cold = LLVMAppendBasicBlockInContext(j->ctx, guard, "generic");
	LLVMBuildCondBr(ir->b, due, hot, cold);
	LLVMPositionBuilderAtEnd(ir->b, hot);
	call_probe(ir, j->probes.miss, fn);
	/* through the slot if the probe replaced this guard; if not, straight
	 * to the fallback, or the miss would be counted twice */
	LLVMValueRef now = slot_load(ir, fn);
	LLVMBasicBlockRef moved = LLVMAppendBasicBlockInContext(j->ctx, guard, "replaced");
	LLVMBuildCondBr(ir->b, LLVMBuildICmp(ir->b, LLVMIntEQ, now, guard, ""), cold, moved);
	LLVMPositionBuilderAtEnd(ir->b, moved);
	tail_call(ir, guard, now);
	LLVMPositionBuilderAtEnd(ir->b, cold);
	LLVMValueRef fallback = load(ir, ir->ptr, FIELD(ir, fn, fallback));
	LLVMSetOrdering(fallback, LLVMAtomicOrderingAcquire);
	tail_call(ir, guard, fallback);
}

/* The names of r's version (v numbers it): the function's body, and the
 * entry to put in the slot (the same, or the body's guard). */
struct version_names {
	char body[600], entry[600];
};

static void name_version(struct jit *j, const struct jit_request *r, unsigned v,
			 struct version_names *n)
{
	const char *sym = j->syms[r->fn];
	if (r->tier == 2 && r->nspec) {
		snprintf(n->body, sizeof n->body, "%s.bf2s.v%u", sym, v);
		snprintf(n->entry, sizeof n->entry, "%s.bf2g.v%u", sym, v);
	} else {
		snprintf(n->body, sizeof n->body, "%s.bf%d.v%u", sym, r->tier, v);
		snprintf(n->entry, sizeof n->entry, "%s", n->body);
	}
}

/* r's version in its module: body instrumented as r asks, behind a guard
 * if specialized (its parameters already replaced, specialize_body, and
 * its pointers' ranges in e). */
static void build_version(struct ir *ir, const struct jit_request *r, LLVMValueRef body,
			  const struct jit_extents *e, const struct version_names *n)
{
	struct jit *j = ir->j;
	bool profiled = r->tier == 1 || r->profiled;
	struct how how = {.tier = r->tier,
			  .managed = true,
			  .trigger = profiled || r->counted,
			  .counted = profiled || r->counted,
			  .values = profiled};
	if (r->tier == 2 && r->nspec) {
		how.trigger = how.counted = r->counted, how.values = false;
		instrument(ir, body, r->fn + 1, &j->fns[r->fn], &how);
		build_guard(ir, r, body, e, n->entry);
		return;
	}
	LLVMValueRef stub = LLVMGetNamedFunction(ir->m, j->syms[r->fn]);
	call_directly(body, &stub, &body, 1, SIZE_MAX);
	instrument(ir, body, r->fn + 1, &j->fns[r->fn], &how);
}

int jit_emit_quick(struct jit *j, LLVMModuleRef m, const char *name, unsigned char *calls)
{
	ir_inline_small(m, LLVMGetNamedFunction(m, name), JIT_TIER1_INLINE_MAX);
	return jit_emit_seen(j, m, -1, JIT_TIER1_LEVEL, JIT_TIER1_PASSES, calls ? name : NULL,
			     calls);
}

/* Tier 1: loop counters in the function's own loops (before anything is
 * inlined into it: a helper's loops are not its loops), then the quick
 * tier's compile (jit_emit_quick). */
static int finish_tier1(struct ir *ir, const struct jit_request *r, const char *name, void **addr,
			unsigned char *calls)
{
	struct jit *j = ir->j;
	LLVMValueRef own = LLVMGetNamedFunction(ir->m, name);
	if (own)
		count_loops(ir, own, r->fn + 1);
	int err = verify_unless_sent(j, ir->m, name);
	if (err) {
		LLVMDisposeModule(ir->m);
		return err;
	}
	if ((err = jit_emit_quick(j, ir->m, name, calls)))
		return err;
	return jit_lookup(j, name, addr);
}

/* The buffer a version's calls are marked in, cleared (NULL when out of
 * memory: not known then). */
static unsigned char *version_calls(struct jit *j)
{
	if (!j->vcalls)
		j->vcalls = malloc(j->nfns + 1);
	if (j->vcalls)
		memset(j->vcalls, 0, j->nfns + 1);
	return j->vcalls;
}

const unsigned char *jit_version_calls(const struct jit *j)
{
	return j->vcalls_known ? j->vcalls : NULL;
}

static int compile_versions(struct jit *j, const struct jit_request *r, size_t n, void **addrs)
{
	struct version_names *names = calloc(n, sizeof *names);
	char **body_names = calloc(n, sizeof *body_names);
	unsigned *fns = calloc(n, sizeof *fns);
	LLVMValueRef *bodies = calloc(n, sizeof *bodies);
	struct jit_extents *exts = calloc(n, sizeof *exts);
	unsigned char *was = calloc(n, 1); /* each function's jit_compiled before */
	LLVMValueRef *stubs = calloc(2 * n, sizeof *stubs); /* and the entries after them */
	LLVMValueRef *named = calloc(n * JIT_MAX_ARGS, sizeof *named); /* by specializations */
	size_t marked = 0; /* of r, marked compiled */
	int err = 0;
	j->vcalls_known = false;
	if (!names || !body_names || !fns || !bodies || !exts || !was || !stubs || !named) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		fns[i] = r[i].fn;
		was[i] = j->compiled[r[i].fn];
		j->compiled[r[i].fn] = JIT_COMPILED;
		marked++;
		name_version(j, &r[i], j->serial++, &names[i]);
		body_names[i] = names[i].body;
	}
	/* the functions and variables specializations will name (spec_constant) */
	size_t nnamed = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; r[i].tier == 2 && k < r[i].nspec; k++) {
			if (j->fns[r[i].fn].arg_kind[r[i].spec_arg[k]] != JIT_ARG_PTR)
				continue;
			uint64_t addr = (uint64_t)r[i].spec_value[k], off;
			long f = jit_function_at(j, addr);
			LLVMValueRef v = f >= 0 ? j->defs[f] : jit_variable_at(j, j->module, addr, &off);
			if (v)
				named[nnamed++] = v;
		}
	struct ir ir;
	ir_open(&ir, j, ir_versions_module(j, fns, n, body_names, bodies, named, nnamed));
	bool pairs = false;
	for (size_t i = 0; i < n; i++) {
		if (r[i].tier == 2 && r[i].nspec)
			specialize_body(&ir, &r[i], bodies[i]);
		pairs |= jit_has_pointer_pair(&r[i], bodies[i]);
	}
	ir_keep_reached(ir.m, bodies, n);
	if (pairs)
		err = jit_transform(j, &ir.m, -1, JIT_EXTENT_PASSES);
	for (size_t i = 0; pairs && i < n && !err; i++) /* the module may be another now */
		if (!(bodies[i] = LLVMGetNamedFunction(ir.m, body_names[i])))
			err = jit_fail(j, JIT_EINTERNAL, "internal error: %s lost to %s",
				       body_names[i], JIT_EXTENT_PASSES);
	if (err) {
		ir_close(&ir);
		LLVMDisposeModule(ir.m);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		exts[i].n = 0;
		if (pairs && jit_has_pointer_pair(&r[i], bodies[i]))
			jit_no_overlap(&ir, bodies[i], &exts[i]);
		build_version(&ir, &r[i], bodies[i], &exts[i], &names[i]);
	}
	/* to the generic body, or the guard: from the other versions, and
	 * from every copy offered them (a private copy's calls stayed calls
	 * to a slot, never inlined: sha256's schedule, folded into its
	 * compress function, called the 2-instruction rotate that shared
	 * their batch through its slot 4 times a step, and ran at half the
	 * speed of the same code compiled alone) */
	LLVMValueRef *entries = stubs + n;
	for (size_t k = 0; k < n; k++) {
		stubs[k] = LLVMGetNamedFunction(ir.m, j->syms[r[k].fn]);
		entries[k] = LLVMGetNamedFunction(ir.m, names[k].entry);
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(ir.m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		size_t self = 0; /* a version's own calls stay as build_version left them */
		while (self < n && bodies[self] != f)
			self++;
		call_directly(f, stubs, entries, n, self);
	}
	unsigned char *calls = n == 1 ? version_calls(j) : NULL;
	if (r[0].tier == 1)
		err = finish_tier1(&ir, &r[0], names[0].body, &addrs[0], calls);
	else
		err = finish_versions(j, ir.m, names[0].entry, jit_tier_opt(2), calls);
	j->vcalls_known = calls && !err;
	ir_close(&ir);
	for (size_t i = 0; !err && r[0].tier != 1 && i < n; i++)
		err = jit_lookup(j, names[i].entry, &addrs[i]);
	for (size_t i = 0; !err && j->keep && i < n; i++)
		err = jit_made(j, addrs[i], names[i].entry);
out:
	for (size_t i = 0; i < marked; i++) /* a first version, and final; or none yet */
		if (was[i] == JIT_NOT_COMPILED)
			j->compiled[r[i].fn] = err ? JIT_NOT_COMPILED : jit_request_state(&r[i]);
	free(was);
	free(stubs);
	free(named);
	free(names);
	free(body_names);
	free(fns);
	free(bodies);
	free(exts);
	return err;
}

int jit_compile_versions(struct jit *j, const struct jit_request *r, size_t n, void **addrs,
			 uint64_t *ns)
{
	uint64_t t0 = rt_now_ns(), size = 0;
	if (!n || (r[0].tier == 1 && n > 1))
		return jit_fail(j, JIT_EINTERNAL, "internal error: a batch of %zu tier-%d versions",
				n, r[0].tier);
	for (size_t i = 1; i < n; i++)
		if (r[i].tier != r[0].tier || r[i].generic_cpu != r[0].generic_cpu)
			return jit_fail(j, JIT_EINTERNAL, "internal error: a mixed batch");
	j->generic_cpu = r[0].generic_cpu;
	int err = compile_versions(j, r, n, addrs);
	j->generic_cpu = false;
	uint64_t total = rt_now_ns() - t0;
	for (size_t i = 0; i < n; i++)
		size += j->fns[r[i].fn].size;
	for (size_t i = 0; i < n; i++) /* shared by size */
		ns[i] =
		    size ? (uint64_t)((double)total * (double)j->fns[r[i].fn].size / (double)size)
			 : total / n;
	return err;
}

int jit_compile_version(struct jit *j, const struct jit_request *r, void **addr, uint64_t *ns)
{
	return jit_compile_versions(j, r, 1, addr, ns);
}
