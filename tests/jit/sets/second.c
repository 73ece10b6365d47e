/* The second file of tests/jit/sets (see first.c). */
#include <stdio.h>

struct step {
	const char *name;
	int weight;
};

extern const struct step step_named;
static const struct step step_d __attribute__((used, section("steps"), aligned(16))) = {"d", 4};
static const struct step step_e __attribute__((used, section("steps"), aligned(16))) = {"e", 5};
extern const struct step __start_steps[], __stop_steps[];

int main(void)
{
	int sum = 0;
	for (const struct step *s = __start_steps; s < __stop_steps; s++) {
		printf("%s ", s->name);
		sum = sum * 10 + s->weight;
	}
	printf("= %d (named: %s)\n", sum, step_named.name);
	return 0;
}
