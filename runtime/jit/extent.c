/*
 * Where a function reaches memory through its pointer parameters: for each
 * one, the byte range [p + lo, p + hi) that every access based on it stays
 * in, found by interval arithmetic over the IR (constants, and loop
 * induction variables bounded by their loops' exit tests). It is what a
 * specialization on sizes makes computable, and what a guard needs to
 * check, call by call, that the pointers' regions do not overlap, so that
 * the specialized body may take them as noalias (docs/architecture.md,
 * Tiers). Anything the analysis does not understand (a call, a pointer
 * loaded from memory, a variable of the program, a loop of another shape)
 * gives no extents: soundness over reach.
 */
#include <string.h>

#include "internal.h"

#define MAX_DEPTH 32	/* values followed from one address */
#define MAX_STEPS 20000 /* values looked at in all */
#define MAX_OFFSET ((int64_t)1 << 40)

struct range {
	int64_t lo, hi;
};

struct walk {
	LLVMValueRef f;
	LLVMTargetDataRef layout;
	unsigned steps, depth;
	LLVMValueRef stack[MAX_DEPTH]; /* the values being followed: cycles fail */
};

static bool enter(struct walk *w, LLVMValueRef v)
{
	if (++w->steps > MAX_STEPS || w->depth >= MAX_DEPTH)
		return false;
	for (unsigned k = 0; k < w->depth; k++)
		if (w->stack[k] == v)
			return false;
	w->stack[w->depth++] = v;
	return true;
}

/* The range [lo, hi] as a signed integer of `bits` bits, if it fits. */
static bool fits(__int128 lo, __int128 hi, unsigned bits, struct range *r)
{
	__int128 max = ((__int128)1 << (bits - 1)) - 1, min = -max - 1;
	if (lo < min || hi > max || lo > hi)
		return false;
	r->lo = (int64_t)lo, r->hi = (int64_t)hi;
	return true;
}

static bool mul_range(struct range a, struct range b, unsigned bits, struct range *r)
{
	__int128 p[4] = {(__int128)a.lo * b.lo, (__int128)a.lo * b.hi, (__int128)a.hi * b.lo,
			 (__int128)a.hi * b.hi};
	__int128 lo = p[0], hi = p[0];
	for (int k = 1; k < 4; k++) {
		lo = p[k] < lo ? p[k] : lo;
		hi = p[k] > hi ? p[k] : hi;
	}
	return fits(lo, hi, bits, r);
}

static bool int_range(struct walk *w, LLVMValueRef v, struct range *r);

static LLVMIntPredicate swapped(LLVMIntPredicate p)
{
	switch (p) {
	case LLVMIntSLT:
		return LLVMIntSGT;
	case LLVMIntSGT:
		return LLVMIntSLT;
	case LLVMIntSLE:
		return LLVMIntSGE;
	case LLVMIntSGE:
		return LLVMIntSLE;
	case LLVMIntULT:
		return LLVMIntUGT;
	case LLVMIntUGT:
		return LLVMIntULT;
	case LLVMIntULE:
		return LLVMIntUGE;
	case LLVMIntUGE:
		return LLVMIntULE;
	default:
		return p; /* eq, ne */
	}
}

static LLVMIntPredicate inverse(LLVMIntPredicate p)
{
	switch (p) {
	case LLVMIntEQ:
		return LLVMIntNE;
	case LLVMIntNE:
		return LLVMIntEQ;
	case LLVMIntSLT:
		return LLVMIntSGE;
	case LLVMIntSGE:
		return LLVMIntSLT;
	case LLVMIntSGT:
		return LLVMIntSLE;
	case LLVMIntSLE:
		return LLVMIntSGT;
	case LLVMIntULT:
		return LLVMIntUGE;
	case LLVMIntUGE:
		return LLVMIntULT;
	case LLVMIntUGT:
		return LLVMIntULE;
	default:
		return LLVMIntUGT; /* ULE */
	}
}

