/* The other half of multi/main.c. */
int samples_seen;

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
