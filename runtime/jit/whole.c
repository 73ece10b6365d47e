/*
 * Whole-program facts. The JIT sees every definition of the program at
 * once, which clang compiling one file at a time never does; so, before
 * anything is compiled, the linked program is treated as one unit:
 *
 *   - every definition but main (and a program's own definition of a
 *     library function LLVM knows, such as its own memcpy, which generated
 *     code may call by name: jit_symbol's libcall) becomes internal:
 *     nothing outside the program can
 *     name it, so a variable never written is a constant, an argument that
 *     every call passes alike is that value, and dead code is dropped;
 *   - LLVM's interprocedural passes then turn those facts into IR (global
 *     variables never stored become constants, internal functions with a
 *     single caller are noted so that the caller's optimized versions can
 *     keep them private and inline them as clang would a static function).
 *
 * This runs before definitions are given the external names that the
 * tiers' separate objects use to reach each other (llvm.c's promote), so
 * the facts survive that.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Comdat.h>

#include "internal.h"

/* Whether g is the program's own definition of a library function LLVM
 * may call by itself. */
static bool own_libcall(struct jit *j, LLVMValueRef g)
{
	const struct jit_symbol *s = jit_provided(j, LLVMGetValueName(g));
	return s && s->libcall;
}

/* main, LLVM's own, the program's library functions, and what its
 * assembly names: an inline-assembly template that adds to `counter` by
 * name, or module-level assembly that calls a function of the program,
 * refers to the symbol, which LLVM does not see (an internal variable that
 * only assembly writes would become a constant, and lose its name). */
static bool keep_external(struct jit *j, LLVMValueRef g, const struct ir_asm_names *in_asm)
{
	const char *name = LLVMGetValueName(g);
	return !strcmp(name, "main") || !strncmp(name, "llvm.", 5) || own_libcall(j, g) ||
	       ir_asm_names_has(in_asm->names, in_asm->nnames, name);
}

static void internalize(struct jit *j, LLVMValueRef g, const struct ir_asm_names *in_asm)
{
	if (LLVMIsDeclaration(g))
		return;
	/* A program's own memset, say, whose version is renamed, must not
	 * have its loop turned into a call of memset (its own stub): no
	 * library idioms inside the program's library functions. Not for
	 * the library's inline bodies from its headers (available_externally:
	 * glibc's putchar_unlocked), which a call of the library may replace
	 * harmlessly: LLVM inlines no function so marked into one that is
	 * not, and a filter's loop called them per byte. */
	if (LLVMIsAFunction(g) && own_libcall(j, g) &&
	    LLVMGetLinkage(g) != LLVMAvailableExternallyLinkage)
		LLVMAddTargetDependentFunctionAttr(g, "no-builtins", "");
	if (keep_external(j, g, in_asm))
		return;
	LLVMLinkage l = LLVMGetLinkage(g);
	if (l == LLVMInternalLinkage || l == LLVMPrivateLinkage)
		return;
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetVisibility(g, LLVMDefaultVisibility);
	LLVMSetComdat(g, NULL);
}

/* Whether IPSCCP following variable g would cost much: its stores times
 * its uses (each store revisits every use) over a bound. */
#define IPSCCP_VISITS_MAX 10000
static bool costly_to_follow(LLVMValueRef g)
{
	unsigned long stores = 0, uses = 0;
	for (LLVMUseRef u = LLVMGetFirstUse(g); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		uses++;
		stores += LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == g;
	}
	return stores * uses > IPSCCP_VISITS_MAX;
}

/* A variable made external for IPSCCP, and its linkage before. */
struct hidden {
	LLVMValueRef g;
	LLVMLinkage linkage;
};

/* The variables IPSCCP is not to follow (below): those left variables by
 * globalopt, internal, named and costly to follow, made external until it
 * has run; their number, in *out. */
static size_t hide_costly(LLVMModuleRef m, struct hidden **out)
{
	struct hidden *h = NULL;
	size_t n = 0, cap = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		LLVMLinkage l = LLVMGetLinkage(g);
		size_t len;
		if ((l != LLVMInternalLinkage && l != LLVMPrivateLinkage) || LLVMIsDeclaration(g) ||
		    LLVMIsGlobalConstant(g) || !*LLVMGetValueName2(g, &len) || !costly_to_follow(g))
			continue;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 64;
			struct hidden *more = realloc(h, c * sizeof *more);
			if (!more)
				break; /* out of memory: IPSCCP follows the rest */
			h = more, cap = c;
		}
		h[n++] = (struct hidden){g, l};
		LLVMSetLinkage(g, LLVMExternalLinkage);
	}
	*out = h;
	return n;
}

