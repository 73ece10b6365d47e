/* Inline assembly that does not assemble: clang takes any text in an asm
 * statement, and only code generation finds the mnemonic unknown. The
 * runtime must say so and exit 126 before main, not end the process
 * inside LLVM. */
#include <stdio.h>

int main(void)
{
	printf("before\n");
	__asm__ volatile("not_an_x86_instruction %%rax" ::: "memory");
	return 0;
}
