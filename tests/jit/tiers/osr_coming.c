/* main's loop goes to -O3 by OSR while label's final code is on its way:
 * warm's loop asks for OSR code first, and that compile is held (the
 * test's BAREFLOW_RT_PROBES_IN_COMPILE) until main's loop has asked both
 * for label's -O3 code, which counts nothing (final), and for its own OSR
 * code, which goes before label's in the queue. The OSR code must inline
 * label as if label's code were in (tests/boot/jit_osr_coming.sh); the
 * results check that the inlined label wrote every byte. */
#include <stdio.h>
#include <stdlib.h>

static void label(char *buf, unsigned long id)
{
	buf[0] = 'L';
	for (int i = 1; i < 11; i++) {
		buf[i] = (char)('0' + id % 10);
		id = id / 10 ^ id << 7;
	}
	buf[11] = 0;
}

/* a loop that runs long in its only call, before main's */
static unsigned long warm(unsigned long n)
{
	unsigned long h = 1;
	for (unsigned long i = 0; i < n; i++)
		h = h * 6364136223846793005ul + (i ^ h >> 29);
	return h;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	char buf[16] = "";
	unsigned long s = warm(n);
	for (unsigned long i = 0; i < n; i++) {
		label(buf, i * 2654435761u);
		for (const char *p = buf; *p; p++)
			s = s * 33 + (unsigned char)*p;
	}
	printf("%lu %s\n", s, buf);
	return 0;
}
