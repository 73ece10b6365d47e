/* Assembly that names the program's symbols, which LLVM does not see as
 * uses: a function defined in module-level assembly and called from C, a
 * variable only inline assembly writes (by name, not through an operand),
 * a C function inline assembly calls by name, and a static variable and a
 * static function that assembly names. The JIT must link them
 * by those names at every tier (the function defined once, however many
 * versions call it) and must not take the variable for a constant. */
#include <stdio.h>

#define ROUNDS 3000

__asm__(".text\n"
	".globl asm_add3\n"
	".type asm_add3, @function\n"
	"asm_add3:\n"
	"\tleaq 3(%rdi), %rax\n"
	"\tret\n"
	".size asm_add3, .-asm_add3\n"
	".globl asm_call_twice\n"
	".type asm_call_twice, @function\n"
	"asm_call_twice:\n"
	"\tjmp asm_twice\n"
	".size asm_call_twice, .-asm_call_twice\n");
long asm_add3(long x);
long asm_call_twice(long x);

int asm_counter = 1; /* written only by the assembly below */
int helper_calls;
/* a static that only assembly writes, and one that assembly calls: their
 * names are their file's, as in its object */
__attribute__((used)) static int asm_static;
__attribute__((used)) static long asm_twice(long x)
{
	return 2 * x;
}

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
	__asm__ volatile("addl $2, asm_counter(%%rip)\n\tincl asm_static(%%rip)" ::
			     : "memory", "cc");
}

static void call_helper(void)
{
	__asm__ volatile("call asm_helper" ::
			     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			       "memory", "cc");
}

int main(void)
{
	long total = 0;
	for (int round = 0; round < ROUNDS; round++) {
		total += sum_add3(10000);
		bump();
		if (round % 100 == 0)
			call_helper();
	}
	asm_helper(); /* a direct call too */
	long twice = asm_call_twice(21);
	printf("total %ld, counter %d, static %d, helper calls %d, twice %ld\n", total, asm_counter,
	       asm_static, helper_calls, twice);
	return asm_counter == 1 + 2 * ROUNDS && asm_static == ROUNDS &&
		       helper_calls == ROUNDS / 100 + 1 && twice == 42
		   ? 0
		   : 1;
}
