/* Host tests of the kernel's printf: byte-for-byte agreement with the host libc on tables of
 * formats and on thousands of random ones, truncation, and binary safety. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "harness.h"
#include "printf.h"

#define BUF 512
#define GUARD 0x5a /* pre-fills both buffers, so a stray write past the output shows */

/* Append s[0..n) to out with C escapes, for failure messages. */
static void quote(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = strlen(out);

	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/*
 * Format with kvsnprintf and the libc's vsnprintf into guarded buffers of the given size
 * (NULL when 0). Returns whether the return values and all BUF bytes agree; if not, why
 * describes the difference.
 */
static bool vsame(char *why, size_t whylen, size_t size, const char *fmt, va_list ap)
{
	char ours[BUF], theirs[BUF];
	va_list ap2;

	memset(ours, GUARD, BUF);
	memset(theirs, GUARD, BUF);
	va_copy(ap2, ap);
	int n1 = kvsnprintf(size ? ours : NULL, size, fmt, ap);
	int n2 = vsnprintf(size ? theirs : NULL, size, fmt, ap2);
	va_end(ap2);
	if (n1 == n2 && memcmp(ours, theirs, BUF) == 0)
		return true;
	size_t shown = n2 >= 0 && (size_t)n2 + 1 < size ? (size_t)n2 + 1 : size;
	snprintf(why, whylen, "size %zu, format \"", size);
	quote(why, whylen, fmt, strlen(fmt));
	snprintf(why + strlen(why), whylen - strlen(why), "\": ours %d \"", n1);
	quote(why, whylen, ours, shown + 2 < BUF ? shown + 2 : BUF);
	snprintf(why + strlen(why), whylen - strlen(why), "\", libc %d \"", n2);
	quote(why, whylen, theirs, shown + 2 < BUF ? shown + 2 : BUF);
	snprintf(why + strlen(why), whylen - strlen(why), "\"");
	return false;
}

/* Compare at the given buffer size; a mismatch fails the current test. */
static void compare_sized(size_t size, const char *fmt, ...)
{
	char why[2048];
	va_list ap;

	va_start(ap, fmt);
	if (!vsame(why, sizeof why, size, fmt, ap))
		unit_fail(__FILE__, __LINE__, why);
	va_end(ap);
}

#define compare(...) compare_sized(BUF, __VA_ARGS__)

TEST(printf_int_table_matches_libc)
{
	int ints[] = {0, 1, -1, 7, 42, -42, 255, 256, 4095, 100000, -100000, INT_MAX, INT_MIN};
	const char *fmts[] = {
	    "%d",     "%i",	"%5d",	   "%-5d|",  "%05d",	"%+d",	 "% d",	   "%+ d",
	    "% +d",   "%.0d",	"%.0i",	   "%.1d",   "%.3d",	"%.12d", "%8.3d",  "%-8.3d|",
	    "%08.3d", "%+.0d",	"% .0d",   "%5.0d|", "%-5.0d|", "%+05d", "% 05d",  "%0-5d|",
	    "%-05d|", "%+-8d|", "%012d",   "%u",     "%5u",	"%.0u",	 "%-12u|", "%x",
	    "%X",     "%#x",	"%#X",	   "%#.0x",  "%#5x",	"%#05x", "%#-8x|", "%#08.3x",
	    "%.0x",   "%08.3x", "%#.10x",  "%o",     "%#o",	"%#.0o", "%#.3o",  "%#5o",
	    "%#05o",  "%-#6o|", "%.0o",	   "%#.1o",  "%#.2o",	"%hhd",	 "%hhu",   "%hhx",
	    "%hho",   "%hd",	"%hu",	   "%hx",    "%#hho",	"%+hhd", "%3hhd",  "%hi",
	    "x%dy",   "%d%d",	"%d %x %o"};

	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
			compare(fmts[f], ints[i], ints[i], ints[i]);
}

TEST(printf_64bit_table_matches_libc)
{
	long long vals[] = {0,
			    1,
			    -1,
			    INT_MAX,
			    INT_MIN,
			    (long long)UINT_MAX + 1,
			    LLONG_MAX,
			    LLONG_MIN,
			    0x123456789abcdefLL,
			    -0x123456789abcdefLL};
	const char *fmts[] = {"%lld",	 "%lli",    "%llu",   "%llx",	   "%llX",	"%llo",
			      "%#llx",	 "%#llo",   "%+lld",  "% lld",	   "%25lld",	"%-25lld|",
			      "%025lld", "%.22lld", "%.0lld", "%30.25llx", "%-#30llx|", "%#030llX",
			      "%ld",	 "%lu",	    "%lx"};

	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
			compare(fmts[f], vals[i]);
	compare("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)INT64_MIN);
	compare("%jd|%+jd|%25jd|%-25jd|", INT64_MIN, INT64_MAX, INT64_MIN, INT64_MIN);
	compare("%zu %zx %zo %zd %zd", SIZE_MAX, (size_t)4096, (size_t)8, (ssize_t)-5,
		(ssize_t)SSIZE_MAX);
	compare("%td %td %tx %tu", (ptrdiff_t)-12345, PTRDIFF_MIN, (ptrdiff_t)-1, (ptrdiff_t)-1);
	compare("%016lx|%-16lx|%#018lx", 0xffffffff80000000ul, 1ul, 0x10ul);
	compare("%hhd %hhx %hd %hu %hhu", 300, 0x1ff, 70000, 70000, -1);
}

TEST(printf_strings_and_chars_match_libc)
{
	const char *strs[] = {"", "a", "hi", "hello", "hello, world", "tab\tand\nnewline"};
	const char *fmts[] = {"%s",	"%10s",	    "%-10s|", "%.0s|", "%.2s",	 "%.20s",
			      "%10.3s", "%-10.1s|", "%1s",    "%.s|",  "%-.3s|", "[%s][%s]"};

	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
			compare(fmts[f], strs[i], strs[i]);
	compare("%c%c%5c%-5c|%1c", 'a', 'b', 'c', 'd', 'e');
	compare("%c|%3c|%-3c|", 0, 0, 0); /* NUL bytes land in the buffer, compared bytewise */
	compare("%c%c", 0xff, 0x180);
}

TEST(printf_star_width_and_precision_match_libc)
{
	compare("%*d|%-*d|%*d|%-*d|", 6, 42, 6, 42, -6, 42, -6, 42);
	compare("%*s|%*s|%*c|", 8, "ab", -8, "ab", -3, 'z');
	compare("%.*d|%.*s|%.*d|%.*x|", 4, 7, 3, "abcdef", -1, 5, 0, 0);
	compare("%*.*d|%-*.*d|%*.*s|", 10, 4, -42, -10, 4, -42, -10, -1, "xyz");
	compare("%0*d|%0*d|", 6, -42, -6, -42);
	compare("%.*s|", 0, "nothing");
}

TEST(printf_pointers_and_percent_match_libc)
{
	void *ptrs[] = {NULL, (void *)1, (void *)0x1234, (void *)0xffffffff80100000ul,
			(void *)UINTPTR_MAX};
	const char *fmts[] = {"%p", "%20p|", "%-20p|", "%+p", "% p", "%1p", "%-+22p|"};

	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
			compare(fmts[f], ptrs[i]);
	compare("100%% done|%%%d%%|%%s", 5);
	compare("");
	compare("plain text without conversions");
}

/* C leaves %s with NULL undefined; ours is pinned to glibc's choice. */
TEST(printf_null_string_prints_null)
{
	char buf[32];
	const char *null = NULL;

	CHECK_EQ(ksnprintf(buf, sizeof buf, "%s", null), 6);
	CHECK_STR(buf, "(null)");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "[%8s][%-8s]", null, null), 20);
	CHECK_STR(buf, "[  (null)][(null)  ]");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "[%.6s][%.3s]", null, null), 10);
	CHECK_STR(buf, "[(null)][]");
}

