/* OSR code inlines a small helper without loops that makes calls, even
 * before the helper has code of its own (runtime/jit/whole.c,
 * small_no_loops): main's one long loop, entered by OSR, calls emit every
 * eighth iteration, which counts lines and calls putc. Called through its
 * stub instead, it stayed a call in the loop to the end of the run (a
 * filter's putchar_unlocked, glibc's inline body, made the OSR code half as
 * fast as clang's loop). Prints a checksum of what it wrote and the lines. */
#include <stdio.h>
#include <stdlib.h>

static FILE *out;
static long lines;

static void emit(int c)
{
	if (c == '\n')
		lines++;
	putc(c, out);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4000000;
	out = fopen("/dev/null", "w");
	if (!out)
		return 1;
	unsigned long h = 2166136261u, sum = 0;
	for (long i = 0; i < n; i++) {
		h = (h ^ (unsigned long)(i & 0xff)) * 16777619u;
		int c = (int)(h >> 7) % 64 == 0 ? '\n' : 'a' + (int)(h % 26);
		sum += (unsigned long)c;
		if ((i & 7) == 0)
			emit(c);
	}
	fclose(out);
	printf("%lu %ld\n", sum, lines);
	return 0;
}
