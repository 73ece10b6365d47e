/*
 * The guest's side of tests/boot/hostjit_channel.sh: a request of 3 MiB of
 * pseudo-random bytes on /dev/hostjit (a header of its length and FNV-1a
 * hash, then the bytes, in one write), and the host's answer read back
 * (its length, the bytes xor 0x5a, their original hash as the host
 * computed it), then the end of file the host's close gives. Prints one
 * line and exits 0 when all is as it should be; 3 when /dev/hostjit cannot
 * be opened (no channel), 1 for anything else, saying what.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIZE (3u << 20)

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static int bad(const char *what)
{
	printf("hostjit: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Read exactly n bytes, in reads of varied sizes; 0, or -1 (errno 0: the end). */
static int read_all(int fd, uint8_t *p, size_t n)
{
	static const size_t sizes[] = {1, 4096, 100000, 7, 1 << 20};
	for (size_t done = 0, i = 0; done < n; i++) {
		size_t want = sizes[i % 5] < n - done ? sizes[i % 5] : n - done;
		ssize_t r = read(fd, p + done, want);
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int main(void)
{
	int fd = open("/dev/hostjit", O_RDWR);
	if (fd < 0) {
		printf("hostjit: open /dev/hostjit: %s\n", strerror(errno));
		return errno == ENXIO ? 3 : 1;
	}
	/* Nothing has come yet: the host answers only a whole request. */
	int nb = open("/dev/hostjit", O_RDONLY | O_NONBLOCK);
	char c;
	ssize_t r = nb < 0 ? -1 : read(nb, &c, 1);
	if (r == 0)
		return printf("hostjit: the host's end is closed\n"), 1;
	if (r != -1 || errno != EAGAIN)
		return bad("a non-blocking read before the request did not give EAGAIN");
	close(nb);

	uint8_t *req = malloc(16 + SIZE), *ans = malloc(16 + SIZE);
	if (!req || !ans)
		return bad("malloc");
	uint64_t x = 0x9e3779b97f4a7c15ull, len = SIZE;
	for (size_t i = 0; i < SIZE; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		req[16 + i] = (uint8_t)(x >> 32);
	}
	uint64_t hash = fnv1a(req + 16, SIZE);
	memcpy(req, &len, 8);
	memcpy(req + 8, &hash, 8);
	ssize_t w = write(fd, req, 16 + SIZE);
	if (w != (ssize_t)(16 + SIZE))
		return bad("write");

	uint64_t got_len, got_hash;
	if (read_all(fd, (uint8_t *)&got_len, 8) || got_len != SIZE)
		return printf("hostjit: the answer's length is wrong\n"), 1;
	if (read_all(fd, ans, SIZE) || read_all(fd, (uint8_t *)&got_hash, 8))
		return bad("reading the answer");
	for (size_t i = 0; i < SIZE; i++)
		if (ans[i] != (req[16 + i] ^ 0x5a))
			return printf("hostjit: byte %zu of the answer is wrong\n", i), 1;
	if (got_hash != hash)
		return printf("hostjit: the host's hash of the request differs\n"), 1;

	/* The host closed its end: readable, and the end of file. */
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 30000) != 1 || !(p.revents & POLLIN))
		return bad("poll after the answer");
	r = read(fd, ans, 100);
	if (r != 0)
		return printf("hostjit: read after the host's close gave %zd, not 0\n", r), 1;
	if (write(fd, "x", 1) != -1 || errno != EPIPE)
		return bad("a write after the host's close did not give EPIPE");
	printf("hostjit: sent %u bytes, got them back transformed with the same hash, then "
	       "the end of file\n",
	       SIZE);
	return 0;
}
