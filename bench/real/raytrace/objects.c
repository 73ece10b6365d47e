/* The shapes and the scene: a floor, a back wall and a ring of spheres of
 * several materials. */
#include <math.h>
#include <stdlib.h>

#include "ray.h"

static const double no_hit = 1e30, epsilon = 1e-7;

static const struct material materials[] = {
    {{0.9, 0.2, 0.2}, 0.7, 0.5, 40.0, 0.2, 0},  {{0.2, 0.9, 0.3}, 0.8, 0.3, 20.0, 0.0, 0},
    {{0.9, 0.9, 0.9}, 0.1, 0.9, 120.0, 0.8, 0}, {{0.2, 0.3, 0.9}, 0.6, 0.6, 60.0, 0.35, 0},
    {{0.8, 0.8, 0.7}, 0.8, 0.1, 10.0, 0.1, 1},  {{0.6, 0.5, 0.4}, 0.9, 0.0, 1.0, 0.0, 0},
};
static const struct light lights[] = {
    {{-6.0, 9.0, -4.0}, {0.8, 0.8, 0.75}},
    {{7.0, 5.0, -6.0}, {0.35, 0.35, 0.5}},
};

struct vec v_normalize(struct vec a)
{
	return v_scale(a, 1.0 / sqrt(v_dot(a, a)));
}

static double sphere_intersect(const struct object *o, struct vec origin, struct vec dir)
{
	struct vec oc = v_sub(origin, o->center);
	double b = v_dot(oc, dir), c = v_dot(oc, oc) - o->radius * o->radius;
	double disc = b * b - c;
	if (disc < 0.0)
		return no_hit;
	double root = sqrt(disc), t = -b - root;
	if (t > epsilon)
		return t;
	t = -b + root;
	return t > epsilon ? t : no_hit;
}

static struct vec sphere_normal(const struct object *o, struct vec p)
{
	return v_scale(v_sub(p, o->center), 1.0 / o->radius);
}

static double plane_intersect(const struct object *o, struct vec origin, struct vec dir)
{
	double denom = v_dot(o->axis, dir);
	if (fabs(denom) < epsilon)
		return no_hit;
	double t = v_dot(v_sub(o->center, origin), o->axis) / denom;
	return t > epsilon ? t : no_hit;
}

static struct vec plane_normal(const struct object *o, struct vec p)
{
	(void)p;
	return o->axis;
}

static unsigned scene_seed = 99;
static double scene_random(void)
{
	scene_seed = scene_seed * 214013u + 2531011u;
	return (scene_seed >> 16 & 0x7fff) / 32768.0;
}

void scene_build(struct scene *s, int spheres)
{
	s->objects = calloc((size_t)spheres + 2, sizeof *s->objects);
	s->objects[0] = (struct object){plane_intersect, plane_normal, {0, -1, 0}, {0, 1, 0}, 0,
					&materials[4]};
	s->objects[1] = (struct object){plane_intersect, plane_normal, {0, 0, 12}, {0, 0, -1}, 0,
					&materials[5]};
	for (int i = 0; i < spheres; i++) {
		double r = 0.3 + 0.5 * scene_random();
		struct vec c = {-5.0 + 10.0 * scene_random(), -1.0 + r, 1.0 + 9.0 * scene_random()};
		s->objects[2 + i] =
		    (struct object){sphere_intersect, sphere_normal, c, {0, 0, 0}, r, &materials[i % 4]};
	}
	s->nobjects = spheres + 2;
	s->lights = lights;
	s->nlights = sizeof lights / sizeof lights[0];
	s->ambient = (struct vec){0.08, 0.08, 0.1};
}

void scene_free(struct scene *s)
{
	free(s->objects);
	s->objects = NULL;
}
