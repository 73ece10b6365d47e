/* The numerical kernels. exp is our own (range reduction by ln 2 and a
 * degree-5 polynomial), so every platform computes the same bits. */
#include <math.h>

#include "model.h"

static const float ln2 = 0.693147180559945f, inv_ln2 = 1.44269504088896f;
static const float exp_poly[6] = {1.0f, 1.0f, 0.5f, 0.166666667f, 0.0416666667f, 0.00833333333f};
static float norm_epsilon = 1e-5f;

float fast_exp(float x)
{
	if (x < -80.0f)
		return 0.0f;
	if (x > 80.0f)
		x = 80.0f;
	float k = floorf(x * inv_ln2 + 0.5f);
	float r = x - k * ln2, p = exp_poly[5];
	for (int i = 4; i >= 0; i--)
		p = p * r + exp_poly[i];
	return ldexpf(p, (int)k);
}

/* The sigmoid approximation x * sigmoid(1.702 x) */
float gelu(float x)
{
	return x / (1.0f + fast_exp(-1.702f * x));
}

void matvec(const float *w, const float *x, float *y, int rows, int cols)
{
	for (int r = 0; r < rows; r++) {
		const float *row = w + (long)r * cols;
		float s = 0.0f;
		for (int c = 0; c < cols; c++)
			s += row[c] * x[c];
		y[r] = s;
	}
}

void rms_norm(const float *x, const float *gain, float *y, int n)
{
	float ss = 0.0f;
	for (int i = 0; i < n; i++)
		ss += x[i] * x[i];
	float scale = 1.0f / sqrtf(ss / (float)n + norm_epsilon);
	for (int i = 0; i < n; i++)
		y[i] = x[i] * scale * gain[i];
}

void softmax(float *x, int n)
{
	float max = x[0], sum = 0.0f;
	for (int i = 1; i < n; i++)
		if (x[i] > max)
			max = x[i];
	for (int i = 0; i < n; i++) {
		x[i] = fast_exp(x[i] - max);
		sum += x[i];
	}
	for (int i = 0; i < n; i++)
		x[i] /= sum;
}