int jit_whole_program(struct jit *j, const struct ir_asm_names *in_asm)
{
	uint64_t t0 = rt_now_ns();
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g))
		internalize(j, g, in_asm);
	for (LLVMValueRef f = LLVMGetFirstFunction(j->module); f; f = LLVMGetNextFunction(f))
		internalize(j, f, in_asm);
	/* globaldce first: what nothing reaches, before the passes below walk
	 * it (a compression library's 68 files, of which a program uses 52 of
	 * 259 functions: 29.5 ms for these passes before, 9-12 after);
	 * globalopt: never-stored variables become constants (and never-read
	 * ones go), as do those only ever stored their initial value;
	 * ipsccp: constants through arguments and returns; globaldce: what
	 * nothing reaches. Internal functions whose address is not taken may
	 * get the fast calling convention here: every call the tiers build
	 * copies the callee's convention.
	 *
	 * IPSCCP would also follow the value of each internal variable whose
	 * address is not taken, and each store to one revisits every use of
	 * it: a state machine of 1500 guarded updates of 24 int variables
	 * spent 370 ms there before main (clang -O0 compiles the whole file
	 * in 120 ms). So a variable with many stores and uses is external
	 * while it runs: globalopt has made a constant of one stored only its
	 * initial value, and IPSCCP would rarely find one value in so many
	 * stores. (Those with few it still follows: a mode variable set once
	 * through a function's argument, say.) */
	LLVMErrorRef e = jit_run_passes(j->module, j->tm[0], -1, "globaldce,globalopt");
	if (!e) {
		struct hidden *h;
		size_t n = hide_costly(j->module, &h);
		e = jit_run_passes(j->module, j->tm[0], -1, "ipsccp");
		for (size_t k = 0; k < n; k++)
			LLVMSetLinkage(h[k].g, h[k].linkage);
		free(h);
	}
	if (!e)
		e = jit_run_passes(j->module, j->tm[0], -1, "globalopt,globaldce");
	j->stats.optimize_ns += rt_now_ns() - t0;
	if (e) {
		char *msg = LLVMGetErrorMessage(e);
		jit_fail(j, JIT_EINTERNAL, "whole-program optimization failed: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return JIT_EINTERNAL;
	}
	return 0;
}

/* The function whose body holds the one use of f, a direct call; NULL if
 * f has other uses or none. */
static LLVMValueRef single_caller(LLVMValueRef f)
{
	LLVMUseRef u = LLVMGetFirstUse(f);
	if (!u || LLVMGetNextUse(u))
		return NULL;
	LLVMValueRef call = LLVMGetUser(u);
	if (!LLVMIsACallInst(call) || LLVMGetCalledValue(call) != f)
		return NULL;
	LLVMValueRef caller = LLVMGetBasicBlockParent(LLVMGetInstructionParent(call));
	return caller == f ? NULL : caller;
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct jit_def *)a)->f;
	uintptr_t y = (uintptr_t)((const struct jit_def *)b)->f;
	return x < y ? -1 : x > y;
}

/* f's index in the jit_fn list, or -1 if f is not a definition there. */
long jit_def_index(const struct jit *j, LLVMValueRef f)
{
	struct jit_def key = {f, 0};
	const struct jit_def *d =
	    f ? bsearch(&key, j->by_addr, j->nfns, sizeof key, by_address) : NULL;
	return d ? (long)d->index : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct jit_sym *)a)->sym, ((const struct jit_sym *)b)->sym);
}

long jit_fn_by_symbol(const struct jit *j, const char *sym)
{
	struct jit_sym key = {sym, 0};
	const struct jit_sym *d =
	    j->by_sym ? bsearch(&key, j->by_sym, j->nfns, sizeof key, by_name) : NULL;
	return d ? (long)d->index : -1;
}

