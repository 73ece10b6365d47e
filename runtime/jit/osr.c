/*
 * On-stack replacement: optimized code that takes over a call to a tier-0
 * function at one of its loop headers, for functions that are called once
 * (main) or rarely but loop for long.
 *
 * Unoptimized code keeps every local variable in an alloca of the entry
 * block, and clang's unoptimized code carries hardly a value from one
 * statement to the next in registers: a variable-length array's address,
 * its size and the stack pointer saved before it. So the state of a tier-0
 * call at a loop header is its arguments, its allocas and those values.
 * Tier 0 passes the allocas' addresses in a frame array (in entry-block
 * order), then the values (ir_osr_live_ins), to the OSR function, whose
 * entry copies the allocas it can own (those whose address never escapes),
 * uses the tier-0 frame's memory for the others, loads the values, then
 * jumps to the header. Blocks only reachable before the header are
 * removed. If the result does not verify, the loop is unfit and tier 0
 * goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "internal.h"

/* Whether the address p (an alloca or a GEP of it) may be kept anywhere:
 * anything but loads, stores to it, address arithmetic on it, and the
 * memory intrinsics counts. */
static bool escapes(LLVMValueRef p)
{
	static const char *const harmless[] = {"llvm.lifetime.", "llvm.memcpy", "llvm.memmove",
					       "llvm.memset", NULL};
	for (LLVMUseRef u = LLVMGetFirstUse(p); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsALoadInst(user))
			continue;
		if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 0) != p)
			continue;
		if (LLVMIsAGetElementPtrInst(user) && LLVMGetOperand(user, 0) == p &&
		    !escapes(user))
			continue;
		if (LLVMIsACallInst(user) && ir_calls_intrinsic(user, harmless))
			continue;
		return true;
	}
	return false;
}

static int unfit(struct jit *j, const char *why)
{
	return jit_fail(j, JIT_EUNFIT, "%s", why);
}

/*
 * The phis of live block bb (one the OSR code keeps) lose what they merge
 * from blocks it drops, which it can no longer come from: clang's block
 * of a function's computed gotos merges their targets, the first computed
 * before any loop (each phi is built again without them: LLVM's C API
 * cannot remove an incoming edge).
 */
static int drop_dead_edges(struct jit *j, struct ir *ir, const struct ir_blockmap *map,
			   const unsigned char *live, LLVMBasicBlockRef bb)
{
	for (LLVMValueRef phi = LLVMGetFirstInstruction(bb), next; LLVMIsAPHINode(phi);
	     phi = next) {
		next = LLVMGetNextInstruction(phi);
		unsigned n = LLVMCountIncoming(phi), kept = 0;
		for (unsigned in = 0; in < n; in++) {
			long d = ir_blockmap_get(map, LLVMGetIncomingBlock(phi, in));
			kept += d < 0 || live[d];
		}
		if (kept == n)
			continue;
		if (!kept) /* cannot be: a live block has a live predecessor */
			return unfit(j, "a join after the loop merges only values from before it");
		LLVMPositionBuilderBefore(ir->b, phi);
		LLVMValueRef fresh = LLVMBuildPhi(ir->b, LLVMTypeOf(phi), "");
		for (unsigned in = 0; in < n; in++) {
			LLVMBasicBlockRef from = LLVMGetIncomingBlock(phi, in);
			long d = ir_blockmap_get(map, from);
			if (d < 0 || live[d]) {
				LLVMValueRef v = LLVMGetIncomingValue(phi, in);
				LLVMAddIncoming(fresh, &v, &from, 1);
			}
		}
		LLVMReplaceAllUsesWith(phi, fresh);
		LLVMInstructionEraseFromParent(phi);
	}
	return 0;
}

