/*
 * writer FD BYTES [CHUNK [ignore-sigpipe]]: write BYTES bytes of a fixed
 * pseudo-random pattern to FD (1 or 2), CHUNK bytes per write (default
 * 4096). The first write that fails is reported on the other stream as
 * "writer: write failed after N bytes: errno E" and ends the program with
 * status 3. For the output tests, which run it on Linux as the oracle.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 16];
	unsigned long long total, done = 0;
	unsigned long long state = 0x9e3779b97f4a7c15ull;
	size_t chunk = 4096;

	if (argc < 3 || (argv[1][0] != '1' && argv[1][0] != '2')) {
		fputs("usage: writer FD BYTES [CHUNK [ignore-sigpipe]]\n", stderr);
		return 2;
	}
	int fd = argv[1][0] - '0', other = 3 - fd;
	total = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		chunk = strtoul(argv[3], NULL, 0);
	if (chunk == 0 || chunk > sizeof buf)
		chunk = sizeof buf;
	if (argc > 4)
		signal(SIGPIPE, SIG_IGN);
	while (done < total) {
		size_t n = total - done < chunk ? total - done : chunk;
		for (size_t i = 0; i < n; i++) {
			state ^= state << 13, state ^= state >> 7, state ^= state << 17;
			buf[i] = (unsigned char)state;
		}
		for (size_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0) {
				dprintf(other, "writer: write failed after %llu bytes: errno %d\n",
					done + off, errno);
				return 3;
			}
			off += (size_t)w;
		}
		done += n;
	}
	return 0;
}
