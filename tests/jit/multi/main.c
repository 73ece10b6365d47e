/* A program in two files (with stats.c): calls and a global across them. */
#include <stdio.h>

extern int samples_seen; /* defined in stats.c */
double mean(const double *v, int n);
double variance(const double *v, int n);
void record(double x);
void report_copy(const double *v, int n);

int main(void)
{
	double v[] = {2, 4, 4, 4, 5, 5, 7, 9};
	for (int i = 0; i < 8; i++)
		record(v[i]);
	printf("mean %.3f variance %.3f samples %d\n", mean(v, 8), variance(v, 8), samples_seen);
	report_copy(v, 8);
	return samples_seen;
}
