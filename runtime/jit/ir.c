/*
 * IR utilities for jit/'s passes: blocks and loop headers, allocas,
 * attributes, and the copy of the program that one function's new version
 * is compiled in.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void ir_open(struct ir *ir, struct jit *j, LLVMModuleRef m)
{
	ir->j = j;
	ir->m = m;
	ir->b = LLVMCreateBuilderInContext(j->ctx);
	ir->i1 = LLVMInt1TypeInContext(j->ctx);
	ir->i8 = LLVMInt8TypeInContext(j->ctx);
	ir->i32 = LLVMInt32TypeInContext(j->ctx);
	ir->i64 = LLVMInt64TypeInContext(j->ctx);
	ir->ptr = LLVMPointerTypeInContext(j->ctx, 0);
	ir->fast_isel = false;
}

void ir_close(struct ir *ir)
{
	LLVMDisposeBuilder(ir->b);
}

LLVMBasicBlockRef *ir_blocks(LLVMValueRef f, unsigned *n)
{
	*n = LLVMCountBasicBlocks(f);
	LLVMBasicBlockRef *b = malloc((*n ? *n : 1) * sizeof *b);
	if (b)
		LLVMGetBasicBlocks(f, b);
	return b;
}

bool ir_ptrmap_init(struct ir_ptrmap *m, size_t n)
{
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	m->mask = size - 1;
	m->keys = calloc(size, sizeof *m->keys);
	m->vals = calloc(size, sizeof *m->vals);
	if (!m->keys || !m->vals) {
		ir_ptrmap_free(m);
		return false;
	}
	return true;
}

/* Where key k is, or the free slot where it would go. */
static size_t ptrmap_slot(const struct ir_ptrmap *m, const void *k)
{
	size_t h = (size_t)(((uintptr_t)k >> 4) * 0x9e3779b97f4a7c15ull) & m->mask;
	while (m->keys[h] && m->keys[h] != k)
		h = (h + 1) & m->mask;
	return h;
}

void ir_ptrmap_put(struct ir_ptrmap *m, const void *k, uintptr_t v)
{
	size_t h = ptrmap_slot(m, k);
	m->keys[h] = k, m->vals[h] = v;
}

bool ir_ptrmap_get(const struct ir_ptrmap *m, const void *k, uintptr_t *v)
{
	size_t h = ptrmap_slot(m, k);
	if (!m->keys[h])
		return false;
	*v = m->vals[h];
	return true;
}

void ir_ptrmap_free(struct ir_ptrmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL, m->vals = NULL;
}

bool ir_blockmap_init(struct ir_blockmap *m, LLVMBasicBlockRef *blocks, unsigned n)
{
	if (!ir_ptrmap_init(&m->p, n))
		return false;
	for (unsigned i = 0; i < n; i++)
		ir_ptrmap_put(&m->p, blocks[i], i);
	return true;
}

long ir_blockmap_get(const struct ir_blockmap *m, LLVMBasicBlockRef b)
{
	uintptr_t i;
	return ir_ptrmap_get(&m->p, b, &i) ? (long)i : -1;
}

void ir_blockmap_free(struct ir_blockmap *m)
{
	ir_ptrmap_free(&m->p);
}

void ir_reachable(const struct ir_blockmap *map, LLVMBasicBlockRef *blocks, unsigned nb,
		  unsigned from, unsigned char *mark, const unsigned char *stop, unsigned *work)
{
	unsigned sp = 0;
	memset(mark, 0, nb);
	work[sp++] = from;
	mark[from] = 1;
	while (sp) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(blocks[work[--sp]]);
		unsigned ns = t ? LLVMGetNumSuccessors(t) : 0;
		for (unsigned s = 0; s < ns; s++) {
			long k = ir_blockmap_get(map, LLVMGetSuccessor(t, s));
			if (k >= 0 && !mark[k] && !(stop && stop[k]))
				mark[k] = 1, work[sp++] = (unsigned)k;
		}
	}
}

/* A depth-first walk from the entry; an edge to a block still on the walk's
 * stack is a retreating edge, and its target a loop header (for the
 * reducible control flow C compiles to, exactly the natural loops'). */
unsigned ir_loop_headers(LLVMBasicBlockRef *blocks, unsigned n, unsigned *headers)
{
	struct ir_blockmap map;
	unsigned char *state = calloc(n ? n : 1, 1), *is_header = calloc(n ? n : 1, 1);
	unsigned *stack_b = malloc((n ? n : 1) * sizeof *stack_b);
	unsigned *stack_s = malloc((n ? n : 1) * sizeof *stack_s);
	unsigned sp = 0, count = 0;
	if (!n || !state || !is_header || !stack_b || !stack_s ||
	    !ir_blockmap_init(&map, blocks, n))
		goto out;
	stack_b[sp] = 0, stack_s[sp++] = 0, state[0] = 1;
	while (sp) {
		unsigned b = stack_b[sp - 1];
		LLVMValueRef term = LLVMGetBasicBlockTerminator(blocks[b]);
		unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
		if (stack_s[sp - 1] < ns) {
			long s = ir_blockmap_get(&map, LLVMGetSuccessor(term, stack_s[sp - 1]++));
			if (s < 0)
				continue;
			if (state[s] == 0) {
				state[s] = 1;
				stack_b[sp] = (unsigned)s, stack_s[sp++] = 0;
			} else if (state[s] == 1) {
				is_header[s] = 1;
			}
		} else {
			state[b] = 2;
			sp--;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (is_header[i]) {
			if (headers)
				headers[count] = i;
			count++;
		}
	ir_blockmap_free(&map);
out:
	free(state);
	free(is_header);
	free(stack_b);
	free(stack_s);
	return count;
}

/* Whether v can go through a slot of an OSR frame (8 bytes): an integer
 * of 64 bits or fewer, a pointer, a float or a double. */
static bool fits_slot(LLVMValueRef v)
{
	LLVMTypeRef t = LLVMTypeOf(v);
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind:
		return LLVMGetIntTypeWidth(t) <= 64;
	case LLVMPointerTypeKind:
	case LLVMFloatTypeKind:
	case LLVMDoubleTypeKind:
		return true;
	default:
		return false;
	}
}

/* Whether v is used by user in a block set marks: a phi uses it at the
 * end of the block it comes from. */
static bool used_in(LLVMValueRef v, LLVMValueRef user, const struct ir_blockmap *map,
		    const unsigned char *set)
{
	if (!LLVMIsAPHINode(user)) {
		long b = ir_blockmap_get(map, LLVMGetInstructionParent(user));
		return b >= 0 && set[b];
	}
	for (unsigned k = 0; k < LLVMCountIncoming(user); k++) {
		long from = ir_blockmap_get(map, LLVMGetIncomingBlock(user, k));
		if (LLVMGetIncomingValue(user, k) == v && from >= 0 && set[from])
			return true;
	}
	return false;
}

static bool used_anywhere_in(LLVMValueRef v, const struct ir_blockmap *map,
			     const unsigned char *set)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u))
		if (used_in(v, LLVMGetUser(u), map, set))
			return true;
	return false;
}

/* The instructions used outside their block, but the entry's static
 * allocas (which the frame holds): o->cands. */
static bool osr_candidates(struct ir_osr *o)
{
	size_t cap = 0;
	for (unsigned b = 0; b < o->nb; b++)
		for (LLVMValueRef i = LLVMGetFirstInstruction(o->blocks[b]); i;
		     i = LLVMGetNextInstruction(i)) {
			if (b == 0 && ir_is_static_alloca(i))
				continue;
			bool crosses = false;
			for (LLVMUseRef u = LLVMGetFirstUse(i); u && !crosses;
			     u = LLVMGetNextUse(u)) {
				LLVMValueRef user = LLVMGetUser(u);
				crosses = LLVMIsAPHINode(user) ||
					  LLVMGetInstructionParent(user) != o->blocks[b];
			}
			if (!crosses)
				continue;
			if (o->ncands == cap) {
				cap = cap ? 2 * cap : 8;
				LLVMValueRef *more = realloc(o->cands, cap * sizeof *more);
				if (!more)
					return false;
				o->cands = more;
			}
			o->cands[o->ncands++] = i;
		}
	return true;
}

/* The closest block that is on every path from the entry to both a and b
 * (blocks numbered in postorder, po; idom known for both). */
static unsigned meet(const unsigned *idom, const unsigned *po, unsigned a, unsigned b)
{
	while (a != b) {
		while (po[a] < po[b])
			a = idom[a];
		while (po[b] < po[a])
			b = idom[b];
	}
	return a;
}

