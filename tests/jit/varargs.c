/* Variable arguments: our own va_list functions (ints, doubles, strings,
 * va_copy, passing a va_list on) and the library's vprintf family. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static long sum_ints(int count, ...)
{
	va_list ap;
	long s = 0;
	va_start(ap, count);
	for (int i = 0; i < count; i++)
		s += va_arg(ap, int);
	va_end(ap);
	return s;
}

/* A mixed list described by a format: i int, l long, d double, s string. */
static void describe(const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	for (const char *p = fmt; *p; p++) {
		switch (*p) {
		case 'i':
			printf("[int %d]", va_arg(ap, int));
			break;
		case 'l':
			printf("[long %ld]", va_arg(ap, long));
			break;
		case 'd':
			printf("[double %.6f]", va_arg(ap, double));
			break;
		case 's':
			printf("[str %s]", va_arg(ap, const char *));
			break;
		}
	}
	/* the copy walks the same list again */
	int strings = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p == 'd')
			(void)va_arg(again, double);
		else if (*p == 's')
			strings += (int)strlen(va_arg(again, const char *));
		else if (*p == 'l')
			(void)va_arg(again, long);
		else
			(void)va_arg(again, int);
	}
	va_end(again);
	va_end(ap);
	printf(" string bytes %d\n", strings);
}

static int logf_to(FILE *f, const char *tag, const char *fmt, va_list ap)
{
	int n = fprintf(f, "%s: ", tag);
	return n + vfprintf(f, fmt, ap);
}

static int log_line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = logf_to(stdout, "log", fmt, ap);
	va_end(ap);
	return n;
}

static int say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static char *format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

/* More arguments than fit in registers, ints and doubles interleaved. */
static double many(int n, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int k = va_arg(ap, int);
		double d = va_arg(ap, double);
		s += k * d;
	}
	va_end(ap);
	return s;
}

int main(void)
{
	char buf[64];

	printf("sum %ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3),
	       sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
	describe("ilds", 42, 1L << 40, 2.718281828, "hello");
	describe("sdsdsdsdsd", "a", 1.0, "bb", 2.0, "ccc", 3.0, "dddd", 4.0, "eeeee", 5.0);
	int n = log_line("%d-%s-%.3f-%c-%x\n", 7, "seven", 7.0, 'z', 255);
	printf("log_line wrote %d bytes\n", n);
	n = say("%5d|%-5s|%05.1f|%%\n", 12, "ab", 3.14159);
	printf("say wrote %d bytes\n", n);
	printf("format: '%s'\n", format(buf, 12, "%s and %s", "truncated", "text"));
	printf("many = %.3f\n",
	       many(8, 1, 0.5, 2, 1.5, 3, 2.5, 4, 3.5, 5, 4.5, 6, 5.5, 7, 6.5, 8, 7.5));
	return 0;
}
