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
#include <stdint.h>
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

/*
 * A variable-length array's scope ends by restoring the stack pointer
 * saved before it. In the OSR code, a pointer saved by the tier-0 call
 * (passed in the frame, or in one of its locals) is above the OSR code's
 * own stack, which restoring it would give up while in use (a loop that
 * declared an array in its body then wrote its next one over the OSR
 * code's frame, and never ended). The tier-0 call's arrays go when it
 * returns, right after the OSR code does: a restore to a pointer above the
 * stack pointer the OSR code began with (at its entry: at) restores the
 * current one instead, which changes nothing.
 */
static void guard_restores(struct ir *ir, LLVMValueRef o, LLVMBasicBlockRef entry)
{
	static const char *const restore[] = {"llvm.stackrestore", NULL};
	unsigned id = LLVMLookupIntrinsicID("llvm.stacksave", 14);
	LLVMTypeRef pt = ir->ptr;
	LLVMValueRef save = LLVMGetIntrinsicDeclaration(ir->m, id, &pt, 1);
	LLVMTypeRef sty = LLVMIntrinsicGetType(ir->j->ctx, id, &pt, 1);
	LLVMValueRef at = NULL;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(o); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			if (!LLVMIsACallInst(i) || !ir_calls_intrinsic(i, restore))
				continue;
			if (!at) {
				LLVMPositionBuilderAtEnd(ir->b, entry);
				at = LLVMBuildCall2(ir->b, sty, save, NULL, 0, "");
			}
			LLVMPositionBuilderBefore(ir->b, i);
			LLVMValueRef p = LLVMGetOperand(i, 0);
			LLVMValueRef now = LLVMBuildCall2(ir->b, sty, save, NULL, 0, "");
			LLVMValueRef mine = LLVMBuildICmp(
			    ir->b, LLVMIntULE, LLVMBuildPtrToInt(ir->b, p, ir->i64, ""),
			    LLVMBuildPtrToInt(ir->b, at, ir->i64, ""), "");
			LLVMSetOperand(i, 0, LLVMBuildSelect(ir->b, mine, p, now, ""));
		}
}

/* The static allocas (of allocas, na) that pointer v, passed in the frame,
 * may point into, marked in marks: through address arithmetic, casts,
 * selects and phis (what unoptimized code computes an address with before
 * a loop: an element of a local array whose index a statement expression
 * with a loop computes). Past *budget steps, all of them. */
static void mark_bases(LLVMValueRef v, LLVMValueRef *allocas, unsigned na, unsigned char *marks,
		       int *budget)
{
	if (LLVMGetTypeKind(LLVMTypeOf(v)) != LLVMPointerTypeKind)
		return;
	if (--*budget < 0) {
		memset(marks, 1, na);
		return;
	}
	for (unsigned k = 0; k < na; k++)
		if (allocas[k] == v) {
			marks[k] = 1;
			return;
		}
	if (LLVMIsAGetElementPtrInst(v) || LLVMIsACastInst(v)) {
		mark_bases(LLVMGetOperand(v, 0), allocas, na, marks, budget);
	} else if (LLVMIsASelectInst(v)) {
		mark_bases(LLVMGetOperand(v, 1), allocas, na, marks, budget);
		mark_bases(LLVMGetOperand(v, 2), allocas, na, marks, budget);
	} else if (LLVMIsAPHINode(v)) {
		for (unsigned k = 0; k < LLVMCountIncoming(v); k++)
			mark_bases(LLVMGetIncomingValue(v, k), allocas, na, marks, budget);
	}
}

/* In a map of values to their copies (copy_region): v's copy, or v
 * itself (a constant, a value from outside the region). */
static LLVMValueRef copy_of(const struct ir_ptrmap *m, LLVMValueRef v)
{
	uintptr_t c;
	return ir_ptrmap_get(m, v, &c) ? (LLVMValueRef)c : v;
}

/* Whether the header's region is worth a copy and can have one: a loop
 * around the header (a block it reaches that is above it); only branches,
 * switches and returns out of its blocks (not a computed goto's, whose
 * labels' addresses name the originals); and nothing computed in it used
 * outside it, which the copy would have to merge with the original. */
