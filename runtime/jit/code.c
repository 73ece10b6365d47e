/* Where the JIT's code is: the function symbols of each object it links,
 * with their addresses and sizes once linked, told to whoever asked
 * (jit_on_code), e.g. for fault reports and perf maps. */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Object.h>

#include "internal.h"

void jit_on_code(struct jit *j, jit_code_fn *fn, void *ctx)
{
	j->code_fn = fn;
	j->code_ctx = ctx;
}

/* Whether a section holds code: ".text", ".text.NAME" and the like, or
 * ".ltext..." (the large code model's). */
static bool is_code_section(const char *name)
{
	if (!name || *name++ != '.')
		return false;
	if (*name == 'l')
		name++;
	return !strncmp(name, "text", 4) && (!name[4] || name[4] == '.');
}

static void note(struct jit *j, unsigned object, const char *name, const char *section,
		 uint64_t offset, uint64_t size)
{
	if (j->npending == j->cap_pending) {
		size_t cap = j->cap_pending ? 2 * j->cap_pending : 64;
		struct jit_pending *p = realloc(j->pending, cap * sizeof *p);
		if (!p)
			return; /* the map misses this one: nothing else depends on it */
		j->pending = p;
		j->cap_pending = cap;
	}
	char *n = strdup(name), *s = strdup(section);
	if (!n || !s) {
		free(n);
		free(s);
		return;
	}
	j->pending[j->npending++] = (struct jit_pending){n, s, object, offset, size};
}

void jit_code_note_object(struct jit *j, LLVMMemoryBufferRef obj)
{
	if (!j->code_fn)
		return;
	char *msg = NULL;
	LLVMBinaryRef bin = LLVMCreateBinary(obj, j->ctx, &msg);
	if (!bin) {
		LLVMDisposeMessage(msg);
		return;
	}
	unsigned object = j->objects++;
	LLVMSymbolIteratorRef sym = LLVMObjectFileCopySymbolIterator(bin);
	LLVMSectionIteratorRef sec = LLVMObjectFileCopySectionIterator(bin);
	for (; !LLVMObjectFileIsSymbolIteratorAtEnd(bin, sym); LLVMMoveToNextSymbol(sym)) {
		const char *name = LLVMGetSymbolName(sym);
		uint64_t size = LLVMGetSymbolSize(sym);
		if (!name || !*name || !size)
			continue;
		LLVMMoveToContainingSection(sec, sym); /* the end for an undefined symbol */
		if (LLVMObjectFileIsSectionIteratorAtEnd(bin, sec))
			continue;
		const char *section = LLVMGetSectionName(sec);
		if (is_code_section(section)) /* in an object, an address is an offset */
			note(j, object, name, section, LLVMGetSymbolAddress(sym), size);
	}
	LLVMDisposeSectionIterator(sec);
	LLVMDisposeSymbolIterator(sym);
	LLVMDisposeBinary(bin);
}

/* Where the section of pending symbols [from, to) (one object, one section)
 * was put: from one symbol the JIT can look up (an exported one), the
 * others by their offsets. 0 if none can be. */
static uint64_t section_base(struct jit *j, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		LLVMOrcExecutorAddress a;
		LLVMErrorRef e = LLVMOrcLLJITLookup(j->lljit, &a, j->pending[i].name);
		if (!e)
			return a - j->pending[i].offset;
		LLVMConsumeError(e); /* a local symbol: try the next */
	}
	return 0;
}

static int by_section(const void *a, const void *b)
{
	const struct jit_pending *x = a, *y = b;
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	return strcmp(x->section, y->section);
}

void jit_code_resolve(struct jit *j)
{
	size_t n = j->npending;
	if (!n)
		return;
	j->npending = 0;
	qsort(j->pending, n, sizeof *j->pending, by_section);
	for (size_t from = 0; from < n;) {
		size_t to = from + 1;
		while (to < n && j->pending[to].object == j->pending[from].object &&
		       !strcmp(j->pending[to].section, j->pending[from].section))
			to++;
		uint64_t base = section_base(j, from, to);
		for (size_t i = from; i < to; i++) {
			if (base)
				j->code_fn(j->code_ctx, base + j->pending[i].offset,
					   j->pending[i].size, j->pending[i].name);
			free(j->pending[i].name);
			free(j->pending[i].section);
		}
		from = to;
	}
}
