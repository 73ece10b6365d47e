/* exec: load a static ELF program into a new address space and start it
 * with argv, envp and the auxiliary vector laid out as Linux does. */
#include "console.h"
#include "cpu.h"
#include "elf.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "task.h"
#include "timer.h"
#include "x86.h"


enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
	AT_HWCAP2 = 26, AT_EXECFN = 31,
};

#define STACK_EAGER (64ul << 10) /* mapped up front, beyond argv, envp and auxv */

static unsigned vm_flags(unsigned prot)
{
	return VM_USER | (prot & ELF_PROT_READ ? VM_READ : 0) | (prot & ELF_PROT_WRITE ? VM_WRITE : 0) |
	       (prot & ELF_PROT_EXEC ? VM_EXEC : 0);
}

/* Back [lo, hi) of `as` with fresh zeroed pages; -ENOMEM leaves the pages
 * mapped so far for vm_space_destroy to free. */
static int map_zeroed(struct vm_space *as, uint64_t lo, uint64_t hi, unsigned flags)
{
	for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
		uint64_t pa = pmm_alloc_zeroed();
		if (!pa)
			return -ENOMEM;
		if (vm_map(as, va, pa, PAGE_SIZE, flags)) {
			pmm_free_pages(pa, 1);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Map one segment. Nothing is copied now: a page is backed at its first
 * touch (vma_fault), with the file's bytes for it, from the first page that
 * holds the segment's to the last, the bytes after filesz zero; the rest
 * (bss, and any anonymous tail) is demand-zero like any other area, so a
 * 600 MB or 1 TiB bss costs nothing until touched, as on Linux. The file
 * is the boot archive's (or module's) memory, which stays as it is for the
 * whole run: a write to the file copies it first (inode.c). So a large
 * program costs only the pages it uses (the JIT runtime, 42 MB of
 * segments, touches some tens of them). */
static int load_segment(const struct elf_segment *s, const uint8_t *file)
{
	uint64_t lo = s->vaddr & ~(PAGE_SIZE - 1);
	uint64_t hi = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t data_hi = (s->vaddr + s->filesz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int err = 0;

	if (data_hi > lo)
		err = vma_add_image(lo, data_hi, vm_flags(s->prot), file, s->offset - (s->vaddr - lo),
				    s->offset + s->filesz);
	if (!err && hi > data_hi)
		err = vma_add(data_hi, hi, vm_flags(s->prot));
	return err;
}

/* Linux maps a bss like brk memory, under its heuristic overcommit: one
 * larger than all of RAM is refused after exec's point of no return, and
 * the program dies by SIGSEGV. Smaller ones are demand-zero and may add up
 * to more than RAM. */
static bool bss_fits(const struct elf_image *img, const char *name)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t data_hi = (s->vaddr + s->filesz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t hi = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if ((s->prot & ELF_PROT_WRITE) && !vma_may_commit(hi - data_hi)) {
			kreport("bareflow: %s: cannot start: its bss of %lu MiB is larger than memory "
				"(%lu MiB), which Linux refuses too (SIGSEGV); try a larger --mem\n",
				name, (unsigned long)((hi - data_hi) >> 20),
				(unsigned long)(pmm_total_count() * PAGE_SIZE >> 20));
			return false;
		}
	}
	return true;
}

/* A user stack under construction, filled downwards from the top. */
struct stack {
	uint64_t sp;
	int err;
};

static uint64_t push_bytes(struct stack *st, const void *p, size_t n)
{
	st->sp -= n;
	if (!st->err)
		st->err = copy_to_user(st->sp, p, n);
	return st->sp;
}

static void push_word(struct stack *st, uint64_t v) { push_bytes(st, &v, 8); }

static void random_bytes(uint8_t *out, size_t n)
{
	uint64_t x = rdtsc() ^ 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		out[i] = (uint8_t)x;
	}
}

/* argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL; strings above them.
 * Runs with `as` current. Returns the initial stack pointer or 0 on -EFAULT. */
