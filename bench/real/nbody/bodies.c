/* Setting up the disc, and the conserved quantities used to check a run. */
#include <math.h>
#include <stdlib.h>

#include "nbody.h"

static const double central_mass = 1000.0;
static double softening2 = 1e-4;
static const double disc_inner = 1.0, disc_outer = 10.0;

static unsigned lcg31;
static double uniform(void)
{
	lcg31 = (lcg31 * 1103515245u + 12345u) & 0x7fffffffu;
	return lcg31 / 2147483648.0;
}

void system_make_disc(struct system *s, int n, unsigned seed)
{
	lcg31 = seed;
	s->n = n;
	s->b = calloc((size_t)n, sizeof *s->b);
	s->ax = calloc((size_t)n, sizeof(double));
	s->ay = calloc((size_t)n, sizeof(double));
	s->az = calloc((size_t)n, sizeof(double));
	s->b[0].mass = central_mass;
	for (int i = 1; i < n; i++) {
		struct body *b = &s->b[i];
		double r = disc_inner + (disc_outer - disc_inner) * uniform();
		/* a point on the circle of radius r, from a rational parametrization
		 * (no trigonometry, so every libm gives the same start) */
		double t = 2.0 * uniform() - 1.0, d = 1.0 + t * t;
		double cx = (1.0 - t * t) / d, cy = 2.0 * t / d;
		if (uniform() < 0.5)
			cx = -cx;
		b->x = r * cx;
		b->y = r * cy;
		b->z = 0.05 * (uniform() - 0.5);
		double v = sqrt(central_mass / r);
		b->vx = -v * cy;
		b->vy = v * cx;
		b->vz = 0.0;
		b->mass = 0.01 + 0.02 * uniform();
	}
}

void system_free(struct system *s)
{
	free(s->b);
	free(s->ax);
	free(s->ay);
	free(s->az);
}

double system_energy(const struct system *s)
{
	double e = 0.0;
	for (int i = 0; i < s->n; i++) {
		const struct body *a = &s->b[i];
		e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
		for (int j = i + 1; j < s->n; j++) {
			const struct body *b = &s->b[j];
			double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
			e -= a->mass * b->mass / sqrt(dx * dx + dy * dy + dz * dz + softening2);
		}
	}
	return e;
}

void system_momentum(const struct system *s, double p[3])
{
	p[0] = p[1] = p[2] = 0.0;
	for (int i = 0; i < s->n; i++) {
		p[0] += s->b[i].mass * s->b[i].vx;
		p[1] += s->b[i].mass * s->b[i].vy;
		p[2] += s->b[i].mass * s->b[i].vz;
	}
}

void accelerations(struct system *s)
{
	for (int i = 0; i < s->n; i++)
		s->ax[i] = s->ay[i] = s->az[i] = 0.0;
	for (int i = 0; i < s->n; i++) {
		const struct body *a = &s->b[i];
		double axi = 0.0, ayi = 0.0, azi = 0.0;
		for (int j = i + 1; j < s->n; j++) {
			const struct body *b = &s->b[j];
			double dx = b->x - a->x, dy = b->y - a->y, dz = b->z - a->z;
			double d2 = dx * dx + dy * dy + dz * dz + softening2;
			double inv = 1.0 / (d2 * sqrt(d2));
			double fa = b->mass * inv, fb = a->mass * inv;
			axi += dx * fa;
			ayi += dy * fa;
			azi += dz * fa;
			s->ax[j] -= dx * fb;
			s->ay[j] -= dy * fb;
			s->az[j] -= dz * fb;
		}
		s->ax[i] += axi;
		s->ay[i] += ayi;
		s->az[i] += azi;
	}
}