/* Each block's immediate dominator, o->idom (UINT_MAX where unreachable),
 * by the iterative algorithm of Cooper, Harvey and Kennedy over a
 * postorder of a depth-first walk from the entry. */
static bool dominators(struct ir_osr *o)
{
	unsigned nb = o->nb, n = 0, sp = 0, npred = 0;
	unsigned *po = malloc(nb * sizeof *po), *order = malloc(nb * sizeof *order);
	unsigned *stack = malloc(nb * sizeof *stack), *next = calloc(nb, sizeof *next);
	unsigned *first = calloc(nb + 1, sizeof *first), *preds = NULL;
	o->idom = malloc(nb * sizeof *o->idom);
	bool ok = po && order && stack && next && first && o->idom;
	for (unsigned b = 0; ok && b < nb; b++)
		po[b] = o->idom[b] = UINT_MAX;
	if (ok) {
		stack[sp++] = 0, po[0] = 0; /* on the walk: any number but UINT_MAX */
	}
	while (ok && sp) {
		unsigned b = stack[sp - 1];
		LLVMValueRef t = LLVMGetBasicBlockTerminator(o->blocks[b]);
		if (t && next[b] < LLVMGetNumSuccessors(t)) {
			long s = ir_blockmap_get(&o->map, LLVMGetSuccessor(t, next[b]++));
			if (s >= 0 && po[s] == UINT_MAX)
				po[s] = 0, stack[sp++] = (unsigned)s;
			continue;
		}
		po[b] = n, order[n++] = b;
		sp--;
	}
	/* the predecessors among the reachable blocks, by block */
	for (unsigned k = 0; ok && k < n; k++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(o->blocks[order[k]]);
		for (unsigned s = 0; t && s < LLVMGetNumSuccessors(t); s++) {
			long d = ir_blockmap_get(&o->map, LLVMGetSuccessor(t, s));
			if (d >= 0)
				first[d + 1]++, npred++;
		}
	}
	if (ok && !(preds = malloc((npred + 1) * sizeof *preds)))
		ok = false;
	for (unsigned b = 0; ok && b < nb; b++)
		first[b + 1] += first[b];
	memset(next, 0, nb * sizeof *next);
	for (unsigned k = 0; ok && k < n; k++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(o->blocks[order[k]]);
		for (unsigned s = 0; t && s < LLVMGetNumSuccessors(t); s++) {
			long d = ir_blockmap_get(&o->map, LLVMGetSuccessor(t, s));
			if (d >= 0)
				preds[first[d] + next[d]++] = order[k];
		}
	}
	if (ok)
		o->idom[0] = 0;
	for (bool changed = ok; changed;) {
		changed = false;
		for (unsigned k = n - 1;
		     k-- > 0;) { /* reverse postorder, the entry (n - 1) aside */
			unsigned b = order[k], d = UINT_MAX;
			for (unsigned p = first[b]; p < first[b + 1]; p++) {
				unsigned q = preds[p];
				if (o->idom[q] != UINT_MAX)
					d = d == UINT_MAX ? q : meet(o->idom, po, q, d);
			}
			if (d != UINT_MAX && o->idom[b] != d)
				o->idom[b] = d, changed = true;
		}
	}
	free(po);
	free(order);
	free(stack);
	free(next);
	free(first);
	free(preds);
	if (!ok) {
		free(o->idom);
		o->idom = NULL;
	}
	return ok;
}

bool ir_osr_open(struct ir_osr *o, LLVMBasicBlockRef *blocks, unsigned nb)
{
	*o = (struct ir_osr){.blocks = blocks, .nb = nb};
	o->reach = calloc(nb ? nb : 1, 1);
	o->region = calloc(nb ? nb : 1, 1);
	o->outer = calloc(nb ? nb : 1, 1);
	o->work = malloc((nb ? nb : 1) * sizeof *o->work);
	o->mapped = nb && o->reach && o->region && o->outer && o->work &&
		    ir_blockmap_init(&o->map, blocks, nb);
	if (o->mapped && osr_candidates(o))
		return true;
	ir_osr_close(o);
	return false;
}

void ir_osr_close(struct ir_osr *o)
{
	if (o->mapped)
		ir_blockmap_free(&o->map);
	free(o->reach);
	free(o->region);
	free(o->outer);
	free(o->work);
	free(o->idom);
	free(o->cands);
	*o = (struct ir_osr){0};
}

/* How many steps up the dominator tree from header b is (0: header's
 * immediate dominator), or UINT_MAX if it is not above header. */
static unsigned height(const struct ir_osr *o, unsigned header, unsigned b)
{
	unsigned steps = 0;
	for (unsigned d = o->idom[header]; d != UINT_MAX && d != header; d = o->idom[d], steps++) {
		if (d == b)
			return steps;
		if (d == 0)
			break;
	}
	return UINT_MAX;
}

/* The values header's region needs (o->region from the blocks above
 * header, from the one `from` steps up on), in out: their count. */
static long live_ins_from(struct ir_osr *o, unsigned header, unsigned from, LLVMValueRef *out,
			  bool *fit, unsigned *highest)
{
	memset(o->outer, 0, o->nb);
	unsigned steps = 0;
	for (unsigned d = o->idom[header]; d != UINT_MAX && d != header; d = o->idom[d], steps++) {
		o->outer[d] = steps >= from;
		if (d == 0)
			break;
	}
	ir_reachable(&o->map, o->blocks, o->nb, header, o->region, o->outer, o->work);
	long n = 0;
	*fit = true;
	*highest = 0;
	for (unsigned c = 0; c < o->ncands; c++) {
		LLVMValueRef v = o->cands[c];
		long b = ir_blockmap_get(&o->map, LLVMGetInstructionParent(v));
		if (b < 0 || o->region[b])
			continue; /* computed again from the header */
		if (!used_anywhere_in(v, &o->map, o->region) &&
		    (o->reach[b] || !used_anywhere_in(v, &o->map, o->reach)))
			continue;
		*fit = *fit && fits_slot(v);
		out[n++] = v;
		unsigned h = o->reach[b] ? height(o, header, (unsigned)b) : UINT_MAX;
		if (h != UINT_MAX && h > *highest)
			*highest = h;
	}
	return n;
}

long ir_osr_live_ins(struct ir_osr *o, unsigned header, LLVMValueRef *out, bool *fit)
{
	if (!o->idom && !dominators(o))
		return -1;
	ir_reachable(&o->map, o->blocks, o->nb, header, o->reach, NULL, o->work);
	/* The region stops at the blocks above header (the headers of the
	 * loops around it among them), from the highest that computes a value
	 * the region needs and a loop around the header computes again (an
	 * array declared in an outer loop's body) on up: stopped below it, at
	 * a middle loop's header, the copy would leave to blocks that use the
	 * value without passing where it is computed. */
	unsigned from = 0, highest;
	long n;
	while ((n = live_ins_from(o, header, from, out, fit, &highest)) >= 0 && highest > from)
		from = highest;
	return n;
}

bool jit_calls_itself(LLVMValueRef f)
{
	for (LLVMUseRef u = LLVMGetFirstUse(f); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef call = LLVMGetUser(u);
		if (LLVMIsACallInst(call) && LLVMGetCalledValue(call) == f &&
		    LLVMGetBasicBlockParent(LLVMGetInstructionParent(call)) == f)
			return true;
	}
	return false;
}

bool jit_has_loops(LLVMValueRef f)
{
	unsigned n;
	LLVMBasicBlockRef *blocks = ir_blocks(f, &n);
	bool loops = !blocks || ir_loop_headers(blocks, n, NULL);
	free(blocks);
	return loops;
}

bool jit_is_leaf(LLVMValueRef f)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			if (!LLVMIsACallInst(i) && !LLVMIsAInvokeInst(i))
				continue;
			LLVMValueRef callee = LLVMGetCalledValue(i);
			if (!LLVMIsAFunction(callee) || !LLVMGetIntrinsicID(callee))
				return false;
		}
	return true;
}

bool ir_is_static_alloca(LLVMValueRef v)
{
	return LLVMIsAAllocaInst(v) && LLVMIsAConstantInt(LLVMGetOperand(v, 0));
}

bool ir_calls_returns_twice(LLVMValueRef f)
{
	static const char *const names[] = {"setjmp", "_setjmp", "sigsetjmp", "__sigsetjmp",
					    "vfork"};
	unsigned rt = LLVMGetEnumAttributeKindForName("returns_twice", 13);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			if (!LLVMIsACallInst(i))
				continue;
			if (LLVMGetCallSiteEnumAttribute(i, LLVMAttributeFunctionIndex, rt))
				return true;
			LLVMValueRef callee = LLVMGetCalledValue(i);
			if (!LLVMIsAFunction(callee))
				continue;
			if (LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeFunctionIndex, rt))
				return true;
			const char *name = LLVMGetValueName(callee);
			for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
				if (!strcmp(name, names[k]))
					return true;
		}
	return false;
}