/* step if v is `phi + step` (step a positive constant), else 0. */
static int64_t increment_of(LLVMValueRef v, LLVMValueRef phi)
{
	if (!LLVMIsAInstruction(v) || LLVMGetInstructionOpcode(v) != LLVMAdd)
		return 0;
	LLVMValueRef a = LLVMGetOperand(v, 0), b = LLVMGetOperand(v, 1);
	LLVMValueRef c = a == phi ? b : b == phi ? a : NULL;
	if (!c || !LLVMIsAConstantInt(c))
		return 0;
	int64_t s = LLVMConstIntGetSExtValue(c);
	return s > 0 && s < MAX_OFFSET ? s : 0;
}

/*
 * An induction variable: phi [start, outside], [phi + step, latch] with
 * the latch ending in a branch that goes back to phi's block only while
 * a comparison of phi or phi + step with a bounded value holds. Its values
 * run from start up to the bound (plus the step when phi itself is
 * compared).
 */
static bool induction_range(struct walk *w, LLVMValueRef phi, unsigned bits, struct range *r)
{
	if (LLVMCountIncoming(phi) != 2)
		return false;
	LLVMBasicBlockRef header = LLVMGetInstructionParent(phi);
	int k = increment_of(LLVMGetIncomingValue(phi, 0), phi) ? 0 : 1;
	LLVMValueRef next = LLVMGetIncomingValue(phi, (unsigned)k);
	int64_t step = increment_of(next, phi);
	LLVMBasicBlockRef latch = LLVMGetIncomingBlock(phi, (unsigned)k);
	LLVMValueRef start = LLVMGetIncomingValue(phi, (unsigned)!k);
	LLVMValueRef br = LLVMGetBasicBlockTerminator(latch);
	if (!step || increment_of(start, phi) || !br || LLVMGetInstructionOpcode(br) != LLVMBr ||
	    !LLVMIsConditional(br))
		return false;
	LLVMBasicBlockRef yes = LLVMGetSuccessor(br, 0), no = LLVMGetSuccessor(br, 1);
	LLVMValueRef cond = LLVMGetCondition(br);
	if ((yes == header) == (no == header) || !LLVMIsAICmpInst(cond))
		return false;
	LLVMIntPredicate pred = LLVMGetICmpPredicate(cond);
	LLVMValueRef a = LLVMGetOperand(cond, 0), b = LLVMGetOperand(cond, 1), v, bound;
	if (a == next || a == phi)
		v = a, bound = b;
	else if (b == next || b == phi)
		v = b, bound = a, pred = swapped(pred);
	else
		return false;
	if (no == header) /* back while the comparison fails */
		pred = inverse(pred);
	struct range s, n;
	if (!int_range(w, start, &s) || !int_range(w, bound, &n))
		return false;
	__int128 last; /* the largest value v has when the branch goes back */
	switch (pred) {
	case LLVMIntSLT:
		last = (__int128)n.hi - 1;
		break;
	case LLVMIntSLE:
		last = n.hi;
		break;
	case LLVMIntULT: /* unsigned: v below a non-negative bound is in [0, bound) */
		if (n.lo < 0)
			return false;
		last = (__int128)n.hi - 1;
		break;
	case LLVMIntULE:
		if (n.lo < 0)
			return false;
		last = n.hi;
		break;
	case LLVMIntNE: { /* the sequence must meet the bound, an invariant */
		__int128 first = v == next ? (__int128)s.hi + step : s.hi;
		if (n.lo != n.hi || first > n.lo)
			return false;
		if (step != 1 && (s.lo != s.hi || (n.lo - (v == next ? s.lo + step : s.lo)) % step))
			return false;
		last = (__int128)n.lo - step;
		break;
	}
	default:
		return false;
	}
	__int128 top = v == next ? last : last + step;
	if (top < s.hi)
		top = s.hi;
	struct range room; /* phi + step must not wrap either */
	return fits(s.lo, top, bits, r) && fits(s.lo, top + step, bits, &room);
}