/* These formats are invalid on purpose; the compiler rightly complains. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-invalid-specifier"
#pragma clang diagnostic ignored "-Wformat-extra-args"
TEST(printf_unknown_and_trailing_percent_printed_verbatim)
{
	char buf[64];

	CHECK_EQ(ksnprintf(buf, sizeof buf, "%y"), 2);
	CHECK_STR(buf, "%y");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "a%yb"), 4);
	CHECK_STR(buf, "a%yb");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%-5w!"), 5);
	CHECK_STR(buf, "%-5w!");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%5.2k|%hy|%llq"), 14);
	CHECK_STR(buf, "%5.2k|%hy|%llq");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "end%"), 4);
	CHECK_STR(buf, "end%");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%"), 1);
	CHECK_STR(buf, "%");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "end%-08.3ll"), 11);
	CHECK_STR(buf, "end%-08.3ll");
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%d%y%d", 1, 2), 4); /* %y takes no argument */
	CHECK_STR(buf, "1%y2");
}
#pragma clang diagnostic pop

TEST(printf_truncation_matches_libc_at_every_size)
{
	for (size_t size = 0; size < 40; size++) {
		compare_sized(size, "%s-%d-%#x", "abc", -123456, 0xbeef);
		compare_sized(size, "[%-10s][%5c]", "left", 'c');
		compare_sized(size, "%lld", LLONG_MIN);
		compare_sized(size, "%c%c%c", 'x', 0, 'y');
		compare_sized(size, "");
	}
}

