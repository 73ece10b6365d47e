/* A linker set holding a thread-local variable, which the JIT cannot lay
 * out with the rest: refused before main, naming the section (126). */
#include <stdio.h>

static __thread int slot_a __attribute__((used, section("slots"))) = 1;
static __thread int slot_b __attribute__((used, section("slots"))) = 2;
extern int __start_slots[], __stop_slots[];

int main(void)
{
	printf("before\n");
	return (int)(__stop_slots - __start_slots) + slot_a + slot_b;
}
