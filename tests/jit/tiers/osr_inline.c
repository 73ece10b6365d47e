/* main's loop, entered once, goes to -O3 by OSR; each round calls key, a
 * small helper with a loop of its own that gets -O3 code counting nothing
 * in a warm-up before that loop, and so is inlined into the OSR code
 * (tests/boot/jit_osr_inline.sh); and one of two functions through a
 * table, whose results check that the inlined key wrote every byte. */
#include <stdio.h>
#include <stdlib.h>

static void key(char *buf, unsigned id)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	buf[0] = 'k';
	for (int i = 0; i < 12; i++) {
		buf[1 + i] = alphabet[id % 36];
		id = id / 36 * 7 + (unsigned)i;
	}
	buf[13] = 0;
}

static unsigned long sum_chars(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static unsigned long xor_chars(const char *s)
{
	unsigned long h = 0;
	while (*s)
		h = (h << 5 | h >> 59) ^ (unsigned char)*s++;
	return h;
}

/* key made hot before main's loop starts, whatever the timing: key's
 * code is final before that loop can ask for OSR. */
static unsigned long warm_up(unsigned long n)
{
	char buf[16];
	unsigned long s = 0;
	for (unsigned long i = 0; i < n; i++) {
		key(buf, (unsigned)i);
		s += (unsigned char)buf[3];
	}
	return s;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long (*const fold[2])(const char *) = {sum_chars, xor_chars};
	char buf[16] = "";
	unsigned long s = warm_up(n / 4);
	for (unsigned long i = 0; i < n; i++) {
		key(buf, (unsigned)(i * 2654435761u));
		s += fold[i % 3 == 0](buf) + (unsigned char)buf[5];
	}
	printf("%lu %s\n", s, buf);
	return 0;
}
