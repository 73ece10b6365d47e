/* Clocks: monotonic time advances across a sleep, wall time agrees with the
 * host's to within a minute. Prints only what is the same on both sides. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec a, b, req = {0, 50 * 1000 * 1000}, wall;
	struct timeval tv;

	clock_gettime(CLOCK_MONOTONIC, &a);
	nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double slept = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("slept at least 50 ms: %s\n", slept >= 0.05 ? "yes" : "no");
	printf("slept under 5 s: %s\n", slept < 5 ? "yes" : "no");
	clock_gettime(CLOCK_REALTIME, &wall);
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	printf("clocks agree: %s\n", (t - wall.tv_sec < 2 && tv.tv_sec - wall.tv_sec < 2) ? "yes" : "no");
	/* The host passes its own time of day as argv[1] (seconds since 1970). */
	if (argc > 1) {
		long host = 0;
		sscanf(argv[1], "%ld", &host);
		printf("within a minute of the host: %s\n",
		       (wall.tv_sec - host < 60 && host - wall.tv_sec < 60) ? "yes" : "no");
	}
	return 0;
}
