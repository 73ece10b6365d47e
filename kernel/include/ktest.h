/* In-kernel tests: KTEST(name) registers a test; `selftest` on the command line runs them. */
#ifndef BF_KTEST_H
#define BF_KTEST_H

#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	const char *file;
};

#define KTEST(tname)                                                             \
	static void ktest_fn_##tname(void);                                     \
	static const struct ktest ktest_##tname                                 \
		__attribute__((used, section(".ktests"), aligned(8))) = {       \
			#tname, ktest_fn_##tname, __FILE__};                    \
	static void ktest_fn_##tname(void)

/* Record a failed expectation in the running test; the test goes on. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define KEXPECT(cond)                                                           \
	do {                                                                    \
		if (!(cond))                                                    \
			ktest_fail(__FILE__, __LINE__, "%s", #cond);            \
	} while (0)

#define KEXPECT_EQ(a, b)                                                        \
	do {                                                                    \
		uint64_t ka_ = (uint64_t)(a), kb_ = (uint64_t)(b);              \
		if (ka_ != kb_)                                                 \
			ktest_fail(__FILE__, __LINE__, "%s == %s (0x%lx != 0x%lx)", \
				   #a, #b, (unsigned long)ka_, (unsigned long)kb_); \
	} while (0)

/* Run every test whose name contains `filter` (all if NULL or empty); prints
 * one line per test and "N passed, N failed". Returns the number failed. */
int ktest_run(const char *filter);

#endif
