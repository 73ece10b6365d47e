/*
 * The C library's functions that end the process with exit (the err
 * family, and error and error_at_line with a nonzero status): the
 * runtime's, which print as libc's do (through libc, with a status of 0
 * where it would exit) and then end the process by rt_exit, as the
 * program's own exit does: its handlers first, and a compile under way
 * not waited for. (error_at_line under error_one_per_line neither prints
 * nor exits for a repeated line, as libc's.)
 */
#include <err.h>
#include <error.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* with error_one_per_line, a second message for the line before is
	 * not printed, and the call returns whatever its status (as libc's,
	 * whose own record of the line sees the same calls) */
	static const char *last_file;
	static unsigned last_line;
	if (error_one_per_line) {
		if (line == last_line &&
		    (file == last_file || (file && last_file && !strcmp(file, last_file))))
			return;
		last_file = file;
		last_line = line;
	}
	va_list ap;
	va_start(ap, fmt);
	char *m = message(fmt, ap);
	va_end(ap);
	error_at_line(0, errnum, file, line, "%s", m ? m : fmt);
	free(m);
	if (status)
		rt_exit(status);
}
