/* Validating static ELF64 executables before anything is mapped. The checks
 * are all-or-nothing: a program either loads as described or is refused. */
#include "elf.h"

#include "kerrno.h"
#include "kstring.h"
#include "printf.h"

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define PAGE 4096ull


static int refuse(char *why, size_t len, const char *reason)
{
	ksnprintf(why, len, "%s", reason);
	return -ENOEXEC;
}

static int check_header(const struct elf64_ehdr *h, size_t size, char *why, size_t len)
{
	if (size < sizeof *h || memcmp(h->ident, "\177ELF", 4))
		return refuse(why, len, "not an ELF file");
	if (h->ident[4] != ELFCLASS64)
		return refuse(why, len, "not a 64-bit ELF file");
	if (h->ident[5] != ELFDATA2LSB)
		return refuse(why, len, "not a little-endian ELF file");
	if (h->machine != EM_X86_64)
		return refuse(why, len, "not an x86-64 program");
	if (h->type != ET_EXEC && h->type != ET_DYN)
		return refuse(why, len, "not an executable (an object file or core dump?)");
	if (h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0)
		return refuse(why, len, "bad program header table");
	if (h->phoff > size || (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff)
		return refuse(why, len, "truncated file: program headers run past its end");
	return 0;
}

/* One PT_LOAD: inside the file, sane sizes and alignment, in the user half. */
static int check_load(const struct elf64_phdr *p, uint64_t bias, size_t size, char *why, size_t len)
{
	if (p->filesz > p->memsz)
		return refuse(why, len, "segment with more file bytes than memory");
	if (p->offset > size || p->filesz > size - p->offset)
		return refuse(why, len, "truncated file: a segment runs past its end");
	if ((p->vaddr - p->offset) % PAGE)
		return refuse(why, len, "segment address and file offset disagree modulo the page size");
	uint64_t start = p->vaddr + bias, end = start + p->memsz;
	if (end < start || start < PAGE || end > ELF_USER_LIMIT)
		return refuse(why, len, "segment outside the user half of the address space");
	return 0;
}

static unsigned prot_of(uint32_t flags)
{
	return (flags & PF_R ? ELF_PROT_READ : 0) | (flags & PF_W ? ELF_PROT_WRITE : 0) |
	       (flags & PF_X ? ELF_PROT_EXEC : 0);
}

static int add_segment(struct elf_image *img, const struct elf64_phdr *p, char *why, size_t len)
{
	if (img->nseg == ELF_MAX_SEGMENTS)
		return refuse(why, len, "too many loadable segments");
	struct elf_segment *s = &img->seg[img->nseg];
	*s = (struct elf_segment){p->vaddr + img->bias, p->memsz, p->offset, p->filesz, prot_of(p->flags)};
	uint64_t lo = s->vaddr & ~(PAGE - 1), hi = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
	for (unsigned i = 0; i < img->nseg; i++) { /* page-granular overlap check */
		uint64_t olo = img->seg[i].vaddr & ~(PAGE - 1);
		uint64_t ohi = (img->seg[i].vaddr + img->seg[i].memsz + PAGE - 1) & ~(PAGE - 1);
		if (lo < ohi && olo < hi)
			return refuse(why, len, "loadable segments overlap");
	}
	if (!img->nseg || lo < img->lo)
		img->lo = lo;
	if (hi > img->hi)
		img->hi = hi;
	img->nseg++;
	return 0;
}

/* AT_PHDR: where the program headers are once loaded, if a segment covers them. */
static uint64_t phdr_address(const struct elf_image *img, const struct elf64_ehdr *h)
{
	uint64_t need = (uint64_t)h->phnum * sizeof(struct elf64_phdr);

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (h->phoff >= s->offset && h->phoff + need <= s->offset + s->filesz)
			return s->vaddr + (h->phoff - s->offset);
	}
	return 0;
}

static bool entry_executable(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		if ((s->prot & ELF_PROT_EXEC) && img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz)
			return true;
	}
	return false;
}

