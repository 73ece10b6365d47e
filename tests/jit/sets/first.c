/* A linker set across two files (with second.c, which holds main): each
 * file's entries in its order, the files in the command line's, though the
 * second names one of this file's (llvm-link moves that definition after
 * the second file's own). */
struct step {
	const char *name;
	int weight;
};

static const struct step step_a __attribute__((used, section("steps"), aligned(16))) = {"a", 1};
const struct step step_named __attribute__((used, section("steps"), aligned(16))) = {"named", 2};
static const struct step step_c __attribute__((used, section("steps"), aligned(16))) = {"c", 3};
