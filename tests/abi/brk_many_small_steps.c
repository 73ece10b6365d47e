/* Each brk call added a memory area of its own, and a fault looked areas up
 * in a list: a heap grown one page at a time made every fault linear in the
 * number of brk calls. Adjacent areas are merged now; this grows the break
 * 80,000 times by a page, touches each page as it comes, shrinks and grows
 * again, and checks the contents. */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>

#define STEPS 80000

int main(void)
{
	char *base = sbrk(0);
	unsigned long sum = 0;

	for (int i = 0; i < STEPS; i++) {
		char *p = sbrk(4096);
		if (p == (void *)-1)
			return printf("sbrk %d failed\n", i), 1;
		p[0] = (char)i;
	}
	for (int i = 0; i < STEPS; i++)
		sum += (unsigned char)base[(size_t)i * 4096] == (unsigned char)i;
	printf("%lu of %d pages hold their byte\n", sum, STEPS);
	if (brk(base + (STEPS / 2) * 4096ul) || brk(base + STEPS * 4096ul))
		return printf("brk shrink and grow failed\n"), 1;
	sum = 0;
	for (int i = 0; i < STEPS; i++)
		sum += base[(size_t)i * 4096] == (i < STEPS / 2 ? (char)i : 0);
	printf("after shrinking by half and growing back: %lu of %d as expected\n", sum, STEPS);
	return 0;
}
