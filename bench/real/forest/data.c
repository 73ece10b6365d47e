/* A synthetic regression problem: sixteen byte features, of which some
 * matter through thresholds and interactions, some linearly, some not at
 * all, plus noise. */
#include <stdlib.h>

#include "forest.h"

static const int informative[] = {0, 3, 5, 7, 11};
static const int32_t noise_scale = 300;

static uint32_t pcg_state;
/* PCG32's output function over a 32-bit LCG: a light hash of the state. */
static uint32_t pcg_next(void)
{
	uint32_t old = pcg_state;
	pcg_state = old * 747796405u + 2891336453u;
	uint32_t word = ((old >> ((old >> 28) + 4)) ^ old) * 277803737u;
	return (word >> 22) ^ word;
}

static int32_t hidden_function(const uint8_t *x)
{
	int32_t v = 0;
	v += x[informative[0]] > 128 ? 2048 : -1024;
	v += x[informative[1]] * 12;
	if (x[informative[2]] < 60 && x[informative[3]] > 100)
		v += 3000;
	v -= (x[informative[4]] * x[informative[4]]) >> 4;
	v += (x[1] & 0x80) ? 500 : 0;
	return v;
}

void make_dataset(struct dataset *d, int n, uint32_t seed)
{
	pcg_state = seed;
	d->n = n;
	d->x = malloc((size_t)n * sizeof *d->x);
	d->y = malloc((size_t)n * sizeof *d->y);
	for (int i = 0; i < n; i++) {
		for (int f = 0; f < NFEATURES; f++)
			d->x[i][f] = (uint8_t)(pcg_next() >> 24);
		d->y[i] = hidden_function(d->x[i]) + (int32_t)(pcg_next() % (2 * noise_scale)) -
			  noise_scale;
	}
}

void dataset_free(struct dataset *d)
{
	free(d->x);
	free(d->y);
}
