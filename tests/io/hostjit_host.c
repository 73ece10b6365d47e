/*
 * The host's side of tests/boot/hostjit_channel.sh, run by the CLI at the
 * other end of the guest's /dev/hostjit (stdin and stdout are the socket):
 * read one request (its length and FNV-1a hash, then the bytes), check the
 * hash, answer with the length, the bytes xor 0x5a and the hash computed
 * here, and end its output (shutdown), which the guest reads as the end
 * of file. Exits 1, saying why on stderr,
 * when the request is not as announced.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int read_all(uint8_t *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = read(0, p + done, n - done);
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static int write_all(const uint8_t *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(1, p + done, n - done);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

int main(void)
{
	uint64_t head[2], h = 0xcbf29ce484222325ull;
	if (read_all((uint8_t *)head, sizeof head) || head[0] > (64u << 20)) {
		fprintf(stderr, "hostjit_host: no request header\n");
		return 1;
	}
	uint8_t *p = malloc(head[0] + 16);
	if (!p || read_all(p + 8, head[0])) {
		fprintf(stderr, "hostjit_host: the request ended early\n");
		return 1;
	}
	for (uint64_t i = 0; i < head[0]; i++) {
		h = (h ^ p[8 + i]) * 0x100000001b3ull;
		p[8 + i] ^= 0x5a;
	}
	if (h != head[1]) {
		fprintf(stderr, "hostjit_host: the request's hash differs\n");
		return 1;
	}
	memcpy(p, &head[0], 8);
	memcpy(p + 8 + head[0], &h, 8);
	if (write_all(p, head[0] + 16))
		return 1;
	/* The end of the answer: QEMU delivers every byte, then tells the
	 * guest. Closing the socket instead would lose the bytes QEMU has not
	 * read yet (its socket chardev drops them at the hang-up). Then wait
	 * for the guest's end to go (QEMU has read all and closed its end,
	 * and the CLI its copy) before leaving. */
	shutdown(1, SHUT_WR);
	while (read(0, p, 1) > 0)
		;
	return 0;
}
