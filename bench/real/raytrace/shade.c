/* Tracing: the nearest hit, then ambient + Lambert + Blinn-Phong terms
 * for each light not in shadow, plus a reflected ray for shiny surfaces. */
#include <math.h>

#include "ray.h"

static int max_depth = 4;
static const double shadow_bias = 1e-6;

static int nearest(const struct scene *s, struct vec o, struct vec d, double *t_out)
{
	int hit = -1;
	double best = 1e29;
	for (int i = 0; i < s->nobjects; i++) {
		double t = s->objects[i].intersect(&s->objects[i], o, d);
		if (t < best) {
			best = t;
			hit = i;
		}
	}
	*t_out = best;
	return hit;
}

static int in_shadow(const struct scene *s, struct vec p, struct vec to_light, double dist)
{
	for (int i = 0; i < s->nobjects; i++)
		if (s->objects[i].intersect(&s->objects[i], p, to_light) < dist)
			return 1;
	return 0;
}

static struct vec surface_color(const struct material *m, struct vec p)
{
	if (!m->checker)
		return m->color;
	int cx = (int)floor(p.x), cz = (int)floor(p.z);
	return (cx + cz) & 1 ? v_scale(m->color, 0.3) : m->color;
}

/* x^n for the specular exponent, by squaring */
static double power(double x, double n)
{
	double r = 1.0;
	for (int e = (int)n; e; e >>= 1, x *= x)
		if (e & 1)
			r *= x;
	return r;
}

struct vec trace(const struct scene *s, struct vec o, struct vec d, int depth)
{
	double t;
	int hit = nearest(s, o, d, &t);
	if (hit < 0)
		return (struct vec){0.15, 0.2, 0.3 + 0.2 * d.y};
	const struct object *obj = &s->objects[hit];
	const struct material *m = obj->mat;
	struct vec p = v_add(o, v_scale(d, t)), n = obj->normal(obj, p);
	if (v_dot(n, d) > 0.0)
		n = v_scale(n, -1.0);
	struct vec base = surface_color(m, p), out = v_mul(base, s->ambient);
	struct vec lifted = v_add(p, v_scale(n, shadow_bias * 100.0));
	for (int l = 0; l < s->nlights; l++) {
		struct vec to = v_sub(s->lights[l].pos, p);
		double dist = sqrt(v_dot(to, to));
		to = v_scale(to, 1.0 / dist);
		double lambert = v_dot(n, to);
		if (lambert <= 0.0 || in_shadow(s, lifted, to, dist))
			continue;
		struct vec half = v_normalize(v_sub(to, d));
		double spec = power(fmax(v_dot(n, half), 0.0), m->shininess);
		out = v_add(out, v_mul(s->lights[l].color,
				       v_add(v_scale(base, m->diffuse * lambert),
					     (struct vec){m->specular * spec, m->specular * spec,
							  m->specular * spec})));
	}
	if (m->reflect > 0.0 && depth < max_depth) {
		struct vec r = v_sub(d, v_scale(n, 2.0 * v_dot(d, n)));
		out = v_add(v_scale(out, 1.0 - m->reflect),
			    v_scale(trace(s, lifted, r, depth + 1), m->reflect));
	}
	return out;
}
