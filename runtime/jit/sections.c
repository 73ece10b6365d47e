/*
 * Linker sets: variables a program puts in a section of its own name
 * (__attribute__((section("NAME")))), which it walks from __start_NAME to
 * __stop_NAME, the bounds a static linker defines for such a section
 * (plugin and test registries, init calls). The JIT has no linker to lay
 * the section out, so the section is made here, before anything else
 * reads the module: its variables, in a linker's order (file by file,
 * each file's in its order), each at its alignment,
 * become one packed structure; each use of a variable becomes its field's
 * address, and the two bounds the structure's start and end. A section
 * none of the program's variables is in leaves the bounds undefined: a
 * weak reference is then null, as in a static link, and another one is a
 * missing name. One holding a thread-local or aliased variable, which a
 * structure cannot hold, is refused with a message (126).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Whether NAME can be a section a linker gives bounds: a C identifier. */
static bool c_identifier(const char *name)
{
	if (!*name || (*name >= '0' && *name <= '9'))
		return false;
	for (; *name; name++)
		if (!(*name == '_' || (*name >= 'a' && *name <= 'z') ||
		      (*name >= 'A' && *name <= 'Z') || (*name >= '0' && *name <= '9')))
			return false;
	return true;
}

/* Each file's variables in named sections carry their file and place
 * (jit_note_section_order): llvm-link moves a definition that a later
 * file refers to after that file's, and a linker set's order is the
 * link's, file by file. */
#define ORDER_KIND "bareflow.section.order"

void jit_note_section_order(struct jit *j, LLVMModuleRef m, unsigned file)
{
	unsigned kind = LLVMGetMDKindIDInContext(j->ctx, ORDER_KIND, strlen(ORDER_KIND));
	LLVMTypeRef i64 = LLVMInt64TypeInContext(j->ctx);
	uint64_t place = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		const char *s = LLVMGetSection(g);
		if (LLVMIsDeclaration(g) || !s || !c_identifier(s))
			continue;
		LLVMMetadataRef at =
		    LLVMValueAsMetadata(LLVMConstInt(i64, (uint64_t)file << 32 | place++, false));
		LLVMGlobalSetMetadata(g, kind, LLVMMDNodeInContext2(j->ctx, &at, 1));
	}
}

/* g's file and place (after every file's if it carries none). */
static uint64_t order_of(struct jit *j, LLVMValueRef g)
{
	unsigned kind = LLVMGetMDKindIDInContext(j->ctx, ORDER_KIND, strlen(ORDER_KIND));
	size_t n;
	LLVMValueMetadataEntry *e = LLVMGlobalCopyAllMetadata(g, &n);
	uint64_t order = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		if (LLVMValueMetadataEntriesGetKind(e, (unsigned)i) != kind)
			continue;
		LLVMValueRef node =
		    LLVMMetadataAsValue(j->ctx, LLVMValueMetadataEntriesGetMetadata(e, (unsigned)i));
		LLVMValueRef op = NULL;
		if (LLVMGetMDNodeNumOperands(node) == 1)
			LLVMGetMDNodeOperands(node, &op);
		if (op && LLVMIsAConstantInt(op))
			order = LLVMConstIntGetZExtValue(op);
	}
	if (e)
		LLVMDisposeValueMetadataEntries(e);
	return order;
}

struct member {
	LLVMValueRef g;
	uint64_t order;
	size_t index; /* in the module */
};

