/* CLI helpers: where the repository is, error messages, size parsing. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_root(void)
{
	static char root[PATH_MAX];

	if (root[0])
		return root;
	ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
	if (n <= 0) {
		strcpy(root, ".");
		return root;
	}
	root[n] = 0;
	for (int up = 0; up < 2; up++) { /* ROOT/build/bareflow-cli -> ROOT */
		char *slash = strrchr(root, '/');
		if (slash && slash != root)
			*slash = 0;
	}
	return root;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bareflow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_parse_size(const char *text, unsigned long long *mib)
{
	char *end;
	unsigned long long v;

	if (!text || text[0] < '0' || text[0] > '9')
		return -1;
	v = strtoull(text, &end, 10);
	unsigned long long kib_per_unit;
	switch (*end) {
	case 'k': case 'K': kib_per_unit = 1; break;
	case '\0': case 'm': case 'M': kib_per_unit = 1024; break;
	case 'g': case 'G': kib_per_unit = 1024ull * 1024; break;
	case 't': case 'T': kib_per_unit = 1024ull * 1024 * 1024; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (v == 0 || v > (1ull << 40) / kib_per_unit)
		return -1;
	unsigned long long kib = v * kib_per_unit;
	if (kib % 1024)
		return -1;
	*mib = kib / 1024;
	return 0;
}
