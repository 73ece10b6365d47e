/* Time: the TSC and the LAPIC timer, both measured against PIT channel 2;
 * the LAPIC timer then ticks at TIMER_HZ. */
#include "apic.h"
#include "timer.h"

#include "itimer.h"
#include "panic.h"
#include "percpu.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

#define PIT_HZ 1193182ull
#define PIT_CMD 0x43
#define PIT_CH2 0x42
#define PIT_GATE 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

static uint64_t tsc_rate, tsc_base, lapic_rate; /* Hz */
static volatile uint64_t ticks;

/* TSC cycles during `pit_counts` PIT periods, timed by polling OUT2 in mode 0. */
static uint64_t tsc_per_pit_window(uint16_t pit_counts)
{
	uint8_t gate = (inb(PIT_GATE) & ~0x02) & ~0x01; /* speaker off, gate low */

	outb(PIT_GATE, gate);
	outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, pit_counts & 0xff);
	outb(PIT_CH2, pit_counts >> 8);
	outb(PIT_GATE, gate | 0x01); /* rising gate starts the count */
	uint64_t start = rdtsc();
	for (uint32_t spin = 0; !(inb(PIT_GATE) & 0x20); spin++)
		if (spin > 100000000u)
			panic("timer: PIT channel 2 never fired; cannot calibrate the TSC");
	uint64_t end = rdtsc();
	outb(PIT_GATE, gate);
	return end - start;
}

static uint64_t median3(const uint64_t m[3])
{
	uint64_t lo = m[0] < m[1] ? m[0] : m[1], hi = m[0] < m[1] ? m[1] : m[0];
	return m[2] < lo ? lo : (m[2] > hi ? hi : m[2]);
}

/* Three 3 ms PIT windows give the TSC rate (their median: one window stretched
 * by a busy host cannot skew it). The LAPIC timer counts down across all
 * three, which calibrates it in the same 9 ms. */
void timer_calibrate(void)
{
	const uint16_t counts = (uint16_t)(PIT_HZ * 3 / 1000);
	uint64_t m[3];

	lapic_cpu_init();
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	for (int i = 0; i < 3; i++)
		m[i] = tsc_per_pit_window(counts);
	uint32_t lapic_counts = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
	tsc_rate = median3(m) * PIT_HZ / counts;
	if (tsc_rate < 1000000)
		panic("timer: implausible TSC rate %lu Hz", tsc_rate);
	lapic_rate = (uint64_t)lapic_counts * PIT_HZ / (3ull * counts);
	if (lapic_rate < TIMER_HZ)
		panic("timer: the local APIC timer does not count");
	tsc_base = rdtsc();
}

uint64_t tsc_hz(void) { return tsc_rate; }

static uint64_t boot_epoch_ns; /* wall-clock time at time_ns() == 0 */

uint64_t time_realtime_ns(void)
{
	if (!boot_epoch_ns)
		boot_epoch_ns = rtc_read_epoch() * 1000000000ull - time_ns();
	return boot_epoch_ns + time_ns();
}

uint64_t time_tsc_to_ns(uint64_t d)
{
	return d / tsc_rate * 1000000000ull + d % tsc_rate * 1000000000ull / tsc_rate;
}

uint64_t time_ns(void) { return time_tsc_to_ns(rdtsc() - tsc_base); }

void time_delay_ns(uint64_t ns)
{
	uint64_t end = time_ns() + ns;
	while (time_ns() < end)
		cpu_relax();
}

static void (*volatile sampler)(struct trapframe *tf);
static uint32_t sample_hz;
static uint32_t tick_acc[MAX_CPUS]; /* each CPU's, toward its next real tick */
static bool sample_only[MAX_CPUS];  /* its last interrupt only took a sample */

/* The process's timers and CPU-time limit, on every CPU's tick (its CPU
 * time grows on each): on the way back, their signals. They wait for the
 * next tick while a thread is in the kernel (sched.h). */
static void poll_process(void)
{
	if (kernel_trylock()) {
		if (proc_active()) {
			itimer_poll();
			cputime_limit_poll();
		}
		kernel_unlock();
	}
}

static void timer_irq(struct trapframe *tf)
{
	unsigned id = this_cpu()->id;
	void (*fn)(struct trapframe *) = sampler;
	this_cpu()->ticks++;
	cputime_tick(tf);
	sample_only[id] = false;
	if (fn) { /* at sample_hz: a tick every TIMER_HZ / sample_hz of them */
		fn(tf);
		tick_acc[id] += TIMER_HZ;
		if (tick_acc[id] < sample_hz) {
			sample_only[id] = true;
			lapic_eoi();
			return;
		}
		tick_acc[id] -= sample_hz;
	}
	if (id == 0) /* the tick count is CPU 0's */
		ticks++;
	poll_process();
	lapic_eoi();
}

void cpu_wait_interrupt(void)
{
	bool paused = cputime_pause(); /* no CPU time for the thread meanwhile */
	uint64_t start = rdtsc();

	irq_enable_and_halt();
	irq_disable();
	this_cpu()->asleep_tsc += rdtsc() - start;
	cputime_resume(paused);
}

void lapic_timer_init(void)
{
	trap_set_handler(IRQ_TIMER, timer_irq);
	lapic_timer_start();
	irq_enable();
}

/* This CPU's timer at the rate asked: sample_hz while sampling, else TIMER_HZ. */
static void set_rate(void *arg)
{
	(void)arg;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_rate / (sampler ? sample_hz : TIMER_HZ)));
}

void lapic_timer_start(void)
{
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16, as calibrated */
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | IRQ_TIMER);
	set_rate(NULL);
}

uint64_t timer_ticks(void) { return ticks; }

bool timer_was_tick(void) { return !sample_only[this_cpu()->id]; }

bool timer_pending(void)
{
	/* the IRR bit of the timer's vector: requested, not yet taken */
	return (lapic_read(0x200 + 0x10 * (IRQ_TIMER / 32)) >> (IRQ_TIMER % 32)) & 1;
}

void timer_sample(unsigned hz, void (*fn)(struct trapframe *tf))
{
	sampler = NULL; /* no sample starts while the rate changes */
	sample_hz = hz;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		tick_acc[i] = 0;
	sampler = fn;
	uint64_t flags = irq_save();
	set_rate(NULL);
	irq_restore(flags);
	/* every other CPU at the rate; each has left any sample it was taking
	 * (a cross-call waits for its timer interrupt to end) */
	smp_call_mask(~0ull, set_rate, NULL);
}

void cpu_idle(void) { irq_enable_and_halt(); }

void time_sleep_until(uint64_t deadline)
{
	uint64_t tick = 1000000000ull / TIMER_HZ;

	while (time_ns() + tick < deadline)
		cpu_wait_interrupt();
	bool paused = cputime_pause();
	uint64_t start = rdtsc();
	while (time_ns() < deadline)
		cpu_relax();
	this_cpu()->asleep_tsc += rdtsc() - start;
	cputime_resume(paused);
}

uint64_t time_asleep_tsc(void) { return this_cpu()->asleep_tsc; }