static int by_order(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether an alias names g (or a place inside it): its size in the
 * object would be the whole structure's, past its block's end. */
static bool aliased(LLVMModuleRef m, LLVMValueRef g)
{
	for (LLVMValueRef a = LLVMGetFirstGlobalAlias(m); a; a = LLVMGetNextGlobalAlias(a)) {
		LLVMValueRef to = LLVMAliasGetAliasee(a);
		while (to && LLVMIsAConstantExpr(to) && LLVMGetNumOperands(to))
			to = LLVMGetOperand(to, 0);
		if (to == g)
			return true;
	}
	return false;
}

/* The variables defined in section sec, in the link's order (malloc'd); none,
 * and *refused the first, if one is thread-local or aliased, which one
 * structure cannot hold. */
static struct member *section_members(struct jit *j, const char *sec, size_t *n,
				      LLVMValueRef *refused)
{
	LLVMModuleRef m = j->module;
	size_t cap = 0, index = 0;
	struct member *v = NULL;
	*n = 0;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g), index++) {
		const char *s = LLVMGetSection(g);
		if (LLVMIsDeclaration(g) || !s || strcmp(s, sec) || !LLVMGetInitializer(g))
			continue;
		if (LLVMIsThreadLocal(g) || aliased(m, g)) {
			free(v);
			*n = 0;
			*refused = g;
			return NULL;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			struct member *more = realloc(v, cap * sizeof *v);
			if (!more) {
				free(v);
				*n = 0;
				return NULL;
			}
			v = more;
		}
		v[(*n)++] = (struct member){g, order_of(j, g), index};
	}
	if (*n)
		qsort(v, *n, sizeof *v, by_order);
	return v;
}

/* llvm.used and llvm.compiler.used list globals by themselves: entries
 * that became a field's address go, the section's structure comes in. */
static void relist_used(LLVMModuleRef m, const char *list, LLVMValueRef section)
{
	LLVMValueRef old = LLVMGetNamedGlobal(m, list);
	LLVMValueRef arr = old ? LLVMGetInitializer(old) : NULL;
	if (!arr)
		return;
	int n = LLVMGetNumOperands(arr);
	LLVMValueRef *keep = calloc((size_t)n + 1, sizeof *keep);
	if (!keep)
		return;
	unsigned k = 0;
	bool dropped = false;
	for (int i = 0; i < n; i++) {
		LLVMValueRef e = LLVMGetOperand(arr, (unsigned)i);
		if (LLVMIsAGlobalValue(e))
			keep[k++] = e;
		else
			dropped = true;
	}
	if (!dropped) {
		free(keep);
		return;
	}
	keep[k++] = section;
	LLVMTypeRef ptr = LLVMTypeOf(section);
	LLVMValueRef now = LLVMConstArray2(ptr, keep, k);
	LLVMValueRef g = LLVMAddGlobal(m, LLVMTypeOf(now), "bf.used");
	LLVMSetInitializer(g, now);
	LLVMSetLinkage(g, LLVMAppendingLinkage);
	LLVMSetSection(g, "llvm.metadata");
	LLVMDeleteGlobal(old);
	LLVMSetValueName2(g, list, strlen(list));
	free(keep);
}

/* Lay out section sec as one structure; its start and end, or false if
 * no variable is in it (or, *refused, one it cannot hold). */
