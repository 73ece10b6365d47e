/*
 * Renders a scene of spheres on a checkerboard, with 2x2 supersampling,
 * into an 8-bit image, and prints its checksum and mean brightness.
 * usage: raytrace [WIDTH [SPHERES]]   (defaults 400 and 24; height 3/4 of width)
 */
#include <stdio.h>
#include <stdlib.h>

#include "ray.h"

static const struct vec eye = {0.0, 1.5, -6.0};
static const double fov_scale = 0.8;

static uint8_t to_byte(double c)
{
	c = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
	return (uint8_t)(c * 255.0 + 0.5);
}

int main(int argc, char **argv)
{
	int w = argc > 1 ? atoi(argv[1]) : 400;
	int spheres = argc > 2 ? atoi(argv[2]) : 24;
	if (w < 4 || spheres < 0) {
		fprintf(stderr, "usage: raytrace [WIDTH [SPHERES]]\n");
		return 2;
	}
	int h = w * 3 / 4;
	struct scene s;
	scene_build(&s, spheres);
	uint8_t *img = malloc((size_t)w * h * 3);
	uint32_t crc = 0xffffffffu;
	uint64_t total = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			struct vec acc = {0, 0, 0};
			for (int sy = 0; sy < 2; sy++)
				for (int sx = 0; sx < 2; sx++) {
					double u = ((x + 0.25 + 0.5 * sx) / w * 2.0 - 1.0) * fov_scale;
					double v = (1.0 - (y + 0.25 + 0.5 * sy) / h * 2.0) * fov_scale * h / w;
					struct vec d = v_normalize((struct vec){u, v - 0.15, 1.0});
					acc = v_add(acc, trace(&s, eye, d, 0));
				}
			uint8_t *px = img + 3 * ((size_t)y * w + x);
			px[0] = to_byte(acc.x / 4.0);
			px[1] = to_byte(acc.y / 4.0);
			px[2] = to_byte(acc.z / 4.0);
			for (int c = 0; c < 3; c++) {
				total += px[c];
				crc ^= px[c];
				for (int k = 0; k < 8; k++)
					crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
			}
		}
	printf("raytrace: %dx%d, %d spheres, image crc %08x, mean %.4f\n", w, h, spheres, ~crc,
	       (double)total / ((double)w * h * 3));
	free(img);
	scene_free(&s);
	return 0;
}
