/* A raw call's result as "ok" or the name of its errno ("ENOENT"), the
 * same on every machine, for the programs compared with Linux. */
#ifndef RESULT_NAME_H
#define RESULT_NAME_H

#include <errno.h>

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

#endif
