/* Symbol lookup and backtraces from the table tools/mksyms builds into .ksyms. */
#include <stdint.h>

#include "ksyms.h"
#include "kstring.h"
#include "printf.h"
#include "vm.h"
#include "x86.h"

/* Layout written by tools/mksyms.c: a header, entries sorted by address, names. */
struct ksyms_header {
	uint64_t count;
	uint64_t names_offset;
};

struct ksym {
	uint64_t addr;
	uint32_t size; /* 0 for assembly labels: they extend to the next symbol */
	uint32_t name;
};

extern const char __ksyms_start[];

static const struct ksym *table(uint64_t *count)
{
	const struct ksyms_header *h = (const void *)__ksyms_start;

	*count = h->count;
	return (const struct ksym *)(h + 1);
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t n, lo = 0, hi;
	const struct ksym *s = table(&n);
	const char *names = __ksyms_start + ((const struct ksyms_header *)__ksyms_start)->names_offset;

	hi = n;
	while (lo < hi) { /* first entry with s.addr > addr */
		uint64_t mid = lo + (hi - lo) / 2;
		if (s[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	s += lo - 1;
	if (s->size && addr - s->addr >= s->size)
		return NULL;
	if (!s->size && addr - s->addr >= 65536)
		return NULL;
	*offset = addr - s->addr;
	return names + s->name;
}

uint64_t ksyms_address(const char *name)
{
	uint64_t n;
	const struct ksym *s = table(&n);
	const char *names = __ksyms_start + ((const struct ksyms_header *)__ksyms_start)->names_offset;

	for (uint64_t i = 0; i < n; i++)
		if (strcmp(names + s[i].name, name) == 0)
			return s[i].addr;
	return 0;
}

/* A frame pointer is worth following only if both words are mapped kernel memory. */
static int frame_readable(uint64_t fp)
{
	if ((fp & 7) || fp < KERNEL_VMA - (1ull << 40) || fp + 16 < fp)
		return 0;
	/* Walk the live tables: during early boot they are the boot stub's. */
	struct vm_space cur = {.pml4 = read_cr3() & ~0xfffull};
	return vm_lookup(&cur, fp, NULL, NULL) == 0 && vm_lookup(&cur, fp + 8, NULL, NULL) == 0;
}

static void print_frame(int depth, uint64_t pc)
{
	uint64_t off;
	const char *name = ksyms_lookup(pc, &off);

	if (name)
		kprintf("  #%-2d %016lx %s+0x%lx\n", depth, pc, name, off);
	else
		kprintf("  #%-2d %016lx ?\n", depth, pc);
}

/* Deep recursion repeats one frame many times: print it once with a count. */
static void print_run(int *lines, uint64_t pc, uint64_t repeats)
{
	print_frame((*lines)++, pc);
	if (repeats > 1)
		kprintf("      ... the same frame %lu more times\n", repeats - 1);
}

void ksyms_backtrace(uint64_t rip, uint64_t rbp)
{
	int lines = 0;
	uint64_t run_pc = rip, run = 1;

	for (int walked = 0; walked < 100000 && lines < 32 && rbp && frame_readable(rbp); walked++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;
		uint64_t ret = fp[1];

		if (!ret)
			break;
		/* Return addresses point after the call; look up the call itself. */
		if (ret - 1 == run_pc) {
			run++;
		} else {
			print_run(&lines, run_pc, run);
			run_pc = ret - 1;
			run = 1;
		}
		if (fp[0] <= rbp) /* frames must move up the stack */
			break;
		rbp = fp[0];
	}
	print_run(&lines, run_pc, run);
}
