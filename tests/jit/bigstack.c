/* Large stack frames: a 1 MiB local array in main, and recursion with
 * 128 KiB frames 12 deep (1.5 MiB more), all touched. */
#include <stdio.h>
#include <string.h>

#define BIG (1 << 20)
#define FRAME (128 << 10)

static unsigned long framed(int level)
{
	unsigned char local[FRAME];
	memset(local, level + 1, sizeof local);
	for (int i = 0; i < FRAME; i += 4096)
		local[i] = (unsigned char)(i / 4096 + level);
	unsigned long sum = 0;
	for (int i = 0; i < FRAME; i += 512)
		sum += local[i];
	if (level == 0)
		return sum;
	return sum + framed(level - 1) + local[FRAME - 1];
}

int main(void)
{
	unsigned char big[BIG];
	unsigned long sum = 0;

	for (int i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 12));
	for (int i = 0; i < BIG; i += 97)
		sum += big[i];
	printf("1 MiB frame: sum %lu, first %u, last %u\n", sum, big[0], big[BIG - 1]);
	printf("framed recursion: %lu\n", framed(11));
	return (int)(sum % 7);
}
