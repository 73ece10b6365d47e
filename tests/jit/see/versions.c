/* Functions that reach different tiers, for the perf map's test: scale()
 * is specialized on its arguments, mix() is called with changing ones (not
 * specialized), and main's long loop moves to OSR code. It prints the
 * process id first: the runtime's own, hosted, which names the map. */
#include <stdio.h>
#include <unistd.h>

static int data[64];

__attribute__((noinline)) int scale(const int *a, int n, int k)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * k;
	return s;
}

__attribute__((noinline)) unsigned mix(unsigned x)
{
	for (int r = 0; r < 8; r++)
		x = (x ^ (x >> 7)) * 2654435761u + (unsigned)r;
	return x;
}

int main(void)
{
	unsigned long total = 0;
	printf("pid %d\n", (int)getpid());
	for (int i = 0; i < 64; i++)
		data[i] = i;
	for (unsigned i = 0; i < 30000; i++)
		total += (unsigned)scale(data, 64, 5) + mix(i);
	printf("%lu\n", total);
	return 0;
}
