/*
 * A Petri-net simulator: the net's firing rule is generated code
 * (net.c, one function of 1500 guarded updates of 24 token counts, as
 * net and state-chart compilers emit), run from a new pseudo-random
 * initial marking each time for a number of rounds; the final markings
 * are folded into a checksum, and the tokens that reached each place
 * counted.
 * usage: petri [RUNS [ROUNDS]]   (defaults 3000 and 40)
 */
#include <stdio.h>
#include <stdlib.h>

#include "net.h"

static unsigned long next(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	long runs = argc > 1 ? atol(argv[1]) : 3000;
	long rounds = argc > 2 ? atol(argv[2]) : 40;
	if (runs < 1 || rounds < 1) {
		fprintf(stderr, "usage: petri [RUNS [ROUNDS]]\n");
		return 2;
	}
	unsigned long seed = 88172645463325252ul, sum = 0;
	long long reached[NET_PLACES] = {0};
	int m[NET_PLACES];
	for (long r = 0; r < runs; r++) {
		for (int p = 0; p < NET_PLACES; p++)
			m[p] = (int)(next(&seed) % 5) + 1;
		net_set(m);
		for (long k = 0; k < rounds; k++)
			net_round();
		net_get(m);
		for (int p = 0; p < NET_PLACES; p++) {
			sum = sum * 31 + (unsigned)m[p];
			reached[p] += m[p];
		}
	}
	printf("petri: %ld runs of %ld rounds, checksum %lu\n", runs, rounds, sum);
	for (int p = 0; p < NET_PLACES; p++)
		printf("%s%lld", p ? " " : "tokens:", reached[p]);
	printf("\n");
	return 0;
}
