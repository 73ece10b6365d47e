/*
 * The stubs: one per managed function, under its name, through which every
 * call of it and every address taken of it go. A stub jumps through the
 * function's slot (the `code` field of its struct prof_fn), where a new
 * version is installed with one release store while the program runs.
 *
 * They are machine code written here, 16 bytes each, not IR: LLVM's code
 * generator, run on a module of stubs, took 8 to 45 ms of every cold start
 * before main hosted (45 ms for jpeg's 37 functions; some 150 to 450 ms
 * under emulation), all of it its pass pipeline's fixed cost per function.
 *
 *   49 bb <8 bytes>   movabs $slot, %r11
 *   41 ff 23          jmp *(%r11)
 *   cc cc cc          int3: traps whatever would run past the jump
 *
 * The jump leaves the stack, the return address and every register but
 * r11 as the caller made them, so one stub suits any signature whose
 * calling convention keeps r11 free for it (jit_prepare manages only
 * those), a struct passed by value on the stack included. A load on
 * x86-64 is an acquire, which pairs with the install's release store.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "prof/prof.h"

#ifndef __x86_64__
#error "the stubs are x86-64 machine code"
#endif

enum { STUB_SIZE = 16 };

static void write_stub(unsigned char *s, const void *slot)
{
	uint64_t a = (uintptr_t)slot;
	s[0] = 0x49, s[1] = 0xbb; /* movabs $a, %r11 */
	memcpy(s + 2, &a, sizeof a);
	s[10] = 0x41, s[11] = 0xff, s[12] = 0x23; /* jmp *(%r11) */
	memset(s + 13, 0xcc, STUB_SIZE - 13);
}

/* Each managed function's stub in one mapping, made executable and never
 * writable again, its address under the function's name: absolute symbols,
 * as the probes are, which ORC never takes back (jit_rollback removes only
 * objects), so once a run. */
int jit_define_stubs(struct jit *j, const struct jit_probes *p)
{
	if (j->stubs_defined)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < j->nfns; i++)
		n += j->fns[i].managed;
	if (!n) {
		j->stubs_defined = true;
		return 0;
	}
	size_t len = n * STUB_SIZE; /* mmap and mprotect round it up to pages */
	unsigned char *code =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		return jit_fail(j, JIT_EINTERNAL, "no memory for %zu stubs: %s", n,
				strerror(errno));
	LLVMOrcCSymbolMapPair *pairs = malloc(n * sizeof *pairs);
	unsigned *fn = malloc(n * sizeof *fn);
	if (!pairs || !fn) {
		free(pairs);
		free(fn);
		munmap(code, len);
		return jit_out_of_memory(j);
	}
	for (size_t i = 0, k = 0; i < j->nfns; i++) {
		if (!j->fns[i].managed)
			continue;
		unsigned char *stub = code + k * STUB_SIZE;
		write_stub(stub,
			   (char *)p->fns + (i + 1) * p->fn_size + offsetof(struct prof_fn, code));
		pairs[k].Name = LLVMOrcLLJITMangleAndIntern(j->lljit, j->syms[i]);
		pairs[k].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)stub;
		pairs[k].Sym.Flags.GenericFlags =
		    LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
		pairs[k].Sym.Flags.TargetFlags = 0;
		fn[k++] = (unsigned)i;
	}
	int err = 0;
	if (mprotect(code, len, PROT_READ | PROT_EXEC)) {
		err = jit_fail(j, JIT_EINTERNAL, "cannot make the stubs executable: %s",
			       strerror(errno));
		for (size_t k = 0; k < n; k++)
			LLVMOrcReleaseSymbolStringPoolEntry(pairs[k].Name);
		goto out_unmap;
	}
	LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, n); /* owns the names */
	LLVMErrorRef e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit), mu);
	if (e) { /* the unit, with the names, is still ours */
		LLVMOrcDisposeMaterializationUnit(mu);
		err = jit_fail_llvm(j, JIT_EINTERNAL, "cannot define the stubs", e);
		goto out_unmap;
	}
	free(pairs);
	j->stubs = code, j->nstubs = n, j->stub_fn = fn;
	for (size_t i = 0, k = 0; i < j->nfns && j->code_fn; i++)
		if (j->fns[i].managed)
			j->code_fn(j->code_ctx, (uintptr_t)(code + k++ * STUB_SIZE), STUB_SIZE,
				   j->syms[i]);
	j->stubs_defined = true;
	return 0;
out_unmap:
	free(pairs);
	free(fn);
	munmap(code, len);
	return err;
}

long jit_function_at(const struct jit *j, uint64_t addr)
{
	uint64_t base = (uintptr_t)j->stubs;
	if (!j->stubs || addr < base || addr >= base + j->nstubs * STUB_SIZE ||
	    (addr - base) % STUB_SIZE)
		return -1;
	return j->stub_fn[(addr - base) / STUB_SIZE];
}

bool jit_is_function(const struct jit *j, uint64_t addr)
{
	return jit_function_at(j, addr) >= 0;
}