static void copy_attrs_at(LLVMValueRef from, LLVMValueRef to, LLVMAttributeIndex idx,
			  bool call_site)
{
	unsigned n = LLVMGetAttributeCountAtIndex(from, idx);
	if (!n)
		return;
	LLVMAttributeRef *a = malloc(n * sizeof *a);
	if (!a)
		return;
	LLVMGetAttributesAtIndex(from, idx, a);
	for (unsigned k = 0; k < n; k++) {
		if (call_site)
			LLVMAddCallSiteAttribute(to, idx, a[k]);
		else
			LLVMAddAttributeAtIndex(to, idx, a[k]);
	}
	free(a);
}

void ir_copy_param_attrs(LLVMValueRef from, LLVMValueRef to, bool call_site)
{
	unsigned n = LLVMCountParams(from);
	copy_attrs_at(from, to, LLVMAttributeReturnIndex, call_site);
	for (unsigned k = 1; k <= n; k++)
		copy_attrs_at(from, to, k, call_site);
	if (!call_site)
		LLVMSetFunctionCallConv(to, LLVMGetFunctionCallConv(from));
}

/* to takes from's name, whatever its length; from is left unnamed. */
static void take_name(LLVMValueRef from, LLVMValueRef to)
{
	size_t len;
	const char *old = LLVMGetValueName2(from, &len);
	char *name = malloc(len + 1);
	if (!name)
		abort(); /* as LLVM itself does when it cannot allocate */
	memcpy(name, old, len);
	LLVMSetValueName2(from, "", 0);
	LLVMSetValueName2(to, name, len);
	free(name);
}

/* Give the uses of declaration d to fresh, which takes d's name. Its
 * visibility stays default: a hidden or protected declaration would be
 * made dso_local again. */
static void replace_declaration(LLVMValueRef d, LLVMValueRef fresh, bool function)
{
	LLVMSetLinkage(fresh, LLVMGetLinkage(d)); /* external or extern_weak */
	LLVMReplaceAllUsesWith(d, fresh);
	take_name(d, fresh);
	if (function)
		LLVMDeleteFunction(d);
	else
		LLVMDeleteGlobal(d);
}

void ir_declarations_not_local(LLVMModuleRef m)
{
	LLVMValueRef next, last = LLVMGetLastGlobal(m); /* the new ones go after it */
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = next) {
		next = g == last ? NULL : LLVMGetNextGlobal(g);
		if (!LLVMIsDeclaration(g) || LLVMIsThreadLocal(g))
			continue; /* JITLink 19 cannot link thread-local access anyway */
		LLVMTypeRef ty = LLVMGlobalGetValueType(g);
		LLVMValueRef fresh = LLVMAddGlobalInAddressSpace(
		    m, ty, "bf.decl", LLVMGetPointerAddressSpace(LLVMTypeOf(g)));
		LLVMSetGlobalConstant(fresh, LLVMIsGlobalConstant(g));
		LLVMSetExternallyInitialized(fresh, LLVMIsExternallyInitialized(g));
		LLVMSetAlignment(fresh, LLVMGetAlignment(g));
		replace_declaration(g, fresh, false);
	}
	last = LLVMGetLastFunction(m);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = next) {
		next = f == last ? NULL : LLVMGetNextFunction(f);
		if (!LLVMIsDeclaration(f) || LLVMGetIntrinsicID(f))
			continue;
		LLVMValueRef fresh = LLVMAddFunction(m, "bf.decl", LLVMGlobalGetValueType(f));
		ir_copy_param_attrs(f, fresh, false);
		copy_attrs_at(f, fresh, LLVMAttributeFunctionIndex, false);
		replace_declaration(f, fresh, true);
	}
}

/* A new declaration like f (unnamed), which all of f's uses now use. */
static LLVMValueRef redirect_to_declaration(LLVMModuleRef m, LLVMValueRef f)
{
	LLVMValueRef decl = LLVMAddFunction(m, "bf.decl", LLVMGlobalGetValueType(f));
	ir_copy_param_attrs(f, decl, false);
	ir_replace_function(f, decl);
	return decl;
}

/* Turn definition f of m into a declaration of the same name. */
static void declare_only(LLVMModuleRef m, LLVMValueRef f)
{
	LLVMValueRef decl = redirect_to_declaration(m, f);
	take_name(f, decl);
	LLVMDeleteFunction(f);
}

/* The block of to at the place bb has in from. */
static LLVMBasicBlockRef same_block(LLVMValueRef from, LLVMBasicBlockRef bb, LLVMValueRef to)
{
	LLVMBasicBlockRef a = LLVMGetFirstBasicBlock(from), b = LLVMGetFirstBasicBlock(to);
	for (; a && b && a != bb; a = LLVMGetNextBasicBlock(a))
		b = LLVMGetNextBasicBlock(b);
	return a ? b : NULL;
}

/*
 * The addresses of labels (GNU C's &&label: blockaddress constants) that
 * name function `named` but one of another's blocks are made to name `to`:
 * at the same block if it is to's, else at the block in the same place (to
 * is then a copy of the block's function, its blocks in the same order).
 * They are found first, then replaced, so that no replacement pulls a
 * constant from under the walk. The old constants stay, unused, until
 * their blocks are deleted, which deletes every address of a block.
 */
static void readdress_labels(LLVMValueRef named, LLVMValueRef to)
{
	LLVMValueRef *stale = NULL;
	size_t n = 0, cap = 0;
	for (LLVMUseRef u = LLVMGetFirstUse(named); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef ba = LLVMGetUser(u);
		if (!LLVMIsABlockAddress(ba) ||
		    LLVMGetBasicBlockParent(LLVMValueAsBasicBlock(LLVMGetOperand(ba, 1))) == named)
			continue;
		if (n == cap) {
			LLVMValueRef *more = realloc(stale, (cap = cap ? 2 * cap : 16) * sizeof *more);
			if (!more)
				abort(); /* as LLVM itself does when it cannot allocate */
			stale = more;
		}
		stale[n++] = ba;
	}
	for (size_t k = 0; k < n; k++) {
		LLVMBasicBlockRef bb = LLVMValueAsBasicBlock(LLVMGetOperand(stale[k], 1));
		LLVMValueRef parent = LLVMGetBasicBlockParent(bb);
		LLVMBasicBlockRef mine = parent == to ? bb : same_block(parent, bb, to);
		if (mine)
			LLVMReplaceAllUsesWith(stale[k], LLVMBlockAddress(to, mine));
	}
	free(stale);
}

/* Whether init is a table of label addresses (and nulls), the form
 * clang gives a static table of them, or its constant for a local one. */
static bool label_table_init(LLVMValueRef init)
{
	bool any = false;
	if (!init || !LLVMIsAConstantArray(init))
		return false;
	for (int k = 0, n = LLVMGetNumOperands(init); k < n; k++) {
		LLVMValueRef e = LLVMGetOperand(init, (unsigned)k);
		if (LLVMIsABlockAddress(e))
			any = true;
		else if (!LLVMIsNull(e))
			return false;
	}
	return any;
}

/* The copy's table for init (the original's), each address naming the
 * copy's function and block; a null where the copy has no body of the
 * function (a declaration: nothing in the copy jumps through its table). */
static LLVMValueRef copy_label_table(LLVMModuleRef copy, LLVMValueRef init)
{
	unsigned n = (unsigned)LLVMGetNumOperands(init);
	LLVMTypeRef t = LLVMGetElementType(LLVMTypeOf(init));
	LLVMValueRef *e = malloc((n + 1) * sizeof *e);
	if (!e)
		abort(); /* as LLVM itself does when it cannot allocate */
	for (unsigned k = 0; k < n; k++) {
		LLVMValueRef ba = LLVMGetOperand(init, k);
		e[k] = ba;
		if (!LLVMIsABlockAddress(ba))
			continue;
		LLVMValueRef f = LLVMGetOperand(ba, 0);
		LLVMBasicBlockRef bb = LLVMValueAsBasicBlock(LLVMGetOperand(ba, 1));
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);
		LLVMValueRef to = len ? LLVMGetNamedFunction(copy, name) : NULL;
		LLVMBasicBlockRef mine = to ? same_block(f, bb, to) : NULL;
		e[k] = mine ? LLVMBlockAddress(to, mine) : LLVMConstNull(t);
	}
	LLVMValueRef table = LLVMConstArray2(t, e, n);
	free(e);
	return table;
}

