/* The runtime's two clocks. */
#ifndef BFRT_CLOCK_H
#define BFRT_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic wall time, in nanoseconds. */
static inline uint64_t rt_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The calling thread's CPU time, in nanoseconds. */
static inline uint64_t rt_thread_cpu_ns(void)
{
	struct timespec t = {0, 0};
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The time-stamp counter, as llvm.readcyclecounter reads it in JIT code. */
static inline uint64_t rt_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