int jit_build_osr(struct jit *j, LLVMModuleRef m, LLVMValueRef body, unsigned loop,
		  const char *name)
{
	unsigned nb, n;
	LLVMBasicBlockRef *blocks = ir_blocks(body, &nb);
	LLVMValueRef *allocas = NULL, *cands = NULL, *live_ins = NULL;
	LLVMTypeRef *types = NULL;
	unsigned char *live = NULL;
	int err = 0;
	struct ir ir;

	ir_open(&ir, j, m);
	if (!blocks)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	if (loop >= nb || loop == 0) {
		err = unfit(j, "no such loop header");
		goto out;
	}
	LLVMBasicBlockRef header = blocks[loop];
	if (LLVMIsAPHINode(LLVMGetFirstInstruction(header))) {
		err = unfit(j, "the loop header has phi nodes");
		goto out;
	}
	if (ir_calls_returns_twice(body)) {
		err = unfit(j, "the function calls setjmp");
		goto out;
	}
	if (ir_labels(body) > IR_LABELS_JUMP) { /* the tier-0 frame would hold tier 0's */
		err = unfit(j, "the function keeps its labels' addresses in its frame");
		goto out;
	}
	/* what the call passes besides its allocas, as tier 0 found it */
	bool fit = true;
	long nlive = ir_osr_candidates(blocks, nb, &cands);
	if (nlive > 0 && !(live_ins = malloc((size_t)nlive * sizeof *live_ins)))
		nlive = -1;
	if (nlive > 0)
		nlive = ir_osr_live_ins(blocks, nb, loop, cands, (unsigned)nlive, live_ins, &fit);
	if (nlive < 0) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	if (!fit) {
		err = unfit(j, "the loop uses a value computed before it that has no slot");
		goto out;
	}

	/* The OSR function: the same parameters and a frame pointer. */
	LLVMTypeRef fty = LLVMGlobalGetValueType(body);
	n = LLVMCountParamTypes(fty);
	types = malloc((n + 1) * sizeof *types);
	if (!types) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	LLVMGetParamTypes(fty, types);
	types[n] = ir.ptr;
	LLVMSetValueName2(body, "bf.osr.from", 11);
	LLVMValueRef o =
	    LLVMAddFunction(m, name, LLVMFunctionType(LLVMGetReturnType(fty), types, n + 1, 0));
	ir_copy_param_attrs(body, o, false);
	unsigned nfa = LLVMGetAttributeCountAtIndex(body, LLVMAttributeFunctionIndex);
	LLVMAttributeRef *fa = malloc((nfa + 1) * sizeof *fa);
	if (fa) {
		LLVMGetAttributesAtIndex(body, LLVMAttributeFunctionIndex, fa);
		for (unsigned k = 0; k < nfa; k++)
			LLVMAddAttributeAtIndex(o, LLVMAttributeFunctionIndex, fa[k]);
		free(fa);
	}
	for (unsigned k = 0; k < nb; k++) {
		LLVMRemoveBasicBlockFromParent(blocks[k]);
		LLVMAppendExistingBasicBlock(o, blocks[k]);
	}
	for (unsigned k = 0; k < n; k++)
		LLVMReplaceAllUsesWith(LLVMGetParam(body, k), LLVMGetParam(o, k));
	/* its labels' addresses (in tables of this module's own, see
	 * ir_versions_module) name the function their blocks are now in */
	LLVMReplaceAllUsesWith(body, o);
	LLVMDeleteFunction(body); /* now bodiless and unused */

	/* The new entry: take over the tier-0 frame's allocas. */
	unsigned na = 0;
	for (LLVMValueRef i = LLVMGetFirstInstruction(blocks[0]); i; i = LLVMGetNextInstruction(i))
		na += ir_is_static_alloca(i);
	allocas = malloc((na + 1) * sizeof *allocas);
	if (!allocas) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	na = 0;
	for (LLVMValueRef i = LLVMGetFirstInstruction(blocks[0]); i; i = LLVMGetNextInstruction(i))
		if (ir_is_static_alloca(i))
			allocas[na++] = i;
	LLVMBasicBlockRef entry = LLVMInsertBasicBlockInContext(j->ctx, blocks[0], "osr.entry");
	LLVMPositionBuilderAtEnd(ir.b, entry);
	LLVMValueRef frame = LLVMGetParam(o, n);
	for (unsigned k = 0; k < na; k++) {
		LLVMValueRef idx = LLVMConstInt(ir.i64, k, 0);
		LLVMValueRef saved = LLVMBuildLoad2(
		    ir.b, ir.ptr, LLVMBuildGEP2(ir.b, ir.ptr, frame, &idx, 1, ""), "");
		LLVMValueRef a = allocas[k];
		if (escapes(a)) {
			LLVMReplaceAllUsesWith(a, saved);
			continue;
		}
		LLVMInstructionRemoveFromParent(a);
		LLVMInsertIntoBuilder(ir.b, a);
		unsigned long long size = LLVMABISizeOfType(j->layout, LLVMGetAllocatedType(a)) *
					  LLVMConstIntGetZExtValue(LLVMGetOperand(a, 0));
		unsigned align = LLVMGetAlignment(a);
		LLVMBuildMemCpy(ir.b, a, align, saved, align, LLVMConstInt(ir.i64, size, 0));
	}
	for (long k = 0; k < nlive; k++) {
		LLVMValueRef v = live_ins[k];
		/* Restoring the stack pointer tier 0 saved would move this
		 * function's own: the tier-0 call's stack goes when it returns,
		 * right after this code does. */
		static const char *const restore[] = {"llvm.stackrestore", NULL};
		LLVMUseRef u = LLVMGetFirstUse(v);
		while (u) {
			LLVMValueRef user = LLVMGetUser(u);
			u = LLVMGetNextUse(u);
			if (LLVMIsACallInst(user) && ir_calls_intrinsic(user, restore))
				LLVMInstructionEraseFromParent(user);
		}
		LLVMValueRef idx = LLVMConstInt(ir.i64, (unsigned long long)(na + k), 0);
		LLVMValueRef slot = LLVMBuildGEP2(ir.b, ir.ptr, frame, &idx, 1, "");
		LLVMReplaceAllUsesWith(v, LLVMBuildLoad2(ir.b, LLVMTypeOf(v), slot, ""));
	}
	LLVMBuildBr(ir.b, header);

	/* What stays: the blocks reachable from the header. */
	free(blocks);
	blocks = ir_blocks(o, &nb);
	live = calloc(nb ? nb : 1, 1);
	LLVMBasicBlockRef *work = malloc((nb + 1) * sizeof *work);
	struct ir_blockmap map;
	if (!blocks || !live || !work || !ir_blockmap_init(&map, blocks, nb)) {
		free(work);
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	unsigned sp = 0;
	work[sp++] = entry;
	live[0] = 1; /* entry is block 0 */
	while (sp) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(work[--sp]);
		unsigned ns = t ? LLVMGetNumSuccessors(t) : 0;
		for (unsigned s = 0; s < ns; s++) {
			LLVMBasicBlockRef b = LLVMGetSuccessor(t, s);
			long k = ir_blockmap_get(&map, b);
			if (k >= 0 && !live[k]) {
				live[k] = 1;
				work[sp++] = b;
			}
		}
	}
	free(work);
	for (unsigned k = 0; k < nb && !err; k++)
		if (live[k])
			err = drop_dead_edges(j, &ir, &map, live, blocks[k]);
	for (unsigned k = 0; k < nb && !err; k++) {
		if (live[k])
			continue;
		for (LLVMValueRef i = LLVMGetFirstInstruction(blocks[k]); i && !err;
		     i = LLVMGetNextInstruction(i)) {
			for (LLVMUseRef u = LLVMGetFirstUse(i); u && !err; u = LLVMGetNextUse(u)) {
				long d =
				    ir_blockmap_get(&map, LLVMGetInstructionParent(LLVMGetUser(u)));
				if (d >= 0 && live[d])
					err = unfit(j, "the loop uses a value computed before it");
			}
		}
	}
	ir_blockmap_free(&map);
	if (err)
		goto out;
	for (unsigned k = 0; k < nb; k++)
		if (!live[k])
			for (LLVMValueRef i = LLVMGetFirstInstruction(blocks[k]); i;
			     i = LLVMGetNextInstruction(i))
				if (LLVMGetTypeKind(LLVMTypeOf(i)) != LLVMVoidTypeKind)
					LLVMReplaceAllUsesWith(i, LLVMGetPoison(LLVMTypeOf(i)));
	for (unsigned k = 0; k < nb; k++) {
		if (live[k])
			continue;
		LLVMValueRef i;
		while ((i = LLVMGetLastInstruction(blocks[k])))
			LLVMInstructionEraseFromParent(i);
		LLVMDeleteBasicBlock(blocks[k]);
	}
	if (LLVMVerifyFunction(o, LLVMReturnStatusAction))
		err = unfit(j, "the loop's code does not stand on its own (verifier)");
out:
	ir_close(&ir);
	free(blocks);
	free(allocas);
	free(cands);
	free(live_ins);
	free(types);
	free(live);
	return err;
}

