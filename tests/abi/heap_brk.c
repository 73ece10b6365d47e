/* malloc-heavy work on the brk heap: many small blocks, verified, freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	enum { N = 20000 };
	static char *blocks[N];
	unsigned long sum = 0;

	for (int i = 0; i < N; i++) {
		size_t n = 1 + (size_t)(i * 7919) % 200;
		blocks[i] = malloc(n);
		if (!blocks[i])
			return 1;
		memset(blocks[i], i & 0xff, n);
	}
	for (int i = 0; i < N; i++) {
		sum += (unsigned char)blocks[i][0];
		free(blocks[i]);
	}
	printf("sum=%lu\n", sum);
	return 0;
}
