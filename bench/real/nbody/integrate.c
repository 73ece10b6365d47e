/* Integrators: kick-drift-kick leapfrog (symplectic, second order; the
 * accelerations carried over from the previous step) and semi-implicit
 * Euler (first order). */
#include "nbody.h"

static void kick(struct system *s, double h)
{
	for (int i = 0; i < s->n; i++) {
		s->b[i].vx += h * s->ax[i];
		s->b[i].vy += h * s->ay[i];
		s->b[i].vz += h * s->az[i];
	}
}

static void drift(struct system *s, double h)
{
	for (int i = 0; i < s->n; i++) {
		s->b[i].x += h * s->b[i].vx;
		s->b[i].y += h * s->b[i].vy;
		s->b[i].z += h * s->b[i].vz;
	}
}

void step_leapfrog(struct system *s, double dt)
{
	kick(s, 0.5 * dt);
	drift(s, dt);
	accelerations(s);
	kick(s, 0.5 * dt);
}

void step_euler(struct system *s, double dt)
{
	accelerations(s);
	kick(s, dt);
	drift(s, dt);
}
