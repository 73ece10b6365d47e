/* Assembly that names the program's symbols, which LLVM does not see as
 * uses: a function defined in module-level assembly and called from C, a
 * variable only inline assembly writes (by name, not through an operand),
 * and a C function inline assembly calls by name. The JIT must link them
 * by those names at every tier (the function defined once, however many
 * versions call it) and must not take the variable for a constant. */
#include <stdio.h>

__asm__(".text\n"
	".globl asm_add3\n"
	".type asm_add3, @function\n"
	"asm_add3:\n"
	"\tleaq 3(%rdi), %rax\n"
	"\tret\n"
	".size asm_add3, .-asm_add3\n");
long asm_add3(long x);

int asm_counter = 1; /* written only by the assembly below */
int helper_calls;

__attribute__((noinline)) void asm_helper(void)
{
	helper_calls++;
}

/* hot: recompiled while it runs */
static long sum_add3(int n)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += asm_add3(i);
	return s;
}

static void bump(void)
{
	__asm__ volatile("addl $2, asm_counter(%%rip)" ::: "memory", "cc");
}

static void call_helper(void)
{
	__asm__ volatile("call asm_helper" ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			 "r10", "r11", "memory", "cc");
}

int main(void)
{
	long total = 0;
	for (int round = 0; round < 300; round++) {
		total += sum_add3(1000);
		bump();
		if (round % 100 == 0)
			call_helper();
	}
	asm_helper(); /* a direct call too */
	printf("total %ld, counter %d, helper calls %d\n", total, asm_counter, helper_calls);
	return asm_counter == 601 && helper_calls == 4 ? 0 : 1;
}
