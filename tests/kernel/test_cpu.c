/* CPU state tests: SSE is on, and AVX/AVX-512 state is enabled whenever CPUID offers it. */
#include "cpu.h"
#include "ktest.h"
#include "x86.h"

KTEST(cpu_sse_enabled_and_usable)
{
	static const float a[4] __attribute__((aligned(16))) = {1, 2, 3, 4};
	static float out[4] __attribute__((aligned(16)));

	KEXPECT(read_cr4() & CR4_OSFXSR);
	KEXPECT(!(read_cr0() & CR0_EM));
	__asm__ volatile("movaps %1, %%xmm0\n\t"
			 "addps %%xmm0, %%xmm0\n\t"
			 "movaps %%xmm0, %0"
			 : "=m"(out)
			 : "m"(a)
			 : "xmm0");
	KEXPECT(out[3] == 8 && out[0] == 2);
}

KTEST(cpu_avx_state_enabled_when_offered)
{
	struct cpuid_regs r1 = cpuid(1, 0), r7 = cpuid(7, 0);
	bool has_avx = (r1.ecx >> 28) & 1, has_xsave = (r1.ecx >> 26) & 1;
	bool has_avx512 = (r7.ebx >> 16) & 1;

	if (has_xsave) {
		KEXPECT(read_cr4() & CR4_OSXSAVE);
		KEXPECT_EQ(xgetbv(0) & 3, 3);
	}
	if (has_xsave && has_avx) {
		static const double v[4] __attribute__((aligned(32))) = {1, 2, 3, 4};
		static double out[4] __attribute__((aligned(32)));
		KEXPECT_EQ(xgetbv(0) & 4, 4);
		KEXPECT(cpu_get()->avx);
		__asm__ volatile("vmovapd %1, %%ymm1\n\t"
				 "vaddpd %%ymm1, %%ymm1, %%ymm1\n\t"
				 "vmovapd %%ymm1, %0\n\t"
				 "vzeroupper"
				 : "=m"(out)
				 : "m"(v)
				 : "xmm1");
		KEXPECT(out[0] == 2 && out[3] == 8);
	}
	if (has_xsave && has_avx512)
		KEXPECT_EQ(xgetbv(0) & 0xe0, 0xe0);
	KEXPECT_EQ(cpu_get()->xcr0, has_xsave ? xgetbv(0) : 0);
}
