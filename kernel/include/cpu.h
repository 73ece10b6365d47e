/* CPU identification, feature flags and extended (SIMD) state enabling. */
#ifndef BF_CPU_H
#define BF_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_info {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	bool sse, sse2, sse3, ssse3, sse41, sse42, popcnt, avx, avx2, fma, bmi1, bmi2;
	bool avx512f, avx512bw, avx512vl, avx512dq, xsave, osxsave, fsgsbase, nx, pdpe1gb;
	bool x2apic, apic, tsc_invariant, rdrand, rdseed, erms, hypervisor;
	uint64_t xcr0;          /* enabled state components (0 without XSAVE) */
	uint32_t xsave_size;    /* bytes an XSAVE area needs for xcr0 */
};

/* Read CPUID; enable SSE, and XSAVE with AVX/AVX-512 state when offered.
 * Panics if the CPU lacks SSE2 (every x86-64 CPU has it). */
void cpu_init(void);
const struct cpu_info *cpu_get(void);
/* Write the space-separated feature list into buf. */
void cpu_feature_string(char *buf, unsigned size);

#endif
