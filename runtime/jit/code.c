/* Where the JIT's code is: the function symbols of each object it links
 * (read from the ELF object's symbol table), with their addresses and sizes
 * once linked, told to whoever asked (jit_on_code), e.g. for fault reports
 * and perf maps. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void jit_on_code(struct jit *j, jit_code_fn *fn, void *ctx)
{
	j->code_fn = fn;
	j->code_ctx = ctx;
}

static void note(struct jit *j, unsigned object, const char *name, unsigned section,
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
	char *n = strdup(name);
	if (!n)
		return;
	j->pending[j->npending++] = (struct jit_pending){n, section, object, offset, size};
}

/* Section i's header, if it lies inside the object. */
static const Elf64_Shdr *section(const unsigned char *o, size_t size, const Elf64_Ehdr *h,
				 unsigned i)
{
	uint64_t at = h->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr);
	if (i >= h->e_shnum || h->e_shentsize != sizeof(Elf64_Shdr) || at < h->e_shoff ||
	    at > size || size - at < sizeof(Elf64_Shdr))
		return NULL;
	const Elf64_Shdr *s = (const Elf64_Shdr *)(o + at);
	return s->sh_type == SHT_NOBITS ||
		       (s->sh_offset <= size && s->sh_size <= size - s->sh_offset)
		   ? s
		   : NULL;
}

/* The object's symbols with a size in executable sections (an ELF file
 * LLVM just wrote: read with care all the same). */
void jit_code_note_object(struct jit *j, LLVMMemoryBufferRef obj)
{
	const unsigned char *o = (const unsigned char *)LLVMGetBufferStart(obj);
	size_t size = LLVMGetBufferSize(obj);
	Elf64_Ehdr h;
	if (!j->code_fn || size < sizeof h)
		return;
	memcpy(&h, o, sizeof h);
	if (memcmp(h.e_ident, ELFMAG, SELFMAG) || h.e_ident[EI_CLASS] != ELFCLASS64 ||
	    (uintptr_t)o % 8)
		return;
	unsigned object = j->objects++;
	for (unsigned i = 0; i < h.e_shnum; i++) {
		const Elf64_Shdr *symtab = section(o, size, &h, i), *strtab;
		if (!symtab || symtab->sh_type != SHT_SYMTAB ||
		    symtab->sh_entsize != sizeof(Elf64_Sym) ||
		    !(strtab = section(o, size, &h, symtab->sh_link)))
			continue;
		const Elf64_Sym *sym = (const Elf64_Sym *)(o + symtab->sh_offset);
		for (size_t k = 0; k < symtab->sh_size / sizeof *sym; k++) {
			const Elf64_Shdr *in = section(o, size, &h, sym[k].st_shndx);
			if (!sym[k].st_size || sym[k].st_shndx >= SHN_LORESERVE || !in ||
			    !(in->sh_flags & SHF_EXECINSTR) || sym[k].st_name >= strtab->sh_size)
				continue;
			const char *name = (const char *)o + strtab->sh_offset + sym[k].st_name;
			if (*name && memchr(name, 0, strtab->sh_size - sym[k].st_name))
				note(j, object, name, sym[k].st_shndx, sym[k].st_value,
				     sym[k].st_size);
		}
		return;
	}
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
	return x->section < y->section ? -1 : x->section > y->section;
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
		       j->pending[to].section == j->pending[from].section)
			to++;
		uint64_t base = section_base(j, from, to);
		for (size_t i = from; i < to; i++) {
			if (base)
				j->code_fn(j->code_ctx, base + j->pending[i].offset,
					   j->pending[i].size, j->pending[i].name);
			free(j->pending[i].name);
		}
		from = to;
	}
}
