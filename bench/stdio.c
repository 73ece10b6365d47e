/* The stdio benchmark's program: `copy` copies stdin to stdout, `sink`
 * reads stdin to its end and prints the byte count, `source N` writes N
 * bytes to stdout. 64 KiB a call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 16];

int main(int argc, char **argv)
{
	ssize_t n;
	long total = 0;

	if (argc == 3 && !strcmp(argv[1], "source")) {
		long left = atol(argv[2]);
		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = (char)(i * 7 + 1);
		while (left > 0) {
			n = write(1, buf, left < (long)sizeof buf ? (size_t)left : sizeof buf);
			if (n <= 0)
				return 1;
			left -= n;
		}
		return 0;
	}
	int copy = argc == 2 && !strcmp(argv[1], "copy");
	if (!copy && !(argc == 2 && !strcmp(argv[1], "sink"))) {
		fprintf(stderr, "usage: stdio copy|sink|source N\n");
		return 2;
	}
	while ((n = read(0, buf, sizeof buf)) > 0) {
		total += n;
		for (ssize_t o = 0, w; copy && o < n; o += w)
			if ((w = write(1, buf + o, (size_t)(n - o))) < 0)
				return 1;
	}
	if (!copy)
		printf("%ld\n", total);
	return n < 0;
}
