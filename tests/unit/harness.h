/* Host unit-test harness: tests register themselves; main() runs them all. */
#ifndef BF_UNIT_HARNESS_H
#define BF_UNIT_HARNESS_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
/* Record one failed check; the current test is marked failed and goes on. */
void unit_fail(const char *file, int line, const char *what);

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	static struct unit_test unit_##name = {#name, test_##name, 0};    \
	__attribute__((constructor)) static void reg_##name(void)         \
	{                                                                 \
		unit_register(&unit_##name);                              \
	}                                                                 \
	static void test_##name(void)

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond))                                              \
			unit_fail(__FILE__, __LINE__, #cond);             \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long va_ = (long long)(a), vb_ = (long long)(b);     \
		if (va_ != vb_) {                                         \
			char m_[256];                                     \
			snprintf(m_, sizeof m_, "%s == %s (%lld != %lld)", \
				 #a, #b, va_, vb_);                       \
			unit_fail(__FILE__, __LINE__, m_);                \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *sa_ = (a), *sb_ = (b);                        \
		if (strcmp(sa_, sb_) != 0) {                              \
			char m_[512];                                     \
			snprintf(m_, sizeof m_, "%s == %s (\"%s\" != \"%s\")", \
				 #a, #b, sa_, sb_);                       \
			unit_fail(__FILE__, __LINE__, m_);                \
		}                                                         \
	} while (0)

#endif
