/* Host tests of the ELF checker: good static executables and static-pie are
 * described exactly; every kind of bad file is refused with a reason, and
 * nothing outside the buffer is read (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf.h"
#include "harness.h"
#include "kerrno.h"


#define FILE_SIZE 0x3000
static uint8_t file[FILE_SIZE] __attribute__((aligned(8)));
static struct elf64_ehdr *eh = (struct elf64_ehdr *)file;
static struct elf64_phdr *ph = (struct elf64_phdr *)(file + 64);
static struct elf_image img;
static char why[160];

/* A typical static binary: headers+text R-X at 0x400000, data RW- at 0x402000. */
static void build(uint16_t type)
{
	memset(file, 0, sizeof file);
	memcpy(eh->ident, "\177ELF\2\1\1", 7);
	eh->type = type;
	eh->machine = 62;
	eh->version = 1;
	eh->phoff = 64;
	eh->ehsize = 64;
	eh->phentsize = sizeof(struct elf64_phdr);
	eh->phnum = 3;
	uint64_t base = type == 2 ? 0x400000 : 0;
	eh->entry = base + 0x1000;
	ph[0] = (struct elf64_phdr){1, 5, 0, base, base, 0x2000, 0x2000, 0x1000};
	ph[1] = (struct elf64_phdr){1, 6, 0x2000, base + 0x2000, base + 0x2000, 0x800, 0x5000, 0x1000};
	ph[2] = (struct elf64_phdr){0x6474e551, 6, 0, 0, 0, 0, 0, 16};
}

/* Parse from the end of an exactly-sized heap copy so over-reads are caught. */
static int parse(size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, file, size);
	int r = elf_parse(copy, size, &img, why, sizeof why);
	free(copy);
	return r;
}

static void expect_refused(const char *reason_part)
{
	int r = parse(FILE_SIZE);
	CHECK_EQ(r, -ENOEXEC);
	if (!strstr(why, reason_part)) {
		char msg[300];
		snprintf(msg, sizeof msg, "reason \"%s\" should mention \"%s\"", why, reason_part);
		unit_fail(__FILE__, __LINE__, msg);
	}
}