static bool lay_out(struct jit *j, const char *sec, LLVMValueRef *start, LLVMValueRef *end,
		    LLVMValueRef *refused)
{
	LLVMModuleRef m = j->module;
	size_t n;
	struct member *v = section_members(j, sec, &n, refused);
	if (!n) {
		free(v);
		return false;
	}
	LLVMContextRef c = j->ctx;
	LLVMTypeRef i8 = LLVMInt8TypeInContext(c), i32 = LLVMInt32TypeInContext(c);
	LLVMTypeRef *types = calloc(2 * n, sizeof *types);
	LLVMValueRef *inits = calloc(2 * n, sizeof *inits);
	unsigned *field = calloc(n, sizeof *field);
	if (!types || !inits || !field) {
		free(types), free(inits), free(field), free(v);
		return false;
	}
	unsigned nf = 0, align = 1;
	unsigned long long at = 0;
	bool constant = true;
	for (size_t i = 0; i < n; i++) {
		LLVMTypeRef t = LLVMGlobalGetValueType(v[i].g);
		unsigned a = LLVMGetAlignment(v[i].g);
		if (!a)
			a = LLVMABIAlignmentOfType(j->layout, t);
		if (a > align)
			align = a;
		unsigned long long pad = (a - at % a) % a;
		if (pad) {
			types[nf] = LLVMArrayType2(i8, pad);
			inits[nf] = LLVMConstNull(types[nf]);
			nf++;
			at += pad;
		}
		field[i] = nf;
		types[nf] = t;
		inits[nf++] = LLVMGetInitializer(v[i].g);
		at += LLVMABISizeOfType(j->layout, t);
		constant = constant && LLVMIsGlobalConstant(v[i].g);
	}
	LLVMTypeRef st = LLVMStructTypeInContext(c, types, nf, true);
	char name[300];
	snprintf(name, sizeof name, "bf.section.%.250s", sec);
	LLVMValueRef g = LLVMAddGlobal(m, st, name);
	LLVMSetInitializer(g, LLVMConstNamedStruct(st, inits, nf));
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetAlignment(g, align);
	LLVMSetGlobalConstant(g, constant);
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef idx[2] = {LLVMConstInt(i32, 0, false), LLVMConstInt(i32, field[i], false)};
		LLVMReplaceAllUsesWith(v[i].g, LLVMConstInBoundsGEP2(st, g, idx, 2));
		LLVMDeleteGlobal(v[i].g);
	}
	relist_used(m, "llvm.used", g);
	relist_used(m, "llvm.compiler.used", g);
	LLVMValueRef one = LLVMConstInt(LLVMInt64TypeInContext(c), 1, false);
	*start = g;
	*end = LLVMConstInBoundsGEP2(st, g, &one, 1);
	free(types), free(inits), free(field), free(v);
	return true;
}

/* Section sec's bounds, where the module declares them: its structure's
 * start and end if it has variables, else left as they are. 0, or
 * JIT_EBADCODE for a section the JIT cannot lay out. */
static int bound(struct jit *j, const char *sec)
{
	LLVMModuleRef m = j->module;
	char name[2][300];
	snprintf(name[0], sizeof name[0], "__start_%.250s", sec);
	snprintf(name[1], sizeof name[1], "__stop_%.250s", sec);
	LLVMValueRef start, end, refused = NULL;
	if (!lay_out(j, sec, &start, &end, &refused)) {
		if (refused)
			return jit_fail(j, JIT_EBADCODE,
					"the section %s, which the program walks from %s, holds "
					"%s, which the JIT cannot lay out with the rest (%s)",
					sec, name[0], LLVMGetValueName(refused),
					LLVMIsThreadLocal(refused) ? "a thread-local variable"
								   : "an alias names it");
		return 0;
	}
	for (int b = 0; b < 2; b++) {
		LLVMValueRef d = LLVMGetNamedGlobal(m, name[b]);
		if (!d || !LLVMIsDeclaration(d))
			continue;
		LLVMReplaceAllUsesWith(d, b ? end : start);
		LLVMDeleteGlobal(d);
	}
	return 0;
}

int jit_link_sections(struct jit *j)
{
	size_t n = 0, cap = 0;
	char **secs = NULL;
	for (LLVMValueRef g = LLVMGetFirstGlobal(j->module); g; g = LLVMGetNextGlobal(g)) {
		const char *name = LLVMGetValueName(g), *sec = NULL;
		if (!LLVMIsDeclaration(g))
			continue;
		if (!strncmp(name, "__start_", 8))
			sec = name + 8;
		else if (!strncmp(name, "__stop_", 7))
			sec = name + 7;
		if (!sec || !c_identifier(sec))
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(secs[k], sec);
		if (seen)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4;
			char **more = realloc(secs, cap * sizeof *secs);
			if (!more)
				break;
			secs = more;
		}
		if (!(secs[n] = strdup(sec)))
			break;
		n++;
	}
	int err = 0;
	for (size_t k = 0; k < n; k++) {
		if (!err)
			err = bound(j, secs[k]);
		free(secs[k]);
	}
	free(secs);
	return err;
}