int elf_parse(const void *file, size_t size, struct elf_image *out, char *why, size_t whylen)
{
	struct elf64_ehdr hdr;
	const struct elf64_ehdr *h = &hdr;
	int err;

	memset(out, 0, sizeof *out);
	ksnprintf(why, whylen, "ok");
	if (size < sizeof hdr)
		return refuse(why, whylen, "not an ELF file (too short)");
	memcpy(&hdr, file, sizeof hdr); /* the buffer need not be aligned */
	if ((err = check_header(h, size, why, whylen)))
		return err;
	out->bias = h->type == ET_DYN ? ELF_PIE_BASE : 0;
	out->phnum = h->phnum;
	out->phentsize = h->phentsize;
	const uint8_t *table = (const uint8_t *)file + h->phoff;
	for (unsigned i = 0; i < h->phnum; i++) {
		struct elf64_phdr p;
		memcpy(&p, table + i * sizeof p, sizeof p);
		if (p.type == PT_INTERP)
			return refuse(why, whylen, "a dynamically linked program (it asks for an interpreter); "
					       "only static programs run");
		if (p.type == PT_GNU_STACK)
			out->executable_stack = (p.flags & PF_X) != 0;
		if (p.type != PT_LOAD || p.memsz == 0)
			continue;
		if ((err = check_load(&p, out->bias, size, why, whylen)) ||
		    (err = add_segment(out, &p, why, whylen)))
			return err;
	}
	if (!out->nseg)
		return refuse(why, whylen, "no loadable segment");
	out->entry = h->entry + out->bias;
	if (!entry_executable(out))
		return refuse(why, whylen, "entry point outside the executable segments");
	out->phdr_vaddr = phdr_address(out, h);
	return 0;
}

struct shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

#define SHT_SYMTAB 2
#define STT_FUNC 2

/* Section i's header, copied out, if it lies inside the file. */
static bool section(const uint8_t *f, size_t size, const struct elf64_ehdr *h, unsigned i, struct shdr *out)
{
	uint64_t at = h->shoff + (uint64_t)i * sizeof *out;

	if (h->shentsize != sizeof *out || i >= h->shnum || at < h->shoff || at > size ||
	    size - at < sizeof *out)
		return false;
	memcpy(out, f + at, sizeof *out);
	return out->offset <= size && out->size <= size - out->offset;
}

/* The file's .symtab and its string table, if it has them inside the file. */
static bool symtab(const uint8_t *f, size_t size, struct shdr *syms, struct shdr *strs)
{
	struct elf64_ehdr h;

	if (size < sizeof h)
		return false;
	memcpy(&h, f, sizeof h);
	for (unsigned i = 0; i < h.shnum; i++)
		if (section(f, size, &h, i, syms) && syms->type == SHT_SYMTAB &&
		    syms->entsize == sizeof(struct sym) && section(f, size, &h, syms->link, strs))
			return true;
	return false;
}

/* Symbol number k's entry and its name (NUL-terminated inside the string
 * table), or NULL if its name is not. */
static const char *symbol(const uint8_t *f, const struct shdr *syms, const struct shdr *strs,
			  uint64_t k, struct sym *s)
{
	memcpy(s, f + syms->offset + k * sizeof *s, sizeof *s);
	if (s->name >= strs->size)
		return NULL;
	const char *name = (const char *)f + strs->offset + s->name;
	return strnlen(name, strs->size - s->name) == strs->size - s->name ? NULL : name;
}

const char *elf_symbolize(const void *file, size_t size, uint64_t bias, uint64_t addr,
			  uint64_t *offset)
{
	struct shdr syms, strs;
	const char *best = NULL;

	if (!symtab(file, size, &syms, &strs))
		return NULL;
	for (uint64_t k = 0; k < syms.size / sizeof(struct sym); k++) {
		struct sym s;
		const char *name = symbol(file, &syms, &strs, k, &s);
		uint64_t start = s.value + bias;
		if (!name || (s.info & 15) != STT_FUNC || s.shndx == 0 /* undefined */ ||
		    addr < start || addr - start >= (s.size ? s.size : 1))
			continue;
		best = name;
		*offset = addr - start;
	}
	return best;
}

uint64_t elf_find_symbol(const void *file, size_t size, uint64_t bias, const char *name)
{
	struct shdr syms, strs;

	if (!symtab(file, size, &syms, &strs))
		return 0;
	for (uint64_t k = 0; k < syms.size / sizeof(struct sym); k++) {
		struct sym s;
		const char *n = symbol(file, &syms, &strs, k, &s);
		if (n && s.shndx != 0 && !strcmp(n, name))
			return s.value + bias;
	}
	return 0;
}
