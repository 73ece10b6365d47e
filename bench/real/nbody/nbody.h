/* A gravitational N-body system in double precision: a disc of bodies
 * around a heavy centre, stepped by a chosen integrator. */
#pragma STDC FP_CONTRACT OFF

struct body {
	double x, y, z, vx, vy, vz, mass;
};

struct system {
	struct body *b;
	double *ax, *ay, *az;
	int n;
};

void system_make_disc(struct system *s, int n, unsigned seed);
void system_free(struct system *s);
double system_energy(const struct system *s);
void system_momentum(const struct system *s, double p[3]);
void accelerations(struct system *s);

typedef void (*integrator_fn)(struct system *s, double dt);
void step_leapfrog(struct system *s, double dt);
void step_euler(struct system *s, double dt);
