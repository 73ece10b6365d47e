/* Function pointers and the C library calling back into JIT-compiled code:
 * qsort and bsearch comparators, atexit handlers (run in reverse order after
 * main returns), and a dispatch table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person {
	const char *name;
	int age;
};

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int by_age_then_name(const void *a, const void *b)
{
	const struct person *p = a, *q = b;
	if (p->age != q->age)
		return p->age - q->age;
	return strcmp(p->name, q->name);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int add(int a, int b)
{
	return a + b;
}
static int sub(int a, int b)
{
	return a - b;
}
static int mul(int a, int b)
{
	return a * b;
}
static int max(int a, int b)
{
	return a > b ? a : b;
}

static int fold(int (*op)(int, int), const int *v, int n, int init)
{
	for (int i = 0; i < n; i++)
		init = op(init, v[i]);
	return init;
}

static int handlers_run;
static void first_registered(void)
{
	printf("atexit: first registered, runs last (%d)\n", ++handlers_run);
}
static void second_registered(void)
{
	printf("atexit: second registered (%d)\n", ++handlers_run);
}
static void third_registered(void)
{
	printf("atexit: third registered, runs first (%d)\n", ++handlers_run);
	fflush(stdout);
}

int main(void)
{
	int v[200];
	unsigned seed = 12345;
	for (int i = 0; i < 200; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int)((seed >> 8) % 1000) - 500;
	}
	qsort(v, 200, sizeof v[0], by_int);
	printf("sorted: %d %d %d ... %d %d\n", v[0], v[1], v[2], v[198], v[199]);
	for (int i = 1; i < 200; i++)
		if (v[i - 1] > v[i])
			printf("not sorted at %d\n", i);
	int keys[] = {v[17], v[150], 501, -501};
	for (int k = 0; k < 4; k++) {
		int *hit = bsearch(&keys[k], v, 200, sizeof v[0], by_int);
		printf("bsearch %d: %s\n", keys[k], hit && *hit == keys[k] ? "found" : "absent");
	}

	struct person people[] = {
	    {"carol", 35}, {"alice", 30}, {"bob", 30}, {"dave", 25}, {"eve", 35}};
	qsort(people, 5, sizeof people[0], by_age_then_name);
	for (int i = 0; i < 5; i++)
		printf("%s %d\n", people[i].name, people[i].age);

	const char *words[] = {"pear", "apple", "fig", "banana", "cherry"};
	qsort(words, 5, sizeof words[0], by_string);
	const char *want = "fig";
	const char **w = bsearch(&want, words, 5, sizeof words[0], by_string);
	printf("words: %s %s %s %s %s; fig at %d\n", words[0], words[1], words[2], words[3],
	       words[4], w ? (int)(w - words) : -1);

	static int (*const ops[])(int, int) = {add, sub, mul, max};
	static const char *const names[] = {"add", "sub", "mul", "max"};
	int small[] = {3, 1, 4, 1, 5, 9, 2, 6};
	for (int i = 0; i < 4; i++)
		printf("fold %s = %d\n", names[i], fold(ops[i], small, 8, i == 2 ? 1 : 0));

	atexit(first_registered);
	atexit(second_registered);
	atexit(third_registered);
	printf("main returns 9\n");
	return 9;
}
