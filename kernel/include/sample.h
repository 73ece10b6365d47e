/* The sampling profiler (kernel/proc/sample.c): `sample=HZ` on the command
 * line samples the running program's stack HZ times a second. */
#ifndef BF_SAMPLE_H
#define BF_SAMPLE_H

#include <stdint.h>

#define SAMPLE_HZ_MIN 100 /* TIMER_HZ: the timer never ticks slower */
#define SAMPLE_HZ_MAX 10000
#define SAMPLE_DEPTH 64	/* frames kept per sample */
#define SAMPLE_STACKS 4096 /* distinct stacks kept; more are counted as dropped */

/* With sample=HZ on the command line: set up the table and run the timer
 * at HZ. Call once, before the program starts. Does nothing otherwise. */
void sample_init(void);

/* At the end of each system call (fn its handler): a timer interrupt that
 * came while it ran with interrupts off is pending, and the sample it takes
 * on the way out is the kernel's time, charged to fn. */
void sample_syscall_done(const void *fn);

/* At the program's exit (its memory still mapped): write the distinct
 * stacks and their counts to the kernel log, one line each,
 *   bfsample COUNT FRAME;FRAME;...     (the root first)
 * a frame being u:HEX (a program address for the host to name), j:LABEL
 * (JIT code, named by the program's code map) or k:NAME (the kernel's);
 * then "bfsample-end SAMPLES DROPPED CYCLES" (CYCLES: TSC cycles the
 * sampling itself took, in the timer interrupt). */
void sample_dump(void);

#endif