/*
 * LLVM 19's module copy maps the variables' initializers before it copies
 * the functions' bodies, so a label address in one (a static table of
 * them, or clang's constant for a local one) names the copy's function
 * but the original's block: code generation then asked for a label that
 * no function of the copy has ("Undefined temporary symbol"). Such tables
 * are set aside while LLVM copies the module (zeros in their place) and
 * made again for the copy; any other label address in an initializer is
 * pointed at the copy's block after the copy (readdress_labels), which
 * leaves LLVM's constant behind, naming the copy's function and the
 * original's block, until a globaldce of the copy removes it (the versions'
 * compiles run one): a constant that outlived its function stays in
 * LLVM's table of label addresses under the function's address, for a
 * later function there to be given.
 */
LLVMModuleRef ir_clone(LLVMModuleRef m)
{
	LLVMValueRef *set = NULL, *inits = NULL;
	size_t n = 0, cap = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		LLVMValueRef init = LLVMIsDeclaration(g) ? NULL : LLVMGetInitializer(g);
		if (!label_table_init(init))
			continue;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 8;
			LLVMValueRef *a = realloc(set, c * sizeof *a);
			if (a)
				set = a;
			LLVMValueRef *b = a ? realloc(inits, c * sizeof *b) : NULL;
			if (!b)
				break; /* the rest as LLVM copies them */
			inits = b, cap = c;
		}
		set[n] = g, inits[n++] = init;
		LLVMSetInitializer(g, LLVMConstNull(LLVMTypeOf(init)));
	}
	LLVMModuleRef copy = LLVMCloneModule(m);
	for (size_t k = 0; k < n; k++) {
		LLVMSetInitializer(set[k], inits[k]);
		LLVMValueRef mine = LLVMGetNamedGlobal(copy, LLVMGetValueName(set[k]));
		if (mine)
			LLVMSetInitializer(mine, copy_label_table(copy, inits[k]));
	}
	free(set);
	free(inits);
	for (LLVMValueRef f = LLVMGetFirstFunction(copy); f; f = LLVMGetNextFunction(f))
		readdress_labels(f, f);
	return copy;
}

/* All of f's uses go to `with`, but for its labels' addresses: LLVM's
 * replacement makes them name `with`, a declaration without labels. */
void ir_replace_function(LLVMValueRef f, LLVMValueRef with)
{
	LLVMReplaceAllUsesWith(f, with);
	readdress_labels(with, f);
}

/* ---- where a function's label addresses go ---- */

#define LABEL_DEPTH 16 /* values followed this far, no further: shared */

static enum ir_labels label_table(LLVMValueRef f, LLVMValueRef at, unsigned depth);

static enum ir_labels worse(enum ir_labels a, enum ir_labels b)
{
	return a > b ? a : b;
}

bool ir_calls_intrinsic(LLVMValueRef call, const char *const *prefixes)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	if (!LLVMIsAFunction(callee))
		return false;
	const char *name = LLVMGetValueName(callee);
	for (; *prefixes; prefixes++)
		if (!strncmp(name, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

static const char *const lifetime[] = {"llvm.lifetime.", NULL};
static const char *const fills[] = {"llvm.memcpy", "llvm.memset", NULL};
static const char *const copies[] = {"llvm.memcpy", NULL};

/* Whether only stores, lifetime markers and loads of unused values use a:
 * a local whose value nothing reads. */
static bool write_only(LLVMValueRef a)
{
	for (LLVMUseRef u = LLVMGetFirstUse(a); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == a &&
		    LLVMGetOperand(user, 0) != a)
			continue;
		if (LLVMIsACallInst(user) && ir_calls_intrinsic(user, lifetime))
			continue;
		if (LLVMIsALoadInst(user) && !LLVMGetFirstUse(user) && !LLVMGetVolatile(user))
			continue; /* `(void)x;` */
		return false;
	}
	return true;
}

bool ir_unread(LLVMValueRef p)
{
	for (LLVMUseRef u = LLVMGetFirstUse(p); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u), to;
		if (!LLVMIsAStoreInst(user) || LLVMGetOperand(user, 0) != p)
			return false;
		to = LLVMGetOperand(user, 1);
		if (to == p || !LLVMIsAAllocaInst(to) || !write_only(to))
			return false;
	}
	return true;
}

/* The alloca of f that address p is in (through address arithmetic), or
 * NULL. */
static LLVMValueRef frame_base(LLVMValueRef f, LLVMValueRef p)
{
	while (LLVMIsAGetElementPtrInst(p))
		p = LLVMGetOperand(p, 0);
	return LLVMIsAAllocaInst(p) && LLVMGetBasicBlockParent(LLVMGetInstructionParent(p)) == f
		   ? p
		   : NULL;
}

static enum ir_labels label_value(LLVMValueRef f, LLVMValueRef v, unsigned depth);

/* Where the labels go that are stored in f's frame at p (an alloca, or an
 * address in one): FRAME if its memory never leaves the frame (only
 * loaded, stored to, copied into, or its address computed on) and what is
 * loaded from it goes where label_value allows; else SHARED. A label kept
 * in a local variable, then stored to a global from there, is shared. */
static enum ir_labels label_slot(LLVMValueRef f, LLVMValueRef p, unsigned depth)
{
	enum ir_labels w = IR_LABELS_FRAME;
	if (!p || depth > LABEL_DEPTH)
		return IR_LABELS_SHARED;
	for (LLVMUseRef u = LLVMGetFirstUse(p); u && w != IR_LABELS_SHARED; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsALoadInst(user))
			w = worse(w, label_value(f, user, depth + 1));
		else if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == p &&
			 LLVMGetOperand(user, 0) != p)
			continue; /* a value stored into it: followed from that value */
		else if (LLVMIsAGetElementPtrInst(user) && LLVMGetOperand(user, 0) == p)
			w = worse(w, label_slot(f, user, depth + 1));
		else if (LLVMIsACallInst(user) && ir_calls_intrinsic(user, lifetime))
			continue;
		else if (LLVMIsACallInst(user) && LLVMGetOperand(user, 0) == p &&
			 LLVMGetOperand(user, 1) != p && ir_calls_intrinsic(user, fills))
			continue; /* filled (from a table: followed from the table) */
		else
			w = IR_LABELS_SHARED;
	}
	return w;
}

/* Where label value v (an address, a value computed from one, a constant
 * holding one, or one loaded from a table) goes. */
static enum ir_labels label_value(LLVMValueRef f, LLVMValueRef v, unsigned depth)
{
	enum ir_labels w = IR_LABELS_JUMP;
	if (depth > LABEL_DEPTH)
		return IR_LABELS_SHARED;
	for (LLVMUseRef u = LLVMGetFirstUse(v); u && w != IR_LABELS_SHARED; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAGlobalVariable(user)) { /* in its initializer */
			w = worse(w, LLVMIsGlobalConstant(user) ? label_table(f, user, depth + 1)
							       : IR_LABELS_SHARED);
			continue;
		}
		if (!LLVMIsAInstruction(user)) { /* a constant holding it */
			w = worse(w, label_value(f, user, depth + 1));
			continue;
		}
		switch (LLVMGetInstructionOpcode(user)) {
		case LLVMIndirectBr:
		case LLVMICmp:
			break;
		case LLVMPHI:
		case LLVMSelect:
		case LLVMGetElementPtr:
		case LLVMBitCast:
		case LLVMPtrToInt:
		case LLVMIntToPtr:
		case LLVMAdd:
		case LLVMSub:
			w = worse(w, label_value(f, user, depth + 1));
			break;
		case LLVMStore: /* into f's frame, or elsewhere */
			w = worse(w, LLVMGetOperand(user, 0) == v
					 ? label_slot(f, frame_base(f, LLVMGetOperand(user, 1)), depth + 1)
					 : IR_LABELS_SHARED);
			break;
		default:
			w = IR_LABELS_SHARED;
		}
	}
	return w;
}

/* Where the labels go that are read from `at`, a constant table of them
 * or an address in one. */
