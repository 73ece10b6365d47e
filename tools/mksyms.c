/*
 * mksyms: build the kernel's symbol table blob from a linked kernel ELF, or
 * check that two links agree on every symbol outside .ksyms.
 *   mksyms KERNEL.elf OUT.bin
 *   mksyms --check PASS1.elf PASS2.elf
 * Blob layout (read by kernel/kern/ksyms.c): u64 count, u64 names_offset,
 * count x {u64 addr, u32 size, u32 name_offset}, sorted by addr, then names.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct image {
	unsigned char *data;
	size_t size;
	const Elf64_Shdr *sh;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	const char *shstr;
};

struct entry {
	uint64_t addr;
	uint32_t size;
	const char *name;
};

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "mksyms: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static void load(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open", path);
	fseek(f, 0, SEEK_END);
	im->size = (size_t)ftell(f);
	rewind(f);
	im->data = malloc(im->size);
	if (!im->data || fread(im->data, 1, im->size, f) != im->size)
		die("cannot read", path);
	fclose(f);

	const Elf64_Ehdr *eh = (const void *)im->data;
	if (im->size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > im->size)
		die("not a valid ELF64 file", path);
	im->sh = (const void *)(im->data + eh->e_shoff);
	im->shstr = (const char *)im->data + im->sh[eh->e_shstrndx].sh_offset;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (im->sh[i].sh_type != SHT_SYMTAB)
			continue;
		im->syms = (const void *)(im->data + im->sh[i].sh_offset);
		im->nsyms = im->sh[i].sh_size / sizeof(Elf64_Sym);
		im->strtab = (const char *)im->data + im->sh[im->sh[i].sh_link].sh_offset;
	}
	if (!im->syms)
		die("no symbol table", path);
}

/* Functions and code labels: anything named that lives in an executable section. */
static int wanted(const struct image *im, const Elf64_Sym *s)
{
	const char *name = im->strtab + s->st_name;
	int type = ELF64_ST_TYPE(s->st_info);

	if (!*name || name[0] == '.' || name[0] == '$' || s->st_shndx == SHN_UNDEF ||
	    s->st_shndx >= SHN_LORESERVE)
		return 0;
	if (type != STT_FUNC && type != STT_NOTYPE)
		return 0;
	return (im->sh[s->st_shndx].sh_flags & SHF_EXECINSTR) != 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)y->size - (int)x->size; /* prefer sized (C) symbols */
}

static void build(const char *in, const char *out)
{
	struct image im;
	load(in, &im);
	struct entry *e = calloc(im.nsyms, sizeof *e);
	size_t n = 0;
	for (size_t i = 0; i < im.nsyms; i++) {
		if (!wanted(&im, &im.syms[i]))
			continue;
		e[n].addr = im.syms[i].st_value;
		e[n].size = (uint32_t)im.syms[i].st_size;
		e[n].name = im.strtab + im.syms[i].st_name;
		n++;
	}
	qsort(e, n, sizeof *e, by_addr);

	FILE *f = fopen(out, "wb");
	if (!f)
		die("cannot create", out);
	uint64_t hdr[2] = {n, 16 + n * 16};
	fwrite(hdr, 8, 2, f);
	uint32_t off = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t rec[2] = {e[i].size, off};
		fwrite(&e[i].addr, 8, 1, f);
		fwrite(rec, 4, 2, f);
		off += (uint32_t)strlen(e[i].name) + 1;
	}
	for (size_t i = 0; i < n; i++)
		fwrite(e[i].name, 1, strlen(e[i].name) + 1, f);
	if (fclose(f))
		die("write failed", out);
}

/* Every symbol except the end-of-image markers must be at the same address. */
static void check(const char *a, const char *b)
{
	struct image x, y;
	load(a, &x);
	load(b, &y);
	if (x.nsyms != y.nsyms)
		die("symbol count differs between links", b);
	for (size_t i = 0; i < x.nsyms; i++) {
		const char *name = x.strtab + x.syms[i].st_name;
		if (!strcmp(name, "__ksyms_end") || !strcmp(name, "__image_phys_end"))
			continue;
		if (x.syms[i].st_value != y.syms[i].st_value)
			die("symbol moved between links (is .ksyms still last?)", name);
	}
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--check"))
		check(argv[2], argv[3]);
	else if (argc == 3)
		build(argv[1], argv[2]);
	else
		die("usage: mksyms KERNEL.elf OUT.bin | mksyms --check A.elf B.elf", NULL);
	return 0;
}
