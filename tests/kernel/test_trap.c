/* Trap tests: deliberate exceptions are caught and recognised in a test context. */
#include <stddef.h>

#include "ksyms.h"
#include "ktest.h"
#include "trap.h"

KTEST(trap_page_fault_caught_with_cr2_and_error_code)
{
	struct trap_catcher c;
	volatile int reached = 0;

	if (trap_catch(&c) == 0) {
		(void)*(volatile uint64_t *)0x00000dead0000000ul;
		reached = 1;
		trap_uncatch(&c);
	}
	KEXPECT_EQ(reached, 0);
	KEXPECT_EQ(c.tf.vector, T_PF);
	KEXPECT_EQ(c.cr2, 0x00000dead0000000ul);
	KEXPECT_EQ(c.tf.error & 7, 0); /* not present, read, kernel mode */
	uint64_t off;
	const char *fn = ksyms_lookup(c.tf.rip, &off);
	KEXPECT(fn != NULL);
}

KTEST(trap_invalid_opcode_and_breakpoint_caught)
{
	struct trap_catcher c;

	if (trap_catch(&c) == 0) {
		__asm__ volatile("ud2");
		trap_uncatch(&c);
	}
	KEXPECT_EQ(c.tf.vector, T_UD);
	if (trap_catch(&c) == 0) {
		__asm__ volatile("int3");
		trap_uncatch(&c);
	}
	KEXPECT_EQ(c.tf.vector, T_BP);
}

KTEST(trap_divide_error_caught)
{
	struct trap_catcher c;
	volatile int reached = 0;

	if (trap_catch(&c) == 0) {
		/* In assembly: C's division by zero is undefined, not a trap. */
		__asm__ volatile("xor %%edx, %%edx\n\tmov $1, %%eax\n\tdivl %0" : : "r"(0) : "rax", "rdx");
		reached = 1;
		trap_uncatch(&c);
	}
	KEXPECT_EQ(c.tf.vector, T_DE);
	KEXPECT_EQ(reached, 0);
}

KTEST(trap_catchers_nest)
{
	struct trap_catcher outer, inner;
	volatile int inner_caught = 0, outer_caught = 0;

	if (trap_catch(&outer) == 0) {
		if (trap_catch(&inner) == 0) {
			__asm__ volatile("ud2");
			trap_uncatch(&inner);
		} else {
			inner_caught = 1;
		}
		/* The inner catcher is disarmed now: the next fault reaches the outer one. */
		(void)*(volatile uint64_t *)0x10;
		trap_uncatch(&outer);
	} else {
		outer_caught = 1;
	}
	KEXPECT(inner_caught);
	KEXPECT(outer_caught);
	KEXPECT_EQ(outer.tf.vector, T_PF);
}

KTEST(trap_symbolizer_names_kernel_functions)
{
	uint64_t off = 1;
	uint64_t addr = ksyms_address("kmain");

	KEXPECT(addr != 0);
	const char *name = ksyms_lookup(addr + 3, &off);
	KEXPECT(name != NULL);
	if (name) {
		KEXPECT(name[0] == 'k' && name[1] == 'm' && name[4] == 'n');
		KEXPECT_EQ(off, 3);
	}
	KEXPECT(ksyms_lookup(0x1000, &off) == NULL);
}
