/* printf and strtod: integers, strings and floating point through every
 * width, precision and flag, the extremes of double, and snprintf
 * truncation. All of it is libc arithmetic, so both sides must agree to the
 * byte; the round trips also check themselves. */
#define _GNU_SOURCE
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void integers(void)
{
	static const long long vals[] = {
	    0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, 1234567890123LL};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		long long v = vals[i];
		printf("[%d] [%5d] [%-5d|] [%05d] [%+d] [% d] [%.3d] [%8.3d]\n", (int)v, (int)v,
		       (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
		printf("[%lld] [%25lld] [%-25lld|] [%+lld]\n", v, v, v, v);
		printf("[%llx] [%#llx] [%llX] [%#20llX] [%llo] [%#llo] [%llu]\n", v, v, v, v, v, v,
		       (unsigned long long)v);
		printf("[%hhd] [%hd] [%hhu] [%hu]\n", (signed char)v, (short)v, (unsigned char)v,
		       (unsigned short)v);
	}
	printf("[%jd] [%zu] [%td] [%" PRIx64 "] [%" PRId32 "]\n", (intmax_t)-7, (size_t)99,
	       (ptrdiff_t)-3, (uint64_t)0xdeadbeefcafeULL, (int32_t)-123456);
	printf("[%.0d] [%#.0o] [%#x] [%#o]\n", 0, 0, 0, 0);
	printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 12, 6, 12, 4, 7, 8, 3, 5);
	int n = 0;
	printf("abc%ndef", &n);
	printf(" -> %%n counted %d\n", n);
}

static void chars_strings(void)
{
	printf("[%c] [%3c] [%-3c] [%%]\n", 'x', 'y', 'z');
	printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%-10.4s]\n", "hello", "hello", "hello",
	       "hello", "hello", "hello");
	printf("[%s] [%.0s] [%5s]\n", "", "gone", "");
	printf("[%*s] [%-*s] [%.*s]\n", 7, "ab", 7, "ab", 2, "abcdef");
}

static void doubles(void)
{
	static const double vals[] = {0.0,     -0.0,	      1.0,	 -1.5,	     0.1,
				      2.5,     3.5,	      1e-5,	 123456.789, 1e100,
				      -1e-100, 6.02214076e23, 1.0 / 3.0, M_PI};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		double d = vals[i];
		printf("[%f] [%.0f] [%.10f] [%12.3f] [%-12.3f|] [%+.2f] [%012.4f]\n", d, d, d, d, d,
		       d, d);
		printf("[%e] [%.0e] [%.12E] [%g] [%.3g] [%#g] [%G] [%.17g]\n", d, d, d, d, d, d, d,
		       d);
		printf("[%a] [%.3a] [%A]\n", d, d, d);
	}
	static const double ext[] = {DBL_MAX,	   -DBL_MAX, DBL_MIN,
				     DBL_TRUE_MIN, 4.9e-320, DBL_EPSILON};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		printf("extreme [%.17g] [%e] [%a] [%.20f]\n", ext[i], ext[i], ext[i], ext[i]);
	printf("DBL_MAX %%f has %zu chars\n", (size_t)snprintf(NULL, 0, "%f", DBL_MAX));
	double inf = INFINITY, nan_ = NAN;
	printf("[%f] [%F] [%e] [%g] [%a] [%8f] [%-8f|] [%+f]\n", inf, inf, inf, inf, inf, inf, inf,
	       inf);
	printf("[%f] [%e] [%g] [%G] [%a]\n", -inf, -inf, -inf, -inf, -inf);
	printf("[%f] [%F] [%e] [%g] [%6f]\n", nan_, nan_, nan_, nan_, nan_);
	printf("[%Lf] [%Le] [%.25Lg]\n", 1.0L / 3, 1e4000L, 1.0L / 3);
	printf("[%f] [%.1f] [%.1f] [%.1f] [%.2f]\n", 0.5, 0.25, 0.35, -0.05, 1.005);
	printf("signbit(-0.0)=%d copysign=%g\n", signbit(-0.0) != 0, copysign(3.0, -0.0));
	printf("float [%f] [%.9g]\n", (double)1.1f, (double)FLT_MAX);
}

/* strtod must read back exactly what %.17g and %a printed. */
static void round_trips(void)
{
	static const char *inputs[] = {"0",
				       "-0",
				       "1e308",
				       "1e309",
				       "-1e309",
				       "2.2250738585072014e-308",
				       "4.9406564584124654e-324",
				       "1e-400",
				       "0x1.8p3",
				       "  42.5xyz",
				       "inf",
				       "-Infinity",
				       "nan",
				       "1.7976931348623157e308",
				       ".5",
				       "5.",
				       "1e",
				       "abc",
				       "0.1e1",
				       "123456789012345678901234567890"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(inputs[i], &end);
		printf("strtod(\"%s\") = %.17g, %td chars used, errno %s\n", inputs[i], d,
		       end - inputs[i], errno ? strerrorname_np(errno) : "0");
	}
	unsigned long x = 0x9e3779b97f4a7c15ul;
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double d;
		memcpy(&d, &x, sizeof d);
		if (!isfinite(d))
			continue;
		char buf[64];
		snprintf(buf, sizeof buf, i & 1 ? "%.17g" : "%a", d);
		double back = strtod(buf, NULL);
		if (memcmp(&back, &d, sizeof d) != 0) {
			if (bad++ < 5)
				printf("round trip lost %s\n", buf);
		}
	}
	printf("20000 random doubles round-tripped, %d lost\n", bad);
	printf("strtol: %ld %ld %lu %ld\n", strtol("-0x7fff", NULL, 16), strtol("0777", NULL, 0),
	       strtoul("18446744073709551615", NULL, 10), strtol("99999999999999999999", NULL, 10));
}

static void truncation(void)
{
	char buf[8];
	for (size_t size = 0; size <= 8; size++) {
		memset(buf, '#', sizeof buf);
		int n = snprintf(buf, size, "%s-%d", "abcd", 12345);
		printf("snprintf size %zu -> %d \"%.8s\"\n", size, n, size ? buf : "-");
		if (size == 0 && buf[0] != '#')
			printf("snprintf with size 0 wrote\n");
	}
	char big[32];
	int n = snprintf(big, sizeof big, "%*s|", 100, "x");
	printf("wide field into 32 bytes: %d, strlen %zu\n", n, strlen(big));
}

int main(void)
{
	integers();
	chars_strings();
	doubles();
	round_trips();
	truncation();
	return 0;
}
