/* Gradient-boosted decision trees on byte-binned features: training with
 * per-node gradient histograms, and inference over flattened trees. */
#include <stdint.h>

#define NFEATURES 16
#define MAX_DEPTH 6
#define MAX_NODES (1 << (MAX_DEPTH + 1))

struct dataset {
	int n;
	uint8_t (*x)[NFEATURES];
	int32_t *y; /* targets, fixed point (1/1024) */
};

struct node {
	int16_t feature; /* -1: a leaf */
	uint8_t threshold; /* go left when x[feature] <= threshold */
	int32_t left, right;
	int32_t value; /* leaf output, fixed point */
};

struct tree {
	struct node nodes[MAX_NODES];
	int count;
};

struct model {
	struct tree *trees;
	int ntrees;
	int32_t base;
};

void make_dataset(struct dataset *d, int n, uint32_t seed);
void dataset_free(struct dataset *d);
void train(struct model *m, const struct dataset *d, int ntrees, int depth);
void model_free(struct model *m);

typedef int32_t (*tree_eval_fn)(const struct tree *t, const uint8_t *x);
int32_t tree_eval_walk(const struct tree *t, const uint8_t *x);
int32_t tree_eval_branchless(const struct tree *t, const uint8_t *x);
int64_t predict_all(const struct model *m, const struct dataset *d, tree_eval_fn eval,
		    int32_t *out);
