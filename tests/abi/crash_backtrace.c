/* A fault three calls deep: exit status 139 (compared with Linux) and, on
 * bareflow, a report naming the functions (checked by abi_differential.sh). */
#include <stdio.h>

__attribute__((noinline)) static void write_through(volatile int *p) { *p = 7; }
__attribute__((noinline)) static void middle(volatile int *p) { write_through(p); puts(""); }
__attribute__((noinline)) void crash_outer(void) { middle((volatile int *)16); puts(""); }

int main(void)
{
	crash_outer();
	return 0;
}