static enum ir_labels label_table(LLVMValueRef f, LLVMValueRef at, unsigned depth)
{
	enum ir_labels w = IR_LABELS_JUMP;
	if (depth > LABEL_DEPTH)
		return IR_LABELS_SHARED;
	for (LLVMUseRef u = LLVMGetFirstUse(at); u && w != IR_LABELS_SHARED; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsALoadInst(user))
			w = worse(w, label_value(f, user, depth + 1));
		else if (LLVMIsAGetElementPtrInst(user) ||
			 (LLVMIsAConstantExpr(user) &&
			  LLVMGetConstOpcode(user) == LLVMGetElementPtr))
			w = worse(w, label_table(f, user, depth + 1));
		else if (LLVMIsACallInst(user) && ir_calls_intrinsic(user, copies) &&
			 LLVMGetOperand(user, 1) == at) /* copied: to f's frame? */
			w = worse(w, label_slot(f, frame_base(f, LLVMGetOperand(user, 0)), depth + 1));
		else
			w = IR_LABELS_SHARED;
	}
	return w;
}

enum ir_labels ir_labels(LLVMValueRef f)
{
	enum ir_labels w = IR_LABELS_NONE;
	for (LLVMUseRef u = LLVMGetFirstUse(f); u && w != IR_LABELS_SHARED; u = LLVMGetNextUse(u)) {
		LLVMValueRef ba = LLVMGetUser(u);
		if (LLVMIsABlockAddress(ba))
			w = worse(w, label_value(f, ba, 0));
	}
	return w;
}

/* The variables holding f's label addresses: a version's own copies. */
static void own_tables(LLVMValueRef v, unsigned depth)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u && depth <= LABEL_DEPTH; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAGlobalVariable(user) && !LLVMIsDeclaration(user))
			LLVMSetLinkage(user, LLVMPrivateLinkage);
		else if (!LLVMIsAInstruction(user) && !LLVMIsAGlobalValue(user))
			own_tables(user, depth + 1);
	}
}

/* ---- what a version's module needs ---- */

/* A set of values by address (open addressing, grown at half full), and
 * the values added to it but not yet walked. */
struct reach {
	LLVMValueRef *keys, *todo;
	size_t mask, n, ntodo;
	bool failed;
};

static size_t reach_slot(const struct reach *r, LLVMValueRef v)
{
	size_t h = (size_t)(((uintptr_t)v * 0x9e3779b97f4a7c15ull) >> 32) & r->mask;
	while (r->keys[h] && r->keys[h] != v)
		h = (h + 1) & r->mask;
	return h;
}

static bool reached(const struct reach *r, LLVMValueRef v)
{
	return r->keys && r->keys[reach_slot(r, v)] == v;
}

/* v found: added to the set, and to be walked, if it is new. */
static void reach(struct reach *r, LLVMValueRef v)
{
	if (r->failed || reached(r, v))
		return;
	if (2 * (r->n + 1) > r->mask + 1) {
		struct reach big = {.mask = r->mask ? 2 * r->mask + 1 : 255};
		big.keys = calloc(big.mask + 1, sizeof *big.keys);
		LLVMValueRef *todo = realloc(r->todo, (big.mask + 1) / 2 * sizeof *todo);
		if (!big.keys || !todo) {
			free(big.keys);
			if (todo)
				r->todo = todo;
			r->failed = true;
			return;
		}
		for (size_t k = 0; r->keys && k <= r->mask; k++)
			if (r->keys[k])
				big.keys[reach_slot(&big, r->keys[k])] = r->keys[k];
		free(r->keys);
		r->keys = big.keys, r->mask = big.mask, r->todo = todo;
	}
	r->keys[reach_slot(r, v)] = v;
	r->n++;
	r->todo[r->ntodo++] = v;
}

/* An operand: the program's functions and variables it names, directly
 * or inside a constant. Plain data (numbers, strings, zeros) names none. */
static void reach_operand(struct reach *r, LLVMValueRef v)
{
	if (!v || !LLVMIsAConstant(v) || LLVMIsAConstantInt(v) || LLVMIsAConstantFP(v) ||
	    LLVMIsAConstantDataSequential(v) || LLVMIsAConstantAggregateZero(v) ||
	    LLVMIsAConstantPointerNull(v) || LLVMIsAUndefValue(v))
		return;
	reach(r, v);
}

bool ir_dead_end(LLVMBasicBlockRef bb)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
	return t && LLVMGetInstructionOpcode(t) == LLVMUnreachable;
}

/* Walk what v (reached) names; not the functions called on a way to
 * unreachable (an error's path: see ir_keep_reached). */
static void reach_from(struct reach *r, LLVMValueRef v)
{
	if (LLVMIsAFunction(v)) {
		if (LLVMHasPersonalityFn(v))
			reach_operand(r, LLVMGetPersonalityFn(v));
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(v); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			bool dead_end = ir_dead_end(bb);
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				int n = LLVMGetNumOperands(i);
				LLVMValueRef callee =
				    dead_end && LLVMIsACallInst(i) ? LLVMGetCalledValue(i) : NULL;
				for (int k = 0; k < n; k++) {
					LLVMValueRef o = LLVMGetOperand(i, (unsigned)k);
					if (o != callee || !LLVMIsAFunction(o))
						reach_operand(r, o);
				}
			}
		}
	} else if (LLVMIsAGlobalVariable(v)) {
		reach_operand(r, LLVMGetInitializer(v));
	} else if (LLVMIsAGlobalAlias(v)) {
		reach_operand(r, LLVMAliasGetAliasee(v));
	} else if (!LLVMIsAGlobalValue(v)) { /* a constant expression or aggregate */
		int n = LLVMGetNumOperands(v);
		for (int k = 0; k < n; k++)
			reach_operand(r, LLVMGetOperand(v, (unsigned)k));
	}
}

/* An alias or resolver, to what no walk here follows, stays. */
static void reach_aliases_and_ifuncs(struct reach *r, LLVMModuleRef m)
{
	for (LLVMValueRef a = LLVMGetFirstGlobalAlias(m); a; a = LLVMGetNextGlobalAlias(a))
		reach(r, a);
	for (LLVMValueRef f = LLVMGetFirstGlobalIFunc(m); f; f = LLVMGetNextGlobalIFunc(f)) {
		reach(r, f);
		reach_operand(r, LLVMGetGlobalIFuncResolver(f));
	}
}

/* ir_inline_small's candidates: each one's size with what it would
 * inline, found once (SIZE_MAX: too large, or in a cycle of calls). */
struct inline_size {
	LLVMValueRef *fns;
	size_t *size, n, max;
	unsigned char *state; /* 0 not yet, 1 being found, 2 found */
};

static size_t inlined_size(struct inline_size *s, size_t k)
{
	if (s->state[k] == 2)
		return s->size[k];
	if (s->state[k] == 1)
		return SIZE_MAX; /* recursion: not inlined */
	s->state[k] = 1;
	size_t total = 0;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(s->fns[k]); bb && total <= s->max;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i && total <= s->max;
		     i = LLVMGetNextInstruction(i)) {
			total++;
			LLVMValueRef c = LLVMIsACallInst(i) ? LLVMGetCalledValue(i) : NULL;
			size_t g = 0;
			while (c && g < s->n && s->fns[g] != c)
				g++;
			if (!c || g == s->n)
				continue;
			size_t callee = inlined_size(s, g);
			total = callee == SIZE_MAX || total + callee > s->max ? SIZE_MAX : total + callee;
		}
	s->size[k] = total;
	s->state[k] = 2;
	return total;
}

void ir_inline_small(LLVMModuleRef m, LLVMValueRef keep, size_t max)
{
	LLVMContextRef ctx = LLVMGetModuleContext(m);
	unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	unsigned never = LLVMGetEnumAttributeKindForName("noinline", 8);
	struct inline_size s = {.max = max};
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		s.n++;
	s.fns = malloc((s.n + 1) * sizeof *s.fns);
	s.size = malloc((s.n + 1) * sizeof *s.size);
	s.state = calloc(s.n + 1, 1);
	if (!s.fns || !s.size || !s.state) { /* out of memory: none marked, only slower */
		free(s.fns), free(s.size), free(s.state);
		return;
	}
	s.n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		if (f != keep && !LLVMIsDeclaration(f) &&
		    !LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, never))
			s.fns[s.n++] = f;
	/* the size counts what a callee would bring in, each call site once:
	 * helpers that each call the next several times, marked on their own
	 * sizes, grew exponentially (nine levels of three calls: a 3.5 s
	 * "quick" compile) */
	for (size_t k = 0; k < s.n; k++)
		if (inlined_size(&s, k) <= max)
			LLVMAddAttributeAtIndex(s.fns[k], LLVMAttributeFunctionIndex,
						LLVMCreateEnumAttribute(ctx, always, 0));
	free(s.fns), free(s.size), free(s.state);
}

size_t ir_instructions(LLVMValueRef f)
{
	size_t n = 0;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
			n++;
	return n;
}