TEST(printf_truncation_edges)
{
	char buf[8];

	memset(buf, 'x', sizeof buf);
	CHECK_EQ(ksnprintf(buf, 5, "%d", 123456789), 9);
	CHECK_STR(buf, "1234");
	CHECK_EQ(buf[5], 'x'); /* nothing written past size */
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(ksnprintf(buf, 1, "abc"), 3);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[1], 'x');
	CHECK_EQ(ksnprintf(NULL, 0, "%s-%d", "abc", 12), 6);
	CHECK_EQ(ksnprintf(NULL, 0, ""), 0);
	buf[0] = 'q';
	CHECK_EQ(ksnprintf(buf, 0, "zz"), 2);
	CHECK_EQ(buf[0], 'q');
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%c", 0), 1);
	CHECK(buf[0] == 0 && buf[1] == 0);
}

struct rec {
	char data[256];
	size_t len;
	int chunks;
};

static void record(void *ctx, const char *s, size_t n)
{
	struct rec *r = ctx;

	CHECK(n > 0);
	r->chunks++;
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
	struct rec r = {{0}, 0, 0};

	CHECK_EQ(format_to(&r, "a%cb%c\n", 0, 0xff), 5);
	CHECK_EQ(r.len, 5);
	CHECK(memcmp(r.data, "a\0b\xff\n", 5) == 0);

	r = (struct rec){{0}, 0, 0};
	CHECK_EQ(format_to(&r, "%3c|%-3c|", 0, 0), 8);
	CHECK_EQ(r.len, 8);
	CHECK(memcmp(r.data, "  \0|\0  |", 8) == 0);
}

TEST(printf_sink_count_matches_bytes_for_long_padding)
{
	struct rec r = {{0}, 0, 0};

	CHECK_EQ(format_to(&r, "%100d|%-50s|%.60x", 1, "s", 0xabc), 100 + 1 + 50 + 1 + 60);
	CHECK_EQ(r.len, 212);
	CHECK_EQ(r.data[98], ' ');
	CHECK_EQ(r.data[99], '1');
	CHECK_EQ(r.data[211], 'c');
	CHECK_EQ(format_to(&r, ""), 0);
}

/* xorshift64: the random tests see the same sequence on every host. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A 64-bit value, biased towards the edges. */
static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = {0,	     1,		UINT64_MAX,	     INT64_MAX,
					 1ull << 63, INT32_MAX, (uint64_t)INT32_MIN, UINT32_MAX,
					 0xff,	     0x80,	(uint64_t)-128,	     0x8000};

	switch (rnd_below(4)) {
	case 0:
		return edges[rnd_below(sizeof edges / sizeof edges[0])];
	case 1:
		return rnd() >> rnd_below(64);
	case 2:
		return (uint64_t)(int64_t)(rnd_below(2001) - 1000);
	default:
		return rnd();
	}
}

/* One random conversion from the grammar, restricted to what C defines. */
struct rspec {
	char fmt[64];
	char conv;
	const char *len;
	int nstar;
	int star[2];
};

static void rnd_flags(struct rspec *r, char *p, char **end)
{
	bool numeric = strchr("diuxXo", r->conv) != NULL;

	for (unsigned n = rnd_below(4); n > 0; n--) {
		char f = "-0+ #"[rnd_below(5)];
		if (f == '#' && !strchr("xXo", r->conv))
			continue; /* undefined for the others */
		if (f == '0' && !numeric)
			continue;
		*p++ = f;
	}
	*end = p;
}