static uint64_t build_stack(const struct elf_image *img, int argc, char **argv, int envc,
			    char **envp)
{
	struct stack st = {USER_STACK_TOP, 0};
	uint64_t *uargv = kmalloc(sizeof(uint64_t) * (size_t)(argc + envc + 1));
	uint8_t rnd[16];

	if (!uargv)
		return 0;
	for (int i = argc + envc - 1; i >= 0; i--) {
		const char *str = i < argc ? argv[i] : envp[i - argc];
		uargv[i] = push_bytes(&st, str, strlen(str) + 1);
	}
	/* for /proc/self/cmdline and environ: the strings lie in order */
	struct proc *p = current_proc();
	p->env_end = USER_STACK_TOP;
	p->arg_start = argc + envc ? uargv[0] : st.sp;
	p->arg_end = envc ? uargv[argc] : USER_STACK_TOP;
	uint64_t platform = push_bytes(&st, "x86_64", 7);
	random_bytes(rnd, sizeof rnd);
	uint64_t random = push_bytes(&st, rnd, sizeof rnd);
	uint64_t auxv[][2] = {
		{AT_PHDR, img->phdr_vaddr}, {AT_PHENT, img->phentsize}, {AT_PHNUM, img->phnum},
		{AT_PAGESZ, PAGE_SIZE}, {AT_BASE, 0}, {AT_FLAGS, 0}, {AT_ENTRY, img->entry},
		{AT_UID, 0}, {AT_EUID, 0}, {AT_GID, 0}, {AT_EGID, 0}, {AT_PLATFORM, platform},
		{AT_HWCAP, cpuid(1, 0).edx}, {AT_CLKTCK, TIMER_HZ}, {AT_SECURE, 0},
		{AT_RANDOM, random}, {AT_HWCAP2, cpu_get()->fsgsbase ? 2 : 0},
		{AT_EXECFN, argc ? uargv[0] : 0}, {AT_NULL, 0},
	};
	unsigned nwords = 1 + (unsigned)argc + 1 + (unsigned)envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
	st.sp &= ~15ul;
	if (nwords & 1) /* RSP must be 16-byte aligned at the entry point */
		push_word(&st, 0);
	for (int i = (int)(sizeof auxv / sizeof auxv[0]) - 1; i >= 0; i--) {
		push_word(&st, auxv[i][1]);
		push_word(&st, auxv[i][0]);
	}
	push_word(&st, 0);
	for (int i = envc - 1; i >= 0; i--)
		push_word(&st, uargv[argc + i]);
	push_word(&st, 0);
	for (int i = argc - 1; i >= 0; i--)
		push_word(&st, uargv[i]);
	push_word(&st, (uint64_t)argc);
	kfree(uargv);
	return st.err ? 0 : st.sp;
}

int proc_exec(const void *file, size_t size, int argc, char **argv, int envc, char **envp)
{
	struct elf_image img;
	char why[160];
	int err = elf_parse(file, size, &img, why, sizeof why);

	if (err) {
		kreport("bareflow: %s: cannot execute: %s\n", argc ? argv[0] : "program", why);
		return 126;
	}
	/* The strings and vectors go at the stack's top, mapped up front; like
	 * Linux, they may take a quarter of the stack. */
	uint64_t need = 1024 + 8ul * (uint64_t)(argc + envc + 2);
	for (int i = 0; i < argc + envc; i++)
		need += strlen(i < argc ? argv[i] : envp[i - argc]) + 1;
	if (need > USER_STACK_SIZE / 4) {
		kreport("bareflow: %s: cannot execute: Argument list too long (%lu bytes, at most %lu)\n",
			argc ? argv[0] : "program", (unsigned long)need, USER_STACK_SIZE / 4);
		return 126;
	}
	if (!bss_fits(&img, argc ? argv[0] : "program"))
		return 128 + SIGSEGV;
	uint64_t eager = (need + STACK_EAGER + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct vm_space *as = vm_space_create();
	if (!as)
		return -ENOMEM;
	for (unsigned i = 0; !err && i < img.nseg; i++)
		err = load_segment(&img.seg[i], file);
	if (!err)
		err = vma_add_stack();
	if (!err)
		err = map_zeroed(as, USER_STACK_TOP - eager, USER_STACK_TOP, VM_USER | VM_WRITE);
	uint64_t sp = 0;
	if (!err) {
		vm_switch(as);
		sp = build_stack(&img, argc, argv, envc, envp);
		vm_switch(vm_kernel());
		err = sp ? 0 : -ENOMEM;
	}
	proc_set_image(file, size, img.bias);
	int status = err ? err : proc_run(as, img.entry, sp, img.hi);
	proc_set_image(NULL, 0, 0);
	vm_space_destroy(as); /* the areas go with the process (proc_destroy) */
	return status;
}