void ir_keep_reached(LLVMModuleRef m, const LLVMValueRef *roots, size_t n)
{
	struct reach r = {0};
	size_t own = 0;
	for (size_t k = 0; k < n; k++) {
		reach(&r, roots[k]);
		own += ir_instructions(roots[k]);
	}
	size_t budget = jit_keep_budget(own);
	reach_aliases_and_ifuncs(&r, m);
	LLVMValueRef *over = NULL; /* reached, past the budget */
	size_t nover = 0, cap = 0, spent = 0, head = 0, level_end = r.ntodo;
	unsigned level = 0;
	while (head < r.ntodo && !r.failed) {
		if (head == level_end)
			level++, level_end = r.ntodo;
		LLVMValueRef v = r.todo[head++];
		LLVMLinkage l = LLVMIsAFunction(v) ? LLVMGetLinkage(v) : LLVMExternalLinkage;
		if (level >= 2 && (l == LLVMAvailableExternallyLinkage || l == LLVMInternalLinkage) &&
		    !LLVMIsDeclaration(v)) {
			size_t size = ir_instructions(v);
			if (spent + size > budget) {
				if (nover == cap) {
					LLVMValueRef *more = realloc(over, (cap ? 2 * cap : 16) * sizeof *more);
					if (more)
						over = more, cap = cap ? 2 * cap : 16;
				}
				if (nover < cap) {
					over[nover++] = v;
					continue;
				}
			}
			spent += size;
		}
		reach_from(&r, v);
	}
	if (r.failed) { /* out of memory: the module as it is, only larger */
		free(r.keys);
		free(r.todo);
		free(over);
		return;
	}
	/* the functions and constants not reached lose their bodies and
	 * values, then the function declarations nothing uses go (a stub too:
	 * call_directly takes none); a variable not reached stays a
	 * declaration, so that a guard built later can still name it
	 * (jit_variable_at) */
	LLVMValueRef next;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = next) {
		next = LLVMGetNextFunction(f);
		if (!LLVMIsDeclaration(f) && !reached(&r, f))
			declare_only(m, f);
	}
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && !reached(&r, g)) {
			LLVMSetInitializer(g, NULL);
			LLVMSetLinkage(g, LLVMExternalLinkage);
		}
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = next) {
		next = LLVMGetNextFunction(f);
		if (LLVMIsDeclaration(f) && !LLVMGetFirstUse(f) && !reached(&r, f))
			LLVMDeleteFunction(f);
	}
	for (size_t k = 0; k < nover; k++) /* walked by none: after the set's last use */
		declare_only(m, over[k]);
	free(r.keys);
	free(r.todo);
	free(over);
}

/*
 * A version's module holds the bodies of the functions it compiles and of
 * those it may inline; every other function of it ends a declaration
 * (declare_only here, or ir_keep_reached once nothing reaches it). LLVM's
 * module copy copies every body all the same: each compile of the Lua
 * interpreter's functions (71,000 IR instructions) spent 60-100 ms copying
 * the program, most of a small function's compile, and the cost model,
 * which learns from compile times, then held every tier-up back. So the
 * program's copy is made with those bodies set aside: their blocks leave
 * their functions (which are then declarations, and copied as such) and
 * come back once the copy is made. Set aside are the definitions that no
 * walk from fns' bodies, and from the functions their specializations will
 * name, reaches through bodies the module keeps (jit_offer declares the
 * large ones) within ir_keep_reached's budget (walked breadth first as it
 * walks them: what it would drop is not copied), and those declared;
 * never one whose labels' addresses are taken, whose blocks a variable's
 * initializer names. A function whose address is only taken (in a table
 * of callbacks) is set aside as any other: the functions and variables a
 * specialization will name are walked from (named: a pointer specialized
 * on a constant table of callbacks must keep the callbacks' bodies for the
 * optimizer to inline them). (The walk from
 * a function a specialization names keeps the bodies it calls: a hash's
 * block loop, specialized on the callback that its caller passes for
 * each 64-byte stripe, inlined the callback but called each SIMD
 * intrinsic the callback uses through its stub, 25 times slower than
 * clang's code.) The Duktape interpreter's small functions (1,350
 * functions, 138,000 IR instructions, 230 of them in tables of
 * callbacks, most reaching hundreds of small ones) took 19-23 ms to copy
 * and 40-70 ms where they reached many; now 2 ms and 10-40 ms.
 */
bool ir_take_aside(LLVMValueRef f, struct ir_aside *a)
{
	unsigned nb;
	LLVMBasicBlockRef *blocks = ir_blocks(f, &nb);
	if (!blocks)
		return false;
	for (unsigned b = 0; b < nb; b++)
		LLVMRemoveBasicBlockFromParent(blocks[b]);
	*a = (struct ir_aside){f, blocks, nb};
	return true;
}

static size_t set_aside(struct jit *j, const enum jit_offer *offer, const unsigned *fns, size_t n,
			const LLVMValueRef *named, size_t nnamed, struct ir_aside *aside)
{
	struct reach r = {0};
	size_t na = 0, own = 0;
	bool *over = calloc(j->nfns + 1, sizeof *over); /* past the budget */
	if (!over)
		return 0;
	for (size_t i = 0; i < n; i++) {
		reach(&r, j->defs[fns[i]]);
		own += j->fns[fns[i]].size;
	}
	/* what specializations name, a level below (as ir_keep_reached finds
	 * it, through the specialized body): a named table's callbacks count
	 * against the budget */
	size_t first = r.ntodo;
	for (size_t i = 0; i < nnamed; i++)
		reach(&r, named[i]);
	reach_aliases_and_ifuncs(&r, j->module);
	size_t budget = jit_keep_budget(own), spent = 0, head = 0, level_end = first;
	unsigned level = 0;
	while (head < r.ntodo && !r.failed) {
		if (head == level_end)
			level++, level_end = r.ntodo;
		LLVMValueRef v = r.todo[head++];
		long k = LLVMIsAFunction(v) ? jit_def_index(j, v) : -1;
		if (k >= 0 && offer[k] == JIT_OFFER_DECLARE)
			continue; /* a declaration in the module: its body names nothing */
		if (LLVMIsAGlobalVariable(v) && !LLVMIsGlobalConstant(v))
			continue; /* a declaration too (ir_versions_module) */
		if (k >= 0 && level >= 2 && offer[k] != JIT_OFFER_OWN) {
			if (spent + j->fns[k].size > budget) {
				over[k] = true;
				continue;
			}
			spent += j->fns[k].size;
		}
		reach_from(&r, v);
	}
	/* the addresses of a function's labels (blockaddress) name its
	 * blocks: it keeps them */
	for (size_t k = 0; k < j->nfns && !r.failed; k++) {
		LLVMValueRef f = j->defs[k];
		if ((reached(&r, f) && !over[k] && offer[k] != JIT_OFFER_DECLARE) ||
		    j->fns[k].labels != IR_LABELS_NONE)
			continue;
		if (!ir_take_aside(f, &aside[na]))
			break; /* copied whole: only slower */
		na++;
	}
	free(over);
	free(r.keys);
	free(r.todo);
	return na;
}

void ir_put_back(struct ir_aside *aside, size_t na)
{
	for (size_t a = 0; a < na; a++) {
		for (unsigned b = 0; b < aside[a].n; b++)
			LLVMAppendExistingBasicBlock(aside[a].f, aside[a].blocks[b]);
		free(aside[a].blocks);
	}
}

void ir_variables_elsewhere(LLVMModuleRef m, bool keep_constants)
{
	if (ir_asm_exports(m))
		LLVMSetModuleInlineAsm2(m, "", 0);
	LLVMValueRef g = LLVMGetFirstGlobal(m), next;
	for (; g; g = next) {
		next = LLVMGetNextGlobal(g);
		if (!strncmp(LLVMGetValueName(g), "llvm.", 5)) { /* constructors, llvm.used */
			LLVMDeleteGlobal(g);
		} else if (!LLVMIsDeclaration(g)) {
			if (keep_constants && LLVMIsGlobalConstant(g)) {
				LLVMSetLinkage(g, LLVMAvailableExternallyLinkage);
			} else {
				LLVMSetInitializer(g, NULL);
				LLVMSetLinkage(g, LLVMExternalLinkage);
			}
		}
	}
}

