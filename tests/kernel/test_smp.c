/* SMP: the other CPUs are online with their timers running. With one CPU
 * (the default boot) the tests check what they can and pass;
 * tests/boot/smp_two_cpus.sh runs them with --cpus 2. */
#include "apic.h"
#include "ktest.h"
#include "percpu.h"
#include "smp.h"
#include "timer.h"
#include "x86.h"

KTEST(smp_boot_cpu_is_cpu_0)
{
	KEXPECT(smp_cpus() >= 1);
	KEXPECT_EQ(smp_cpu_id(), 0);
	KEXPECT(this_cpu() == percpu_of(0));
	KEXPECT_EQ(this_cpu()->apic_id, lapic_id());
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), (uint64_t)(uintptr_t)percpu_of(0));
}

KTEST(smp_other_cpus_run_their_timers)
{
	uint64_t before[MAX_CPUS];

	for (unsigned c = 0; c < smp_cpus(); c++)
		before[c] = percpu_of(c)->ticks;
	time_delay_ns(100 * 1000 * 1000); /* 10 ticks at 100 Hz */
	for (unsigned c = 1; c < smp_cpus(); c++) {
		KEXPECT(percpu_of(c)->online);
		KEXPECT(percpu_of(c)->ticks > before[c] + 2);
	}
}
