/* A raw call's result as "ok" or the name of its errno ("ENOENT"), the
 * same on every machine, for the programs compared with Linux. */
#ifndef RESULT_NAME_H
#define RESULT_NAME_H

#include <errno.h>
#include <stdio.h>

/* glibc's (2.32 and later); declared here so that no program needs
 * _GNU_SOURCE before its first include */
const char *strerrorname_np(int errnum);

/* errno's name. */
static inline const char *errno_name(void)
{
	const char *name = strerrorname_np(errno);
	return name ? name : "other";
}

static inline const char *res(long r)
{
	return r >= 0 ? "ok" : errno_name();
}

/* The result itself, or its errno's name (from a buffer of 4, so that a
 * printf may show a few). */
static inline const char *res_value(long r)
{
	static char bufs[4][32];
	static int next;
	if (r < 0)
		return errno_name();
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof bufs[0], "%ld", r);
	return b;
}

#endif
