/* ELF64 executables: checking a static x86-64 program and describing how to load it. */
#ifndef BF_ELF_H
#define BF_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h" /* ELF_PIE_BASE, ELF_USER_LIMIT */

#define ELF_MAX_SEGMENTS 16

#define ELF_PROT_READ 1u
#define ELF_PROT_WRITE 2u
#define ELF_PROT_EXEC 4u

/* The ELF64 file and program headers, as the format lays them out. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_segment {
	uint64_t vaddr;  /* where it goes, load bias applied */
	uint64_t memsz;
	uint64_t offset; /* in the file */
	uint64_t filesz; /* bytes from the file; the rest up to memsz is zero */
	unsigned prot;   /* ELF_PROT_* */
};

struct elf_image {
	uint64_t entry;      /* load bias applied */
	uint64_t bias;       /* 0 for ET_EXEC, ELF_PIE_BASE for static-pie */
	uint64_t phdr_vaddr; /* the program headers in memory (AT_PHDR), 0 if unmapped */
	uint16_t phnum, phentsize;
	uint64_t lo, hi;     /* page-rounded span of all segments */
	bool executable_stack;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	unsigned nseg;
};

/*
 * Check that file[0..size) is a static x86-64 ELF64 executable (ET_EXEC, or
 * ET_DYN without an interpreter) that can be loaded, and describe it in *out.
 * Returns 0, or -ENOEXEC with a one-line reason in why[] (always written):
 * wrong magic, class, data encoding, machine or type; truncated headers;
 * segments outside the file, overlapping, misaligned, or outside the user
 * half; a PT_INTERP (dynamic) program; no loadable segment; an entry point
 * outside the executable segments. Reads nothing outside the buffer.
 */
int elf_parse(const void *file, size_t size, struct elf_image *out, char *why, size_t whylen);

/*
 * Name of the function containing addr (a loaded address: bias applied), from
 * the file's .symtab, and addr's offset in it. Returns NULL if the file has no
 * symbol table or no function covers addr. Reads nothing outside the buffer.
 */
const char *elf_symbolize(const void *file, size_t size, uint64_t bias, uint64_t addr,
			  uint64_t *offset);

#endif
