/* Inline assembly, as real C programs use it (spin-wait hints, bit scans,
 * the time-stamp counter, flags-setting arithmetic): the JIT must
 * assemble it at every tier. bit_length is called often enough to be
 * recompiled, with its asm, while the program runs. */
#include <stdint.h>
#include <stdio.h>

static unsigned bit_length(uint64_t x)
{
	uint64_t r;
	if (!x)
		return 0;
	__asm__("bsrq %1, %0" : "=r"(r) : "rm"(x) : "cc");
	return (unsigned)r + 1;
}

/* a + b, and whether it carried out of 64 bits */
static uint64_t add_carry(uint64_t a, uint64_t b, unsigned char *carry)
{
	__asm__("addq %2, %0\n\tsetc %1" : "+r"(a), "=qm"(*carry) : "rm"(b) : "cc");
	return a;
}

int main(void)
{
	uint64_t sum = 0, x = 0x9e3779b97f4a7c15ull;
	unsigned carries = 0;
	for (int i = 0; i < 200000; i++) {
		unsigned char c;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += bit_length(x >> (i & 63));
		sum = add_carry(sum, x, &c);
		carries += c;
		if ((i & 1023) == 0)
			__asm__ volatile("pause");
	}
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	printf("sum %llu carries %u tsc %s\n", (unsigned long long)sum, carries,
	       (lo | hi) ? "ticks" : "zero");
	return 0;
}
