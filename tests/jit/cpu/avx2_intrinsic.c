/* A program that asks for AVX2 itself: an intrinsic in a function marked
 * for it, which a compiler without AVX2 cannot compile. It prints the sum
 * of 2k + 21 for k below 1000, 1020000 (not run natively by the tests,
 * where the host may lack AVX2; QEMU's guest CPU has it). Not in
 * tests/jit itself, whose programs jit_equivalence runs natively. */
#include <immintrin.h>
#include <stdio.h>

__attribute__((target("avx2"))) static int reversed(int k)
{
	__m256i v = _mm256_setr_epi32(k, k + 1, k + 2, k + 3, k + 4, k + 5, k + 6, k + 7);
	__m256i r = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0));
	int out[8];
	_mm256_storeu_si256((__m256i *)out, r);
	return out[0] * 3 - out[7];
}

int main(void)
{
	long s = 0;
	for (int k = 0; k < 1000; k++)
		s += reversed(k);
	printf("%ld\n", s);
	return 0;
}