static bool copyable(const struct ir_osr *r)
{
	bool around = false;
	for (unsigned b = 0; b < r->nb; b++)
		around = around || (r->reach[b] && !r->region[b]);
	for (unsigned b = 0; around && b < r->nb; b++) {
		if (!r->region[b])
			continue;
		LLVMValueRef t = LLVMGetBasicBlockTerminator(r->blocks[b]);
		LLVMOpcode op = t ? LLVMGetInstructionOpcode(t) : LLVMUnreachable;
		if (op != LLVMBr && op != LLVMSwitch && op != LLVMRet && op != LLVMUnreachable)
			return false;
		for (LLVMValueRef i = LLVMGetFirstInstruction(r->blocks[b]); i;
		     i = LLVMGetNextInstruction(i))
			for (LLVMUseRef u = LLVMGetFirstUse(i); u; u = LLVMGetNextUse(u)) {
				LLVMValueRef user = LLVMGetUser(u);
				long d = ir_blockmap_get(&r->map, LLVMGetInstructionParent(user));
				if (d < 0 || !r->reach[d] || r->region[d])
					continue;
				if (!LLVMIsAPHINode(user))
					return false;
				for (unsigned k = 0; k < LLVMCountIncoming(user); k++) {
					long from =
					    ir_blockmap_get(&r->map, LLVMGetIncomingBlock(user, k));
					if (LLVMGetIncomingValue(user, k) == i &&
					    (from < 0 || !r->region[from]))
						return false;
				}
			}
	}
	return around;
}

/*
 * The copy of the header's region that the OSR code enters (*to: the
 * header's copy). Inside it, branches go to the copies; out of it, to the
 * original blocks (a loop around the header, entered at its own header;
 * the rest of the function), whose phis get the copies' edges too. The
 * values tier 0 passes for what a loop around the header computes again
 * (loads[k] for live_ins[k]) stand for them in the copy.
 */
static int copy_region(struct jit *j, struct ir *ir, LLVMValueRef o, const struct ir_osr *r,
		       LLVMValueRef *live_ins, LLVMValueRef *loads, long nlive,
		       LLVMBasicBlockRef *to)
{
	size_t ninst = (size_t)nlive;
	for (unsigned b = 0; b < r->nb; b++)
		for (LLVMValueRef i = LLVMGetFirstInstruction(r->blocks[b]); r->region[b] && i;
		     i = LLVMGetNextInstruction(i))
			ninst++;
	LLVMBasicBlockRef *copy = calloc(r->nb, sizeof *copy);
	struct ir_ptrmap vm = {0};
	bool ok = ir_ptrmap_init(&vm, ninst) && copy;
	for (long k = 0; ok && k < nlive; k++)
		ir_ptrmap_put(&vm, live_ins[k], (uintptr_t)loads[k]);
	for (unsigned b = 0; ok && b < r->nb; b++)
		if (r->region[b])
			copy[b] = LLVMAppendBasicBlockInContext(j->ctx, o, "osr.copy");
	for (unsigned b = 0; ok && b < r->nb; b++) {
		if (!r->region[b])
			continue;
		LLVMPositionBuilderAtEnd(ir->b, copy[b]);
		for (LLVMValueRef i = LLVMGetFirstInstruction(r->blocks[b]); i;
		     i = LLVMGetNextInstruction(i)) {
			LLVMValueRef c;
			if (LLVMIsAPHINode(i)) {
				c = LLVMBuildPhi(ir->b, LLVMTypeOf(i), "");
			} else {
				c = LLVMInstructionClone(i);
				LLVMInsertIntoBuilder(ir->b, c);
			}
			ir_ptrmap_put(&vm, i, (uintptr_t)c);
		}
	}
	for (unsigned b = 0; ok && b < r->nb; b++) {
		if (!r->region[b])
			continue;
		LLVMValueRef i = LLVMGetFirstInstruction(r->blocks[b]);
		LLVMValueRef c = LLVMGetFirstInstruction(copy[b]);
		for (; i && c; i = LLVMGetNextInstruction(i), c = LLVMGetNextInstruction(c)) {
			if (LLVMIsAPHINode(i)) {
				for (unsigned k = 0; k < LLVMCountIncoming(i); k++) {
					long from =
					    ir_blockmap_get(&r->map, LLVMGetIncomingBlock(i, k));
					if (from < 0 || !r->region[from])
						continue; /* no edge into the copy */
					LLVMValueRef v = copy_of(&vm, LLVMGetIncomingValue(i, k));
					LLVMAddIncoming(c, &v, &copy[from], 1);
				}
				continue;
			}
			for (int k = 0; k < LLVMGetNumOperands(c); k++) {
				LLVMValueRef v = LLVMGetOperand(c, k);
				if (!LLVMValueIsBasicBlock(v) && copy_of(&vm, v) != v)
					LLVMSetOperand(c, (unsigned)k, copy_of(&vm, v));
			}
			if (!LLVMIsATerminatorInst(c))
				continue;
			for (unsigned s = 0; s < LLVMGetNumSuccessors(c); s++) {
				LLVMBasicBlockRef succ = LLVMGetSuccessor(c, s);
				long d = ir_blockmap_get(&r->map, succ);
				if (d >= 0 && r->region[d]) {
					LLVMSetSuccessor(c, s, copy[d]);
					continue;
				}
				/* an edge out: the original's phis take it too */
				for (LLVMValueRef phi = LLVMGetFirstInstruction(succ);
				     phi && LLVMIsAPHINode(phi); phi = LLVMGetNextInstruction(phi))
					for (unsigned k = 0; k < LLVMCountIncoming(phi); k++) {
						if (LLVMGetIncomingBlock(phi, k) != r->blocks[b])
							continue;
						LLVMValueRef v =
						    copy_of(&vm, LLVMGetIncomingValue(phi, k));
						LLVMAddIncoming(phi, &v, &copy[b], 1);
						break;
					}
			}
		}
	}
	if (ok)
		*to = copy[ir_blockmap_get(&r->map, *to)];
	free(copy);
	ir_ptrmap_free(&vm);
	return ok ? 0 : jit_fail(j, JIT_EINTERNAL, "out of memory");
}