/* Adds function k (-1: not one of the program's) to d's callees once. */
static bool add_callee(struct jit_fn *d, long k, unsigned *cap)
{
	if (k < 0)
		return true;
	for (unsigned c = 0; c < d->ncallees; c++)
		if (d->callees[c] == (unsigned)k)
			return true;
	if (d->ncallees == *cap) {
		unsigned *more = realloc(d->callees, (*cap = *cap ? 2 * *cap : 4) * sizeof *more);
		if (!more)
			return false;
		d->callees = more;
	}
	d->callees[d->ncallees++] = (unsigned)k;
	return true;
}

/* d's callees: those f calls, then (a second walk) those whose addresses
 * it uses, as arguments or stored. A function f both calls and passes on
 * is listed once, as called: the more it says. */
static bool note_callees(const struct jit *j, LLVMValueRef f, struct jit_fn *d)
{
	unsigned cap = 0;
	free(d->callees);
	d->callees = NULL, d->ncallees = d->ncalled = 0, d->indirect = false;
	for (int pass = 0; pass < 2; pass++) {
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				bool call = LLVMIsACallInst(i);
				LLVMValueRef c = call ? LLVMGetCalledValue(i) : NULL;
				if (pass == 0 && c && !LLVMIsAFunction(c))
					d->indirect |= !LLVMIsAInlineAsm(c);
				else if (pass == 0 && c && !LLVMGetIntrinsicID(c) &&
					 !add_callee(d, jit_def_index(j, c), &cap))
					return false;
				int n = call ? (int)LLVMGetNumArgOperands(i) : LLVMGetNumOperands(i);
				for (int k = 0; pass == 1 && k < n; k++) {
					LLVMValueRef op = LLVMGetOperand(i, (unsigned)k);
					if (op && LLVMIsAFunction(op) &&
					    !add_callee(d, jit_def_index(j, op), &cap))
						return false;
				}
			}
		if (pass == 0)
			d->ncalled = d->ncallees;
	}
	return true;
}

int jit_note_definitions(struct jit *j, LLVMValueRef *defs, const struct ir_asm_names *in_asm)
{
	j->defs = defs;
	j->by_addr = malloc((j->nfns + 1) * sizeof *j->by_addr);
	j->by_sym = malloc((j->nfns + 1) * sizeof *j->by_sym);
	j->compiled = calloc(j->nfns + 1, 1);
	j->final_coming = calloc(j->nfns + 1, sizeof *j->final_coming);
	if (!j->by_addr || !j->by_sym || !j->compiled || !j->final_coming)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	for (size_t i = 0; i < j->nfns; i++) {
		if (!j->syms[i])
			return jit_fail(j, JIT_EINTERNAL, "out of memory");
		j->by_addr[i] = (struct jit_def){defs[i], i};
		j->by_sym[i] = (struct jit_sym){j->syms[i], i};
	}
	qsort(j->by_addr, j->nfns, sizeof *j->by_addr, by_address);
	qsort(j->by_sym, j->nfns, sizeof *j->by_sym, by_name);
	for (size_t i = 0; i < j->nfns; i++) {
		j->fns[i].only_caller = keep_external(j, defs[i], in_asm)
					    ? -1
					    : jit_def_index(j, single_caller(defs[i]));
		if (!note_callees(j, defs[i], &j->fns[i]))
			return jit_fail(j, JIT_EINTERNAL, "out of memory");
	}
	return 0;
}

/* How a function that no module of versions owns is offered: to inline
 * if small, or if the program asks for it always inlined, as clang
 * inlines it at any size; else declared. */
static enum jit_offer by_size(const struct jit *j, size_t f)
{
	return j->fns[f].size <= JIT_INLINE_MAX || j->fns[f].always_inline ? JIT_OFFER_INLINE
									 : JIT_OFFER_DECLARE;
}

/* The longest chain of single calls below a function offered to inline
 * that jit_offer follows; a function further down is offered by size. */
#define CHAIN_MAX 64

/* A helper this small without loops, making calls or not
 * (putchar_unlocked, glibc's inline body in the program, which calls the
 * library when its buffer is full), is inlined into OSR code at once: its
 * work a call is a few instructions, whatever it calls, and those callees
 * keep their own code. (An untimed function is one of these.) */
