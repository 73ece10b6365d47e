/*
 * The C library's functions that end the process with exit (the err
 * family, and error and error_at_line with a nonzero status): the
 * runtime's, which print as libc's do (through libc, with a status of 0
 * where it would exit) and then end the process by rt_exit, as the
 * program's own exit does: its handlers first, and a compile under way
 * not waited for.
 */
#include <err.h>
#include <error.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"

void rt_verr(int status, const char *fmt, va_list ap)
{
	vwarn(fmt, ap);
	rt_exit(status);
}

void rt_verrx(int status, const char *fmt, va_list ap)
{
	vwarnx(fmt, ap);
	rt_exit(status);
}

void rt_err(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_verr(status, fmt, ap);
}

void rt_errx(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_verrx(status, fmt, ap);
}

/* The message made first, then given to libc's as a "%s" (libc has no
 * error taking a va_list). */
static char *message(const char *fmt, va_list ap)
{
	char *m;
	return vasprintf(&m, fmt, ap) < 0 ? NULL : m;
}

void rt_error(int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = message(fmt, ap);
	va_end(ap);
	error(0, errnum, "%s", m ? m : fmt);
	free(m);
	if (status)
		rt_exit(status);
}

void rt_error_at_line(int status, int errnum, const char *file, unsigned line, const char *fmt,
		      ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = message(fmt, ap);
	va_end(ap);
	error_at_line(0, errnum, file, line, "%s", m ? m : fmt);
	free(m);
	if (status)
		rt_exit(status);
}
