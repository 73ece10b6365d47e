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
	uint32_t mxcsr_mask;    /* MXCSR bits that may be set */
};

/* Read CPUID; enable SSE, and XSAVE with AVX/AVX-512 state when offered.
 * Panics if the CPU lacks SSE2 (every x86-64 CPU has it). */
void cpu_init(void);
/* The same state on an application processor, as cpu_init chose it. */
void cpu_init_ap(void);
const struct cpu_info *cpu_get(void);
/* Write the space-separated feature list into buf. */
void cpu_feature_string(char *buf, unsigned size);

/*
 * The program's x87/SSE/AVX registers (fpu.c), in the memory layout Linux
 * uses in signal frames: the XSAVE standard form when the CPU has XSAVE,
 * else the 512-byte FXSAVE area. The kernel never touches these registers
 * (it is built without SSE), so between a program's system call and its
 * return they still hold the program's values.
 */
#define FPU_LEGACY_SIZE 512 /* the FXSAVE part, which XSAVE also begins with */
#define FPU_XSTATE_X87 1ull
#define FPU_XSTATE_SSE 2ull
/* Bytes fpu_save writes; at most FPU_AREA_MAX. */
#define FPU_AREA_MAX 4096
uint32_t fpu_state_size(void);
/* State components saved (XCR0), or x87|SSE without XSAVE. */
uint64_t fpu_features(void);
/* Save the registers to area (64-byte aligned, fpu_state_size bytes). */
void fpu_save(void *area);
/* Load the registers from area (same layout; the XSAVE header is at 512).
 * Returns 0, or -EINVAL (registers unspecified) if the area holds values the
 * CPU rejects: reserved MXCSR bits, unknown components, a compacted header. */
int fpu_restore(const void *area);
/* Put the registers in their initial state (FCW 0x37f, MXCSR 0x1f80, zeros). */
void fpu_reset(void);

#endif