/* The program's functions the OSR code called before optimizing (before)
 * and calls no more (after), by name, after the "" in out (size at least
 * 4: "..." ends a list cut short). */
static void list_inlined(const struct jit *j, const unsigned char *before,
			 const unsigned char *after, char *out, size_t size)
{
	size_t n = 0;
	for (size_t k = 0; k < j->nfns; k++) {
		if (!before[k] || after[k])
			continue;
		int w = snprintf(out + n, size - n, "%s%s", n ? ", " : "", j->fns[k].name);
		if (w < 0 || (size_t)w >= size - n) {
			snprintf(out + (n < size - 4 ? n : size - 4), 4, "...");
			break;
		}
		n += (size_t)w;
	}
}

int jit_compile_osr(struct jit *j, unsigned fn, unsigned loop, int tier, void **addr, uint64_t *ns,
		    char *inlined, size_t size)
{
	char name[600];
	uint64_t t0 = rt_now_ns();
	LLVMValueRef body;

	if (size)
		inlined[0] = 0;
	snprintf(name, sizeof name, "%s.osr%u.v%u", j->syms[fn], loop, j->serial++);
	j->osr = true;
	LLVMModuleRef m = ir_version_module(j, fn, name, &body);
	j->osr = false;
	int err = jit_build_osr(j, m, body, loop, name);
	bool list = size >= 4; /* room for a name or "..." */
	unsigned char *before = err || !list ? NULL : calloc(2 * (j->nfns + 1), 1);
	unsigned char *after = before ? before + j->nfns + 1 : NULL;
	if (!err && list && !before)
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	LLVMValueRef o = LLVMGetNamedFunction(m, name);
	if (o)
		ir_keep_reached(m, &o, 1);
	if (o && list)
		jit_mark_calls(j, o, before);
	if (tier == 1) {
		err = jit_emit_quick(j, m, name, after);
	} else {
		err = jit_emit_seen(j, m, 3, 3, "globaldce", list ? name : NULL, after);
	}
	if (!err && list)
		list_inlined(j, before, after, inlined, size);
	free(before);
	if (err || (err = jit_lookup(j, name, addr)) ||
	    (j->keep && (err = jit_made(j, *addr, name))))
		return err;
	*ns = rt_now_ns() - t0;
	return 0;
}
