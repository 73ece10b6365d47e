/*
 * Structs by value, in every way the x86-64 calling convention passes them:
 * a large one on the stack (byval) and returned through a hidden pointer
 * (sret), small ones in registers (integer, mixed and floating-point
 * classes), also through a function pointer. Called enough to be
 * recompiled, so each version and the stubs between them must agree on
 * the convention.
 */
#include <stdio.h>

struct big {
	long a[8];
};
struct pair {
	int x, y;
};
struct mixed {
	double d;
	int i;
};
struct vec {
	float x, y, z;
};

struct big make(long s)
{
	struct big b;
	for (int i = 0; i < 8; i++)
		b.a[i] = s * (i + 1);
	return b;
}

long sum(struct big b, struct pair p)
{
	long t = (long)p.x * p.y;
	for (int i = 0; i < 8; i++)
		t += b.a[i];
	return t;
}

struct mixed blend(struct mixed m, struct pair p)
{
	struct mixed r = {m.d * 0.5 + p.x, m.i + p.y};
	return r;
}

struct vec cross(struct vec a, struct vec b)
{
	struct vec r = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
	return r;
}

static long apply(long (*f)(struct big, struct pair), struct big b, struct pair p)
{
	return f(b, p);
}

int main(void)
{
	long t = 0;
	struct mixed m = {1.0, 0};
	struct vec v = {1, 2, 3}, w = {0.5f, -1, 2};
	for (int i = 0; i < 20000; i++) {
		struct pair p = {i % 97, 3};
		t += sum(make(i % 1000), p) + apply(sum, make(i % 7), p);
		m = blend(m, p);
		v = cross(v, w);
		v.x = v.x / 64 + 1, v.y = v.y / 64, v.z = v.z / 64 - 1;
	}
	printf("%ld %.6f %d %.4f %.4f %.4f\n", t, m.d, m.i, v.x, v.y, v.z);
	return (int)(t % 50);
}
