/* The other half of multi/main.c. The test brings it as bitcode built
 * position-dependent (-fno-pic), whose declarations of libc's data and
 * functions say they are near: its code must still reach them. */
#include <stdio.h>
#include <stdlib.h>

int samples_seen;

/* the address of a libc function, taken in data */
void *(*stats_alloc)(size_t) = malloc;

void record(double x)
{
	(void)x;
	samples_seen++;
}

double mean(const double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s / n;
}

double variance(const double *v, int n)
{
	double m = mean(v, n), s = 0;
	for (int i = 0; i < n; i++) {
		double d = v[i] - m;
		double sq = d * d;
		s += sq;
	}
	return s / n;
}

/* libc's stdout, and free's address taken in code */
void report_copy(const double *v, int n)
{
	double *copy = stats_alloc((size_t)n * sizeof *copy);
	void (*release)(void *) = free;
	if (!copy)
		return;
	for (int i = 0; i < n; i++)
		copy[i] = v[n - 1 - i];
	fprintf(stdout, "reversed first %.1f last %.1f\n", copy[0], copy[n - 1]);
	release(copy);
}
