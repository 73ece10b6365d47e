/* Saving and loading the program's x87/SSE/AVX registers (see cpu.h). */
#include "cpu.h"
#include "kerrno.h"
#include "kstring.h"
#include "trap.h"

#define MXCSR_OFFSET 24
#define HEADER_OFFSET FPU_LEGACY_SIZE /* XSTATE_BV, XCOMP_BV, 48 reserved bytes */

static bool use_xsave(void) { return cpu_get()->osxsave; }

uint32_t fpu_state_size(void) { return use_xsave() ? cpu_get()->xsave_size : FPU_LEGACY_SIZE; }

uint64_t fpu_features(void)
{
	return use_xsave() ? cpu_get()->xcr0 : FPU_XSTATE_X87 | FPU_XSTATE_SSE;
}

void fpu_save(void *area)
{
	uint64_t mask = fpu_features();

	if (!use_xsave()) {
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
		return;
	}
	/* XSAVE writes XSTATE_BV but leaves the rest of the header alone. */
	memset((uint8_t *)area + HEADER_OFFSET, 0, 64);
	__asm__ volatile("xsave64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			 : "memory");
}

static int header_ok(const uint8_t *area)
{
	uint64_t hdr[8];

	memcpy(hdr, area + HEADER_OFFSET, sizeof hdr);
	if (hdr[0] & ~fpu_features()) /* XSTATE_BV: only enabled components */
		return 0;
	for (int i = 1; i < 8; i++) /* XCOMP_BV (standard form) and reserved */
		if (hdr[i])
			return 0;
	return 1;
}

int fpu_restore(const void *area)
{
	uint32_t mxcsr;
	uint64_t mask = fpu_features();
	struct trap_catcher c;

	memcpy(&mxcsr, (const uint8_t *)area + MXCSR_OFFSET, 4);
	if ((mxcsr & ~cpu_get()->mxcsr_mask) || (use_xsave() && !header_ok(area)))
		return -EINVAL;
	if (trap_catch(&c)) /* anything else the CPU refuses: #GP */
		return -EINVAL;
	if (use_xsave())
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)mask),
				 "d"((uint32_t)(mask >> 32)) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	trap_uncatch(&c);
	return 0;
}

void fpu_reset(void)
{
	/* XSTATE_BV = 0 puts every component in its initial state; MXCSR and
	 * the FXRSTOR path take their values from the legacy area. */
	static uint8_t init[FPU_LEGACY_SIZE + 64] __attribute__((aligned(64)));
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;

	memcpy(init, &fcw, 2);
	memcpy(init + MXCSR_OFFSET, &mxcsr, 4);
	fpu_restore(init);
}
