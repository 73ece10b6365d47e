/* Heap: a linked list built and freed, arrays grown with realloc, and a
 * pool of blocks of random sizes allocated and freed in random order with
 * their contents checked; a checksum of everything at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	long value;
};

static unsigned long rng = 88172645463325252ul;
static unsigned long next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(void)
{
	/* a list of 20000 nodes, reversed, summed, freed */
	struct node *head = NULL;
	for (long i = 0; i < 20000; i++) {
		struct node *n = malloc(sizeof *n);
		if (!n)
			return 1;
		n->value = i * i % 1009;
		n->next = head;
		head = n;
	}
	struct node *rev = NULL;
	while (head) {
		struct node *n = head;
		head = n->next;
		n->next = rev;
		rev = n;
	}
	long sum = 0;
	for (struct node *n = rev; n; n = n->next)
		sum += n->value;
	while (rev) {
		struct node *n = rev;
		rev = rev->next;
		free(n);
	}
	printf("list sum %ld\n", sum);

	/* realloc growth, doubling, with the contents kept */
	size_t cap = 1, len = 0;
	int *arr = malloc(cap * sizeof *arr);
	for (int i = 0; i < 100000; i++) {
		if (len == cap) {
			cap *= 2;
			arr = realloc(arr, cap * sizeof *arr);
			if (!arr)
				return 2;
		}
		arr[len++] = i ^ (i >> 3);
	}
	long check = 0;
	for (size_t i = 0; i < len; i++)
		check += arr[i] == (int)(i ^ (i >> 3)) ? 1 : -1000000;
	free(arr);
	printf("realloc: %zu ints, capacity %zu, intact %ld\n", len, cap, check);

	/* a pool of 512 slots, 60000 random operations */
	enum { SLOTS = 512 };
	unsigned char *slot[SLOTS] = {0};
	size_t size[SLOTS] = {0};
	unsigned long ops = 0, bad = 0, bytes = 0;
	for (int op = 0; op < 60000; op++) {
		int k = (int)(next_random() % SLOTS);
		if (slot[k]) {
			for (size_t i = 0; i < size[k]; i += 61)
				bad += slot[k][i] != (unsigned char)(k + i);
			free(slot[k]);
			slot[k] = NULL;
		} else {
			size_t sz =
			    next_random() % 4 == 0 ? next_random() % 70000 : next_random() % 300;
			slot[k] = sz % 3 ? malloc(sz + 1) : calloc(sz + 1, 1);
			if (!slot[k])
				return 3;
			size[k] = sz + 1;
			for (size_t i = 0; i < size[k]; i++)
				slot[k][i] = (unsigned char)(k + i);
			bytes += size[k];
		}
		ops++;
	}
	for (int k = 0; k < SLOTS; k++)
		free(slot[k]);
	printf("pool: %lu operations, %lu bytes allocated, %lu bad bytes\n", ops, bytes, bad);

	char *s = strdup("duplicated");
	char *t = malloc(100);
	snprintf(t, 100, "%s and %s", s, "formatted");
	printf("%s\n", t);
	free(s);
	free(t);
	return 0;
}