static bool int_range_of(struct walk *w, LLVMValueRef v, struct range *r)
{
	LLVMTypeRef t = LLVMTypeOf(v);
	if (LLVMGetTypeKind(t) != LLVMIntegerTypeKind || LLVMGetIntTypeWidth(t) > 64)
		return false;
	unsigned bits = LLVMGetIntTypeWidth(t);
	if (LLVMIsAConstantInt(v)) {
		r->lo = r->hi = LLVMConstIntGetSExtValue(v);
		return true;
	}
	if (!LLVMIsAInstruction(v))
		return false;
	LLVMOpcode op = LLVMGetInstructionOpcode(v);
	struct range a, b;
	switch (op) {
	case LLVMAdd:
	case LLVMSub:
	case LLVMMul:
	case LLVMShl:
	case LLVMOr:
		if (op == LLVMOr && !LLVMGetIsDisjoint(v)) /* disjoint: a sum */
			return false;
		if (!int_range(w, LLVMGetOperand(v, 0), &a) ||
		    !int_range(w, LLVMGetOperand(v, 1), &b))
			return false;
		if (op == LLVMShl) {
			if (b.lo != b.hi || b.lo < 0 || b.lo >= bits || b.lo > 62)
				return false;
			b.lo = b.hi = (int64_t)1 << b.lo;
		}
		if (op == LLVMMul || op == LLVMShl)
			return mul_range(a, b, bits, r);
		if (op == LLVMSub)
			return fits((__int128)a.lo - b.hi, (__int128)a.hi - b.lo, bits, r);
		return fits((__int128)a.lo + b.lo, (__int128)a.hi + b.hi, bits, r);
	case LLVMAnd: /* with a non-negative mask m: [0, m] */
		for (unsigned k = 0; k < 2; k++) {
			LLVMValueRef m = LLVMGetOperand(v, k);
			if (LLVMIsAConstantInt(m) && LLVMConstIntGetSExtValue(m) >= 0) {
				r->lo = 0, r->hi = LLVMConstIntGetSExtValue(m);
				return true;
			}
		}
		return false;
	case LLVMSDiv:
	case LLVMUDiv:
	case LLVMLShr:
	case LLVMAShr:
	case LLVMSRem:
	case LLVMURem:
		/* of a non-negative value by a positive constant */
		if (!int_range(w, LLVMGetOperand(v, 0), &a) ||
		    !int_range(w, LLVMGetOperand(v, 1), &b) || a.lo < 0 || b.lo != b.hi ||
		    b.lo <= 0)
			return false;
		if (op == LLVMLShr || op == LLVMAShr) {
			if (b.lo >= bits)
				return false;
			r->lo = a.lo >> b.lo, r->hi = a.hi >> b.lo;
		} else if (op == LLVMSRem || op == LLVMURem) {
			r->lo = 0, r->hi = a.hi < b.lo - 1 ? a.hi : b.lo - 1;
		} else {
			r->lo = a.lo / b.lo, r->hi = a.hi / b.lo;
		}
		return true;
	case LLVMSExt:
		return int_range(w, LLVMGetOperand(v, 0), r);
	case LLVMZExt:
		if (LLVMGetIntTypeWidth(LLVMTypeOf(LLVMGetOperand(v, 0))) == 1) {
			r->lo = 0, r->hi = 1;
			return true;
		}
		return int_range(w, LLVMGetOperand(v, 0), r) && r->lo >= 0;
	case LLVMTrunc:
		return int_range(w, LLVMGetOperand(v, 0), &a) && fits(a.lo, a.hi, bits, r);
	case LLVMSelect:
		if (!int_range(w, LLVMGetOperand(v, 1), &a) ||
		    !int_range(w, LLVMGetOperand(v, 2), &b))
			return false;
		r->lo = a.lo < b.lo ? a.lo : b.lo, r->hi = a.hi > b.hi ? a.hi : b.hi;
		return true;
	case LLVMPHI: {
		if (induction_range(w, v, bits, r))
			return true;
		unsigned n = LLVMCountIncoming(v); /* a join: every incoming value */
		for (unsigned k = 0; k < n; k++) {
			if (!int_range(w, LLVMGetIncomingValue(v, k), &a))
				return false;
			if (!k || a.lo < r->lo)
				r->lo = a.lo;
			if (!k || a.hi > r->hi)
				r->hi = a.hi;
		}
		return n > 0;
	}
	default:
		return false;
	}
}

