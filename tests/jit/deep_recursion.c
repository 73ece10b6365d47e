/* Deep recursion: a list walked by a recursive function 200,000 calls deep,
 * as a recursive-descent parser or a tree walk on degenerate input goes.
 * Built by clang -O1, its frames take some 3 MiB of Linux's default 8 MiB
 * stack; tier 0's are four times as large, and the program must not die
 * for being run by the JIT (it did, hosted and bare-metal, unless walk's
 * -O3 code came in before the first walk went deep). Hosted, it needs a
 * hard stack limit of 32 MiB or more (Linux's default is none). */
#include <stdio.h>
#include <stdlib.h>

struct node {
	struct node *next;
	unsigned long v;
};

/* A hash of the list from n on: not a tail call, and no accumulator an
 * optimizer could turn the recursion into a loop with. */
static unsigned long walk(const struct node *n)
{
	if (!n)
		return 7;
	unsigned long rest = walk(n->next);
	return (rest * 31) ^ (n->v + (rest >> 7));
}

int main(void)
{
	const long depth = 200000;
	struct node *nodes = calloc(depth, sizeof *nodes);
	if (!nodes)
		return 1;
	for (long i = 0; i < depth; i++) {
		nodes[i].v = (unsigned long)i * 2654435761u;
		nodes[i].next = i + 1 < depth ? &nodes[i + 1] : NULL;
	}
	unsigned long h = 0;
	for (int round = 0; round < 3; round++) {
		nodes[round].v++;
		h = h * 1000003 ^ walk(nodes);
	}
	printf("%016lx\n", h);
	free(nodes);
	return 0;
}
