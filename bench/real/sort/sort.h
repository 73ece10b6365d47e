/* Sorting: a generic stable merge sort and heap sort behind qsort's
 * interface, an introsort of integers, and an LSD radix sort of records. */
#include <stddef.h>
#include <stdint.h>

typedef int (*cmp_fn)(const void *a, const void *b);

struct employee {
	char name[12];
	uint32_t dept;
	uint32_t salary;
	uint32_t id;
};

void merge_sort(void *base, size_t n, size_t size, cmp_fn cmp);
void heap_sort(void *base, size_t n, size_t size, cmp_fn cmp);
void intro_sort(int32_t *v, size_t n);
void radix_sort_by_salary(struct employee *v, size_t n, struct employee *tmp);
