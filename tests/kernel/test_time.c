/* Time tests: the TSC only moves forward, and the timer ticks at its rate. */
#include "ktest.h"
#include "timer.h"
#include "x86.h"

KTEST(time_tsc_monotonic)
{
	uint64_t prev = rdtsc(), backwards = 0, prev_ns = time_ns();

	for (int i = 0; i < 100000; i++) {
		uint64_t t = rdtsc(), ns = time_ns();
		backwards += t < prev || ns < prev_ns;
		prev = t;
		prev_ns = ns;
	}
	KEXPECT_EQ(backwards, 0);
	KEXPECT(tsc_hz() > 100000000ull && tsc_hz() < 20000000000ull);
}

/* 25 ticks measured against the TSC. The tolerance is wide because QEMU's
 * software emulation delivers timer interrupts late under host load. */
KTEST(time_lapic_timer_rate)
{
	uint64_t start_tick = timer_ticks();

	while (timer_ticks() == start_tick) /* align to a tick edge */
		cpu_idle();
	uint64_t t0 = time_ns(), first = timer_ticks();
	while (timer_ticks() < first + 25)
		cpu_idle();
	uint64_t ns = time_ns() - t0;
	uint64_t hz = 25ull * 1000000000ull / ns;
	KEXPECT(hz >= TIMER_HZ * 6 / 10 && hz <= TIMER_HZ * 14 / 10);
	if (!(hz >= TIMER_HZ * 6 / 10 && hz <= TIMER_HZ * 14 / 10))
		ktest_fail(__FILE__, __LINE__, "timer at %lu Hz, configured %u Hz", hz, TIMER_HZ);
}
