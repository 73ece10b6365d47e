/* Shared by the edge-case programs: each check prints "ok NAME" or
 * "FAIL NAME: detail", and edge_exit() exits 0 only if every check passed.
 * The programs run natively first (proving the expectation is Linux's) and
 * then under bareflow (tests/boot/edge_cases.sh). */
#ifndef EDGE_H
#define EDGE_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int edge_passed, edge_failed;

static const char *edge_errname(int e)
{
	return e ? strerrorname_np(e) : "0";
}

/* edge_check: record one check; on failure, detail is printf-formatted. */
__attribute__((format(printf, 3, 4))) static void edge_check(const char *name, int ok,
							     const char *detail, ...)
{
	if (ok) {
		printf("ok %s\n", name);
		edge_passed++;
		return;
	}
	va_list ap;
	va_start(ap, detail);
	printf("FAIL %s: ", name);
	vprintf(detail, ap);
	printf("\n");
	va_end(ap);
	edge_failed++;
}

/* edge_errno: a call that must fail with -1 and errno want. Evaluate the
 * call with errno cleared: edge_errno(name, (errno = 0, call), want). */
static void edge_errno(const char *name, long r, int want)
{
	int e = errno;
	edge_check(name, r == -1 && e == want, "returned %ld, errno %s; expected -1, errno %s", r,
		   edge_errname(e), edge_errname(want));
}

#define EXPECT_ERRNO(name, call, want) edge_errno(name, (errno = 0, (long)(call)), want)

/* edge_exit: flush, print the summary and exit 0 only if nothing failed. */
static __attribute__((noreturn)) void edge_exit(void)
{
	printf("%d passed, %d failed\n", edge_passed, edge_failed);
	fflush(stdout);
	exit(edge_failed ? 1 : 0);
}

#endif