/* The range of integer value v, as a signed integer of its width. */
static bool int_range(struct walk *w, LLVMValueRef v, struct range *r)
{
	if (!enter(w, v))
		return false;
	bool ok = int_range_of(w, v, r);
	w->depth--;
	return ok;
}

/* What an address is based on. */
enum base { BASE_PARAM, BASE_LOCAL, BASE_CONSTANT };

static bool address(struct walk *w, LLVMValueRef p, enum base *base, unsigned *param,
		    struct range *off);

static bool gep_address(struct walk *w, LLVMValueRef g, enum base *base, unsigned *param,
			struct range *off)
{
	if (!address(w, LLVMGetOperand(g, 0), base, param, off))
		return false;
	LLVMTypeRef t = LLVMGetGEPSourceElementType(g);
	unsigned n = (unsigned)LLVMGetNumOperands(g);
	__int128 lo = off->lo, hi = off->hi;
	for (unsigned k = 1; k < n; k++) {
		LLVMValueRef idx = LLVMGetOperand(g, k);
		struct range i, scaled;
		if (k > 1 && LLVMGetTypeKind(t) == LLVMStructTypeKind) {
			if (!LLVMIsAConstantInt(idx))
				return false;
			unsigned field = (unsigned)LLVMConstIntGetZExtValue(idx);
			lo += (int64_t)LLVMOffsetOfElement(w->layout, t, field);
			hi += (int64_t)LLVMOffsetOfElement(w->layout, t, field);
			t = LLVMStructGetTypeAtIndex(t, field);
			continue;
		}
		if (k > 1) {
			if (LLVMGetTypeKind(t) != LLVMArrayTypeKind)
				return false;
			t = LLVMGetElementType(t);
		}
		struct range size = {(int64_t)LLVMABISizeOfType(w->layout, t),
				     (int64_t)LLVMABISizeOfType(w->layout, t)};
		if (LLVMGetTypeKind(LLVMTypeOf(idx)) != LLVMIntegerTypeKind ||
		    !int_range(w, idx, &i) || !mul_range(i, size, 64, &scaled))
			return false;
		lo += scaled.lo, hi += scaled.hi;
	}
	if (lo < -MAX_OFFSET || hi > MAX_OFFSET)
		return false;
	off->lo = (int64_t)lo, off->hi = (int64_t)hi;
	return true;
}

static bool address_of(struct walk *w, LLVMValueRef p, enum base *base, unsigned *param,
		       struct range *off)
{
	off->lo = off->hi = 0;
	if (LLVMIsAArgument(p)) {
		unsigned n = LLVMCountParams(w->f);
		*base = BASE_PARAM;
		for (*param = 0; *param < n && LLVMGetParam(w->f, *param) != p; ++*param)
			;
		return *param < n;
	}
	if (LLVMIsAAllocaInst(p)) { /* this call's own: no parameter points there */
		*base = BASE_LOCAL;
		return true;
	}
	if (LLVMIsAGlobalVariable(p)) {
		size_t len;
		const char *name = LLVMGetValueName2(p, &len);
		if (!strncmp(name, "bareflow.prof.", 14)) { /* the runtime's, not the program's */
			*base = BASE_LOCAL;
			return true;
		}
		*base = BASE_CONSTANT;
		return LLVMIsGlobalConstant(p);
	}
	if (LLVMIsAGetElementPtrInst(p) ||
	    (LLVMIsAConstantExpr(p) && LLVMGetConstOpcode(p) == LLVMGetElementPtr))
		return gep_address(w, p, base, param, off);
	if (LLVMIsAPHINode(p) || LLVMIsASelectInst(p)) { /* a join: all on one base */
		unsigned n = LLVMIsAPHINode(p) ? LLVMCountIncoming(p) : 2;
		for (unsigned k = 0; k < n; k++) {
			LLVMValueRef in = LLVMIsAPHINode(p) ? LLVMGetIncomingValue(p, k)
							    : LLVMGetOperand(p, k + 1);
			enum base b;
			unsigned q = 0;
			struct range o;
			if (!address(w, in, &b, &q, &o) || (k && (b != *base || q != *param)))
				return false;
			*base = b, *param = q;
			if (!k || o.lo < off->lo)
				off->lo = o.lo;
			if (!k || o.hi > off->hi)
				off->hi = o.hi;
		}
		return n > 0;
	}
	return false;
}

