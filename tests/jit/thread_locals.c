/* Thread-local variables (which the JIT emulates: LLVM 19's JIT linker
 * cannot link x86-64's thread-local relocations): static and external
 * ones, with initial values and without, a scalar, an array and a
 * struct, their addresses passed around and kept, read and written in a
 * hot loop. The output must be the native build's. */
#include <stdio.h>

static __thread int count = 41;
__thread long table[6] = {3, 1, 4, 1, 5, 9};
__thread struct {
	char tag[8];
	double weight;
} item = {"start", 1.5};
static __thread unsigned zeroed[100];

static void bump(long *slot, long by)
{
	*slot += by;
}

static int *counter(void)
{
	return &count;
}

int main(int argc, char **argv)
{
	(void)argv;
	long sum = 0;
	for (int i = 0; i < 300000 * argc; i++) {
		bump(&table[i % 6], i & 15);
		*counter() += i & 1;
		zeroed[i % 100] += (unsigned)i;
		item.weight *= 1.0000001;
		sum += table[(i * 7) % 6] ^ count;
	}
	snprintf(item.tag, sizeof item.tag, "end%d", argc);
	unsigned z = 0;
	for (int k = 0; k < 100; k++)
		z ^= zeroed[k] * (unsigned)(k + 1);
	printf("count %d sum %ld z %u %s %.6f\n", count, sum, z, item.tag, item.weight);
	for (int k = 0; k < 6; k++)
		printf("table[%d] = %ld\n", k, table[k]);
	return count & 0x7f;
}
