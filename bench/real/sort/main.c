/*
 * A report generator's sorting: employee records sorted by several keys
 * with the generic sorts and their comparators, checked against each other
 * (and the radix sort), and integer columns with the introsort.
 * usage: sort [RECORDS [ROUNDS]]   (defaults 60000 and 14)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"

static const char *const syllables[] = {"ka", "ro", "mi", "tse", "lu", "an", "be", "dor",
					"vi", "no", "ja", "qu", "el", "sa", "to", "rin"};
static const int ndepts = 37;

static uint32_t mwc_z = 362436069, mwc_w = 521288629;
static uint32_t multiply_with_carry(void)
{
	mwc_z = 36969 * (mwc_z & 65535) + (mwc_z >> 16);
	mwc_w = 18000 * (mwc_w & 65535) + (mwc_w >> 16);
	return (mwc_z << 16) + mwc_w;
}

static int by_name(const void *a, const void *b)
{
	const struct employee *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int by_dept_salary(const void *a, const void *b)
{
	const struct employee *x = a, *y = b;
	if (x->dept != y->dept)
		return x->dept < y->dept ? -1 : 1;
	if (x->salary != y->salary)
		return x->salary > y->salary ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_salary_only(const void *a, const void *b)
{
	const struct employee *x = a, *y = b;
	return (x->salary > y->salary) - (x->salary < y->salary);
}

static void make_employee(struct employee *e, uint32_t id)
{
	int len = 0, parts = 2 + (int)(multiply_with_carry() % 3);
	for (int p = 0; p < parts; p++) {
		const char *s = syllables[multiply_with_carry() % 16];
		while (*s && len < 11)
			e->name[len++] = *s++;
	}
	e->name[len] = 0;
	e->dept = multiply_with_carry() % ndepts;
	e->salary = 20000 + multiply_with_carry() % 180000;
	e->id = id;
}

static uint32_t fold_ids(const struct employee *v, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ v[i].id) * 16777619u;
	return h;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 60000;
	long rounds = argc > 2 ? atol(argv[2]) : 14;
	if (n < 2 || rounds < 0) {
		fprintf(stderr, "usage: sort [RECORDS [ROUNDS]]\n");
		return 2;
	}
	size_t sz = (size_t)n;
	struct employee *a = malloc(sz * sizeof *a), *b = malloc(sz * sizeof *b),
			*t = malloc(sz * sizeof *t);
	int32_t *ints = malloc(sz * 4 * sizeof *ints);
	uint32_t digest = 0;
	long mismatches = 0;
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < sz; i++)
			make_employee(&a[i], (uint32_t)i);
		memcpy(b, a, sz * sizeof *a);
		merge_sort(a, sz, sizeof *a, by_name);
		heap_sort(b, sz, sizeof *b, by_name);
		mismatches += memcmp(a, b, sz * sizeof *a) != 0;
		digest = digest * 31 + fold_ids(a, sz);
		merge_sort(a, sz, sizeof *a, by_dept_salary);
		digest = digest * 31 + fold_ids(a, sz);
		memcpy(b, a, sz * sizeof *a);
		merge_sort(a, sz, sizeof *a, by_salary_only); /* stable: ties keep dept order */
		radix_sort_by_salary(b, sz, t);
		mismatches += memcmp(a, b, sz * sizeof *a) != 0;
		digest = digest * 31 + fold_ids(a, sz);
		for (size_t i = 0; i < 4 * sz; i++)
			ints[i] = (int32_t)(multiply_with_carry() % 1000000) - 500000;
		intro_sort(ints, 4 * sz);
		for (size_t i = 1; i < 4 * sz; i++)
			mismatches += ints[i - 1] > ints[i];
		digest = digest * 31 + (uint32_t)ints[sz] + (uint32_t)ints[3 * sz];
	}
	printf("sort: %ld records, %ld rounds, %ld mismatches, digest %08x\n", n, rounds,
	       mismatches, digest);
	printf("  first by salary: %s dept %u salary %u\n", a[0].name, a[0].dept, a[0].salary);
	free(a);
	free(b);
	free(t);
	free(ints);
	return mismatches != 0;
}
