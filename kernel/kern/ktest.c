/* The in-kernel test runner: every KTEST in .ktests, each guarded so that an
 * unexpected CPU exception fails that test instead of stopping the run. */
#include <stdarg.h>

#include "kstring.h"
#include "ktest.h"
#include "printf.h"
#include "timer.h"
#include "trap.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static int failures; /* in the running test */

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	kprintf("    %s:%d: expected ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	failures++;
}

static bool run_one(const struct ktest *t)
{
	static struct trap_catcher c;

	failures = 0;
	if (trap_catch(&c) == 0) {
		t->fn();
		trap_uncatch(&c);
	} else {
		kprintf("    unexpected CPU exception during the test:\n");
		trap_report(&c.tf);
		failures++;
	}
	return failures == 0;
}

int ktest_run(const char *filter)
{
	int passed = 0, failed = 0;

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (filter && *filter && !strstr(t->name, filter))
			continue;
		uint64_t t0 = time_ns();
		bool ok = run_one(t);
		kprintf("%s %s (%lu ms)\n", ok ? "ok  " : "FAIL", t->name, (time_ns() - t0) / 1000000);
		ok ? passed++ : failed++;
	}
	kprintf("%d passed, %d failed\n", passed, failed);
	return failed;
}