#define OSR_INLINE_SMALL 64 /* unoptimized IR instructions */

static bool small_no_loops(const struct jit *j, size_t f)
{
	return j->fns[f].size <= OSR_INLINE_SMALL && !j->fns[f].loops;
}

/* OSR code inlines only small helpers without loops (straight-line, or
 * making calls: small_no_loops), and small ones whose own code is final:
 * a loop in main that calls a helper with loops of its own, entered
 * before the helper was hot, would otherwise run all the helper's work in
 * the OSR code, never specialized, and with the loop's state in the tier-0
 * frame's memory (bench/tiers/spec bare-metal: 42 times run's time). A
 * helper with final code has been judged already: no later version would
 * come; so has one whose final code is asked for and on its way
 * (jit_expect: OSR's compiles go before the queue's others, and a session
 * cache's replay loop, 87% of its run, kept its key builder a call when it
 * came first). Such a helper without loops, called once, from the OSR
 * function or from a helper so offered, is a private copy (see
 * jit_offer): a tokenizer's main loop inlined its request parser, but the
 * parser's state machine, called per byte, stayed a call. */
static bool osr_inlines(const struct jit *j, size_t f)
{
	/* a later version never makes a function final (internal.h) */
	bool final = j->compiled[f] == JIT_COMPILED_FINAL ||
		     (j->compiled[f] == JIT_NOT_COMPILED &&
		      atomic_load_explicit(&j->final_coming[f], memory_order_relaxed));
	return small_no_loops(j, f) || j->fns[f].always_inline ||
	       (final && by_size(j, f) == JIT_OFFER_INLINE);
}

static enum jit_offer osr_offer(const struct jit *j, size_t f, size_t osr)
{
	if (!osr_inlines(j, f))
		return JIT_OFFER_DECLARE;
	if (j->fns[f].loops)
		return JIT_OFFER_INLINE;
	long up = j->fns[f].only_caller;
	for (size_t steps = 0; up >= 0 && steps < j->nfns; steps++) {
		if ((size_t)up == osr)
			return JIT_OFFER_PRIVATE;
		if (!osr_inlines(j, (size_t)up))
			break;
		up = j->fns[up].only_caller;
	}
	return JIT_OFFER_INLINE;
}

enum jit_offer jit_offer(const struct jit *j, size_t f, const unsigned *fns, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (f == fns[k])
			return JIT_OFFER_OWN;
	/* one taking its labels' addresses, managed or not: LLVM inlines none,
	 * and a copy would jump through tables a version does not own */
	if (j->fns[f].labels)
		return JIT_OFFER_DECLARE;
	if (j->osr)
		return osr_offer(j, f, fns[0]);
	/* Up f's chain of single calls (at most as many steps as functions: a
	 * cycle of single callers is unreachable code), to its top: a
	 * function with optimized code of its own (hot in its own right:
	 * compiling it again inside its caller would double the work) or
	 * with other callers. Reached from one of fns' bodies first, f is a
	 * private copy, whatever its size, as clang keeps a static function
	 * called once. So is f called once from one of fns' bodies when it
	 * has code of its own: offered to inline, it could stay a call
	 * through its slot, where clang would have inlined it (a parser's
	 * state machine, called per byte from its feeding loop), and without
	 * local linkage it lost the inliner's bonus for a last call. Loops
	 * or none: a game of life's 3x3 neighbour count, called per cell,
	 * stayed a call, 4.8 s against clang's 0.96 (2.3 s so; bench/real
	 * main to exit as before or better, jpeg's compiles as long). */
	long caller = j->fns[f].only_caller;
	for (size_t k = 0; caller >= 0 && k < n; k++)
		if ((size_t)caller == fns[k])
			return JIT_OFFER_PRIVATE;
	size_t chain[CHAIN_MAX], top = f, steps = 0; /* chain: f and up, below top */
	for (; !j->compiled[top] && j->fns[top].only_caller >= 0 && steps < j->nfns; steps++) {
		size_t up = (size_t)j->fns[top].only_caller;
		for (size_t k = 0; k < n; k++)
			if (up == fns[k])
				return JIT_OFFER_PRIVATE;
		if (steps < CHAIN_MAX)
			chain[steps] = top;
		top = up;
	}
	/* Below a top offered to inline, each small function only its parent
	 * calls is a private copy too, which the optimizer folds into the
	 * parent before deciding on the parent (offered available_externally,
	 * it would lose the bonus for a last call and stay a call); from a
	 * large one down, each is offered by size (the large one declared, so
	 * that no version optimizes code it will not inline). */
	if (top == f || steps > CHAIN_MAX)
		return by_size(j, f);
	enum jit_offer o = by_size(j, top);
	bool open = o == JIT_OFFER_INLINE; /* no large function above */
	while (steps--) {
		o = by_size(j, chain[steps]);
		open = open && o == JIT_OFFER_INLINE;
		if (open)
			o = JIT_OFFER_PRIVATE;
	}
	return o;
}

