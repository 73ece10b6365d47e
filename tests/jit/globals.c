/* Globals and static data: initialized and zeroed variables, pointers to
 * other globals and functions in initializers, string tables, static locals
 * that keep their value, and a global changed through a pointer. */
#include <stdio.h>
#include <string.h>

struct shape {
	const char *name;
	int sides;
	double (*area)(double);
};

static double square_area(double s)
{
	return s * s;
}
static double triangle_area(double s)
{
	return s * s * 0.4330127018922193;
}
static double hexagon_area(double s)
{
	return s * s * 2.598076211353316;
}

int counter = 100;	 /* initialized, external linkage */
static int zeroed[1000]; /* .bss */
static char message[32] = "static text";
int *counter_ptr = &counter; /* a pointer to a global, resolved when linked */
static const struct shape shapes[] = {
    {"triangle", 3, triangle_area}, {"square", 4, square_area}, {"hexagon", 6, hexagon_area}};
static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const *day_ptr = &days[3];
static long long big = 0x123456789abcdefLL;
static unsigned char bytes[] = {1, 2, 3, 250, 251, 252};
double table[4][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};

static int next_id(void)
{
	static int id = 1000; /* keeps its value between calls */
	return id++;
}

static const char *greeting(void)
{
	static char buf[64];
	static int calls;
	snprintf(buf, sizeof buf, "greeting #%d", ++calls);
	return buf;
}

int main(void)
{
	for (int i = 0; i < 3; i++)
		printf("%s: %d sides, area %.6f\n", shapes[i].name, shapes[i].sides,
		       shapes[i].area(2.0));
	*counter_ptr += 23;
	printf("counter %d via pointer %d\n", counter, *counter_ptr);
	long sum = 0;
	for (int i = 0; i < 1000; i++)
		sum += zeroed[i];
	zeroed[999] = 5;
	printf("zeroed sum %ld, last %d\n", sum, zeroed[999]);
	strcat(message, " grows");
	printf("message '%s' (%zu)\n", message, strlen(message));
	printf("day %s, first %s, last %s\n", *day_ptr, days[0], days[6]);
	printf("big %llx bytes %u %u\n", big, bytes[0], bytes[5]);
	double t = 0;
	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 3; c++)
			t += table[r][c] * (r + 1);
	printf("table weighted sum %.1f\n", t);
	int a = next_id(), b = next_id(), c = next_id();
	printf("ids %d %d %d\n", a, b, c);
	printf("%s\n", greeting());
	printf("%s\n", greeting());
	return counter % 256; /* 123 */
}
