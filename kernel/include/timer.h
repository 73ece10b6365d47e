/* Time: the TSC and the periodic LAPIC timer, calibrated against the PIT. */
#ifndef BF_TIMER_H
#define BF_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_HZ 100

/* Measure the TSC and LAPIC timer frequencies against PIT channel 2. */
void timer_calibrate(void);
uint64_t tsc_hz(void);
/* Nanoseconds since timer_calibrate (monotonic). */
uint64_t time_ns(void);
/* Busy-wait at least ns nanoseconds. */
void time_delay_ns(uint64_t ns);
/* Nanoseconds in d TSC cycles. */
uint64_t time_tsc_to_ns(uint64_t d);
/* Sleep until time_ns() reaches deadline: halted until the last timer tick
 * before it, then spinning. Call with interrupts disabled (a system call);
 * they are disabled again on return. */
void time_sleep_until(uint64_t deadline);
/* With interrupts disabled (a system call): enable them, halt until the
 * next interrupt, disable them again. The time is not the current
 * thread's CPU time (cputime_pause). */
void cpu_wait_interrupt(void);
/* TSC cycles this CPU spent waiting (cpu_wait_interrupt, time_sleep_until). */
uint64_t time_asleep_tsc(void);

/* Seconds since 1970-01-01 UTC from the CMOS clock (which QEMU keeps in UTC). */
uint64_t rtc_read_epoch(void);
/* Wall-clock time in nanoseconds since the epoch: the RTC at boot plus the TSC. */
uint64_t time_realtime_ns(void);

/* Start the LAPIC timer at TIMER_HZ and enable interrupts (after timer_calibrate). */
void lapic_timer_init(void);
/* Start this CPU's LAPIC timer at TIMER_HZ (an application processor's;
 * interrupts stay as they are). */
void lapic_timer_start(void);
/* Run every CPU's timer at hz (TIMER_HZ or more) and call fn from each of
 * their interrupts, which still tick at TIMER_HZ on average; fn NULL: back
 * to TIMER_HZ alone. A CPU started later runs at the same rate. */
struct trapframe;
void timer_sample(unsigned hz, void (*fn)(struct trapframe *tf));
/* Whether a timer interrupt is waiting for interrupts to be enabled. */
bool timer_pending(void);
/* Whether this CPU's last timer interrupt was a tick of TIMER_HZ (time
 * slices count those), not only a sample. */
bool timer_was_tick(void);
/* Timer interrupts taken since lapic_timer_init. */
uint64_t timer_ticks(void);
/* Wait for the next interrupt with hlt (interrupts must be enabled). */
void cpu_idle(void);

/* --- timeouts given by system calls (kernel/sys/timeout.c) --- */

#define NS_PER_SEC 1000000000ull
/* Linux's clock ids (uapi/linux/time.h). */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
/* A struct timespec or struct timeval as the program lays it out. */
struct timespec_user {
	int64_t sec, nsec; /* nsec holds microseconds in a timeval */
};
/* ts as nanoseconds; unit is 1 for a timespec, 1000 for a timeval. -EINVAL
 * for a negative part or a fraction of a second or more. Times beyond
 * about 584 years saturate (they never end). */
int timespec_ns(const struct timespec_user *ts, uint64_t unit, uint64_t *ns);
/* The same for a struct at user address uts: -EFAULT too. */
int timespec_from_user(uint64_t uts, uint64_t unit, uint64_t *ns);
/* A time_ns() deadline ns from now, or at wall-clock time wall_ns
 * (CLOCK_REALTIME); both saturate short of UINT64_MAX, which means "no
 * deadline" to the waits that take one. */
uint64_t deadline_after(uint64_t ns);
uint64_t deadline_at_realtime(uint64_t wall_ns);

#endif
