/*
 * Simulates a disc of bodies orbiting a heavy centre with two integrators
 * and reports how well each conserved energy and momentum.
 * usage: nbody [STEPS [BODIES]]   (defaults 1200 and 400)
 */
#include <stdio.h>
#include <stdlib.h>

#include "nbody.h"

static const double dt = 0.0005;
static const struct {
	const char *name;
	integrator_fn step;
} methods[] = {{"leapfrog", step_leapfrog}, {"euler", step_euler}};

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 1200;
	int n = argc > 2 ? atoi(argv[2]) : 400;
	if (steps < 0 || n < 2) {
		fprintf(stderr, "usage: nbody [STEPS [BODIES]]\n");
		return 2;
	}
	printf("nbody: %d bodies, %ld steps of %g\n", n, steps, dt);
	for (int m = 0; m < 2; m++) {
		struct system s;
		system_make_disc(&s, n, 2026);
		accelerations(&s);
		double e0 = system_energy(&s), p[3];
		for (long k = 0; k < steps; k++)
			methods[m].step(&s, dt);
		double e1 = system_energy(&s);
		system_momentum(&s, p);
		printf("  %-9s energy %.9e -> %.9e (drift %.3e), momentum %.3e %.3e\n",
		       methods[m].name, e0, e1, (e1 - e0) / e0, p[0], p[1]);
		printf("            body 1 at %.6f %.6f\n", s.b[1].x, s.b[1].y);
		system_free(&s);
	}
	return 0;
}