/* Pointer p as a base and a byte offset range from it. */
static bool address(struct walk *w, LLVMValueRef p, enum base *base, unsigned *param,
		    struct range *off)
{
	if (!enter(w, p))
		return false;
	bool ok = address_of(w, p, base, param, off);
	w->depth--;
	return ok;
}

/* Note an access of len bytes (a range) at pointer p. */
static bool access(struct walk *w, struct jit_extents *e, LLVMValueRef p, struct range len,
		   bool write)
{
	enum base base;
	unsigned param = 0;
	struct range off;
	w->depth = 0;
	if (len.lo < 0 || len.hi > MAX_OFFSET || !address(w, p, &base, &param, &off))
		return false;
	if (base == BASE_CONSTANT)
		return !write;
	if (base == BASE_LOCAL || len.hi == 0)
		return true;
	if (param >= JIT_MAX_ARGS)
		return false;
	unsigned k = 0;
	while (k < e->n && e->arg[k] != param)
		k++;
	int64_t lo = off.lo, hi = off.hi + len.hi;
	if (k == e->n) {
		e->arg[e->n++] = param;
		e->lo[k] = lo, e->hi[k] = hi, e->written[k] = false;
	}
	e->lo[k] = lo < e->lo[k] ? lo : e->lo[k];
	e->hi[k] = hi > e->hi[k] ? hi : e->hi[k];
	e->written[k] |= write;
	return true;
}

static bool named(LLVMValueRef f, const char *prefix)
{
	size_t len;
	const char *name = LLVMGetValueName2(f, &len);
	return !strncmp(name, prefix, strlen(prefix));
}

/* A call: a memory intrinsic we can bound, or one that touches nothing. */
static bool call_access(struct walk *w, struct jit_extents *e, LLVMValueRef c)
{
	LLVMValueRef f = LLVMGetCalledValue(c);
	if (!LLVMIsAFunction(f) || !LLVMGetIntrinsicID(f))
		return false;
	struct range len;
	if (named(f, "llvm.memset.") || named(f, "llvm.memcpy.") || named(f, "llvm.memmove.")) {
		w->depth = 0;
		if (!int_range(w, LLVMGetOperand(c, 2), &len))
			return false;
		return access(w, e, LLVMGetOperand(c, 0), len, true) &&
		       (named(f, "llvm.memset.") || access(w, e, LLVMGetOperand(c, 1), len, false));
	}
	if (named(f, "llvm.lifetime.") || named(f, "llvm.assume") ||
	    named(f, "llvm.experimental.noalias.scope.decl") || named(f, "llvm.dbg."))
		return true;
	LLVMAttributeRef mem = LLVMGetEnumAttributeAtIndex(
	    f, LLVMAttributeFunctionIndex, LLVMGetEnumAttributeKindForName("memory", 6));
	return mem && LLVMGetEnumAttributeValue(mem) == 0; /* memory(none) */
}

