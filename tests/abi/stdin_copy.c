/* stdin reaches the program byte for byte, including NUL and 0xff, and its
 * end arrives as end-of-file. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	unsigned char buf[4096];
	unsigned long total = 0, sum = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + buf[i];
		total += (unsigned long)n;
	}
	printf("read %lu bytes, checksum %lx, last read %zd\n", total, sum, n);
	return 0;
}
