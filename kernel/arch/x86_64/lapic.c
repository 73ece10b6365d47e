/* The local APIC in xAPIC mode: one page of registers at the same address on
 * every CPU, each CPU seeing its own. The timer is dev/timer.c's. */
#include "apic.h"

#include "panic.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_PENDING (1u << 12)

static volatile uint32_t *lapic;

uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

void lapic_cpu_init(void)
{
	if (!lapic) {
		uint64_t base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
		lapic = vm_map_mmio(base, 4096);
		if (!lapic)
			panic("lapic: cannot map the local APIC at %lx", base);
	}
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11)); /* global enable */
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | IRQ_SPURIOUS);
}

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

bool lapic_send(uint32_t apic_id, uint32_t icr)
{
	uint64_t flags = irq_save();
	/* A previous command still being sent: the ICR must not be rewritten. */
	for (unsigned spin = 0; lapic_read(LAPIC_ICR_LO) & ICR_PENDING; spin++)
		if (spin > 10000000u) {
			irq_restore(flags);
			return false;
		}
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr);
	irq_restore(flags);
	return true;
}
