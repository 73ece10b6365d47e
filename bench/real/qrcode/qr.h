/* A QR-code-like encoder: Reed-Solomon over GF(256), and a module matrix
 * with eight mask patterns scored by penalty rules. */
#include <stdint.h>

void gf_init(void);
uint8_t gf_mul(uint8_t a, uint8_t b);
uint8_t gf_div(uint8_t a, uint8_t b);
uint8_t gf_pow_alpha(int e);
uint8_t gf_inv(uint8_t a);

void rs_init(int nsym);
void rs_encode(const uint8_t *msg, int k, uint8_t *ecc);
int rs_correct(uint8_t *code, int n);

#define QR_SIZE 57
typedef int (*mask_fn)(int row, int col);
void qr_place(uint8_t grid[QR_SIZE][QR_SIZE], const uint8_t *bytes, int n);
int qr_best_mask(uint8_t grid[QR_SIZE][QR_SIZE], int *penalty);
