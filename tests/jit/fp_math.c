/* Floating point with libm: results printed in full (%.17g), so a JIT that
 * computed anything differently from the ahead-of-time build would show.
 * Products and sums are separate statements: C lets a compiler fuse a*b+c
 * within one expression, and the JIT targets a CPU with FMA. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static double mul_add(double a, double b, double c)
{
	double p = a * b;
	return p + c;
}

/* Simpson's rule for the integral of f over [a, b] with n (even) intervals. */
static double simpson(double (*f)(double), double a, double b, int n)
{
	double h = (b - a) / n, s = f(a) + f(b);
	for (int i = 1; i < n; i++) {
		double w = i % 2 ? 4.0 : 2.0;
		double ih = i * h;
		double x = a + ih;
		double t = w * f(x);
		s += t;
	}
	return s * h / 3.0;
}

static double gauss(double x)
{
	return exp(-x * x);
}

/* Newton's method for sqrt, to compare with the library's. */
static double newton_sqrt(double v)
{
	double x = v > 1 ? v : 1;
	for (int i = 0; i < 60; i++) {
		double q = v / x;
		double nx = 0.5 * (x + q);
		if (nx == x)
			break;
		x = nx;
	}
	return x;
}

int main(void)
{
	static const double xs[] = {0.0, 0.5, 1.0, 2.0, 3.14159, -1.25, 10.0, 1e-8, 123.456};
	int n = (int)(sizeof xs / sizeof xs[0]);

	for (int i = 0; i < n; i++) {
		double x = xs[i];
		printf("x=%.17g sin=%.17g cos=%.17g tan=%.17g\n", x, sin(x), cos(x), tan(x));
		printf("  exp=%.17g log1p=%.17g atan=%.17g tanh=%.17g\n", exp(x), log1p(fabs(x)),
		       atan(x), tanh(x));
		printf("  pow=%.17g sqrt=%.17g cbrt=%.17g hypot=%.17g\n", pow(fabs(x) + 1, 2.5),
		       sqrt(fabs(x)), cbrt(x), hypot(x, 3.0));
		printf("  fma=%.17g muladd=%.17g atan2=%.17g\n", fma(x, x, -1.0),
		       mul_add(x, x, -1.0), atan2(x, -2.0));
		printf("  floor=%g ceil=%g round=%g trunc=%g fmod=%.17g\n", floor(x), ceil(x),
		       round(x), trunc(x), fmod(x, 0.75));
	}
	float f = 0.1f;
	for (int i = 0; i < 5; i++) {
		printf("float %.9g sinf=%.9g expf=%.9g sqrtf=%.9g powf=%.9g\n", f, sinf(f), expf(f),
		       sqrtf(f), powf(f, 1.5f));
		f *= 3.7f;
	}
	printf("simpson=%.17g erf-check=%.17g\n", simpson(gauss, -3, 3, 600),
	       sqrt(M_PI) * erf(3.0));
	printf("newton=%.17g sqrt=%.17g\n", newton_sqrt(2.0), sqrt(2.0));
	printf("specials: %g %g %d %d\n", -INFINITY, nextafter(1.0, 2.0) - 1.0,
	       isnan(sqrt(-1.0)) != 0, isinf(exp(1000.0)) != 0);
	printf("dbl_eps=%.17g lgamma(5.5)=%.17g tgamma(4.5)=%.17g\n", DBL_EPSILON, lgamma(5.5),
	       tgamma(4.5));
	long double ld = 1.0L / 3.0L;
	printf("long double %.20Lg sqrtl=%.20Lg\n", ld, sqrtl(ld));
	return 0;
}
