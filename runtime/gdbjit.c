/*
 * gdb's JIT interface, as gdb's manual describes it: gdb puts a breakpoint
 * on __jit_debug_register_code and, each time it is called, reads the
 * in-memory object file that __jit_debug_descriptor's relevant entry
 * points to, as if it were a shared library loaded there. Ours are small
 * ELF files of our own making that hold symbols only: one function each,
 * in a .text section without contents (gdb reads code from memory) at the
 * code's address.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "gdbjit.h"

enum { JIT_NOACTION, JIT_REGISTER_FN, JIT_UNREGISTER_FN };

struct jit_code_entry {
	struct jit_code_entry *next_entry, *prev_entry;
	const char *symfile_addr;
	uint64_t symfile_size;
};

struct jit_descriptor {
	uint32_t version;
	uint32_t action_flag;
	struct jit_code_entry *relevant_entry, *first_entry;
};

/* The names and layout gdb looks for. */
struct jit_descriptor __jit_debug_descriptor = {1, JIT_NOACTION, NULL, NULL};

__attribute__((noinline, used)) void __jit_debug_register_code(void)
{
	__asm__ volatile("" ::: "memory");
}

#define SECTION_NAMES "\0.text\0.symtab\0.strtab\0.shstrtab"

/* The object file: header, section names, symbol names, symbols, section
 * headers (null, .text, .symtab, .strtab, .shstrtab). */
static char *symfile(uint64_t start, uint64_t size, const char *name, size_t *len)
{
	size_t nlen = strlen(name) + 1, shstr = sizeof SECTION_NAMES;
	size_t o_shstr = sizeof(Elf64_Ehdr), o_str = o_shstr + shstr;
	size_t o_sym = (o_str + 1 + nlen + 7) & ~(size_t)7, o_sh = o_sym + 2 * sizeof(Elf64_Sym);
	*len = o_sh + 5 * sizeof(Elf64_Shdr);
	char *f = calloc(1, *len);
	if (!f)
		return NULL;
	Elf64_Ehdr h = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_EXEC,
	    .e_machine = EM_X86_64,
	    .e_version = EV_CURRENT,
	    .e_shoff = o_sh,
	    .e_ehsize = sizeof h,
	    .e_shentsize = sizeof(Elf64_Shdr),
	    .e_shnum = 5,
	    .e_shstrndx = 4};
	memcpy(f, &h, sizeof h);
	memcpy(f + o_shstr, SECTION_NAMES, shstr);
	memcpy(f + o_str + 1, name, nlen);
	Elf64_Sym s = {.st_name = 1,
		       .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		       .st_shndx = 1,
		       .st_value = start,
		       .st_size = size};
	memcpy(f + o_sym + sizeof s, &s, sizeof s);
	Elf64_Shdr sh[5] = {
	    {0},
	    {.sh_name = 1,
	     .sh_type = SHT_NOBITS,
	     .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
	     .sh_addr = start,
	     .sh_offset = o_sh,
	     .sh_size = size,
	     .sh_addralign = 16},
	    {.sh_name = 7,
	     .sh_type = SHT_SYMTAB,
	     .sh_offset = o_sym,
	     .sh_size = 2 * sizeof s,
	     .sh_link = 3,
	     .sh_info = 1,
	     .sh_addralign = 8,
	     .sh_entsize = sizeof s},
	    {.sh_name = 15,
	     .sh_type = SHT_STRTAB,
	     .sh_offset = o_str,
	     .sh_size = 1 + nlen,
	     .sh_addralign = 1},
	    {.sh_name = 23,
	     .sh_type = SHT_STRTAB,
	     .sh_offset = o_shstr,
	     .sh_size = shstr,
	     .sh_addralign = 1},
	};
	memcpy(f + o_sh, sh, sizeof sh);
	return f;
}

void gdbjit_add(uint64_t start, uint64_t size, const char *name)
{
	struct jit_code_entry *e = calloc(1, sizeof *e);
	size_t len;
	char *f = e ? symfile(start, size, name, &len) : NULL;
	if (!f) {
		free(e);
		return; /* gdb will not know this one: nothing else depends on it */
	}
	e->symfile_addr = f;
	e->symfile_size = len;
	e->next_entry = __jit_debug_descriptor.first_entry;
	if (e->next_entry)
		e->next_entry->prev_entry = e;
	__jit_debug_descriptor.first_entry = e;
	__jit_debug_descriptor.relevant_entry = e;
	__jit_debug_descriptor.action_flag = JIT_REGISTER_FN;
	__jit_debug_register_code();
}
