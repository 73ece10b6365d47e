/* Fatal errors: panic() for broken invariants, KASSERT for checked assumptions. */
#ifndef BF_PANIC_H
#define BF_PANIC_H

/* Print "panic: <message>" with a backtrace to the console and power off with
 * status 125. Never returns. Safe to call with interrupts in any state. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Like panic, for callers that have already printed a full report (the trap
 * handler): no second backtrace. */
__attribute__((noreturn, format(printf, 1, 2))) void panic_reported(const char *fmt, ...);

#define KASSERT(cond)                                                              \
	do {                                                                       \
		if (!(cond))                                                       \
			panic("%s: assertion failed: %s (%s:%d)", __func__, #cond, \
			      __FILE__, __LINE__);                                 \
	} while (0)

#endif
