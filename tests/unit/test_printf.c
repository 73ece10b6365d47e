/* Host tests of the kernel's printf: byte-for-byte agreement with the host
 * libc on a table of formats and on thousands of random ones, truncation, and
 * binary safety. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "printf.h"

/* Format with both implementations; report the first disagreement. */
static void compare(const char *fmt, ...)
{
	char ours[512], theirs[512];
	va_list a, b;

	va_start(a, fmt);
	va_copy(b, a);
	int n1 = kvsnprintf(ours, sizeof ours, fmt, a);
	int n2 = vsnprintf(theirs, sizeof theirs, fmt, b);
	va_end(a);
	va_end(b);
	if (n1 != n2 || strcmp(ours, theirs)) {
		char msg[1400];
		snprintf(msg, sizeof msg, "format \"%s\": ours \"%s\" (%d), libc \"%s\" (%d)", fmt,
			 ours, n1, theirs, n2);
		unit_fail(__FILE__, __LINE__, msg);
	}
}

TEST(printf_integers_match_libc)
{
	int ints[] = {0, 1, -1, 42, -42, 7, 100000, INT_MAX, INT_MIN};
	const char *fmts[] = {"%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.0d", "%.3d",
			      "%8.3d", "%-8.3d|", "%+.0d", "%u", "%x", "%X", "%#x", "%#X", "%o",
			      "%#o", "%#.0o", "%#5x", "%#05x", "%-#8x|", "%.0x", "%.0u", "%+05d",
			      "% 05d", "%0-5d|", "%hhd", "%hhu", "%hd", "%hx", "%#.3o", "%08.3x"};

	for (unsigned f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++)
			compare(fmts[f], ints[i]);
}

TEST(printf_long_and_size_modifiers_match_libc)
{
	compare("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0xdeadbeefcafeul);
	compare("%lld %llu %llx %llX", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefull, 0xabcdefull);
	compare("%zu %zd %zx", (size_t)SIZE_MAX, (ssize_t)-5, (size_t)4096);
	compare("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	compare("%td", (ptrdiff_t)-12345);
	compare("%016lx|%-16lx|%#018lx", 0xffffffff80000000ul, 1ul, 0x10ul);
	compare("%hhd %hhx %hd %hu", 300, 0x1ff, 70000, 70000);
}

TEST(printf_strings_chars_pointers_match_libc)
{
	compare("%s|%10s|%-10s|%.2s|%10.3s|%-10.1s|", "hello", "hi", "hi", "hello", "hello", "xy");
	compare("%c%c%5c%-5c|", 'a', 'b', 'c', 'd');
	compare("%*d|%-*d|%*d|", 6, 42, 6, 42, -6, 42);
	compare("%.*d|%.*s|%.*d|", 4, 7, 3, "abcdef", -1, 5);
	compare("%p %20p %-20p|", (void *)0x1234, (void *)0xffffffff80100000ul, (void *)1);
	compare("%p %10p", (void *)NULL, (void *)NULL);
	compare("%s %.10s", (char *)NULL, (char *)NULL);
	compare("100%% done|");
	compare("");
	compare("plain text without conversions");
}

/* These formats are invalid on purpose; the compiler rightly complains. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-invalid-specifier"
TEST(printf_unknown_and_trailing_percent_printed_verbatim)
{
	char buf[64];

	CHECK_EQ(ksnprintf(buf, sizeof buf, "a%yb"), 4);
	CHECK_STR(buf, "a%yb");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%-5w!"), 5);
	CHECK_STR(buf, "%-5w!");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "end%"), 4);
	CHECK_STR(buf, "end%");
}
#pragma clang diagnostic pop

TEST(printf_truncation_and_return_value)
{
	char buf[8];

	memset(buf, 'x', sizeof buf);
	CHECK_EQ(ksnprintf(buf, 5, "%d", 123456789), 9);
	CHECK_STR(buf, "1234");
	CHECK_EQ(buf[5], 'x'); /* nothing written past size */
	CHECK_EQ(ksnprintf(buf, 1, "abc"), 3);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(ksnprintf(NULL, 0, "%s-%d", "abc", 12), 6);
	buf[0] = 'q';
	CHECK_EQ(ksnprintf(buf, 0, "zz"), 2);
	CHECK_EQ(buf[0], 'q');
}

struct rec {
	char data[64];
	size_t len;
};

static void record(void *ctx, const char *s, size_t n)
{
	struct rec *r = ctx;
	for (size_t i = 0; i < n && r->len < sizeof r->data; i++)
		r->data[r->len++] = s[i];
}

static int format_to(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvformat(record, r, fmt, ap);
	va_end(ap);
	return n;
}

TEST(printf_sink_is_binary_safe)
{
	struct rec r = {{0}, 0};

	CHECK_EQ(format_to(&r, "a%cb%c\n", 0, 0xff), 5);
	CHECK_EQ(r.len, 5);
	CHECK(memcmp(r.data, "a\0b\xff\n", 5) == 0);
}

/* Random specifications from the supported grammar, compared with libc. */
TEST(printf_random_specs_match_libc)
{
	const char *flags = "-0+ #";
	const char convs[] = "diuxXo";
	unsigned seed = 4242;

	for (int i = 0; i < 5000; i++) {
		char fmt[40], *p = fmt;
		*p++ = '%';
		for (int f = rand_r(&seed) % 3; f > 0; f--)
			*p++ = flags[rand_r(&seed) % 5];
		if (rand_r(&seed) % 2)
			p += sprintf(p, "%d", rand_r(&seed) % 25);
		if (rand_r(&seed) % 2)
			p += sprintf(p, ".%d", rand_r(&seed) % 25);
		char conv = convs[rand_r(&seed) % 6];
		int lmod = rand_r(&seed) % 3;
		if (lmod == 1)
			*p++ = 'l';
		if (lmod == 2)
			*p++ = 'h';
		*p++ = conv;
		*p = 0;
		/* '#' with d/i/u and ' '/'+' with unsigned are undefined or ignored; skip UB. */
		if ((conv == 'd' || conv == 'i' || conv == 'u') && strchr(fmt, '#'))
			continue;
		long v = (long)(((uint64_t)rand_r(&seed) << 33) ^ ((uint64_t)rand_r(&seed) << 2) ^ (uint64_t)rand_r(&seed));
		if (rand_r(&seed) % 4 == 0)
			v = rand_r(&seed) % 3 - 1;
		if (lmod == 1)
			compare(fmt, v);
		else
			compare(fmt, (int)v);
	}
}