TEST(elf_static_executable_described_exactly)
{
	build(2);
	CHECK_EQ(parse(FILE_SIZE), 0);
	CHECK_EQ(img.bias, 0);
	CHECK_EQ(img.entry, 0x401000);
	CHECK_EQ(img.nseg, 2);
	CHECK_EQ(img.seg[0].vaddr, 0x400000);
	CHECK_EQ(img.seg[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	CHECK_EQ(img.seg[1].filesz, 0x800);
	CHECK_EQ(img.seg[1].memsz, 0x5000);
	CHECK_EQ(img.seg[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	CHECK_EQ(img.lo, 0x400000);
	CHECK_EQ(img.hi, 0x407000);
	CHECK_EQ(img.phdr_vaddr, 0x400040);
	CHECK_EQ(img.phnum, 3);
	CHECK(!img.executable_stack);
}

TEST(elf_static_pie_gets_the_pie_base)
{
	build(3);
	CHECK_EQ(parse(FILE_SIZE), 0);
	CHECK_EQ(img.bias, ELF_PIE_BASE);
	CHECK_EQ(img.entry, ELF_PIE_BASE + 0x1000);
	CHECK_EQ(img.seg[1].vaddr, ELF_PIE_BASE + 0x2000);
	CHECK_EQ(img.phdr_vaddr, ELF_PIE_BASE + 64);
}

TEST(elf_wrong_identity_refused)
{
	build(2); file[1] = 'X'; expect_refused("not an ELF file");
	build(2); file[4] = 1; expect_refused("64-bit");
	build(2); file[5] = 2; expect_refused("little-endian");
	build(2); eh->machine = 3; expect_refused("x86-64");
	build(2); eh->type = 1; expect_refused("not an executable");
	build(2); eh->type = 4; expect_refused("not an executable");
	build(2); eh->phentsize = 32; expect_refused("program header");
	build(2); eh->phnum = 0; expect_refused("program header");
}

TEST(elf_every_truncation_refused_without_overread)
{
	build(2);
	for (size_t n = 0; n < 0x2800; n += (n < 300 ? 1 : 64)) {
		int r = parse(n);
		if (r != -ENOEXEC) {
			CHECK_EQ(r, -ENOEXEC);
			break;
		}
	}
	CHECK_EQ(parse(0x2800), 0); /* exactly up to the end of the data's file bytes */
}

TEST(elf_bad_segments_refused)
{
	build(2); ph[1].filesz = 0x6000; expect_refused("more file bytes than memory");
	build(2); ph[1].offset = 0x2f00; expect_refused("runs past its end");
	build(2); ph[1].vaddr = 0x401000; ph[1].offset = 0x1000; expect_refused("overlap");
	build(2); ph[1].vaddr = 0x402100; expect_refused("page size");
	build(2); ph[1].vaddr = 0x7fffffffe000; ph[1].offset = 0; expect_refused("user half");
	build(2); ph[1].vaddr = 0xffffffff80002000; expect_refused("user half");
	build(2); ph[1].vaddr = 0xfffffffffffff000; ph[1].offset = 0; expect_refused("user half");
	build(2); ph[0].vaddr = 0; eh->entry = 0x1000; expect_refused("user half"); /* null page */
}

TEST(elf_dynamic_and_entry_problems_refused)
{
	build(2); ph[2].type = 3; expect_refused("interpreter");
	build(2); ph[0].type = 0; ph[1].type = 0; expect_refused("no loadable segment");
	build(2); eh->entry = 0x402100; expect_refused("entry point"); /* in non-exec data */
	build(2); eh->entry = 0x900000; expect_refused("entry point");
}

TEST(elf_executable_stack_flag_and_empty_segments)
{
	build(2);
	ph[2].flags = 7;
	ph[1].memsz = 0; /* an empty PT_LOAD is ignored */
	ph[1].filesz = 0;
	CHECK_EQ(parse(FILE_SIZE), 0);
	CHECK(img.executable_stack);
	CHECK_EQ(img.nseg, 1);
}

/* A real dynamically linked program: this test binary itself. */
TEST(elf_real_dynamic_binary_refused)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	static uint8_t buf[1 << 16];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	CHECK(n > 64);
	CHECK_EQ(elf_parse(buf, n, &img, why, sizeof why), -ENOEXEC);
	CHECK(strstr(why, "interpreter") != NULL);
}

TEST(elf_fuzz_never_crashes)
{
	unsigned seed = 7;

	for (int i = 0; i < 20000; i++) {
		build(rand_r(&seed) % 2 ? 2 : 3);
		for (int k = 1 + rand_r(&seed) % 6; k > 0; k--)
			file[rand_r(&seed) % 256] ^= (uint8_t)(1 + rand_r(&seed) % 255);
		int r = parse(rand_r(&seed) % 4 ? FILE_SIZE : (size_t)(rand_r(&seed) % FILE_SIZE));
		if (r != 0 && r != -ENOEXEC) {
			CHECK(r == 0 || r == -ENOEXEC);
			break;
		}
		if (r == 0 && (img.nseg == 0 || img.hi > ELF_USER_LIMIT || img.lo < 4096)) {
			CHECK(!"accepted an image outside the user half");
			break;
		}
	}
}

/* Symbolizing against a real symbol table: this test binary's own. */
__attribute__((noinline)) int elf_test_anchor_function(int x) { return x * 3 + 1; }

TEST(elf_symbolize_finds_functions_in_a_real_symtab)
{
	static uint8_t buf[4 << 20];
	FILE *f = fopen("/proc/self/exe", "rb");
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	uint64_t off = 0;

	if (f)
		fclose(f);
	CHECK(n > 0 && n < sizeof buf);
	/* The anchor's link-time address is unknown here (the binary is position
	 * independent): scan the text for an address that names it exactly. */
	const char *name = NULL;
	uint64_t start = 0;
	for (uint64_t a = 0x1000; a < 0x400000 && !name; a += 16) {
		const char *s = elf_symbolize(buf, n, 0, a, &off);
		if (s && !strcmp(s, "elf_test_anchor_function") && off < 16) {
			name = s;
			start = a - off;
		}
	}
	CHECK(name != NULL);
	CHECK(elf_symbolize(buf, n, 0, start, &off) == name && off == 0);
	CHECK(elf_symbolize(buf, n, 0, start + 8, &off) == name && off == 8);
	CHECK(elf_symbolize(buf, n, 0, start + 4096, &off) != name); /* past its 55 bytes */
	CHECK(elf_symbolize(buf, n, 0, 0, &off) == NULL); /* undefined symbols are skipped */
	CHECK(elf_symbolize(buf, 64, 0, 0x1000, &off) == NULL); /* truncated: no sections */
	CHECK(elf_test_anchor_function(2) == 7);
}