static void rnd_width_prec(struct rspec *r, char *p, char **end)
{
	switch (rnd_below(3)) {
	case 1:
		p += sprintf(p, "%u", 1 + rnd_below(30));
		break;
	case 2:
		*p++ = '*';
		r->star[r->nstar++] = (int)rnd_below(61) - 30;
		break;
	}
	/* A precision is undefined for %c and %p. */
	switch (r->conv == 'c' || r->conv == 'p' ? 0 : rnd_below(5)) {
	case 1:
		p += sprintf(p, ".%u", rnd_below(31));
		break;
	case 2:
		*p++ = '.';
		break;
	case 3:
		p += sprintf(p, ".*");
		r->star[r->nstar++] = (int)rnd_below(40) - 8;
		break;
	}
	*end = p;
}

static void rnd_spec(struct rspec *r)
{
	static const char *const lens[] = {"", "hh", "h", "l", "ll", "z", "j", "t"};
	char *p = r->fmt;

	*r = (struct rspec){.conv = "diuxXocsp"[rnd_below(9)], .len = ""};
	p += sprintf(p, "<");
	*p++ = '%';
	rnd_flags(r, p, &p);
	rnd_width_prec(r, p, &p);
	if (strchr("diuxXo", r->conv))
		r->len = lens[rnd_below(8)];
	sprintf(p, "%s%c|%%d>", r->len, r->conv);
}

/* Pass the star arguments, a value of type T, and the sentinel that follows. */
#define CALL(T, val)                                                                               \
	do {                                                                                       \
		T v_ = (T)(val);                                                                   \
		if (r.nstar == 0)                                                                  \
			ok = same(why, whylen, size, r.fmt, v_, 777);                              \
		else if (r.nstar == 1)                                                             \
			ok = same(why, whylen, size, r.fmt, r.star[0], v_, 777);                   \
		else                                                                               \
			ok = same(why, whylen, size, r.fmt, r.star[0], r.star[1], v_, 777);        \
	} while (0)

static bool same(char *why, size_t whylen, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bool ok = vsame(why, whylen, size, fmt, ap);
	va_end(ap);
	return ok;
}

/* Format r with a random argument of the type its length modifier calls for. */
static bool run_signed(const struct rspec *rs, size_t size, char *why, size_t whylen)
{
	struct rspec r = *rs;
	uint64_t v = rnd_value();
	bool ok = false;

	if (!strcmp(r.len, "l"))
		CALL(long, v);
	else if (!strcmp(r.len, "ll"))
		CALL(long long, v);
	else if (!strcmp(r.len, "z"))
		CALL(ssize_t, v);
	else if (!strcmp(r.len, "j"))
		CALL(intmax_t, v);
	else if (!strcmp(r.len, "t"))
		CALL(ptrdiff_t, v);
	else
		CALL(int, v);
	return ok;
}

static bool run_unsigned(const struct rspec *rs, size_t size, char *why, size_t whylen)
{
	struct rspec r = *rs;
	uint64_t v = rnd_value();
	bool ok = false;

	if (!strcmp(r.len, "l"))
		CALL(unsigned long, v);
	else if (!strcmp(r.len, "ll"))
		CALL(unsigned long long, v);
	else if (!strcmp(r.len, "z") || !strcmp(r.len, "t"))
		CALL(size_t, v);
	else if (!strcmp(r.len, "j"))
		CALL(uintmax_t, v);
	else
		CALL(unsigned int, v);
	return ok;
}

static bool run_other(const struct rspec *rs, size_t size, char *why, size_t whylen)
{
	static const char *const strs[] = {"", "x", "hello", "a longer string, 28 bytes.."};
	struct rspec r = *rs;
	bool ok = false;

	if (r.conv == 'c')
		CALL(int, rnd_below(256));
	else if (r.conv == 's')
		CALL(const char *, strs[rnd_below(4)]);
	else
		CALL(void *, (uintptr_t)(rnd_below(4) ? rnd_value() : 0));
	return ok;
}

TEST(printf_random_specs_match_libc)
{
	int failures = 0;

	for (int i = 0; i < 20000; i++) {
		struct rspec r;
		char why[2048];
		size_t size = rnd_below(4) ? BUF : rnd_below(48); /* a quarter truncate */
		bool ok;

		rnd_spec(&r);
		if (strchr("di", r.conv))
			ok = run_signed(&r, size, why, sizeof why);
		else if (strchr("uxXo", r.conv))
			ok = run_unsigned(&r, size, why, sizeof why);
		else
			ok = run_other(&r, size, why, sizeof why);
		if (!ok && ++failures <= 10)
			unit_fail(__FILE__, __LINE__, why);
	}
	CHECK_EQ(failures, 0);
}