LLVMModuleRef ir_versions_module(struct jit *j, const unsigned *fns, size_t n, char *const *names,
				 LLVMValueRef *bodies, const LLVMValueRef *named, size_t nnamed)
{
	enum jit_offer *offer = malloc((j->nfns + 1) * sizeof *offer);
	struct ir_aside *aside = malloc((j->nfns + 1) * sizeof *aside);
	LLVMValueRef *large = malloc((j->nfns + 1) * sizeof *large);
	size_t na = 0;
	if (offer && aside && large) { /* else the whole program, as it is */
		for (size_t k = 0; k < j->nfns; k++)
			offer[k] = jit_offer(j, k, fns, n);
		na = set_aside(j, offer, fns, n, named, nnamed, aside);
	}
	LLVMModuleRef m = ir_clone(j->module);
	ir_put_back(aside, na);
	free(aside);
	size_t k = 0, nlarge = 0; /* the definitions are in jit_fn order */
	for (size_t i = 0; i < n; i++)
		bodies[i] = LLVMGetNamedFunction(m, j->syms[fns[i]]);
	/* the copy's functions are the program's, in its order; a definition
	 * set aside is a declaration in the copy, made one here as any other */
	LLVMValueRef o = LLVMGetFirstFunction(j->module);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f && o;
	     f = LLVMGetNextFunction(f), o = LLVMGetNextFunction(o)) {
		if (LLVMIsDeclaration(o))
			continue;
		enum jit_offer how = offer ? offer[k] : jit_offer(j, k, fns, n);
		k++;
		if (LLVMIsDeclaration(f))
			how = JIT_OFFER_DECLARE;
		switch (how) {
		case JIT_OFFER_OWN:
			break;
		case JIT_OFFER_PRIVATE:
			LLVMSetLinkage(f, LLVMInternalLinkage);
			break;
		case JIT_OFFER_DECLARE:
			if (large) {
				large[nlarge++] = f;
				break;
			}
			/* fall through: without memory, offer it all the same */
		case JIT_OFFER_INLINE:
			if (!LLVMIsDeclaration(f))
				LLVMSetLinkage(f, LLVMAvailableExternallyLinkage);
			break;
		}
	}
	free(offer);
	for (size_t i = 0; i < nlarge; i++)
		declare_only(m, large[i]);
	free(large);
	ir_variables_elsewhere(m, true);
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef decl = redirect_to_declaration(m, bodies[i]);
		LLVMSetValueName2(bodies[i], names[i], strlen(names[i]));
		LLVMSetValueName2(decl, j->syms[fns[i]], strlen(j->syms[fns[i]]));
		/* a version jumps through tables of its own labels, not the
		 * tier-0 code's (available_externally, they would be those) */
		for (LLVMUseRef u = LLVMGetFirstUse(bodies[i]); u; u = LLVMGetNextUse(u))
			if (LLVMIsABlockAddress(LLVMGetUser(u)))
				own_tables(LLVMGetUser(u), 0);
	}
	return m;
}

LLVMModuleRef ir_version_module(struct jit *j, unsigned fn, const char *name, LLVMValueRef *bodyp)
{
	char *names[1] = {(char *)name};
	return ir_versions_module(j, &fn, 1, names, bodyp, NULL, 0);
}

/* An argument's bits as an i64 (see enum jit_arg_kind). */
LLVMValueRef ir_bits(struct ir *ir, LLVMValueRef v)
{
	LLVMTypeRef t = LLVMTypeOf(v);
	switch (LLVMGetTypeKind(t)) {
	case LLVMPointerTypeKind:
		return LLVMBuildPtrToInt(ir->b, v, ir->i64, "");
	case LLVMFloatTypeKind:
		return LLVMBuildZExt(ir->b, LLVMBuildBitCast(ir->b, v, ir->i32, ""), ir->i64, "");
	case LLVMDoubleTypeKind:
		return LLVMBuildBitCast(ir->b, v, ir->i64, "");
	default:
		return LLVMGetIntTypeWidth(t) < 64 ? LLVMBuildSExt(ir->b, v, ir->i64, "") : v;
	}
}

/* The largest alignment a thread-local variable may ask for: a thread's
 * block starts on a page. */
#define TLS_ALIGN_MAX 4096

int ir_tls_layout(struct jit *j)
{
	size_t n = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g))
		n += LLVMIsThreadLocal(g) && !LLVMIsDeclaration(g);
	if (!n)
		return 0;
	j->tls = calloc(n, sizeof *j->tls);
	if (!j->tls)
		return jit_out_of_memory(j);
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g)) {
		if (!LLVMIsThreadLocal(g) || LLVMIsDeclaration(g))
			continue;
		LLVMTypeRef ty = LLVMGlobalGetValueType(g);
		uint64_t align = LLVMGetAlignment(g);
		if (!align)
			align = LLVMABIAlignmentOfType(j->layout, ty);
		if (align > TLS_ALIGN_MAX)
			return jit_fail(j, JIT_EBADCODE,
					"thread-local variable %s asks for %llu-byte alignment; the "
					"JIT gives at most %d",
					LLVMGetValueName(g), (unsigned long long)align, TLS_ALIGN_MAX);
		struct jit_tls *t = &j->tls[j->ntls++];
		t->offset = (j->tls_total + align - 1) & ~(align - 1);
		t->size = LLVMABISizeOfType(j->layout, ty);
		t->name = strdup(LLVMGetValueName(g));
		if (!t->name)
			return jit_out_of_memory(j);
		j->tls_total = t->offset + t->size;
	}
	return 0;
}

static const struct jit_tls *tls_find(const struct jit *j, const char *name)
{
	for (size_t i = 0; i < j->ntls; i++)
		if (!strcmp(j->tls[i].name, name))
			return &j->tls[i];
	return NULL;
}

/* Whether v calls llvm.threadlocal.address. */
static bool is_tls_address_call(LLVMValueRef v)
{
	unsigned id = LLVMLookupIntrinsicID("llvm.threadlocal.address", 24);
	if (!LLVMIsACallInst(v))
		return false;
	LLVMValueRef callee = LLVMGetCalledValue(v);
	return callee && LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) == id;
}

/* Whether constant c is part of the initializers of llvm.used,
 * llvm.compiler.used (which name a variable to keep it) or the table of
 * thread-local variables only: uses that stay the image's. */
static bool only_kept(LLVMValueRef c)
{
	if (!LLVMIsAConstant(c) || LLVMIsAGlobalValue(c))
		return false;
	for (LLVMUseRef u = LLVMGetFirstUse(c); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAGlobalVariable(user)) {
			const char *name = LLVMGetValueName(user);
			if (strcmp(name, "llvm.used") && strcmp(name, "llvm.compiler.used") &&
			    strcmp(name, JIT_TLS_TABLE))
				return false;
		} else if (!only_kept(user)) {
			return false;
		}
	}
	return true;
}

/* The table of m's thread-local variables (JIT_TLS_TABLE): defined if m
 * defines them (tl, n of them, every one of the program's), else
 * declared. NULL if out of memory. */
static LLVMValueRef tls_table(struct ir *ir, LLVMValueRef *tl, size_t n, bool define)
{
	struct jit *j = ir->j;
	LLVMValueRef t = LLVMGetNamedGlobal(ir->m, JIT_TLS_TABLE);
	if (t)
		return t;
	if (!define)
		return LLVMAddGlobal(ir->m, LLVMArrayType(ir->i8, 0), JIT_TLS_TABLE);
	LLVMTypeRef fields[3] = {ir->ptr, ir->i64, ir->i64};
	LLVMTypeRef entry = LLVMStructTypeInContext(j->ctx, fields, 3, 0);
	LLVMValueRef *entries = calloc(j->ntls ? j->ntls : 1, sizeof *entries);
	if (!entries)
		return NULL;
	for (size_t i = 0; i < j->ntls; i++) {
		LLVMValueRef image = NULL;
		for (size_t k = 0; k < n && !image; k++)
			if (!strcmp(LLVMGetValueName(tl[k]), j->tls[i].name))
				image = tl[k];
		LLVMValueRef v[3] = {image ? image : LLVMConstNull(ir->ptr),
				     LLVMConstInt(ir->i64, j->tls[i].offset, 0),
				     LLVMConstInt(ir->i64, j->tls[i].size, 0)};
		entries[i] = LLVMConstNamedStruct(entry, v, 3);
	}
	LLVMValueRef body[3] = {LLVMConstInt(ir->i64, j->ntls, 0),
				LLVMConstInt(ir->i64, j->tls_total, 0),
				LLVMConstArray2(entry, entries, j->ntls)};
	free(entries);
	LLVMValueRef init = LLVMConstStructInContext(j->ctx, body, 3, 0);
	t = LLVMAddGlobal(ir->m, LLVMTypeOf(init), JIT_TLS_TABLE);
	LLVMSetInitializer(t, init);
	LLVMSetGlobalConstant(t, 1);
	return t;
}