bool jit_param_extents(struct jit *j, LLVMValueRef f, struct jit_extents *e)
{
	struct walk w = {.f = f, .layout = j->layout};
	e->n = 0;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			LLVMOpcode op = LLVMGetInstructionOpcode(i);
			bool ok = true;
			if (op == LLVMLoad || op == LLVMStore) {
				bool st = op == LLVMStore;
				LLVMTypeRef t = LLVMTypeOf(st ? LLVMGetOperand(i, 0) : i);
				int64_t size = (int64_t)LLVMStoreSizeOfType(j->layout, t);
				ok = !LLVMGetVolatile(i) &&
				     LLVMGetOrdering(i) == LLVMAtomicOrderingNotAtomic &&
				     access(&w, e, LLVMGetOperand(i, st ? 1 : 0),
					    (struct range){size, size}, st);
			} else if (op == LLVMCall) {
				ok = call_access(&w, e, i);
			} else if (op == LLVMAtomicRMW || op == LLVMAtomicCmpXchg ||
				   op == LLVMFence || op == LLVMVAArg || op == LLVMInvoke ||
				   op == LLVMCallBr) {
				ok = false;
			}
			if (!ok) {
				e->n = 0;
				return false;
			}
		}
	return true;
}

bool jit_has_pointer_pair(const struct jit_request *r, LLVMValueRef body)
{
	unsigned n = 0, np = LLVMCountParams(body);
	for (unsigned k = 0; k < np; k++) {
		bool spec = false;
		for (unsigned s = 0; s < r->nspec; s++)
			spec |= r->spec_arg[s] == k;
		n += !spec &&
		     LLVMGetTypeKind(LLVMTypeOf(LLVMGetParam(body, k))) == LLVMPointerTypeKind;
	}
	return r->tier == 2 && r->nspec && n >= 2;
}

void jit_no_overlap(struct ir *ir, LLVMValueRef body, struct jit_extents *e)
{
	bool written = false;
	if (jit_param_extents(ir->j, body, e))
		for (unsigned k = 0; k < e->n; k++)
			written |= e->written[k];
	if (e->n < 2 || !written) {
		e->n = 0;
		return;
	}
	unsigned kind = LLVMGetEnumAttributeKindForName("noalias", 7);
	for (unsigned k = 0; k < e->n; k++)
		LLVMAddAttributeAtIndex(body, e->arg[k] + 1,
					LLVMCreateEnumAttribute(ir->j->ctx, kind, 0));
}

/* Addresses are below 2^47 and ranges within 2^40 (MAX_OFFSET), so no sum
 * wraps. */
LLVMValueRef jit_apart(struct ir *ir, LLVMValueRef guard, const struct jit_extents *e)
{
	LLVMValueRef all = LLVMConstInt(ir->i1, 1, 0), at[JIT_MAX_ARGS][2];
	for (unsigned k = 0; k < e->n; k++) {
		LLVMValueRef p =
		    LLVMBuildPtrToInt(ir->b, LLVMGetParam(guard, e->arg[k]), ir->i64, "");
		at[k][0] = LLVMBuildAdd(ir->b, p, LLVMConstInt(ir->i64, (uint64_t)e->lo[k], 0), "");
		at[k][1] = LLVMBuildAdd(ir->b, p, LLVMConstInt(ir->i64, (uint64_t)e->hi[k], 0), "");
	}
	for (unsigned a = 0; a < e->n; a++)
		for (unsigned b = a + 1; b < e->n; b++) {
			if (!e->written[a] && !e->written[b])
				continue;
			LLVMValueRef before =
			    LLVMBuildICmp(ir->b, LLVMIntSLE, at[a][1], at[b][0], "");
			LLVMValueRef after =
			    LLVMBuildICmp(ir->b, LLVMIntSLE, at[b][1], at[a][0], "");
			all = LLVMBuildAnd(ir->b, all, LLVMBuildOr(ir->b, before, after, ""), "");
		}
	return all;
}
