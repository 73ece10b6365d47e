/* The byte-at-a-time state machine of tests/jit/tiers/private_compiled.c
 * and osr_private.c: step has no loops, and each program calls it from
 * one place only. */
#ifndef TESTS_JIT_TIERS_MACHINE_H
#define TESTS_JIT_TIERS_MACHINE_H

struct machine {
	int state;
	unsigned long words, numbers, lines, value, sum, checksum;
};

static void step(struct machine *m, unsigned char c)
{
	switch (m->state) {
	case 0: /* between words */
		if (c >= 'a' && c <= 'z') {
			m->state = 1;
			m->words++;
		} else if (c >= '0' && c <= '9') {
			m->state = 2;
			m->value = c - '0';
		} else if (c == '\n') {
			m->lines++;
		}
		break;
	case 1: /* in a word */
		if (c == '\n') {
			m->lines++;
			m->state = 0;
		} else if (c < 'a' || c > 'z') {
			m->state = 0;
		}
		m->checksum = m->checksum * 31 + c;
		break;
	case 2: /* in a number */
		if (c >= '0' && c <= '9') {
			m->value = m->value * 10 + (c - '0');
		} else {
			m->numbers++;
			m->sum += m->value % 100003;
			m->state = c == '\n' ? 0 : 3;
			if (c == '\n')
				m->lines++;
		}
		break;
	default: /* after a number: skip to a blank */
		if (c == ' ' || c == '\n') {
			m->state = 0;
			if (c == '\n')
				m->lines++;
		}
		m->checksum ^= c;
		break;
	}
}

#endif
