/* A Whitted-style ray tracer in double precision: spheres and planes
 * behind an intersection function pointer, point lights with shadows,
 * mirror reflection, and a checkerboard. */
#pragma STDC FP_CONTRACT OFF
#include <stdint.h>

struct vec {
	double x, y, z;
};
static inline struct vec v_add(struct vec a, struct vec b) { return (struct vec){a.x + b.x, a.y + b.y, a.z + b.z}; }
static inline struct vec v_sub(struct vec a, struct vec b) { return (struct vec){a.x - b.x, a.y - b.y, a.z - b.z}; }
static inline struct vec v_scale(struct vec a, double s) { return (struct vec){a.x * s, a.y * s, a.z * s}; }
static inline struct vec v_mul(struct vec a, struct vec b) { return (struct vec){a.x * b.x, a.y * b.y, a.z * b.z}; }
static inline double v_dot(struct vec a, struct vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
struct vec v_normalize(struct vec a);

struct material {
	struct vec color;
	double diffuse, specular, shininess, reflect;
	int checker;
};

struct object;
typedef double (*intersect_fn)(const struct object *o, struct vec origin, struct vec dir);
typedef struct vec (*normal_fn)(const struct object *o, struct vec point);
struct object {
	intersect_fn intersect;
	normal_fn normal;
	struct vec center; /* sphere centre, or a point on the plane */
	struct vec axis;   /* plane normal */
	double radius;
	const struct material *mat;
};

struct light {
	struct vec pos, color;
};

struct scene {
	struct object *objects;
	int nobjects;
	const struct light *lights;
	int nlights;
	struct vec ambient;
};

void scene_build(struct scene *s, int spheres);
void scene_free(struct scene *s);
struct vec trace(const struct scene *s, struct vec origin, struct vec dir, int depth);
