/* A hot function that crashes once it has been recompiled: scale() runs
 * 20,000 times on the same arguments (tiered up and specialized on them),
 * then call 20,001 reads through a null pointer inside it. The fault
 * report must name scale's tier-2 code, not "?". With an argument N, the
 * crash comes at call N + 1 instead. */
#include <stdio.h>
#include <stdlib.h>

static int data[96];
static int *volatile rows[2] = {data, 0};
static int calls, last = 20000;

__attribute__((noinline)) int scale(int *a, int n, int k)
{
	int *p = rows[++calls > last];
	int s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * k + p[i & 1];
	return s;
}

int main(int argc, char **argv)
{
	long total = 0;
	if (argc > 1)
		last = atoi(argv[1]);
	for (int i = 0; i < 96; i++)
		data[i] = i;
	for (int i = 0; i < 20001; i++)
		total += scale(data, 96, 3);
	printf("%ld\n", total);
	return 0;
}
