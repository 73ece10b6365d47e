/*
 * Symmetric multiprocessing: the application processors (APs) the MADT
 * lists are started at boot and idle in hlt with their timers running;
 * the program and everything else stays on CPU 0, the boot CPU.
 */
#ifndef BF_SMP_H
#define BF_SMP_H

#include <stdbool.h>
#include <stdint.h>

/* Start every enabled processor in the MADT (up to MAX_CPUS) with
 * INIT-SIPI-SIPI. One that does not come online within 2 seconds is
 * reported on the kernel log and left out. Logs "smp: N CPUs online". */
void smp_init(void);
/* CPUs online, counting the boot CPU; they are numbered 0..n-1. */
unsigned smp_cpus(void);
/* This CPU's number. */
unsigned smp_cpu_id(void);

#endif
