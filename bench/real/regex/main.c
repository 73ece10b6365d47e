/*
 * A log searcher: synthetic web-server log lines, and a set of patterns
 * each run over every line with both engines (through a table of engine
 * functions), counting matching lines; the engines must agree.
 * usage: regex [LINES]   (default 40000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

typedef int (*engine_fn)(const struct regex *re, const char *s, int n);
static const struct {
	const char *name;
	engine_fn search;
} engines[] = {{"backtrack", re_search_backtrack}, {"pike", re_search_pike}};

static const char *const patterns[] = {
    "GET /api/v[0-9]+/users/[0-9]+ 200",
    "(POST|PUT|DELETE) .* 5[0-9][0-9] ",
    "ms=[0-9][0-9][0-9]+",
    "^2026-12-0[1-3] ",
    "ua=(curl|wget)/",
    "[a-z]+@[a-z]+\\.(com|org)",
    "error|fail(ed|ure)?",
    "\\d+\\.\\d+\\.\\d+\\.\\d+ ",
    "/static/.*\\.(png|jpe?g|css)",
    "[0-9:]+ [0-9.]+ [A-Z]+ /[a-z/]+[a-z0-9.]* 404 ",
};
enum { NPAT = sizeof patterns / sizeof patterns[0] };

static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
static const char *const paths[] = {"/api/v1/users/", "/api/v2/users/", "/static/img/",
				    "/static/css/", "/login", "/api/v1/orders/"};
static const char *const agents[] = {"Mozilla/5.0", "curl/8.1", "wget/1.21", "bot"};
static const int statuses[] = {200, 200, 200, 201, 304, 404, 500, 503};
static const char *const extras[] = {"", "", "", " user=bob@example.com",
				     " error: timeout", " failed", " note=alice@mail.org"};

static uint32_t seed = 7;
static uint32_t next_random(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}
#define PICK(a) a[next_random() % (sizeof a / sizeof a[0])]

static int make_line(char *buf, size_t cap)
{
	const char *path = PICK(paths);
	char tail[32];
	if (strncmp(path, "/static/", 8) == 0)
		snprintf(tail, sizeof tail, "f%u.%s", next_random() % 100,
			 next_random() % 3 ? "png" : "jpeg");
	else
		snprintf(tail, sizeof tail, "%u", next_random() % 5000);
	return snprintf(buf, cap, "2026-12-%02u %02u:%02u:%02u 10.%u.%u.%u %s %s%s %d %u ms=%u ua=%s%s",
			1 + next_random() % 9, next_random() % 24, next_random() % 60,
			next_random() % 60, next_random() % 256, next_random() % 256,
			next_random() % 256, PICK(methods), path, tail, PICK(statuses),
			next_random() % 100000, next_random() % 2000, PICK(agents), PICK(extras));
}

int main(int argc, char **argv)
{
	long lines = argc > 1 ? atol(argv[1]) : 40000;
	if (lines < 0) {
		fprintf(stderr, "usage: regex [LINES]\n");
		return 2;
	}
	static struct regex compiled[NPAT];
	for (int p = 0; p < NPAT; p++)
		if (re_compile(&compiled[p], patterns[p]) < 0) {
			printf("regex: cannot compile %s\n", patterns[p]);
			return 1;
		}
	long counts[2][NPAT] = {{0}};
	char line[256];
	for (long i = 0; i < lines; i++) {
		int n = make_line(line, sizeof line);
		for (int e = 0; e < 2; e++)
			for (int p = 0; p < NPAT; p++)
				counts[e][p] += engines[e].search(&compiled[p], line, n) == 1;
	}
	int agree = memcmp(counts[0], counts[1], sizeof counts[0]) == 0;
	printf("regex: %ld lines, engines %s\n", lines, agree ? "agree" : "DISAGREE");
	for (int p = 0; p < NPAT; p++)
		printf("  %6ld %6ld  %s\n", counts[0][p], counts[1][p], patterns[p]);
	return !agree;
}