int ir_emulate_tls(struct jit *j, LLVMModuleRef m)
{
	size_t n = 0, nusers;
	bool defines = false;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		n += LLVMIsThreadLocal(g);
	if (!n)
		return 0;
	LLVMValueRef *tl = calloc(n, sizeof *tl);
	if (!tl)
		return jit_out_of_memory(j);
	n = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		if (LLVMIsThreadLocal(g)) {
			tl[n++] = g;
			defines |= !LLVMIsDeclaration(g);
		}
	struct ir ir;
	int err = 0;
	ir_open(&ir, j, m);
	LLVMTypeRef params[2] = {ir.ptr, ir.i64};
	LLVMTypeRef fty = LLVMFunctionType(ir.ptr, params, 2, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(m, JIT_TLS_ADDRESS);
	if (!fn) {
		fn = LLVMAddFunction(m, JIT_TLS_ADDRESS, fty);
		/* what llvm.threadlocal.address is to the optimizer: for a
		 * thread, the same address for the same variable, and nothing
		 * the program can see happens (memory(none) is 0), so that its
		 * calls can be merged and moved out of loops as the
		 * intrinsic's would be (the compile server's modules are
		 * emulated before their passes, remote.c) */
		static const char *const attrs[] = {"nounwind", "willreturn", "nosync", "memory"};
		for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++)
			LLVMAddAttributeAtIndex(
			    fn, LLVMAttributeFunctionIndex,
			    LLVMCreateEnumAttribute(
				j->ctx, LLVMGetEnumAttributeKindForName(attrs[k], strlen(attrs[k])), 0));
	}
	LLVMValueRef table = tls_table(&ir, tl, n, defines);
	if (!table)
		err = jit_out_of_memory(j);
	for (size_t k = 0; k < n && !err; k++) {
		LLVMValueRef g = tl[k];
		const struct jit_tls *t = tls_find(j, LLVMGetValueName(g));
		if (!t) {
			err = jit_fail(j, JIT_EBADCODE,
				       "thread-local variable %s is not the program's own (the C "
				       "library's?): the JIT cannot reach it",
				       LLVMGetValueName(g));
			break;
		}
		LLVMValueRef args[2] = {table, LLVMConstInt(ir.i64, t->offset, 0)};
		/* the users first: the table and the calls made below use g too */
		nusers = 0;
		for (LLVMUseRef u = LLVMGetFirstUse(g); u; u = LLVMGetNextUse(u))
			nusers++;
		LLVMValueRef *users = malloc((nusers ? nusers : 1) * sizeof *users);
		if (!users) {
			err = jit_out_of_memory(j);
			break;
		}
		nusers = 0;
		for (LLVMUseRef u = LLVMGetFirstUse(g); u; u = LLVMGetNextUse(u))
			users[nusers++] = LLVMGetUser(u);
		for (size_t i = 0; i < nusers && !err; i++) {
			if (only_kept(users[i]))
				continue;
			if (!is_tls_address_call(users[i])) {
				err = jit_fail(j, JIT_EBADCODE,
					       "thread-local variable %s is used other than through "
					       "llvm.threadlocal.address, which the JIT cannot emulate",
					       LLVMGetValueName(g));
				break;
			}
			LLVMPositionBuilderBefore(ir.b, users[i]);
			LLVMValueRef c = LLVMBuildCall2(ir.b, fty, fn, args, 2, "");
			LLVMReplaceAllUsesWith(users[i], c);
			LLVMInstructionEraseFromParent(users[i]);
		}
		free(users);
		LLVMSetThreadLocal(g, 0);
	}
	ir_close(&ir);
	free(tl);
	return err;
}

bool ir_has_assembly(LLVMModuleRef m)
{
	size_t len = 0;
	LLVMGetModuleInlineAsm(m, &len);
	if (len)
		return true;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i))
				if ((LLVMIsACallInst(i) || LLVMIsAInvokeInst(i) || LLVMIsACallBrInst(i)) &&
				    LLVMGetValueKind(LLVMGetCalledValue(i)) == LLVMInlineAsmValueKind)
					return true;
	return false;
}

/* A list of names being gathered (a name may be in it more than once),
 * sorted at the end. */
struct name_list {
	char **v;
	size_t n, cap;
	bool failed;
};

static void add_name(struct name_list *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t c = l->cap ? 2 * l->cap : 16;
		char **more = realloc(l->v, c * sizeof *more);
		if (!more) {
			l->failed = true;
			return;
		}
		l->v = more, l->cap = c;
	}
	char *copy = strndup(s, len);
	if (!copy) {
		l->failed = true;
		return;
	}
	l->v[l->n++] = copy;
}

/* The characters of a symbol's name in GNU as's AT&T syntax ('$' is an
 * immediate's mark there, and '%' a register's). */
static bool name_char(char c, bool first)
{
	return c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/* Whether the word at s (n bytes) is one of the directives given. */
static bool word_in(const char *s, size_t n, const char *const *words, size_t nwords)
{
	for (size_t k = 0; k < nwords; k++)
		if (strlen(words[k]) == n && !memcmp(s, words[k], n))
			return true;
	return false;
}

/* The directives whose first operand is a symbol they define, and those
 * that make a symbol global. */
static const char *const defining[] = {".set", ".equ", ".equiv", ".eqv", ".comm", ".lcomm"};
static const char *const exporting[] = {".globl", ".global", ".weak"};

/* Adds text's identifiers to names (strings and comments name nothing)
 * and, for module-level assembly (labels not NULL), those it defines to
 * labels: followed by a colon or by `=`, or the first operand of a
 * defining directive; *exports is set where it makes a symbol global. */
static void scan_asm(const char *text, size_t len, struct name_list *names,
		     struct name_list *labels, bool *exports)
{
	bool defines_next = false; /* the last word was a defining directive */
	size_t i = 0;
	while (i < len) {
		char c = text[i];
		if (c == '"') {
			for (i++; i < len && text[i] != '"'; i++)
				i += text[i] == '\\';
			i++;
			continue;
		}
		if (c == '#' || (c == '/' && i + 1 < len && text[i + 1] == '/')) {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			for (i += 2;
			     i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/'); i++)
				;
			i += 2;
			continue;
		}
		if (!name_char(c, true) || (i && name_char(text[i - 1], false))) {
			if (c == '\n' || c == ';')
				defines_next = false;
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && name_char(text[i], false))
			i++;
		size_t n = i - start;
		add_name(names, text + start, n);
		size_t k = i;
		while (k < len && (text[k] == ' ' || text[k] == '\t'))
			k++;
		bool colon = k < len && text[k] == ':';
		bool equals = k < len && text[k] == '=' && (k + 1 == len || text[k + 1] != '=');
		if (labels && (defines_next || colon || equals))
			add_name(labels, text + start, n);
		defines_next =
		    word_in(text + start, n, defining, sizeof defining / sizeof *defining);
		if (exports &&
		    word_in(text + start, n, exporting, sizeof exporting / sizeof *exporting))
			*exports = true;
	}
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

bool ir_asm_names(LLVMModuleRef m, struct ir_asm_names *out)
{
	struct name_list names = {0}, labels = {0};
	size_t len = 0;
	const char *text = LLVMGetModuleInlineAsm(m, &len);
	scan_asm(text, len, &names, &labels, NULL);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				if (!LLVMIsACallInst(i) && !LLVMIsAInvokeInst(i) &&
				    !LLVMIsACallBrInst(i))
					continue;
				LLVMValueRef callee = LLVMGetCalledValue(i);
				if (LLVMGetValueKind(callee) != LLVMInlineAsmValueKind)
					continue;
				text = LLVMGetInlineAsmAsmString(callee, &len);
				scan_asm(text, len, &names, NULL, NULL);
			}
	if (names.failed || labels.failed) {
		free_names(names.v, names.n);
		free_names(labels.v, labels.n);
		return false;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, by_string);
	if (labels.n)
		qsort(labels.v, labels.n, sizeof *labels.v, by_string);
	*out = (struct ir_asm_names){names.v, labels.v, names.n, labels.n};
	return true;
}

bool ir_asm_names_has(char *const *set, size_t n, const char *name)
{
	return n && bsearch(&name, set, n, sizeof *set, by_string);
}

void ir_asm_names_free(struct ir_asm_names *a)
{
	free_names(a->names, a->nnames);
	free_names(a->labels, a->nlabels);
	*a = (struct ir_asm_names){0};
}

bool ir_asm_exports(LLVMModuleRef m)
{
	size_t len = 0;
	const char *text = LLVMGetModuleInlineAsm(m, &len);
	struct name_list names = {0};
	bool exports = false;
	scan_asm(text, len, &names, NULL, &exports);
	free_names(names.v, names.n);
	return exports;
}