unsigned long jit_version_size(struct jit *j, unsigned fn)
{
	unsigned char *seen = calloc(j->nfns + 1, 1);
	size_t *queue = malloc((j->nfns + 1) * sizeof *queue), head = 0, tail = 0;
	unsigned long size = 0, own = j->fns[fn].size, spent = 0, budget = jit_keep_budget(own);
	if (!seen || !queue) {
		free(seen);
		free(queue);
		return own;
	}
	/* breadth first, as ir_keep_reached keeps them: the callees' callees
	 * within its budget */
	seen[fn] = 1;
	queue[tail++] = fn;
	for (size_t level_end = tail, level = 0; head < tail; head++) {
		if (head == level_end)
			level++, level_end = tail;
		size_t f = queue[head];
		if (level >= 2) {
			if (spent + j->fns[f].size > budget)
				continue;
			spent += j->fns[f].size;
		}
		size += j->fns[f].size;
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(j->defs[f]); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			if (ir_dead_end(bb))
				continue;
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				long c =
				    LLVMIsACallInst(i) ? jit_def_index(j, LLVMGetCalledValue(i)) : -1;
				if (c < 0 || seen[c] ||
				    jit_offer(j, (size_t)c, &fn, 1) == JIT_OFFER_DECLARE)
					continue;
				seen[c] = 1;
				queue[tail++] = (size_t)c;
			}
		}
	}
	free(seen);
	free(queue);
	return size;
}

/* The program's variables by address, made at the first need (after tier
 * 0 has linked them). */
struct jit_var {
	uint64_t addr, size;
	const char *name;
};

static int by_var_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct jit_var *)a)->addr, y = ((const struct jit_var *)b)->addr;
	return x < y ? -1 : x > y;
}

static void list_variables(struct jit *j)
{
	size_t n = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g))
		n++;
	j->vars = malloc((n + 1) * sizeof *j->vars);
	if (!j->vars)
		return;
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g)) {
		const char *name = LLVMGetValueName(g);
		void *addr;
		if (LLVMIsDeclaration(g) || !strncmp(name, "llvm.", 5) ||
		    jit_lookup(j, name, &addr))
			continue;
		struct jit_var *v = &j->vars[j->nvars++];
		v->addr = (uint64_t)(uintptr_t)addr;
		v->size = LLVMABISizeOfType(j->layout, LLVMGlobalGetValueType(g));
		v->name = name;
	}
	qsort(j->vars, j->nvars, sizeof *j->vars, by_var_addr);
}

/* The variable holding addr (see jit_variable_at), or NULL. */
static const struct jit_var *variable_at(struct jit *j, uint64_t addr)
{
	if (!j->vars)
		list_variables(j);
	size_t lo = 0, hi = j->nvars; /* the first variable above addr */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (j->vars[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct jit_var *v = &j->vars[lo - 1];
	if (addr >= v->addr + v->size)
		return NULL;
	if (addr == v->addr && lo >= 2 && j->vars[lo - 2].addr + j->vars[lo - 2].size == addr)
		return NULL;
	return v;
}

LLVMValueRef jit_variable_at(struct jit *j, LLVMModuleRef m, uint64_t addr, uint64_t *off)
{
	const struct jit_var *v = variable_at(j, addr);
	if (!v)
		return NULL;
	*off = addr - v->addr;
	return LLVMGetNamedGlobal(m, v->name);
}

bool jit_is_variable(struct jit *j, uint64_t addr)
{
	return variable_at(j, addr) != NULL;
}