int jit_build_osr(struct jit *j, LLVMModuleRef m, LLVMValueRef body, unsigned loop,
		  const char *name)
{
	unsigned nb, n;
	LLVMBasicBlockRef *blocks = ir_blocks(body, &nb);
	LLVMValueRef *allocas = NULL, *live_ins = NULL, *loads = NULL;
	LLVMTypeRef *types = NULL;
	unsigned char *live = NULL, *in_frame = NULL;
	int err = 0;
	struct ir ir;
	struct ir_osr r = {0};

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
	/* what the call passes besides its allocas, as tier 0 found it, and
	 * the header's region */
	bool fit = true;
	long nlive = -1;
	if (ir_osr_open(&r, blocks, nb) && (live_ins = malloc((r.ncands + 1) * sizeof *live_ins)) &&
	    (loads = malloc((r.ncands + 1) * sizeof *loads)))
		nlive = ir_osr_live_ins(&r, loop, live_ins, &fit);
	if (nlive < 0) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	if (!fit) {
		err = unfit(j, "the loop uses a value computed before it that has no slot");
		goto out;
	}
	bool copy = copyable(&r);

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
	/* an alloca an address passed in the frame points into stays the
	 * tier-0 frame's: the code after the loop reads it there */
	in_frame = calloc(na + 1, 1);
	if (!in_frame) {
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	int budget = 64;
	for (long k = 0; k < nlive; k++)
		mark_bases(live_ins[k], allocas, na, in_frame, &budget);
	LLVMBasicBlockRef entry = LLVMInsertBasicBlockInContext(j->ctx, blocks[0], "osr.entry");
	LLVMPositionBuilderAtEnd(ir.b, entry);
	LLVMValueRef frame = LLVMGetParam(o, n);
	for (unsigned k = 0; k < na; k++) {
		LLVMValueRef idx = LLVMConstInt(ir.i64, k, 0);
		LLVMValueRef saved = LLVMBuildLoad2(
		    ir.b, ir.ptr, LLVMBuildGEP2(ir.b, ir.ptr, frame, &idx, 1, ""), "");
		LLVMValueRef a = allocas[k];
		if (in_frame[k] || escapes(a)) {
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
		LLVMValueRef idx = LLVMConstInt(ir.i64, (unsigned long long)(na + k), 0);
		LLVMValueRef slot = LLVMBuildGEP2(ir.b, ir.ptr, frame, &idx, 1, "");
		loads[k] = LLVMBuildLoad2(ir.b, LLVMTypeOf(v), slot, "");
		long b = ir_blockmap_get(&r.map, LLVMGetInstructionParent(v));
		if (b >= 0 && r.reach[b])
			continue; /* computed again by a loop around the header: for the copy */
		LLVMReplaceAllUsesWith(v, loads[k]);
	}
	LLVMBasicBlockRef to = header;
	if (copy && (err = copy_region(j, &ir, o, &r, live_ins, loads, nlive, &to)))
		goto out;
	guard_restores(&ir, o, entry);
	LLVMPositionBuilderAtEnd(ir.b, entry);
	LLVMBuildBr(ir.b, to);

	/* What stays: the blocks reachable from the header. */
	free(blocks);
	blocks = ir_blocks(o, &nb);
	live = calloc(nb ? nb : 1, 1);
	unsigned *work = malloc((nb + 1) * sizeof *work);
	struct ir_blockmap map;
	if (!blocks || !live || !work || !ir_blockmap_init(&map, blocks, nb)) {
		free(work);
		err = jit_fail(j, JIT_EINTERNAL, "out of memory");
		goto out;
	}
	ir_reachable(&map, blocks, nb, 0, live, NULL, work); /* entry is block 0 */
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
	ir_osr_close(&r);
	free(blocks);
	free(allocas);
	free(live_ins);
	free(loads);
	free(in_frame);
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
