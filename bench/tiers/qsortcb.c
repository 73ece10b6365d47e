/*
 * The C library calling back into the program: qsort of an array of
 * records with a comparator (key, then a tie-breaking id, so that the order
 * is total and the result the same with any sorting algorithm), refilled
 * with new pseudo-random keys and sorted again each round.
 * usage: qsortcb [COUNT [ROUNDS]]   (defaults 100000 and 60)
 */
#include <stdio.h>
#include <stdlib.h>

struct rec {
	unsigned key;
	unsigned id;
	double weight;
};

int compare(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 100000;
	long rounds = argc > 2 ? atol(argv[2]) : 60;

	if (count < 1 || count > 100000000 || rounds < 0) {
		fprintf(stderr, "usage: qsortcb [COUNT [ROUNDS]]\n");
		return 2;
	}
	struct rec *v = malloc(sizeof *v * count);
	if (!v) {
		fprintf(stderr, "qsortcb: out of memory\n");
		return 1;
	}
	unsigned seed = 2463534242u;
	unsigned long long sum = 0;
	for (long r = 0; r < rounds; r++) {
		for (long i = 0; i < count; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			/* Keys from a small range, so that ties are common. */
			v[i].key = seed % (unsigned)(count / 4 + 1);
			v[i].id = (unsigned)i;
			v[i].weight = (double)(i % 100);
		}
		qsort(v, (size_t)count, sizeof *v, compare);
		for (long i = 0; i < count; i += 97)
			sum = sum * 1000003u + v[i].key * 65536ull + v[i].id;
		sum += (unsigned long long)v[count / 2].weight;
	}
	printf("qsortcb count=%ld rounds=%ld checksum %llu\n", count, rounds, sum);
	free(v);
	return 0;
}
