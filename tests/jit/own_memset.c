/*
 * A program with its own memset and memcpy (byte loops, called often
 * enough to be recompiled). Their optimized versions must not turn their
 * own loops into calls of memset and memcpy, which would reach their own
 * stubs and recurse forever (the bug: a stack overflow, or a hang under
 * the fixed policy).
 */
#include <stddef.h>
#include <stdio.h>

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static unsigned char a[4096], b[4096];

int main(void)
{
	long s = 0;
	for (int i = 0; i < 5000; i++) {
		memset(a, i & 255, sizeof a);
		memcpy(b, a, sizeof a);
		s += b[i % 4096];
	}
	printf("s=%ld\n", s);
	return 0;
}
