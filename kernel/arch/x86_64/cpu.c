/* CPU identification and enabling of SSE and the XSAVE-managed vector state. */
#include "cpu.h"

#include "kstring.h"
#include "panic.h"
#include "printf.h"
#include "x86.h"

/* XCR0 state components. */
#define XS_X87 (1ull << 0)
#define XS_SSE (1ull << 1)
#define XS_AVX (1ull << 2)
#define XS_OPMASK (1ull << 5)
#define XS_ZMM_HI256 (1ull << 6)
#define XS_HI16_ZMM (1ull << 7)
#define XS_AVX512 (XS_OPMASK | XS_ZMM_HI256 | XS_HI16_ZMM)

static struct cpu_info info;

static bool bit(uint32_t reg, int n) { return (reg >> n) & 1; }

static void identify(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t max = r.eax;

	memcpy(info.vendor, &r.ebx, 4);
	memcpy(info.vendor + 4, &r.edx, 4);
	memcpy(info.vendor + 8, &r.ecx, 4);
	r = cpuid(1, 0);
	info.stepping = r.eax & 0xf;
	info.model = (r.eax >> 4 & 0xf) | (r.eax >> 12 & 0xf0);
	info.family = (r.eax >> 8 & 0xf) + ((r.eax >> 8 & 0xf) == 0xf ? (r.eax >> 20 & 0xff) : 0);
	info.sse = bit(r.edx, 25), info.sse2 = bit(r.edx, 26), info.apic = bit(r.edx, 9);
	info.sse3 = bit(r.ecx, 0), info.ssse3 = bit(r.ecx, 9), info.fma = bit(r.ecx, 12);
	info.sse41 = bit(r.ecx, 19), info.sse42 = bit(r.ecx, 20), info.x2apic = bit(r.ecx, 21);
	info.popcnt = bit(r.ecx, 23), info.xsave = bit(r.ecx, 26), info.avx = bit(r.ecx, 28);
	info.rdrand = bit(r.ecx, 30), info.hypervisor = bit(r.ecx, 31);
	if (max >= 7) {
		r = cpuid(7, 0);
		info.fsgsbase = bit(r.ebx, 0), info.bmi1 = bit(r.ebx, 3), info.avx2 = bit(r.ebx, 5);
		info.bmi2 = bit(r.ebx, 8), info.erms = bit(r.ebx, 9), info.avx512f = bit(r.ebx, 16);
		info.avx512dq = bit(r.ebx, 17), info.rdseed = bit(r.ebx, 18);
		info.avx512bw = bit(r.ebx, 30), info.avx512vl = bit(r.ebx, 31);
	}
	r = cpuid(0x80000000, 0);
	uint32_t xmax = r.eax;
	if (xmax >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		info.nx = bit(r.edx, 20), info.pdpe1gb = bit(r.edx, 26);
	}
	if (xmax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i, 0);
			memcpy(info.brand + 16 * i, &r, 16);
		}
	}
	if (xmax >= 0x80000007)
		info.tsc_invariant = bit(cpuid(0x80000007, 0).edx, 8);
}

/* SSE: CR0.EM=0 and MP=1 (no x87 emulation, WAIT honours TS), CR4.OSFXSR and
 * OSXMMEXCPT (FXSAVE and SIMD exceptions). Compilers emit SSE for plain
 * copies, so without this the first struct copy in user code is a #UD. */
static void enable_sse(void)
{
	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	/* MXCSR bits the CPU accepts: FXSAVE reports them (0 means the
	 * original 0xffbf); loading any other bit is a #GP. */
	static uint8_t area[512] __attribute__((aligned(16)));
	__asm__ volatile("fxsave64 %0" : "=m"(area));
	memcpy(&info.mxcsr_mask, area + 28, 4);
	if (!info.mxcsr_mask)
		info.mxcsr_mask = 0xffbf;
}

/* XSAVE: CR4.OSXSAVE, then XCR0 = x87|SSE plus AVX and AVX-512 state when the
 * CPU supports them (CPUID.0xD.0:EAX lists what XCR0 may hold). */
static void enable_xsave(void)
{
	if (!info.xsave)
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	uint64_t supported = cpuid(0xd, 0).eax | ((uint64_t)cpuid(0xd, 0).edx << 32);
	uint64_t xcr0 = XS_X87 | XS_SSE;
	if (info.avx && (supported & XS_AVX))
		xcr0 |= XS_AVX;
	if (info.avx512f && (xcr0 & XS_AVX) && (supported & XS_AVX512) == XS_AVX512)
		xcr0 |= XS_AVX512;
	xsetbv(0, xcr0);
	info.osxsave = true;
	info.xcr0 = xgetbv(0);
	info.xsave_size = cpuid(0xd, 0).ebx; /* size for the components now enabled */
	if (info.xsave_size > FPU_AREA_MAX) /* signal frames save it through a buffer */
		panic("cpu: XSAVE area of %u bytes exceeds %u", info.xsave_size, FPU_AREA_MAX);
}

void cpu_init(void)
{
	identify();
	if (!info.sse || !info.sse2)
		panic("cpu: SSE2 is missing; this is not an x86-64 CPU we can run on");
	enable_sse();
	enable_xsave();
	/* Vector features are usable only with their state enabled in XCR0. */
	if (!(info.xcr0 & XS_AVX))
		info.avx = info.avx2 = info.fma = false;
	if ((info.xcr0 & XS_AVX512) != XS_AVX512)
		info.avx512f = info.avx512bw = info.avx512vl = info.avx512dq = false;
	if (info.fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);
}

void cpu_init_ap(void)
{
	uint64_t cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;

	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	if (info.osxsave)
		cr4 |= CR4_OSXSAVE;
	if (info.fsgsbase)
		cr4 |= CR4_FSGSBASE;
	write_cr4(read_cr4() | cr4);
	if (info.osxsave)
		xsetbv(0, info.xcr0);
}

const struct cpu_info *cpu_get(void) { return &info; }

void cpu_feature_string(char *buf, unsigned size)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
#define F(x) {#x, __builtin_offsetof(struct cpu_info, x)}
		F(sse), F(sse2), F(sse3), F(ssse3), F(sse41), F(sse42), F(popcnt), F(avx), F(avx2),
		F(fma), F(bmi1), F(bmi2), F(avx512f), F(avx512bw), F(avx512dq), F(avx512vl),
		F(xsave), F(fsgsbase), F(nx), F(pdpe1gb), F(x2apic), F(rdrand), F(rdseed), F(erms),
		F(tsc_invariant), F(hypervisor),
#undef F
	};
	unsigned used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < sizeof f / sizeof f[0] && used < size; i++)
		if (*(const bool *)((const char *)&info + f[i].off))
			used += (unsigned)ksnprintf(buf + used, size - used, "%s%s", used ? " " : "", f[i].name);
}
