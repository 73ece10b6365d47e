/* <complex.h>'s functions in all three precisions, long double <math.h>,
 * and the compiler's helpers for long double complex products and
 * quotients (__mulxc3, __divxc3), each called often enough for the tiers
 * to look at the callers. Printed to 12 digits: the JIT targets a CPU with
 * FMA, which C lets a compiler use inside an expression. */
#include <complex.h>
#include <math.h>
#include <stdio.h>

static double complex step(double complex z, double complex c)
{
	return csqrt(z * z + c) + cexp(z / 8.0) - clog(c + 2.0);
}

static long double complex lstep(long double complex z, long double complex w)
{
	return z * w / (w + 1.5L);
}

int main(int argc, char **argv)
{
	(void)argv;
	double complex z = 0.25 + 0.5 * I;
	float complex f = 1.0f - 0.5f * I;
	long double complex lz = 0.5L + 0.25L * I, lw = (long double)argc - 0.75L * I;
	long double acc = 0;
	for (int i = 0; i < 3000; i++) {
		double complex c = (i % 7) * 0.125 - (i % 5) * 0.25 * I;
		z = step(z, c) / (1.0 + cabs(z));
		f = csqrtf(f * f + 0.5f - 0.25f * I) / (1.0f + cabsf(f)) + 0.3f * I;
		lz = lstep(lz, lw) / (1.0L + cabsl(lz)) + (0.25L - 0.5L * I);
		acc += tanl((long double)i / 3000) + atan2l(i, 7) + hypotl(i, 3) + expm1l(1.0L / (i + 1));
	}
	printf("z %.12g %.12g |z| %.12g arg %.12g\n", creal(z), cimag(z), cabs(z), carg(z));
	printf("pow %.12g sin %.12g cosh %.12g atan %.12g\n", creal(cpow(z, 1.5 + I)),
	       cimag(csin(z)), creal(ccosh(z)), cimag(catan(z)));
	printf("f %.6g %.6g arg %.6g exp %.6g\n", crealf(f), cimagf(f), cargf(f), crealf(cexpf(f)));
	printf("lz %.12Lg %.12Lg |lz| %.12Lg log %.12Lg\n", creall(lz), cimagl(lz), cabsl(lz),
	       creall(clogl(lz + 1)));
	printf("acc %.12Lg cbrt %.12Lg lgamma %.12Lg round %.12Lg\n", acc, cbrtl(acc), lgammal(7.5L),
	       roundl(acc / 7));
	return 0;
}
